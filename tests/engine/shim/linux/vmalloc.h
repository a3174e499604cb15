/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <stdlib.h>
#include <string.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "../shim.h"

#if defined(__SANITIZE_ADDRESS__)
/*
 * Under ASan (the engine tests): from the C library, so that ASan sees
 * every access to an area. Page-aligned, and zeroed when asked.
 */
static inline void *__vmalloc(unsigned long size, gfp_t gfp)
{
	void *p;

	shim_might_sleep();
	if (shim_should_fail() || !size)
		return NULL;
	p = aligned_alloc(PAGE_SIZE, PAGE_ALIGN(size));
	if (p) {
		if (gfp & __GFP_ZERO)
			memset(p, 0, PAGE_ALIGN(size));
		shim_live_inc();
	}
	return p;
}

static inline void vfree(const void *p)
{
	shim_might_sleep();
	if (p)
		shim_live_dec();
	free((void *)p);
}
#else
#include <sys/mman.h>
/*
 * Elsewhere (the bench's build): fresh pages from mmap, as the kernel's
 * vmalloc takes fresh pages from the page allocator, zeroed by whoever
 * gives them (here the kernel, on the first touch; there __GFP_ZERO), and
 * as the C library's malloc serves its large requests. A page before the
 * area holds the mapping's length for vfree().
 */
static inline void *__vmalloc(unsigned long size, gfp_t gfp)
{
	size_t len = PAGE_ALIGN(size) + PAGE_SIZE;
	char *p;

	shim_might_sleep();
	if (shim_should_fail() || !size)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*(size_t *)p = len;
	shim_live_inc();
	return p + PAGE_SIZE;
}

static inline void vfree(const void *p)
{
	char *base = (char *)p - PAGE_SIZE;

	shim_might_sleep();
	if (!p)
		return;
	shim_live_dec();
	munmap(base, *(size_t *)base);
}
#endif

#endif
