#!/bin/sh
# Build edualloc.ko with a lab-4 free-list policy, on the host.
#
#   mkmodule.sh POLICY.c KDIR OUTDIR [kbuild args...]
#   mkmodule.sh --patch POLICY.c DIR    only write DIR/ea_engine.c (patched)
#                                       and DIR/ea_policy.c (the host tests
#                                       compile them in userspace)
#
# Copies the module's sources (Kbuild, module/, include/) from the edualloc
# tree this script belongs to (or $EDUALLOC_TOP), includes POLICY.c into
# module/ea_engine.c just before ea_buddy_add(), and makes ea_buddy_add()
# call ea_policy_buddy_add(inst, page, order) instead of putting the block
# at the head of its free list itself. Then builds against the kernel build
# tree KDIR and leaves OUTDIR/edualloc.ko. The engine in the tree is not
# touched. Warnings are shown; with LAB_WERROR=1 they fail the build.
# Exit status: 0 built, 1 the build failed, 3 the engine no longer has the
# two lines this script changes (the lab needs updating).
set -eu
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
patch_only=0
if [ "${1:-}" = --patch ]; then
	[ $# -eq 3 ] || usage
	patch_only=1; policy=$2; out=$3; kdir=/
else
	[ $# -ge 3 ] || usage
	policy=$1; kdir=$2; out=$3; shift 3
fi
here=$(cd "$(dirname "$0")" && pwd)
top=${EDUALLOC_TOP:-$(cd "$here/../../.." && pwd)}
[ -f "$top/Kbuild" ] && [ -f "$top/module/ea_engine.c" ] ||
	{ echo "mkmodule: no edualloc tree at $top (set EDUALLOC_TOP)" >&2; exit 2; }
[ -f "$policy" ] || { echo "mkmodule: no policy file $policy" >&2; exit 2; }
[ -d "$kdir" ] || { echo "mkmodule: no kernel build tree $kdir" >&2; exit 2; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/edualloc-lab4.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp -r "$top/Kbuild" "$top/module" "$top/include" "$stage/"
rm -f "$stage"/module/*.o "$stage"/module/.*.cmd "$stage"/module/*.ko "$stage"/module/*.mod*
cp "$policy" "$stage/module/ea_policy.c"

# The two places, each of which must be found exactly once.
eng=$stage/module/ea_engine.c
def='^static void ea_buddy_add(struct ea_instance \*inst, unsigned int page,$'
add='^	list_add(&pg->buddy, &inst->free_area\[order\]);$'
for re in "$def" "$add"; do
	n=$(grep -c "$re" "$eng" || true)
	if [ "$n" != 1 ]; then
		echo "mkmodule: module/ea_engine.c has changed: '$re' is there $n times, not once" >&2
		echo "mkmodule: update docs/labs/lab4-policy/mkmodule.sh to the engine" >&2
		exit 3
	fi
done
sed -i -e "/$def/i #include \"ea_policy.c\" /* lab 4 */\\
" -e "s/$add/	ea_policy_buddy_add(inst, page, order); \/* lab 4 *\//" "$eng"
grep -q 'ea_policy_buddy_add(inst, page, order);' "$eng" || { echo "mkmodule: sed failed" >&2; exit 3; }
if [ $patch_only = 1 ]; then
	mkdir -p "$out"
	cp "$eng" "$stage/module/ea_policy.c" "$out/"
	exit 0
fi

log=$stage/build.log
jobs=$(nproc 2>/dev/null || echo 1); [ "$jobs" -gt 2 ] && jobs=2
if ! make -j"$jobs" -C "$kdir" M="$stage" "$@" modules >"$log" 2>&1; then
	grep -E 'error|warning' "$log" | sed "s|$stage/||g" | head -n 40 >&2
	echo "mkmodule: the build failed" >&2
	exit 1
fi
if grep -qE '(warning|error):' "$log"; then
	grep -E -A3 '(warning|error):' "$log" | sed "s|$stage/||g" >&2
	[ "${LAB_WERROR:-0}" = 1 ] && { echo "mkmodule: warnings (LAB_WERROR=1)" >&2; exit 1; }
fi
mkdir -p "$out"
cp "$stage/edualloc.ko" "$out/edualloc.ko"
echo "mkmodule: $out/edualloc.ko (for $(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null))"
