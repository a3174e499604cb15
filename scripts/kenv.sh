# Sourced: map a kernel name of the harness to its image and its build tree.
#   KERNEL=debian-6.1 | debian-6.12 | debug   ->  KIMAGE, KDIR
# Fetches or builds what is missing (scripts/kernel.sh caches it).
# The caller sets $top, the repository's top directory.
_here=$top/scripts
. "$_here/kver.sh"
case "$KERNEL" in
debian-6.1)	KIMAGE=$("$_here/kernel.sh" distro "$KV61") || exit 1
		KDIR=/usr/src/linux-headers-$KV61 ;;
debian-6.12)	KIMAGE=$("$_here/kernel.sh" distro "$KV612") || exit 1
		KDIR=/usr/src/linux-headers-$KV612 ;;
debug)		KDIR=$("$_here/kernel.sh" debug) || exit 1
		KIMAGE=$KDIR/arch/x86/boot/bzImage ;;
*)		echo "unknown KERNEL '$KERNEL' (debian-6.1, debian-6.12 or debug)" >&2; exit 2 ;;
esac
export KIMAGE KDIR
