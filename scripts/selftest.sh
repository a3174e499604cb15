#!/bin/sh
# Prove that a green run means something: build two throwaway modules in a
# temporary folder (a planted out-of-bounds write, and a KUnit case that
# fails on purpose), boot them in the debug kernel, and check that the
# harness's analysis goes red for each, for the right reason.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=debug
. "$top/scripts/kenv.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$top"/tests/harness/selftest/*.c "$top"/tests/harness/selftest/Kbuild "$tmp/"
make -C "$KDIR" M="$tmp" modules >"$tmp/build.log" 2>&1 || { tail "$tmp/build.log"; exit 1; }
log="$top/build/vm-selftest.log"
VM_NO_MODULE=1 LOAD=0 VM_QUIET=1 VM_TIMEOUT=300 VM_LOG="$log" \
	VM_EXTRA_KO="$tmp/plant_oob.ko $tmp/plant_kunit.ko" \
	"$top/scripts/vm.sh" debug run "$top/tests/harness/selftest/run" || true
if python3 "$top/scripts/analyze.py" selftest "$log" >"$tmp/analysis"; then
	echo "self-test: the analysis passed a run with planted bugs"; exit 1
fi
ok=0
# KASAN reports it; KFENCE does instead when its sampling picked that object.
if grep -Eq '^FAIL selftest:console-scan .*(KASAN|KFENCE)' "$tmp/analysis"; then
	echo "self-test: planted out-of-bounds write -> $(grep -Eo 'KASAN|KFENCE' "$tmp/analysis" | head -n 1) report -> red"
else
	echo "self-test: the planted out-of-bounds write was NOT caught"; ok=1
fi
if grep -q '^FAIL selftest:kunit:edualloc_harness_selftest.plant_fails_on_purpose' "$tmp/analysis" &&
	grep -q '^PASS selftest:kunit:edualloc_harness_selftest.plant_passes' "$tmp/analysis"; then
	echo "self-test: KUnit case failing on purpose -> red (its passing twin stays green)"
else
	echo "self-test: the failing KUnit case was NOT caught"; ok=1
fi
[ $ok = 0 ] || cat "$tmp/analysis"
exit $ok
