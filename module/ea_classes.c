// SPDX-License-Identifier: GPL-2.0
/*
 * Size classes: which slot a request gets.
 *
 * A request of n bytes (1 <= n <= 256 KiB) is rounded up to the next power
 * of two, from 8 B to 256 KiB: sixteen classes, as kmalloc's kmalloc-8 ...
 * caches. Rounding makes all the objects of a class interchangeable, so a
 * freed slot can serve the next request of its class at once, with no
 * search and no splitting: allocation and free are O(1). The price is
 * internal fragmentation: a request of 2^k + 1 bytes takes a 2^(k+1) slot
 * and wastes almost half of it (struct ea_class_stats.waste shows it).
 *
 * Classes below a page live in slabs (ea_slab.c); a class of a page or more
 * takes one buddy block per object (ea_buddy.c); above 256 KiB a request
 * takes the large path (ea_large.c).
 *
 * Invariants: class c holds objects of (2^(c+2), 2^(c+3)] bytes (class 0:
 * 1..8); a class's slots are aligned to its size (up to a page).
 * Locking: none; pure functions.
 */

/**
 * ea_class_of() - the size class of a request
 * @size: requested bytes
 *
 * Return: the index of the smallest class of at least @size bytes (0 for 8 B
 * up to 15 for 256 KiB; 0 also for @size 0), or EA_CLASS_LARGE above
 * EA_SMALL_MAX.
 */
unsigned int ea_class_of(u64 size)
{
	if (size > EA_SMALL_MAX)
		return EA_CLASS_LARGE;
	if (size <= BIT(EA_MIN_SHIFT))
		return 0;
	return fls64(size - 1) - EA_MIN_SHIFT;
}

/**
 * ea_class_size() - the size of a class
 * @cls: class index
 *
 * Return: the class's slot size in bytes, or 0 for EA_CLASS_LARGE (whose
 * allocations are page-rounded one by one) and invalid indexes.
 */
u64 ea_class_size(unsigned int cls)
{
	if (cls >= EA_NR_CLASSES)
		return 0;
	return BIT_ULL(cls + EA_MIN_SHIFT);
}

/* Classes below a page live in slabs; the others take a buddy block each. */
static bool ea_is_slab_class(unsigned int cls)
{
	return ea_class_size(cls) < PAGE_SIZE;
}

static unsigned int ea_slots_per_slab(unsigned int cls)
{
	return PAGE_SIZE >> (cls + EA_MIN_SHIFT);
}

static unsigned int ea_block_order(unsigned int cls)
{
	return cls + EA_MIN_SHIFT - PAGE_SHIFT;
}
