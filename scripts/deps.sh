#!/bin/sh
# Install (as root, with apt-get, Debian packages only) everything the build,
# the VM harness and the test suites need, on Debian 12 or 13. Idempotent:
# only missing packages are installed. As another user it only checks, and
# says what to run when something is missing.
#
#   deps.sh           install what is missing (root), or check (others)
#   deps.sh --check   check only; exit 1 and say what to do if anything lacks
#
# The kernels under test (and linux-source-6.12, for our debug kernel) are
# not installed: scripts/kernel.sh fetches them into the cache with the harness's own apt configuration. Their compilers
# are: gcc-12 for Debian 12's kernels, gcc-14 for Debian 13's. A host whose
# release has no such compiler (gcc-14 on Debian 12) builds those modules
# in a small Debian root in the cache (debootstrap, made when first needed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
check_only=0
[ "${1:-}" = --check ] && check_only=1
log=${TMPDIR:-/tmp}/edualloc-apt.$(id -u).log

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q 'ok installed'; }
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' | head -n 1; }

[ -f /etc/debian_version ] && command -v apt-get >/dev/null || {
	echo "deps: this is not a Debian system: install the equivalent packages of scripts/deps.sh by hand"
	echo "      (the VM harness needs Debian 12 or 13; the module and CLI build anywhere: see README.md)"
	exit 1
}

pkgs="build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils zstd rsync python3
	qemu-system-x86 busybox-static sparse dwarves clang llvm libclang-rt-dev
	valgrind libjemalloc-dev libmimalloc-dev dkms pkg-config gcc-multilib man-db groff-base
	debootstrap debian-archive-keyring
	chromium chromium-driver python3-selenium"
# The kernels' compilers, where this release has them (Debian 13 has gcc-12;
# Debian 12 has no gcc-14: kernel.sh makes a Debian 13 root for it).
case $(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}") in
bookworm) pkgs="$pkgs gcc-12" ;;
trixie) pkgs="$pkgs gcc-12 gcc-14" ;;
*) for cc in gcc-12 gcc-14; do
	if installed "$cc" || [ -n "$(candidate "$cc")" ]; then pkgs="$pkgs $cc"; fi
   done ;;
esac

# shellcheck disable=SC2086
have=" $(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null | sed -n 's/ install ok installed$//p' | tr '\n' ' ') "
need=""
for p in $pkgs; do case $have in *" $p "*) ;; *) need="$need $p" ;; esac; done

if [ -n "$need" ]; then
	if [ "$check_only" = 1 ] || [ "$(id -u)" != 0 ]; then
		echo "deps: missing Debian packages:$need"
		echo "deps: install them once, as root: sudo make deps   (or run this command with sudo)"
		exit 1
	fi
	echo "deps: installing:$need (log: $log)"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get install -y -q --no-install-recommends $need >"$log" 2>&1; then
		# The lists may be old, or lack a suite: refresh them and try again.
		echo "deps: refreshing the package lists (apt-get update) and trying again"
		apt-get update -q >>"$log" 2>&1 || true
		for cc in gcc-12 gcc-14; do	# the update may have brought them
			case " $need " in *" $cc "*) ;; *) installed "$cc" || [ -z "$(candidate "$cc")" ] || need="$need $cc" ;; esac
		done
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $need >>"$log" 2>&1 || {
			tail -n 20 "$log"
			echo "deps: apt-get install failed (full log: $log). Check that /etc/apt/sources.list"
			echo "      names a reachable Debian mirror with the main component, then run it again."
			exit 1
		}
	fi
fi
[ "$check_only" = 1 ] && { echo "deps: ok"; exit 0; }
echo "deps: ok ($(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-Debian}"))"
