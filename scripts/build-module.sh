#!/bin/sh
# Build the module (and, where the kernel has KUnit, the test module) for one
# harness kernel, out of tree, in build/kmod-KERNEL/ so builds for different
# kernels never share objects. Prints the directory holding the .ko files.
#   build-module.sh KERNEL [extra kbuild args, e.g. W=1 C=2]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=$1; shift
. "$top/scripts/kenv.sh"
out="$top/build/kmod-$KERNEL"
mkdir -p "$out"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	"$top/Kbuild" "$top/module" "$top/include" "$out/src/" 2>/dev/null ||
	{ mkdir -p "$out/src"; cp -r "$top/Kbuild" "$top/module" "$top/include" "$out/src/"; }
if ! kmake -C "$KDIR" M="$out/src" EDUALLOC_WERROR=y "$@" modules >"$out/build.log" 2>&1; then
	grep -E 'error|warning' "$out/build.log" | head -n 40 >&2
	echo "build-module: $KERNEL: build failed (log: build/kmod-$KERNEL/build.log)" >&2
	exit 1
fi
if grep -E '(warning|error):' "$out/build.log" >&2; then
	echo "build-module: $KERNEL: warnings (log: build/kmod-$KERNEL/build.log)" >&2
	exit 1
fi
cp "$out"/src/*.ko "$out/"
echo "$out"
