# Sourced: map a kernel name of the harness to its image and its build tree.
#   KERNEL=debian-6.1 | debian-6.12 | debian13-6.12 | debug
#     -> KIMAGE (the kernel QEMU boots), KDIR (its build tree), KCC (its
#        compiler: Debian's kernels want the gcc major they were built with),
#        KROOT (empty: build on this host; else a Debian toolchain root in
#        the cache that has KCC, for a kernel of a newer release than the
#        host's: scripts/kroot.sh runs the build there)
#     and kmake ARGS...: make with that compiler, where it lives.
# debian-6.1 and debian-6.12 are Debian 12's (also spelt debian12-6.1,
# debian12-6.12), debian13-6.12 is Debian 13's, debug is ours.
# Fetches or builds what is missing (scripts/kernel.sh caches it).
# The caller sets $top, the repository's top directory.
_here=$top/scripts
KROOT=
case "$KERNEL" in
debian-6.1|debian12-6.1|debian-6.12|debian12-6.12|debian13-6.12)
	_kd=$("$_here/kernel.sh" distro "$KERNEL") || exit 1
	_kv=${_kd##*/}
	KIMAGE=$_kd/boot/vmlinuz-$_kv
	KDIR=$_kd/usr/src/linux-headers-$_kv
	KCC=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$KDIR/.kernelvariables" 2>/dev/null)
	KCC=${KCC:-gcc}
	if ! command -v "x86_64-linux-gnu-$KCC" >/dev/null 2>&1 && ! command -v "$KCC" >/dev/null 2>&1; then
		_rel=bookworm
		case $_kv in *+deb13-*) _rel=trixie ;; esac
		if [ -f /etc/debian_version ] && [ "$(id -u)" != 0 ] &&
			[ ! -f "${EDUALLOC_CACHE:-$HOME/.cache/edualloc}/roots/$_rel/.edualloc-done" ]; then
			echo "kenv: $KERNEL's modules are built with $KCC, which is not installed: sudo make deps" >&2
			exit 1
		fi
		KROOT=$("$_here/kernel.sh" toolroot "$_rel" "$KCC") || exit 1
	fi ;;
debug)	KDIR=$("$_here/kernel.sh" debug) || exit 1
	KIMAGE=$KDIR/arch/x86/boot/bzImage
	KCC=gcc ;;
*)	echo "unknown KERNEL '$KERNEL' (debian-6.1, debian-6.12, debian13-6.12 or debug)" >&2; exit 2 ;;
esac
export KIMAGE KDIR KCC KROOT
kmake() {
	if [ -n "$KROOT" ]; then "$_here/kroot.sh" "$KROOT" make "$@"; else make "$@"; fi
}
