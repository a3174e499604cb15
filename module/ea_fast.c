// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path: the common small allocation and free, short.
 *
 * Most requests are small, find a slot in their class's first partial
 * slab (possibly the spare, which waits at the tail of that list), and
 * need nothing from the kernel. For them, with the debug checks and the
 * timing statistics off and no listener wanting the decisions (explain
 * events), ea_alloc() and ea_free() come here first, inlined, under the
 * instance spinlock: pop (or push) one slot, write the ID's map entry,
 * update the counters that cannot be derived later, zero the requested
 * bytes (not the slack: see ea_fill_new()), report the ALLOC or FREE event
 * if it is wanted, return. The decision is a few loads and compares made
 * before anything changes. A new slab (ea_slab_quick(): a kept descriptor
 * or kmalloc(GFP_NOWAIT)) and one to give back are made here too; anything
 * else (a descriptor that needs a sleep, a new leaf of the ID map, a
 * block, the large path, red zones, a decision to explain, an error to
 * report) falls back to the general path
 * (ea_alloc.c), which makes the same decisions: the same calls give the
 * same IDs and offsets whichever path served them. Served here too, by
 * the same rules, from the general path's functions (ea_api.c): a block of
 * a page or more that the free lists hold (ea_alloc_block_fast(),
 * ea_free_block_fast()), and a reallocation that stays in its slot or
 * block (ea_realloc_fast()).
 *
 * Invariants: as the general path's (ea_alloc.c, ea_slab.c, ea_idmap.c):
 * the next ID's leaf of the ID map, when the top level reaches it and it
 * is there (made ahead, or a dead leaf serving again), takes its entry.
 * Locking: the instance lock, held by the caller.
 */

/*
 * The events whose listener sends an allocation or a free the long way:
 * the decisions the fast path does not explain. Its own ALLOC or FREE it
 * reports (ea_fast_emit()).
 */
#define EA_FAST_ALLOC_EVENTS	(BIT(EA_EV_CLASS) | BIT(EA_EV_FREELIST_HIT) | \
				 BIT(EA_EV_SLAB_REFILL))
#define EA_FAST_FREE_EVENTS	BIT(EA_EV_SLAB_SPARE)
/* For the block and realloc shortcuts below, which report nothing. */
#define EA_FAST_GENERAL(ev)	(BIT(ev) | BIT(EA_EV_CLASS) |		\
				 BIT(EA_EV_FREELIST_HIT))

static_assert(EA_NR_EVENTS <= BITS_PER_LONG);

/* What ->fast_events points to when nobody listens. */
static const unsigned long ea_no_events;

/*
 * Note what the fast path must know of @inst's settings: call it after
 * changing ->debug, ->timing, ->notify or ->events.
 */
static void ea_fast_update(struct ea_instance *inst)
{
	inst->slow = inst->debug || inst->timing ||
		     (inst->notify && !inst->events);
	inst->fast_events = inst->notify && inst->events ? inst->events :
			    &ea_no_events;
}

/*
 * Whether the fast path may serve @inst: nothing to check or time
 * (ea_fast_update() keeps ->slow), no event of @events wanted.
 */
static __always_inline bool ea_fast_ok(struct ea_instance *inst,
				       unsigned long events)
{
	return !inst->slow && !(READ_ONCE(*inst->fast_events) & events);
}

/*
 * The fast path's ALLOC or FREE event, as the general path reports it;
 * the per-CPU caches' too, which call it without the instance lock.
 */
static noinline void ea_fast_emit(struct ea_instance *inst, enum ea_op op,
				  enum ea_event_type type, int id,
				  unsigned int cls, u64 offset, u64 size,
				  u32 owner)
{
	struct ea_loc loc = {
		.id = id,
		.cls = cls,
		.size = size,
		.offset = offset,
	};

	ea_emit_loc_op(inst, type, &loc, owner, op);
}

/* Whether the listener wants the fast path's own event of @type. */
static __always_inline bool ea_fast_wants(struct ea_instance *inst,
					  enum ea_event_type type)
{
	return READ_ONCE(*inst->fast_events) & BIT(type);
}

/*
 * The class of a small request, 1 <= @size <= PAGE_SIZE / 2, as
 * ea_class_of() computes it: log2 of the size rounded up, 8 B at least.
 */
static __always_inline unsigned int ea_small_class(u64 size)
{
	return fls((u32)(size - 1) | (BIT(EA_MIN_SHIFT) - 1)) - EA_MIN_SHIFT;
}

/*
 * A small allocation from the first partial slab of its class (the spare
 * included): true, with @out and @txn filled when not NULL; false if the
 * general path must serve it (nothing changed).
 */
static __always_inline bool ea_alloc_fast(struct ea_instance *inst, u64 size,
					  u32 owner, struct ea_alloc_info *out,
					  struct ea_txn *txn)
{
	struct ea_stats *st = &inst->st;
	u32 id = inst->next_id, rel = id - inst->first_id;
	unsigned int cls, slot;
	struct ea_idtop *top;
	struct ea_class *c;
	struct ea_slab *slab;
	struct ea_slot *s;
	u64 offset, csize;

	if (unlikely(size - 1 >= PAGE_SIZE / 2 ||
		     rel / EA_ID_LEAF >= inst->nr_top ||
		     id > INT_MAX || !ea_fast_ok(inst, EA_FAST_ALLOC_EVENTS)))
		return false;
	cls = ea_small_class(size);
	c = &inst->classes[cls];
	top = &inst->ids[rel / EA_ID_LEAF];
	if (unlikely(list_empty(&c->partial) || !top->leaf))
		return false;

	slab = list_first_entry(&c->partial, struct ea_slab, node);
	if (!slab->inuse)
		c->spare = NULL;	/* the spare: in use from now on */
	slot = slab->free;
	s = &slab->slots[slot];
	slab->free = s->next;
	if (++slab->inuse == slab->nr_slots)
		list_del_init(&slab->node);
	if (txn)
		*txn = (struct ea_txn) {
			.epoch = inst->epoch,
			.peak_requested = st->peak_requested,
			.peak_allocated = st->peak_allocated,
			.peak_used = st->peak_used,
			.id = id,
			.slot_prev_id = s->id,
		};
	s->id = id;
	s->owner = owner;
	s->size = size;
	offset = ea_page_offset(slab->page) + (slot << (cls + EA_MIN_SHIFT));
	top->leaf->ent[rel % EA_ID_LEAF] = offset << 1 | 1;
	top->live++;
	inst->next_id = id + 1;

	csize = BIT(cls + EA_MIN_SHIFT);
	st->allocs++;
	st->live_requested += size;
	st->live_allocated += csize;
	if (st->live_requested > st->peak_requested)
		st->peak_requested = st->live_requested;
	if (st->live_allocated > st->peak_allocated)
		st->peak_allocated = st->live_allocated;
	st->cls[cls].allocs++;
	st->cls[cls].waste += csize - size;
	ea_info_fill(out, id, cls, owner, offset, size, csize);
	if (unlikely(ea_fast_wants(inst, EA_EV_ALLOC)))
		ea_fast_emit(inst, EA_OP_ALLOC, EA_EV_ALLOC, id, cls, offset,
			     size, owner);
	/*
	 * Zeroed last, still under the lock: nothing but the lock's owner
	 * reads the bytes before we return, and only @inst stays live across
	 * the call (no spills).
	 */
	memset(inst->arena + offset, 0, size);
	return true;
}

/*
 * A new slab for a small @size whose class has no partial slab, made under
 * the lock when that needs no sleep: the general path's slab
 * (ea_alloc_slot(), ea_slab_init(): the same page, the same decisions),
 * with its descriptor kept from a released slab (ea_slab_desc_get()) or
 * from kmalloc(GFP_NOWAIT), which never sleeps, instead of ea_prepare(),
 * which drops the lock to allocate it. The new slab is its class's spare
 * (empty, alone on the list) until ea_alloc_fast() takes its first slot.
 * True when ea_alloc_fast() can now serve @size; false, nothing changed,
 * when the general path must: armed fault injection (ea_fail_nth(): its
 * count of requests stays the general path's), a listener for the
 * decisions, no page, or no memory right now. The caller has checked that
 * the next ID's leaf of the ID map is there (ea_id_needs()).
 */
static noinline bool ea_slab_quick(struct ea_instance *inst, u64 size)
{
	u32 id = inst->next_id;
	struct ea_slab *slab;
	struct ea_class *c;
	unsigned int cls, nr;

	if (size - 1 >= PAGE_SIZE / 2 || id > INT_MAX ||
	    inst->fail_nth ||
	    !ea_fast_ok(inst, EA_FAST_ALLOC_EVENTS | BIT(EA_EV_BUDDY_SPLIT)))
		return false;
	cls = ea_small_class(size);
	c = &inst->classes[cls];
	if (!list_empty(&c->partial) || !ea_buddy_can_alloc(inst, 0))
		return false;
	slab = ea_slab_desc_get(inst, cls);
	if (!slab) {
		nr = ea_slots_per_slab(cls);
		slab = kmalloc(struct_size(slab, slots, nr),
			       GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
		if (!slab)
			return false;
		slab->cls = cls;
		slab->nr_slots = nr;
	}
	inst->op = EA_OP_ALLOC;
	ea_slab_init(inst, slab);
	list_add(&slab->node, &c->partial);
	c->spare = slab;
	return true;
}

/*
 * A slab that the free of its last slot leaves empty while its class has a
 * spare already goes back to the buddy allocator, as the general path's
 * ea_free_slot() sends it (ea_slab_release(), the page blaming nobody),
 * with the same explanations if they are wanted (the slab's release, the
 * buddies' merges), before the FREE event, as there.
 */
static noinline void ea_slab_quick_release(struct ea_instance *inst,
					   struct ea_slab *slab)
{
	inst->op = EA_OP_FREE;
	list_del_init(&slab->node);
	ea_slab_release(inst, slab, 0);
}

/*
 * Free live small allocation @id (named by its ID alone): true and @out
 * filled when not NULL; false if the general path must serve it (nothing
 * changed).
 */
static __always_inline bool ea_free_fast(struct ea_instance *inst, int id,
					 struct ea_alloc_info *out)
{
	u32 rel = (u32)id - inst->first_id, issued = inst->next_id - inst->first_id;
	struct ea_stats *st = &inst->st;
	unsigned int cls, slot, size;
	struct ea_idtop *top;
	struct ea_class *c;
	struct ea_slab *slab;
	u32 owner;
	struct ea_slot *s;
	u64 entry, offset, csize;
	u64 *ent;

	/* Not issued (0 and negative IDs included: they wrap), or slow. */
	if (unlikely(rel >= issued ||
		     !ea_fast_ok(inst, EA_FAST_FREE_EVENTS)))
		return false;
	top = &inst->ids[rel / EA_ID_LEAF];
	if (unlikely(!top->leaf))
		return false;		/* freed long ago */
	ent = &top->leaf->ent[rel % EA_ID_LEAF];
	entry = *ent;
	if (unlikely(!(entry & 1)))
		return false;		/* freed (the general path says how), or large */
	offset = entry >> 1;
	slab = inst->slab_of[offset >> PAGE_SHIFT];
	if (unlikely(!slab))
		return false;		/* a block */
	cls = slab->cls;
	slot = offset_in_page(offset) >> (cls + EA_MIN_SHIFT);
	s = &slab->slots[slot];
	c = &inst->classes[cls];
	/* The old ID of a pending realloc in place. */
	if (unlikely(s->id != id))
		return false;

	size = s->size;
	owner = s->owner;
	csize = BIT(cls + EA_MIN_SHIFT);
	ea_info_fill(out, id, cls, owner, offset, size, csize);
	*ent = 0;
	/* A leaf all issued and now all dead goes (not the current one). */
	if (unlikely(!--top->live) && rel / EA_ID_LEAF < issued / EA_ID_LEAF)
		ea_id_leaf_dead(inst, rel / EA_ID_LEAF);
	st->frees++;
	st->live_requested -= size;
	st->live_allocated -= csize;
	st->cls[cls].frees++;
	st->cls[cls].waste -= csize - size;

	s->size = 0;
	s->owner = 0;
	s->next = slab->free;
	slab->free = slot;
	if (unlikely(slab->inuse-- == slab->nr_slots)) {
		list_add(&slab->node, &c->partial);	/* it was full */
	} else if (unlikely(!slab->inuse)) {
		if (unlikely(c->spare)) {
			ea_slab_quick_release(inst, slab);
		} else {
			c->spare = slab;
			if (!list_is_last(&slab->node, &c->partial))
				list_move_tail(&slab->node, &c->partial);
		}
	}
	if (unlikely(ea_fast_wants(inst, EA_EV_FREE)))
		ea_fast_emit(inst, EA_OP_FREE, EA_EV_FREE, id, cls, offset, size,
			     owner);
	return true;
}

/*
 * A reallocation that stays where it is and needs nothing from the kernel
 * (the instance reallocates in place, the next ID's map slot is ready, and
 * the class does not change, or a large area keeps its pages): true and
 * @out filled; false if the general path must serve it (nothing changed).
 * It makes the general path's changes (ea_realloc_here(), then
 * ea_realloc_finish()): the record takes the next ID, the new size and
 * owner, the bytes gained are zeroed, the map entry (the same place) moves
 * to the new ID, and it is counted as one free, one allocation and one
 * realloc.
 */
static bool ea_realloc_fast(struct ea_instance *inst, int id, u64 new_size,
			    u32 owner, struct ea_alloc_info *out)
{
	u32 new_id = inst->next_id, next = new_id - inst->first_id;
	u32 rel = (u32)id - inst->first_id;
	unsigned int cls = ea_class_of(new_size);
	struct ea_stats *st = &inst->st;
	struct ea_idtop *top, *ntop;
	struct ea_slot *s;
	struct ea_page *pg;
	u64 entry, offset, old_size;
	u64 *ent;

	/* Issued (0 and negative IDs wrap), and the next ID's leaf ready. */
	if (!inst->realloc_in_place || !new_size || cls >= EA_NR_CLASSES ||
	    new_id > INT_MAX || rel >= next ||
	    next >> EA_ID_LEAF_SHIFT >= inst->nr_top ||
	    !ea_fast_ok(inst, EA_FAST_GENERAL(EA_EV_REALLOC)))
		return false;
	ntop = &inst->ids[next >> EA_ID_LEAF_SHIFT];
	top = &inst->ids[rel >> EA_ID_LEAF_SHIFT];
	if (!ntop->leaf || !top->leaf)
		return false;
	ent = &top->leaf->ent[rel & (EA_ID_LEAF - 1)];
	entry = *ent;
	if (!(entry & 1))
		return false;		/* freed (the general path says how), or large */
	offset = entry >> 1;
	pg = &inst->pages[offset >> PAGE_SHIFT];
	if (pg->kind == EA_PAGE_SLAB) {
		/* A per-CPU cache's free could take the slot meanwhile. */
		if (pg->slab->cls != cls || inst->pcp)
			return false;
		s = &pg->slab->slots[offset_in_page(offset) >> (cls + EA_MIN_SHIFT)];
		if (s->id != id)
			return false;	/* the old ID of a pending realloc in place */
		old_size = s->size;
		s->id = new_id;
		s->owner = owner;
		s->size = new_size;
	} else if (pg->kind == EA_PAGE_BLOCK) {
		if (pg->cls != cls || pg->blk.id != id)
			return false;
		old_size = pg->blk.size;
		pg->blk.id = new_id;
		pg->blk.owner = owner;
		pg->blk.size = new_size;
	} else {
		return false;
	}
	if (new_size > old_size)
		memset(inst->arena + offset + old_size, 0, new_size - old_size);
	/* ea_id_set(), then ea_id_clear(): the entry moves to the new ID. */
	ntop->leaf->ent[next & (EA_ID_LEAF - 1)] = entry;
	ntop->live++;
	inst->next_id = new_id + 1;
	*ent = 0;
	if (unlikely(!--top->live))
		ea_id_leaf_dead(inst, rel >> EA_ID_LEAF_SHIFT);

	st->frees++;
	st->allocs++;
	st->reallocs++;
	st->cls[cls].frees++;
	st->cls[cls].allocs++;
	st->live_requested += new_size - old_size;
	st->cls[cls].waste -= new_size - old_size;
	st->peak_requested = max(st->peak_requested, st->live_requested);
	ea_info_fill(out, new_id, cls, owner, offset, new_size,
		     ea_class_size(cls));
	return true;
}

/*
 * An allocation of a class of a page or more (a buddy block) that needs
 * nothing from the kernel and cannot be refused: true and @out, @txn
 * filled; false if the general path must serve it (nothing changed). The
 * general path's own steps (ea_alloc_locked()), without the preparing.
 */
static bool ea_alloc_block_fast(struct ea_instance *inst, u64 size, u32 owner,
				struct ea_alloc_info *out, struct ea_txn *txn)
{
	return ea_fast_ok(inst, EA_FAST_GENERAL(EA_EV_ALLOC)) &&
	       ea_block_alloc_quick(inst, size, owner, out, txn);
}

/*
 * Free live block @id (a class of a page or more, named by its ID alone):
 * true and @out filled; false if the general path must serve it.
 */
static bool ea_free_block_fast(struct ea_instance *inst, int id,
			       struct ea_alloc_info *out)
{
	return ea_fast_ok(inst, EA_FAST_GENERAL(EA_EV_FREE)) &&
	       ea_block_free_quick(inst, id, out);
}
