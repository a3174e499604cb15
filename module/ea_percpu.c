// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU caches (opt-in, struct ea_params.percpu): throughput under many
 * threads, at the price of determinism.
 *
 * Each CPU keeps, per slab class, a *magazine* of free slots (arena
 * offsets, LIFO) and a range of reserved IDs, as SLUB keeps per-CPU
 * partial slabs and lib/percpu_counter per-CPU counts. A small alloc or
 * free then touches only its CPU's struct ea_pcp, under the local_lock
 * (preemption off), and the instance spinlock only to refill or drain a
 * magazine: EA_MAG_BATCH slots, EA_PCP_IDS IDs or EA_PCP_DEAD dead IDs
 * at a time. Counters are per-CPU deltas, summed by ea_get_stats().
 *
 * Invariants: a magazine slot is free (size 0) but counted in its slab's
 * inuse, so its slab stays; a reserved ID is counted live in
 * its leaf until issued, so the leaf stays; the ID map word is the truth:
 * every free of an arena slot claims it (cmpxchg to 0) before touching the
 * slot, so of two frees one wins and the other sees 0 (double free). Only
 * a free that lost never wrote anything. A freed ID stays counted in its
 * leaf until drained, and a leaf or top level the map lets go of is freed
 * after an RCU grace period (the fast paths are read-side sections).
 * IDs are still never reused and detectors stay exact; what is lost is
 * determinism: the IDs and offsets a call gets depend on the CPU that ran
 * it and on what its magazines hold (docs/architecture.md).
 * Locking: struct ea_pcp.lock (local_lock) for a CPU's own cache, then the
 * instance lock; ea_pcp_stop() empties every cache with the fast paths
 * stopped (pcp_off, then synchronize_rcu()), for reset, destroy, debug and
 * validate.
 */

static_assert(EA_MAG_SIZE >= 2 * EA_MAG_BATCH);

/*
 * The events that send an allocation or a free the long way: the fast
 * path's, and its own ALLOC or FREE too (a listener is called under the
 * instance lock, which these paths do not take).
 */
#define EA_PCP_ALLOC_EVENTS	(EA_FAST_ALLOC_EVENTS | BIT(EA_EV_ALLOC))
#define EA_PCP_FREE_EVENTS	(EA_FAST_FREE_EVENTS | BIT(EA_EV_FREE))

/* Whether the per-CPU paths may serve @inst now (checked in a section). */
static __always_inline bool ea_pcp_ok(struct ea_instance *inst,
				      unsigned long events)
{
	return !READ_ONCE(inst->pcp_off) && ea_fast_ok(inst, events);
}

/* The live bytes of the whole instance: its counters and every CPU's. */
static void ea_pcp_live(struct ea_instance *inst, u64 *req, u64 *alloc)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct ea_pcp *p = per_cpu_ptr(inst->pcp, cpu);

		*req += READ_ONCE(p->ctr.live_requested);
		*alloc += READ_ONCE(p->ctr.live_allocated);
	}
}

/* Under the instance lock: what the other CPUs add to @p's view. */
static void ea_pcp_sync(struct ea_instance *inst, struct ea_pcp *p)
{
	u64 req = 0, alloc = 0;

	ea_pcp_live(inst, &req, &alloc);
	p->ctr.others_requested = req - p->ctr.live_requested;
	p->ctr.others_allocated = alloc - p->ctr.live_allocated;
}

/*
 * Under the instance lock: reserve the next IDs for @p, within one leaf
 * that exists (else false: the general path makes it). They count as live
 * in the leaf until they are issued, so the leaf stays.
 */
static bool ea_pcp_reserve_ids(struct ea_instance *inst, struct ea_pcp *p)
{
	u32 rel = inst->next_id - inst->first_id;
	struct ea_idtop *top;
	u32 n;

	if (inst->next_id > INT_MAX || ea_id_needs(inst))
		return false;
	n = min_t(u32, EA_PCP_IDS, EA_ID_LEAF - (rel & (EA_ID_LEAF - 1)));
	n = min_t(u32, n, (u32)INT_MAX + 1 - inst->next_id);
	top = &inst->ids[rel >> EA_ID_LEAF_SHIFT];
	top->live += n;
	p->leaf = top->leaf;
	p->id_next = inst->next_id;
	WRITE_ONCE(p->id_end, inst->next_id + n);
	inst->next_id += n;
	return true;
}

/*
 * Under the instance lock: fill @cls's empty magazine with up to
 * EA_MAG_BATCH slots from the partial slabs (the spare last), in the order
 * the slabs would hand them out. False if there are none (the general
 * path makes a slab).
 */
static bool ea_pcp_take_slots(struct ea_instance *inst, struct ea_pcp *p,
			      unsigned int cls)
{
	struct ea_class *c = &inst->classes[cls];
	struct ea_mag *mag = &p->mag[cls];
	u32 got[EA_MAG_BATCH];
	unsigned int n = 0;

	while (n < EA_MAG_BATCH) {
		struct ea_slab *slab;
		unsigned int slot;

		slab = list_first_entry_or_null(&c->partial, struct ea_slab, node);
		if (!slab)
			break;
		if (!slab->inuse)
			c->spare = NULL;	/* the spare (last on the list) */
		slot = slab->free;
		slab->free = slab->slots[slot].next;
		if (++slab->inuse == slab->nr_slots)
			list_del_init(&slab->node);
		got[n++] = ea_slot_offset(slab, slot);
	}
	/* The first taken on top: handed out first. */
	for (mag->nr = 0; mag->nr < n; mag->nr++)
		mag->slot[mag->nr] = got[n - 1 - mag->nr];
	return n;
}

/* Under the instance lock: give the slot at arena @offset back to its slab. */
static void ea_pcp_put_slot(struct ea_instance *inst, u32 offset)
{
	struct ea_loc loc = { .slab = inst->pages[offset >> PAGE_SHIFT].slab };

	loc.slot = offset_in_page(offset) >> (loc.slab->cls + EA_MIN_SHIFT);
	ea_free_slot(inst, &loc, false, 0);
}

/*
 * Under the instance lock: give the @n oldest slots of @mag back to their
 * slabs, and settle @p's dead IDs with their leaves.
 */
static void ea_pcp_drain(struct ea_instance *inst, struct ea_pcp *p,
			 struct ea_mag *mag, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ea_pcp_put_slot(inst, mag->slot[i]);
	mag->nr -= n;
	memmove(mag->slot, mag->slot + n, mag->nr * sizeof(mag->slot[0]));
	for (i = 0; i < p->nr_dead; i++)
		ea_id_clear(inst, p->dead[i]);
	p->nr_dead = 0;
}

/*
 * Park a leaf the ID map let go of (under the instance lock): a fast free
 * may still be reading it, so it is freed after a grace period, by
 * ea_pcp_bury(). False if there is no room: the leaf stays (freed with
 * the map).
 */
static bool ea_pcp_grave(struct ea_instance *inst, struct ea_idleaf *leaf)
{
	if (inst->nr_graves == EA_GRAVES)
		return false;
	inst->graves[inst->nr_graves++] = leaf;
	return true;
}

/* Without any lock, may sleep: free the parked leaves after a grace period. */
static void ea_pcp_bury(struct ea_instance *inst)
{
	struct ea_idleaf *dead[EA_GRAVES];
	unsigned int i, n;

	if (!inst->pcp || !READ_ONCE(inst->nr_graves))
		return;
	spin_lock(&inst->lock);
	n = inst->nr_graves;
	memcpy(dead, inst->graves, n * sizeof(dead[0]));
	inst->nr_graves = 0;
	spin_unlock(&inst->lock);
	for (i = 0; i < n; i++)
		kvfree_rcu_mightsleep(dead[i]);
}

/*
 * Is @id one that a CPU reserved but has not issued yet (so, never issued:
 * -ENOENT, not -EALREADY)? Racy against that CPU, as the question is.
 */
static bool ea_pcp_unissued(struct ea_instance *inst, u32 id)
{
	unsigned int cpu;

	if (!inst->pcp)
		return false;
	for_each_possible_cpu(cpu) {
		struct ea_pcp *p = per_cpu_ptr(inst->pcp, cpu);

		if (id >= READ_ONCE(p->id_next) && id < READ_ONCE(p->id_end))
			return true;
	}
	return false;
}

/* Reserved, unissued IDs in leaf @i (for ea_validate(), caches stopped). */
static unsigned int ea_pcp_reserved_in(struct ea_instance *inst, unsigned int i)
{
	unsigned int cpu, n = 0;

	if (!inst->pcp)
		return 0;
	for_each_possible_cpu(cpu) {
		struct ea_pcp *p = per_cpu_ptr(inst->pcp, cpu);

		if (p->id_next < p->id_end &&
		    (p->id_next - inst->first_id) >> EA_ID_LEAF_SHIFT == i)
			n += p->id_end - p->id_next;
	}
	return n;
}

/*
 * Under the instance lock, for the general path's frees of an arena slot
 * in a per-CPU instance: claim @loc's ID word (to 0). False if a fast free
 * took it first: the caller reports a double free.
 */
static bool ea_pcp_claim(struct ea_instance *inst, const struct ea_loc *loc)
{
	u32 rel = loc->id - inst->first_id;
	u64 entry = ea_id_entry(loc);
	u64 *word;

	if (!inst->pcp || !loc->slab)
		return true;
	word = &inst->ids[rel >> EA_ID_LEAF_SHIFT].leaf->ent[rel & (EA_ID_LEAF - 1)];
	return cmpxchg(word, entry, 0) == entry;
}

/* Fold @p's counters into the instance's (caches stopped). */
static void ea_pcp_fold(struct ea_instance *inst, struct ea_pcp *p)
{
	struct ea_stats *st = &inst->st;
	unsigned int cls;

	st->allocs += p->ctr.allocs;
	st->frees += p->ctr.frees;
	st->live_requested += p->ctr.live_requested;
	st->live_allocated += p->ctr.live_allocated;
	st->peak_requested = max(st->peak_requested, p->ctr.peak_requested);
	st->peak_allocated = max(st->peak_allocated, p->ctr.peak_allocated);
	for (cls = 0; cls < EA_PCP_CLASSES; cls++) {
		st->cls[cls].allocs += p->ctr.cls[cls].allocs;
		st->cls[cls].frees += p->ctr.cls[cls].frees;
		st->cls[cls].waste += p->ctr.cls[cls].waste;
	}
	memset(&p->ctr, 0, sizeof(p->ctr));
}

/*
 * Stop the fast paths and empty every CPU's cache: on return the instance
 * lock is held, every magazine is empty, every dead ID settled and every
 * counter folded; the reserved IDs stay (@keep_ids), or are dropped (the
 * caller frees the whole map). ea_pcp_start() undoes it. Without per-CPU
 * caches, it only takes the lock.
 *
 * Context: Process context; may sleep (synchronize_rcu()).
 */
static void ea_pcp_stop(struct ea_instance *inst, bool keep_ids)
	__acquires(&inst->lock)
{
	unsigned int cpu, cls;

	spin_lock(&inst->lock);
	if (!inst->pcp)
		return;
	inst->pcp_off++;
	spin_unlock(&inst->lock);
	synchronize_rcu();	/* every section that saw pcp_off == 0 is over */
	spin_lock(&inst->lock);
	for_each_possible_cpu(cpu) {
		struct ea_pcp *p = per_cpu_ptr(inst->pcp, cpu);

		for (cls = 0; cls < EA_PCP_CLASSES; cls++)
			ea_pcp_drain(inst, p, &p->mag[cls], p->mag[cls].nr);
		ea_pcp_fold(inst, p);
		if (!keep_ids) {
			p->id_next = 0;
			p->id_end = 0;
			p->leaf = NULL;
		}
	}
}

/* Let the fast paths run again and drop the lock ea_pcp_stop() took. */
static void ea_pcp_start(struct ea_instance *inst)
	__releases(&inst->lock)
{
	unsigned int i;

	if (inst->pcp) {
		/* Nobody can be reading the parked leaves: free them now. */
		for (i = 0; i < inst->nr_graves; i++)
			kfree(inst->graves[i]);
		inst->nr_graves = 0;
		inst->pcp_off--;
	}
	spin_unlock(&inst->lock);
}

/* Process context: make the per-CPU caches of a new instance (false: -ENOMEM). */
static bool ea_pcp_create(struct ea_instance *inst)
{
	unsigned int cpu;

	inst->pcp = alloc_percpu_gfp(struct ea_pcp, GFP_KERNEL_ACCOUNT);
	if (!inst->pcp)
		return false;
	for_each_possible_cpu(cpu)
		local_lock_init(&per_cpu_ptr(inst->pcp, cpu)->lock);
	return true;
}

/*
 * A small allocation from this CPU's magazine: true and @out, @txn filled
 * (either may be NULL); false if the general path must serve it (nothing
 * changed but, maybe, a refill). Called without the instance lock.
 */
static bool ea_pcp_alloc(struct ea_instance *inst, u64 size, u32 owner,
			 struct ea_alloc_info *out, struct ea_txn *txn)
{
	unsigned int cls;
	struct ea_slot *s;
	struct ea_slab *slab;
	struct ea_mag *mag;
	struct ea_pcp *p;
	u64 csize, view;
	u32 offset;
	int id;

	/* The slab classes: 1 <= size <= PAGE_SIZE / 2 (ea_fast.c's test). */
	if (unlikely(size - 1 >= PAGE_SIZE / 2))
		return false;
	cls = ea_small_class(size);
	local_lock(&inst->pcp->lock);
	p = this_cpu_ptr(inst->pcp);
	if (!ea_pcp_ok(inst, EA_PCP_ALLOC_EVENTS))
		goto general;
	mag = &p->mag[cls];
	if (unlikely(!mag->nr || p->id_next == p->id_end)) {
		bool ok = true;

		spin_lock(&inst->lock);
		if (p->id_next == p->id_end)
			ok = ea_pcp_reserve_ids(inst, p);
		if (ok && !mag->nr)
			ok = ea_pcp_take_slots(inst, p, cls);
		ea_pcp_sync(inst, p);
		spin_unlock(&inst->lock);
		if (!ok)
			goto general;
	}

	offset = mag->slot[--mag->nr];
	id = p->id_next;
	WRITE_ONCE(p->id_next, id + 1);
	slab = inst->pages[offset >> PAGE_SHIFT].slab;
	s = &slab->slots[offset_in_page(offset) >> (cls + EA_MIN_SHIFT)];
	if (txn)
		*txn = (struct ea_txn) {
			.epoch = READ_ONCE(inst->epoch),
			.peak_requested = inst->st.peak_requested,
			.peak_allocated = inst->st.peak_allocated,
			.peak_used = inst->st.peak_used,
			.id = id,
			.slot_prev_id = s->id,
		};
	WRITE_ONCE(s->id, id);
	WRITE_ONCE(s->owner, owner);
	WRITE_ONCE(s->size, size);
	memset(inst->arena + offset, 0, size);
	/* Published last: a reader that finds the entry finds the slot filled. */
	smp_store_release(&p->leaf->ent[(id - inst->first_id) & (EA_ID_LEAF - 1)],
			  (u64)offset << 1 | 1);

	csize = ea_class_size(cls);
	p->ctr.allocs++;
	p->ctr.live_requested += size;
	p->ctr.live_allocated += csize;
	p->ctr.cls[cls].allocs++;
	p->ctr.cls[cls].waste += csize - size;
	view = READ_ONCE(inst->st.live_requested) + p->ctr.live_requested +
	       p->ctr.others_requested;
	p->ctr.peak_requested = max(p->ctr.peak_requested, view);
	view = READ_ONCE(inst->st.live_allocated) + p->ctr.live_allocated +
	       p->ctr.others_allocated;
	p->ctr.peak_allocated = max(p->ctr.peak_allocated, view);
	local_unlock(&inst->pcp->lock);

	ea_info_fill(out, id, cls, owner, offset, size, csize);
	return true;

general:
	local_unlock(&inst->pcp->lock);
	return false;
}

/*
 * Free live small allocation @id into this CPU's magazine: true and @out
 * filled; false if the general path must serve it (a free that it does not
 * own changed nothing). Called without the instance lock.
 */
static bool ea_pcp_free(struct ea_instance *inst, int id,
			struct ea_alloc_info *out)
{
	struct ea_idleaf *leaf;
	struct ea_page *pg;
	struct ea_slab *slab;
	struct ea_slot *s;
	struct ea_mag *mag;
	struct ea_pcp *p;
	bool drained = false;
	u64 entry, csize, *word;
	u32 rel, offset;
	unsigned int cls;
	u16 size;

	if (!inst->pcp || id <= 0 || (u32)id < inst->first_id)
		return false;
	rel = id - inst->first_id;
	local_lock(&inst->pcp->lock);
	p = this_cpu_ptr(inst->pcp);
	if (!ea_pcp_ok(inst, EA_PCP_FREE_EVENTS))
		goto general;
	/* The top level and leaves are freed after a grace period: see above. */
	if (rel >> EA_ID_LEAF_SHIFT >= smp_load_acquire(&inst->nr_top))
		goto general;
	leaf = READ_ONCE(READ_ONCE(inst->ids)[rel >> EA_ID_LEAF_SHIFT].leaf);
	if (!leaf)
		goto general;
	word = &leaf->ent[rel & (EA_ID_LEAF - 1)];
	entry = READ_ONCE(*word);
	if (!(entry & 1))
		goto general;	/* freed, never issued, or large */
	offset = entry >> 1;
	pg = &inst->pages[offset >> PAGE_SHIFT];
	if (READ_ONCE(pg->kind) != EA_PAGE_SLAB)
		goto general;	/* a block */
	if (cmpxchg(word, entry, 0) != entry)
		goto general;	/* another free won: the general path says how */

	/* The slot is ours now: live, so its slab stays. */
	slab = pg->slab;
	cls = slab->cls;
	s = &slab->slots[offset_in_page(offset) >> (cls + EA_MIN_SHIFT)];
	mag = &p->mag[cls];
	if (unlikely(mag->nr == EA_MAG_SIZE || p->nr_dead == EA_PCP_DEAD)) {
		spin_lock(&inst->lock);
		ea_pcp_drain(inst, p, mag, mag->nr == EA_MAG_SIZE ? EA_MAG_BATCH : 0);
		ea_pcp_sync(inst, p);
		spin_unlock(&inst->lock);
		drained = true;
	}
	size = s->size;
	csize = ea_class_size(cls);
	ea_info_fill(out, id, cls, s->owner, offset, size, csize);
	WRITE_ONCE(s->size, 0);
	WRITE_ONCE(s->owner, 0);
	mag->slot[mag->nr++] = offset;
	p->dead[p->nr_dead++] = id;
	p->ctr.frees++;
	p->ctr.live_requested -= size;
	p->ctr.live_allocated -= csize;
	p->ctr.cls[cls].frees++;
	p->ctr.cls[cls].waste -= csize - size;
	local_unlock(&inst->pcp->lock);
	if (drained)
		ea_pcp_bury(inst);
	return true;

general:
	local_unlock(&inst->pcp->lock);
	return false;
}

/* ea_get_stats(), under the instance lock: add every CPU's counters. */
static void ea_pcp_stats(struct ea_instance *inst, struct ea_stats *st)
{
	unsigned int cpu, cls;

	for_each_possible_cpu(cpu) {
		struct ea_pcp *p = per_cpu_ptr(inst->pcp, cpu);

		st->allocs += READ_ONCE(p->ctr.allocs);
		st->frees += READ_ONCE(p->ctr.frees);
		st->live_requested += READ_ONCE(p->ctr.live_requested);
		st->live_allocated += READ_ONCE(p->ctr.live_allocated);
		st->peak_requested = max(st->peak_requested,
					 READ_ONCE(p->ctr.peak_requested));
		st->peak_allocated = max(st->peak_allocated,
					 READ_ONCE(p->ctr.peak_allocated));
		for (cls = 0; cls < EA_PCP_CLASSES; cls++) {
			st->cls[cls].allocs += READ_ONCE(p->ctr.cls[cls].allocs);
			st->cls[cls].frees += READ_ONCE(p->ctr.cls[cls].frees);
			st->cls[cls].waste += READ_ONCE(p->ctr.cls[cls].waste);
		}
	}
	st->meta_bytes += num_possible_cpus() * sizeof(struct ea_pcp);
}
