// SPDX-License-Identifier: GPL-2.0
/*
 * The ID map: from an ID, or an offset, to the allocation.
 *
 * IDs are positive ints handed out by a counter, never reused within an
 * instance's life: an ID below the counter that the map no longer holds
 * was freed, one at or above it was never issued. That tells a double free
 * (-EALREADY) from a wild one (-ENOENT), and a stale ID (-ESTALE: an old ID
 * given with the offset of whatever lives there now) from both. Nothing is
 * random, so the same operations on a new or reset instance give the same
 * IDs and offsets.
 *
 * ID -> allocation: the xarray inst->ids holds xa_mk_value(offset) for an
 * arena allocation and the struct ea_large * of a large one. The next ID's
 * slot is reserved ahead (ea_reserve_ahead()), so storing never allocates.
 * Offset -> allocation: ea_where() reads the page descriptor (a slab's slot,
 * a block's head) or, above EA_LARGE_BASE, the ID encoded in the offset.
 *
 * Invariants: the map holds exactly the live allocations, each naming back
 * its ID; first_id <= live IDs < next_id.
 * Locking: the instance lock.
 */

/*
 * Make sure the next ID has a slot in the xarray, so storing cannot fail.
 * Usually ea_reserve_ahead() did it already and there is nothing to ask.
 */
static int ea_reserve_id(struct ea_instance *inst)
{
	if (inst->reserved_id == inst->next_id)
		return 0;
	if (ea_should_fail(inst))
		return -ENOMEM;
	return xa_reserve(&inst->ids, inst->next_id, GFP_KERNEL_ACCOUNT);
}

/*
 * After an allocation, reserve the slot of the ID after it. IDs only grow,
 * so without this a program that allocates and frees one object in a loop
 * empties the xarray node at every free (the node goes back through RCU)
 * and needs a new one at the next allocation: that was most of the cost
 * of an alloc+free pair. A reserved slot keeps its node alive, so a node
 * is allocated once per XA_CHUNK_SIZE (64) IDs. Nothing depends on it: if
 * it fails, ea_reserve_id() asks again, and can fail cleanly, next time.
 */
static void ea_reserve_ahead(struct ea_instance *inst)
{
	if (inst->next_id <= INT_MAX &&
	    !xa_reserve(&inst->ids, inst->next_id, GFP_KERNEL_ACCOUNT | __GFP_NOWARN))
		inst->reserved_id = inst->next_id;
}

/* Whether @id was ever issued by this instance. */
static bool ea_id_issued(struct ea_instance *inst, int id)
{
	return id > 0 && (u32)id >= inst->first_id && (u32)id < inst->next_id;
}

/* The live allocation an xarray entry names. */
static void ea_loc_entry(struct ea_instance *inst, void *entry,
			 struct ea_loc *loc)
{
	u64 offset;
	struct ea_page *pg;

	if (!xa_is_value(entry)) {
		ea_loc_large(entry, loc);
		return;
	}
	offset = xa_to_value(entry);
	pg = &inst->pages[offset >> PAGE_SHIFT];
	if (pg->kind == EA_PAGE_SLAB)
		ea_loc_slot(inst, pg->slab, offset_in_page(offset) >>
			    (pg->slab->cls + EA_MIN_SHIFT), loc);
	else
		ea_loc_block(inst, offset >> PAGE_SHIFT, loc);
}

/*
 * Find live allocation @id: 0, -ENOENT if it was never issued, -EALREADY
 * if it was freed.
 */
static int ea_find_id(struct ea_instance *inst, int id, struct ea_loc *loc)
{
	void *entry;

	if (!ea_id_issued(inst, id))
		return -ENOENT;
	entry = xa_load(&inst->ids, id);
	if (!entry)
		return -EALREADY;
	ea_loc_entry(inst, entry, loc);
	return 0;
}

static enum ea_where ea_where_in(const struct ea_loc *loc, u64 offset)
{
	if (offset == loc->offset)
		return EA_AT_START;
	if (offset - loc->offset < loc->size)
		return EA_AT_INSIDE;
	return EA_AT_SLACK;
}

/* What is at @offset of the instance's address space; fills @loc if live. */
static enum ea_where ea_where(struct ea_instance *inst, u64 offset,
			      struct ea_loc *loc)
{
	struct ea_page *pg;
	struct ea_large *large;
	u64 rel, id;

	if (offset >= EA_LARGE_BASE) {
		rel = offset - EA_LARGE_BASE;
		id = rel >> EA_LARGE_SHIFT;
		if (id > INT_MAX || !ea_id_issued(inst, id))
			return EA_AT_NOTHING;
		large = xa_load(&inst->ids, id);
		if (!large)	/* freed; large or not, the engine keeps no history */
			return offset == ea_large_offset(id) ? EA_AT_FREED :
			       EA_AT_NOTHING;
		if (xa_is_value(large))
			return EA_AT_NOTHING;
		ea_loc_large(large, loc);
		if (offset - loc->offset >= large->area_size)
			return EA_AT_NOTHING;
		return ea_where_in(loc, offset);
	}
	if (offset >= inst->arena_size)
		return EA_AT_NOTHING;

	pg = &inst->pages[offset >> PAGE_SHIFT];
	switch (pg->kind) {
	case EA_PAGE_SLAB: {
		struct ea_slab *slab = pg->slab;
		unsigned int slot = offset_in_page(offset) >>
				    (slab->cls + EA_MIN_SHIFT);

		if (!slab->slots[slot].size)
			return offset == ea_slot_offset(slab, slot) ?
			       EA_AT_FREED : EA_AT_NOTHING;
		ea_loc_slot(inst, slab, slot, loc);
		return ea_where_in(loc, offset);
	}
	case EA_PAGE_BLOCK:
		ea_loc_block(inst, offset >> PAGE_SHIFT, loc);
		return ea_where_in(loc, offset);
	case EA_PAGE_BLOCK_TAIL:
		ea_loc_block(inst, pg->head_page, loc);
		return ea_where_in(loc, offset);
	default:
		return EA_AT_NOTHING;
	}
}

static void ea_loc_info(const struct ea_loc *loc, struct ea_alloc_info *out)
{
	if (!out)
		return;
	*out = (struct ea_alloc_info) {
		.id = loc->id,
		.cls = loc->cls,
		.owner = loc->owner,
		.offset = loc->offset,
		.size = loc->size,
		.class_size = loc->class_size,
	};
}
