#!/bin/sh
# Build edualloc.ko with this lab's policy file: see ../lib/mkmodule.sh.
#   mkmodule.sh POLICY.c KDIR OUTDIR [kbuild args...]
exec "$(dirname "$0")/../lib/mkmodule.sh" "$@"
