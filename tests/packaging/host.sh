#!/bin/bash
# Host tests of the packaging and of the lab kit (issue 9). One line per
# check, "packaging: N passed, M failed" at the end; exit 1 on a failure.
#
#   install     make install / uninstall with DESTDIR, for the default
#               PREFIX and PREFIX=/usr: every file, its mode, nothing left
#               after uninstall; a program built against the installed tree
#   man         the three pages render with man -l and groff, without a
#               warning; edualloc(4) names every ioctl of the uapi header,
#               edualloc(1) every verb of the CLI, libedualloc(3) every
#               function of the library's header
#   udev        the rule's match and assignments (udevadm verify if it exists)
#   dkms        dkms add / build / remove of the installed DKMS sources for
#               every Debian kernel whose headers are here, in a private
#               dkms tree (nothing under /var/lib/dkms or /usr/src)
#   skeleton    scripts/mkskeleton.sh on files and on a lab directory
#   labs        each lab's layout; the checkers parse with busybox sh and
#               dash; every question a checker asks is answered in the
#               lab's solution; lab 4's skeleton is the generator's output,
#               its traces are mktraces.py's, its policy (solution and
#               skeleton) compiles into the engine in userspace and behaves
#               as the checker expects, and the module builds (W=1, no
#               warnings) against the Debian headers
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
here=$top/tests/packaging
tmp=$(mktemp -d "${TMPDIR:-/tmp}/edualloc-pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "  PASS $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | head -n 15 | sed 's/^/    | /'; }
# check NAME CMD...: pass if CMD succeeds; its output is shown on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else ko "$name" "$out"; fi
}

# make, with packaging/install.mk whether or not the top Makefile includes it yet.
mk() {
	if grep -q '^-\{0,1\}include packaging/install.mk' Makefile; then
		make -s --no-print-directory "$@"
	else
		make -s --no-print-directory -f Makefile -f packaging/install.mk "$@"
	fi
}

# The harness's Debian kernels whose modules this host builds itself (its
# compiler is installed here), each as a build tree in the cache
# (scripts/kenv.sh fetches what is missing): Debian 12's 6.1 and 6.12, and
# Debian 13's 6.12 where the host has gcc-14.
KDIRS=""
for k in debian-6.1 debian-6.12 debian13-6.12; do
	d=$(env KERNEL=$k top="$top" sh -c '. scripts/kenv.sh && [ -z "$KROOT" ] && echo "$KDIR"' 2>/dev/null) &&
		KDIRS="$KDIRS $d"
done
KDIR612=$(env KERNEL=debian-6.12 top="$top" sh -c '. scripts/kenv.sh && echo "$KDIR"')
KV612=${KDIR612##*/linux-headers-}
VERSION=$(sed -n 's/^VERSION := *//p' userspace/Makefile)
SOVERSION=$(sed -n 's/^SOVERSION := *//p' userspace/Makefile)

# --- install ---------------------------------------------------------------

# expected PREFIX KVER: every file make install lays out, one per line.
expected() {
	local p=$1 f
	echo "/lib/modules/$2/extra/edualloc.ko"
	echo "$p/bin/edualloc"
	echo "$p/include/edualloc.h"
	echo "$p/include/linux/edualloc.h"
	echo "$p/lib/libedualloc.a"
	echo "$p/lib/libedualloc.so"
	echo "$p/lib/libedualloc.so.$SOVERSION"
	echo "$p/lib/libedualloc.so.$VERSION"
	echo "$p/lib/libedualloc-preload.so"
	echo "$p/lib/pkgconfig/edualloc.pc"
	echo "$p/lib/udev/rules.d/60-edualloc.rules"
	echo "$p/share/man/man1/edualloc.1"
	echo "$p/share/man/man4/edualloc.4"
	echo "$p/share/man/man3/libedualloc.3"
	for f in $(sed -n 's/^[a-z_ *]*\b\(allocator_[a-z_]*\)(.*/\1/p' userspace/lib/edualloc.h | sort -u); do
		echo "$p/share/man/man3/$f.3"
	done
}

install_test() {	# PREFIX (empty: the default)
	local prefix=${1:-/usr/local} d=$tmp/dest${1//\//_} args=() out missing
	[ -n "${1:-}" ] && args=(PREFIX="$1")
	if ! out=$(mk install DESTDIR="$d" KDIR="$KDIR612" "${args[@]}" 2>&1); then
		ko "install (PREFIX=$prefix)" "$out"; return
	fi
	expected "$prefix" "$KV612" | sort >"$tmp/want"
	(cd "$d" && find . ! -type d | sed 's/^\.//' | sort) >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "install (PREFIX=$prefix): every file, nothing else"
	else
		ko "install (PREFIX=$prefix): the files differ (< wanted, > installed)" \
			"$(diff "$tmp/want" "$tmp/got" | grep '^[<>]')"
	fi
	missing=""
	[ -x "$d$prefix/bin/edualloc" ] || missing="$missing bin"
	[ "$(stat -c %a "$d$prefix/lib/udev/rules.d/60-edualloc.rules")" = 644 ] || missing="$missing rules-mode"
	[ "$(readlink "$d$prefix/lib/libedualloc.so")" = "libedualloc.so.$SOVERSION" ] || missing="$missing so-link"
	[ "$(readlink "$d$prefix/lib/libedualloc.so.$SOVERSION")" = "libedualloc.so.$VERSION" ] || missing="$missing soname-link"
	grep -qx "prefix=$prefix" "$d$prefix/lib/pkgconfig/edualloc.pc" || missing="$missing pc-prefix"
	grep -qx "Version: $VERSION" "$d$prefix/lib/pkgconfig/edualloc.pc" || missing="$missing pc-version"
	modinfo -F vermagic "$d/lib/modules/$KV612/extra/edualloc.ko" 2>/dev/null | grep -q "^$KV612 " ||
		missing="$missing vermagic"
	if [ -z "$missing" ]; then ok "install (PREFIX=$prefix): modes, links, pkg-config, vermagic"
	else ko "install (PREFIX=$prefix): wrong:$missing"; fi

	# A program against the installed tree only: both headers and the library.
	cat >"$tmp/prog.c" <<-'EOF'
	#include <edualloc.h>
	#include <linux/edualloc.h>
	int main(void)
	{
		allocator_t *a = allocator_create(EDUALLOC_MIN_CAPACITY, 0);
		allocator_destroy(a);
		return EDUALLOC_ABI_VERSION == 1 ? 0 : 1;
	}
	EOF
	local cflags libs
	cflags=$(PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_LIBDIR=$d$prefix/lib/pkgconfig pkg-config --cflags edualloc)
	libs=$(PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_LIBDIR=$d$prefix/lib/pkgconfig pkg-config --libs edualloc)
	check "install (PREFIX=$prefix): a program builds with pkg-config --cflags --libs edualloc" \
		cc -std=c11 -Wall -Werror $cflags -o "$tmp/prog" "$tmp/prog.c" $libs
	check "install (PREFIX=$prefix): ... and links against the shared library" \
		sh -c "readelf -d '$tmp/prog' | grep -q 'NEEDED.*libedualloc.so.$SOVERSION'"

	if ! out=$(mk uninstall DESTDIR="$d" KDIR="$KDIR612" "${args[@]}" 2>&1); then
		ko "uninstall (PREFIX=$prefix)" "$out"; return
	fi
	if [ -z "$(find "$d" -mindepth 1 | head -n 1)" ]; then
		ok "uninstall (PREFIX=$prefix): nothing left, directories included"
	else
		ko "uninstall (PREFIX=$prefix): left behind" "$(cd "$d" && find . -mindepth 1)"
	fi
}

echo "== install"
install_test ""
install_test /usr
d=$tmp/dkms-dest
if out=$(mk install-dkms DESTDIR="$d" 2>&1); then
	src=$d/usr/src/edualloc-$VERSION
	if [ -f "$src/dkms.conf" ] && [ -f "$src/Kbuild" ] && [ -f "$src/module/ea_engine.c" ] &&
	   [ -f "$src/include/uapi/linux/edualloc.h" ]; then ok "install-dkms: the sources for dkms"
	else ko "install-dkms: files missing" "$(cd "$d" && find . -type f)"; fi
else
	ko "install-dkms" "$out"
fi

# --- man pages ----------------------------------------------------------------

echo "== man"
for page in man/edualloc.1 man/edualloc.4 man/libedualloc.3; do
	if [ ! -s "$page" ]; then ko "$page: missing"; continue; fi
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
	if [ -n "$out" ]; then ko "$page: man -l warns" "$out"; continue; fi
	out=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
	if [ -n "$out" ]; then ko "$page: groff -ww warns" "$out"; continue; fi
	lines=$(MANWIDTH=80 man -E ascii -l "$page" 2>/dev/null | wc -l)
	long=$(MANWIDTH=80 man -E ascii -l "$page" 2>/dev/null | awk 'length > 80' | head -n 3)
	if [ "$lines" -lt 20 ]; then ko "$page: renders to $lines lines only"
	elif [ -n "$long" ]; then ko "$page: lines wider than 80 columns" "$long"
	else ok "$page: renders cleanly ($lines lines)"; fi
done
missing=""
for ioc in $(sed -n 's/^#define \(EDUALLOC_IOC_[A-Z_]*\)[[:space:]]*_IO.*/\1/p' include/uapi/linux/edualloc.h); do
	grep -q "$ioc" man/edualloc.4 2>/dev/null || missing="$missing $ioc"
done
if [ -z "$missing" ]; then ok "edualloc(4) describes every ioctl of the uapi header"
else ko "edualloc(4) lacks:$missing"; fi
missing=""
for err in $(sed -n '/^#define EDUALLOC_ERRORS(X)/,/[^\\]$/s/^[[:space:]]*X(\([A-Z_]*\),.*/\1/p' \
	     include/uapi/linux/edualloc.h); do
	grep -qi "$err" man/edualloc.4 2>/dev/null || missing="$missing $err"
done
if [ -z "$missing" ]; then ok "edualloc(4) names every error kind of the statistics"
else ko "edualloc(4) lacks the error kinds:$missing"; fi
if mk userspace >/dev/null 2>&1 && [ -x userspace/build/edualloc ]; then
	missing=""
	for v in $(userspace/build/edualloc help | sed -n '/^Verbs:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
		grep -q "^\.SS *\"\{0,1\}$v\b" man/edualloc.1 2>/dev/null || missing="$missing $v"
	done
	if [ -z "$missing" ]; then ok "edualloc(1) has a section for every verb of the CLI"
	else ko "edualloc(1) lacks the verbs:$missing"; fi
else
	ko "edualloc(1): the CLI does not build, cannot list its verbs"
fi
missing=""
for f in $(sed -n 's/^[a-z_ *]*\b\(allocator_[a-z_]*\)(.*/\1/p' userspace/lib/edualloc.h | sort -u); do
	grep -q "\\\\fB$f\\\\fP\|\\.BI\{0,1\} .*$f\|\\.B $f" man/libedualloc.3 2>/dev/null || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "libedualloc(3) describes every function of edualloc.h"
else ko "libedualloc(3) lacks:$missing"; fi

# --- udev ------------------------------------------------------------------------

echo "== udev"
rule=packaging/60-edualloc.rules
if grep -v '^#' "$rule" | grep -q 'KERNEL=="edualloc"' &&
   grep -v '^#' "$rule" | grep -q 'GROUP="edualloc"' &&
   grep -v '^#' "$rule" | grep -q 'MODE="0660"'; then
	ok "60-edualloc.rules: /dev/edualloc to group edualloc, mode 0660"
else
	ko "60-edualloc.rules: want KERNEL==\"edualloc\", GROUP=\"edualloc\", MODE=\"0660\"" "$(cat "$rule")"
fi
if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
	# The group is made at install: do not look its name up here.
	check "60-edualloc.rules: udevadm verify" udevadm verify --no-style --resolve-names=never "$rule"
fi

# --- dkms ----------------------------------------------------------------------------

echo "== dkms"
pv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
if [ "$pv" = "$VERSION" ]; then ok "dkms.conf: PACKAGE_VERSION $pv is the library's version"
else ko "dkms.conf: PACKAGE_VERSION '$pv', the library says $VERSION"; fi
if ! command -v dkms >/dev/null; then
	ko "dkms: not installed (scripts/deps.sh installs it)"
elif [ ! -f "$tmp/dkms-dest/usr/src/edualloc-$VERSION/dkms.conf" ]; then
	ko "dkms: no sources (install-dkms failed)"
else
	# dkms reads only these from the environment: a private tree, and a
	# signing key of its own (it would make one in /var/lib/dkms).
	D=(--dkmstree "$tmp/dkms-tree" --sourcetree "$tmp/dkms-dest/usr/src")
	export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub
	mkdir -p "$tmp/dkms-tree"
	before=$(ls -A /var/lib/dkms /usr/src 2>/dev/null)
	check "dkms add edualloc/$VERSION (private tree)" dkms add "edualloc/$VERSION" "${D[@]}"
	[ -n "$KDIRS" ] || ko "dkms build: no Debian kernel's headers could be fetched"
	for kd in $KDIRS; do
		kv=${kd##*/linux-headers-}
		if out=$(dkms build "edualloc/$VERSION" -k "$kv" --kernelsourcedir "$kd" \
				"${D[@]}" 2>&1); then
			kofile=$(find "$tmp/dkms-tree/edualloc/$VERSION/$kv" -name 'edualloc.ko*' | head -n 1)
			if [ -n "$kofile" ] && dkms status "edualloc/$VERSION" -k "$kv" "${D[@]}" 2>/dev/null | grep -q built; then
				ok "dkms build for $kv: edualloc.ko, status built"
			else
				ko "dkms build for $kv: no module or not 'built'" "$out"
			fi
		else
			ko "dkms build for $kv" "$(printf '%s\n' "$out" | tail -n 15)
$(cat "$tmp/dkms-tree/edualloc/$VERSION/build/make.log" 2>/dev/null | grep -E 'error|warning' | head)"
		fi
	done
	check "dkms remove edualloc/$VERSION --all" dkms remove "edualloc/$VERSION" --all "${D[@]}"
	unset mok_signing_key mok_certificate
	after=$(ls -A /var/lib/dkms /usr/src 2>/dev/null)
	[ "$before" = "$after" ] && ok "dkms: nothing written under /var/lib/dkms or /usr/src" ||
		ko "dkms: the system's trees changed" "$(diff <(echo "$before") <(echo "$after"))"
fi

# --- the skeleton generator -------------------------------------------------------------

echo "== skeleton"
sk=scripts/mkskeleton.sh
cat >"$tmp/s.c" <<'EOF'
int f(int x)
{
	/* TODO 1: double x */
	x *= 2;
	/* SKEL: x = 0; */
	/* END TODO */
	// TODO 2/2: add one
	x += 1;
	x += 0;
	return x;
}
EOF
cat >"$tmp/s.want" <<'EOF'
int f(int x)
{
	/* TODO 1: double x */
	x = 0;
	// TODO 2/2: add one
	return x;
}
EOF
cat >"$tmp/s.want2" <<'EOF'
int f(int x)
{
	/* TODO 1: double x */
	x *= 2;
	// TODO 2/2: add one
	return x;
}
EOF
check "mkskeleton: C blocks, TODO n/m, SKEL lines" sh -c "$sk '$tmp/s.c' | diff '$tmp/s.want' -"
check "mkskeleton -t 2: exercise 1 stays solved" sh -c "$sk -t 2 '$tmp/s.c' | diff '$tmp/s.want2' -"
printf 'a=1\n# TODO 3: answer\nb=2\n# SKEL: b=\n# END TODO\nc=3\n' >"$tmp/s.sh"
printf 'a=1\n# TODO 3: answer\nb=\nc=3\n' >"$tmp/s.sh.want"
check "mkskeleton: # comments" sh -c "$sk '$tmp/s.sh' | diff '$tmp/s.sh.want' -"
printf 'x\n/* TODO 1: a */\ny\n' >"$tmp/bad1.c"
printf 'x\n/* END TODO */\n' >"$tmp/bad2.c"
printf '/* TODO 1: a */\n/* TODO 2: b */\n/* END TODO */\n' >"$tmp/bad3.c"
for b in bad1 bad2 bad3; do
	check "mkskeleton: refuses a malformed block ($b)" sh -c "! $sk '$tmp/$b.c' >/dev/null 2>'$tmp/err' && grep -q '$b.c:[0-9]' '$tmp/err'"
done
mkdir -p "$tmp/lab/solution/sub" "$tmp/lab/skeleton"
printf '#!/bin/sh\necho check\n' >"$tmp/lab/check"; chmod 755 "$tmp/lab/check"
printf 'q=1\n# TODO 1: q\nq=2\n# END TODO\n' >"$tmp/lab/solution/answers"
printf 'x\n' >"$tmp/lab/solution/sub/f"
printf 'old\n' >"$tmp/lab/skeleton/answers"
if $sk "$tmp/lab" "$tmp/out" >/dev/null 2>&1 && [ -x "$tmp/out/check" ] && [ ! -e "$tmp/out/solution" ] &&
   [ ! -e "$tmp/out/skeleton" ] && [ "$(cat "$tmp/out/answers")" = "$(printf 'q=1\n# TODO 1: q')" ] &&
   [ -f "$tmp/out/sub/f" ]; then
	ok "mkskeleton LABDIR OUT: the handout (solution/ stripped to the top, modes kept)"
else
	ko "mkskeleton LABDIR OUT: wrong handout" "$(cd "$tmp/out" 2>/dev/null && find . -type f)"
fi

# --- the labs ---------------------------------------------------------------------------

echo "== labs"
labs=$(ls -d docs/labs/lab*/ | sed 's|/$||')
[ "$(echo "$labs" | wc -l)" -ge 4 ] && ok "at least four labs" || ko "fewer than four labs"
for f in docs/architecture.md docs/student-guide.md docs/labs/README.md; do
	[ -s "$f" ] && ok "$f" || ko "$f: missing"
done
for l in $labs; do
	n=$(basename "$l")
	bad=""
	for f in README.md run check; do [ -s "$l/$f" ] || bad="$bad $f"; done
	for f in run check; do [ -x "$l/$f" ] || bad="$bad $f(not executable)"; done
	[ -s "$l/solution/answers" ] || bad="$bad solution/answers"
	head -n 1 "$l/check" | grep -qx '#!/bin/sh' || bad="$bad check(not #!/bin/sh)"
	if [ -n "$bad" ]; then ko "$n: missing or wrong:$bad"; continue; fi
	check "$n: run and check parse with busybox sh and dash" \
		sh -c "busybox sh -n '$l/check' && busybox sh -n '$l/run' && dash -n '$l/check' && dash -n '$l/run'"
	# The solution answers every key the checker grades by name, and
	# README.md asks every key of the solution.
	akeys=$(sed -n 's/^\([a-z_0-9]*\)=.*/\1/p' "$l/solution/answers")
	missing="" unasked=""
	for k in $(sed -n 's/^[[:space:]]*q [0-9]* "[^"]*" \([a-z_0-9]*\) .*/\1/p' "$l/check"); do
		echo "$akeys" | grep -qx "$k" || missing="$missing $k"
	done
	for k in $akeys; do grep -q "\b$k\b" "$l/README.md" || unasked="$unasked $k"; done
	[ -z "$missing" ] && ok "$n: the solution answers every key the checker names" ||
		ko "$n: solution/answers lacks:$missing"
	[ -z "$unasked" ] && ok "$n: README.md asks every question of the answers file" ||
		ko "$n: README.md never names:$unasked"
	check "$n: mkskeleton makes its handout" sh -c "$sk '$l' '$tmp/handout-$n' >/dev/null &&
		test -f '$tmp/handout-$n/answers' && ! grep -q '^[a-z_0-9]*=[^ ]' '$tmp/handout-$n/answers'"
done
L=docs/labs/lab4-policy
check "lab4: skeleton/ea_policy.c is mkskeleton's output" sh -c "$sk $L/solution/ea_policy.c | diff $L/skeleton/ea_policy.c -"
mkdir -p "$tmp/traces"
check "lab4: the traces are mktraces.py's" sh -c "python3 $L/traces/mktraces.py '$tmp/traces' >/dev/null &&
	for t in interleave tail churn; do cmp '$tmp/traces/'\$t.rep $L/traces/\$t.rep || exit 1; done"
E=tests/engine
pt() {	# solution|skeleton
	cc -std=gnu11 -O1 -g -Wall -Werror -Wno-unused-parameter -Wno-sign-compare \
		-Wno-missing-field-initializers -Wno-type-limits -DKBUILD_MODNAME='"edualloc"' \
		-DEA_LAB_POLICY -I$E/shim -I$E -Imodule -o "$tmp/pt-$1" module/ea_engine.c \
		"$L/$1/ea_policy.c" "$here/policy_test.c" $E/shim/shim.c -lpthread &&
	"$tmp/pt-$1" $L/traces "$1"
}
check "lab4: the solution's policies in the userspace engine (scenarios, traces)" pt solution
check "lab4: the skeleton compiles and does not solve the lab" pt skeleton
for kd in $KDIRS; do
	kv=${kd##*/linux-headers-}
	for w in solution skeleton; do
		check "lab4: the module with the $w's policy builds for $kv (W=1, no warning)" \
			env LAB_WERROR=1 $L/mkmodule.sh "$L/$w/ea_policy.c" "$kd" \
			"$tmp/ko-$w-$kv" W=1
	done
done
check "checklib: norm reads numbers and words alike" busybox sh -c '
	. docs/labs/lib/checklib.sh
	[ "$(norm 0x1000)" = 4096 ] && [ "$(norm 4K)" = 4096 ] && [ "$(norm " 34% ")" = 34 ] &&
	[ "$(norm EALREADY)" = ealready ] && [ "$(norm ok)" = ok ] && [ "$(norm 0x00)" = 0 ] &&
	[ "$(norm 98.8%)" = 98.8 ] && [ "$(norm 1M)" = 1048576 ]'

echo "packaging: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
