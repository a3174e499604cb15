// SPDX-License-Identifier: GPL-2.0
/*
 * The KUnit module's own copy of the engine: an object file may belong to
 * one module only, so the test module compiles the engine source again.
 */
#include "ea_engine.c"
