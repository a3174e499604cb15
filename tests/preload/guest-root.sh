#!/bin/sh
# Copy the C library, the dynamic loader and a few ordinary dynamic
# programs into ROOT (the guest's /), each with the libraries ldd lists.
#   guest-root.sh ROOT PROGDIR EXTRA...
set -eu
root=$1; progs=$2; shift 2
mkdir -p "$root$progs"
copy_libs() {	# the shared libraries a program needs, at the same paths
	ldd "$1" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for p in sort factor; do
	src=$(command -v "$p")
	cp -L "$src" "$root$progs/$p"
	copy_libs "$src"
done
py=$(readlink -f /usr/bin/python3 2>/dev/null || true)
if [ -n "$py" ] && [ -x "$py" ]; then
	# The interpreter and the three modules it reads from disk to start
	# (everything else it needs at start is frozen into it); run with -S.
	v=$(basename "$py")
	cp "$py" "$root$progs/python3"
	copy_libs "$py"
	mkdir -p "$root/usr/lib/$v/encodings"
	for m in __init__ aliases utf_8 ascii latin_1; do
		cp "/usr/lib/$v/encodings/$m.py" "$root/usr/lib/$v/encodings/"
	done
fi
for x in "$@"; do copy_libs "$x"; done
