#!/bin/sh
# kroot.sh ROOT CMD...: run CMD inside the toolchain root ROOT (made by
# `kernel.sh toolroot`), in the current directory, with this repository,
# the cache and the temporary directory visible at the same paths (bind
# mounts in a private mount namespace: nothing to undo afterwards). As root,
# or as the user who owns ROOT (a user namespace maps them to root inside).
set -eu
root=$1; shift
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$(cd "${EDUALLOC_CACHE:-$HOME/.cache/edualloc}" && pwd)
tmp=$(cd "${TMPDIR:-/tmp}" && pwd)
# --propagation unchanged: in a chroot, / is no mount point and unshare's
# default (make everything private) fails; the script makes / private itself
# where it can.
un="unshare -m --propagation unchanged"
[ "$(id -u)" = 0 ] || un="unshare -r -m --propagation unchanged"
# shellcheck disable=SC2016
exec env EA_TOP="$top" EA_CACHE="$cache" EA_TMP="$tmp" $un sh -c '
	set -e
	root=$1 cwd=$2; shift 2
	mount --make-rprivate / 2>/dev/null || true	# unshare made them private already
	for d in "$EA_TOP" "$EA_CACHE" "$EA_TMP"; do
		mkdir -p "$root$d"
		mount --rbind "$d" "$root$d"
	done
	exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
' sh "$root" "$(pwd)" env PATH=/usr/bin:/bin:/usr/sbin:/sbin "$@"
