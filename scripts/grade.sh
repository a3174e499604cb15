#!/bin/sh
# The instructor's grader (make grade).
#
#   grade.sh [-s STUDENT] [-j FILE] [-r] [-k KERNEL] [-n DIR] LAB SUBMISSION
#
# Stages a fresh copy of the instructor's lab (docs/labs/LAB: its checker,
# params, traces; never solution/) with only the files the lab's `submit`
# list names, taken from SUBMISSION (regular files of at most 1 MiB:
# answers, the student's edualloc scripts, the student's C file), and runs
# the instructor's checker on them in a fresh VM. Nothing of SUBMISSION
# runs on the host: its run, check or grade are never even copied. For a
# lab with a module (lab 4), the student's C file is compiled (only
# compiled) into the module on the host, and loaded in the guest.
#
#   -s STUDENT   grade the variant of STUDENT (make grade STUDENT=ID)
#   -j FILE      also write the results as autograder JSON:
#                {"score": S, "tests": [{"name", "score", "max_score", "output"}]}
#   -r           show the engine's value next to a wrong answer (REVEAL=1);
#                by default the report names no correct value
#   -k KERNEL    the harness kernel (default: debian-6.12)
#   -n DIR       stage into DIR and stop (no VM): for inspection and tests
#
# The report ends with the line "score: X/Y"; the exit status is 0 when the
# grading ran (whatever the score), 1 when it could not.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
labs=$top/docs/labs
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
student="" json="" reveal=0 kernel=${KERNEL:-debian-6.12} only=""
while getopts s:j:rk:n:h opt; do
	case $opt in
	s)	student=$OPTARG ;;
	j)	json=$OPTARG ;;
	r)	reveal=1 ;;
	k)	kernel=$OPTARG ;;
	n)	only=$OPTARG ;;
	*)	usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
want=$1 sub=$2
[ -d "$sub" ] || { echo "grade: no submission directory $sub" >&2; exit 1; }
case $student in *[!A-Za-z0-9._@+-]*) echo "grade: STUDENT may hold only letters, digits and . _ @ + -" >&2; exit 1 ;; esac
if [ -f "$labs/$want/check" ]; then lab=$labs/$want
else
	set -- $(ls -d "$labs/$want"-*/ 2>/dev/null)
	[ $# -eq 1 ] || { echo "grade: no lab '$want' (labs: $(cd "$labs" && ls -d lab*/ | tr -d / | tr '\n' ' '))" >&2; exit 1; }
	lab=${1%/}
fi
name=$(basename "$lab")
. "$labs/lib/stage.sh"

if [ -n "$only" ]; then
	stage=$only; rm -rf "$stage"; mkdir -p "$stage"
else
	stage=$(mktemp -d "${TMPDIR:-/tmp}/edualloc-grade.XXXXXX")
	trap 'rm -rf "$stage"' EXIT
fi
echo "grade: $name, submission $sub${student:+, student $student}"
stage_lab "$lab" "$sub" "$stage/out" | sed 's/^/  file /'
set -- --json
[ -z "$student" ] || set -- "$@" --student "$student"
[ "$reveal" = 0 ] || set -- "$@" -r
stage_run "$stage/out" "$name" "$@"

# A lab with a module: compile the student's C file into it, on the host,
# and the reference module from the instructor's solution; a nonce draws
# the checker's hidden scenarios.
if [ -x "$lab/mkmodule.sh" ] && [ -z "$only" ]; then
	od -An -tx4 -N4 /dev/urandom | tr -d ' ' >"$stage/out/$name/nonce"
	KDIR=$(top=$top KERNEL=$kernel sh -c '. "$top/scripts/kenv.sh" >/dev/null && echo "$KDIR"')
	for f in "$lab"/solution/*.c; do
		EDUALLOC_TOP=$top "$lab/mkmodule.sh" "$f" "$KDIR" "$stage/out/$name/ref" >"$stage/ref.log" 2>&1 ||
			{ echo "grade: the reference module does not build:" >&2; cat "$stage/ref.log" >&2; exit 1; }
	done
	for f in "$stage/out/$name/work"/*.c; do
		[ -f "$f" ] || continue
		if EDUALLOC_TOP=$top "$lab/mkmodule.sh" "$f" "$KDIR" "$stage/out/$name/work/module" >"$stage/build.log" 2>&1; then
			echo "  module built with the submitted $(basename "$f")"
		else
			echo "  the submitted $(basename "$f") does not build:"; sed 's/^/  | /' "$stage/build.log" | head -n 20
		fi
	done
fi
[ -z "$only" ] || { echo "grade: staged in $stage/out (run: make vm-run RUN=$stage/out)"; exit 0; }

log=$stage/console.log
rc=0
VM_QUIET=1 VM_LOG=$log "$top/scripts/vm.sh" "$kernel" run "$stage/out" >/dev/null 2>"$stage/vm.err" || rc=$?
# The checker's report: its lines between its title and its score, without
# the kernel's own console messages.
sed -n '/^edualloc lab/,/^EDUALLOC-LAB-JSON-BEGIN/p' "$log" | grep -v '^\[ *[0-9.]*\]' |
	grep -v '^EDUALLOC-LAB-JSON-BEGIN' || true
sed -n '/^EDUALLOC-LAB-JSON-BEGIN/,/^EDUALLOC-LAB-JSON-END/p' "$log" | sed '1d;$d' | grep -v '^\[ *[0-9.]*\]' >"$stage/results.json" || true
if [ -s "$stage/results.json" ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$stage/results.json" 2>/dev/null; then
	got=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["score"], r["max_score"])' "$stage/results.json")
	score=${got% *} max=${got#* }
	[ -z "$json" ] || cp "$stage/results.json" "$json"
	echo "score: $score/$max"
	exit 0
fi
# No results: the guest crashed, hung or the checker failed to start.
why=$(cat "$stage/vm.err" | tail -n 3)
echo "grade: no results from the guest (exit $rc): $why" >&2
max=$(sed -n 's/.*\*\*total\*\* *| *\*\*\([0-9]*\)\*\*.*/\1/p' "$lab/README.md" | head -n 1)
if [ -n "$json" ]; then
	python3 - "$json" "${max:-0}" "$why" <<'PY'
import json, sys
json.dump({"score": 0, "max_score": int(sys.argv[2]), "tests": [{"name": "the guest", "score": 0,
	"max_score": int(sys.argv[2]), "output": "no results: " + sys.argv[3]}]}, open(sys.argv[1], "w"))
PY
fi
echo "score: 0/${max:-0}"
exit 1
