// SPDX-License-Identifier: GPL-2.0
/* The userspace shim's state: fault injection, accounting, warnings. */
#include <stdio.h>
#include <stdlib.h>

#include "shim.h"

unsigned long shim_fail_nth;
unsigned long shim_alloc_calls;
long shim_live_objects;
bool shim_warn_soft;
unsigned long shim_warnings;

bool shim_should_fail(void)
{
	shim_alloc_calls++;
	if (!shim_fail_nth)
		return false;
	return --shim_fail_nth == 0;
}

void shim_warn(const char *file, int line, const char *cond)
{
	shim_warnings++;
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
	if (!shim_warn_soft)
		abort();
}
