// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: create, reset, destroy.
 *
 * An instance is one arena (one vmalloc'ed region userspace may map), the
 * page descriptors that describe it (the engine's struct page), the free
 * lists, the classes, the ID map, an optional bitset and the counters. A
 * reset puts it back exactly as ea_create() left it, so the same calls
 * give the same IDs and offsets again.
 *
 * Invariants: after ea_init_state(), every page is in one free block and
 * the counters are zero; ea_release_all() frees every slab descriptor,
 * large area and ID.
 * Locking: ea_create() needs none; reset and destroy take the instance lock,
 * with the per-CPU caches (if any) stopped and emptied first.
 */

/* Everything as ea_create() leaves it; the metadata must be released. */
static void ea_init_state(struct ea_instance *inst)
{
	unsigned int i;

	memset(&inst->st, 0, sizeof(inst->st));
	memset(inst->pages, 0, inst->nr_pages * sizeof(*inst->pages));
	memset(inst->slab_of, 0, inst->nr_pages * sizeof(*inst->slab_of));
	for (i = 0; i < inst->nr_pages; i++)
		INIT_LIST_HEAD(&inst->pages[i].buddy);
	for (i = 0; i <= EA_MAX_ORDER; i++)
		INIT_LIST_HEAD(&inst->free_area[i]);
	for (i = 0; i < EA_NR_CLASSES; i++) {
		INIT_LIST_HEAD(&inst->classes[i].partial);
		inst->classes[i].spare = NULL;
		INIT_LIST_HEAD(&inst->classes[i].descs);
		inst->st.cls[i].size = ea_class_size(i);
	}
	ea_buddy_init(inst);
	memset(inst->arena, inst->debug ? EA_POISON_FREE : 0, inst->arena_size);
	if (inst->bitset)
		bitmap_zero(inst->bitset, inst->bitset_bits);
	inst->next_id = inst->first_id;
	inst->fail_nth = 0;
}

/*
 * Free every slab and ID leaf, and let go of every large area (freed by
 * ea_prep_release(@prep) after the lock); the arena is left as it is.
 */
static void ea_release_all(struct ea_instance *inst, struct ea_prep *prep)
{
	unsigned int page;
	u64 entry;
	u32 id;

	for (id = 0; (entry = ea_id_next(inst, &id)); id++) {
		struct ea_large *large = (struct ea_large *)(uintptr_t)entry;

		/* Not the old ID of a pending realloc in place: it names it too. */
		if (!(entry & 1) && large->id == id)
			ea_large_put(inst, large, prep);
	}
	ea_ids_release(inst);
	for (page = 0; page < inst->nr_pages; page++)
		if (inst->pages[page].kind == EA_PAGE_SLAB)
			kfree(inst->pages[page].slab);
	ea_slab_descs_free(inst);
}

/**
 * ea_create() - create an instance
 * @p: parameters; the engine keeps no pointer to them
 * @err: set to the errno on failure; may be NULL
 *
 * Context: Process context; may sleep.
 * Return: the instance, or NULL with *@err set: -EINVAL for a capacity
 * under EA_MIN_CAPACITY, over @p->max_capacity (when not 0) or over
 * EA_MAX_ARENA, a bitset over EA_MAX_BITSET_BITS or a first ID over
 * INT_MAX, or no such free-list policy; -ENOMEM when the kernel's memory
 * does not suffice.
 */
struct ea_instance *ea_create(const struct ea_params *p, int *err)
{
	const struct ea_policy_ops *policy;
	struct ea_instance *inst;
	unsigned int policy_index;
	u64 size;
	int ret = -EINVAL;

	if (!p || p->capacity < EA_MIN_CAPACITY || p->capacity > EA_MAX_ARENA ||
	    p->bitset_bits > EA_MAX_BITSET_BITS || p->first_id > INT_MAX)
		goto fail;
	policy = ea_policy_select(p->policy, &policy_index);
	if (!policy)
		goto fail;
	size = PAGE_ALIGN(p->capacity);
	if (size > EA_MAX_ARENA || (p->max_capacity && size > p->max_capacity))
		goto fail;

	ret = -ENOMEM;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		goto fail;
	inst->arena_size = size;
	inst->nr_pages = size >> PAGE_SHIFT;
	inst->pages = kvcalloc(inst->nr_pages, sizeof(*inst->pages),
			       GFP_KERNEL_ACCOUNT);
	if (!inst->pages)
		goto free_inst;
	inst->slab_of = kvcalloc(inst->nr_pages, sizeof(*inst->slab_of),
				 GFP_KERNEL_ACCOUNT);
	if (!inst->slab_of)
		goto free_pages;
	inst->arena = ea_vzalloc_area(size);
	if (!inst->arena)
		goto free_pages;
	inst->bitset_bits = p->bitset_bits;
	if (p->bitset_bits) {
		inst->bitset = bitmap_zalloc(p->bitset_bits, GFP_KERNEL_ACCOUNT);
		if (!inst->bitset)
			goto free_arena;
	}

	spin_lock_init(&inst->lock);
	inst->first_id = p->first_id ? p->first_id : 1;
	inst->quiet = p->quiet;
	inst->notify = p->notify;
	inst->priv = p->priv;
	inst->debug = p->debug;
	inst->policy = policy;
	inst->policy_index = policy_index;
	inst->timing = p->timing || READ_ONCE(timing_stats);
	inst->events = p->events;
	inst->realloc_in_place = p->realloc_in_place;
	ea_fast_update(inst);
	if (p->percpu && !ea_pcp_create(inst))
		goto free_bitset;
	inst->op = EA_OP_CREATE;
	ea_init_state(inst);
	return inst;

free_bitset:
	bitmap_free(inst->bitset);
free_arena:
	vfree(inst->arena);
free_pages:
	kvfree(inst->slab_of);
	kvfree(inst->pages);
free_inst:
	kfree(inst);
fail:
	if (err)
		*err = ret;
	return NULL;
}

/**
 * ea_destroy() - destroy an instance
 * @inst: instance, or NULL
 *
 * Reports every live allocation as a leak (EA_EV_LEAK, in ID order), then
 * frees everything. Nobody else may use @inst any more.
 *
 * Context: Process context; may sleep.
 */
void ea_destroy(struct ea_instance *inst)
{
	struct ea_prep prep = {};
	struct ea_loc loc;
	u64 entry;
	u32 id;

	if (!inst)
		return;
	/* Slots in the CPUs' magazines are free: no leaks among them. */
	ea_pcp_stop(inst, false);
	inst->op = EA_OP_DESTROY;
	for (id = 0; (entry = ea_id_next(inst, &id)); id++) {
		ea_loc_entry(inst, entry, &loc);
		if (loc.id == id)
			ea_emit_loc(inst, EA_EV_LEAK, &loc, loc.owner);
		if (!(id & 255))	/* a million leaks is a long walk */
			cond_resched_lock(&inst->lock);
	}
	ea_release_all(inst, &prep);
	ea_pcp_start(inst);
	ea_prep_release(inst, &prep);

	free_percpu(inst->pcp);
	kvfree(inst->ids);
	bitmap_free(inst->bitset);
	vfree(inst->arena);
	kvfree(inst->slab_of);
	kvfree(inst->pages);
	kfree(inst);
}

/**
 * ea_reset() - free everything and start again
 * @inst: instance
 *
 * Returns the instance to the state ea_create() left it in: no
 * allocations, statistics zeroed, the bitset cleared, the first ID next.
 * The same operations then give the same IDs and offsets again. Live
 * allocations are dropped silently (the count is in EA_EV_RESET's aux);
 * the debug setting is kept, an armed ea_fail_nth() is disarmed.
 *
 * Context: Process context; takes the instance lock and may sleep.
 * Return: 0.
 */
int ea_reset(struct ea_instance *inst)
{
	struct ea_prep prep = {};
	u64 live;

	ea_pcp_stop(inst, false);	/* the CPUs' caches emptied, counters folded */
	inst->op = EA_OP_RESET;
	live = inst->st.allocs - inst->st.frees;
	ea_release_all(inst, &prep);
	/* The ID map's top level too, as ea_create() had none. */
	prep.old_top = inst->ids;
	inst->ids = NULL;
	inst->nr_top = 0;
	ea_init_state(inst);
	inst->epoch++;
	ea_explain(inst, EA_EV_RESET, 0, 0, 0, live);
	ea_pcp_start(inst);
	ea_prep_release(inst, &prep);
	return 0;
}
