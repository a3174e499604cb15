#!/bin/sh
# preload-run: unmodified programs under `edualloc run` (issue 16), in the
# guest. Each program's output must be the same with and without the
# library, in both modes; the threaded checker must pass; the statistics
# must count its allocations; a full instance gives ENOMEM and a message.
P=/usr/libexec/edualloc/progs
PASS=0 FAIL=0
T=$(mktemp -d /tmp/preload.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
no() { FAIL=$((FAIL + 1)); echo "FAIL $1"; [ -f "$T/err" ] && sed 's/^/    | /' "$T/err" | tail -n 20; }
[ -x "$P/sort" ] && [ -e /lib64/ld-linux-x86-64.so.2 ] ||
	{ echo "skip: no C library or dynamic programs in this guest"; exit 77; }

# same NAME CMD...: the output of CMD, alone and under edualloc run (both modes)
same() {
	name=$1; shift
	"$@" >"$T/want" 2>"$T/err" || { no "$name: runs without the library"; return; }
	for mode in "" --exact; do
		if edualloc run $mode --capacity 16M -- "$@" >"$T/got" 2>"$T/err" && cmp -s "$T/want" "$T/got"; then
			ok "$name: the same output under edualloc run ${mode:-(cached)}"
		else
			no "$name: the same output under edualloc run ${mode:-(cached)}"
			diff "$T/want" "$T/got" | head -n 5
		fi
	done
}

# Inputs: 20000 lines for sort.
awk 'BEGIN { s = 7; for (i = 0; i < 20000; i++) { s = (s * 1103515245 + 12345) % 2147483648;
	printf "%d line %x\n", s % 100000, s } }' >"$T/lines"
same "sort" "$P/sort" "$T/lines"
same "sort -n -r" "$P/sort" -n -r "$T/lines"
same "factor (GMP bignums)" "$P/factor" 18446744073709551617 340282366920938463463374607431768211455 1000000000000000000000000000000000000000000000000000000002
if [ -x "$P/python3" ]; then
	export PYTHONHOME=/usr
	same "python3 one-liner" "$P/python3" -S -c \
		'd = {i: str(i) * 3 for i in range(20000)}; print(len(d), sum(map(len, d.values())), sorted(d)[-3:])'
fi
same "threaded checker (4 threads, fork)" "$P/preload-checker" 4 3000
same "errno as the C library sets it" "$P/preload-checker" --errno

# The statistics count the allocations, on an instance we can look at after.
edualloc create ptest --capacity 32M >/dev/null
edualloc -i ptest run --exact -- "$P/preload-checker" 2 2000 >"$T/out" 2>"$T/err"
rc=$?
calls=$(sed -n 's/^preload-checker: \([0-9]*\) allocation calls, .*/\1/p' "$T/err")
frees=$(sed -n 's/^preload-checker: .* calls, \([0-9]*\) frees$/\1/p' "$T/err")
j=$(edualloc -i ptest stats --json | sed 's/,"classes".*//')
allocs=$(echo "$j" | sed -n 's/.*"allocs":\([0-9]*\).*/\1/p')
kfrees=$(echo "$j" | sed -n 's/.*"frees":\([0-9]*\).*/\1/p')
if [ "$rc" = 0 ] && [ -n "$calls" ] && [ -n "$allocs" ] && [ "$allocs" -ge "$calls" ] 2>/dev/null &&
   [ "$kfrees" -ge "$frees" ] 2>/dev/null; then
	ok "--exact: the kernel counted $allocs allocations and $kfrees frees for the program's $calls and $frees (reallocs are both; the C library's own are in)"
else
	no "--exact: allocations counted (rc $rc; program: '$calls' allocations, '$frees' frees; kernel: '$allocs', '$kfrees')"
fi
edualloc -i ptest reset >/dev/null
edualloc -i ptest run -- "$P/preload-checker" 2 2000 >"$T/out" 2>"$T/err"
allocs=$(edualloc -i ptest stats --json | sed -e 's/,"classes".*//' -e 's/.*"allocs":\([0-9]*\).*/\1/')
if [ "$?" = 0 ] && [ "${allocs:-0}" -gt 0 ]; then
	ok "cached mode: the kernel counted $allocs slot allocations"
else
	no "cached mode: allocations counted ('$allocs')"
fi
edualloc destroy ptest >/dev/null 2>&1

# --stats prints the instance's statistics at the end; the program's exit status passes.
edualloc run --stats -- "$P/sort" "$T/lines" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 0 ] && grep -q 'allocations' "$T/out" && grep -q 'edualloc run: .* allocation calls' "$T/err"; then
	ok "run --stats: statistics and the library's counts"
else
	no "run --stats (rc $rc)"; cat "$T/out" | tail -n 5
fi
edualloc run --map -- "$P/sort" "$T/lines" >"$T/out" 2>"$T/err"
grep -q '^map of "run-' "$T/out" && ok "run --map: the final map" || no "run --map"
edualloc run -- "$P/sort" /nonexistent >/dev/null 2>"$T/err"
[ "$?" = 2 ] && ok "run: the program's exit status (sort: 2)" || no "run: exit status"
edualloc run -- /nonexistent/prog >/dev/null 2>"$T/err"
[ "$?" = 127 ] && grep -q 'nonexistent/prog' "$T/err" && ok "run: a missing program is 127" || no "run: missing program"

# Full: malloc returns NULL with ENOMEM, a clear message once, and recovers.
for mode in "" --exact; do
	edualloc run $mode --capacity 1M -- "$P/preload-checker" --fill >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 0 ] && grep -q 'failed with ENOMEM' "$T/out" &&
	   grep -q 'edualloc-preload: instance "run-[0-9]*" cannot give 65536 bytes (it is full)' "$T/err"; then
		ok "a full instance: ENOMEM, the message, and malloc works again after free ${mode:-(cached)}"
	else
		no "a full instance ${mode:-(cached)} (rc $rc)"; cat "$T/out"
	fi
done
leftover=$(edualloc list | grep -c 'run-')
[ "$leftover" = 0 ] && ok "run destroys its instances" || no "run left $leftover instances"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
