/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace stand-in for the few kernel services the engine uses
 * (after tools/testing/memblock): what the tests can steer.
 */
#ifndef _EA_SHIM_H
#define _EA_SHIM_H

#include <stdbool.h>
#include <stddef.h>

/* Fail the nth fallible allocation from now on (1: the next); 0: off. */
extern unsigned long shim_fail_nth;
/* Fallible allocations attempted, and kernel objects still allocated. */
extern unsigned long shim_alloc_calls;
extern long shim_live_objects;
/* WARN_ON() aborts unless this is set. */
extern bool shim_warn_soft;
extern unsigned long shim_warnings;

bool shim_should_fail(void);
void shim_warn(const char *file, int line, const char *cond);

#endif
