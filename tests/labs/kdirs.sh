#!/bin/sh
# The kernel build trees of the harness kernels that exist on this host,
# one per line: Debian's 6.1 and 6.12 headers, and the debug kernel's tree
# if it has been built already. Fetches and builds nothing.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/kver.sh" 2>/dev/null || exit 0
for kv in "$KV61" "$KV612"; do
	[ -f "/usr/src/linux-headers-$kv/include/generated/utsrelease.h" ] &&
		echo "/usr/src/linux-headers-$kv"
done
cache=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || exit 0
key=$(sha256sum <"$top/scripts/kconfig/debug.config" | cut -c1-10)
d=$cache/debug-$ver-$key
[ -f "$d/.edualloc-done" ] && echo "$d"
exit 0
