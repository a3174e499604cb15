// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path: the common small allocation and free, short.
 *
 * Most requests are small, find a slot in their class's first partial
 * slab (or its spare), and need nothing from the kernel. For them, with the debug checks
 * and the timing statistics off and no listener wanting their events,
 * ea_alloc() and ea_free() come here first: under the instance spinlock,
 * pop (or push) one slot, write the ID's map entry, update the counters
 * that cannot be derived later, zero the requested bytes, return. Anything
 * else (a new slab, a new leaf of the ID map, a block, the large path,
 * red zones, an event to build, an error to report) falls back to the
 * general path, which makes the same decisions: the same calls give the
 * same IDs and offsets whichever path served them. Served here too, by
 * the same rules: a block of a page or more that the free lists hold
 * (ea_alloc_block_fast(), ea_free_block_fast()), and a reallocation that
 * stays in its slot or block (ea_realloc_fast()).
 *
 * Invariants: as the general path's (ea_alloc.c); this file adds none.
 * Locking: the instance lock, held by the caller.
 */

/* Whether the fast path may serve @inst: nothing to check, time or tell. */
static bool ea_fast_ok(struct ea_instance *inst, enum ea_event_type ev)
{
	return !inst->debug && !inst->timing &&
	       (!inst->notify || (inst->events && !test_bit(ev, inst->events) &&
				  !test_bit(EA_EV_CLASS, inst->events) &&
				  !test_bit(EA_EV_FREELIST_HIT, inst->events)));
}

/*
 * A small allocation from the first partial slab of its class, or its
 * spare: true and
 * @out, @txn filled; false if the general path must serve it (nothing
 * changed).
 */
static bool ea_alloc_fast(struct ea_instance *inst, u64 size, u32 owner,
			  struct ea_alloc_info *out, struct ea_txn *txn)
{
	unsigned int cls = ea_class_of(size);
	struct ea_stats *st = &inst->st;
	u64 csize = ea_class_size(cls);
	struct ea_slab *slab;
	struct ea_slot *s;
	unsigned int slot;
	u32 id = inst->next_id;
	u64 offset;

	if (!size || cls >= EA_NR_CLASSES || !ea_is_slab_class(cls) ||
	    id > INT_MAX || ea_id_needs(inst) ||
	    !ea_fast_ok(inst, EA_EV_ALLOC))
		return false;
	slab = list_first_entry_or_null(&inst->classes[cls].partial,
					struct ea_slab, node);
	if (!slab) {
		/* The class's spare, kept for this: an alloc+free loop. */
		slab = inst->classes[cls].spare;
		if (!slab)
			return false;
		inst->classes[cls].spare = NULL;
		list_add(&slab->node, &inst->classes[cls].partial);
	}

	slot = slab->free;
	s = &slab->slots[slot];
	slab->free = s->next;
	if (++slab->inuse == slab->nr_slots)
		list_del_init(&slab->node);
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
	offset = ea_slot_offset(slab, slot);
	memset(inst->arena + offset, 0, size);
	ea_id_set(inst, id, offset << 1 | 1);
	inst->next_id++;

	st->allocs++;
	st->live_requested += size;
	st->live_allocated += csize;
	st->peak_requested = max(st->peak_requested, st->live_requested);
	st->peak_allocated = max(st->peak_allocated, st->live_allocated);
	st->cls[cls].allocs++;
	st->cls[cls].waste += csize - size;
	if (out)
		*out = (struct ea_alloc_info) {
			.id = id,
			.cls = cls,
			.owner = owner,
			.offset = offset,
			.size = size,
			.class_size = csize,
		};
	return true;
}

/*
 * Free live small allocation @id (named by its ID alone): true and @out
 * filled; false if the general path must serve it (nothing changed).
 */
static bool ea_free_fast(struct ea_instance *inst, int id,
			 struct ea_alloc_info *out)
{
	struct ea_stats *st = &inst->st;
	struct ea_slab *slab;
	struct ea_page *pg;
	struct ea_slot *s;
	struct ea_loc loc;
	u64 entry, offset, csize;

	if (!ea_id_issued(inst, id) || !ea_fast_ok(inst, EA_EV_FREE))
		return false;
	entry = ea_id_get(inst, id);
	if (!(entry & 1))
		return false;		/* freed (the general path says how), or large */
	offset = entry >> 1;
	pg = &inst->pages[offset >> PAGE_SHIFT];
	if (pg->kind != EA_PAGE_SLAB)
		return false;
	slab = pg->slab;
	loc.slot = offset_in_page(offset) >> (slab->cls + EA_MIN_SHIFT);
	s = &slab->slots[loc.slot];
	if (s->id != id)
		return false;		/* the old ID of a pending realloc in place */

	csize = ea_class_size(slab->cls);
	if (out)
		*out = (struct ea_alloc_info) {
			.id = id,
			.cls = slab->cls,
			.owner = s->owner,
			.offset = offset,
			.size = s->size,
			.class_size = csize,
		};
	ea_id_clear(inst, id);
	st->frees++;
	st->live_requested -= s->size;
	st->live_allocated -= csize;
	st->cls[slab->cls].frees++;
	st->cls[slab->cls].waste -= csize - s->size;
	loc.slab = slab;
	ea_free_slot(inst, &loc, false, 0);
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
	unsigned int cls = ea_class_of(new_size);
	struct ea_stats *st = &inst->st;
	u32 new_id = inst->next_id;
	struct ea_slot *s = NULL;
	struct ea_page *pg;
	u64 entry, offset, csize, old_size;

	if (!inst->realloc_in_place || !new_size || cls >= EA_NR_CLASSES ||
	    new_id > INT_MAX || !ea_id_issued(inst, id) || ea_id_needs(inst) ||
	    !ea_fast_ok(inst, EA_EV_REALLOC))
		return false;
	entry = ea_id_get(inst, id);
	if (!(entry & 1))
		return false;		/* freed (the general path says how), or large */
	offset = entry >> 1;
	pg = &inst->pages[offset >> PAGE_SHIFT];
	if (pg->kind == EA_PAGE_SLAB) {
		if (pg->slab->cls != cls)
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
	ea_id_set(inst, new_id, entry);
	inst->next_id++;
	ea_id_clear(inst, id);

	csize = ea_class_size(cls);
	st->frees++;
	st->allocs++;
	st->reallocs++;
	st->cls[cls].frees++;
	st->cls[cls].allocs++;
	st->live_requested += new_size - old_size;
	st->cls[cls].waste -= new_size - old_size;
	st->peak_requested = max(st->peak_requested, st->live_requested);
	if (out)
		*out = (struct ea_alloc_info) {
			.id = new_id,
			.cls = cls,
			.owner = owner,
			.offset = offset,
			.size = new_size,
			.class_size = csize,
		};
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
	unsigned int cls = ea_class_of(size);
	struct ea_prep prep = {};
	struct ea_loc loc;

	/* What ea_alloc_try() and ea_alloc_block() would refuse, checked first. */
	if (!size || cls >= EA_NR_CLASSES || ea_is_slab_class(cls) ||
	    size > inst->arena_size || inst->next_id > INT_MAX ||
	    ea_id_needs(inst) || !ea_fast_ok(inst, EA_EV_ALLOC) ||
	    !ea_buddy_can_alloc(inst, ea_block_order(cls)))
		return false;
	inst->op = EA_OP_ALLOC;		/* for the buddy's own events */
	if (ea_alloc_locked(inst, size, owner, &loc, txn, &prep))
		return false;		/* cannot happen: checked above */
	ea_loc_info(&loc, out);
	return true;
}

/*
 * Free live block @id (a class of a page or more, named by its ID alone):
 * true and @out filled; false if the general path must serve it.
 */
static bool ea_free_block_fast(struct ea_instance *inst, int id,
			       struct ea_alloc_info *out)
{
	struct ea_loc loc;
	unsigned int page;
	u64 entry;

	if (!ea_id_issued(inst, id) || !ea_fast_ok(inst, EA_EV_FREE))
		return false;
	entry = ea_id_get(inst, id);
	if (!(entry & 1))
		return false;		/* freed, or large */
	page = entry >> (PAGE_SHIFT + 1);
	if (inst->pages[page].kind != EA_PAGE_BLOCK ||
	    inst->pages[page].blk.id != id)
		return false;
	ea_loc_block(inst, page, &loc);
	inst->op = EA_OP_FREE;
	ea_loc_info(&loc, out);
	ea_free_loc(inst, &loc, NULL);	/* a block: no area to free later */
	return true;
}
