// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark module's own copy of the engine: an object file may belong
 * to one module only, so edualloc_bench.ko compiles the engine source again
 * (as the KUnit module does), the same code the device runs.
 */
#include "ea_engine.c"
