#!/bin/sh
# Fetch or build the kernels the harness boots, cached outside the repo.
#
#   kernel.sh distro NAME fetch Debian's kernel NAME (debian-6.1, debian-6.12,
#                         debian13-6.12): its image, headers and kbuild tools,
#                         unpacked (not installed); print their directory
#   kernel.sh toolroot REL GCC   a Debian REL root with GCC (see below)
#   kernel.sh debug       build our debug kernel from linux-source-6.12 with
#                         scripts/kconfig/debug.config; print its build dir
#   kernel.sh srcdir      print the extracted linux-source tree (checkpatch)
#   kernel.sh debugdir    print the debug kernel's build dir (built or not)
#
# Cache: ${EDUALLOC_CACHE:-~/.cache/edualloc}, keyed by package version and
# by the hash of the config fragment. Progress goes to stderr, the answer to
# stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
mkdir -p "$CACHE"
log() { echo "kernel: $*" >&2; }

# linux-source-6.12 of the host's release (Debian 12's on other hosts),
# fetched with the harness's own apt configuration and unpacked once.
srcrel() {
	r=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}")
	case $r in trixie) echo trixie ;; *) echo bookworm ;; esac
}
srcver() {	# the Debian version of linux-source-6.12 the debug kernel is built from
	"$here/kapt.sh" cache "$(srcrel)" policy linux-source-6.12 | sed -n 's/^ *Candidate: //p' | grep -v '(none)'
}
srcdir() {
	ver=${1:-$(srcver)} || true
	[ -n "$ver" ] || { log "no linux-source-6.12 in Debian $(srcrel)'s lists ($here/kapt.sh update, then again)"; exit 1; }
	src="$CACHE/src/linux-source-$ver"
	if [ ! -f "$src/.edualloc-extracted" ]; then
		exec 6>"$CACHE/src.lock"
		flock 6
		if [ ! -f "$src/.edualloc-extracted" ]; then
			tmp=$(mktemp -d "$CACHE/.src.XXXXXX")
			log "fetching linux-source-6.12 $ver (Debian $(srcrel))"
			"$here/kapt.sh" download "$(srcrel)" "$tmp" "linux-source-6.12=$ver" ||
				{ rm -rf "$tmp"; log "cannot fetch linux-source-6.12 $ver: see above"; exit 1; }
			log "unpacking linux-source-6.12 $ver"
			rm -rf "$src" && mkdir -p "$src"
			dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.12_*.deb |
				tar -xO ./usr/src/linux-source-6.12.tar.xz | tar -xJ -C "$src" --strip-components=1
			rm -rf "$tmp"
			touch "$src/.edualloc-extracted"
		fi
		exec 6>&-
	fi
	echo "$src"
}

# The Debian kernels: NAME -> the release it comes from and its ABI.
kinfo() {	# NAME: set REL, KV, GCC
	# shellcheck source=kver.sh
	top=$here/.. . "$here/kver.sh"
	case $1 in
	debian-6.1|debian12-6.1)	REL=bookworm KV=$KV61 GCC=$GCC61 ;;
	debian-6.12|debian12-6.12)	REL=bookworm KV=$KV612 GCC=$GCC612 ;;
	debian13-6.12)			REL=trixie KV=$KV13 GCC=$GCC13 ;;
	*) log "unknown Debian kernel '$1' (debian-6.1, debian-6.12, debian13-6.12)"; exit 2 ;;
	esac
}

fetch() {	# REL KV DIR: download and unpack image, headers and kbuild tools
	rel=$1 kv=$2 dir=$3
	tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
	pkgs="linux-image-$kv linux-headers-$kv $("$here/kapt.sh" cache "$rel" depends "linux-headers-$kv" |
		sed -n 's/^  Depends: \(linux-headers-[^ ]*-common\|linux-kbuild-[^ ]*\)$/\1/p' | tr '\n' ' ')"
	log "fetching $pkgs(Debian $rel)"
	# shellcheck disable=SC2086
	if ! "$here/kapt.sh" download "$rel" "$tmp" $pkgs; then rm -rf "$tmp"; return 1; fi
	rm -rf "$dir.new" && mkdir -p "$dir.new/boot"
	for deb in "$tmp"/*.deb; do
		case $deb in
		*/linux-image-*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.new" ./boot ;;
		*) dpkg-deb -x "$deb" "$dir.new" ;;
		esac
	done
	rm -rf "$tmp"
	[ -f "$dir.new/boot/vmlinuz-$kv" ] && [ -f "$dir.new/usr/src/linux-headers-$kv/.config" ] ||
		{ log "linux-image-$kv or linux-headers-$kv unpacked no kernel"; return 1; }
	# Debian's headers name each other with absolute paths: make them ours.
	grep -rlI '/usr/src/linux-headers-' "$dir.new/usr/src" 2>/dev/null | while IFS= read -r f; do
		sed -i "s,/usr/src/linux-headers-,$dir/usr/src/linux-headers-,g" "$f"
	done
	rm -rf "$dir" && mv "$dir.new" "$dir"
	touch "$dir/.edualloc-kernel"
}

# distro NAME: the image and build tree of one of Debian's kernels, fetched
# with the harness's own apt configuration; prints the directory holding
# boot/vmlinuz-KV and usr/src/linux-headers-KV. When the lists name an ABI
# the archive no longer serves, they are refreshed and the new ABI is taken.
distro() {
	kinfo "$1"
	dir="$CACHE/distro/$KV"
	if [ ! -f "$dir/.edualloc-kernel" ]; then
		exec 7>"$CACHE/kernel-fetch.lock"
		flock 7
		if [ ! -f "$dir/.edualloc-kernel" ] && ! fetch "$REL" "$KV" "$dir"; then
			# kapt.sh download refreshed the lists before giving up: look
			# the version up again in them.
			old=$KV
			rm -f "$CACHE/apt/resolved"
			unset KV61 KV612 KV13
			kinfo "$1"
			dir="$CACHE/distro/$KV"
			[ "$KV" = "$old" ] || log "$old is no longer served; taking $KV"
			if [ ! -f "$dir/.edualloc-kernel" ] && ! fetch "$REL" "$KV" "$dir"; then
				log "cannot fetch Debian's $KV (Debian $REL): see the apt messages above;"
				log "check the network and the mirrors ($here/kapt.sh mirror), then run it again"
				exit 1
			fi
		fi
		exec 7>&-
	fi
	echo "$dir"
}

# toolroot REL GCC: a minimal Debian REL root in the cache with GCC, make and
# libc (debootstrap), for building modules for REL's kernels on a host whose
# own release has no such compiler (gcc-14 on Debian 12). Root only.
toolroot() {
	rel=$1 gcc=$2
	root="$CACHE/roots/$rel"
	if [ -f "$root/.edualloc-done" ] && [ -x "$root/usr/bin/x86_64-linux-gnu-$gcc" ]; then
		echo "$root"; return
	fi
	if [ "$(id -u)" != 0 ]; then
		log "building modules for Debian $rel's kernel needs $gcc, which this host's release"
		log "does not have: a Debian $rel toolchain root must be made once, as root: sudo make deps"
		exit 1
	fi
	command -v debootstrap >/dev/null || { log "debootstrap is missing: sudo make deps"; exit 1; }
	exec 7>"$CACHE/kernel-fetch.lock"
	flock 7
	if [ -f "$root/.edualloc-done" ] && [ -x "$root/usr/bin/x86_64-linux-gnu-$gcc" ]; then
		echo "$root"; return
	fi
	mirror=$("$here/kapt.sh" mirror | cut -d' ' -f1)
	log "making a Debian $rel root with $gcc in $root (debootstrap, about 2 minutes)"
	rm -rf "$root" && mkdir -p "$CACHE/roots"
	if ! debootstrap --variant=minbase --include="$gcc,make,libc6-dev,libelf-dev,perl,dwarves" \
		"$rel" "$root" "$mirror" >"$CACHE/roots/$rel.log" 2>&1; then
		tail -n 15 "$CACHE/roots/$rel.log" >&2
		log "debootstrap of Debian $rel failed (log: $CACHE/roots/$rel.log)"
		exit 1
	fi
	rm -rf "$root/var/cache/apt/archives"/*.deb
	touch "$root/.edualloc-done"
	echo "$root"
}

# Show progress instead of kbuild's scroll: count compiled objects.
progress_make() {
	what=$1; shift
	logf=$1; shift
	prev=0
	[ -f "$logf.count" ] && prev=$(cat "$logf.count")
	start=$(date +%s)
	make "$@" >"$logf" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		n=$(grep -c '^  \(CC\|AS\|LD\|AR\)' "$logf" 2>/dev/null || true)
		el=$(( $(date +%s) - start ))
		if [ "$prev" -gt 0 ]; then
			pct=$(( n * 100 / prev )); [ "$pct" -gt 99 ] && pct=99
			msg=$(printf '%s: %3d%% (%d/%d steps) %dm%02ds' "$what" "$pct" "$n" "$prev" $((el / 60)) $((el % 60)))
		else
			msg=$(printf '%s: %d steps %dm%02ds' "$what" "$n" $((el / 60)) $((el % 60)))
		fi
		if [ -t 2 ]; then printf '\r  %s ' "$msg" >&2
		elif [ $((el % 60)) -lt 5 ]; then echo "  $msg" >&2; fi
	done
	if [ -t 2 ]; then echo >&2; fi
	if ! wait "$pid"; then
		tail -n 30 "$logf" >&2
		log "$what failed; full log: $logf"
		exit 1
	fi
	grep -c '^  \(CC\|AS\|LD\|AR\)' "$logf" >"$logf.count" || true
}

# debugdir: where the debug kernel is (or will be) built; builds nothing.
debugdir() {
	ver=$(srcver) || true
	[ -n "$ver" ] || exit 1
	echo "$CACHE/debug-$ver-$(sha256sum <"$here/kconfig/debug.config" | cut -c1-10)"
}

debug() {
	ver=$(srcver) || true
	src=$(srcdir "$ver")
	frag="$here/kconfig/debug.config"
	key=$(cat "$frag" | sha256sum | cut -c1-10)
	out="$CACHE/debug-$ver-$key"
	if [ -f "$out/.edualloc-done" ]; then echo "$out"; return; fi
	exec 8>"$CACHE/kernel-build.lock"
	flock 8
	if [ -f "$out/.edualloc-done" ]; then echo "$out"; return; fi
	log "building debug kernel $ver (config $key) in $out; about 10 minutes on 2 cores"
	mkdir -p "$out"
	jobs=$(( $(nproc) + 1 ))
	make -C "$src" O="$out" ARCH=x86_64 tinyconfig >"$out/config.log" 2>&1
	(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$frag") >>"$out/config.log" 2>&1
	make -C "$src" O="$out" ARCH=x86_64 olddefconfig >>"$out/config.log" 2>&1
	# Verify every option of the fragment survived.
	bad=0
	grep '^CONFIG_' "$frag" | while IFS= read -r line; do
		opt=${line%%=*}; val=${line#*=}
		if [ "$val" = n ]; then
			if grep -q "^$opt=" "$out/.config"; then log "option $opt should be off"; echo x; fi
		elif ! grep -qx "$line" "$out/.config"; then
			log "option $line missing from the final .config"; echo x
		fi
	done >"$out/config.check"
	if [ -s "$out/config.check" ]; then log "config fragment not honoured"; exit 1; fi
	# The progress bar's 100%: the step count of an earlier build, if any.
	for d in "$CACHE"/debug-*; do
		if [ -f "$d/build.log.count" ] && [ ! -f "$out/build.log.count" ]; then
			cp "$d/build.log.count" "$out/build.log.count"
		fi
	done
	[ -f "$out/build.log.count" ] || echo 1510 >"$out/build.log.count"
	progress_make "debug kernel" "$out/build.log" -C "$src" O="$out" ARCH=x86_64 -j"$jobs" bzImage modules
	touch "$out/.edualloc-done"
	echo "$out"
}

case "${1:-}" in
distro) distro "$2" ;;
toolroot) toolroot "$2" "$3" ;;
debug) debug ;;
debugdir) debugdir ;;
srcdir) srcdir ;;
*) echo "usage: $0 distro NAME | toolroot RELEASE GCC | debug | srcdir" >&2; exit 2 ;;
esac
