#!/bin/sh
# The seed's example program, with only its #include changed, prints what
# the seed's program prints (its "\\n" strings included: they print a
# backslash and an n), then our allocator_print_stats() table.
. "$(dirname "$0")/cli-common.sh"
need_device

expect "the seed's example" 0 edualloc-seed-example <<'EOF'
Stored: Hello World!\nAllocation ID: 1\nBit 42: 1\n
Allocator statistics: instance "pidP.N" (private)
====
Memory usage:         8192 / 1048576 bytes (0.8%)
Peak usage:           8192 bytes
Active allocations:   2 (192 bytes requested, 192 bytes reserved)
Total allocations:    2
Total frees:          0
Failed allocations:   0
Next allocation ID:   3
Arena pages:          2 used, 254 free of 256 (largest free block 262144 bytes)
Fragmentation:        internal 0 bytes (0%), external 0%
Large allocations:    0 (0 bytes)
Bookkeeping:          M bytes outside the arena
Errors caught:        none
Debug checks:         on (red zones, poison)
Bitset:               1048576 bits

Size classes (those used so far):
  class     size  slabs  slots used/total   allocs    frees  failed    waste
      3       64      1           1/64            1        0       0        0
      4      128      1           1/32            1        0       0        0
EOF
summary
