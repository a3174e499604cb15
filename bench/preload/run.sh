#!/bin/sh
# The guest's part of make bench for `edualloc run` (bench/preload): a few
# allocation-heavy programs, each alone (glibc's malloc) and under
# `edualloc run` in both modes, timed side by side. One line per result:
#   EDUALLOC-BENCH: preload prog=NAME mode=glibc|cached|exact min=NS median=NS reps=R status=S
cd "$(dirname "$0")" || exit 1
P=EDUALLOC-BENCH
B=/usr/libexec/edualloc/progs
REPS=${PRELOAD_REPS:-3}
say() { echo "$P-PROGRESS: $*"; }
[ -x $B/sort ] || { echo "$P: preload status=no-programs"; exit 1; }
export EDUALLOC_PRELOAD_LIB=/usr/lib/libedualloc-preload.so PYTHONHOME=/usr
EDUALLOC=$(command -v edualloc)
[ -x ../edualloc ] && EDUALLOC=$(cd .. && pwd)/edualloc
M=/sys/module/edualloc/parameters
echo 1 >$M/debug_checks
echo 2 >$M/verbosity
awk 'BEGIN { s = 7; for (i = 0; i < 100000; i++) { s = (s * 1103515245 + 12345) % 2147483648;
	printf "%d line %x\n", s % 100000, s } }' >/tmp/bench-lines
rc=0
one() {	# NAME PROGRAM ARGS...
	name=$1; shift
	for mode in glibc cached exact; do
		say "  edualloc run: $name, $mode"
		case $mode in
		glibc)	r=$(./timeit "$REPS" "$@") ;;
		cached)	r=$(./timeit "$REPS" "$EDUALLOC" run -- "$@") ;;
		exact)	r=$(./timeit "$REPS" "$EDUALLOC" run --exact -- "$@") ;;
		esac
		[ $? = 0 ] || rc=1
		echo "$P: preload prog=$name mode=$mode $r"
	done
}
say "edualloc run against glibc (module defaults: debug checks on, event log at ops)"
one factor $B/factor 1000000000000000000000000000000000000000000000000000000002 \
	18446744073709551617 340282366920938463463374607431768211455
one mtstress $B/mtstress 4 50000
one sort $B/sort /tmp/bench-lines
[ -x $B/python3 ] && one python3 $B/python3 -S -c \
	'd = {str(i): [i] * 3 for i in range(100000)}; print(len(d), sum(len(v) for v in d.values()))'
exit $rc
