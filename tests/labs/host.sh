#!/bin/bash
# Host tests of the lab kit (issue 15). One line per check, "labs: N
# passed, M failed" at the end; exit 1 on a failure.
#
#   handouts    make handout/handouts: no solution/, skeleton/ or
#               instructor part, no answer, no file of a solution; a
#               student's handout names the student and shows that
#               student's parameters; lab 3's buggy is the variant's
#   variants    every lab with params: two IDs get different parameters,
#               the same in dash, bash and busybox sh; the default ones
#               are the README's (lab 3: the checked-in buggy)
#   staging     scripts/grade.sh -n: only the files a lab's submit list
#               names reach the stage, links and big files are refused,
#               the stage's run is the instructor's, and nothing of the
#               submission runs on the host
#   lab 5       hosttest: the solution's policy replays every trace in the
#               userspace engine, the skeleton's does not fit steps.rep
#   docs        every `make TARGET` and scripts/... the student's guide and
#               the labs' READMEs name exists
#   grade       end to end in the VM (debian-6.12; GRADE_E2E=0 skips it):
#               a submission with one wrong answer and its own scripts
#               printing a full score gets exactly 37/38, the report ends
#               with "score: 37/38", names no correct value, and its JSON
#               has the autograder's fields
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/edualloc-labs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  PASS $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | head -n 15 | sed 's/^/    | /'; }
check() { local name=$1 out; shift; if out=$("$@" 2>&1); then ok "$name"; else ko "$name" "$out"; fi; }
labs=$(cd docs/labs && ls -d lab*/ | tr -d /)

echo "== handouts"
check "make handouts OUT=dir" make -s handouts OUT="$tmp/h"
check "make handout LAB=lab2 OUT=dir STUDENT=alice" make -s handout LAB=lab2 OUT="$tmp/ha" STUDENT=alice
check "make handouts STUDENT=bob" make -s handouts OUT="$tmp/hb" STUDENT=bob
for l in $labs; do
	h=$tmp/h/$l bad=""
	[ -d "$h" ] || { ko "$l: no handout"; continue; }
	for d in solution skeleton instructor; do [ ! -e "$h/$d" ] || bad="$bad $d/"; done
	[ ! -e "$h/STUDENT" ] || bad="$bad STUDENT"
	grep -q '^[a-z_0-9]*=[^ ]' "$h/answers" 2>/dev/null && bad="$bad answers(has values)"
	for f in $(cd docs/labs/$l/solution && find . -type f); do
		cmp -s "docs/labs/$l/solution/$f" "$h/$f" && bad="$bad $f(the solution's)"
	done
	[ -z "$bad" ] && ok "$l: the handout holds no solution" || ko "$l: the handout has:$bad"
	[ -f "$tmp/h/lib/checklib.sh" ] && [ -f "$tmp/h/report-template.md" ] &&
		ok "$l: the handout has the checkers' library and the report template" ||
		ko "$l: lib/checklib.sh or report-template.md missing"
	if [ -f "docs/labs/$l/params" ]; then
		hb=$tmp/hb/$l
		[ "$(cat "$hb/STUDENT" 2>/dev/null)" = bob ] && grep -q 'student \*\*bob\*\*' "$hb/README.md" &&
			ok "$l: bob's handout names bob" || ko "$l: bob's handout does not name bob"
	fi
done
check "lab1: bob's README shows bob's Part A sizes" sh -c "
	. docs/labs/lib/checklib.sh; LAB_STUDENT=bob; . docs/labs/lab1-classes/params
	grep -qF \"alloc \$A_SIZES\" '$tmp/hb/lab1-classes/README.md' &&
	grep -qF \"alloc \$C_SIZES\" '$tmp/hb/lab1-classes/README.md' &&
	! grep -qF 'alloc 1 8 9 100 4096 4097 262144 262145' '$tmp/hb/lab1-classes/README.md'"
check "lab2: alice's README shows alice's frees" sh -c "
	. docs/labs/lib/checklib.sh; LAB_STUDENT=alice; . docs/labs/lab2-buddy/params
	set -- \$B_FREES; grep -qF \"\\\`free \$1\\\`, \\\`free \$2\\\`, \\\`free \$3\\\`, \\\`free \$4\\\`.\" '$tmp/ha/lab2-buddy/README.md'"
check "lab3: bob's buggy is bob's variant, not the default" sh -c "
	! cmp -s docs/labs/lab3-debugging/buggy '$tmp/hb/lab3-debugging/buggy' &&
	. docs/labs/lib/checklib.sh && LAB_STUDENT=bob && . docs/labs/lab3-debugging/params &&
	params_buggy | cmp - '$tmp/hb/lab3-debugging/buggy'"
check "handout refuses an unknown lab and a bad STUDENT" sh -c "
	! scripts/handout.sh lab9 '$tmp/x' 2>/dev/null && ! scripts/handout.sh -s 'a b' lab1 '$tmp/x' 2>/dev/null"

echo "== variants"
# vars SHELL LAB ID: the lab's parameters for ID, as that shell computes them.
vars() {
	$1 -c ". docs/labs/lib/checklib.sh; LAB_STUDENT='$3'; . docs/labs/$2/params
		for v in A_SIZES B_SMALL B_MID B_NEXT B_CLASS B_COUNT B_ALIGN C_SIZES B_FREES \
			G1 G2 G3 O F D L P S1 S2 S3 CHURN STEPS; do eval \"printf '%s=%s\\\\n' \$v \\\"\\\$\$v\\\"\"; done"
}
for l in $labs; do
	[ -f "docs/labs/$l/params" ] || { ko "$l: no params (no variant per student)"; continue; }
	a=$(vars dash "$l" alice) b=$(vars dash "$l" bob) d=$(vars dash "$l" "")
	[ -n "$a" ] && [ "$a" != "$b" ] && [ "$a" != "$d" ] && ok "$l: alice, bob and the default differ" ||
		ko "$l: the variants do not differ" "$a"
	[ "$(vars bash "$l" alice)" = "$a" ] && [ "$(vars "busybox sh" "$l" alice)" = "$a" ] &&
		ok "$l: dash, bash and busybox draw the same parameters" || ko "$l: the shells disagree"
done
check "lab3: the default variant is the checked-in buggy" sh -c "
	. docs/labs/lib/checklib.sh; LAB_STUDENT=; . docs/labs/lab3-debugging/params; params_buggy | cmp - docs/labs/lab3-debugging/buggy"

# Lab 4's hidden scenarios, for 150 nonces: each draw ends (a draw once
# asked for five distinct frees among four pages and spun for ever: the
# guest's grading hung), frees 2-5 distinct pages of those it allocated
# above the kept ones, and all three shells draw the same.
check "lab4: hidden scenarios end, valid, for 150 nonces" timeout 120 sh -c '
	draw() {
		$1 -c ". docs/labs/lib/checklib.sh; LAB_STUDENT=alice; . docs/labs/lab4-policy/params
			n=0; while [ \$n -lt 150 ]; do n=\$((n + 1)); params_hidden \$n 3; echo \$H1 \\| \$H2 \\| \$H3; done"
	}
	a=$(draw dash) || exit 1
	[ "$(draw bash)" = "$a" ] && [ "$(draw "busybox sh")" = "$a" ] || { echo "the shells disagree"; exit 1; }
	echo "$a" | tr "|" "\n" | sed "s/^ *//" | awk -F"[: ]+" "{
		n = \$1; k = 0; delete seen
		for (i = 2; i <= NF; i++) if (\$i != \"\") {
			if (\$i in seen || \$i < 2 || \$i > n) { print \"bad: \" \$0; exit 1 }
			seen[\$i] = 1; k++
		}
		if (k < 2 || k > 5) { print \"bad count: \" \$0; exit 1 }
	}"'

echo "== staging (scripts/grade.sh -n: no VM)"
s=$tmp/sub
mkdir -p "$s"
cp docs/labs/lab1-classes/solution/answers "$s/answers"
ln -s /etc/passwd "$s/sizes"
for f in run check grade Makefile; do
	printf '#!/bin/sh\ntouch %s/RAN-%s\necho "Score = 38/38"\n' "$tmp" "$f" >"$s/$f"; chmod 755 "$s/$f"
done
out=$(scripts/grade.sh -n "$tmp/st" -s alice lab1 "$s" 2>&1)
st=$tmp/st/out/lab1-classes
[ "$(cd "$st/work" && ls)" = answers ] && ok "only the listed files are staged" || ko "staged: $(cd "$st/work" && ls | tr '\n' ' ')"
echo "$out" | grep -q 'sizes refused (a symbolic link)' && ok "a symbolic link is refused" || ko "the link was not refused" "$out"
grep -q "The grader's run" "$st/run" && grep -q "'--student' 'alice'" "$st/run" && cmp -s "$st/check" docs/labs/lab1-classes/check &&
	ok "the stage runs the instructor's checker, for the student" || ko "the stage's run or check is not the instructor's"
ls "$tmp"/RAN-* >/dev/null 2>&1 && ko "a program of the submission ran on the host" || ok "nothing of the submission ran on the host"
rm -f "$s/sizes"; head -c 1100000 /dev/zero >"$s/sizes"
scripts/grade.sh -n "$tmp/st2" lab1 "$s" 2>&1 | grep -q 'sizes refused (over 1 MiB)' && ok "a file over 1 MiB is refused" || ko "a big file was staged"
[ ! -e "$tmp/st/out/lab1-classes/solution" ] && ok "the stage has no solution/" || ko "the stage has solution/"

echo "== lab 5 on the host (hosttest: the userspace engine, ASan and UBSan)"
# The solution replays every trace (the student's two, the default
# variant's) in 2 MiB and packs steps.rep tighter than LIFO does; the
# skeleton's naive pick does not replay steps.rep in 2 MiB.
L5=docs/labs/lab5-placement
out=$(TMPDIR=$tmp $L5/hosttest $L5/solution 2>&1)
echo "$out" | grep -q '^steps.rep .*your policy: 512 KiB' && echo "$out" | grep -q '^churn.rep .*your policy: [0-9]* KiB' &&
	ok "lab5: the solution's policy replays every trace, steps.rep in 512 KiB" || ko "lab5: the solution under hosttest" "$out"
sk=$tmp/l5skel; mkdir -p "$sk"; scripts/mkskeleton.sh $L5/solution/ea_policy.c "$sk/ea_policy.c"
out=$(TMPDIR=$tmp $L5/hosttest "$sk" $L5/traces/steps.rep 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q 'steps.rep .*over 2048' &&
	ok "lab5: the skeleton's naive pick compiles, and does not replay steps.rep in 2 MiB" || ko "lab5: the skeleton under hosttest" "$out"
check "lab5: hosttest -g builds for gdb (-g, no run)" sh -c "TMPDIR=$tmp $L5/hosttest -g $L5/solution && test -x $tmp/lab5-host"

echo "== docs"
targets=$(sed -n 's/^\([a-z][a-z0-9-]*\):.*/\1/p' Makefile packaging/install.mk 2>/dev/null | sort -u)
bad=""
for f in docs/student-guide.md docs/labs/README.md docs/labs/*/README.md docs/labs/instructor/*.md; do
	[ -f "$f" ] || continue
	for t in $(grep -o '`make [a-z][a-z0-9-]*' "$f" | awk '{ print $2 }' | sort -u); do
		echo "$targets" | grep -qx "$t" || bad="$bad $f:make-$t"
	done
	for p in $(grep -o 'scripts/[a-z0-9_.-]*' "$f" | sort -u); do
		[ -e "$p" ] || bad="$bad $f:$p"
	done
done
[ -z "$bad" ] && ok "every make target and script the guides name exists" || ko "missing:$bad"

echo "== grade, end to end in the VM"
if [ "${GRADE_E2E:-1}" = 0 ]; then
	echo "  (skipped: GRADE_E2E=0)"
else
	rm -f "$s/sizes"
	cp docs/labs/lab1-classes/solution/sizes "$s/sizes"
	sed -i 's/^class_a=.*/class_a=7/' "$s/answers"
	out=$(make -s grade LAB=lab1-classes SUBMISSION="$s" JSON="$tmp/r.json" 2>&1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	[ "$last" = "score: 37/38" ] && ok "make grade: one wrong answer, own scripts: score: 37/38" ||
		ko "make grade ended with '$last'" "$(printf '%s\n' "$out" | tail -n 30)"
	printf '%s\n' "$out" | grep -q 'the engine says' && ko "the report names a correct value" ||
		ok "the report names no correct value (no REVEAL)"
	check "the JSON has score and tests with name, score, max_score, output" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["score"] == 37, r["score"]
assert len(r["tests"]) > 10
assert sum(t["score"] for t in r["tests"]) == 37
for t in r["tests"]:
    assert set(t) >= {"name", "score", "max_score", "output"}, t
' "$tmp/r.json"
	ls "$tmp"/RAN-* >/dev/null 2>&1 && ko "a program of the submission ran" || ok "no program of the submission ran"
fi

echo "labs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
