/* SPDX-License-Identifier: GPL-2.0 */
/* kmalloc and friends, over malloc, with fault injection and accounting. */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <stdlib.h>
#include <linux/types.h>
#include "../shim.h"

#define GFP_KERNEL		0x1u	/* may sleep */
#define __GFP_ACCOUNT		0x2u
#define GFP_KERNEL_ACCOUNT	0x3u
#define GFP_NOWAIT		0x4u	/* never sleeps: allowed under a spinlock */
#define __GFP_ZERO		0x100u
#define __GFP_NOWARN		0x200u

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	void *p;

	if (gfp & GFP_KERNEL)
		shim_might_sleep();
	if (shim_should_fail() || size == SIZE_MAX)
		return NULL;
	p = (gfp & __GFP_ZERO) ? calloc(1, size) : malloc(size);
	if (p)
		shim_live_inc();
	return p;
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kzalloc(bytes, gfp);
}

static inline void kfree(const void *p)
{
	if (p)
		shim_live_dec();
	free((void *)p);
}

#define kvfree(p)	kfree(p)

#endif
