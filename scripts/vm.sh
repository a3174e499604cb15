#!/bin/sh
# Boot one harness kernel under QEMU with a busybox initramfs and report.
#
#   vm.sh KERNEL MODE [RUN]     MODE: suite | run | shell
#
# Environment: VM_TIMEOUT (seconds, default 600), VM_LOG (console log file),
# EDUALLOC_KVM=1 (use KVM where the CPU advertises vmx/svm and /dev/kvm works),
# VM_MEM (default 1G), VM_SMP (default 2), EDUALLOC_MODPARAMS (insmod args),
# VM_EXTRA_KO (more .ko files to carry, e.g. the harness self-test),
# VM_NO_MODULE=1 (do not build or carry edualloc.ko), MODULE=path.ko (load
# that edualloc.ko, e.g. a student's, instead of the tree's), VM_CLEAN=1 (run
# mode: show only what the guest's program prints, no marker lines: make demo),
# VM_APPEND (more kernel parameters, e.g. nokaslr).
# A guest that is still running 30 s before its timeout is taken for hung:
# QEMU's monitor samples every CPU's registers into LOG.hang, then sends an
# NMI, which the guest (unknown_nmi_panic, panic_print=0x41) turns into a
# panic with the backtrace of every CPU on the console.
# KERNEL: debian-6.1, debian-6.12 (Debian 12's), debian13-6.12, debug.
# The guest's payload: build/guest/ (bin/, tests/ from `make guest`), the
# module built for KERNEL, and RUN (a file or directory) under /host (in
# every mode: `make vm-shell RUN=dir` puts dir at /host/<its name>).
# Exit status: the guest command's, or 124 on a hung guest, 125 on a crash.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=$1; MODE=$2; RUN=${3:-}
. "$top/scripts/kenv.sh"
kmod=""
[ "${VM_NO_MODULE:-0}" = 1 ] || kmod=$("$top/scripts/build-module.sh" "$KERNEL")
CACHE=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
mkdir -p "$CACHE"

stage=$(mktemp -d)
trap 'rm -rf "$stage" "$stage.mon"' EXIT
chmod 755 "$stage"	# it becomes the guest's /: users other than root must reach /dev
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" "$stage/usr/lib" \
	"$stage/usr/libexec/edualloc/tests" "$stage/lib/modules" "$stage/etc/edualloc" \
	"$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/root" "$stage/host"
cp /bin/busybox "$stage/bin/busybox"
cp "$top/tests/harness/init" "$stage/init"
chmod 755 "$stage/init"
[ -z "$kmod" ] || cp "$kmod"/*.ko "$stage/lib/modules/"
for ko in ${VM_EXTRA_KO:-}; do cp "$ko" "$stage/lib/modules/"; done
# MODULE=path.ko: the guest loads the student's own edualloc module instead.
if [ -n "${MODULE:-}" ]; then
	[ -f "$MODULE" ] || { echo "vm: MODULE=$MODULE does not exist" >&2; exit 2; }
	cp "$MODULE" "$stage/lib/modules/edualloc.ko"
fi
[ -d "$top/build/guest/bin" ] && cp -a "$top/build/guest/bin/." "$stage/usr/bin/"
[ -d "$top/build/guest/lib" ] && cp -a "$top/build/guest/lib/." "$stage/usr/lib/"
[ -d "$top/build/guest/tests" ] && cp -a "$top/build/guest/tests/." "$stage/usr/libexec/edualloc/tests/"
# The lab kit's solutions, and lab 4's module built from its solution, go
# only into the test suite's guest, never into a student's (tests/labs).
if [ "$MODE" = suite ] && [ -f "$top/tests/labs/Makefile" ]; then
	make -s -C "$top/tests/labs" private OUT="$stage/usr/libexec/edualloc/tests" KDIRS="$KDIR" >&2
fi
# Files for the guest's / (the C library and dynamic programs: tests/preload).
[ -d "$top/build/guest/root" ] && cp -a "$top/build/guest/root/." "$stage/"
printf 'root:x:0:0:root:/root:/bin/sh\nstudent:x:1000:1000:student:/tmp:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\nedualloc:x:100:student\nstudent:x:1000:\n' >"$stage/etc/group"
runname=""
if [ -n "$RUN" ]; then
	[ -e "$RUN" ] || { echo "vm: RUN=$RUN does not exist" >&2; exit 2; }
	runname=$(basename "$RUN")
	cp -a "$RUN" "$stage/host/$runname"
fi
LOAD=${LOAD:-1}
cat >"$stage/etc/edualloc/env" <<ENV
KERNEL_NAME='$KERNEL'
MODE='$MODE'
RUN='$runname'
LOAD='$LOAD'
EDUALLOC_MODPARAMS='${EDUALLOC_MODPARAMS:-}'
ENV
initrd="$stage.cpio.gz"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd"
trap 'rm -rf "$stage" "$stage.mon" "$initrd"' EXIT

accel="-accel tcg"
if [ "${EDUALLOC_KVM:-0}" = 1 ] && grep -qE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then
	accel="-accel kvm -cpu host"
fi
# make demo (VM_CLEAN=1) keeps the kernel's chatter off the screen: the
# console scan still reads everything in the dmesg dump at the end.
# The interactive shell shows errors and worse only (dmesg has the rest).
loglevel=5
[ "${VM_CLEAN:-0}" = 1 ] && loglevel=1
[ "$MODE" = shell ] && loglevel=4
append="console=ttyS0 loglevel=$loglevel panic=-1 oops=panic panic_on_warn=0 printk.devkmsg=on"
[ "$MODE" = shell ] || append="$append unknown_nmi_panic panic_print=0x41"
append="$append ${VM_APPEND:-}"
# VM_GDB=PORT (make vm-gdb): QEMU's gdb stub on PORT, no KASLR.
[ -z "${VM_GDB:-}" ] || append="$append nokaslr"
# shellcheck disable=SC2086
set -- qemu-system-x86_64 $accel -m "${VM_MEM:-1G}" -smp "${VM_SMP:-2}" \
	-kernel "$KIMAGE" -initrd "$initrd" -append "$append" -no-reboot -nographic -net none
[ -z "${VM_GDB:-}" ] || set -- "$@" -gdb "tcp:localhost:$VM_GDB"
[ "$MODE" = shell ] || set -- "$@" -monitor "unix:$stage.mon,server=on,wait=off"

# One guest at a time on this machine: QEMU's software emulation wants both
# cores, so concurrent runs (a colleague's vm-run beside make test) queue.
exec 9>"$CACHE/vm.lock"
if ! flock -n 9; then
	echo "vm: waiting for another guest to finish..." >&2
	flock 9
fi

if [ "$MODE" = shell ]; then
	"$@"
	exit 0
fi
log=${VM_LOG:-$top/build/vm-$KERNEL.log}
mkdir -p "$(dirname "$log")"
echo "vm: booting $KERNEL ($MODE${runname:+ $runname}), timeout ${VM_TIMEOUT:-600}s, console: ${log#"$top"/}" >&2
rc=0
rm -f "$log.hang"
wd="" hang_after=$(( ${VM_TIMEOUT:-600} - 30 ))
if [ "$hang_after" -gt 30 ]; then
	python3 "$top/scripts/vm-hang.py" "$stage.mon" "$hang_after" "$log.hang" &
	wd=$!
fi
timeout -k 5 "${VM_TIMEOUT:-600}" "$@" </dev/null 2>&1 | stdbuf -o0 tr -d '\r' | tee "$log" |
	if [ "${VM_QUIET:-0}" = 1 ]; then cat >/dev/null
	elif [ "${VM_CLEAN:-0}" = 1 ]; then sed -n '/EDUALLOC-DMESG-BEGIN/,/EDUALLOC-DMESG-END/!{/^EDUALLOC-/!p}'
	else sed -n '/EDUALLOC-DMESG-BEGIN/,/EDUALLOC-DMESG-END/!p'; fi
[ -z "$wd" ] || kill "$wd" 2>/dev/null || true
# The exit status comes from the marker line; its absence means crash or hang.
if grep -q '^EDUALLOC-EXIT: ' "$log"; then
	rc=$(sed -n 's/^EDUALLOC-EXIT: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
else
	last=$(sed -n 's/^EDUALLOC-TEST-BEGIN: //p' "$log" | tail -n 1)
	done_=$(sed -n 's/^EDUALLOC-TEST-END: \([^ ]*\).*/\1/p' "$log" | tail -n 1)
	what="during boot or the run script"
	[ -n "$last" ] && [ "$last" != "$done_" ] && what="in test '$last'"
	if [ -f "$log.hang" ]; then
		echo "vm: guest on kernel $KERNEL HUNG $what: after ${hang_after}s, every CPU's backtrace (NMI) is on the console, registers in $log.hang" >&2; rc=124
	elif grep -qE 'Kernel panic|BUG:|Oops' "$log"; then
		echo "vm: guest on kernel $KERNEL CRASHED $what (no exit marker)" >&2; rc=125
	else
		echo "vm: guest on kernel $KERNEL HUNG $what: killed after ${VM_TIMEOUT:-600}s" >&2; rc=124
	fi
fi
# Any kernel report on the console fails the run, whatever the guest said.
if [ "$MODE" = run ] && ! scan=$(python3 "$top/scripts/analyze.py" --scan-only "$KERNEL" "$log"); then
	echo "vm: kernel reports on the console of $KERNEL: $scan" >&2
	if [ "$rc" = 0 ]; then rc=1; fi
fi
exit "$rc"
