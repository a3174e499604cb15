#!/bin/sh
# Make a student's skeleton from a solution, by its TODO markers (as the
# linux-kernel-labs skeleton generator does).
#
#   mkskeleton.sh [-t N] FILE [OUT]    one file: the skeleton to OUT (a file
#                                      or a directory), or to stdout
#   mkskeleton.sh [-t N] LABDIR OUTDIR a lab's handout: every file of LABDIR
#                                      but solution/ and skeleton/, then the
#                                      skeleton of each file of
#                                      LABDIR/solution/, at the top of OUTDIR
#
# Markers, in a comment of any style (/* ... */, // ..., # ...), alone on
# their line:
#   TODO n: what to do     starts exercise n's block; the line is kept
#   END TODO               ends the block; the line is dropped
#   TODO n/m: what to do   the m lines after it are the block (no END TODO)
#   SKEL: text             inside a block, a line for the skeleton only: it
#                          becomes `text` there (e.g. /* SKEL: return 0; */
#                          keeps a stub compiling); the solution sees a comment
# Everything else inside a block is the solution and is dropped.
#
#   -t N   strip only exercises N and later: earlier ones stay solved, so a
#          student can start at exercise N (the markers stay, as comments)
#
# Exit status: 0, 1 for a malformed block (file and line are named), 2 for
# bad usage.
set -eu
from=1
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts t:h opt; do
	case $opt in
	t)	case $OPTARG in ''|*[!0-9]*) usage ;; esac; from=$OPTARG ;;
	*)	usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || usage
src=$1; dst=${2:-}

# skel FILE: the skeleton of FILE on stdout.
skel() {
	awk -v from="$from" -v file="$1" '
	function fail(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 1 }
	BEGIN {
		C = "^[ \t]*(/\\*|//|#)[ \t]*"	# a comment opening a line
		inblk = 0; left = -1
	}
	{
		if ($0 ~ C "END TODO") {
			if (!inblk || left >= 0) fail("END TODO without a TODO block")
			inblk = 0
			next
		}
		if ($0 ~ C "TODO[ \t]+[0-9]+(/[0-9]+)?:") {
			if (inblk) fail("TODO inside the TODO block that starts at line " start)
			s = $0; sub(C "TODO[ \t]+", "", s)
			n = s; sub(/[^0-9].*/, "", n)
			m = -1
			if (s ~ /^[0-9]+\//) { m = s; sub(/^[0-9]+\//, "", m); sub(/[^0-9].*/, "", m); m += 0 }
			inblk = 1; start = NR; left = m; strip = (n + 0 >= from + 0)
			print
			if (left == 0) inblk = 0
			next
		}
		if (!inblk) { print; next }
		if ($0 ~ C "SKEL:") {
			if (strip) {
				line = $0
				match(line, /^[ \t]*/); ind = substr(line, 1, RLENGTH)
				sub(C "SKEL:[ \t]?", "", line)
				sub(/[ \t]*\*\/[ \t]*$/, "", line)
				print ind line
			}
		} else if (!strip) {
			print
		}
		if (left > 0 && --left == 0) inblk = 0
	}
	END {
		if (bad) exit 1
		if (inblk) { NR = start; fail("TODO block without END TODO") }
	}' "$1"
}

# skel_to FILE OUT: write the skeleton, keeping FILE's mode.
skel_to() {
	tmp="$2.mkskeleton.$$"
	skel "$1" >"$tmp" || { rm -f "$tmp"; exit 1; }
	cp -p "$1" "$2"
	cat "$tmp" >"$2"
	rm -f "$tmp"
}

if [ -f "$src" ]; then
	if [ -z "$dst" ]; then skel "$src"; exit; fi
	[ -d "$dst" ] && dst="$dst/$(basename "$src")"
	skel_to "$src" "$dst"
	exit 0
fi
[ -d "$src" ] || { echo "mkskeleton: no such file or directory: $src" >&2; exit 2; }
[ -n "$dst" ] || usage
src=$(cd "$src" && pwd)
mkdir -p "$dst"
dst=$(cd "$dst" && pwd)
case $dst/ in "$src"/*) echo "mkskeleton: $dst is inside $src" >&2; exit 2 ;; esac
(cd "$src" && find . -type d \( -path ./solution -o -path ./skeleton \) -prune -o -type f -print) |
sort | while IFS= read -r f; do
	f=${f#./}
	mkdir -p "$dst/$(dirname "$f")"
	skel_to "$src/$f" "$dst/$f"
done
if [ -d "$src/solution" ]; then
	(cd "$src/solution" && find . -type f -print) | sort | while IFS= read -r f; do
		f=${f#./}
		mkdir -p "$dst/$(dirname "$f")"
		skel_to "$src/solution/$f" "$dst/$f"
	done
fi
echo "mkskeleton: handout in $dst"
