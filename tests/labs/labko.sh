#!/bin/sh
# The modules of a lab with a policy file (labs 4 and 5), for one kernel
# build tree, as `make private` puts them in the test suite's guest:
#
#   labko.sh LAB KDIR CACHE OUT
#
# CACHE/LAB/RELEASE/edualloc.ko            built with the solution's policy
# CACHE/LAB/RELEASE/skeleton/edualloc.ko   built with the handout's (the
#                                          skeleton mkskeleton.sh makes;
#                                          lab 5's only: see run-lab.sh)
# each rebuilt only when a source changed, then copied (without debug
# information) to OUT/LAB/RELEASE/ and OUT/LAB/RELEASE/skeleton/. A build
# that fails leaves FAILED there (the lab's guest test then says why); a
# kernel whose gcc this host lacks (Debian 13's gcc-14 on Debian 12) is
# built for in the cache's Debian toolchain root (`make deps` makes it),
# or gets nothing without one (its lane skips the lab).
set -u
lab=$1 kdir=$2 cache=$3 out=$4
top=$(cd "$(dirname "$0")/../.." && pwd)
L=$top/docs/labs/$lab
rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)
[ -n "$rel" ] || exit 0
# A kernel whose gcc this host lacks: built in the cache's Debian toolchain
# root that has it (mkmodule.sh uses it), or skipped if there is none.
cc=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null)
if [ -n "$cc" ] && ! command -v "x86_64-linux-gnu-$cc" >/dev/null 2>&1 && ! command -v "$cc" >/dev/null 2>&1; then
	case $kdir in *+deb13-*) krel=trixie ;; *) krel=bookworm ;; esac
	r=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}/roots/$krel
	if [ ! -f "$r/.edualloc-done" ] || [ ! -x "$r/usr/bin/x86_64-linux-gnu-$cc" ]; then
		echo "  $lab: no $cc on this host nor a Debian $krel root with it: no module for $rel (its lane skips the lab)"
		exit 0
	fi
fi
# build WHAT SRC: CACHE/LAB/RELEASE[/skeleton]/edualloc.ko from SRC.
build() {
	d=$cache/$lab/$rel${1:+/$1}
	o=$out/$lab/$rel${1:+/$1}
	mkdir -p "$d" "$o"
	if [ ! -f "$d/edualloc.ko" ] || [ -n "$(find "$top/Kbuild" "$top/module" "$top/include" \
		"$L/solution/ea_policy.c" "$L/mkmodule.sh" -newer "$d/edualloc.ko" 2>/dev/null | head -n 1)" ]; then
		echo "  $lab: edualloc.ko with the ${1:-solution}'s policy, for $rel"
		rm -f "$d/edualloc.ko" "$d/FAILED"
		LAB_WERROR=1 "$L/mkmodule.sh" "$2" "$kdir" "$d" >"$d/build.out" 2>&1 ||
			{ cp "$d/build.out" "$d/FAILED"; echo "  $lab: build FAILED for $rel (see $d/FAILED)"; }
	fi
	[ ! -f "$d/FAILED" ] || cp "$d/FAILED" "$o/"
	[ ! -f "$d/edualloc.ko" ] || strip --strip-debug -o "$o/edualloc.ko" "$d/edualloc.ko" 2>/dev/null ||
		cp "$d/edualloc.ko" "$o/"
}
build "" "$L/solution/ea_policy.c"
# The skeleton's module: for a lab scored like the malloc lab (lab 5),
# whose skeleton run-lab.sh grades in the guest.
grep -q 'performance index' "$L/check" || exit 0
sk=$(mktemp -d "${TMPDIR:-/tmp}/labko.XXXXXX")
trap 'rm -rf "$sk"' EXIT
"$top/scripts/mkskeleton.sh" "$L/solution/ea_policy.c" "$sk/ea_policy.c"
build skeleton "$sk/ea_policy.c"
exit 0
