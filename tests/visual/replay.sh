#!/bin/sh
# vis-replay: the device and the engine compiled into the CLI agree at every
# step asked (page counts, live bytes, fragmentation...), on every trace.
D=/usr/share/edualloc/traces
PASS=0 FAIL=0
T=$(mktemp -d /tmp/vis.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
no() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }
for tr in "$D"/*.rep; do
	n=$(sed -n '/^[0-9]/{p;}' "$tr" | head -n 4 | tr '\n' ' ')
	set -- $n
	if [ $# -ge 4 ] && [ "$(sed -n '1,4p' "$tr" | grep -c '^[0-9][0-9]*$')" = 4 ]; then ops=$3; else ops=$2; fi
	steps="0,1,$((ops / 4)),$((ops / 2)),$((3 * ops / 4)),$((ops - 1)),last"
	edualloc replay --json --steps "$steps" "$tr" | sed 's/"backend":"[a-z]*",//' >"$T/dev" 2>"$T/err"
	edualloc replay --engine --json --steps "$steps" "$tr" | sed 's/"backend":"[a-z]*",//' >"$T/eng"
	lines=$(wc -l <"$T/dev")
	if [ "$lines" -ge 2 ] && cmp -s "$T/dev" "$T/eng"; then
		ok "$(basename "$tr"): device and engine agree at steps $steps ($ops operations)"
	else
		no "$(basename "$tr"): device and engine differ (or failed) at steps $steps"
		diff "$T/dev" "$T/eng" | head -n 6
		cat "$T/err"
	fi
done
# The page can be made in the guest too, and says what it drew.
if edualloc replay --html "$T/small.html" "$D/small.rep" >"$T/out" &&
   grep -q 'id="edualloc-data"' "$T/small.html" && grep -q '22 operations drawn' "$T/out"; then
	ok "replay --html in the guest"
else
	no "replay --html in the guest"
fi
# Usage errors are clear.
edualloc replay --steps 99999 "$D/small.rep" >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q 'steps 0..22' "$T/err" && ok "--steps beyond the trace: a usage error" || no "--steps beyond"
edualloc -i shared replay --engine --steps 1 "$D/small.rep" >/dev/null 2>"$T/err"
[ $? = 2 ] && ok "-i with --engine: a usage error" || no "-i with --engine"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
