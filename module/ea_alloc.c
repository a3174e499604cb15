// SPDX-License-Identifier: GPL-2.0
/*
 * The paths through the allocators, below the lock: one allocation, one
 * free, one reallocation, one undo.
 *
 * An allocation picks the class (ea_classes.c), checks that it can
 * succeed, gets every piece of kernel memory it needs (a slab descriptor,
 * a large area, the ID's map slot), and only then commits with steps that
 * cannot fail: a failure changes nothing but the failure counters. A free
 * finds its target through the ID map (ea_idmap.c), checks the red zone,
 * poisons and gives the memory back. A success can be taken back, too:
 * struct ea_txn records what an allocation changed beyond the obvious (the
 * peaks, the slot's previous occupant, a slab made for it) and
 * ea_unalloc_loc() undoes it all, uncounted. A reallocation that moves
 * zeroes only the new bytes its copy does not cover (inst->fill_skip): what
 * the caller gets is its own old contents or zeroes, never anyone else's.
 *
 * Invariants: an operation either fails with nothing changed but failure
 * counters, or succeeds whole.
 * Locking: every function here runs with the instance lock held.
 */

/* What an allocation of @size will need from the kernel: EA_NEED_*. */
static unsigned int ea_alloc_needs(struct ea_instance *inst, u64 size)
{
	unsigned int cls = ea_class_of(size);
	struct ea_class *c;

	if (!size || size > inst->arena_size || inst->next_id > INT_MAX)
		return 0;	/* refused anyway */
	if (cls == EA_CLASS_LARGE) {
		if (PAGE_ALIGN(size) > EA_LARGE_MAX ||
		    ea_used_bytes(inst) + PAGE_ALIGN(size) > inst->arena_size)
			return 0;
		return EA_NEED_LARGE | ea_id_needs(inst);
	}
	if (!ea_is_slab_class(cls))
		return ea_buddy_can_alloc(inst, ea_block_order(cls)) ?
		       ea_id_needs(inst) : 0;
	c = &inst->classes[cls];
	if (list_empty(&c->partial)) {
		if (!ea_buddy_can_alloc(inst, 0))
			return 0;
		/* A descriptor kept from a released slab serves (ea_slab.c). */
		return (list_empty(&c->descs) ? EA_NEED_SLAB : 0) |
		       ea_id_needs(inst);
	}
	return ea_id_needs(inst);
}

/*
 * With the lock held, get (dropping it meanwhile) what an allocation of
 * @size needs; on return the lock is held and @prep holds it all, or an
 * allocation failed (prep->failed).
 */
static void ea_alloc_prepare(struct ea_instance *inst, u64 size,
			     struct ea_prep *prep)
{
	while (ea_prepare(inst, ea_alloc_needs(inst, size), ea_class_of(size),
			  size, prep))
		;
}

static int ea_alloc_try(struct ea_instance *inst, struct ea_req *req,
			u32 owner, struct ea_loc *loc)
{
	int ret;

	if (!req->size)
		return ea_refuse(inst, req, EA_ERR_ZERO_SIZE);
	if (ea_wants(inst, EA_EV_CLASS)) {
		struct ea_event ev = {
			.type = EA_EV_CLASS,
			.cls = req->cls,
			.size = req->size,
		};

		if (req->cls == EA_CLASS_LARGE)
			ev.aux = PAGE_ALIGN(req->size) - req->size;
		else
			ev.aux = ea_class_size(req->cls) - req->size;
		ea_emit(inst, &ev);
	}
	if (req->size > inst->arena_size)
		return ea_refuse(inst, req, EA_ERR_TOO_BIG);
	if (inst->next_id > INT_MAX)
		return ea_refuse(inst, req, EA_ERR_NO_IDS);

	if (req->cls == EA_CLASS_LARGE)
		ret = ea_alloc_large(inst, req, owner, loc);
	else if (ea_is_slab_class(req->cls))
		ret = ea_alloc_slot(inst, req, owner, loc);
	else
		ret = ea_alloc_block(inst, req, owner, loc);
	if (ret)
		return ret;

	/* ea_id_ready() made room: this writes one word. */
	ea_id_set(inst, inst->next_id, ea_id_entry(loc));
	inst->next_id++;
	ea_account_alloc(inst, loc);
	return 0;
}

/*
 * Allocate @size bytes: 0 and @loc filled, or -errno with nothing changed.
 * @txn records what ea_abort() needs to take the allocation back; @prep
 * holds what ea_alloc_prepare() got for it.
 */
static int ea_alloc_locked(struct ea_instance *inst, u64 size, u32 owner,
			   struct ea_loc *loc, struct ea_txn *txn,
			   struct ea_prep *prep)
{
	struct ea_req req = { .size = size, .cls = ea_class_of(size),
			      .prep = prep };
	struct ea_stats *st = &inst->st;
	u64 t0 = inst->timing ? ktime_get_ns() : 0;
	int ret;

	txn->epoch = inst->epoch;
	txn->peak_requested = st->peak_requested;
	txn->peak_allocated = st->peak_allocated;
	txn->peak_used = st->peak_used;
	txn->old_id = 0;
	txn->in_place = false;
	ret = ea_alloc_try(inst, &req, owner, loc);
	if (ret) {
		st->failed_allocs++;
		if (size && req.cls < EA_NR_CLASSES)
			st->cls[req.cls].failures++;
		return ret;
	}
	txn->ns = inst->timing ? ktime_get_ns() - t0 : 0;
	st->alloc_ns += txn->ns;
	txn->id = loc->id;
	txn->slot_prev_id = req.slot_prev_id;
	txn->fresh_slab = req.fresh_slab;
	return 0;
}

/*
 * Free the live allocation at @loc. Cannot fail. A large area goes on
 * @prep's dead list, to be freed once the lock is dropped. @no_spare: a
 * slab it leaves empty goes back to the buddy allocator even if its class
 * has no spare (ea_free_slot()).
 */
static void ea_free_loc(struct ea_instance *inst, struct ea_loc *loc,
			struct ea_prep *prep, bool no_spare)
{
	struct ea_stats *st = &inst->st;
	u64 t0 = inst->timing ? ktime_get_ns() : 0;

	if (inst->debug) {
		ea_check_fill(inst, loc->mem + loc->size, loc->offset + loc->size,
			      loc->class_size - loc->size, EA_RED_ZONE,
			      EA_ERR_REDZONE, loc->id);
		if (!loc->large)
			memset(loc->mem, EA_POISON_FREE, loc->class_size);
	}
	ea_id_clear(inst, loc->id);
	ea_account_free(inst, loc);

	if (loc->large)
		ea_free_large(inst, loc, prep);
	else if (loc->slab)
		ea_free_slot(inst, loc, no_spare, 0);
	else
		ea_free_block(inst, loc, loc->id);
	if (inst->timing)
		st->free_ns += ktime_get_ns() - t0;
}

/*
 * Which allocation does a free name? 0 and @loc, or -errno (refused).
 * @by_offset: @offset was given (with @id > 0 it must then agree; 0 is a
 * real offset, the arena's first byte).
 */
static int ea_free_target(struct ea_instance *inst, int id, u64 offset,
			  bool by_offset, struct ea_loc *loc)
{
	struct ea_req req = { .id = id, .offset = offset, .cls = EA_NO_CLASS };
	struct ea_loc other;
	int ret;

	if (id < 0)
		return ea_refuse(inst, &req, EA_ERR_UNKNOWN_ID);
	if (id) {
		ret = ea_find_id(inst, id, loc);
		if (ret == -ENOENT)
			return ea_refuse(inst, &req, EA_ERR_UNKNOWN_ID);
		if (ret == -EALREADY) {
			/* Someone else lives where @id used to: a stale ID. */
			if (by_offset && ea_where(inst, offset, &other) == EA_AT_START)
				return ea_refuse(inst, &req, EA_ERR_STALE_ID);
			return ea_refuse(inst, &req, EA_ERR_DOUBLE_FREE);
		}
		if (by_offset && offset != loc->offset)
			return ea_refuse(inst, &req, EA_ERR_STALE_ID);
		return 0;
	}

	switch (ea_where(inst, offset, loc)) {
	case EA_AT_START:
		return 0;
	case EA_AT_FREED:
		return ea_refuse(inst, &req, EA_ERR_DOUBLE_FREE);
	default:
		return ea_refuse(inst, &req, EA_ERR_BAD_OFFSET);
	}
}

/*
 * Can live allocation @old be reallocated to @new_size where it is? With
 * inst->realloc_in_place, when its class does not change (a large area:
 * when its page-rounded size does not); a block (a class of a page or
 * more) also when it can grow into its free buddies or give back its
 * tail, but only if the reallocation is @whole (committed at once: a
 * pending one could not be undone exactly).
 */
static bool ea_can_stay(struct ea_instance *inst, const struct ea_loc *old,
			u64 new_size, bool whole)
{
	unsigned int cls = ea_class_of(new_size);
	unsigned int from, to;

	if (!inst->realloc_in_place || !new_size ||
	    new_size > inst->arena_size || inst->next_id > INT_MAX)
		return false;
	/* A per-CPU cache's free could take a slot that changes IDs here. */
	if (old->slab && inst->pcp)
		return false;
	if (old->large)
		return cls == EA_CLASS_LARGE &&
		       PAGE_ALIGN(new_size) == old->class_size;
	if (cls == old->cls)
		return true;
	if (old->slab || cls == EA_CLASS_LARGE || ea_is_slab_class(cls) || !whole)
		return false;
	from = ea_block_order(old->cls);
	to = ea_block_order(cls);
	return to < from || ea_block_can_grow(inst, old->page, from, to);
}

/* What reallocating @id to @new_size will need from the kernel: EA_NEED_*. */
static unsigned int ea_realloc_needs(struct ea_instance *inst, int id,
				     u64 new_size, bool whole)
{
	struct ea_loc old;

	if (ea_find_id(inst, id, &old))
		return 0;	/* refused */
	if (ea_can_stay(inst, &old, new_size, whole))
		return ea_id_needs(inst);
	return ea_alloc_needs(inst, new_size);
}

/*
 * Reallocate @old in place (ea_can_stay() said it can): it takes the next
 * ID and @new_size, keeps its contents, and bytes it gains are zeroed. The
 * old ID's map entry stays until ea_realloc_finish(), but the old ID
 * already reads as freed (its record names the new ID). With the debug
 * checks, the old red zone is checked (as a free would) and, for a
 * shrink, the new one is laid by ea_realloc_finish(), so that an abort
 * finds the old contents whole.
 */
static void ea_realloc_here(struct ea_instance *inst, struct ea_loc *old,
			    u64 new_size, u32 owner, struct ea_loc *loc,
			    struct ea_txn *txn)
{
	struct ea_stats *st = &inst->st;
	unsigned int cls = ea_class_of(new_size);
	u32 id = inst->next_id;

	if (inst->debug)
		ea_check_fill(inst, old->mem + old->size, old->offset + old->size,
			      old->class_size - old->size, EA_RED_ZONE,
			      EA_ERR_REDZONE, old->id);
	*loc = *old;
	if (old->large) {
		old->large->id = id;
		old->large->owner = owner;
		old->large->size = new_size;
		ea_loc_large(old->large, loc);
	} else if (old->slab) {
		struct ea_slot *s = &old->slab->slots[old->slot];

		s->id = id;
		s->owner = owner;
		s->size = new_size;
		ea_loc_slot(inst, old->slab, old->slot, loc);
	} else {
		struct ea_page *pg = &inst->pages[old->page];

		if (cls != old->cls) {
			ea_block_resize(inst, old->page, ea_block_order(old->cls),
					ea_block_order(cls), old->id);
			st->cls[old->cls].slabs--;
			st->cls[old->cls].slots_total--;
			st->cls[cls].slabs++;
			st->cls[cls].slots_total++;
			pg->cls = cls;
		}
		pg->blk.id = id;
		pg->blk.owner = owner;
		pg->blk.size = new_size;
		ea_loc_block(inst, old->page, loc);
	}
	if (new_size > old->size)
		memset(loc->mem + old->size, 0, new_size - old->size);
	if (inst->debug && loc->class_size > old->class_size)
		memset(loc->mem + new_size, EA_RED_ZONE,
		       loc->class_size - new_size);

	ea_id_set(inst, id, ea_id_entry(loc));
	inst->next_id++;
	ea_account_free(inst, old);
	ea_account_alloc(inst, loc);

	txn->id = id;
	txn->in_place = true;
	txn->old_size = old->size;
	txn->old_owner = old->owner;
	txn->old_class_size = old->class_size;
}

/*
 * Reallocate: in place when the instance allows it and the class does
 * not change (ea_can_stay()); else allocate anew and copy, the old
 * allocation staying live until ea_realloc_finish(). @whole: the caller
 * commits at once (ea_realloc()).
 */
static int ea_realloc_locked(struct ea_instance *inst, int id, u64 new_size,
			     u32 owner, struct ea_loc *loc, struct ea_txn *txn,
			     struct ea_prep *prep, bool whole)
{
	struct ea_loc old;
	int ret;

	ret = ea_find_id(inst, id, &old);
	if (ret)
		return ea_refuse_id(inst, id, ret);
	if (ea_can_stay(inst, &old, new_size, whole) && ea_id_ready(inst, prep)) {
		struct ea_stats *st = &inst->st;
		u64 t0 = inst->timing ? ktime_get_ns() : 0;

		*txn = (struct ea_txn) {
			.epoch = inst->epoch,
			.peak_requested = st->peak_requested,
			.peak_allocated = st->peak_allocated,
			.peak_used = st->peak_used,
			.old_id = id,
		};
		ea_realloc_here(inst, &old, new_size, owner, loc, txn);
		txn->ns = inst->timing ? ktime_get_ns() - t0 : 0;
		st->alloc_ns += txn->ns;
		return 0;
	}
	inst->fill_skip = min(old.size, new_size);	/* copied just below */
	/* Only where it may grow in place afterwards. */
	inst->grow_move = inst->realloc_in_place && new_size > old.size;
	ret = ea_alloc_locked(inst, new_size, owner, loc, txn, prep);
	inst->grow_move = false;
	inst->fill_skip = 0;
	if (ret)
		return ret;
	memcpy(loc->mem, old.mem, min(old.size, new_size));
	txn->old_id = id;
	txn->in_place = false;
	return 0;
}

/*
 * Finish a reallocation and count it; @loc is the new allocation (NULL if
 * it is gone: freed by someone else meanwhile). Moved: free the old one.
 * In place: drop the old ID's map entry and lay the red zone of a shrink.
 */
static void ea_realloc_finish(struct ea_instance *inst,
			      const struct ea_txn *txn, struct ea_loc *loc,
			      struct ea_prep *prep)
{
	struct ea_loc old;

	if (txn->in_place) {
		if (ea_id_get(inst, txn->old_id))
			ea_id_clear(inst, txn->old_id);
		if (!loc)
			return;
		if (inst->debug && loc->size < txn->old_size &&
		    loc->class_size == txn->old_class_size)
			memset(loc->mem + loc->size, EA_RED_ZONE,
			       min(txn->old_size, loc->class_size) - loc->size);
	} else {
		if (!loc)
			return;
		/*
		 * A buffer that grew out of its class does not come back to
		 * it: the slab it leaves empty is not kept as the spare.
		 */
		if (!ea_find_id(inst, txn->old_id, &old) &&
		    ea_pcp_claim(inst, &old))
			ea_free_loc(inst, &old, prep,
				    loc->class_size > old.class_size);
	}
	inst->st.reallocs++;
	ea_emit_loc(inst, EA_EV_REALLOC, loc, txn->old_id);
}

/* The counters an allocation (@loc, by @txn) added, taken off again. */
static void ea_uncount_alloc(struct ea_stats *st, const struct ea_loc *loc,
			     const struct ea_txn *txn)
{
	st->allocs--;
	st->live_requested -= loc->size;
	st->live_allocated -= loc->class_size;
	st->alloc_ns -= txn->ns;
	if (loc->cls < EA_NR_CLASSES) {
		st->cls[loc->cls].allocs--;
		st->cls[loc->cls].waste -= loc->class_size - loc->size;
	}
}

/*
 * Take back a reallocation made in place (@loc, by @txn): the allocation
 * gets its old ID, size and owner back, uncounted. @exact as for
 * ea_unalloc_loc().
 */
static void ea_unrealloc_here(struct ea_instance *inst, struct ea_loc *loc,
			      const struct ea_txn *txn, bool exact)
{
	struct ea_stats *st = &inst->st;
	struct ea_loc old;

	if (exact)
		inst->next_id = txn->id;
	ea_id_clear(inst, txn->id);
	st->frees--;
	ea_uncount_alloc(st, loc, txn);
	/* The slack it had gained was red zone (debug) or nobody's. */
	if (inst->debug && loc->size > txn->old_size)
		memset(loc->mem + txn->old_size, EA_RED_ZONE,
		       loc->size - txn->old_size);
	if (loc->large) {
		loc->large->id = txn->old_id;
		loc->large->size = txn->old_size;
		loc->large->owner = txn->old_owner;
		ea_loc_large(loc->large, &old);
	} else if (loc->slab) {
		struct ea_slot *s = &loc->slab->slots[loc->slot];

		s->id = txn->old_id;
		s->size = txn->old_size;
		s->owner = txn->old_owner;
		ea_loc_slot(inst, loc->slab, loc->slot, &old);
	} else {
		struct ea_page *pg = &inst->pages[loc->page];

		pg->blk.id = txn->old_id;
		pg->blk.size = txn->old_size;
		pg->blk.owner = txn->old_owner;
		ea_loc_block(inst, loc->page, &old);
	}
	st->live_requested += old.size;
	st->live_allocated += old.class_size;
	if (old.cls < EA_NR_CLASSES) {
		st->cls[old.cls].frees--;
		st->cls[old.cls].waste += old.class_size - old.size;
	}
	if (exact) {
		st->peak_requested = txn->peak_requested;
		st->peak_allocated = txn->peak_allocated;
		st->peak_used = txn->peak_used;
	}
}

/*
 * Take back the allocation at @loc, made by @txn: it is uncounted (not
 * counted as freed) and its memory goes back where it came from. @exact:
 * nothing was allocated since, so the ID counter and the peaks go back
 * too and a slab made for it is released rather than kept as the spare,
 * which leaves the instance exactly as before the allocation (bar the
 * contents of free memory when the debug checks are off).
 */
static void ea_unalloc_loc(struct ea_instance *inst, struct ea_loc *loc,
			   const struct ea_txn *txn, bool exact,
			   struct ea_prep *prep)
{
	struct ea_stats *st = &inst->st;

	/* First, so that the ID's leaf stays: it is not fully issued again. */
	if (exact)
		inst->next_id = txn->id;
	/* Its caller never learnt of it: no red zone check, just the poison. */
	if (inst->debug && !loc->large)
		memset(loc->mem, EA_POISON_FREE, loc->class_size);
	ea_id_clear(inst, loc->id);
	ea_uncount_alloc(st, loc, txn);

	if (loc->large) {
		ea_free_large(inst, loc, prep);
	} else if (loc->slab) {
		loc->slab->slots[loc->slot].id = txn->slot_prev_id;
		ea_free_slot(inst, loc, exact && txn->fresh_slab,
			     EA_KEEP_LAST_ID);
	} else {
		ea_free_block(inst, loc, EA_KEEP_LAST_ID);
	}

	if (exact) {
		st->peak_requested = txn->peak_requested;
		st->peak_allocated = txn->peak_allocated;
		st->peak_used = txn->peak_used;
	}
}

/* Find @id and check [pos, pos + len) against its size. */
static int ea_rw_target(struct ea_instance *inst, int id, u64 pos, size_t len,
			struct ea_loc *loc)
{
	struct ea_req req = { .id = id, .offset = pos, .size = len,
			      .cls = EA_NO_CLASS };
	int ret;

	ret = ea_find_id(inst, id, loc);
	if (ret)
		return ea_refuse_id(inst, id, ret);
	if (pos > loc->size || len > loc->size - pos)
		return ea_refuse(inst, &req, EA_ERR_BAD_RANGE);
	return 0;
}
