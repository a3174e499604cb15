#!/bin/sh
# Build the guest's programs (make guest-build: the CLI, the library, every
# test program, the labs) into build/guest, only when a source changed since
# the last build. One line of progress; the compiler's output goes to
# build/guest.log and is shown only on failure.
#   guest.sh [-v]     -v: show the compiler's output as it goes
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
verbose=0
[ "${1:-}" = -v ] && verbose=1
stamp=build/guest/.built
logf=build/guest.log
"$top/scripts/deps.sh" --check >/dev/null || { "$top/scripts/deps.sh" --check; exit 1; }
mkdir -p build
if [ ! -w build ] || { [ -e build/guest ] && [ ! -w build/guest ]; }; then
	echo "guest: build/ belongs to $(stat -c %U build/guest 2>/dev/null || stat -c %U build):"
	echo "       sudo chown -R $(id -un) build   (then run it again)"
	exit 1
fi
# The kernel trees lab 4's module is built for: a new one means a rebuild.
kdirs=$(tests/labs/kdirs.sh 2>/dev/null | tr '\n' ' ')
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$kdirs" ]; then
	srcs="userspace tests docs/labs include module Kbuild Makefile scripts/mkskeleton.sh"
	# shellcheck disable=SC2086
	changed=$(find $srcs -newer "$stamp" -type f ! -path '*/build/*' ! -name '*.o' \
		! -name '*.a' ! -name '*.d' ! -name '*.ko' 2>/dev/null | head -n 1)
	if [ -z "$changed" ]; then
		echo "guest: programs up to date"
		exit 0
	fi
fi
echo "guest: building the CLI, the library and the test programs (log: $logf)"
if [ "$verbose" = 1 ]; then
	make --no-print-directory guest-build 2>&1 | tee "$logf"
	rc=$?
else
	make --no-print-directory guest-build >"$logf" 2>&1
	rc=$?
fi
if [ "$rc" != 0 ] || [ ! -d build/guest/bin ]; then
	[ "$verbose" = 1 ] || tail -n 25 "$logf"
	echo "guest: build failed (full log: $logf)"
	exit 1
fi
echo "$kdirs" >"$stamp"
