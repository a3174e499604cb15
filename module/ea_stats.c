// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics and inspection: counters, the page map, the walk of live
 * allocations.
 *
 * The operations keep only the counters that cannot be derived later
 * (allocs, frees, live bytes, peaks, per-class counts, errors);
 * ea_get_stats() derives the rest (pages used, largest free block,
 * fragmentation, footprint) when it is asked. Each field's formula is
 * beside it in ea_engine.h.
 *
 * live_allocs and each class's slots_used are allocs - frees, derived here.
 *
 * Invariants: ea_validate() checks every counter against a walk.
 * Locking: the instance lock.
 */

static bool timing_stats;
module_param(timing_stats, bool, 0644);
MODULE_PARM_DESC(timing_stats,
		 "Keep alloc_ns and free_ns in every instance created from now on (two clock reads per operation; default off)");

/*
 * A slab's live slots. With per-CPU caches, inuse also counts the free
 * slots in the CPUs' magazines: count the live ones instead.
 */
static unsigned int ea_slab_used(struct ea_instance *inst,
				 const struct ea_slab *slab)
{
	unsigned int i, n = 0;

	if (!inst->pcp)
		return slab->inuse;
	for (i = 0; i < slab->nr_slots; i++)
		n += !!READ_ONCE(slab->slots[i].size);
	return n;
}

/* Count a new allocation of @size bytes in @class_size, and the peaks. */
static void ea_account(struct ea_instance *inst, unsigned int cls, u64 size,
		       u64 class_size)
{
	struct ea_stats *st = &inst->st;
	u64 req, alloc;

	st->allocs++;
	st->live_requested += size;
	st->live_allocated += class_size;
	req = st->live_requested;
	alloc = st->live_allocated;
	if (inst->pcp)		/* what the CPUs' caches hold too */
		ea_pcp_live(inst, &req, &alloc);
	st->peak_requested = max(st->peak_requested, req);
	st->peak_allocated = max(st->peak_allocated, alloc);
	st->peak_used = max(st->peak_used, ea_used_bytes(inst));
	if (cls < EA_NR_CLASSES) {
		st->cls[cls].allocs++;
		st->cls[cls].waste += class_size - size;
	}
}

static void ea_account_alloc(struct ea_instance *inst, const struct ea_loc *loc)
{
	ea_account(inst, loc->cls, loc->size, loc->class_size);
}

/* The counters of a free of @loc (a realloc's too, for what it leaves). */
static void ea_account_free(struct ea_instance *inst, const struct ea_loc *loc)
{
	struct ea_stats *st = &inst->st;

	st->frees++;
	st->live_requested -= loc->size;
	st->live_allocated -= loc->class_size;
	if (loc->cls < EA_NR_CLASSES) {
		st->cls[loc->cls].frees++;
		st->cls[loc->cls].waste -= loc->class_size - loc->size;
	}
}

/**
 * ea_get_stats() - a snapshot of the statistics
 * @inst: instance
 * @st: filled; the formula of each field is beside it in ea_engine.h
 *
 * Context: Process context; takes the instance lock.
 */
void ea_get_stats(struct ea_instance *inst, struct ea_stats *st)
{
	u64 free_bytes;
	int order;

	spin_lock(&inst->lock);
	*st = inst->st;
	if (inst->pcp)
		ea_pcp_stats(inst, st);
	st->live_allocs = st->allocs - st->frees;
	for (order = 0; order < EA_NR_CLASSES; order++)
		st->cls[order].slots_used = st->cls[order].allocs -
					    st->cls[order].frees;
	st->meta_bytes += sizeof(*inst) + inst->nr_pages *
			  (sizeof(*inst->pages) + sizeof(*inst->slab_of)) +
			  inst->nr_top * sizeof(*inst->ids) +
			  BITS_TO_LONGS(inst->bitset_bits) * sizeof(long);
	st->timing = inst->timing;
	st->policy = inst->policy_index;
	st->capacity = inst->arena_size;
	st->pages_total = inst->nr_pages;
	st->pages_used = inst->nr_pages - st->pages_free;
	st->largest_free = 0;
	for (order = EA_MAX_ORDER; order >= 0; order--) {
		if (!list_empty(&inst->free_area[order])) {
			st->largest_free = PAGE_SIZE << order;
			break;
		}
	}
	st->internal_frag = st->live_allocated - st->live_requested;
	st->internal_frag_pct = st->live_allocated ?
		div64_u64(100 * st->internal_frag, st->live_allocated) : 0;
	/* Free memory beyond one largest block cannot form a bigger one. */
	free_bytes = min_t(u64, ea_page_offset(st->pages_free),
			   PAGE_SIZE << EA_MAX_ORDER);
	st->external_frag_pct = free_bytes ?
		div64_u64(100 * (free_bytes - st->largest_free), free_bytes) : 0;
	st->used_bytes = ea_used_bytes(inst);
	st->avail_bytes = inst->arena_size - st->used_bytes;
	st->bitset_bits = inst->bitset_bits;
	st->next_id = inst->next_id;
	st->debug = inst->debug;
	spin_unlock(&inst->lock);
}

/**
 * ea_page_map() - describe the arena page by page
 * @inst: instance
 * @pages: array of @max entries, or NULL
 * @max: its size
 *
 * Context: Process context; takes the instance lock.
 * Return: the number of entries filled, min(@max, arena pages); with
 * @pages NULL, the number of arena pages.
 */
unsigned long ea_page_map(struct ea_instance *inst, struct ea_page_info *pages,
			  unsigned long max)
{
	unsigned long i, n;

	if (!pages)
		return inst->nr_pages;
	spin_lock(&inst->lock);
	n = min_t(unsigned long, max, inst->nr_pages);
	for (i = 0; i < n; i++) {
		const struct ea_page *pg = &inst->pages[i];
		struct ea_page_info *pi = &pages[i];

		*pi = (struct ea_page_info) {
			.kind = pg->kind,
			.head = pg->head,
		};
		switch (pg->kind) {
		case EA_PAGE_FREE:
			if (pg->head)
				pi->order = pg->order;
			break;
		case EA_PAGE_SLAB:
			pi->cls = pg->cls;
			pi->used = ea_slab_used(inst, pg->slab);
			pi->total = pg->slab->nr_slots;
			break;
		case EA_PAGE_BLOCK:
			pi->cls = pg->cls;
			pi->order = pg->order;
			pi->used = 1;
			pi->total = 1;
			break;
		case EA_PAGE_BLOCK_TAIL:
			pi->cls = inst->pages[pg->head_page].cls;
			break;
		}
	}
	spin_unlock(&inst->lock);
	return n;
}

/**
 * ea_walk_allocs_from() - visit the live allocations in ID order
 * @inst: instance
 * @start: the first ID to visit (a cursor: below 1 means 1)
 * @fn: called for each; a non-zero return stops the walk
 * @priv: passed to @fn
 *
 * @fn runs under the instance lock (a spinlock): it must not sleep nor
 * call the engine. The walk costs what it visits, so paging through a big
 * instance is linear; it lets the lock go now and then on a long walk, so
 * an allocation freed meanwhile is simply not visited.
 *
 * Context: Process context; takes the instance lock, may sleep.
 * Return: 0, or the first non-zero value @fn returned.
 */
int ea_walk_allocs_from(struct ea_instance *inst, int start,
			int (*fn)(void *priv, const struct ea_alloc_info *a),
			void *priv)
{
	struct ea_alloc_info info;
	struct ea_loc loc;
	u64 entry;
	int ret = 0;
	u32 id;

	spin_lock(&inst->lock);
	for (id = max(start, 1); (entry = ea_id_next(inst, &id)); id++) {
		ea_loc_entry(inst, entry, &loc);
		if (loc.id != id)	/* the old ID of a pending realloc in place */
			continue;
		ea_loc_info(&loc, &info);
		ret = fn(priv, &info);
		if (ret)
			break;
		if (!(id & 255))
			cond_resched_lock(&inst->lock);	/* the cursor survives */
	}
	spin_unlock(&inst->lock);
	return ret;
}

/**
 * ea_walk_allocs() - ea_walk_allocs_from() from the first ID
 * @inst: instance
 * @fn: called for each; a non-zero return stops the walk
 * @priv: passed to @fn
 *
 * ea_for_each_alloc() is the same function.
 *
 * Context: Process context; takes the instance lock, may sleep.
 * Return: 0, or the first non-zero value @fn returned.
 */
int ea_walk_allocs(struct ea_instance *inst,
		   int (*fn)(void *priv, const struct ea_alloc_info *a),
		   void *priv)
{
	return ea_walk_allocs_from(inst, 1, fn, priv);
}
