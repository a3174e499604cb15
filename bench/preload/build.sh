#!/bin/sh
# make bench's piece for `edualloc run` (issue 16), called by scripts/bench.sh:
#   bench/preload/build.sh GUESTDIR
# Builds into GUESTDIR/preload/ the guest's part (run, timeit, mtstress)
# and makes sure the guest carries the C library, the dynamic programs and
# libedualloc-preload.so (tests/preload's guest files, which scripts/vm.sh
# copies into every guest).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
g=$1/preload
mkdir -p "$g"
make -s -C "$top/tests/preload" guest OUT="$top/build/guest/tests" >/dev/null
cc -std=gnu11 -Wall -Wextra -Werror -O2 -static -o "$g/timeit" "$top/bench/preload/timeit.c"
cc -std=gnu11 -Wall -Wextra -Werror -O2 -pthread -o "$top/build/guest/root/usr/libexec/edualloc/progs/mtstress" \
	"$top/bench/preload/mtstress.c"
install -m 755 "$top/bench/preload/run.sh" "$g/run"
