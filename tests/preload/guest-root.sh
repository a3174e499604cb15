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
	# The interpreter and the modules it reads from disk to start and run
	# the test's one-liner (most are frozen into it; which are not depends
	# on the version: 3.13 reads linecache too), as this host's python3
	# loads them with -S; and the encodings a guest's locale may ask for.
	v=$(basename "$py")
	cp "$py" "$root$progs/python3"
	copy_libs "$py"
	mkdir -p "$root/usr/lib/$v/encodings"
	for m in __init__ aliases utf_8 ascii latin_1; do
		cp "/usr/lib/$v/encodings/$m.py" "$root/usr/lib/$v/encodings/"
	done
	"$py" -S -c 'import sys
d = {i: str(i) * 3 for i in range(20000)}; sorted(d)
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f and f.endswith(".py"): print(f)' | while read -r f; do
		[ -f "$f" ] || continue
		mkdir -p "$root$(dirname "$f")"
		cp "$f" "$root$f"
	done
fi
for x in "$@"; do copy_libs "$x"; done
