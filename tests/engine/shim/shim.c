// SPDX-License-Identifier: GPL-2.0
/* The userspace shim's state: fault injection, accounting, warnings. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

unsigned long shim_fail_nth;
unsigned long shim_alloc_calls;
long shim_live_objects;
bool shim_warn_soft;
unsigned long shim_warnings;
__thread int shim_atomic_depth;
/* The one CPU of linux/local_lock.h and linux/rcupdate.h. */
pthread_mutex_t shim_cpu_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* As lib/string.c: out of line, a word at a time. */
void *memchr_inv(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned long long word = 0x0101010101010101ULL * (unsigned char)c, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		if (w != word)
			break;
	}
	for (; n; n--, p++)
		if (*p != (unsigned char)c)
			return (void *)p;
	return NULL;
}
