#!/bin/sh
# The fresh-machine runs (not part of `make test`): for each Debian release
# asked for, debootstrap a new root into the cache with only make, git and
# python3 added (package lists as debootstrap leaves them: the release's
# main suite only), copy a clean clone of this repository's HEAD into it,
# and run the README's two commands there, `make test` then `make demo`, in
# a chroot with /proc, /sys and /dev bind-mounted. Each run is cold: the
# root has its own cache, so every package, kernel and the debug kernel
# build are fetched and made anew. As root.
#
#   tests/fresh/run.sh [-j] [RELEASE...]   RELEASE: trixie (Debian 13),
#                                          bookworm (Debian 12); default both
#   -j   run the releases side by side instead of one after the other
#
# Prints one line per step and a summary per release: make test's closing
# line and how long each command took. Logs and roots stay in
# $EDUALLOC_CACHE/fresh/ (RELEASE.log; RELEASE/ is removed at the next run).
# Exit 0 when every release passed both commands.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
parallel=0
[ "${1:-}" = -j ] && { parallel=1; shift; }
[ $# -gt 0 ] || set -- trixie bookworm
[ "$(id -u)" = 0 ] || { echo "fresh: run as root (debootstrap, chroot)"; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh: debootstrap is missing (make deps)"; exit 2; }
mirror=$("$top/scripts/kapt.sh" mirror | cut -d' ' -f1) || exit 2
base=$CACHE/fresh
mkdir -p "$base"

now() { date +%s; }
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

one() {	# RELEASE: one cold run; writes $base/RELEASE.result
	rel=$1 root=$base/$1 logf=$base/$1.log res=$base/$1.result
	: >"$logf"
	echo "fresh $rel: debootstrap (make, git, python3) into $root"
	# Leftover mounts of an interrupted run would keep the old root busy.
	grep -q " $root/" /proc/mounts && awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$root"
	t=$(now)
	if ! debootstrap --include=make,git,python3 "$rel" "$root" "$mirror" >>"$logf" 2>&1; then
		echo "fresh $rel: debootstrap FAILED (log: $logf)"
		echo "$rel debootstrap-failed" >"$res"; return 1
	fi
	tb=$(( $(now) - t ))
	git clone -q --no-local "$top" "$root/root/edualloc" >>"$logf" 2>&1 || {
		echo "fresh $rel: git clone FAILED"; echo "$rel clone-failed" >"$res"; return 1; }
	echo "fresh $rel: root ready in $(mmss "$tb") ($(git -C "$root/root/edualloc" log -1 --format='%h %s' | cut -c1-60))"
	echo "fresh $rel: sources: $(grep -v '^#' "$root/etc/apt/sources.list" 2>/dev/null | tr '\n' ' ')"
	# shellcheck disable=SC2016
	inroot='
		set -u
		mount --make-rprivate / 2>/dev/null || true
		mount -t proc proc "$R/proc"
		mount --rbind /sys "$R/sys"
		mount --rbind /dev "$R/dev"
		exec chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c "cd /root/edualloc && $CMD"'
	echo "fresh $rel: make test (cold; log: $logf)"
	t=$(now)
	R=$root CMD="make test" unshare -m sh -c "$inroot" >>"$logf" 2>&1
	trc=$?
	tt=$(( $(now) - t ))
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logf" | tail -n 1)
	echo "fresh $rel: make test exit $trc in $(mmss "$tt"): ${summary:-no summary line}"
	echo "fresh $rel: make demo"
	t=$(now)
	R=$root CMD="make demo </dev/null" unshare -m sh -c "$inroot" >"$base/$rel.demo.log" 2>&1
	drc=$?
	td=$(( $(now) - t ))
	cat "$base/$rel.demo.log" >>"$logf"
	tour=no; grep -q 'That was the tour' "$base/$rel.demo.log" && tour=yes
	echo "fresh $rel: make demo exit $drc in $(mmss "$td") (tour completed: $tour)"
	t=$(now)
	R=$root CMD="make demo </dev/null" unshare -m sh -c "$inroot" >"$base/$rel.demo2.log" 2>&1
	td2=$(( $(now) - t ))
	echo "fresh $rel: make demo again (nothing changed) exit $? in $(mmss "$td2")"
	echo "$rel debootstrap=$tb test_rc=$trc test_secs=$tt demo_rc=$drc demo_secs=$td demo2_secs=$td2 tour=$tour summary=${summary:-none}" >"$res"
	[ "$trc" = 0 ] && [ "$drc" = 0 ] && [ "$tour" = yes ]
}

rc=0
if [ "$parallel" = 1 ]; then
	for r in "$@"; do one "$r" & done
	wait
else
	for r in "$@"; do one "$r" || rc=1; done
fi
echo "== fresh-machine runs"
for r in "$@"; do
	cat "$base/$r.result" 2>/dev/null || echo "$r no result"
	grep -q 'test_rc=0 .*demo_rc=0 .*tour=yes' "$base/$r.result" 2>/dev/null || rc=1
done
exit $rc
