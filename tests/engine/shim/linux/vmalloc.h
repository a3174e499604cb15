/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <stdlib.h>
#include <string.h>
#include <linux/mm.h>
#include "../shim.h"

/* Page-aligned and zeroed, as the kernel's. */
static inline void *vmalloc_user(unsigned long size)
{
	void *p;

	if (shim_should_fail() || !size)
		return NULL;
	p = aligned_alloc(PAGE_SIZE, PAGE_ALIGN(size));
	if (p) {
		memset(p, 0, PAGE_ALIGN(size));
		shim_live_objects++;
	}
	return p;
}

static inline void vfree(const void *p)
{
	if (p)
		shim_live_objects--;
	free((void *)p);
}

#endif
