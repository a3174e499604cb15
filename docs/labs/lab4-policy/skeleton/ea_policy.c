// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 4: the order of the buddy allocator's free lists.
 *
 * The engine's buddy allocator (module/ea_buddy.c) always takes the
 * *first* block of a free list, so the place where a freed block is put
 * decides when it is used again: that is the whole policy. A policy is a
 * table of operations (struct ea_policy_ops, module/ea_policy.h); this file
 * defines three and lists them in ea_lab_policies[], where the engine finds
 * them. mkmodule.sh builds it into the module beside the engine, unchanged.
 *
 * Each buddy_add() operation gets the free list of the block's order
 * (@list), the block's link (@node), its first page (@page) and its order,
 * and must put @node on @list. Every free block goes through it: the upper
 * halves of a split, and the blocks that frees give back, after they have
 * merged as far as they can. What you may use besides <linux/list.h>
 * (list_add(), list_add_tail(), list_for_each()):
 *
 *	ea_policy_page(inst, pos)	  the first page of the block linked by pos
 *	ea_policy_is_free(inst, p, o)	  is there a whole free block of order o
 *					  at page p?
 *	ea_policy_nr_pages(inst)	  pages in the arena
 *
 * The policies are numbered after the engine's own LIFO (0): fifo is 1,
 * address 2, merge 3. Choose one for the instances created from then on:
 *	echo 2 > /sys/module/edualloc/parameters/buddy_policy
 */
#include <linux/bits.h>
#include <linux/list.h>

#include "ea_policy.h"

/* FIFO: the block freed first is used first. */
static void fifo_add(const struct ea_instance *inst, struct list_head *list,
		     struct list_head *node, unsigned int page,
		     unsigned int order)
{
	/* TODO 1: the block waits behind every block already on the list */
	list_add(node, list);
}

/*
 * Address-ordered: the list is kept sorted by page, so the block at the
 * lowest address is used first. (list_for_each() leaves its cursor on the
 * list head when it runs off the end, so list_add_tail(node, pos) is right
 * in both cases.)
 */
static void address_add(const struct ea_instance *inst, struct list_head *list,
			struct list_head *node, unsigned int page,
			unsigned int order)
{
	/* TODO 2: keep the list sorted: the block goes before the first block above it */
	list_add(node, list);
}

/*
 * Is the block of 2^order pages at @page likely to merge soon? Linux asks
 * this in __free_one_page() (mm/page_alloc.c, buddy_merge_likely()): if the
 * buddy of the block one order up (the block that @page and its own buddy
 * would form) is free, then the moment @page's buddy is freed, two merges
 * follow, so @page had better not be handed out in the meantime.
 */
static bool merge_likely(const struct ea_instance *inst, unsigned int page,
			 unsigned int order)
{
	/* TODO 3: the parent block and its buddy; is that buddy a free block of order + 1? */
	return false;
}

/* As LIFO, but a block that may soon merge waits at the tail. */
static void merge_add(const struct ea_instance *inst, struct list_head *list,
		      struct list_head *node, unsigned int page,
		      unsigned int order)
{
	if (merge_likely(inst, page, order))
		list_add_tail(node, list);
	else
		list_add(node, list);
}

static const struct ea_policy_ops fifo = {
	.name = "fifo",
	.buddy_add = fifo_add,
};

static const struct ea_policy_ops address = {
	.name = "address",
	.buddy_add = address_add,
};

static const struct ea_policy_ops merge = {
	.name = "merge",
	.buddy_add = merge_add,
};

/* Numbers 1, 2 and 3, after the engine's LIFO (0). */
const struct ea_policy_ops *const ea_lab_policies[] = {
	&fifo, &address, &merge, NULL
};
