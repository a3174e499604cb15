#!/bin/sh
# `make fuzz`: a long run of the hardening fuzzer (tests/hardening/hard-fuzz)
# in the debug kernel (KASAN, lockdep, kmemleak...), then the concurrency
# stress, then the harness's console scan. The figures (seed, calls, errno
# counts) are printed at the end; the exit status is non-zero if the fuzzer,
# the stress or the console scan found anything.
#
#   make fuzz [DURATION=seconds] [SEED=n|random] [THREADS=n] [KERNEL=debug]
#
# DURATION (default 600) is the fuzzer's time; the stress runs for a fifth
# of it (at most 300 s). A run is replayed with the same SEED: the model
# phase is deterministic for a seed, the race phase is not (threads).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
DURATION=${DURATION:-600}
SEED=${SEED:-random}
THREADS=${THREADS:-4}
KERNEL=${KERNEL:-debug}
case "$DURATION" in ''|*[!0-9]*) echo "fuzz: DURATION must be a number of seconds" >&2; exit 2 ;; esac
if [ "$SEED" = random ]; then
	SEED=$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')
	SEED=0x$SEED
fi
stress=$((DURATION / 5))
[ "$stress" -gt 300 ] && stress=300
[ "$stress" -lt 10 ] && stress=10

make -s guest >/dev/null
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/fuzz"
cat >"$run/fuzz/run" <<EOF
#!/bin/sh
T=/usr/libexec/edualloc/tests
fails=0
echo "EDUALLOC-TEST-BEGIN: hard-fuzz"
\$T/hard-fuzz -s $SEED -d $DURATION -j $THREADS; rc=\$?
echo "EDUALLOC-TEST-END: hard-fuzz rc=\$rc"
[ \$rc = 0 ] || fails=\$((fails + 1))
echo "EDUALLOC-TEST-BEGIN: hard-stress"
\$T/hard-stress -d $stress -s $SEED; rc=\$?
echo "EDUALLOC-TEST-END: hard-stress rc=\$rc"
[ \$rc = 0 ] || fails=\$((fails + 1))
exit \$fails
EOF
chmod 755 "$run/fuzz/run"

log=build/vm-fuzz.log
mkdir -p build
echo "fuzz: kernel $KERNEL, seed $SEED, fuzzer ${DURATION} s with $THREADS threads, stress ${stress} s (console: $log)"
t0=$(date +%s)
rc=0
VM_TIMEOUT=$((DURATION + stress + 600)) VM_LOG=$log VM_QUIET=1 \
	scripts/vm.sh "$KERNEL" run "$run/fuzz" || rc=$?
t1=$(date +%s)

echo "== figures"
grep -E '^hard-(fuzz|stress): ' "$log" | grep -v '^hard-fuzz: UNEXPECTED' | sed 's/^/  /' || true
bad=$(grep -c -E 'UNEXPECTED|^FAIL ' "$log" || true)
if [ "$bad" -gt 0 ]; then
	echo "== findings (first 20)"
	grep -E 'UNEXPECTED|^FAIL ' "$log" | head -n 20 | sed 's/^/  /'
fi
echo "== console scan"
scan=0
out=$(python3 scripts/analyze.py "$KERNEL" "$log") || scan=1
printf '%s\n' "$out" | sed 's/^/  /'
echo "fuzz: seed $SEED, $((t1 - t0)) s in all; guest status $rc; console scan $([ $scan = 0 ] && echo clean || echo FAILED)"
echo "fuzz: replay with: make fuzz DURATION=$DURATION SEED=$SEED"
[ "$rc" = 0 ] && [ "$scan" = 0 ]
