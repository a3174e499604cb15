# Sourced: resolve the Debian kernels the harness boots, whatever Debian
# release the host runs (their ABI numbers move with every security update:
# never hard-code them).
#   KV61  Debian 12's 6.1   (what bookworm's linux-headers-amd64 depends on)
#   KV612 Debian 12's 6.12  (the highest linux-headers-6.12.*+deb12-amd64)
#   KV13  Debian 13's 6.12  (what trixie's linux-headers-amd64 depends on)
#   GCC61 GCC612 GCC13      the compiler each was built with (gcc-12, gcc-14)
# The lookups use the harness's own apt configuration in the cache
# ($EDUALLOC_CACHE/apt/RELEASE: its sources list, with the release, its
# updates and its security suites, and its own lists), never the host's:
# scripts/kapt.sh. The lists are refreshed when missing, older than a day,
# or when a lookup finds nothing; a download that fails refreshes them too
# (scripts/kernel.sh), so an ABI the archive dropped is replaced.
# Setting KV61/KV612/KV13 (and GCC*) in the environment skips the lookup.
# A term's pinned kernels: when the file kernels.pin exists at the top of
# the tree (or $EDUALLOC_PIN names one), its KV61=, KV612= and KV13= lines
# are the versions every command uses (docs/labs/instructor/README.md).
_ea_pin=${EDUALLOC_PIN:-${top:-.}/kernels.pin}
if [ -f "$_ea_pin" ]; then
	[ -n "${KV61:-}" ] || KV61=$(sed -n 's/^KV61=\([0-9A-Za-z.+~-]*\)[[:space:]]*$/\1/p' "$_ea_pin" | head -n 1)
	[ -n "${KV612:-}" ] || KV612=$(sed -n 's/^KV612=\([0-9A-Za-z.+~-]*\)[[:space:]]*$/\1/p' "$_ea_pin" | head -n 1)
	[ -n "${KV13:-}" ] || KV13=$(sed -n 's/^KV13=\([0-9A-Za-z.+~-]*\)[[:space:]]*$/\1/p' "$_ea_pin" | head -n 1)
fi
_kv_here=${top:+$top/scripts}
[ -n "$_kv_here" ] || _kv_here=$(cd "$(dirname "${0:-.}")" 2>/dev/null && pwd)
[ -x "$_kv_here/kapt.sh" ] || _kv_here=scripts
_kv_lookup() {	# print "KV61 GCC61 KV612 GCC612 KV13 GCC13", or fail
	"$_kv_here/kapt.sh" resolve
}
if [ -z "${KV61:-}" ] || [ -z "${KV612:-}" ] || [ -z "${KV13:-}" ]; then
	_kv=$(_kv_lookup) || {
		echo "kver: cannot resolve Debian's kernel versions (see the message above)" >&2
		exit 1
	}
	read -r _kv1 _gc1 _kv2 _gc2 _kv3 _gc3 <<_KV_EOF
$_kv
_KV_EOF
	KV61=${KV61:-$_kv1} KV612=${KV612:-$_kv2} KV13=${KV13:-$_kv3}
	GCC61=${GCC61:-$_gc1} GCC612=${GCC612:-$_gc2} GCC13=${GCC13:-$_gc3}
fi
export KV61 KV612 KV13 GCC61=${GCC61:-gcc-12} GCC612=${GCC612:-gcc-12} GCC13=${GCC13:-gcc-14}
