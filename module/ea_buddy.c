// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator: pages of the arena, and blocks of a page or more.
 *
 * Pages for slabs, and blocks for the classes of a page or more, come from
 * a binary buddy allocator as in mm/page_alloc.c: a free block holds
 * 2^order pages (order 0..EA_MAX_ORDER) and is aligned to its own size, so
 * the *buddy* of the block at page p is at p ^ (1 << order). Allocation
 * takes the first block on the list of the smallest order that has one and
 * splits it in halves down to the order asked for, putting each upper half
 * on the free list of its order. Freeing merges a block with its buddy for
 * as long as the buddy is free and whole. Where a freed block goes on its
 * list, and which free block serves a request, is the instance's free-list
 * policy (ea_policy.c); the default puts it at the head (LIFO) and takes
 * the first. An arena that is not a multiple of the largest
 * block is seeded with the largest aligned blocks that fit; a block whose
 * buddy would lie past the end never merges.
 *
 * A class of a page or more takes one block per object (ea_alloc_block());
 * its head page's descriptor records the object.
 *
 * Invariants: every free block is on exactly one list, that of its order,
 * and only its head page has ->head set; pages_free counts their pages.
 * Locking: the instance lock.
 */

static u64 ea_page_offset(unsigned int page)
{
	return (u64)page << PAGE_SHIFT;
}

static void *ea_page_mem(struct ea_instance *inst, unsigned int page)
{
	return inst->arena + ea_page_offset(page);
}

/* Bytes the instance holds: arena pages off the free lists, large areas. */
static u64 ea_used_bytes(struct ea_instance *inst)
{
	return ea_page_offset(inst->nr_pages - inst->st.pages_free) +
	       inst->st.large_bytes;
}

/*
 * How much of a new block of @size bytes to zero: the requested bytes up to
 * a whole 64-byte line, within the block's slack (no one's, see
 * ea_fill_new()): memset() clears whole lines faster than a ragged end.
 */
static u64 ea_block_zero_len(u64 size)
{
	return ALIGN(size, 64);
}

/* Whether ea_buddy_alloc(@order) would succeed, within the capacity. */
static bool ea_buddy_can_alloc(struct ea_instance *inst, unsigned int order)
{
	unsigned int o;

	if (ea_used_bytes(inst) + (PAGE_SIZE << order) > inst->arena_size)
		return false;
	for (o = order; o <= EA_MAX_ORDER; o++)
		if (!list_empty(&inst->free_area[o]))
			return true;
	return false;
}

static __always_inline void ea_buddy_add(struct ea_instance *inst,
					 unsigned int page, unsigned int order)
{
	struct ea_page *pg = &inst->pages[page];

	pg->head = 1;
	pg->order = order;
	if (inst->policy->buddy_add)
		inst->policy->buddy_add(inst, &inst->free_area[order], &pg->buddy,
					page, order);
	else
		list_add(&pg->buddy, &inst->free_area[order]);	/* LIFO */
}

/*
 * Verify the poison of a block leaving the free lists, blaming a bad byte
 * on the last ID that owned its page.
 */
static void ea_buddy_check(struct ea_instance *inst, unsigned int page,
			   unsigned int order)
{
	void *mem = ea_page_mem(inst, page);
	size_t len = PAGE_SIZE << order;
	u8 *bad = memchr_inv(mem, EA_POISON_FREE, len);
	u64 offset;

	if (!bad)
		return;
	offset = ea_page_offset(page) + (bad - (u8 *)mem);
	ea_report(inst, EA_ERR_USE_AFTER_FREE,
		  inst->pages[offset >> PAGE_SHIFT].last_id, offset, *bad);
	memset(mem, EA_POISON_FREE, len);
}

/*
 * The free block that holds the piece of 2^@order pages at page @want that
 * a policy picked: its first page in *@head and its order in *@o. False if
 * @want is no such piece: not aligned to its size, or in no free block of
 * order @order or more.
 */
static bool ea_buddy_picked(const struct ea_instance *inst, unsigned int want,
			    unsigned int order, unsigned int *head,
			    unsigned int *o)
{
	if (want >= inst->nr_pages || !IS_ALIGNED(want, BIT(order)))
		return false;
	for (*o = order; *o <= EA_MAX_ORDER; (*o)++) {
		*head = want & ~(BIT(*o) - 1);
		if (ea_policy_is_free(inst, *head, *o))
			return true;
	}
	return false;
}

/*
 * Take a block of 2^@order pages: the piece at page @want if it is one
 * (ea_buddy_picked()), else the first block on the list of the smallest
 * order that has one; the free block that holds it is split in halves
 * down to @order, each half that does not hold the piece going back on its
 * list. The caller has checked ea_buddy_can_alloc() and marks the pages as
 * its own.
 */
static unsigned int ea_buddy_alloc_at(struct ea_instance *inst,
				      unsigned int order, unsigned int want)
{
	struct ea_page *pg = NULL;
	unsigned int o, page;

	if (!ea_buddy_picked(inst, want, order, &page, &o)) {
		for (o = order; o <= EA_MAX_ORDER; o++) {
			pg = list_first_entry_or_null(&inst->free_area[o],
						      struct ea_page, buddy);
			if (pg)
				break;
		}
		page = pg - inst->pages;
		want = page;
	}
	list_del_init(&inst->pages[page].buddy);
	while (o > order) {
		o--;
		ea_explain(inst, EA_EV_BUDDY_SPLIT, 0, o + 1,
			   ea_page_offset(page), 0);
		if (want & BIT(o)) {		/* keep the upper half */
			ea_buddy_add(inst, page, o);
			page += BIT(o);
		} else {
			ea_buddy_add(inst, page + BIT(o), o);
		}
	}
	pg = &inst->pages[page];
	pg->head = 1;
	pg->order = order;
	inst->st.pages_free -= BIT(order);
	if (inst->debug)
		ea_buddy_check(inst, page, order);
	return page;
}

/* A block of 2^@order pages where the policy picks (ea_buddy_alloc_at()). */
static unsigned int ea_buddy_alloc(struct ea_instance *inst,
				   unsigned int order)
{
	unsigned int want = EA_PICK_DEFAULT;

	if (inst->policy->buddy_pick)
		want = inst->policy->buddy_pick(inst, order);
	return ea_buddy_alloc_at(inst, order, want);
}

/*
 * A block of 2^@order pages with room to grow, for a block that a realloc
 * moves because it could not grow where it was: the lower end of the
 * first block of the largest order that has one, whose upper halves stay
 * free, so that the next growths happen in place (ea_block_can_grow())
 * and the footprint does not hold the old and the new block at each step.
 * A policy that picks (buddy_pick) decides as for any block.
 */
static unsigned int ea_buddy_alloc_roomy(struct ea_instance *inst,
					 unsigned int order)
{
	struct ea_page *pg;
	unsigned int o;

	if (inst->policy->buddy_pick)
		return ea_buddy_alloc(inst, order);
	for (o = EA_MAX_ORDER; o > order; o--) {
		pg = list_first_entry_or_null(&inst->free_area[o],
					      struct ea_page, buddy);
		if (pg)
			return ea_buddy_alloc_at(inst, order, pg - inst->pages);
	}
	return ea_buddy_alloc(inst, order);
}

/*
 * Give back a block of 2^@order pages that last held @last_id's memory
 * (already poisoned if the debug checks are on), merging it with its buddy
 * for as long as the buddy is free and whole. EA_KEEP_LAST_ID: the pages
 * keep the last_id they had (a block taken back, see ea_abort()).
 */
static void ea_buddy_free(struct ea_instance *inst, unsigned int page,
			  unsigned int order, int last_id)
{
	unsigned int i;

	for (i = 0; i < BIT(order); i++) {
		struct ea_page *pg = &inst->pages[page + i];

		pg->kind = EA_PAGE_FREE;
		pg->head = 0;
		if (last_id != EA_KEEP_LAST_ID)
			pg->last_id = last_id;
	}
	inst->st.pages_free += BIT(order);

	while (order < EA_MAX_ORDER) {
		unsigned int buddy = page ^ BIT(order);
		struct ea_page *bp;

		if (buddy >= inst->nr_pages)	/* past the end of the arena */
			break;
		bp = &inst->pages[buddy];
		if (bp->kind != EA_PAGE_FREE || !bp->head || bp->order != order)
			break;
		list_del_init(&bp->buddy);
		bp->head = 0;
		page = min(page, buddy);
		order++;
		ea_explain(inst, EA_EV_BUDDY_MERGE, 0, order,
			   ea_page_offset(page), 0);
	}
	ea_buddy_add(inst, page, order);
}

/* Seed the free lists with the largest aligned blocks that fit. */
static void ea_buddy_init(struct ea_instance *inst)
{
	unsigned int page = 0, order;

	while (page < inst->nr_pages) {
		order = EA_MAX_ORDER;
		while (order && (!IS_ALIGNED(page, BIT(order)) ||
				 page + BIT(order) > inst->nr_pages))
			order--;
		inst->pages[page].head = 1;
		inst->pages[page].order = order;
		list_add_tail(&inst->pages[page].buddy, &inst->free_area[order]);
		page += BIT(order);
	}
	inst->st.pages_free = inst->nr_pages;
}

static void ea_loc_block(struct ea_instance *inst, unsigned int page,
			 struct ea_loc *loc)
{
	const struct ea_page *pg = &inst->pages[page];

	*loc = (struct ea_loc) {
		.id = pg->blk.id,
		.owner = pg->blk.owner,
		.cls = pg->cls,
		.offset = ea_page_offset(page),
		.size = pg->blk.size,
		.class_size = ea_class_size(pg->cls),
		.page = page,
	};
	loc->mem = ea_page_mem(inst, page);
}

/* A buddy block of the class's order, for one object. */
static int ea_alloc_block(struct ea_instance *inst, struct ea_req *req,
			  u32 owner, struct ea_loc *loc)
{
	unsigned int order = ea_block_order(req->cls);
	unsigned int page, i;
	struct ea_page *pg;

	if (!ea_buddy_can_alloc(inst, order))
		return ea_refuse(inst, req, EA_ERR_NO_SPACE);
	if (!ea_id_ready(inst, req->prep))
		return ea_refuse(inst, req, EA_ERR_KMEM);

	/* Commit. The buddy allocator has checked the poison. */
	if (inst->grow_move)
		page = ea_buddy_alloc_roomy(inst, order);
	else
		page = ea_buddy_alloc(inst, order);
	pg = &inst->pages[page];
	pg->kind = EA_PAGE_BLOCK;
	pg->cls = req->cls;
	pg->head = 1;
	pg->blk.id = inst->next_id;
	pg->blk.owner = owner;
	pg->blk.size = req->size;
	for (i = 1; i < BIT(order); i++) {
		inst->pages[page + i].kind = EA_PAGE_BLOCK_TAIL;
		inst->pages[page + i].head_page = page;
	}
	inst->st.cls[req->cls].slabs++;
	inst->st.cls[req->cls].slots_total++;
	ea_loc_block(inst, page, loc);
	ea_fill_new(inst, loc, false, 0);
	return 0;
}

/* A block goes back to the buddy allocator, blaming @last_id. */
static void ea_free_block(struct ea_instance *inst, struct ea_loc *loc,
			  int last_id)
{
	unsigned int order = ea_block_order(loc->cls);

	inst->st.cls[loc->cls].slabs--;
	inst->st.cls[loc->cls].slots_total--;
	ea_buddy_free(inst, loc->page, order, last_id);
}

/*
 * Can the block at @page grow from 2^@from to 2^@to pages where it is?
 * Only if it is aligned to the bigger size and the buddies it would take
 * in, of orders @from up to @to - 1, are whole free blocks, within the
 * capacity.
 */
static bool ea_block_can_grow(struct ea_instance *inst, unsigned int page,
			      unsigned int from, unsigned int to)
{
	unsigned int o;

	if (!IS_ALIGNED(page, BIT(to)) || page + BIT(to) > inst->nr_pages ||
	    ea_used_bytes(inst) + ea_page_offset(BIT(to) - BIT(from)) >
	    inst->arena_size)
		return false;
	for (o = from; o < to; o++) {
		const struct ea_page *bp = &inst->pages[page + BIT(o)];

		if (bp->kind != EA_PAGE_FREE || !bp->head || bp->order != o)
			return false;
	}
	return true;
}

/*
 * Resize the block at @page from 2^@from to 2^@to pages in place: grow into
 * its free buddies (ea_block_can_grow() said it can), or give back its tail
 * (poisoned with the debug checks on), blaming @last_id for it. The class
 * and the block's record are the caller's to update.
 */
static void ea_block_resize(struct ea_instance *inst, unsigned int page,
			    unsigned int from, unsigned int to, int last_id)
{
	unsigned int o, i;

	for (o = from; o < to; o++) {
		unsigned int bpage = page + BIT(o);

		list_del_init(&inst->pages[bpage].buddy);
		inst->st.pages_free -= BIT(o);
		if (inst->debug)
			ea_buddy_check(inst, bpage, o);
		for (i = 0; i < BIT(o); i++) {
			inst->pages[bpage + i].kind = EA_PAGE_BLOCK_TAIL;
			inst->pages[bpage + i].head = 0;
			inst->pages[bpage + i].head_page = page;
		}
	}
	for (o = from; o > to; o--) {
		unsigned int bpage = page + BIT(o - 1);

		if (inst->debug)
			memset(ea_page_mem(inst, bpage), EA_POISON_FREE,
			       PAGE_SIZE << (o - 1));
		ea_buddy_free(inst, bpage, o - 1, last_id);
	}
	inst->pages[page].order = to;
}

/*
 * For the fast path (ea_fast.c): a block for @size (a class of a page or
 * more) when nothing is needed from the kernel and nothing can refuse it
 * (no debug checks, no timing: the caller has checked). The general
 * path's steps (ea_alloc_locked(), ea_alloc_block(), ea_account_alloc()),
 * in the same order and with the same outcome, without its records: true
 * with @out and @txn filled when not NULL; false (nothing changed) if the
 * general path must serve it.
 */
static bool ea_block_alloc_quick(struct ea_instance *inst, u64 size,
				 u32 owner, struct ea_alloc_info *out,
				 struct ea_txn *txn)
{
	unsigned int cls = ea_class_of(size), order, page, i;
	u32 id = inst->next_id;
	struct ea_page *pg;
	u64 csize;

	if (cls >= EA_NR_CLASSES || ea_is_slab_class(cls) ||
	    size > inst->arena_size || id > INT_MAX || ea_id_needs(inst))
		return false;
	order = ea_block_order(cls);
	if (!ea_buddy_can_alloc(inst, order))
		return false;
	if (txn)
		ea_txn_new(inst, txn, id);
	inst->op = EA_OP_ALLOC;		/* for the buddy's own events */
	page = ea_buddy_alloc(inst, order);
	pg = &inst->pages[page];
	pg->kind = EA_PAGE_BLOCK;
	pg->cls = cls;
	pg->blk.id = id;
	pg->blk.owner = owner;
	pg->blk.size = size;
	for (i = 1; i < BIT(order); i++) {
		inst->pages[page + i].kind = EA_PAGE_BLOCK_TAIL;
		inst->pages[page + i].head_page = page;
	}
	memset(ea_page_mem(inst, page), 0, ea_block_zero_len(size));	/* as ea_fill_new() */
	ea_id_set(inst, id, ea_page_offset(page) << 1 | 1);
	inst->next_id = id + 1;

	csize = PAGE_SIZE << order;
	inst->st.cls[cls].slabs++;
	inst->st.cls[cls].slots_total++;
	ea_account(inst, cls, size, csize);
	ea_info_fill(out, id, cls, owner, ea_page_offset(page), size, csize);
	return true;
}

/*
 * For the fast path: free live block @id (named by its ID alone), as
 * ea_free_loc() -> ea_free_block() would with the debug checks and the
 * timing off: true and @out filled when not NULL; false (nothing changed)
 * if the general path must serve it.
 */
static bool ea_block_free_quick(struct ea_instance *inst, int id,
				struct ea_alloc_info *out)
{
	struct ea_stats *st = &inst->st;
	unsigned int page, cls;
	struct ea_page *pg;
	u64 entry, size, csize;

	if (!ea_id_issued(inst, id))
		return false;
	entry = ea_id_get(inst, id);
	if (!(entry & 1))
		return false;		/* freed, or large */
	page = entry >> (PAGE_SHIFT + 1);
	pg = &inst->pages[page];
	if (pg->kind != EA_PAGE_BLOCK || pg->blk.id != id)
		return false;
	cls = pg->cls;
	size = pg->blk.size;
	csize = ea_class_size(cls);
	ea_info_fill(out, id, cls, pg->blk.owner, ea_page_offset(page), size,
		     csize);
	inst->op = EA_OP_FREE;
	ea_id_clear(inst, id);
	st->frees++;
	st->live_requested -= size;
	st->live_allocated -= csize;
	st->cls[cls].frees++;
	st->cls[cls].waste -= csize - size;
	st->cls[cls].slabs--;
	st->cls[cls].slots_total--;
	ea_buddy_free(inst, page, ea_block_order(cls), id);
	return true;
}
