#!/bin/sh
# The kernel build trees of the harness kernels that exist on this host,
# one per line: Debian's kernels already fetched into the cache whose
# compiler this host has, or a Debian toolchain root of the cache has
# (labko.sh builds there), and the debug kernel's tree if it has been
# built already. Fetches and builds nothing.
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
for d in "$cache"/distro/*/usr/src/linux-headers-*-amd64; do
	[ -f "$d/include/generated/utsrelease.h" ] && [ -f "$d/../../../.edualloc-kernel" ] || continue
	cc=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$d/.kernelvariables" 2>/dev/null)
	if ! command -v "x86_64-linux-gnu-${cc:-gcc}" >/dev/null 2>&1 && ! command -v "${cc:-gcc}" >/dev/null 2>&1; then
		# No such gcc here: a Debian toolchain root with it will do.
		case $d in *+deb13-*) rel=trixie ;; *) rel=bookworm ;; esac
		[ -x "$cache/roots/$rel/usr/bin/x86_64-linux-gnu-$cc" ] && [ -f "$cache/roots/$rel/.edualloc-done" ] || continue
	fi
	echo "$d"
done
d=$("$top/scripts/kernel.sh" debugdir 2>/dev/null) || exit 0
[ -f "$d/.edualloc-done" ] && echo "$d"
exit 0
