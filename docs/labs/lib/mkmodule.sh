#!/bin/sh
# Build edualloc.ko with a lab's policy file (labs 4 and 5), on the host.
#
#   mkmodule.sh POLICY.c KDIR OUTDIR [kbuild args...]
#
# The policy file implements the engine's policy interface
# (module/ea_policy.h): it defines struct ea_policy_ops tables and lists
# them in ea_lab_policies[]. This script copies the module's sources
# (Kbuild, module/, include/) from the edualloc tree it belongs to (or
# $EDUALLOC_TOP), puts POLICY.c beside the engine as module/ea_policy_lab.c
# and builds with EDUALLOC_LAB_POLICY=y against the kernel build tree KDIR,
# leaving OUTDIR/edualloc.ko. No source is rewritten and the tree is not
# touched. Warnings are shown; with LAB_WERROR=1 they fail the build.
# A kernel built with a gcc this host lacks (Debian 13's gcc-14 on Debian
# 12) is built for inside the Debian toolchain root that has it ($KROOT,
# else the cache's, made by `make deps`), with scripts/kroot.sh.
# Exit status: 0 built, 1 the build failed, 2 bad usage.
set -eu
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 3 ] || usage
policy=$1; kdir=$2; out=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=${EDUALLOC_TOP:-$(cd "$here/../../.." && pwd)}
[ -f "$top/Kbuild" ] && [ -f "$top/module/ea_policy.h" ] ||
	{ echo "mkmodule: no edualloc tree with module/ea_policy.h at $top (set EDUALLOC_TOP)" >&2; exit 2; }
[ -f "$policy" ] || { echo "mkmodule: no policy file $policy" >&2; exit 2; }
[ -d "$kdir" ] || { echo "mkmodule: no kernel build tree $kdir" >&2; exit 2; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/edualloc-lab.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp -r "$top/Kbuild" "$top/module" "$top/include" "$stage/"
rm -f "$stage"/module/*.o "$stage"/module/.*.cmd "$stage"/module/*.ko "$stage"/module/*.mod*
cp "$policy" "$stage/module/ea_policy_lab.c"

# The kernel's compiler, where it lives (as scripts/kenv.sh finds it).
kcc=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null || true)
kroot=${KROOT:-}
if [ -z "$kroot" ] && [ -n "$kcc" ] && ! command -v "x86_64-linux-gnu-$kcc" >/dev/null 2>&1 &&
	! command -v "$kcc" >/dev/null 2>&1; then
	case $kdir in *+deb13-*) rel=trixie ;; *) rel=bookworm ;; esac
	kroot=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}/roots/$rel
	[ -f "$kroot/.edualloc-done" ] && [ -x "$kroot/usr/bin/x86_64-linux-gnu-$kcc" ] ||
		{ echo "mkmodule: this kernel wants $kcc, which this host lacks: sudo make deps" >&2; exit 1; }
fi
kmake() { if [ -n "$kroot" ]; then "$top/scripts/kroot.sh" "$kroot" make "$@"; else make "$@"; fi; }

log=$stage/build.log
jobs=$(nproc 2>/dev/null || echo 1); [ "$jobs" -gt 2 ] && jobs=2
if ! kmake -j"$jobs" -C "$kdir" M="$stage" EDUALLOC_LAB_POLICY=y "$@" modules >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | sed "s|$stage/||g; s|module/ea_policy_lab.c|ea_policy.c|g" | head -n 40 >&2
	echo "mkmodule: the build failed" >&2
	exit 1
fi
if grep -qE '(warning|error):' "$log"; then
	grep -E -A3 '(warning|error):' "$log" | sed "s|$stage/||g; s|module/ea_policy_lab.c|ea_policy.c|g" >&2
	[ "${LAB_WERROR:-0}" = 1 ] && { echo "mkmodule: warnings (LAB_WERROR=1)" >&2; exit 1; }
fi
mkdir -p "$out"
cp "$stage/edualloc.ko" "$out/edualloc.ko"
echo "mkmodule: $out/edualloc.ko (for $(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null))"
