#!/bin/sh
# A deterministic CLI session against its golden output: a fresh named
# instance gives the same IDs, offsets, classes and maps every time, so the
# CLI's text output must match this file byte for byte (after the
# normalizing of process IDs, see cli-common.sh).
# RECORD=1 prints the actual outputs in this file's format, for review.
. "$(dirname "$0")/cli-common.sh"
need_device

E="edualloc -i golden"
edualloc destroy golden >/dev/null 2>&1
edualloc log level ops >/dev/null

# The log without its seq, time and pid columns (they vary).
log_tail() {
	$E log --this -n "$1" |
		awk '!/^#/ { line = $3; for (i = 5; i <= NF; i++) line = line " " $i; print line }'
}

expect "create" 0 edualloc create golden --capacity 1M --bitset 128 --debug on --quiet <<'EOF'
create: instance "golden" (named, owner root): 1 MiB arena, bitset of 128 bits, debug checks on
use it with: edualloc -i golden VERB...   (destroy it with: edualloc destroy golden)
EOF
expect "alloc, every kind of class" 0 $E alloc 1 8 9 24 100 1000 4096 5000 <<'EOF'
alloc 1: ID 1 at offset 0x0, class 0 (8-byte slots), 7 bytes of slack
alloc 8: ID 2 at offset 0x8, class 0 (8-byte slots)
alloc 9: ID 3 at offset 0x1000, class 1 (16-byte slots), 7 bytes of slack
alloc 24: ID 4 at offset 0x2000, class 2 (32-byte slots), 8 bytes of slack
alloc 100: ID 5 at offset 0x3000, class 4 (128-byte slots), 28 bytes of slack
alloc 1000: ID 6 at offset 0x4000, class 7 (1024-byte slots), 24 bytes of slack
alloc 4096: ID 7 at offset 0x5000, class 9 (4096-byte slots)
alloc 5000: ID 8 at offset 0x6000, class 10 (8192-byte slots), 3192 bytes of slack
EOF
expect "alloc large" 0 $E alloc 300000 <<'EOF'
alloc 300000: ID 9 at offset 0x10240000000, large: 74 pages of its own (296 KiB), 3104 bytes of slack
EOF
expect "write text" 0 $E write 4 "Hello World!" <<'EOF'
write 4: 12 bytes at byte 0
EOF
expect "read: payload and red zone" 0 $E read 4 <<'EOF'
read 4: 24 bytes requested, in a 32-byte slot at offset 0x2000
  00002000  48 65 6c 6c 6f 20 57 6f  72 6c 64 21 00 00 00 00  Hello World!....
  00002010  00 00 00 00 00 00 00 00 |cc cc cc cc cc cc cc cc  ................
  after '|': the red zone, 8 bytes, intact (all 0xcc)
EOF
expect "write --hex --at" 0 $E write --hex --at 10 5 "de ad be ef" <<'EOF'
write 5: 4 bytes at byte 10
EOF
expect "read --len" 0 $E read --len 16 5 <<'EOF'
read 5: 100 bytes requested, in a 128-byte slot at offset 0x3000
  00003000  00 00 00 00 00 00 00 00  00 00 de ad be ef 00 00  ................
  ... 84 more bytes (--all shows them)
EOF
expect "read --at (to the end: with the red zone)" 0 $E read --at 96 5 <<'EOF'
read 5: 100 bytes requested, in a 128-byte slot at offset 0x3000
  00003060  00 00 00 00|cc cc cc cc  cc cc cc cc cc cc cc cc  ................
  00003070  cc cc cc cc cc cc cc cc  cc cc cc cc cc cc cc cc  ................
  after '|': the red zone, 28 bytes, intact (all 0xcc)
EOF
expect "read a 4 KiB slot (no slack)" 0 $E read --len 32 7 <<'EOF'
read 7: 4096 bytes requested, in a 4096-byte slot at offset 0x5000
  00005000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................
  00005010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................
  ... 4064 more bytes (--all shows them)
EOF
expect "ptr" 0 $E ptr 6 <<'EOF'
ptr 6: offset 0x4000, 1000 bytes in a 1024-byte slot of class 7: at arena + 0x4000 in a program that maps the arena
EOF
expect "ptr of a large allocation" 0 $E ptr 9 <<'EOF'
ptr 9: offset 0x10240000000, 300000 bytes, large: mmap the device at that offset to see it
EOF
expect "id" 0 $E id 0x3010 <<'EOF'
id 0x3010: ID 5, byte 16 of its 100 (it starts at offset 0x3000)
EOF
expect "id: the slack past a block belongs to none" 1 $E id 0x1010 <<'EOF'
id 0x1010: no live allocation holds that offset (free space, or slack past a block's size)
EOF
expect "bitset" 0 sh -c "$E bit set 7 && $E bit set 100 && $E bit get 7 && $E bit find 8 && \
	$E bit clear 7 && $E bit get 7 && $E bit find 0 && $E bit clear-all && $E bit find 0" <<'EOF'
bit set 7: it is 1
bit set 100: it is 1
bit 7: 1
bit find 8: the first set bit from there is 100
bit clear 7: it is 0
bit 7: 0
bit find 0: the first set bit from there is 100
bit clear-all: every bit is 0
bit find 0: no bit is set from there on
EOF
expect "stats" 0 $E stats <<'EOF'
Allocator statistics: instance "golden" (named)
====
Memory usage:         335872 / 1048576 bytes (32.0%)
Peak usage:           335872 bytes
Active allocations:   9 (310238 bytes requested, 316608 bytes reserved)
Total allocations:    9
Total frees:          0
Failed allocations:   0
Next allocation ID:   10
Arena pages:          8 used, 248 free of 256 (largest free block 262144 bytes)
Fragmentation:        internal 6370 bytes (2%), external 0%
Large allocations:    1 (303104 bytes)
Bookkeeping:          M bytes outside the arena
Errors caught:        offset in no allocation 1
Debug checks:         on (red zones, poison)
Bitset:               128 bits

Size classes (those used so far):
  class     size  slabs  slots used/total   allocs    frees  failed    waste
      0        8      1           2/512           2        0       0        7
      1       16      1           1/256           1        0       0        7
      2       32      1           1/128           1        0       0        8
      4      128      1           1/32            1        0       0       28
      7     1024      1           1/4             1        0       0       24
      9     4096      1           1/1             1        0       0        0
     10     8192      1           1/1             1        0       0     3192
EOF
expect "classes" 0 $E classes <<'EOF'
Size classes (those used so far):
  class     size  slabs  slots used/total   allocs    frees  failed    waste
      0        8      1           2/512           2        0       0        7
      1       16      1           1/256           1        0       0        7
      2       32      1           1/128           1        0       0        8
      4      128      1           1/32            1        0       0       28
      7     1024      1           1/4             1        0       0       24
      9     4096      1           1/1             1        0       0        0
     10     8192      1           1/1             1        0       0     3192
EOF
expect "map" 0 $E map <<'EOF'
map of "golden": 256 pages of 4096 bytes, 1 page per cell
  cells: . free page; a letter per size class, UPPER CASE when the slab is full:
   a=8 b=16 c=32 d=64 e=128 f=256 g=512 h=1K i=2K j=4K k=8K l=16K m=32K n=64K o=128K p=256K
  fill:  . free; 0-9 tenths of the slots in use; * full

  offset     cells                             fill
  0x00000000 abcehJKK........................  11112***........................
  0x00020000 ................................  ................................
  0x00040000 ................................  ................................
  0x00060000 ................................  ................................
  0x00080000 ................................  ................................
  0x000a0000 ................................  ................................
  0x000c0000 ................................  ................................
  0x000e0000 ................................  ................................

large allocations, outside the arena: 1
  ID 9 at 0x10240000000: 300000 bytes (303104 reserved), owner pid P
pages: 8 used, 248 free; largest free block 262144 bytes
fragmentation: internal 6370 bytes (2%), external 0%
EOF
expect "map --width 16" 0 $E map --width 16 <<'EOF'
map of "golden": 256 pages of 4096 bytes, 1 page per cell
  cells: . free page; a letter per size class, UPPER CASE when the slab is full:
   a=8 b=16 c=32 d=64 e=128 f=256 g=512 h=1K i=2K j=4K k=8K l=16K m=32K n=64K o=128K p=256K
  fill:  . free; 0-9 tenths of the slots in use; * full

  offset     cells             fill
  0x00000000 abcehJKK........  11112***........
  0x00010000 ................  ................
  0x00020000 ................  ................
  0x00030000 ................  ................
  0x00040000 ................  ................
  0x00050000 ................  ................
  0x00060000 ................  ................
  0x00070000 ................  ................
  0x00080000 ................  ................
  0x00090000 ................  ................
  0x000a0000 ................  ................
  0x000b0000 ................  ................
  0x000c0000 ................  ................
  0x000d0000 ................  ................
  0x000e0000 ................  ................
  0x000f0000 ................  ................

large allocations, outside the arena: 1
  ID 9 at 0x10240000000: 300000 bytes (303104 reserved), owner pid P
pages: 8 used, 248 free; largest free block 262144 bytes
fragmentation: internal 6370 bytes (2%), external 0%
EOF
# The CLI draws the map from the PAGES ioctl: the same cells as the kernel's.
same_map_as_kernel() {
	$E map --raw | awk '/^0x/ { print $1, $2, $3 }' >"$T/kernel-map"
	$E map --width 32 | awk '/^  0x/ { print $1, $2, $3 }' >"$T/cli-map"
	[ -s "$T/cli-map" ] && cmp "$T/kernel-map" "$T/cli-map"
}
check "map: cell for cell the kernel's own drawing (map --raw)" same_map_as_kernel

expect "realloc" 0 $E realloc 2 20 <<'EOF'
realloc 2 20: now ID 10 at offset 0x2020, class 2 (32-byte slots); 8 bytes copied, ID 2 freed
EOF
expect "free two" 0 $E free 1 3 <<'EOF'
free 1: freed 1 bytes at offset 0x0 (class 0: the slot goes back to its slab)
free 3: freed 9 bytes at offset 0x1000 (class 1: the slot goes back to its slab)
EOF
expect "double free" 1 $E free 3 <<'EOF'
free 3: double free: ID 3 was already freed (refused; see the log: edualloc -i golden log --this -n 1)
EOF
expect "dump: freed slots hold the poison" 0 $E dump 0 32 <<'EOF'
dump 0x0: 32 bytes of the arena, as a program sees them
  00000000  6b 6b 6b 6b 6b 6b 6b 6b  6b 6b 6b 6b 6b 6b 6b 6b  kkkkkkkkkkkkkkkk
  00000010  6b 6b 6b 6b 6b 6b 6b 6b  6b 6b 6b 6b 6b 6b 6b 6b  kkkkkkkkkkkkkkkk
EOF
expect "overflow through the mapping" 0 $E write --mmap 4 "Hello World!-and-too-much-text" <<'EOF'
write 4: 30 bytes at byte 0 through the mapping; 6 of them past its 24 bytes, into the red zone (free will notice)
EOF
expect "read shows the damaged red zone" 0 $E read 4 <<'EOF'
read 4: 24 bytes requested, in a 32-byte slot at offset 0x2000
  00002000  48 65 6c 6c 6f 20 57 6f  72 6c 64 21 2d 61 6e 64  Hello World!-and
  00002010  2d 74 6f 6f 2d 6d 75 63 |68 2d 74 65 78 74 cc cc  -too-much-text..
  after '|': the red zone, 8 bytes, DAMAGED: byte 24 is 0x68, not 0xcc: something wrote past the end (free will report it)
EOF
expect "free catches the overflow" 1 $E free 4 <<'EOF'
free 4: freed 24 bytes at offset 0x2000 (class 2: the slot goes back to its slab)
free 4: heap overflow caught: the red zone past its 24 bytes was overwritten (byte 24 is 0x68, not 0xcc); the allocator counted it too
EOF
expect "the log" 0 log_tail 12 <<'EOF'
golden edualloc alloc alloc 5 100 128 0x3000 ok -
golden edualloc alloc alloc 6 1000 1024 0x4000 ok -
golden edualloc alloc alloc 7 4096 4096 0x5000 ok -
golden edualloc alloc alloc 8 5000 8192 0x6000 ok -
golden edualloc alloc alloc 9 300000 large 0x10240000000 ok -
golden edualloc lookup error - - - 0x1010 ENOENT kind=no_alloc
golden edualloc realloc realloc 10 20 32 0x2020 ok old_id=2
golden edualloc free free 1 1 8 0x0 ok -
golden edualloc free free 3 9 16 0x1000 ok -
golden edualloc free error 3 - - - EALREADY kind=double_free
golden edualloc free corrupt 4 - - 0x2018 corrupt kind=redzone,byte=0x68
golden edualloc free free 4 24 32 0x2000 ok -
EOF
expect "check" 0 $E check <<'EOF'
check: instance "golden": every page, slab, free list and counter agrees
EOF
expect "list" 0 sh -c "edualloc list | grep -E 'NAME|golden'" <<'EOF'
  NAME                 KIND     OWNER      CAPACITY       USED   LIVE   BITSET  FILES DEBUG
  golden               named    root          1 MiB    328 KiB      6      128      0 on
EOF
expect "stats after all that" 0 $E stats <<'EOF'
Allocator statistics: instance "golden" (named)
====
Memory usage:         335872 / 1048576 bytes (32.0%)
Peak usage:           335872 bytes
Active allocations:   6 (310216 bytes requested, 316576 bytes reserved)
Total allocations:    10
Total frees:          4
Failed allocations:   0
Next allocation ID:   11
Arena pages:          8 used, 248 free of 256 (largest free block 262144 bytes)
Fragmentation:        internal 6360 bytes (2%), external 0%
Large allocations:    1 (303104 bytes)
Bookkeeping:          M bytes outside the arena
Errors caught:        double free 1, offset in no allocation 1, red zone overwritten 1
Debug checks:         on (red zones, poison)
Bitset:               128 bits

Size classes (those used so far):
  class     size  slabs  slots used/total   allocs    frees  failed    waste
      0        8      1           0/512           2        2       0        0
      1       16      1           0/256           1        1       0        0
      2       32      1           1/128           2        1       0       12
      4      128      1           1/32            1        0       0       28
      7     1024      1           1/4             1        0       0       24
      9     4096      1           1/1             1        0       0        0
     10     8192      1           1/1             1        0       0     3192
EOF
expect "reset" 0 $E reset <<'EOF'
reset: instance "golden" is as new: 6 allocations (310216 bytes) dropped, statistics and bitset cleared, IDs start again
EOF
expect "alloc after reset: IDs from 1" 0 $E alloc 64 <<'EOF'
alloc 64: ID 1 at offset 0x0, class 3 (64-byte slots)
EOF
expect "shell session" 0 sh -c "printf '%s\n' '# a comment' 'create --capacity 128K' \
	'alloc 64 128' \"write 1 'text with spaces'\" 'read 1' 'attach golden' 'alloc 16' \
	'attach --private' 'stats' 'quit' 'alloc 1' | edualloc shell -x" <<'EOF'
> # a comment
> create --capacity 128K
create: instance "pidP.N" (private, owner root): 128 KiB arena, bitset of 4096 bits, debug checks on
> alloc 64 128
alloc 64: ID 1 at offset 0x0, class 3 (64-byte slots)
alloc 128: ID 2 at offset 0x1000, class 4 (128-byte slots)
> write 1 'text with spaces'
write 1: 16 bytes at byte 0
> read 1
read 1: 64 bytes requested, in a 64-byte slot at offset 0x0
  00000000  74 65 78 74 20 77 69 74  68 20 73 70 61 63 65 73  text with spaces
  00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................
  *
  00000030  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................
  (no slack after it: the requested size fills the slot)
> attach golden
attach: instance "golden" (named, owner root): 1 MiB arena, bitset of 128 bits, debug checks on; 1 live allocation
> alloc 16
alloc 16: ID 2 at offset 0x1000, class 1 (16-byte slots)
> attach --private
attach: instance "pidP.N" (private, owner root): 128 KiB arena, bitset of 4096 bits, debug checks on; 2 live allocations
> stats
Allocator statistics: instance "pidP.N" (private)
====
Memory usage:         8192 / 131072 bytes (6.2%)
Peak usage:           8192 bytes
Active allocations:   2 (192 bytes requested, 192 bytes reserved)
Total allocations:    2
Total frees:          0
Failed allocations:   0
Next allocation ID:   3
Arena pages:          2 used, 30 free of 32 (largest free block 65536 bytes)
Fragmentation:        internal 0 bytes (0%), external 46%
Large allocations:    0 (0 bytes)
Bookkeeping:          M bytes outside the arena
Errors caught:        none
Debug checks:         on (red zones, poison)
Bitset:               4096 bits

Size classes (those used so far):
  class     size  slabs  slots used/total   allocs    frees  failed    waste
      3       64      1           1/64            1        0       0        0
      4      128      1           1/32            1        0       0        0
> quit
EOF
expect "help free" 0 edualloc help free <<'EOF'
usage: edualloc free ID...

free allocations by ID (double frees are caught).

Frees each ID. A double free is refused and explained. With the debug
checks on, a damaged red zone (a heap overflow) is reported: the block
is freed, and the command fails to make you look.

Every verb also takes --json, --color[=WHEN], -i NAME and --help.
EOF
# log -f: new events appear while it runs; SIGTERM ends it cleanly.
$E log --follow --this >"$T/follow" 2>&1 &
follower=$!
sleep 1
$E alloc 77 >/dev/null
sleep 1
kill "$follower"
wait "$follower"
check "log --follow: exits 0 on SIGTERM" test $? = 0
check "log --follow: shows an event that came after it started" \
	grep -q 'golden .* alloc alloc [0-9]* 77 ' "$T/follow"

expect "destroy" 0 edualloc destroy golden <<'EOF'
destroy: instance "golden" is gone; 3 allocations (157 bytes) were still live: leaks, each reported in the log
EOF

summary
