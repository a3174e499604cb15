#!/bin/sh
# vis-record: calls made on an instance, recorded from the event log, make
# a trace that replays to the same figures as the instance has.
PASS=0 FAIL=0
T=$(mktemp -d /tmp/vis.XXXXXX) || exit 1
I=visrec$$
trap 'edualloc destroy $I >/dev/null 2>&1; rm -rf "$T"' EXIT
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
no() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }
[ -r /sys/kernel/debug/edualloc/log ] || { echo "skip: no debugfs log"; exit 77; }
edualloc log level 2 >/dev/null
edualloc create $I --capacity 4M >/dev/null || { no "create"; exit 1; }
# A known sequence: allocations of several classes, a large one, reallocs, frees.
edualloc -i $I shell >"$T/shell" 2>&1 <<'SH'
alloc 24 100 5000 300K 8 64 64 64
realloc 2 700
free 1
alloc 40K
realloc 4 100
free 3 6
alloc 1
SH
edualloc -i $I record "$T/rec.rep" >"$T/out" 2>&1 || { no "record"; cat "$T/out"; }
grep -q 'written to' "$T/out" && ok "record: $(head -n 1 "$T/out")" || no "record says what it wrote"
ops=$(sed -n '/^[0-9]/p' "$T/rec.rep" | sed -n 3p)
[ "$ops" = 15 ] && ok "the trace has the 15 operations made (8 allocs, 2 reallocs, 3 frees, 2 more allocs)" ||
	no "the trace has 15 operations (it has '$ops')"
grep -q '^r ' "$T/rec.rep" && ok "reallocs stay reallocs of the same trace ID" || no "reallocs recorded"
# Replayed on a fresh instance, it ends where the live instance is.
edualloc replay --json --steps last "$T/rec.rep" >"$T/rep" 2>&1
live=$(edualloc -i $I stats --json)
for k in live_allocs live_requested large_count; do
	a=$(sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p" "$T/rep")
	b=$(echo "$live" | sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p")
	[ -n "$a" ] && [ "$a" = "$b" ] && ok "replayed: $k $a, as the instance" || no "replayed: $k '$a', the instance '$b'"
done
edualloc replay --html "$T/rec.html" "$T/rec.rep" >/dev/null && grep -q edualloc-data "$T/rec.html" &&
	ok "the recording draws with replay --html" || no "replay --html of the recording"
# --follow records until interrupted.
edualloc -i $I reset >/dev/null
edualloc -i $I record --follow "$T/f.rep" >"$T/fout" 2>&1 &
pid=$!
sleep 1
edualloc -i $I alloc 10 20 30 >/dev/null
sleep 1
kill -INT $pid; wait $pid
ops=$(sed -n '/^[0-9]/p' "$T/f.rep" | sed -n 3p)
# the reset frees what was live before, then three allocations
[ "${ops:-0}" -ge 3 ] && grep -c '^a ' "$T/f.rep" | grep -q '^3$' && ok "record --follow: 3 allocations while it ran" ||
	{ no "record --follow ($ops operations)"; cat "$T/fout" "$T/f.rep"; }
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
