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
 * ID -> allocation: a two-level table, indexed from the first ID. The top
 * level (inst->ids) has one entry per 64 IDs, pointing to a 512-byte leaf
 * of 64 entries (small, for the small programs it is counted against), each the
 * allocation's place: (offset << 1) | 1 in the arena, or the struct
 * ea_large * of a large one, 0 when the ID is not live. An allocation
 * writes its entry once and a free writes 0: no search, no lock of its
 * own, no memory on the fast path. Leaves (and a bigger top level) are
 * allocated ahead, before the lock (ea_prepare()); a leaf whose IDs have
 * all been issued and freed is freed, or serves again as the leaf after
 * the next ID's, so a long-lived instance keeps only the leaves of IDs
 * still live and one ahead.
 * Offset -> allocation: ea_where() reads the page descriptor (a slab's slot,
 * a block's head) or, above EA_LARGE_BASE, the ID encoded in the offset.
 *
 * Invariants: the map holds exactly the live allocations, each naming back
 * its ID; first_id <= live IDs < next_id; top[i].live counts the non-zero
 * entries of leaf i (with per-CPU caches, also the IDs of the leaf that a
 * CPU reserved and not issued, or freed and not settled: ea_percpu.c).
 * Locking: the instance lock.
 */

/* Whether @id was ever issued by this instance. */
static bool ea_id_issued(struct ea_instance *inst, int id)
{
	return id > 0 && (u32)id >= inst->first_id && (u32)id < inst->next_id;
}

/*
 * IDs are counted from the instance's first ID: the map's index of @id
 * (which must be at least first_id).
 */
static u32 ea_id_rel(struct ea_instance *inst, u32 id)
{
	return id - inst->first_id;
}

/* The map's entry for @id: 0 if it is not live. */
static u64 ea_id_get(struct ea_instance *inst, u32 id)
{
	u32 rel = ea_id_rel(inst, id);
	unsigned int i = rel >> EA_ID_LEAF_SHIFT;

	if (id < inst->first_id || i >= inst->nr_top || !inst->ids[i].leaf)
		return 0;
	return READ_ONCE(inst->ids[i].leaf->ent[rel & (EA_ID_LEAF - 1)]);
}

/* The entry that names the allocation at @loc. */
static u64 ea_id_entry(const struct ea_loc *loc)
{
	if (loc->large)
		return (u64)(uintptr_t)loc->large;
	return loc->offset << 1 | 1;
}

/* What the next ID needs before it can be written: EA_NEED_*. */
static unsigned int ea_id_needs(struct ea_instance *inst)
{
	unsigned int i = ea_id_rel(inst, inst->next_id) >> EA_ID_LEAF_SHIFT;

	if (i >= inst->nr_top)
		return EA_NEED_TOP | EA_NEED_LEAF;
	return inst->ids[i].leaf ? 0 : EA_NEED_LEAF;
}

/*
 * Make room for the next ID with what @prep holds: false (nothing changed)
 * if something it needs is missing.
 */
static bool ea_id_ready(struct ea_instance *inst, struct ea_prep *prep)
{
	unsigned int needs = ea_id_needs(inst);
	unsigned int i = ea_id_rel(inst, inst->next_id) >> EA_ID_LEAF_SHIFT;

	if (((needs & EA_NEED_TOP) && (!prep->top || prep->nr_top <= i)) ||
	    ((needs & EA_NEED_LEAF) && !prep->leaf))
		return false;
	if (needs & EA_NEED_TOP) {
		if (inst->nr_top)
			memcpy(prep->top, inst->ids, inst->nr_top * sizeof(*inst->ids));
		prep->old_top = inst->ids;
		/* For ea_pcp_free(), which reads them without the lock. */
		WRITE_ONCE(inst->ids, prep->top);
		/*
		 * The new top, filled, before the count that lets a reader
		 * index that far: pairs with ea_pcp_free()'s acquire.
		 */
		smp_store_release(&inst->nr_top, prep->nr_top);
		prep->top = NULL;
	}
	if (needs & EA_NEED_LEAF) {
		/* Zeroed before a lockless reader (ea_pcp_free()) can find it. */
		smp_store_release(&inst->ids[i].leaf, prep->leaf);
		prep->leaf = NULL;
		inst->st.meta_bytes += sizeof(struct ea_idleaf);
	}
	return true;
}

/* Record live allocation @id (ea_id_ready() made room for it). */
static void ea_id_set(struct ea_instance *inst, u32 id, u64 entry)
{
	u32 rel = ea_id_rel(inst, id);
	struct ea_idtop *top = &inst->ids[rel >> EA_ID_LEAF_SHIFT];

	top->leaf->ent[rel & (EA_ID_LEAF - 1)] = entry;
	top->live++;
}

/*
 * Leaf @i has no live ID left: if all its IDs have been issued, it goes.
 * All its entries are 0, so it serves again as the leaf after the next
 * ID's, if that one is not there yet and the top level reaches it: the
 * allocation that starts it then needs nothing from the kernel. Else it
 * is freed (kfree() does not sleep). Out of line: once per 64 IDs at most.
 */
static noinline void ea_id_leaf_dead(struct ea_instance *inst, unsigned int i)
{
	struct ea_idtop *top = &inst->ids[i];
	u32 next = ea_id_rel(inst, inst->next_id);
	unsigned int j = (next >> EA_ID_LEAF_SHIFT) + 1;

	if ((u64)(i + 1) << EA_ID_LEAF_SHIFT > next)
		return;
	if (!inst->pcp && j < inst->nr_top && !inst->ids[j].leaf) {
		inst->ids[j].leaf = top->leaf;	/* live stays 0 */
		top->leaf = NULL;
		return;
	}
	if (!inst->pcp)
		kfree(top->leaf);
	else if (!ea_pcp_grave(inst, top->leaf))
		return;		/* kept: freed with the map */
	WRITE_ONCE(top->leaf, NULL);
	inst->st.meta_bytes -= sizeof(struct ea_idleaf);
}

/* @id is no longer live. */
static void ea_id_clear(struct ea_instance *inst, u32 id)
{
	u32 rel = ea_id_rel(inst, id);
	unsigned int i = rel >> EA_ID_LEAF_SHIFT;
	struct ea_idtop *top = &inst->ids[i];

	top->leaf->ent[rel & (EA_ID_LEAF - 1)] = 0;
	if (!--top->live)
		ea_id_leaf_dead(inst, i);
}

/*
 * The first live ID at or after *@id, in *@id, and its entry; 0 when there
 * is none. For walks in ID order: O(issued IDs / 512 + live IDs).
 */
static u64 ea_id_next(struct ea_instance *inst, u32 *id)
{
	u32 end = ea_id_rel(inst, inst->next_id);
	u32 n = *id > inst->first_id ? ea_id_rel(inst, *id) : 0;
	u64 ent;

	while (n < end) {
		unsigned int i = n >> EA_ID_LEAF_SHIFT;

		if (i >= inst->nr_top)
			break;
		if (!inst->ids[i].live) {
			n = (i + 1) << EA_ID_LEAF_SHIFT;
			continue;
		}
		ent = inst->ids[i].leaf->ent[n & (EA_ID_LEAF - 1)];
		if (ent) {
			*id = n + inst->first_id;
			return ent;
		}
		n++;
	}
	return 0;
}

/* Free every leaf (the top level stays); the map is then empty. */
static void ea_ids_release(struct ea_instance *inst)
{
	unsigned int i;

	for (i = 0; i < inst->nr_top; i++) {
		kfree(inst->ids[i].leaf);
		inst->ids[i].leaf = NULL;
		inst->ids[i].live = 0;
	}
}

/* The live allocation a map entry names. */
static void ea_loc_entry(struct ea_instance *inst, u64 entry,
			 struct ea_loc *loc)
{
	u64 offset;
	struct ea_page *pg;

	if (!(entry & 1)) {
		ea_loc_large((struct ea_large *)(uintptr_t)entry, loc);
		return;
	}
	offset = entry >> 1;
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
	u64 entry;

	if (!ea_id_issued(inst, id))
		return -ENOENT;
	entry = ea_id_get(inst, id);
	if (!entry)	/* freed, or reserved by a CPU and not issued yet */
		return ea_pcp_unissued(inst, id) ? -ENOENT : -EALREADY;
	ea_loc_entry(inst, entry, loc);
	/* The old ID of a pending realloc in place: already gone. */
	if (loc->id != id)
		return -EALREADY;
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
	u64 rel, id, entry;

	if (offset >= EA_LARGE_BASE) {
		rel = offset - EA_LARGE_BASE;
		id = rel >> EA_LARGE_SHIFT;
		if (id > INT_MAX || !ea_id_issued(inst, id))
			return EA_AT_NOTHING;
		entry = ea_id_get(inst, id);
		if (!entry)	/* freed; large or not, the engine keeps no history */
			return offset == ea_large_offset(id) &&
			       !ea_pcp_unissued(inst, id) ? EA_AT_FREED :
			       EA_AT_NOTHING;
		if (entry & 1)
			return EA_AT_NOTHING;
		large = (struct ea_large *)(uintptr_t)entry;
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
	ea_info_fill(out, loc->id, loc->cls, loc->owner, loc->offset,
		     loc->size, loc->class_size);
}
