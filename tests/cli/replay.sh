#!/bin/sh
# edualloc replay: CS:APP malloc-lab traces, well-formed and not. The
# figures are deterministic (a fresh private instance per replay), but for
# the time, which is left out.
. "$(dirname "$0")/cli-common.sh"
need_device

# replay, without its timing line and with trace names relative to $T
replay() {
	edualloc replay "$@" >"$T/replay" 2>&1
	rc=$?
	grep -v 'time in the device' "$T/replay" | sed "s|$T/||"
	return $rc
}

# The 2002 driver's format: one number per line, then the requests.
cat >"$T/classic.rep" <<'EOF'
20000
4
10
1
a 0 2040
a 1 2040
f 1
a 2 48
a 3 4072
f 3
r 0 5000
f 0
f 2
f -1
EOF
# Only the ID and operation counts, on one line; a stray line after the end.
cat >"$T/short.rep" <<'EOF'
3 6
a 0 100
a 1 300000
r 1 400000
r 0 50
f 0
f 1
a 2 12
EOF
# realloc-heavy: a block grown step by step, then shrunk; a 0-byte request.
# The instance reallocates in place (as libedualloc's): a block grows into
# its free buddies and shrinks where it is; only the large sizes move.
{
	echo 0; echo 2; echo 42; echo 1
	echo "a 1 0"
	size=8
	i=0
	while [ $i -lt 20 ]; do echo "r 0 $size"; size=$((size * 2)); i=$((i + 1)); done
	i=0
	while [ $i -lt 19 ]; do size=$((size / 2)); echo "r 0 $size"; i=$((i + 1)); done
	echo "f 0"
	echo "f 1"
} >"$T/grow.rep"

expect "replay: the classic format" 0 replay "$T/classic.rep" <<'EOF'
replay classic.rep: 10 operations (4 alloc, 1 realloc, 4 free) on instance "pidP.N" of 1.0 MiB
  peak live payload   6160 bytes
  peak footprint      16384 bytes (arena pages in use + large allocations)
  utilization         37.6%
  payloads            filled and checked 6 times: all intact
EOF
expect "replay: two header numbers, a stray line after the end" 0 replay "$T/short.rep" <<'EOF'
replay short.rep: 6 operations (2 alloc, 2 realloc, 2 free) on instance "pidP.N" of 2.3 MiB
  peak live payload   400100 bytes
  peak footprint      708608 bytes (arena pages in use + large allocations)
  utilization         56.5%
  payloads            filled and checked 6 times: all intact
EOF
expect "replay: realloc-heavy, up to 4 MiB and back" 0 replay "$T/grow.rep" <<'EOF'
replay grow.rep: 42 operations (1 alloc, 39 realloc, 2 free) on instance "pidP.N" of 17.0 MiB
  peak live payload   4194304 bytes
  peak footprint      6291456 bytes (arena pages in use + large allocations)
  utilization         66.7%
  payloads            filled and checked 78 times: all intact
EOF
expect "replay --no-verify" 0 replay --no-verify "$T/classic.rep" <<'EOF'
replay classic.rep: 10 operations (4 alloc, 1 realloc, 4 free) on instance "pidP.N" of 1.0 MiB
  peak live payload   6160 bytes
  peak footprint      16384 bytes (arena pages in use + large allocations)
  utilization         37.6%
  payloads            not checked (--no-verify)
EOF
check "replay --json" sh -c "edualloc replay --json '$T/classic.rep' | \
	grep -q '\"op\":\"replay\".*\"ops\":10,\"allocs\":4,\"reallocs\":1,\"frees\":4,\"peak_payload\":6160,'"
expect "replay --capacity too small" 1 replay --capacity 64K "$T/grow.rep" <<'EOF'
replay grow.rep:19: r 0 65536: not enough free space left in the instance
EOF

# Malformed traces: each refused with its line number.
bad() {	# NAME LINES...: a trace made of the lines given
	name=$1
	shift
	printf '%s\n' "$@" >"$T/$name.rep"
}
bad letter "2 3" "a 0 8" "x 1 8" "f 0"
bad nosize "2 2" "a 0" "f 0"
bad range "2 2" "a 0 8" "a 2 8"
bad negative "2 2" "a 0 -8" "f 0"
bad short "2 4" "a 0 8" "f 0"
bad three 1 2 3 "a 0 8"
bad twice "2 3" "a 0 8" "a 0 8" "f 0"
bad unalloc "2 2" "a 0 8" "f 1"
bad empty "2 2"
bad header 2 x1 "a 0 8"

expect "malformed: letter" 1 replay "$T/letter.rep" <<'EOF'
replay letter.rep:3: expected 'a ID SIZE', 'r ID SIZE' or 'f ID'
EOF
expect "malformed: nosize" 1 replay "$T/nosize.rep" <<'EOF'
replay nosize.rep:2: expected 'a ID SIZE', 'r ID SIZE' or 'f ID'
EOF
expect "malformed: range" 1 replay "$T/range.rep" <<'EOF'
replay range.rep:3: ID 2 is outside 0..1 (the header says 2 IDs)
EOF
expect "malformed: negative" 1 replay "$T/negative.rep" <<'EOF'
replay negative.rep:2: size -8 is out of range
EOF
expect "malformed: short" 1 replay "$T/short.rep" <<'EOF'
replay short.rep: the header promises 4 operations but only 2 follow
EOF
expect "malformed: three" 1 replay "$T/three.rep" <<'EOF'
replay three.rep:4: the header has 3 numbers: want 4 (heap size, IDs, operations, weight) or 2 (IDs, operations)
EOF
expect "malformed: twice" 1 replay "$T/twice.rep" <<'EOF'
replay twice.rep:3: ID 0 is allocated again without a free
EOF
expect "malformed: unalloc" 1 replay "$T/unalloc.rep" <<'EOF'
replay unalloc.rep:3: f 1 frees an ID that is not allocated
EOF
expect "malformed: empty" 1 replay "$T/empty.rep" <<'EOF'
replay empty.rep: no operations after the header
EOF
expect "malformed: header" 1 replay "$T/header.rep" <<'EOF'
replay header.rep:2: the header has 1 numbers: want 4 (heap size, IDs, operations, weight) or 2 (IDs, operations)
EOF

summary
