// SPDX-License-Identifier: GPL-2.0
/*
 * Debug checks: red zones, poison, and the engine's self-validation.
 *
 * New allocations are zeroed. With the debug checks on, the slack between
 * the requested size and the class size is a red zone (EA_RED_ZONE),
 * checked when the allocation is freed, and free memory (free slots and
 * free buddy pages) holds EA_POISON_FREE, checked when it is handed out
 * again. A damaged pattern is reported (ID, offset and value of the first
 * bad byte), counted and repaired. Nothing is ever followed out of the
 * arena, so none of this can crash: the worst a wild write can do is trip
 * a detector.
 *
 * ea_validate() walks every structure and checks each against the others
 * and against the counters; the tests call it after every step.
 *
 * Invariants: with debug on, every free byte of the arena holds the poison
 * and every byte of slack the red zone, except what a detector is about to
 * report.
 * Locking: the instance lock.
 */

static void ea_report(struct ea_instance *inst, enum ea_err_kind kind, int id,
		      u64 offset, u8 byte)
{
	struct ea_event ev = {
		.type = EA_EV_CORRUPT,
		.id = id,
		.err = kind,
		.offset = offset,
		.aux = byte,
	};

	inst->st.errors[kind]++;
	inst->st.corruptions++;
	ea_emit(inst, &ev);
	if (!inst->quiet)
		pr_warn_ratelimited("%s: ID %d, first bad byte at offset %#llx: %#04x\n",
				    kind == EA_ERR_REDZONE ? "red zone overwritten" :
				    "write after free", id, offset, byte);
}

/*
 * Check that @len bytes at @mem (instance offset @offset) still hold
 * @pattern. Report the first bad byte, blamed on @id, and repair the lot.
 */
static bool ea_check_fill(struct ea_instance *inst, void *mem, u64 offset,
			  size_t len, u8 pattern, enum ea_err_kind kind, int id)
{
	u8 *bad = memchr_inv(mem, pattern, len);

	if (!bad)
		return true;
	ea_report(inst, kind, id, offset + (bad - (u8 *)mem), *bad);
	memset(mem, pattern, len);
	return false;
}

/* Zero a new allocation; with the debug checks, verify and red-zone it. */
static void ea_fill_new(struct ea_instance *inst, struct ea_loc *loc,
			bool check, int last_id)
{
	if (!inst->debug) {
		u64 skip = min(inst->fill_skip, loc->size), end = loc->size;

		/*
		 * The requested bytes only (a block's up to a whole line):
		 * the slack is no one's, and whoever can map the arena could
		 * read it anyway. A realloc's move copies its first fill_skip
		 * bytes at once, under the lock.
		 */
		if (!loc->slab && !loc->large)
			end = ea_block_zero_len(end);
		memset(loc->mem + skip, 0, end - skip);
		return;
	}
	if (check)
		ea_check_fill(inst, loc->mem, loc->offset, loc->class_size,
			      EA_POISON_FREE, EA_ERR_USE_AFTER_FREE, last_id);
	memset(loc->mem, 0, loc->size);
	memset(loc->mem + loc->size, EA_RED_ZONE, loc->class_size - loc->size);
}

/* Lay the fill patterns the debug checks expect over the whole arena. */
static void ea_debug_fill(struct ea_instance *inst)
{
	unsigned int page, i;
	struct ea_loc loc;
	u64 entry;
	u32 id;

	for (page = 0; page < inst->nr_pages; page++) {
		struct ea_page *pg = &inst->pages[page];

		switch (pg->kind) {
		case EA_PAGE_FREE:
			memset(ea_page_mem(inst, page), EA_POISON_FREE, PAGE_SIZE);
			break;
		case EA_PAGE_SLAB:
			for (i = 0; i < pg->slab->nr_slots; i++) {
				ea_loc_slot(inst, pg->slab, i, &loc);
				memset(loc.mem + loc.size,
				       loc.size ? EA_RED_ZONE : EA_POISON_FREE,
				       loc.class_size - loc.size);
			}
			break;
		case EA_PAGE_BLOCK:
			ea_loc_block(inst, page, &loc);
			memset(loc.mem + loc.size, EA_RED_ZONE,
			       loc.class_size - loc.size);
			break;
		}
	}
	for (id = 0; (entry = ea_id_next(inst, &id)); id++) {
		if (entry & 1)
			continue;
		ea_loc_large((struct ea_large *)(uintptr_t)entry, &loc);
		if (loc.id != id)
			continue;
		memset(loc.mem + loc.size, EA_RED_ZONE, loc.class_size - loc.size);
	}
}

/**
 * ea_set_debug() - turn the debug checks on or off
 * @inst: instance
 * @on: whether red zones and poisoning are kept and checked
 *
 * Turning them on lays the patterns over all free memory and all slack, so
 * that nothing written while they were off is reported.
 *
 * Context: Process context; takes the instance lock.
 */
void ea_set_debug(struct ea_instance *inst, bool on)
{
	ea_pcp_stop(inst, true);	/* magazine slots back in their slabs */
	inst->op = EA_OP_DEBUG;
	if (on && !inst->debug)
		ea_debug_fill(inst);
	inst->debug = on;
	ea_fast_update(inst);
	ea_pcp_start(inst);
}

/* Describe a problem found by ea_validate(). */
static __printf(3, 4) int ea_bad(char *why, size_t len, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, len, fmt, args);
	va_end(args);
	return -EUCLEAN;
}

/* Check one slab against its page, its class and the xarray. */
static int ea_validate_slab(struct ea_instance *inst, unsigned int page,
			    u64 *req, char *why, size_t len)
{
	struct ea_slab *slab = inst->pages[page].slab;
	unsigned int i, cls, n = 0, nfree = 0;
	bool listed, has_free;
	struct ea_class *c;
	u64 entry;
	u64 csize;

	if (!slab || inst->slab_of[page] != slab ||
	    slab->page != page || slab->cls >= EA_NR_CLASSES ||
	    !ea_is_slab_class(slab->cls) || inst->pages[page].cls != slab->cls ||
	    slab->nr_slots != ea_slots_per_slab(slab->cls))
		return ea_bad(why, len, "page %u: bad slab", page);
	cls = slab->cls;
	csize = ea_class_size(cls);
	c = &inst->classes[cls];
	for (i = 0; i < slab->nr_slots; i++) {
		const struct ea_slot *s = &slab->slots[i];

		if (!s->size)
			continue;
		n++;
		*req += s->size;
		entry = s->id > 0 ? ea_id_get(inst, s->id) : 0;
		if (s->size > csize || (cls && s->size <= csize / 2) ||
		    entry != (ea_slot_offset(slab, i) << 1 | 1))
			return ea_bad(why, len, "slab page %u slot %u: size %u, ID %d",
				      page, i, s->size, s->id);
	}
	for (i = slab->free; i != EA_SLOT_END; i = slab->slots[i].next) {
		if (i >= slab->nr_slots || slab->slots[i].size ||
		    ++nfree > slab->nr_slots)
			return ea_bad(why, len, "slab page %u: bad free list", page);
	}
	if (n != slab->inuse || n + nfree != slab->nr_slots)
		return ea_bad(why, len, "slab page %u: %u live, %u free, inuse %u",
			      page, n, nfree, slab->inuse);
	if (!n && c->spare != slab)
		return ea_bad(why, len, "slab page %u: empty but not the spare", page);
	if (n && c->spare == slab)
		return ea_bad(why, len, "slab page %u: spare in use", page);
	/* Listed iff it has a free slot; the spare (empty) last. */
	listed = !list_empty(&slab->node);
	has_free = n < slab->nr_slots;
	if (listed != has_free ||
	    (!n && !list_is_last(&slab->node, &c->partial)))
		return ea_bad(why, len, "slab page %u: partial list membership", page);
	return 0;
}

/**
 * ea_validate() - check the instance's metadata for consistency
 * @inst: instance
 * @why: filled with a description of the first problem found
 * @len: size of @why
 *
 * A walk over every page, slab, free list, ID and counter, checking each
 * against the others: the buddy free lists against the page descriptors,
 * slot free lists against slot states, the xarray against slabs, blocks and
 * large areas, and the statistics against what the walk counted. It reads
 * no arena memory. For tests; it costs O(pages + slots + IDs).
 *
 * Context: Process context; takes the instance lock.
 * Return: 0, or -EUCLEAN with @why filled.
 */
int ea_validate(struct ea_instance *inst, char *why, size_t len)
{
	u64 free_pages = 0, live = 0, req = 0, alloc = 0, large_bytes = 0;
	u64 nlarge = 0, slabs[EA_NR_CLASSES] = {}, used[EA_NR_CLASSES] = {};
	unsigned int page, i, order;
	struct ea_page *pg;
	struct ea_loc loc;
	u64 entry;
	int ret = 0;
	u32 id;

	ea_pcp_stop(inst, true);	/* per-CPU caches emptied, counters folded */
	/* Every free list entry is a whole, aligned, free block. */
	for (order = 0; order <= EA_MAX_ORDER; order++) {
		list_for_each_entry(pg, &inst->free_area[order], buddy) {
			page = pg - inst->pages;
			if (pg->kind != EA_PAGE_FREE || !pg->head ||
			    pg->order != order || !IS_ALIGNED(page, BIT(order)) ||
			    page + BIT(order) > inst->nr_pages) {
				ret = ea_bad(why, len, "free list %u: bad block at page %u",
					     order, page);
				goto out;
			}
			for (i = 1; i < BIT(order); i++) {
				if (pg[i].kind != EA_PAGE_FREE || pg[i].head) {
					ret = ea_bad(why, len, "free block %u+%u not free",
						     page, i);
					goto out;
				}
			}
			free_pages += BIT(order);
		}
	}
	/* Every page belongs to what it says. */
	for (page = 0; page < inst->nr_pages; page++) {
		pg = &inst->pages[page];
		if (pg->kind != EA_PAGE_SLAB && inst->slab_of[page]) {
			ret = ea_bad(why, len, "page %u: a slab in slab_of", page);
			goto out;
		}
		switch (pg->kind) {
		case EA_PAGE_FREE:
			break;
		case EA_PAGE_SLAB:
			ret = ea_validate_slab(inst, page, &req, why, len);
			if (ret)
				goto out;
			slabs[pg->cls]++;
			used[pg->cls] += pg->slab->inuse;
			break;
		case EA_PAGE_BLOCK:
			if (pg->cls >= EA_NR_CLASSES || ea_is_slab_class(pg->cls) ||
			    pg->order != ea_block_order(pg->cls) ||
			    !pg->blk.size || pg->blk.size > ea_class_size(pg->cls) ||
			    pg->blk.size <= ea_class_size(pg->cls) / 2 ||
			    pg->blk.id <= 0 || ea_id_get(inst, pg->blk.id) !=
			    (ea_page_offset(page) << 1 | 1)) {
				ret = ea_bad(why, len, "block at page %u: bad", page);
				goto out;
			}
			for (i = 1; i < BIT(pg->order); i++) {
				if (pg[i].kind != EA_PAGE_BLOCK_TAIL ||
				    pg[i].head_page != page) {
					ret = ea_bad(why, len, "block %u+%u: bad tail", page, i);
					goto out;
				}
			}
			slabs[pg->cls]++;
			used[pg->cls]++;
			req += pg->blk.size;
			break;
		case EA_PAGE_BLOCK_TAIL:
			if (pg->head_page >= page ||
			    inst->pages[pg->head_page].kind != EA_PAGE_BLOCK) {
				ret = ea_bad(why, len, "page %u: orphan tail", page);
				goto out;
			}
			break;
		default:
			ret = ea_bad(why, len, "page %u: kind %u", page, pg->kind);
			goto out;
		}
	}
	/* Every ID names a live allocation that names it back. */
	for (id = 0; (entry = ea_id_next(inst, &id)); id++) {
		ea_loc_entry(inst, entry, &loc);
		/* The old ID of a pending realloc in place names the new one. */
		if (loc.id > (int)id && ea_id_get(inst, loc.id) == entry)
			continue;
		if (loc.id != id || !loc.size) {
			ret = ea_bad(why, len, "ID %u names ID %d", id, loc.id);
			goto out;
		}
		live++;
		alloc += loc.class_size;
		if (loc.large) {
			nlarge++;
			large_bytes += loc.large->area_size;
			req += loc.size;
			if (loc.size <= EA_SMALL_MAX ||
			    loc.class_size != PAGE_ALIGN(loc.size)) {
				ret = ea_bad(why, len, "large ID %u: bad size", id);
				goto out;
			}
		}
	}
	/* Each leaf of the ID map counts its live IDs. */
	for (i = 0; i < inst->nr_top; i++) {
		unsigned int n = 0, j;

		for (j = 0; inst->ids[i].leaf && j < EA_ID_LEAF; j++)
			n += !!inst->ids[i].leaf->ent[j];
		n += ea_pcp_reserved_in(inst, i);
		if (n != inst->ids[i].live) {
			ret = ea_bad(why, len, "ID map leaf %u: %u live, counted %u",
				     i, n, inst->ids[i].live);
			goto out;
		}
	}
	/* The counters agree with the walk. */
	if (free_pages != inst->st.pages_free || live != inst->st.allocs - inst->st.frees ||
	    req != inst->st.live_requested || alloc != inst->st.live_allocated ||
	    nlarge != inst->st.large_count ||
	    large_bytes != inst->st.large_bytes ||
	    inst->st.allocs - inst->st.frees != live ||
	    ea_used_bytes(inst) > inst->arena_size) {
		ret = ea_bad(why, len,
			     "counters: free pages %llu/%llu, live %llu/%llu, requested %llu/%llu",
			     free_pages, inst->st.pages_free, live,
			     inst->st.allocs - inst->st.frees, req,
			     inst->st.live_requested);
		goto out;
	}
	for (i = 0; i < EA_NR_CLASSES; i++) {
		const struct ea_class_stats *cs = &inst->st.cls[i];
		u64 per = ea_is_slab_class(i) ? ea_slots_per_slab(i) : 1;

		if (cs->slabs != slabs[i] || cs->allocs - cs->frees != used[i] ||
		    cs->slots_total != slabs[i] * per ||
		    cs->allocs - cs->frees != used[i]) {
			ret = ea_bad(why, len, "class %u: slabs %llu/%llu used %llu/%llu",
				     i, cs->slabs, slabs[i], cs->allocs - cs->frees,
				     used[i]);
			goto out;
		}
	}
out:
	ea_pcp_start(inst);
	return ret;
}
