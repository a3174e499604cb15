// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 5: placement in the buddy allocator, scored like the CS:APP malloc
 * lab.
 *
 * The buddy allocator (module/ea_buddy.c) asks this policy two things:
 *
 *   buddy_pick   which free block serves a request for 2^order pages,
 *                and which piece of it: return the first page of a piece
 *                of 2^order pages, aligned to its size, inside a free
 *                block of order `order` or more. The engine splits that
 *                block in halves down to the piece, each half that does
 *                not hold it going back on its list through buddy_add,
 *                and hands the piece out. EA_PICK_DEFAULT, or a page that
 *                is no such piece, leaves the choice to the engine (the
 *                first block of the smallest order that has one).
 *   buddy_add    where a free block goes on the free list of its order:
 *                the upper halves of a split, and what frees give back
 *                once merged as far as they can.
 *
 * Both run under the instance lock: no sleeping, no allocation, no
 * failure; buddy_add puts @node on @list exactly once. Your policy is
 * scored over traces on correctness (every trace replays with its payloads
 * intact and the engine consistent), then utilization (the smallest heap
 * each trace replays in) and throughput (operations per second), against
 * the reference policy. Besides <linux/list.h> (list_add(),
 * list_add_tail(), list_for_each(), list_empty(), list->next, list->prev),
 * you may ask the engine:
 *
 *	ea_policy_free_list(inst, o)	  the free list of order o (read only)
 *	ea_policy_page(inst, pos)	  the first page of the block linked by pos
 *	ea_policy_is_free(inst, p, o)	  is there a whole free block of order o
 *					  at page p?
 *	ea_policy_nr_pages(inst)	  pages in the arena
 *	EA_MAX_ORDER			  the largest order (6: 256 KiB)
 */
#include <linux/bits.h>
#include <linux/list.h>

#include "ea_policy.h"

/* Put the free block of 2^@order pages at @page, linked by @node, on @list. */
static void place_add(const struct ea_instance *inst, struct list_head *list,
		      struct list_head *node, unsigned int page,
		      unsigned int order)
{
	/* TODO 1: put the block on its list (the skeleton: at the head, LIFO) */
	/*
	 * Every list sorted by address, so that the first block of a list is
	 * its lowest: a block that belongs at either end goes there in O(1),
	 * the others cost a walk.
	 */
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

/* The first page of the piece of 2^@order pages that serves a request. */
static unsigned int place_pick(const struct ea_instance *inst,
			       unsigned int order)
{
	/* TODO 2: choose the block, and the piece of it (the skeleton: naive) */
	/*
	 * Best fit in address order: a block of the smallest order that has
	 * one, so that no bigger block is split while a smaller one would do;
	 * of those, the lowest that will not merge soon (its parent's buddy
	 * is not free: its own buddy coming back would not make a bigger
	 * block whole), else the lowest. Allocations pack at the bottom of
	 * the arena, around those already there, and the blocks above stay
	 * whole for the big requests. The lists are sorted: the walk stops
	 * at the first block that will do.
	 */
	const struct list_head *list, *pos;
	unsigned int o, page, parent;

	for (o = order; o <= EA_MAX_ORDER; o++) {
		list = ea_policy_free_list(inst, o);
		if (list_empty(list))
			continue;
		if (o + 1 < EA_MAX_ORDER) {
			list_for_each(pos, list) {
				page = ea_policy_page(inst, pos);
				parent = page & ~(BIT(o + 1) - 1);
				if (!ea_policy_is_free(inst, parent ^ BIT(o + 1),
						       o + 1))
					return page;
			}
		}
		return ea_policy_page(inst, list->next);
	}
	return EA_PICK_DEFAULT;
	/* SKEL: const struct list_head *list; */
	/* SKEL: unsigned int o; */
	/* SKEL: // The naive pick: the largest block there is, split at its */
	/* SKEL: // lower end. Correct and fast, and the heap soon in pieces. */
	/* SKEL: for (o = EA_MAX_ORDER; o > order; o--) { */
	/* SKEL:		list = ea_policy_free_list(inst, o); */
	/* SKEL:		if (!list_empty(list)) */
	/* SKEL:			return ea_policy_page(inst, list->next); */
	/* SKEL: } */
	/* SKEL: return EA_PICK_DEFAULT; */
	/* END TODO */
}

static const struct ea_policy_ops place = {
	.name = "place",
	.buddy_add = place_add,
	.buddy_pick = place_pick,
};

/* Number 1, after the engine's LIFO (0). */
const struct ea_policy_ops *const ea_lab_policies[] = {
	&place, NULL
};
