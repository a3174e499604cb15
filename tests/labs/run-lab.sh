#!/bin/sh
# Guest test of one lab (installed as labs-LAB): its checker must give the
# lab's solution full marks, and the skeleton made from it less.
# Exit: 0 pass, 1 fail, 77 skip (lab 4 without a module for this kernel).
L=/usr/libexec/edualloc/tests/.labs
lab=${0##*/}; lab=${lab#labs-}
[ -d "$L/$lab" ] || { echo "no lab $lab in $L"; exit 1; }
rel=$(uname -r)
case $lab in
lab4*)
	ko=$L/lab4-ko/$rel
	if [ -f "$ko/FAILED" ]; then
		echo "lab 4's module did not build for $rel:"; cat "$ko/FAILED"; exit 1
	fi
	[ -f "$ko/edualloc.ko" ] || { echo "SKIP: no lab-4 module for $rel (no build tree at make guest)"; exit 77; }
	export POLICY_KO=$ko/edualloc.ko ;;
esac

echo "== $lab: the solution must score full marks"
sh "$L/$lab/check" "$L/$lab/solution"
rc=$?
echo "== $lab: the skeleton must not"
POLICY_KO= sh "$L/$lab/check" -q "$L/skeletons/$lab" >/tmp/skel.out 2>&1
src=$?
tail -n 2 /tmp/skel.out
if [ $rc -ne 0 ]; then echo "FAIL: the solution of $lab is not complete"; exit 1; fi
if [ $src -eq 0 ]; then echo "FAIL: the skeleton of $lab scores full marks"; exit 1; fi
echo "PASS: $lab"
