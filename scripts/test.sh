#!/bin/bash
# The test driver behind `make test` (LANES=all) and `make debug` (LANES=debug).
# Every check records one line in build/results.txt; the run ends with
# "N passed, N failed" and exits non-zero if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
LANES=${1:-all}
mkdir -p build
results=build/results.txt
: >"$results"
t0=$(date +%s)
phases=""

record() {	# STATUS NAME [DETAIL]
	printf '%s %s%s\n' "$1" "$2" "${3:+  ($3)}" >>"$results"
	printf '  %-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
}
check() {	# NAME CMD...: one result from a command's exit status
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then
		record PASS "$name"
	else
		printf '%s\n' "$out" | tail -n 25 | sed 's/^/    | /'
		record FAIL "$name" "$(printf '%s\n' "$out" | grep -m1 -E 'error|warning|ERROR|WARNING|FAIL' | cut -c1-150)"
	fi
}
phase() {	# TITLE FUNC
	local s; s=$(date +%s)
	echo "== $1"
	"$2"
	local d=$(( $(date +%s) - s ))
	phases="$phases$(printf '  %-40s %4dm%02ds' "$1" $((d / 60)) $((d % 60)))\n"
}

p_deps() {
	check "deps: apt packages" scripts/deps.sh
}

p_build() {
	check "build: userspace (host)" make -s userspace
	check "build: guest programs (static)" scripts/guest.sh
}

p_static() {
	for k in debian-6.1 debian-6.12 debian13-6.12; do
		check "build: module on $k (W=1, -Werror)" scripts/build-module.sh $k W=1
	done
	check "sparse (C=2) on debian-6.12" scripts/build-module.sh debian-6.12 C=2
	check "checkpatch --strict" make -s checkpatch
}

p_host() {
	local d
	for d in tests/*/; do
		[ -f "$d/Makefile" ] && grep -q '^host:' "$d/Makefile" || continue
		# FUZZ_TIME: the engine's libFuzzer run in make test (make -C
		# tests/engine fuzz runs longer by default).
		check "host: $(basename "$d")" make -s -C "$d" host FUZZ_TIME=20
	done
}

kready() {	# KERNEL: fetch or build it; true when its image and tree are there
	env KERNEL="$1" top="$top" \
		sh -c '. "$top/scripts/kenv.sh" && test -f "$KIMAGE" && test -d "$KDIR"'
}

p_kernels() {
	local k bg="" st pid=""
	# Debian's kernels are downloads, the debug kernel a build: the first
	# come while the second compiles. The package lists are refreshed
	# first, once, so that the two never refresh them at the same time.
	scripts/kapt.sh resolve >/dev/null || true
	for k in $kernels; do
		[ "$k" = debug ] && continue
		bg="$bg $k"
	done
	if [ -n "$bg" ]; then
		( for k in $bg; do
			if kready "$k" >"build/kernel-$k.log" 2>&1; then st=PASS; else st=FAIL; fi
			echo "$st" >"build/kernel-$k.status"
		  done ) &
		pid=$!
	fi
	case " $kernels " in *" debug "*)
		# Not through check: a kernel build's progress shows as it goes.
		if kready debug >/dev/null; then record PASS "kernel: debug ready"
		else record FAIL "kernel: debug ready"; fi ;;
	esac
	[ -z "$pid" ] || wait "$pid"
	for k in $bg; do
		st=$(cat "build/kernel-$k.status" 2>/dev/null)
		sed 's/^/  /' "build/kernel-$k.log"
		record "${st:-FAIL}" "kernel: $k ready"
		rm -f "build/kernel-$k.status" "build/kernel-$k.log"
	done
}

vm_suite() {	# KERNEL TIMEOUT
	local k=$1 log=build/vm-$1.log
	rm -f "$log"
	VM_TIMEOUT=$2 VM_LOG=$log VM_QUIET=1 scripts/vm.sh "$k" suite
	echo "   guest exit status $? (console: $log)"
	if [ ! -f "$log" ]; then
		record FAIL "$k: module build or guest start" "see build/kmod-$k/build.log"
		return
	fi
	python3 scripts/analyze.py "$k" "$log" | while read -r st name rest; do
		record "$st" "$name" "$(echo "$rest" | sed 's/^(\(.*\))$/\1/')"
	done
}
p_vm_debug() { vm_suite debug 1500; }
p_vm_612() { vm_suite debian-6.12 900; }
p_vm_61() { vm_suite debian-6.1 900; }
p_vm_13() { vm_suite debian13-6.12 900; }

p_docs() {
	# Every console example of the README, the guide and the labs' READMEs,
	# run in a guest and compared with what it prints (tests/docs).
	local out
	out=$(tests/docs/run.sh 2>&1)
	printf '%s\n' "$out" | grep -E '^  (PASS|FAIL|SKIP) ' | while read -r st name; do
		record "$st" "docs: $name"
	done
	printf '%s\n' "$out" | grep -E '^    [|]' | head -n 60
	printf '%s\n' "$out" | grep -qE '^  (PASS|FAIL) ' || record FAIL "docs: examples" "$(printf '%s\n' "$out" | tail -n 1)"
}

p_selftest() {
	check "harness self-test: planted bugs turn the run red" scripts/selftest.sh
}

case "$LANES" in
all)	kernels="debug debian-6.12 debian-6.1 debian13-6.12"
	phase "dependencies" p_deps
	phase "kernels" p_kernels	# first: the guest build (lab 4) uses their trees
	phase "build" p_build
	phase "static checks" p_static
	phase "host tests (engine, ASan/UBSan, fuzz)" p_host
	phase "VM: debug kernel (KUnit, KASAN...)" p_vm_debug
	phase "VM: Debian 6.12" p_vm_612
	phase "VM: Debian 6.1" p_vm_61
	phase "VM: Debian 13 6.12" p_vm_13
	phase "docs: examples checked in a VM" p_docs
	phase "harness self-test" p_selftest ;;
debug)	kernels="debug"
	phase "dependencies" p_deps
	phase "kernels" p_kernels
	phase "build" p_build
	phase "VM: debug kernel (KUnit, KASAN...)" p_vm_debug ;;
*)	echo "usage: $0 all|debug" >&2; exit 2 ;;
esac

echo "== time per phase"
printf '%b' "$phases"
d=$(( $(date +%s) - t0 ))
printf '  %-40s %4dm%02ds\n' "total" $((d / 60)) $((d % 60))
pass=$(grep -c '^PASS' "$results")
fail=$(grep -c '^FAIL' "$results")
skip=$(grep -c '^SKIP' "$results")
if [ "$fail" -gt 0 ]; then
	echo "== failures"
	grep '^FAIL' "$results" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed${skip:+, $skip skipped}" | sed 's/, 0 skipped//'
[ "$fail" -eq 0 ]
