// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 5: a placement policy for the buddy allocator, scored like the
 * CS:APP malloc lab.
 *
 * The buddy allocator (module/ea_buddy.c) always takes the *first* block
 * of the free list of an order, and splits a bigger one only when that
 * list is empty. So where a freed block is put on its list decides where
 * the next allocations of that order go, and with them how long the big
 * blocks stay whole: that is placement. Your policy is scored over
 * traces on:
 *
 *   correctness   every trace replays to the end with its payloads intact
 *                 and the engine consistent (`edualloc check`);
 *   utilization   the trace's peak payload over the smallest heap it
 *                 replays in (the fewer holes the policy leaves, the
 *                 smaller the heap);
 *   throughput    operations per second, against the reference policy.
 *
 * This file defines one policy, "place", and lists it in ea_lab_policies[]
 * (number 1: the engine's LIFO is 0). Its buddy_add() gets the free list
 * of the block's order (@list), the block's link (@node), its first page
 * (@page) and its order, and must put @node on @list, exactly once, under
 * the instance lock (no sleeping, no allocation, no failure). Besides
 * <linux/list.h> (list_add(), list_add_tail(), list_for_each(),
 * list_empty(), list->next, list->prev), you may ask the engine:
 *
 *	ea_policy_page(inst, pos)	  the first page of the block linked by pos
 *	ea_policy_is_free(inst, p, o)	  is there a whole free block of order o
 *					  at page p?
 *	ea_policy_nr_pages(inst)	  pages in the arena
 */
#include <linux/bits.h>
#include <linux/list.h>

#include "ea_policy.h"

/*
 * The reference placement: every list sorted by address, so allocations
 * pack at the bottom of the arena and the blocks above stay whole; a block
 * that belongs at either end of its list goes there in O(1), the others
 * cost a walk.
 */
static void place_add(const struct ea_instance *inst, struct list_head *list,
		      struct list_head *node, unsigned int page,
		      unsigned int order)
{
	/* TODO 1: place the block on its list (the skeleton: LIFO, at the head) */
	struct list_head *pos;

	if (list_empty(list) || ea_policy_page(inst, list->next) > page) {
		list_add(node, list);
		return;
	}
	if (ea_policy_page(inst, list->prev) < page) {
		list_add_tail(node, list);
		return;
	}
	list_for_each(pos, list)
		if (ea_policy_page(inst, pos) > page)
			break;
	list_add_tail(node, pos);
	/* SKEL: list_add(node, list); */
	/* END TODO */
}

static const struct ea_policy_ops place = {
	.name = "place",
	.buddy_add = place_add,
};

/* Number 1, after the engine's LIFO (0). */
const struct ea_policy_ops *const ea_lab_policies[] = {
	&place, NULL
};
