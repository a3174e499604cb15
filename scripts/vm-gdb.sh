#!/bin/sh
# make vm-gdb: a guest shell whose kernel waits for gdb (QEMU's gdb stub).
#
#   vm-gdb.sh [RUN]     environment: KERNEL (default debug), MODULE=path.ko
#                       (default: the tree's module, built with -g),
#                       VM_GDB_PORT (default 1234)
#
# Boots KERNEL with nokaslr and QEMU's gdb stub on localhost:VM_GDB_PORT,
# loads MODULE (or edualloc.ko built with debug information, in
# build/gdb/), puts RUN at /host as `make vm-shell RUN=` does, and writes
# build/gdb/gdbinit, which connects and defines `edualloc-symbols ADDR`
# (ADDR: what `cat /sys/module/edualloc/sections/.text` prints in the
# guest). In another terminal:   gdb -x build/gdb/gdbinit
# The student's guide, section "Debugging the module with gdb", walks
# through a session.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=${KERNEL:-debug}
port=${VM_GDB_PORT:-1234}
. "$top/scripts/kenv.sh"
out=$top/build/gdb
mkdir -p "$out"
if [ -z "${MODULE:-}" ]; then
	rm -rf "$out/src" && mkdir -p "$out/src"
	cp -r "$top/Kbuild" "$top/module" "$top/include" "$out/src/"
	rm -f "$out"/src/module/*.o "$out"/src/module/*.ko "$out"/src/module/.*.cmd
	echo "vm-gdb: building edualloc.ko with debug information (-g) for $KERNEL" >&2
	make -s -C "$KDIR" M="$out/src" KCFLAGS=-g modules >"$out/build.log" 2>&1 ||
		{ tail -n 20 "$out/build.log" >&2; echo "vm-gdb: the build failed" >&2; exit 1; }
	cp "$out/src/edualloc.ko" "$out/edualloc.ko"
	MODULE=$out/edualloc.ko
fi
vmlinux=$KDIR/vmlinux
[ -f "$vmlinux" ] || vmlinux=""
cat >"$out/gdbinit" <<GDB
# Written by scripts/vm-gdb.sh for $KERNEL.
set pagination off
${vmlinux:+file $vmlinux}
target remote localhost:$port
# edualloc-symbols ADDR: the module's symbols, its .text at ADDR (in the
# guest: cat /sys/module/edualloc/sections/.text)
define edualloc-symbols
  add-symbol-file $MODULE \$arg0
end
echo connected: in the guest, cat /sys/module/edualloc/sections/.text, then here: edualloc-symbols ADDR\\n
GDB
echo "vm-gdb: QEMU's gdb stub on localhost:$port; in another terminal: gdb -x ${out#"$top"/}/gdbinit" >&2
MODULE=$MODULE VM_GDB=$port exec "$top/scripts/vm.sh" "$KERNEL" shell ${1:+"$1"}
