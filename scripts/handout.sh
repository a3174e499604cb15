#!/bin/sh
# The student's copy of a lab (make handout / make handouts).
#
#   handout.sh [-s STUDENT] LAB|all OUT
#
# OUT/LAB/ gets the lab as mkskeleton.sh makes it (README, check, run,
# params, traces..., and each file of solution/ with its solutions cut
# out: no solution/, no skeleton/, no answer), OUT/lib/checklib.sh (the
# checkers' library) and OUT/report-template.md. With STUDENT, the lab is
# that student's variant: its README shows the student's parameters in
# place of the examples, OUT/LAB/STUDENT names the student (its `run`
# grades that variant), and lab 3's `buggy` is the student's.
# LAB is a directory name under docs/labs (lab1-classes) or its prefix (lab1).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
labs=$top/docs/labs
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
student=""
while getopts s:h opt; do
	case $opt in
	s)	student=$OPTARG ;;
	*)	usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
want=$1 out=$2
case $student in *[!A-Za-z0-9._@+-]*) echo "handout: STUDENT may hold only letters, digits and . _ @ + -" >&2; exit 2 ;; esac

# lab_dir NAME: the lab's directory (NAME or the one lab NAME starts).
lab_dir() {
	[ -f "$labs/$1/check" ] && { echo "$labs/$1"; return; }
	set -- $(ls -d "$labs/$1"-*/ 2>/dev/null)
	[ $# -eq 1 ] && [ -f "$1/check" ] && { echo "${1%/}"; return; }
	echo "handout: no lab '$want' (labs: $(cd "$labs" && ls -d lab*/ | tr -d / | tr '\n' ' '))" >&2
	exit 2
}

# sub OLD NEW: replace every OLD in the README being made (params_readme).
sub() {
	grep -qF -- "$1" "$readme" || { echo "handout: '$1' is not in $readme (params_readme of $name is out of date)" >&2; exit 3; }
	OLD=$1 NEW=$2 awk '{
		o = ENVIRON["OLD"]; n = ENVIRON["NEW"]; s = ""
		while ((i = index($0, o)) > 0) { s = s substr($0, 1, i - 1) n; $0 = substr($0, i + length(o)) }
		print s $0
	}' "$readme" >"$readme.new" && mv "$readme.new" "$readme"
}

# one LABDIR: the handout of one lab.
one() {
	src=$1 name=$(basename "$1")
	rm -rf "${out:?}/$name"
	"$top/scripts/mkskeleton.sh" "$src" "$out/$name" >/dev/null
	readme=$out/$name/README.md
	if [ -n "$student" ] && [ -f "$src/params" ]; then
		printf '%s\n' "$student" >"$out/$name/STUDENT"
		# In a subshell: params sets variables and functions of its own.
		(
			. "$labs/lib/checklib.sh"
			LAB_STUDENT=$student
			. "$src/params"
			params_readme
			if command -v params_buggy >/dev/null 2>&1; then params_buggy >"$out/$name/buggy"; fi
			if command -v params_traces >/dev/null 2>&1; then params_traces "$out/$name/traces"; fi
			if command -v params_churn >/dev/null 2>&1 && [ "$CHURN" != 0 ]; then
				params_churn >"$out/$name/traces/churn.rep"
			fi
			awk -v id="$student" 'NR == 1 { print; print ""; print "*This handout is the variant of student **" id "**: its values are yours, and differ from your neighbours'"'"'. `run` grades this variant (the file STUDENT names it).*"; next } { print }' \
				"$readme" >"$readme.new" && mv "$readme.new" "$readme"
		)
	fi
	echo "handout: $out/$name${student:+ (student $student)}"
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
case $out/ in "$top"/docs/*) echo "handout: OUT must not be inside docs/" >&2; exit 2 ;; esac
mkdir -p "$out/lib"
cp "$labs/lib/checklib.sh" "$labs/lib/mkmodule.sh" "$out/lib/"
cp "$labs/report-template.md" "$out/"
if [ "$want" = all ]; then
	for d in "$labs"/lab*/; do [ -f "$d/check" ] && one "${d%/}"; done
else
	one "$(lab_dir "$want")"
fi
