/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subset of the XArray API the engine uses, over a growable array
 * that covers the window of indexes in use (IDs only grow, so the window
 * slides). Same semantics for what is used: value entries, reserved
 * entries (xa_load() sees NULL, xa_store() needs no memory), index order.
 */
#ifndef _SHIM_LINUX_XARRAY_H
#define _SHIM_LINUX_XARRAY_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#define XA_FLAGS_ACCOUNT	1u
#define XA_ZERO_ENTRY		((void *)0x406UL)	/* reserved */
#define XA_ERROR_ENTRY		((void *)0x40aUL)	/* -ENOMEM */

struct xarray {
	void **slots;		/* slots[i] is index base + i */
	unsigned long base;
	unsigned long size;	/* slots allocated */
	unsigned long lo;	/* slots[0..lo) are all NULL */
	unsigned long count;	/* non-NULL slots, reserved included */
};

static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

static inline bool xa_is_err(const void *entry)
{
	return entry == XA_ERROR_ENTRY;
}

static inline int xa_err(const void *entry)
{
	return xa_is_err(entry) ? -ENOMEM : 0;
}

static inline void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	(void)flags;
	memset(xa, 0, sizeof(*xa));
}

#define xa_init(xa)	xa_init_flags(xa, 0)

static inline bool xa_empty(const struct xarray *xa)
{
	return !xa->count;
}

static inline void xa_destroy(struct xarray *xa)
{
	kfree(xa->slots);
	memset(xa, 0, sizeof(*xa));
}

static inline void **shim_xa_slot(const struct xarray *xa, unsigned long index)
{
	if (!xa->slots || index < xa->base || index - xa->base >= xa->size)
		return NULL;
	return &xa->slots[index - xa->base];
}

/* Make room for @index: slide the window or grow it. May fail. */
static inline int shim_xa_make_room(struct xarray *xa, unsigned long index)
{
	unsigned long base, size, keep, first;
	void **slots;

	if (shim_xa_slot(xa, index))
		return 0;
	if (!xa->count) {
		base = index;
		first = index;
		keep = 0;
	} else {
		first = xa->base + xa->lo;
		base = index < first ? index : first;
		keep = xa->size - xa->lo;
	}
	size = 16;
	while (index - base >= size || first - base + keep > size)
		size *= 2;
	slots = kzalloc(size * sizeof(void *), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	if (keep)
		memcpy(&slots[first - base], &xa->slots[xa->lo],
		       keep * sizeof(void *));
	kfree(xa->slots);
	xa->slots = slots;
	xa->base = base;
	xa->size = size;
	xa->lo = first - base;	/* shim_xa_set() moves it back for index */
	return 0;
}

static inline void *xa_load(struct xarray *xa, unsigned long index)
{
	void **slot = shim_xa_slot(xa, index);
	void *entry = slot ? *slot : NULL;

	return entry == XA_ZERO_ENTRY ? NULL : entry;
}

static inline void *shim_xa_set(struct xarray *xa, unsigned long index,
				void *entry)
{
	void **slot = shim_xa_slot(xa, index);
	void *old = *slot;

	if (!old && entry)
		xa->count++;
	if (old && !entry)
		xa->count--;
	*slot = entry;
	if (entry && index - xa->base < xa->lo)
		xa->lo = index - xa->base;
	while (xa->lo < xa->size && !xa->slots[xa->lo])
		xa->lo++;
	return old == XA_ZERO_ENTRY ? NULL : old;
}

static inline void *xa_store(struct xarray *xa, unsigned long index,
			     void *entry, gfp_t gfp)
{
	(void)gfp;
	if (!entry && !shim_xa_slot(xa, index))
		return NULL;
	if (shim_xa_make_room(xa, index))
		return XA_ERROR_ENTRY;
	return shim_xa_set(xa, index, entry);
}

static inline int xa_insert(struct xarray *xa, unsigned long index,
			    void *entry, gfp_t gfp)
{
	void **slot = shim_xa_slot(xa, index);

	(void)gfp;
	if (slot && *slot)
		return -EBUSY;
	if (shim_xa_make_room(xa, index))
		return -ENOMEM;
	shim_xa_set(xa, index, entry ? entry : XA_ZERO_ENTRY);
	return 0;
}

static inline int xa_reserve(struct xarray *xa, unsigned long index, gfp_t gfp)
{
	void **slot = shim_xa_slot(xa, index);

	(void)gfp;
	if (slot && *slot)
		return 0;
	if (shim_xa_make_room(xa, index))
		return -ENOMEM;
	shim_xa_set(xa, index, XA_ZERO_ENTRY);
	return 0;
}

static inline void xa_release(struct xarray *xa, unsigned long index)
{
	void **slot = shim_xa_slot(xa, index);

	if (slot && *slot == XA_ZERO_ENTRY)
		shim_xa_set(xa, index, NULL);
}

static inline void *xa_erase(struct xarray *xa, unsigned long index)
{
	if (!shim_xa_slot(xa, index))
		return NULL;
	return shim_xa_set(xa, index, NULL);
}

/* The first present entry at or after *index; reserved ones are skipped. */
static inline void *shim_xa_find(struct xarray *xa, unsigned long *index)
{
	unsigned long i = *index < xa->base ? 0 : *index - xa->base;

	if (i < xa->lo)
		i = xa->lo;
	for (; i < xa->size; i++) {
		void *entry = xa->slots[i];

		if (entry && entry != XA_ZERO_ENTRY) {
			*index = xa->base + i;
			return entry;
		}
	}
	return NULL;
}

#define xa_for_each(xa, index, entry)					\
	for ((index) = 0, (entry) = shim_xa_find(xa, &(index));		\
	     (entry);							\
	     (index)++, (entry) = shim_xa_find(xa, &(index)))

#define xa_for_each_start(xa, index, entry, start)			\
	for ((index) = (start), (entry) = shim_xa_find(xa, &(index));	\
	     (entry);							\
	     (index)++, (entry) = shim_xa_find(xa, &(index)))

#endif
