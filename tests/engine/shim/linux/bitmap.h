/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_BITMAP_H
#define _SHIM_LINUX_BITMAP_H

#include <stdlib.h>
#include <string.h>
#include <linux/bitops.h>
#include "../shim.h"

static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t gfp)
{
	unsigned long *map;

	(void)gfp;
	if (shim_should_fail())
		return NULL;
	map = calloc(BITS_TO_LONGS(nbits), sizeof(long));
	if (map)
		shim_live_inc();
	return map;
}

static inline void bitmap_free(unsigned long *map)
{
	if (map)
		shim_live_dec();
	free(map);
}

static inline void bitmap_zero(unsigned long *map, unsigned int nbits)
{
	memset(map, 0, BITS_TO_LONGS(nbits) * sizeof(long));
}

#endif
