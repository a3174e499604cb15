#!/bin/sh
# vis-top: top's plain frames (not a terminal) show the figures, the map,
# the size classes and the log of the instance.
PASS=0 FAIL=0
T=$(mktemp -d /tmp/vis.XXXXXX) || exit 1
I=vistop$$
trap 'edualloc destroy $I >/dev/null 2>&1; rm -rf "$T"' EXIT
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
no() { FAIL=$((FAIL + 1)); echo "FAIL $1"; sed 's/^/    | /' "$T/top" | head -n 40; }
has() { grep -q -- "$2" "$T/top" && ok "$1" || no "$1 ($2)"; }
edualloc create $I --capacity 1M >/dev/null
edualloc -i $I alloc 100 100 5000 300K >/dev/null
edualloc -i $I free 2 >/dev/null
edualloc -i $I top >"$T/top" 2>&1
rc=$?
[ "$rc" = 0 ] && ok "top exits 0 after one frame when not on a terminal" || no "top exit status $rc"
has "the title names the instance" "^edualloc top  instance \"$I\" (named)"
j=$(edualloc -i $I stats --json)
val() { echo "$j" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
has "pages used and free, as stats says" "^capacity 1 MiB  pages $(val pages_used) used / $(val pages_free) free"
has "live allocations, as stats says" "^live $(val live_allocs) allocations, .* requested  large $(val large_count)"
[ "$(val live_allocs)" = 3 ] && [ "$(val large_count)" = 1 ] && ok "(3 live, 1 large)" || no "3 live, 1 large"
has "counters" "^allocs 4  frees 1  reallocs 0  failed 0"
has "the map's legend" "^map: 256 pages, 1 per cell"
grep -q '^  0x00000000 .*[a-p]' "$T/top" && ok "the map shows class letters" || no "class letters in the map"
has "the class table" "^Size classes (those used so far):"
has "class 128 in it: 1 slot used" "^      4      128 .* 1/"
if [ -r /sys/kernel/debug/edualloc/log ]; then
	has "the log's last events of this instance" "^log: the last [0-9]* events of \"$I\""
	grep -q "^  [0-9]* [0-9.]* $I .* free free 2 " "$T/top" && ok "the free of ID 2 is among them" ||
		no "the free of ID 2 in the log lines"
fi
grep -q "$(printf '\033')" "$T/top" && no "no escape sequences in plain output" || ok "no escape sequences in plain output"
edualloc -i $I top --count 2 --delay 0.1 >"$T/top" 2>&1
[ "$(grep -c '^edualloc top' "$T/top")" = 2 ] && ok "--count 2: two frames" || no "--count 2"
edualloc top --json >/dev/null 2>&1
[ $? = 2 ] && ok "top --json: a usage error" || no "top --json"
edualloc -i nosuch$$ top >"$T/top" 2>&1
[ $? = 1 ] && grep -q "nosuch" "$T/top" && ok "an unknown instance: a clear error" || no "unknown instance"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
