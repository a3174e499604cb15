# Sourced: resolve the Debian 12 kernel ABI versions at run time (they move
# with every security update; never hard-code them).
#   KV61  - what the linux-headers-amd64 metapackage depends on (6.1.0-N-amd64)
#   KV612 - the highest linux-headers-6.12.*+deb12-amd64 apt-cache lists
# A term's pinned kernels: when the file kernels.pin exists at the top of
# the tree (or $EDUALLOC_PIN names one), its KV61= and KV612= lines are the
# versions every command uses (docs/labs/instructor/README.md).
_ea_pin=${EDUALLOC_PIN:-${top:-.}/kernels.pin}
if [ -f "$_ea_pin" ]; then
	[ -n "${KV61:-}" ] || KV61=$(sed -n 's/^KV61=\([0-9A-Za-z.+~-]*\)[[:space:]]*$/\1/p' "$_ea_pin" | head -n 1)
	[ -n "${KV612:-}" ] || KV612=$(sed -n 's/^KV612=\([0-9A-Za-z.+~-]*\)[[:space:]]*$/\1/p' "$_ea_pin" | head -n 1)
fi
_ea_cache() {
	apt-cache "$@" 2>/dev/null
}
if [ -z "${KV61:-}" ]; then
	KV61=$(_ea_cache depends linux-headers-amd64 | sed -n 's/.*Depends: linux-headers-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
	if [ -z "$KV61" ]; then
		apt-get update -q >/dev/null 2>&1 || true
		KV61=$(_ea_cache depends linux-headers-amd64 | sed -n 's/.*Depends: linux-headers-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
	fi
fi
if [ -z "${KV612:-}" ]; then
	KV612=$(_ea_cache search --names-only '^linux-headers-6\.12\..*\+deb12-amd64$' |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\) .*/\1/p' | sort -V | tail -n 1)
fi
[ -n "$KV61" ] && [ -n "$KV612" ] || { echo "kver: cannot resolve Debian kernel versions" >&2; exit 1; }
export KV61 KV612
