// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 4: the order of the buddy allocator's free lists.
 *
 * mkmodule.sh includes this file into a copy of module/ea_engine.c, just
 * before ea_buddy_add(), and makes ea_buddy_add() end with
 *
 *	ea_policy_buddy_add(inst, page, order);
 *
 * instead of the engine's own `list_add(&pg->buddy, &inst->free_area[order])`.
 * Every free block goes through here: the upper halves of a split, and
 * the blocks that frees give back, after they have merged as far as they
 * can. ea_buddy_alloc() always takes the *first* block of a list, so the
 * place where a block is put decides when it is used again: that is the
 * whole policy.
 *
 * What you may use (all in ea_engine.c, above this point):
 *	inst->pages[i]		the descriptor of arena page i (struct ea_page):
 *				.buddy links it on a free list, .kind is
 *				EA_PAGE_FREE for free pages, .head says it is the
 *				first page of a free block, .order that block's order
 *	inst->free_area[o]	the list of free blocks of order o
 *	inst->nr_pages		pages in the arena
 *	list_add(), list_add_tail(), list_for_each_entry()  (<linux/list.h>)
 *
 * The policy is a module parameter, so one module can be measured with
 * each:  echo 2 > /sys/module/edualloc/parameters/buddy_policy
 * (it applies to blocks freed from then on: make a fresh instance after
 * changing it).
 */
#include <linux/moduleparam.h>

enum ea_buddy_policy {
	EA_POLICY_LIFO,		/* the engine's: the block freed last is used first */
	EA_POLICY_FIFO,		/* the block freed first is used first */
	EA_POLICY_ADDRESS,	/* the block at the lowest address is used first */
	EA_POLICY_MERGE_LIKELY,	/* Linux's: to the tail if it may merge soon */
};

static unsigned int buddy_policy;
module_param(buddy_policy, uint, 0644);
MODULE_PARM_DESC(buddy_policy,
		 "Lab 4: buddy free-list order: 0 LIFO, 1 FIFO, 2 address-ordered, 3 merge-likely to the tail");

/*
 * Is the block of 2^order pages at @page likely to merge soon? Linux asks
 * this in __free_one_page() (mm/page_alloc.c, buddy_merge_likely()): if the
 * buddy of the block one order up (the block that @page and its own buddy
 * would form) is free, then the moment @page's buddy is freed, two merges
 * follow, so @page had better not be handed out in the meantime.
 */
static bool ea_policy_merge_likely(struct ea_instance *inst, unsigned int page,
				   unsigned int order)
{
	/* TODO 3: the parent block and its buddy; is that buddy a free block of order + 1? */
	return false;
}

/* Put the free block of 2^@order pages that starts at @page on its free list. */
static void ea_policy_buddy_add(struct ea_instance *inst, unsigned int page,
				unsigned int order)
{
	struct ea_page *pg = &inst->pages[page];
	struct list_head *list = &inst->free_area[order];

	switch (READ_ONCE(buddy_policy)) {
	case EA_POLICY_FIFO:
		/* TODO 1: FIFO: the block waits behind every block already on the list */
		break;
	case EA_POLICY_ADDRESS: {
		/* TODO 2: sort the list by address: pg goes before the first block above it */
		break;
	}
	case EA_POLICY_MERGE_LIKELY:
		if (ea_policy_merge_likely(inst, page, order)) {
			list_add_tail(&pg->buddy, list);
			return;
		}
		break;
	}
	list_add(&pg->buddy, list);	/* LIFO: the engine's own policy */
}
