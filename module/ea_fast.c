// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path: the common small allocation and free, short.
 *
 * Most requests are small, find a slot in their class's first partial
 * slab (or its spare), and need nothing from the kernel. For them, with the debug checks
 * and the timing statistics off and no listener wanting the decisions
 * (explain events), ea_alloc() and ea_free() come here first: under the
 * instance spinlock, pop (or push) one slot, write the ID's map entry,
 * update the counters that cannot be derived later, zero the requested
 * bytes, report the ALLOC or FREE event if it is wanted, return. Anything
 * else (a new slab, a new leaf of the ID map, a block, the large path,
 * red zones, a decision to explain, an error to report) falls back to the
 * general path, which makes the same decisions: the same calls give the
 * same IDs and offsets whichever path served them.
 *
 * Invariants: as the general path's (ea_alloc.c); this file adds none.
 * Locking: the instance lock, held by the caller.
 */

/*
 * Whether the fast path may serve @inst: nothing to check or time, and no
 * listener that wants the decisions it skips (its own ALLOC or FREE event
 * it reports, ea_fast_emit()). Sets the operation for the events.
 */
static bool ea_fast_ok(struct ea_instance *inst, enum ea_op op)
{
	if (inst->debug || inst->timing ||
	    (inst->notify && (!inst->events || test_bit(EA_EV_CLASS, inst->events) ||
			      test_bit(EA_EV_FREELIST_HIT, inst->events))))
		return false;
	inst->op = op;
	return true;
}

/*
 * The fast path's ALLOC or FREE event, which its listener wants: the
 * general path's (ea_emit_loc()), built in one go.
 */
static void ea_fast_emit(struct ea_instance *inst, enum ea_event_type type,
			 const struct ea_alloc_info *a)
{
	struct ea_event ev = {
		.type = type,
		.id = a->id,
		.cls = a->cls,
		.size = a->size,
		.offset = a->offset,
		.aux = a->owner,
		.op = inst->op,
	};

	lockdep_assert_held(&inst->lock);
	inst->notify(inst->priv, &ev);
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
	struct ea_alloc_info info;
	u64 csize = ea_class_size(cls);
	struct ea_slab *slab;
	struct ea_slot *s;
	unsigned int slot;
	u32 id = inst->next_id;
	u64 offset;

	if (!size || cls >= EA_NR_CLASSES || !ea_is_slab_class(cls) ||
	    id > INT_MAX || ea_id_needs(inst) ||
	    !ea_fast_ok(inst, EA_OP_ALLOC))
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
	info = (struct ea_alloc_info) {
		.id = id,
		.cls = cls,
		.owner = owner,
		.offset = offset,
		.size = size,
		.class_size = csize,
	};
	if (out)
		*out = info;
	if (unlikely(ea_wants(inst, EA_EV_ALLOC)))
		ea_fast_emit(inst, EA_EV_ALLOC, &info);
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
	struct ea_alloc_info info;
	struct ea_slab *slab;
	struct ea_page *pg;
	struct ea_slot *s;
	struct ea_loc loc;
	u64 entry, offset, csize;

	if (!ea_id_issued(inst, id) || !ea_fast_ok(inst, EA_OP_FREE))
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
	info = (struct ea_alloc_info) {
		.id = id,
		.cls = slab->cls,
		.owner = s->owner,
		.offset = offset,
		.size = s->size,
		.class_size = csize,
	};
	if (out)
		*out = info;
	ea_id_clear(inst, id);
	st->frees++;
	st->live_requested -= s->size;
	st->live_allocated -= csize;
	st->cls[slab->cls].frees++;
	st->cls[slab->cls].waste -= csize - s->size;
	loc.slab = slab;
	ea_free_slot(inst, &loc, false, 0);
	if (unlikely(ea_wants(inst, EA_EV_FREE)))
		ea_fast_emit(inst, EA_EV_FREE, &info);
	return true;
}
