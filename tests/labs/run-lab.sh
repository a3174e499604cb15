#!/bin/sh
# Guest test of one lab (installed as labs-LAB by `make private`):
#  1. the checker gives the lab's solution full marks;
#  2. the bare handout (mkskeleton's), staged as the grader stages a
#     submission (lib/stage.sh), scores less (lab 5, scored like the
#     malloc lab: with the module built from its skeleton, at most half;
#     lab 4's skeleton is proven on the host, tests/packaging);
#  3. a submission carrying its own run, check and grade that print a full
#     score scores exactly what the bare handout's answers deserve;
#  4. two students' variants: the engine's answers for student A (check
#     --truth) differ from B's and score full marks as A, less as B (for
#     a lab with a module, B's differing truth stands for grading A's
#     answers as B: that grading takes minutes).
# Steps 3 and 4, and step 2 of a lab with a module, run on debian-6.12
# only (LABS_ALL=1: on every kernel).
# Exit: 0 pass, 1 fail, 77 skip (lab 4 without a module for this kernel).
L=${LABS_DIR:-/usr/libexec/edualloc/tests/.labs}
lab=${0##*/}; lab=${lab#labs-}
[ -d "$L/$lab" ] || { echo "no lab $lab in $L"; exit 1; }
. "$L/lib/stage.sh"
rel=$(uname -r)
if [ -f "$L/$lab/solution/ea_policy.c" ]; then
	ko=$L/ko/$lab/$rel
	if [ -f "$ko/FAILED" ]; then
		echo "$lab's module did not build for $rel:"; cat "$ko/FAILED"; exit 1
	fi
	[ -f "$ko/edualloc.ko" ] || { echo "SKIP: no $lab module for $rel (no build tree at make private)"; exit 77; }
	# The solution's module is both the student's and the reference.
	export POLICY_KO=$ko/edualloc.ko REF_KO=$ko/edualloc.ko
fi
T=$(mktemp -d /tmp/labtest.XXXXXX)
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# score FILE: "POINTS MAX" of a checker's output.
score() { sed -n 's/^Score = \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' "$1" | tail -n 1; }
# grade NAME SUBMISSION [check options]: stage SUBMISSION as the grader
# does, run the staged (instructor's) checker, leave its output in T/out-NAME.
grade() {
	local name=$1 sub=$2
	shift 2
	rm -rf "$T/st-$name"
	stage_lab "$L/$lab" "$sub" "$T/st-$name" >/dev/null || return 2
	[ -z "${POLICY_KO:-}" ] || { mkdir -p "$T/st-$name/$lab/work/module"; cp "$POLICY_KO" "$T/st-$name/$lab/work/module/"; }
	sh "$T/st-$name/$lab/check" "$@" "$T/st-$name/$lab/work" >"$T/out-$name" 2>&1
}

# A lab scored on throughput (lab 5) measures time on a shared, emulated
# CPU: a score below full is measured once more before it counts.
timed=0
grep -q 'performance index' "$L/$lab/check" && timed=1

echo "== $lab: 1. the solution must score full marks"
sh "$L/$lab/check" -r "$L/$lab/solution" ||
	{ [ $timed = 1 ] && echo "(below full: the throughput measured once more)" &&
		sh "$L/$lab/check" -r "$L/$lab/solution"; } ||
	fail "the solution of $lab is not complete"

# Steps 3 and 4 prove the grading (staging, variants), which the kernel
# does not change: on debian-6.12 only (LABS_ALL=1: everywhere), and so
# does step 2 of a lab with a module (its checker measures two modules);
# a lab's checker takes minutes on the debug kernel under QEMU.
kname=$(sed -n "s/^KERNEL_NAME='\(.*\)'$/\1/p" /etc/edualloc/env 2>/dev/null)
everywhere=1
[ "${kname:-debian-6.12}" = debian-6.12 ] || [ -n "${LABS_ALL:-}" ] || everywhere=0

echo "== $lab: 2. the bare handout must not"
[ ! -e "$L/skeletons/$lab/solution" ] || fail "the handout has a solution/ directory"
# Why steps 2 and 3 do not run here, if they do not. Lab 4's checker takes
# minutes per module: its skeleton is proven on the host (tests/packaging:
# "the skeleton compiles and does not solve the lab") and its staging by
# tests/labs/host.sh. A lab scored like the malloc lab (lab 5) grades its
# skeleton's module here, on debian-6.12.
skip=
if [ -n "${POLICY_KO:-}" ] && ! grep -q 'performance index' "$L/$lab/check"; then
	skip="the bare handout of $lab is graded on the host (tests/packaging, tests/labs/host.sh)"
elif [ -n "${POLICY_KO:-}" ] && [ $everywhere = 0 ]; then
	skip="steps 2 and 3 of $lab run on debian-6.12"
fi
# A lab with a module: the bare handout's is the one built from its
# skeleton (make private), the reference the solution's.
SKEL_KO=
if [ -n "${POLICY_KO:-}" ] && [ -z "$skip" ]; then
	SKEL_KO=$ko/skeleton/edualloc.ko
	[ ! -f "$ko/skeleton/FAILED" ] || { cat "$ko/skeleton/FAILED"; fail "the skeleton's module did not build"; }
	[ -f "$SKEL_KO" ] || fail "no module built from the skeleton ($SKEL_KO)"
fi
if [ -n "$skip" ]; then
	echo "$skip"
else
	POLICY_KO=$SKEL_KO grade bare "$L/skeletons/$lab"
	set -- $(score "$T/out-bare"); bare=${1:-?} max=${2:-?}
	tail -n 2 "$T/out-bare"
	[ "$bare" != "$max" ] && [ "$bare" != "?" ] || { cat "$T/out-bare"; fail "the bare handout scores $bare/$max"; }
	# A lab scored like the malloc lab (a performance index: lab 5): the
	# skeleton's score must be low, at most half.
	if grep -q 'performance index' "$L/$lab/check" && [ "$bare" != "?" ] && [ $((bare * 2)) -gt "$max" ]; then
		cat "$T/out-bare"; fail "the bare handout scores $bare/$max: more than half"
	fi
fi

if [ $everywhere = 0 ]; then
	rm -rf "$T"
	[ $fails -eq 0 ] || exit 1
	echo "PASS: $lab (steps 3 and 4, the grading's, run on debian-6.12)"
	exit 0
fi

if [ -n "$skip" ]; then
	echo "== $lab: 3. $skip"
else
	echo "== $lab: 3. a submission with its own scripts scores what its answers deserve"
	mkdir -p "$T/cheat"
	cp -r "$L/skeletons/$lab/." "$T/cheat/"
	for f in run check grade; do
		printf '#!/bin/sh\necho "Score = %s/%s"\necho Complete.\ntouch /tmp/cheat-ran\nexit 0\n' "$max" "$max" >"$T/cheat/$f"
		chmod 755 "$T/cheat/$f"
	done
	POLICY_KO=$SKEL_KO grade cheat "$T/cheat"
	set -- $(score "$T/out-cheat")
	echo "the cheating submission: ${1:-?}/${2:-?} (the bare handout: $bare/$max)"
	[ "${1:-?}" = "$bare" ] || fail "the cheating submission scores ${1:-?}, its answers deserve $bare"
	[ ! -e /tmp/cheat-ran ] || fail "a script of the submission ran"
fi

if [ -f "$L/$lab/params" ]; then
	echo "== $lab: 4. variants: student A's answers score full marks only for A"
	sh "$L/$lab/check" --student alice --truth "$T/truth-a" "$L/$lab/solution" >/dev/null 2>&1
	sh "$L/$lab/check" --student bob --truth "$T/truth-b" "$L/$lab/solution" >/dev/null 2>&1
	if [ ! -s "$T/truth-a" ] || cmp -s "$T/truth-a" "$T/truth-b"; then
		fail "students alice and bob get the same truth"
	fi
	mkdir -p "$T/alice"
	cp -r "$L/$lab/solution/." "$T/alice/"
	cp "$T/truth-a" "$T/alice/answers"
	# The instructor's model files of that variant (lab 3's fixed...).
	for m in "$L/instructor/$lab"/model-*; do
		[ -f "$m" ] || continue
		LAB_STUDENT=alice sh "$m" "$L/$lab" >"$T/alice/${m##*/model-}"
	done
	grade alice-as-alice "$T/alice" --student alice
	set -- $(score "$T/out-alice-as-alice")
	if [ $timed = 1 ] && [ -n "${1:-}" ] && [ "$1" != "$2" ]; then
		echo "alice's answers, graded as alice: $1/$2 (below full: the throughput measured once more)"
		grade alice-as-alice "$T/alice" --student alice
		set -- $(score "$T/out-alice-as-alice")
	fi
	echo "alice's answers, graded as alice: ${1:-?}/${2:-?}"
	[ -n "${1:-}" ] && [ "$1" = "$2" ] || { cat "$T/out-alice-as-alice"; fail "alice's own answers do not score full marks"; }
	# For a lab with a module, bob's truth differing from alice's is the
	# proof (grading is minutes there); the others are graded as bob.
	if [ -n "${POLICY_KO:-}" ]; then
		k=$(sort "$T/truth-a" "$T/truth-b" | uniq -u | wc -l)
		k=$((k / 2))
		echo "alice's answers, against bob's truth: $k differ"
		[ "$k" -gt 0 ] || fail "alice's answers are bob's"
	else
		grade alice-as-bob "$T/alice" --student bob
		set -- $(score "$T/out-alice-as-bob")
		echo "alice's answers, graded as bob: ${1:-?}/${2:-?}"
		[ -n "${1:-}" ] && [ "$1" != "$2" ] || fail "alice's answers score full marks for bob"
	fi
fi
rm -rf "$T"
[ $fails -eq 0 ] || exit 1
echo "PASS: $lab"
