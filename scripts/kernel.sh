#!/bin/sh
# Fetch or build the kernels the harness boots, cached outside the repo.
#
#   kernel.sh distro KV   extract Debian's linux-image-KV (not installed) and
#                         print the path of its vmlinuz
#   kernel.sh debug       build our debug kernel from linux-source-6.12 with
#                         scripts/kconfig/debug.config; print its build dir
#   kernel.sh srcdir      print the extracted linux-source tree (checkpatch)
#
# Cache: ${EDUALLOC_CACHE:-~/.cache/edualloc}, keyed by package version and
# by the hash of the config fragment. Progress goes to stderr, the answer to
# stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
mkdir -p "$CACHE"
log() { echo "kernel: $*" >&2; }

srcdir() {
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	src="$CACHE/src/linux-source-$ver"
	if [ ! -f "$src/.edualloc-extracted" ]; then
		log "extracting linux-source-6.12 $ver"
		rm -rf "$src" "$CACHE/src/linux-source-6.12"
		mkdir -p "$CACHE/src"
		tar -C "$CACHE/src" -xf /usr/src/linux-source-6.12.tar.xz
		mv "$CACHE/src/linux-source-6.12" "$src"
		touch "$src/.edualloc-extracted"
	fi
	echo "$src"
}

distro() {
	kv=$1
	dir="$CACHE/distro/$kv"
	img="$dir/boot/vmlinuz-$kv"
	if [ ! -f "$img" ]; then
		log "fetching linux-image-$kv"
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -q "linux-image-$kv" >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1; apt-get download -q "linux-image-$kv" >/dev/null; }) ||
			{ log "cannot download linux-image-$kv"; rm -rf "$tmp"; exit 1; }
		mkdir -p "$dir"
		dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/x"
		mkdir -p "$dir/boot"
		cp "$tmp/x/boot/vmlinuz-$kv" "$img"
		rm -rf "$tmp"
	fi
	echo "$img"
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

debug() {
	src=$(srcdir)
	frag="$here/kconfig/debug.config"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
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
	[ -f "$out/build.log.count" ] || echo 2100 >"$out/build.log.count"
	progress_make "debug kernel" "$out/build.log" -C "$src" O="$out" ARCH=x86_64 -j"$jobs" bzImage modules
	touch "$out/.edualloc-done"
	echo "$out"
}

case "${1:-}" in
distro) distro "$2" ;;
debug) debug ;;
srcdir) srcdir ;;
*) echo "usage: $0 distro KV | debug | srcdir" >&2; exit 2 ;;
esac
