/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <stdlib.h>
#include <string.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "../shim.h"

/* Page-aligned, and zeroed when asked (as the kernel's). */
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
		shim_live_objects++;
	}
	return p;
}

static inline void vfree(const void *p)
{
	shim_might_sleep();
	if (p)
		shim_live_objects--;
	free((void *)p);
}

#endif
