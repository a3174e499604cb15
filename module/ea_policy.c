// SPDX-License-Identifier: GPL-2.0
/*
 * Free-list policies: which free block the buddy allocator hands out next.
 *
 * ea_buddy_alloc() takes the first block on a list unless the policy picks
 * one itself (buddy_pick), so the policy is where ea_buddy_add() puts a
 * block, and which block serves a request: a table of operations (struct
 * ea_policy_ops, ea_policy.h) that each instance picks when it is created.
 * The engine's own policy is LIFO (number 0): the block freed last is used
 * first, its memory still warm. A policy file built with the engine adds
 * its own, numbered from 1 (ea_lab_policies[]); lab 4 writes FIFO,
 * address-ordered and Linux's merge-likely that way, lab 5 a placement
 * (which block, which piece of it).
 *
 * Invariants: an instance's policy never changes during its life, so the
 * same calls give the same offsets; a policy leaves every free block on
 * the list of its order (ea_validate() checks); a pick the engine cannot
 * use (ea_buddy_picked()) is never trusted: the default block serves.
 * Locking: the operations run under the instance lock; buddy_policy is
 * read once, when an instance is created.
 */
#include <linux/moduleparam.h>

static const struct ea_policy_ops ea_policy_lifo = {
	.name = "lifo",
};

#ifndef EA_LAB_POLICY
/* No policy file built in: the engine's own policy only. */
const struct ea_policy_ops *const ea_lab_policies[] = { NULL };
#endif

static unsigned int buddy_policy;
module_param(buddy_policy, uint, 0644);
MODULE_PARM_DESC(buddy_policy,
		 "Free-list policy of new instances: 0 LIFO (the engine's), 1... those of a policy file (lab 4)");

/**
 * ea_policy_count() - how many policies the engine knows
 *
 * Return: 1 (its own LIFO) plus the number in ea_lab_policies[].
 */
unsigned int ea_policy_count(void)
{
	unsigned int n = 0;

	while (ea_lab_policies[n])
		n++;
	return n + 1;
}

/* Policy @index, or NULL if there is none. */
static const struct ea_policy_ops *ea_policy_get(unsigned int index)
{
	if (!index)
		return &ea_policy_lifo;
	if (index >= ea_policy_count())
		return NULL;
	return ea_lab_policies[index - 1];
}

/**
 * ea_policy_name() - the name of a policy
 * @index: its number: 0 for the engine's LIFO, 1... for a policy file's
 *
 * Return: its name, or "?" if there is no such policy.
 */
const char *ea_policy_name(unsigned int index)
{
	const struct ea_policy_ops *ops = ea_policy_get(index);

	return ops && ops->name ? ops->name : "?";
}

/*
 * The policy ea_params.policy names: 0 for the module's default
 * (buddy_policy), else 1 + its number. NULL if there is no such policy.
 */
static const struct ea_policy_ops *ea_policy_select(u32 policy,
						    unsigned int *index)
{
	*index = policy ? policy - 1 : READ_ONCE(buddy_policy);
	return ea_policy_get(*index);
}

/**
 * ea_policy_page() - the arena page of a free block, for a policy
 * @inst: instance
 * @node: the block's link on a free list
 *
 * Context: Under the instance lock (a policy's operation).
 * Return: the index of the block's first page; blocks are ordered by
 * address as their page indexes are.
 */
unsigned int ea_policy_page(const struct ea_instance *inst,
			    const struct list_head *node)
{
	return list_entry(node, struct ea_page, buddy) - inst->pages;
}

/**
 * ea_policy_is_free() - whether a free block of an order starts at a page
 * @inst: instance
 * @page: arena page index (any value: past the end is not free)
 * @order: the block's order
 *
 * Context: Under the instance lock (a policy's operation).
 * Return: true if a whole free block of 2^@order pages starts at @page.
 */
bool ea_policy_is_free(const struct ea_instance *inst, unsigned int page,
		       unsigned int order)
{
	const struct ea_page *pg;

	if (page >= inst->nr_pages)
		return false;
	pg = &inst->pages[page];
	return pg->kind == EA_PAGE_FREE && pg->head && pg->order == order;
}

/**
 * ea_policy_nr_pages() - the number of pages in the arena, for a policy
 * @inst: instance
 *
 * Return: the arena's size in pages.
 */
unsigned int ea_policy_nr_pages(const struct ea_instance *inst)
{
	return inst->nr_pages;
}

/**
 * ea_policy_free_list() - the free list of an order, for a policy to read
 * @inst: instance
 * @order: 0..EA_MAX_ORDER
 *
 * Its entries are the blocks' links: ea_policy_page() gives each block's
 * first page. A policy reads it (list_for_each(), list_first_entry...);
 * only buddy_add() puts a block on a list.
 *
 * Context: Under the instance lock (a policy's operation).
 * Return: the list of the free blocks of 2^@order pages.
 */
const struct list_head *ea_policy_free_list(const struct ea_instance *inst,
					    unsigned int order)
{
	return &inst->free_area[min_t(unsigned int, order, EA_MAX_ORDER)];
}

/**
 * ea_policy_use() - give a new instance a policy of the caller's own
 * @inst: instance, not yet shared, with every page of its arena free
 * @ops: the policy; it must outlive the instance
 *
 * For KUnit and for in-kernel users that bring a policy table of their
 * own (a policy file's are chosen by number, struct ea_params.policy).
 * The lists of a new instance are the same under every policy, so the
 * instance behaves from here on as if it had been created with @ops. Its
 * statistics go on naming the policy it was created with.
 *
 * Context: Right after ea_create(), before anyone else can reach @inst.
 * Return: 0; -EINVAL for no @ops; -EBUSY if a page has been handed out.
 */
int ea_policy_use(struct ea_instance *inst, const struct ea_policy_ops *ops)
{
	if (!ops)
		return -EINVAL;
	if (inst->st.pages_free != inst->nr_pages)
		return -EBUSY;
	inst->policy = ops;
	return 0;
}
