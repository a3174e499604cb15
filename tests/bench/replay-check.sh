#!/bin/sh
# The replay path of make bench, on the host: see Makefile.
#   replay-check.sh OUT   (OUT/bin holds replay-engine and replay-malloc)
set -u
OUT=$1
BIN=$OUT/bin
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$OUT/tmp
rm -rf "$T" && mkdir -p "$T"
pass=0
fails=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# 1. The shipped traces are the generator's output (seed 1, scale 1).
python3 "$TOP/bench/gen_traces.py" "$T/gen" 2>/dev/null
if diff -r "$T/gen" "$TOP/bench/traces" >"$T/diff" 2>&1; then
	ok "bench/traces/*.rep are what bench/gen_traces.py generates"
else
	bad "bench/traces differ from bench/gen_traces.py's output:"; head -n 5 "$T/diff"
fi

# 2. Every trace replays and verifies through every allocator at hand.
JE=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
MI=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2
replay() {	# NAME PRELOAD PROGRAM [ARGS]
	name=$1; pre=$2; shift 2
	for t in "$TOP"/bench/traces/*.rep; do
		if LD_PRELOAD=$pre "$@" --no-speed --json "$t" >"$T/out" 2>"$T/err" &&
		   python3 - "$T/out" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["verified"] and r["checks"] > 0, r
assert r["ops"] > 0 and r["peak_payload"] > 0, r
assert 0 < r["utilization"] <= 1.0, r
PY
		then :; else
			bad "$name: $(basename "$t") does not replay correctly"; cat "$T/err" "$T/out" | head -n 5
			return
		fi
	done
	ok "$name: every trace replays, payloads verified, 0 < utilization <= 1"
}
replay "engine (checks off)" "" "$BIN/replay-engine"
replay "engine (checks on)" "" "$BIN/replay-engine" --debug
replay glibc "" "$BIN/replay-malloc"
replay "glibc, zeroed" "" "$BIN/replay-malloc" --zero
if [ -f "$JE" ]; then replay jemalloc "$JE" "$BIN/replay-malloc"; else echo "skip jemalloc: no $JE"; fi
if [ -f "$MI" ]; then replay mimalloc "$MI" "$BIN/replay-malloc"; else echo "skip mimalloc: no $MI"; fi

# The engine is deterministic: the same trace gives the same figures twice.
"$BIN/replay-engine" --no-speed --json "$TOP/bench/traces/realistic.rep" >"$T/a" 2>&1
"$BIN/replay-engine" --no-speed --json "$TOP/bench/traces/realistic.rep" >"$T/b" 2>&1
if cmp -s "$T/a" "$T/b" && [ -s "$T/a" ]; then ok "engine: the same figures twice"; else bad "engine: figures differ between runs"; fi

# 3. The format: accepted variants and refused lines.
accept() {	# NAME TEXT
	printf '%b' "$2" >"$T/t.rep"
	for p in "$BIN/replay-engine" "$BIN/replay-malloc"; do
		if ! "$p" --no-speed "$T/t.rep" >"$T/out" 2>&1; then
			bad "accepts $1 ($(basename "$p")):"; sed 's/^/    | /' "$T/out"; return
		fi
	done
	ok "accepts $1"
}
refuse() {	# NAME TEXT EXPECTED-MESSAGE
	printf '%b' "$2" >"$T/t.rep"
	for p in "$BIN/replay-engine" "$BIN/replay-malloc"; do
		if "$p" --no-speed "$T/t.rep" >"$T/out" 2>&1; then
			bad "refuses $1 ($(basename "$p")): it was accepted"; return
		fi
		if ! grep -qF "$3" "$T/out"; then
			bad "refuses $1 ($(basename "$p")): want '$3', got:"; sed 's/^/    | /' "$T/out"; return
		fi
	done
	ok "refuses $1: ${3#"$T"/}"
}
R=$T/t.rep
accept "the four-number header, one per line" '20000\n2\n4\n1\na 0 10\na 1 20\nf 0\nf 1\n'
accept "the two-number header on one line" '2 4\na 0 10\na 1 20\nf 1\nf 0\n'
accept "the header on one line, CRLF line ends" '0 2 3 1\r\na 0 10\r\nr 0 5000\r\nf 0\r\n'
accept "f -1, blank lines, comments" '1 3\n\n# a comment\na 0 8\nf -1\nf 0\n'
accept "a stray line after the stated operations" '1 2\na 0 8\nf 0\nthis is not read\n'
accept "realloc of an ID not live (malloc), realloc to 0 (free), a 0-byte block" \
	'3 6\nr 0 100\nr 0 0\na 1 0\nf 1\na 2 300000\nf 2\n'
accept "sizes above 256 KiB, growing and shrinking" '1 5\na 0 1\nr 0 1048576\nr 0 300000\nr 0 7\nf 0\n'
refuse "a header of three numbers" '1 2 3\na 0 8\n' "$R:2: the header has 3 numbers"
refuse "a header of five numbers" '1 2 3 4 5\na 0 8\n' "$R:1: the header wants 2 or 4"
refuse "a negative header number" '1 -2\na 0 8\n' "$R:1: the header wants 2 or 4"
refuse "an unknown request" '1 2\na 0 8\nx 0\n' "$R:3: expected 'a ID SIZE', 'r ID SIZE' or 'f ID'"
refuse "a missing size" '1 2\na 0\nf 0\n' "$R:2: expected 'a ID SIZE'"
refuse "a size that is not a number" '1 2\na 0 8k\nf 0\n' "$R:2: expected 'a ID SIZE'"
refuse "a negative size" '1 2\na 0 -8\nf 0\n' "$R:2: size -8 is out of range"
refuse "an ID outside the header's count" '2 2\na 2 8\nf 2\n' "$R:2: ID 2 is outside 0..1"
refuse "fewer operations than the header says" '1 3\na 0 8\nf 0\n' "the header promises 3 operations but only 2 follow"
refuse "no operations at all" '1 2\n' "no operations after the header"
refuse "an ID allocated twice" '1 3\na 0 8\na 0 8\nf 0\n' "$R:3: ID 0 is allocated again without a free"
refuse "a free of an ID not allocated" '2 2\na 0 8\nf 1\n' "$R:3: f 1 frees an ID that is not allocated"
if "$BIN/replay-engine" "$T/none.rep" >"$T/out" 2>&1 || ! grep -q "none.rep: No such file" "$T/out"; then
	bad "a missing file is refused with its name"
else
	ok "a missing file is refused with its name"
fi

echo "tests/bench: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
