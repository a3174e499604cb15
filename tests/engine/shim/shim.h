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
/* Atomic: threads allocate both under an instance lock and outside it. */
#define shim_live_inc()	__atomic_add_fetch(&shim_live_objects, 1, __ATOMIC_RELAXED)
#define shim_live_dec()	__atomic_sub_fetch(&shim_live_objects, 1, __ATOMIC_RELAXED)
/* WARN_ON() aborts unless this is set. */
extern bool shim_warn_soft;
extern unsigned long shim_warnings;

/* Spinlocks this thread holds: what may sleep must not run under one. */
extern __thread int shim_atomic_depth;

bool shim_should_fail(void);
/* As the kernel's might_sleep(): a warning (abort) under a spinlock. */
#define shim_might_sleep() \
	do { if (shim_atomic_depth) shim_warn(__FILE__, __LINE__, "sleeping function called under a spinlock"); } while (0)
void shim_warn(const char *file, int line, const char *cond);

#endif
