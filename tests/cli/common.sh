# Shared by the CLI's guest test scripts (sourced; busybox sh).
#
#   expect NAME STATUS CMD...   runs CMD, compares its output (stdout and
#                               stderr, normalized) with stdin, and its exit
#                               status with STATUS: one line, ok or FAIL
#   check NAME CMD...           ok if CMD succeeds
#   summary                     "N passed, N failed" and the exit status
#
# RECORD=1 prints each command's actual output as a ready-to-paste
# expectation instead, for making or updating golden output by hand review.

PASS=0
FAIL=0
T=$(mktemp -d /tmp/cli-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT

pass() { PASS=$((PASS + 1)); echo "ok   $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1${2:+: $2}"; }

# What varies from run to run: process IDs in private instance names (and
# so the length of the line of '=' under a title naming one) and owners;
# and from kernel to kernel: the bookkeeping's bytes (struct sizes).
normalize() {
	sed -e 's/pid[0-9][0-9]*\.[0-9][0-9]*/pidP.N/g' \
	    -e 's/^\(Bookkeeping: *\)[0-9][0-9]* bytes/\1M bytes/' \
	    -e 's/^===*$/====/' \
	    -e 's/owner pid [0-9][0-9]*/owner pid P/g' \
	    -e 's/owner=[0-9][0-9]*/owner=P/g'
}

expect() {
	name=$1 want=$2
	shift 2
	cat >"$T/want"
	"$@" >"$T/got" 2>&1
	rc=$?
	normalize <"$T/got" >"$T/got.n"
	if [ "${RECORD:-0}" = 1 ]; then
		echo "expect \"$name\" $rc $* <<'EOF'"
		cat "$T/got.n"
		echo "EOF"
		return
	fi
	if [ "$rc" = "$want" ] && cmp -s "$T/want" "$T/got.n"; then
		pass "$name"
	else
		fail "$name" "exit status $rc (want $want)"
		diff -u "$T/want" "$T/got.n" | sed 's/^/    /'
	fi
}

check() {
	name=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/    /' "$T/out"
	fi
}

summary() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

# Skip (77) unless the device and the CLI are there.
need_device() {
	if [ ! -c /dev/edualloc ] || ! command -v edualloc >/dev/null; then
		echo "skip: no /dev/edualloc or no edualloc CLI"
		exit 77
	fi
}
