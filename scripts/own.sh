#!/bin/sh
# own.sh CMD...: run CMD; when it runs as root through sudo, give build/ and
# the invoking user's cache back to that user afterwards, so that the same
# user's later commands without sudo work (and the other way round: root can
# write whatever the user made). Exits with CMD's status.
top=$(cd "$(dirname "$0")/.." && pwd)
"$@"
rc=$?
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
	who="$SUDO_UID:${SUDO_GID:-$SUDO_UID}"
	[ -d "$top/build" ] && chown -R "$who" "$top/build"
	# The user's cache (the Makefile points EDUALLOC_CACHE there under sudo);
	# the toolchain roots stay root's.
	c=${EDUALLOC_CACHE:-}
	home=$(getent passwd "$SUDO_UID" | cut -d: -f6)
	case $c in
	"$home"/?*)
		# The folders between the home and the cache that root made, then the cache.
		d=$c
		while [ "$d" != "$home" ] && [ "$d" != / ]; do
			[ "$(stat -c %u "$d" 2>/dev/null)" = 0 ] && chown -h "$who" "$d"
			d=$(dirname "$d")
		done
		[ -d "$c" ] && find "$c" -path "$c/roots" -prune -o -uid 0 -exec chown -h "$who" {} + 2>/dev/null ;;
	esac
fi
exit "$rc"
