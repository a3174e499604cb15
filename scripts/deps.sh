#!/bin/sh
# Install (as root, with apt-get, Debian packages only) everything the build,
# the VM harness and the test suites need. Idempotent: only missing packages
# are installed. Kernel ABI numbers move, so they are resolved here at run time.
set -eu

. "$(dirname "$0")/kver.sh"

need=""
for p in build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils \
	 zstd rsync python3 qemu-system-x86 busybox-static sparse dwarves \
	 linux-source-6.12 clang llvm libclang-rt-14-dev valgrind \
	 libjemalloc-dev libmimalloc-dev dkms pkg-config gcc-multilib man-db groff-base \
	 chromium chromium-driver python3-selenium \
	 "linux-headers-$KV61" "linux-headers-$KV612"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		need="$need $p"
done

if [ -n "$need" ]; then
	echo "deps: installing:$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends $need >"${TMPDIR:-/tmp}/edualloc-apt.log" 2>&1 || {
		apt-get update -q >/dev/null 2>&1
		apt-get install -y -q --no-install-recommends $need >"${TMPDIR:-/tmp}/edualloc-apt.log" 2>&1 ||
			{ tail -n 20 "${TMPDIR:-/tmp}/edualloc-apt.log"; exit 1; }
	}
fi
echo "deps: ok (6.1=$KV61, 6.12=$KV612)"
