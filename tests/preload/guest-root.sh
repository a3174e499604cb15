#!/bin/sh
# Copy the C library, the dynamic loader and a few ordinary dynamic
# programs into ROOT (the guest's /), each with the libraries ldd lists.
#   guest-root.sh ROOT PROGDIR EXTRA...
set -eu
root=$1; progs=$2; shift 2
mkdir -p "$root$progs"
copy_at() {	# FILE: into ROOT at the same path
	mkdir -p "$root$(dirname "$1")"
	cp -L "$1" "$root$1"
}
copy_libs() {	# the shared libraries a program needs, at the same paths
	ldd "$1" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
		[ ! -f "$lib" ] || copy_at "$lib"
	done
}
for p in sort factor; do
	src=$(command -v "$p")
	cp -L "$src" "$root$progs/$p"
	copy_libs "$src"
done
py=$(readlink -f /usr/bin/python3 2>/dev/null || true)
if [ -n "$py" ] && [ -x "$py" ]; then
	# The interpreter and the modules it reads from disk to start with -S
	# (most are frozen into it; which are not depends on the version: 3.13
	# reads linecache too), as this host's python3 loads them; and the
	# encodings a guest's locale may ask for.
	v=$(basename "$py")
	cp "$py" "$root$progs/python3"
	copy_libs "$py"
	mkdir -p "$root/usr/lib/$v/encodings"
	for m in __init__ aliases utf_8 ascii latin_1; do
		cp "/usr/lib/$v/encodings/$m.py" "$root/usr/lib/$v/encodings/"
	done
	"$py" -S -c 'import sys
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f and f.endswith(".py"): print(f)' | while read -r f; do
		[ ! -f "$f" ] || copy_at "$f"
	done
fi
for x in "$@"; do copy_libs "$x"; done
