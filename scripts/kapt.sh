#!/bin/sh
# The harness's own apt configuration, kept in the cache: one per Debian
# release it takes kernels from, each with its own sources list (the
# release, RELEASE-updates and RELEASE-security, main), its own package
# lists, package cache and an empty dpkg status. The host's sources, lists
# and packages are never touched; this works as any user.
#
#   kapt.sh resolve                 print "KV61 GCC61 KV612 GCC612 KV13 GCC13"
#   kapt.sh update [RELEASE...]     refresh the lists (all releases by default)
#   kapt.sh download RELEASE DIR PKG...   fetch .deb files into DIR
#   kapt.sh cache RELEASE ARGS...   apt-cache with that configuration
#   kapt.sh mirror                  print the Debian and security mirrors used
#
# The mirror is the host's own Debian mirror (the first deb line that ends in
# /debian in its apt sources); its security archive is the host's
# debian-security line, else the same host's /debian-security.
# EDUALLOC_MIRROR and EDUALLOC_SECURITY_MIRROR override them.
# Lists older than EDUALLOC_APT_MAXAGE minutes (default 1440) are refreshed.
set -eu
CACHE=${EDUALLOC_CACHE:-$HOME/.cache/edualloc}
RELEASES="bookworm trixie"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
log() { echo "kapt: $*" >&2; }

host_uris() {	# every URI of the host's apt sources, one per line
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]*\)\{0,1\}\([a-z+]*:[^[:space:]]*\).*/\2/p'
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
	} | sed 's,/*$,,' | grep -v '^$' || true
}

mirrors() {	# sets MIRROR and SECURITY
	MIRROR=${EDUALLOC_MIRROR:-$(host_uris | grep -E '/debian$' | head -n 1)}
	SECURITY=${EDUALLOC_SECURITY_MIRROR:-$(host_uris | grep -E '/debian-security$' | head -n 1)}
	if [ -z "$MIRROR" ]; then
		log "no Debian mirror in this host's apt sources (/etc/apt/sources.list*):"
		log "set EDUALLOC_MIRROR to one (a URL ending in /debian)"
		exit 1
	fi
	[ -n "$SECURITY" ] || SECURITY=${MIRROR%/debian}/debian-security
}

opts() {	# RELEASE: the apt options of that release's configuration
	d=$CACHE/apt/$1
	echo "-o Dir::Etc::sourcelist=$d/sources.list -o Dir::Etc::sourceparts=/nonexistent" \
		"-o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache -o Dir::State::status=$d/status" \
		"-o Dir::Etc::preferencesparts=/nonexistent -o Dir::Etc::preferences=/nonexistent" \
		"-o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o Debug::NoLocking=1" \
		"-o APT::Sandbox::User=$(id -un)"
}

setup() {	# RELEASE: write its sources list (idempotent)
	d=$CACHE/apt/$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	[ -f "$d/status" ] || : >"$d/status"
	[ -f "$KEYRING" ] || { log "$KEYRING is missing: install debian-archive-keyring"; exit 1; }
	mirrors
	s="[signed-by=$KEYRING]"
	# A file of this process's own: two runs may set up at the same time.
	printf 'deb %s %s %s main\n' "$s" "$MIRROR" "$1" "$s" "$MIRROR" "$1-updates" \
		"$s" "$SECURITY" "$1-security" >"$d/sources.list.$$"
	if cmp -s "$d/sources.list.$$" "$d/sources.list"; then rm -f "$d/sources.list.$$"
	else mv "$d/sources.list.$$" "$d/sources.list"; rm -f "$d/updated"; fi
}

update() {	# RELEASE...
	for r in "$@"; do
		setup "$r"
		d=$CACHE/apt/$r
		log "refreshing the package lists of Debian $r (harness's own apt configuration)"
		# shellcheck disable=SC2046
		if apt-get $(opts "$r") -q update >"$d/update.log" 2>&1 &&
			! grep -q '^[WE]: Failed to fetch' "$d/update.log"; then
			touch "$d/updated"
		else
			tail -n 5 "$d/update.log" >&2
			log "could not refresh the lists of Debian $r from $MIRROR and $SECURITY:"
			log "check the network, or set EDUALLOC_MIRROR / EDUALLOC_SECURITY_MIRROR"
			return 1
		fi
	done
}

fresh() {	# RELEASE: refresh its lists if missing or old
	setup "$1"
	d=$CACHE/apt/$1
	if [ ! -f "$d/updated" ] ||
		[ -n "$(find "$d/updated" -mmin +"${EDUALLOC_APT_MAXAGE:-1440}" 2>/dev/null)" ]; then
		update "$1" || [ -f "$d/updated" ]	# old lists beat none
	fi
}

acache() {	# RELEASE ARGS...
	r=$1; shift
	# shellcheck disable=SC2046
	apt-cache $(opts "$r") "$@" 2>/dev/null
}

lookup() {	# print the six words, or fail quietly
	meta=$(acache bookworm depends linux-headers-amd64 |
		sed -n 's/^  Depends: linux-headers-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
	v612=$(acache bookworm search --names-only '^linux-headers-6\.12\.[0-9]*\+deb12-amd64$' |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\) .*/\1/p' | sort -V | tail -n 1)
	v13=$(acache trixie depends linux-headers-amd64 |
		sed -n 's/^  Depends: linux-headers-\(6\.[0-9]*\.[0-9]*+deb13-amd64\)$/\1/p' | head -n 1)
	[ -n "$meta" ] && [ -n "$v612" ] && [ -n "$v13" ] || return 1
	out=""
	for kv in "$meta" "$v612" "$v13"; do
		rel=bookworm; case $kv in *+deb13-*) rel=trixie ;; esac
		cc=$(acache "$rel" depends "linux-headers-$kv" | sed -n 's/^  Depends: \(gcc-[0-9]*\)$/\1/p' | head -n 1)
		out="$out $kv ${cc:-gcc-12}"
	done
	echo $out
}

resolve() {	# the answer is kept until the lists change
	for r in $RELEASES; do fresh "$r" || true; done
	memo=$CACHE/apt/resolved
	if [ -s "$memo" ] && [ -z "$(find "$CACHE"/apt/*/updated -newer "$memo" 2>/dev/null)" ]; then
		cat "$memo"; return 0
	fi
	if lookup >"$memo.$$"; then mv "$memo.$$" "$memo"; cat "$memo"; return 0; fi
	# The lists may be stale or incomplete: refresh them once and look again.
	update $RELEASES || true
	if lookup >"$memo.$$"; then mv "$memo.$$" "$memo"; cat "$memo"; return 0; fi
	rm -f "$memo.$$"
	log "no Debian kernel found in the lists of bookworm, bookworm-security, trixie, trixie-security"
	log "(wanted: linux-headers-amd64 of each, linux-headers-6.12.*+deb12-amd64); lists in $CACHE/apt"
	log "check the mirrors (kapt.sh mirror), or rerun with EDUALLOC_APT_MAXAGE=0"
	return 1
}

download() {	# RELEASE DIR PKG...
	r=$1 dir=$2; shift 2
	fresh "$r" || true
	# shellcheck disable=SC2046
	(cd "$dir" && apt-get $(opts "$r") -q download "$@" >download.log 2>&1) && return 0
	update "$r" || true
	# shellcheck disable=SC2046
	(cd "$dir" && apt-get $(opts "$r") -q download "$@" >download.log 2>&1) && return 0
	tail -n 5 "$dir/download.log" >&2
	return 1
}

case "${1:-}" in
resolve) resolve ;;
update) shift; if [ $# -gt 0 ]; then update "$@"; else update $RELEASES; fi ;;
download) shift; download "$@" ;;
cache) shift; r=$1; shift; fresh "$r" || true; acache "$r" "$@" ;;
mirror) mirrors; echo "$MIRROR $SECURITY" ;;
*) echo "usage: $0 resolve | update [RELEASE...] | download RELEASE DIR PKG... | cache RELEASE ARGS... | mirror" >&2; exit 2 ;;
esac
