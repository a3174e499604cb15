#!/bin/sh
# Every error message of the CLI, word for word, and its exit status:
# 2 for a usage error, 1 for an operation the module refused (the message
# names the operation and the cause). Output is stderr (and stdout).
. "$(dirname "$0")/cli-common.sh"
need_device

E="edualloc -i errs"
edualloc destroy errs >/dev/null 2>&1
edualloc destroy errs-nobits >/dev/null 2>&1
edualloc create errs --capacity 64K --bitset 100 --debug on --quiet >/dev/null
edualloc create errs-nobits --capacity 64K --bitset 0 >/dev/null
$E alloc 100 >/dev/null		# ID 1
$E alloc 24 >/dev/null		# ID 2
$E free 2 >/dev/null

# The first line of a command's output, and its exit status.
first_line() {
	"$@" >"$T/first" 2>&1
	rc=$?
	head -n 1 "$T/first"
	return $rc
}

# --- usage errors: exit 2 ---------------------------------------------------
expect "no verb" 2 first_line edualloc <<'EOF'
usage: edualloc [-i NAME] [--json] [--color=WHEN] VERB [ARGS...]
EOF
expect "unknown verb" 2 edualloc frob <<'EOF'
frob: no such verb
see: edualloc help
EOF
expect "unknown global option" 2 edualloc --frob info <<'EOF'
edualloc: unknown option '--frob'
see: edualloc help
EOF
expect "unknown verb option" 2 edualloc alloc --frob 8 <<'EOF'
alloc: unknown option '--frob'
usage: edualloc alloc SIZE...  (see: edualloc help alloc)
EOF
expect "unknown short option" 2 edualloc alloc -z 8 <<'EOF'
alloc: unknown option -z
usage: edualloc alloc SIZE...  (see: edualloc help alloc)
EOF
expect "option without its value" 2 edualloc create x --capacity <<'EOF'
create: option '--capacity' needs a value
usage: edualloc create NAME [--capacity SIZE] [--bitset BITS] [--debug on|off] [--quiet] [--percpu]  (see: edualloc help create)
EOF
expect "alloc without a size" 2 edualloc alloc <<'EOF'
alloc: missing operand
usage: edualloc alloc SIZE...  (see: edualloc help alloc)
EOF
expect "not a size" 2 edualloc alloc 12Q <<'EOF'
alloc: '12Q' is not a size (e.g. 64, 4K, 1M)
usage: edualloc alloc SIZE...  (see: edualloc help alloc)
EOF
expect "not an ID" 2 edualloc free one <<'EOF'
free: 'one' is not an allocation ID
usage: edualloc free ID...  (see: edualloc help free)
EOF
expect "too many operands" 2 edualloc ptr 1 2 <<'EOF'
ptr: too many operands
usage: edualloc ptr ID  (see: edualloc help ptr)
EOF
expect "create without a name" 2 edualloc create <<'EOF'
create: missing operand
usage: edualloc create NAME [--capacity SIZE] [--bitset BITS] [--debug on|off] [--quiet] [--percpu]  (see: edualloc help create)
EOF
expect "create: bad capacity" 2 edualloc create x --capacity lots <<'EOF'
create: --capacity wants a size like 1M, not 'lots'
usage: edualloc create NAME [--capacity SIZE] [--bitset BITS] [--debug on|off] [--quiet] [--percpu]  (see: edualloc help create)
EOF
expect "create: bad --debug" 2 edualloc create x --debug maybe <<'EOF'
create: --debug takes on or off, not 'maybe'
usage: edualloc create NAME [--capacity SIZE] [--bitset BITS] [--debug on|off] [--quiet] [--percpu]  (see: edualloc help create)
EOF
expect "create: a name too long" 2 edualloc create abcdefghijklmnopqrstuvwxyz0123456789 <<'EOF'
create: a name has at most 31 characters
usage: edualloc create NAME [--capacity SIZE] [--bitset BITS] [--debug on|off] [--quiet] [--percpu]  (see: edualloc help create)
EOF
expect "write --hex with bad digits" 2 edualloc write 1 --hex 4g <<'EOF'
write: --hex wants pairs of hex digits, like "48 65 6c"
usage: edualloc write ID TEXT [--hex] [--at POS] [--mmap]  (see: edualloc help write)
EOF
expect "write --hex with an odd count" 2 edualloc write 1 --hex abc <<'EOF'
write: --hex wants pairs of hex digits, like "48 65 6c"
usage: edualloc write ID TEXT [--hex] [--at POS] [--mmap]  (see: edualloc help write)
EOF
expect "read --at not a number" 2 edualloc read 1 --at x <<'EOF'
read: --at wants a byte position, not 'x'
usage: edualloc read ID [--all] [--at POS] [--len N]  (see: edualloc help read)
EOF
expect "id: not an offset" 2 edualloc id 0xzz <<'EOF'
id: '0xzz' is not an offset (decimal or 0x hex)
usage: edualloc id OFFSET  (see: edualloc help id)
EOF
expect "bit: no such operation" 2 edualloc bit flip 3 <<'EOF'
bit: 'flip' is not one of set, clear, get, find, clear-all
usage: edualloc bit set|clear|get N | find [FROM] | clear-all  (see: edualloc help bit)
EOF
expect "bit set without an index" 2 edualloc bit set <<'EOF'
bit: bit set wants a bit index
usage: edualloc bit set|clear|get N | find [FROM] | clear-all  (see: edualloc help bit)
EOF
expect "bit clear-all with an index" 2 edualloc bit clear-all 3 <<'EOF'
bit: bit clear-all takes no index
usage: edualloc bit set|clear|get N | find [FROM] | clear-all  (see: edualloc help bit)
EOF
expect "map --width 0" 2 edualloc map --width 0 <<'EOF'
map: --width wants 1 to 1024 cells, not '0'
usage: edualloc map [--width N]  (see: edualloc help map)
EOF
expect "log level 9" 2 edualloc log level 9 <<'EOF'
log: level is 0-3 or off, errors, ops, explain; not '9'
usage: edualloc log [-f] [-n N] | log level [0-3|off|errors|ops|explain]  (see: edualloc help log)
EOF
expect "--color=sometimes" 2 edualloc --color=sometimes info <<'EOF'
edualloc: --color takes always, never or auto, not 'sometimes'
see: edualloc help
EOF
expect "help for no such verb" 2 edualloc help frob <<'EOF'
help: no verb 'frob'
usage: edualloc help [VERB]  (see: edualloc help help)
EOF
expect "replay without a trace" 2 edualloc replay <<'EOF'
replay: missing operand
usage: edualloc replay TRACE [--capacity SIZE] [--no-verify] [--html OUT | --steps LIST [--engine]]  (see: edualloc help replay)
EOF
expect "shell: -i inside a shell" 2 sh -c "echo 'stats -i other' | edualloc shell" <<'EOF'
stats: in a shell, -i cannot change instance: use `attach other`
usage: edualloc stats [--times]  (see: edualloc help stats)
EOF

# --- operation errors: exit 1 ---------------------------------------------
expect "free: an ID never issued" 1 $E free 99 <<'EOF'
free 99: no allocation with that ID was ever made
EOF
expect "free: a double free" 1 $E free 2 <<'EOF'
free 2: double free: ID 2 was already freed (refused; see the log: edualloc -i errs log --this -n 1)
EOF
expect "free: ID 0" 1 $E free 0 <<'EOF'
free 0: no allocation with that ID was ever made
EOF
expect "alloc 0" 1 $E alloc 0 <<'EOF'
alloc 0: a 0-byte request is refused
EOF
expect "alloc more than the capacity" 1 $E alloc 1M <<'EOF'
alloc 1048576: larger than the instance's whole capacity
EOF
expect "alloc: out of space" 1 $E alloc 40K 40K <<'EOF'
alloc 40960: not enough free space left in the instance
EOF
expect "realloc of a freed ID" 1 $E realloc 2 50 <<'EOF'
realloc 2 50: that allocation has been freed (a use after free, refused)
EOF
expect "realloc too big" 1 $E realloc 1 1M <<'EOF'
realloc 1 1048576: larger than the instance's whole capacity
EOF
expect "write past the end" 1 $E write 1 --at 98 abc <<'EOF'
write 1: past the end of the allocation (its requested size)
EOF
expect "write to a freed ID" 1 $E write 2 x <<'EOF'
write 2: that allocation has been freed (a use after free, refused)
EOF
expect "write --mmap past the mapping" 1 $E write --mmap 1 --at 65530 0123456789 <<'EOF'
write 1 --mmap: 10 bytes at byte 65530 would go past the end of the mapping (a real program would get SIGSEGV)
EOF
expect "read of a freed ID" 1 $E read 2 <<'EOF'
read 2: that allocation has been freed (a use after free, refused)
EOF
expect "read --at past the end" 1 $E read 1 --at 101 <<'EOF'
read 1 --at 101: past the end of the allocation (its requested size)
EOF
expect "ptr of a freed ID" 1 $E ptr 2 <<'EOF'
ptr 2: that allocation has been freed
EOF
expect "ptr of an ID never issued" 1 $E ptr 1000 <<'EOF'
ptr 1000: no allocation with that ID was ever made
EOF
expect "id of free space" 1 $E id 0x9000 <<'EOF'
id 0x9000: no live allocation holds that offset (free space, or slack past a block's size)
EOF
expect "dump past the arena" 1 $E dump 0xff00 1K <<'EOF'
dump 0xff00: past the end of the arena (65536 bytes; large allocations: use read)
EOF
expect "bit set out of range" 1 $E bit set 100 <<'EOF'
bit set 100: bit index out of range
EOF
expect "bit get out of range" 1 $E bit get 5000 <<'EOF'
bit get 5000: bit index out of range
EOF
expect "bit: an instance without a bitset" 1 edualloc -i errs-nobits bit set 1 <<'EOF'
bit set 1: this instance has no bitset (create one with --bitset BITS)
EOF
expect "attach: no such instance" 1 edualloc attach nosuch <<'EOF'
attach nosuch: no instance of that name (see `edualloc list`)
EOF
expect "attach --private outside a shell session" 1 sh -c "echo 'attach --private' | edualloc shell" <<'EOF'
attach --private: this session has no private instance (`create` makes one)
EOF
expect "-i: no such instance" 1 edualloc -i nosuch stats <<'EOF'
instance 'nosuch': no instance of that name (see `edualloc list`)
EOF
expect "create: the name exists" 1 edualloc create errs <<'EOF'
create errs: an instance of that name already exists (see `edualloc list`)
EOF
expect "create: the name is taken by shared" 1 edualloc create shared <<'EOF'
create shared: an instance of that name already exists (see `edualloc list`)
EOF
expect "create: a bad name" 1 edualloc create Bad.Name <<'EOF'
create Bad.Name: bad name: 1 to 31 characters of a-z 0-9 _ -
EOF
expect "create: over the capacity limit" 1 edualloc create toobig --capacity 1G <<'EOF'
create toobig: over the module's limits (capacity or number of instances: see `edualloc info`)
EOF
expect "create: a second private instance in a shell" 1 sh -c "printf 'create\\ncreate\\n' | edualloc shell" <<'EOF'
create: instance "pidP.N" (private, owner root): 1 MiB arena, bitset of 4096 bits, debug checks on
create: this session already has its private instance (`attach --private` to use it)
EOF
expect "destroy shared" 1 edualloc destroy shared <<'EOF'
destroy shared: not yours to destroy (and the shared instance never is)
EOF
expect "destroy: no such instance" 1 edualloc destroy nosuch <<'EOF'
destroy nosuch: no named instance of that name (see `edualloc list`)
EOF
expect "shell: no such script" 1 edualloc shell /nonexistent <<'EOF'
shell: cannot open /nonexistent: No such file or directory
EOF
expect "shell: unterminated quote" 2 sh -c "echo \"write 1 'oops\" | edualloc shell" <<'EOF'
stdin:1: unterminated quote or too many words
EOF
expect "shell: inside a shell" 1 sh -c "echo shell | edualloc shell" <<'EOF'
shell: already in a shell
EOF
expect "replay: no such trace" 1 edualloc replay /nonexistent.rep <<'EOF'
replay /nonexistent.rep: No such file or directory
EOF

# Without debugfs, log and map --raw say so (and fail) instead of crashing.
umount /sys/kernel/debug 2>/dev/null
if [ ! -d /sys/kernel/debug/edualloc ]; then
	check "map without debugfs still works (PAGES)" $E map
	expect "map --raw without debugfs" 1 $E map --raw <<'EOF'
map --raw: /sys/kernel/debug/edualloc/instances/errs/map is missing: is debugfs mounted (mount -t debugfs none /sys/kernel/debug) and the module loaded?
EOF
	expect "log without debugfs" 1 edualloc log <<'EOF'
log: /sys/kernel/debug/edualloc/log is missing: is debugfs mounted (mount -t debugfs none /sys/kernel/debug) and the module loaded?
EOF
	expect "log level without debugfs" 1 edualloc log level 2 <<'EOF'
log level: /sys/kernel/debug/edualloc/verbosity is missing: is debugfs mounted (mount -t debugfs none /sys/kernel/debug) and the module loaded?
EOF
fi
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

# (What a user who is not root is told: cli-user.)

edualloc destroy errs >/dev/null 2>&1
edualloc destroy errs-nobits >/dev/null 2>&1
summary
