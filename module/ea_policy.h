/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Free-list policies: the seam between the buddy allocator and the order
 * of its free lists.
 *
 * By default the buddy allocator takes the *first* block on the free list
 * of the smallest order that has one, so where a freed block is put on its
 * list decides when it is used again: last in first out, first in first
 * out, lowest address first, or Linux's "may merge soon: to the tail".
 * A policy may also choose itself which free block serves a request, and
 * which piece of it (buddy_pick): best fit, address order, or any rule
 * that reads the lists (lab 5). A policy is a table of operations, as
 * genalloc's algorithms are (gen_pool_set_algo()); each
 * instance uses one, chosen when it is created (struct ea_params.policy,
 * or the module parameter buddy_policy for the default), and keeps it for
 * its life, so that the same calls still give the same offsets.
 *
 * A policy file (docs/labs/lab4-policy) includes this header and nothing
 * of the engine's insides: it defines its operations and lists them in
 * ea_lab_policies[]. Built into the module (Kbuild, EDUALLOC_LAB_POLICY=y)
 * or linked with the engine in userspace (-DEA_LAB_POLICY), its policies
 * follow the engine's own: the engine's LIFO is number 0, the file's
 * first policy number 1, and so on.
 *
 * Every operation runs under the instance lock: it must not sleep, must not
 * fail, and must leave each block on exactly one list, that of its order
 * (ea_validate() checks it); buddy_pick only reads the lists, and what it
 * answers is checked before it is used.
 */
#ifndef _EA_POLICY_H
#define _EA_POLICY_H

#include <linux/limits.h>
#include <linux/list.h>
#include <linux/types.h>

#include "ea_engine.h"

struct ea_instance;

/* buddy_pick's answer when it leaves the choice to the engine. */
#define EA_PICK_DEFAULT		UINT_MAX

/**
 * struct ea_policy_ops - a free-list policy
 * @name: short lower-case name, as the statistics show it
 * @buddy_add: put the free block of 2^@order pages that starts at arena
 *	page @page, whose link is @node, on @list, the free list of @order
 *	(with list_add(), list_add_tail() or list_add() after another block).
 *	Every free block goes through here: the upper halves of a split, and
 *	the blocks that frees give back once they have merged as far as they
 *	can. NULL: at the head, LIFO.
 * @buddy_pick: choose where a block of 2^@order pages is taken from:
 *	return the first page of a piece of 2^@order pages, aligned to its
 *	size, inside a free block of order @order or more (the lists are
 *	ea_policy_free_list()'s). The engine splits that block in halves
 *	down to the piece, putting each half that does not hold it on its
 *	list with @buddy_add, and hands the piece out. Called only when some
 *	list of order @order or more has a block. NULL, EA_PICK_DEFAULT or a
 *	page that is no such piece: the first block of the smallest order
 *	that has one, split at its lower end.
 */
struct ea_policy_ops {
	const char *name;
	void (*buddy_add)(const struct ea_instance *inst, struct list_head *list,
			  struct list_head *node, unsigned int page,
			  unsigned int order);
	unsigned int (*buddy_pick)(const struct ea_instance *inst,
				   unsigned int order);
};

/* What a policy may ask about the arena; each is O(1). */
unsigned int ea_policy_page(const struct ea_instance *inst,
			    const struct list_head *node);
bool ea_policy_is_free(const struct ea_instance *inst, unsigned int page,
		       unsigned int order);
unsigned int ea_policy_nr_pages(const struct ea_instance *inst);
const struct list_head *ea_policy_free_list(const struct ea_instance *inst,
					    unsigned int order);

/* A policy of the caller's own, for a new instance (KUnit). */
int ea_policy_use(struct ea_instance *inst, const struct ea_policy_ops *ops);

/* The policies the engine knows: its own LIFO (0), then a policy file's. */
unsigned int ea_policy_count(void);
const char *ea_policy_name(unsigned int index);

/*
 * A policy file defines this, NULL-terminated: its policies, numbered from
 * 1 in this order.
 */
extern const struct ea_policy_ops *const ea_lab_policies[];

#endif /* _EA_POLICY_H */
