#!/bin/sh
# make bench: speed and space of edualloc, side by side with kmalloc, kzalloc,
# kmem_cache, genalloc, vmalloc, glibc, jemalloc and mimalloc, in one run.
#
#   scripts/bench.sh [--json] [--quick]
#
#   --json    print the JSON document instead of the readable report
#   --quick   fewer repeats and operations, one boot (a smoke run: a few
#             minutes less)
#
# Steps (progress on stderr):
#   1. build: the host replay programs (bench/), the guest payload (static
#      syscall-bench and edualloc CLI, the traces, a run script); the modules
#      are built by the VM harness for the guest kernel
#   2. one boot of Debian's 6.12 kernel under QEMU for every in-VM part:
#      edualloc_bench.ko (in-kernel microbenchmarks), syscall-bench, and
#      `edualloc replay` of every trace through the device; then two boots
#      of the pair suite and syscall-bench alone (their goals: the median)
#   3. on the host: each trace through the engine's userspace build, glibc,
#      jemalloc and mimalloc (LD_PRELOAD), then again under callgrind
#   4. bench/report.py: build/bench/report.txt, bench.json, bench.svg
# Raw results stay in build/bench/ (vm.log, host.jsonl, callgrind.jsonl).
# Exit status: 0 when every part ran (goals met or not: they are reported,
# not asserted), 1 when a part failed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
JSON=0
QUICK=0
for a in "$@"; do
	case $a in
	--json) JSON=1 ;;
	--quick) QUICK=1 ;;
	-h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown option '$a' (--json, --quick)" >&2; exit 2 ;;
	esac
done

out=$top/build/bench
guest=$out/guest
t0=$(date +%s)
say() { printf '[bench %4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }
failed=""

# With --json, stdout carries the JSON document only.
if [ "$JSON" = 1 ]; then exec 3>&1 1>&2; else exec 3>&1; fi

say "dependencies"
scripts/deps.sh >/dev/null
rm -rf "$out"
mkdir -p "$out" "$guest/traces"

say "build: host replay programs, guest programs"
make -s -C bench OUT="$out/host" >/dev/null
make -s -C bench guest OUT="$guest" >/dev/null
make -s -C userspace static OUT="$out/cli" >/dev/null
cp "$out/cli/bin/edualloc" "$guest/"
cp bench/traces/*.rep "$guest/traces/"
bench/preload/build.sh "$guest"	# edualloc run against glibc (bench/preload)

KPARAMS="raw=1"
SCPARAMS=""
REPS=3
MINTIME=0.2
# Boots of the pair suite and syscall-bench alone after the main one: their
# goals are the median over the boots (emulation's speed moves from one boot
# to the next, and ratios of the same code with it: 1.32x and 1.54x seen).
PAIR_BOOTS=2
if [ "$QUICK" = 1 ]; then
	PAIR_BOOTS=0
	KPARAMS="raw=1 repeats=9 scale_max=65536"
	SCPARAMS="--reps 7 --repeat-us 1000"
	REPS=1
	MINTIME=0
fi

# The guest's part for boot $1. busybox sh; every result line starts with
# EDUALLOC-BENCH. Boot 1 runs everything; boots 2, 3... run the pair suite
# and syscall-bench alone, their lines tagged suite=pair@N and syscall boot=N
# (bench/report.py takes the median over the boots).
guest_run() {
	if [ "$1" = 1 ]; then
		suites="pair batch large mixed scale parts threads" ktag="" stag=""
	else
		suites=pair ktag=" -e 's/ suite=pair / suite=pair@$1 /'" stag="boot=$1 "
	fi
	cat <<EOF
#!/bin/sh
# Written by scripts/bench.sh: the in-VM part of make bench, boot $1.
P=EDUALLOC-BENCH
say() { echo "\$P-PROGRESS: \$*"; }
rc=0
EOF
	[ "$1" = 1 ] && cat <<EOF
echo "\$P: guest release=\$(uname -r) cpus=\$(nproc) clocksource=\$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) heap_alloc_init=\$(dmesg | sed -n 's/.*heap alloc:\\([a-z]*\\).*/\\1/p' | head -n 1)"
EOF
	cat <<EOF
say "in-kernel microbenchmarks (edualloc_bench.ko)"
if insmod /lib/modules/edualloc_bench.ko $KPARAMS; then
	for s in $suites; do
		say "  kernel: \$s"
		if echo \$s >/sys/kernel/debug/edualloc_bench/run; then
			sed -e "s/^/\$P: kernel /"$ktag /sys/kernel/debug/edualloc_bench/results
		else
			echo "\$P: kernel suite=\$s status=failed"; rc=1
		fi
	done
	rmmod edualloc_bench
else
	echo "\$P: kernel status=insmod-failed"; rc=1
fi
M=/sys/module/edualloc/parameters
v0=\$(cat \$M/verbosity)
for v in \$v0 0; do
	say "system call overhead (syscall-bench), event log verbosity \$v"
	echo \$v >\$M/verbosity
	if ./syscall-bench $SCPARAMS >/tmp/sc.txt; then :; else rc=1; fi
	sed "s/^/\$P: syscall ${stag}verbosity=\$v /" /tmp/sc.txt
done
EOF
	[ "$1" = 1 ] && cat <<EOF
say "trace replay through /dev/edualloc (debug checks off, event log off)"
echo 0 >\$M/debug_checks
echo 0 >\$M/verbosity
for t in traces/*.rep; do
	say "  device: \$(basename \$t)"
	if ./edualloc replay --json "\$t" >/tmp/r.json; then
		sed "s/^/\$P: replay /" /tmp/r.json
	else
		echo "\$P: replay-failed \$t"; rc=1
	fi
done
[ -x preload/run ] && { preload/run || rc=1; }	# bench/preload
EOF
	echo 'exit $rc'
}
guest_run 1 >"$guest/run"
chmod 755 "$guest/run"

# Host facts for the report (no host names).
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
libc=$(ldd --version 2>/dev/null | head -n 1 | sed 's/^ldd //')
je=$(dpkg-query -W -f='${Version}' libjemalloc2 2>/dev/null || echo '?')
mi=$(dpkg-query -W -f='${Version}' 'libmimalloc2*' 2>/dev/null | head -n 1 || echo '?')
kvm="no KVM (QEMU TCG)"
[ "${EDUALLOC_KVM:-0}" = 1 ] && kvm="KVM if usable"
load=$(cut -d' ' -f1 /proc/loadavg)
cat >"$out/meta.json" <<EOF
{"machine": {"cpu": "$cpu", "cpus": $(nproc), "kvm": "$kvm", "accel": "TCG",
 "libc": "$libc", "jemalloc": "$je", "mimalloc": "$mi", "load_at_start": $load}}
EOF

say "VM: booting Debian 6.12 once for the kernel, syscall and device parts"
: >"$out/vm.log"
VM_MEM=2G VM_TIMEOUT=${BENCH_VM_TIMEOUT:-1200} VM_QUIET=1 VM_LOG="$out/vm.log" \
	scripts/vm.sh debian-6.12 run "$guest" >"$out/vm.out" 2>&1 &
vm=$!
seen=0
waiting=0
while kill -0 "$vm" 2>/dev/null; do
	sleep 2
	if [ $waiting = 0 ] && grep -q 'waiting for another guest' "$out/vm.out" 2>/dev/null; then
		say "VM: waiting for another guest to finish (one at a time on this machine)"
		waiting=1
	fi
	if [ $waiting = 1 ] && grep -q 'vm: booting' "$out/vm.out" 2>/dev/null; then
		say "VM: booting"
		waiting=2
	fi
	n=$(grep -c 'EDUALLOC-BENCH-PROGRESS: ' "$out/vm.log" 2>/dev/null || true)
	if [ "${n:-0}" -gt "$seen" ]; then
		grep 'EDUALLOC-BENCH-PROGRESS: ' "$out/vm.log" | sed -n "$((seen + 1)),${n}p" |
			while IFS= read -r line; do say "  guest: ${line#*PROGRESS: }"; done
		seen=$n
	fi
done
if wait "$vm"; then
	say "VM: done"
else
	say "VM: FAILED (status $?): see build/bench/vm.out and build/bench/vm.log"
	sed 's/^/    | /' "$out/vm.out" | tail -n 15 >&2
	failed="$failed vm"
fi

# The pair suite and syscall-bench again, in boots of their own.
mkdir -p "$out/pairboot"
cp "$guest/syscall-bench" "$out/pairboot/"
b=1
while [ $b -le $PAIR_BOOTS ]; do
	b=$((b + 1))
	guest_run $b >"$out/pairboot/run"
	chmod 755 "$out/pairboot/run"
	say "VM: boot $b of $((PAIR_BOOTS + 1)), the pair suite and syscall-bench alone"
	if VM_MEM=2G VM_TIMEOUT=${BENCH_VM_TIMEOUT:-1200} VM_QUIET=1 VM_LOG="$out/vm-pair$b.log" \
		scripts/vm.sh debian-6.12 run "$out/pairboot" >"$out/vm-pair$b.out" 2>&1; then
		grep '^EDUALLOC-BENCH: ' "$out/vm-pair$b.log" >>"$out/vm.log"
	else
		say "VM: boot $b FAILED: see build/bench/vm-pair$b.out"
		failed="$failed vm-pair$b"
	fi
done

say "host: trace replay (verify, utilization, throughput)"
JE=$(ls /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 2>/dev/null || true)
MI=$(ls /usr/lib/x86_64-linux-gnu/libmimalloc.so.2 2>/dev/null || true)
: >"$out/host.jsonl"
: >"$out/callgrind.jsonl"
# One process per trace: each allocator starts from a fresh heap, as the
# lab's driver resets its heap between traces.
host_run() {	# NAME PRELOAD PROGRAM ARGS...
	name=$1; pre=$2; shift 2
	for t in bench/traces/*.rep; do
		LD_PRELOAD=$pre "$@" --json --name "$name" --reps $REPS --min-time $MINTIME \
			"$t" >>"$out/host.jsonl" 2>"$out/host.err" ||
			{ say "  $name $(basename "$t"): FAILED"; sed 's/^/    | /' "$out/host.err" >&2
			  failed="$failed host-$name"; }
	done
}
host_run engine "" "$out/host/replay-engine"
host_run glibc "" "$out/host/replay-malloc"
host_run glibc-calloc "" "$out/host/replay-malloc" --zero
[ -n "$JE" ] && host_run jemalloc "$JE" "$out/host/replay-malloc"
[ -n "$MI" ] && host_run mimalloc "$MI" "$out/host/replay-malloc"

say "host: instructions per operation (valgrind --tool=callgrind)"
cg() {	# NAME PRELOAD PROGRAM ARGS...
	name=$1; pre=$2; shift 2
	for t in bench/traces/*.rep; do
		f=$out/callgrind/$name.$(basename "$t" .rep).out
		mkdir -p "$out/callgrind"
		if LD_PRELOAD=$pre valgrind --tool=callgrind --callgrind-out-file="$f" \
			--collect-atstart=no --toggle-collect=replay_measured \
			"$@" --callgrind --json --name "$name" "$t" >"$out/cg.json" 2>"$out/cg.err"; then
			ir=$(sed -n 's/^totals: *//p' "$f")
			sed "s/}\$/, \"ir\": ${ir:-0}}/" "$out/cg.json" >>"$out/callgrind.jsonl"
		else
			say "  $name $(basename "$t"): FAILED"; tail -n 5 "$out/cg.err" >&2
			failed="$failed callgrind-$name"
		fi
	done
}
cg engine "" "$out/host/replay-engine"
cg glibc "" "$out/host/replay-malloc"
cg glibc-calloc "" "$out/host/replay-malloc" --zero
[ -n "$JE" ] && cg jemalloc "$JE" "$out/host/replay-malloc"
[ -n "$MI" ] && cg mimalloc "$MI" "$out/host/replay-malloc"

say "report"
if [ "$JSON" = 1 ]; then
	python3 bench/report.py --dir "$out" --json >&3
else
	python3 bench/report.py --dir "$out" >&3
fi
# edualloc run against glibc (bench/preload): its section, and preload.json.
python3 bench/preload/report.py --dir "$out" --json >"$out/preload.json"
[ "$JSON" = 1 ] || python3 bench/preload/report.py --dir "$out" | tee -a "$out/report.txt" >&3
d=$(( $(date +%s) - t0 ))
say "done in $((d / 60))m$((d % 60))s: build/bench/report.txt, build/bench/bench.json, build/bench/bench.svg"
if [ -n "$failed" ]; then
	say "FAILED parts:$failed"
	exit 1
fi
