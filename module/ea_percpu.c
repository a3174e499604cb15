// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU caches (opt-in, struct ea_params.percpu): throughput under many
 * threads, at the price of determinism.
 *
 * Each CPU keeps, per slab class, a *magazine* of free slots (arena
 * offsets, LIFO) and a range of reserved IDs, as SLUB keeps per-CPU
 * partial slabs and lib/percpu_counter per-CPU counts. A small alloc or
 * free then touches only its CPU's struct ea_pcp, under the local_lock
 * (preemption off): ea_pcp_alloc() and ea_pcp_free(), the short ways, and
 * ea_pcp_alloc_slow() or ea_pcp_free_slow() when a magazine must be
 * refilled or drained under the instance spinlock (EA_MAG_BATCH slots,
 * EA_PCP_IDS IDs, a new leaf of the ID map, EA_PCP_DEAD dead IDs at a time).
 * Counters are per-CPU deltas, summed by ea_get_stats(); the ALLOC and
 * FREE events, when wanted, send the operation the slow way, which reports
 * them from the CPU's section (ea_fast_emit()).
 *
 * Invariants: a magazine slot is free (size 0) but counted in its slab's
 * inuse, so its slab stays; a reserved ID is counted live in its leaf
 * until issued, so the leaf stays; the ID map word is the truth: every
 * free of an arena slot claims it (cmpxchg to 0) before touching the slot,
 * so of two frees one wins and the other sees 0 (double free). A freed ID
 * stays counted in its leaf until settled (dead_n for one leaf, dead[] for
 * others), and a leaf or top level the map lets go of is freed after an
 * RCU grace period (the fast paths are read-side sections). IDs are never
 * reused, detectors stay exact; what is lost is determinism: the IDs and
 * offsets a call gets depend on the CPU that ran it (docs/architecture.md).
 * Locking: struct ea_pcp.lock (local_lock) for a CPU's own cache, then the
 * instance lock; ea_pcp_stop() empties every cache with the fast paths
 * stopped (pcp_off, then synchronize_rcu()), for reset, destroy, debug and
 * validate.
 */

static_assert(EA_MAG_SIZE >= 2 * EA_MAG_BATCH);

/* What a per-CPU free found and claimed (ea_pcp_find(), ea_pcp_put()). */
struct ea_pcp_hit {
	struct ea_slab *slab;
	unsigned int cls;
	u32 offset;
	bool same;		/* the ID's leaf is the CPU's dead_leaf */
	bool need_room;		/* declined: the magazine or dead list is full */
};

/*
 * The events that send an allocation or a free the long way: the fast
 * path's (the decisions it does not explain). Its own ALLOC or FREE it
 * reports, from this CPU's section (ea_fast_emit()).
 */
#define EA_PCP_ALLOC_EVENTS	EA_FAST_ALLOC_EVENTS
#define EA_PCP_FREE_EVENTS	EA_FAST_FREE_EVENTS

static int ea_alloc_slow(struct ea_instance *inst, u64 size, u32 owner,
			 struct ea_alloc_info *out, struct ea_txn *txn)
	__releases(&inst->lock);
static int ea_free_slow(struct ea_instance *inst, int id, u64 offset,
			bool by_offset, struct ea_alloc_info *out)
	__releases(&inst->lock);

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
 * Under the instance lock, in this CPU's section: make the next ID's leaf
 * of the ID map when it is all that is missing (the top level reaches
 * it), from kzalloc(GFP_NOWAIT), which never sleeps, as ea_slab_quick()
 * makes a slab: a CPU that used up its IDs then needs no trip through the
 * general path. False, nothing changed, when the general path must: a
 * bigger top level, armed fault injection (ea_fail_nth(): its count of
 * requests stays the general path's), or no memory right now.
 */
static noinline bool ea_pcp_make_leaf(struct ea_instance *inst)
{
	struct ea_prep prep = {};

	if (ea_id_needs(inst) != EA_NEED_LEAF || inst->fail_nth)
		return false;
	prep.leaf = kzalloc(sizeof(*prep.leaf),
			    GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!prep.leaf)
		return false;
	return ea_id_ready(inst, &prep);	/* takes the leaf: it fits */
}

/*
 * Under the instance lock: reserve the next IDs for @p, within one leaf
 * that exists or can be made now (else false: the general path makes it).
 * They count as live in the leaf until they are issued, so the leaf stays.
 */
static bool ea_pcp_reserve_ids(struct ea_instance *inst, struct ea_pcp *p)
{
	u32 rel = inst->next_id - inst->first_id;
	struct ea_idtop *top;
	u32 n;

	if (inst->next_id > INT_MAX ||
	    (ea_id_needs(inst) && !ea_pcp_make_leaf(inst)))
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
	if (p->dead_n) {
		struct ea_idtop *top = &inst->ids[p->dead_leaf];

		top->live -= p->dead_n;
		p->dead_n = 0;
		if (!top->live)
			ea_id_leaf_dead(inst, p->dead_leaf);
	}
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

	st->live_requested += p->ctr.live_requested;
	st->live_allocated += p->ctr.live_allocated;
	st->peak_requested = max(st->peak_requested, p->ctr.peak_requested);
	st->peak_allocated = max(st->peak_allocated, p->ctr.peak_allocated);
	for (cls = 0; cls < EA_PCP_CLASSES; cls++) {
		st->allocs += p->ctr.cls[cls].allocs;
		st->frees += p->ctr.cls[cls].frees;
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
 * In this CPU's section, with a slot in @mag and a reserved ID: the
 * allocation itself. The event (@emit: wanted) goes out, and the bytes are
 * zeroed, before the ID's entry is published: a free of the ID (on any
 * CPU) can only follow, in the log too.
 */
static __always_inline void ea_pcp_take(struct ea_instance *inst,
					struct ea_pcp *p, struct ea_mag *mag,
					unsigned int cls, u64 size, u32 owner,
					struct ea_alloc_info *out,
					struct ea_txn *txn, bool emit)
{
	u32 offset = mag->slot[--mag->nr], id = p->id_next;
	u64 csize = BIT_ULL(cls + EA_MIN_SHIFT), view;
	struct ea_slab *slab = inst->pages[offset >> PAGE_SHIFT].slab;
	struct ea_slot *s = &slab->slots[offset_in_page(offset) >> (cls + EA_MIN_SHIFT)];
	u64 *ent = &p->leaf->ent[(id - inst->first_id) & (EA_ID_LEAF - 1)];

	WRITE_ONCE(p->id_next, id + 1);
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

	/* allocs and frees are the classes' sums (ea_pcp_stats()). */
	p->ctr.cls[cls].allocs++;
	p->ctr.cls[cls].waste += csize - size;
	p->ctr.live_requested += size;
	p->ctr.live_allocated += csize;
	view = READ_ONCE(inst->st.live_requested) + p->ctr.others_requested +
	       p->ctr.live_requested;
	if (view > p->ctr.peak_requested)
		p->ctr.peak_requested = view;
	view = READ_ONCE(inst->st.live_allocated) + p->ctr.others_allocated +
	       p->ctr.live_allocated;
	if (view > p->ctr.peak_allocated)
		p->ctr.peak_allocated = view;
	ea_info_fill(out, id, cls, owner, offset, size, csize);
	if (emit)
		ea_fast_emit(inst, EA_OP_ALLOC, EA_EV_ALLOC, id, cls, offset,
			     size, owner);
	memset(inst->arena + offset, 0, size);
	/* Published last: a reader that finds the entry finds the slot filled. */
	smp_store_release(ent, (u64)offset << 1 | 1);
}

/*
 * In this CPU's section, with @id's entry claimed (its word set to 0) and
 * room in its magazine: the free itself. @h->same: @id's leaf is the one
 * whose dead IDs @p counts (dead_leaf); else there is room in the dead
 * list. @emit: the FREE event is wanted.
 */
static __always_inline void ea_pcp_put(struct ea_instance *inst,
				       struct ea_pcp *p, int id,
				       const struct ea_pcp_hit *h,
				       struct ea_alloc_info *out, bool emit)
{
	unsigned int cls = h->cls;
	struct ea_slot *s = &h->slab->slots[offset_in_page(h->offset) >> (cls + EA_MIN_SHIFT)];
	u64 csize = BIT_ULL(cls + EA_MIN_SHIFT);
	struct ea_mag *mag = &p->mag[cls];
	unsigned int size = s->size;
	u32 owner = s->owner;

	WRITE_ONCE(s->size, 0);
	WRITE_ONCE(s->owner, 0);
	mag->slot[mag->nr++] = h->offset;
	if (likely(h->same))
		p->dead_n++;
	else
		p->dead[p->nr_dead++] = id;
	p->ctr.cls[cls].frees++;
	p->ctr.cls[cls].waste -= csize - size;
	p->ctr.live_requested -= size;
	p->ctr.live_allocated -= csize;
	ea_info_fill(out, id, cls, owner, h->offset, size, csize);
	if (emit)
		ea_fast_emit(inst, EA_OP_FREE, EA_EV_FREE, id, cls, h->offset,
			     size, owner);
}

/*
 * ea_alloc_begin() with per-CPU caches, when the short way (ea_pcp_alloc(),
 * below) declines: this CPU's magazine refilled (or its IDs), the ALLOC
 * event reported, or the general path.
 */
static noinline int ea_pcp_alloc_slow(struct ea_instance *inst, u64 size,
				      u32 owner, struct ea_alloc_info *out,
				      struct ea_txn *txn)
{
	unsigned int cls;
	struct ea_mag *mag;
	struct ea_pcp *p;
	bool ok = true;

	/* The slab classes: 1 <= size <= PAGE_SIZE / 2 (ea_fast.c's test). */
	if (unlikely(size - 1 >= PAGE_SIZE / 2))
		goto general;
	cls = ea_small_class(size);
	local_lock(&inst->pcp->lock);
	p = this_cpu_ptr(inst->pcp);
	if (!ea_pcp_ok(inst, EA_PCP_ALLOC_EVENTS))
		goto unlock;
	mag = &p->mag[cls];
	if (!mag->nr || p->id_next == p->id_end) {
		spin_lock(&inst->lock);
		if (p->id_next == p->id_end)
			ok = ea_pcp_reserve_ids(inst, p);
		if (ok && !mag->nr)
			ok = ea_pcp_take_slots(inst, p, cls);
		ea_pcp_sync(inst, p);
		spin_unlock(&inst->lock);
		if (!ok)
			goto unlock;
	}
	ea_pcp_take(inst, p, mag, cls, size, owner, out, txn,
		    ea_fast_wants(inst, EA_EV_ALLOC));
	local_unlock(&inst->pcp->lock);
	return 0;

unlock:
	local_unlock(&inst->pcp->lock);
general:
	spin_lock(&inst->lock);
	if (ea_alloc_fast(inst, size, owner, out, txn)) {
		spin_unlock(&inst->lock);
		return 0;
	}
	return ea_alloc_slow(inst, size, owner, out, txn);
}

/*
 * ea_alloc_begin() with per-CPU caches, the short way: a small allocation
 * from this CPU's magazine; true and @out, @txn filled (either may be
 * NULL), or false: the caller calls ea_pcp_alloc_slow() (nothing changed).
 * Called without the instance lock.
 */
static __always_inline bool ea_pcp_alloc(struct ea_instance *inst, u64 size,
					 u32 owner, struct ea_alloc_info *out,
					 struct ea_txn *txn)
{
	unsigned long ev;
	unsigned int cls;
	struct ea_mag *mag;
	struct ea_pcp *p;

	if (unlikely(size - 1 >= PAGE_SIZE / 2))
		return false;
	cls = ea_small_class(size);
	local_lock(&inst->pcp->lock);
	p = this_cpu_ptr(inst->pcp);
	mag = &p->mag[cls];
	/* Its own event wanted too: the long way reports it. */
	ev = READ_ONCE(*inst->fast_events);
	if (unlikely(!mag->nr || p->id_next == p->id_end ||
		     READ_ONCE(inst->pcp_off) || inst->slow ||
		     (ev & (EA_PCP_ALLOC_EVENTS | BIT(EA_EV_ALLOC))))) {
		local_unlock(&inst->pcp->lock);
		return false;
	}
	ea_pcp_take(inst, p, mag, cls, size, owner, out, txn, false);
	local_unlock(&inst->pcp->lock);
	return true;
}

/*
 * In this CPU's section: find live small allocation @id and claim its
 * entry (cmpxchg to 0), with room in its magazine and for its dead ID,
 * when no event of @events is wanted;
 * true and @h filled, or false if the caller must take the long way
 * (nothing changed; @h->need_room set, and @h->cls, when the magazine
 * or the dead list is full, or the dead IDs are to be settled first).
 */
static __always_inline bool ea_pcp_find(struct ea_instance *inst,
					struct ea_pcp *p, int id,
					unsigned long events,
					struct ea_pcp_hit *h)
{
	u32 rel = id - inst->first_id, i = rel >> EA_ID_LEAF_SHIFT;
	struct ea_idleaf *leaf;
	struct ea_page *pg;
	u64 entry, *word;

	if (unlikely(id <= 0 || (u32)id < inst->first_id ||
		     !ea_pcp_ok(inst, events)))
		return false;
	/* The top level and leaves are freed after a grace period: see above. */
	if (unlikely(i >= smp_load_acquire(&inst->nr_top)))
		return false;
	leaf = READ_ONCE(READ_ONCE(inst->ids)[i].leaf);
	if (unlikely(!leaf))
		return false;
	word = &leaf->ent[rel & (EA_ID_LEAF - 1)];
	entry = READ_ONCE(*word);
	if (unlikely(!(entry & 1)))
		return false;	/* freed, never issued, or large */
	h->offset = entry >> 1;
	pg = &inst->pages[h->offset >> PAGE_SHIFT];
	if (unlikely(READ_ONCE(pg->kind) != EA_PAGE_SLAB))
		return false;	/* a block */
	h->cls = pg->cls;
	h->same = i == p->dead_leaf;
	/*
	 * The next leaf's first free (IDs freed in the order they were
	 * issued) settles this leaf's dead IDs at once and counts the next
	 * leaf's from now on, rather than listing them one by one.
	 */
	if (unlikely(p->mag[h->cls].nr == EA_MAG_SIZE ||
		     (!h->same && (p->nr_dead == EA_PCP_DEAD ||
				   i == p->dead_leaf + 1)))) {
		h->need_room = true;
		return false;
	}
	if (unlikely(cmpxchg(word, entry, 0) != entry))
		return false;	/* another free won: the general path says how */
	/* The slot is ours now: live, so its slab stays. */
	h->slab = pg->slab;
	return true;
}

/*
 * ea_free() by ID with per-CPU caches, when the short way (ea_pcp_free(),
 * below) declines: this CPU's magazine or dead list drained first, or the
 * general path.
 */
static noinline int ea_pcp_free_slow(struct ea_instance *inst, int id,
				     struct ea_alloc_info *out)
{
	struct ea_pcp_hit h = {};
	bool drained = false, ok;
	struct ea_mag *mag;
	struct ea_pcp *p;

	local_lock(&inst->pcp->lock);
	p = this_cpu_ptr(inst->pcp);
	ok = ea_pcp_find(inst, p, id, EA_PCP_FREE_EVENTS, &h);
	if (!ok && h.need_room) {
		/* Room first (nothing claimed yet), then the free. */
		mag = &p->mag[h.cls];
		spin_lock(&inst->lock);
		ea_pcp_drain(inst, p, mag,
			     mag->nr == EA_MAG_SIZE ? EA_MAG_BATCH : 0);
		/* Count the dead IDs of this free's leaf from now on. */
		p->dead_leaf = (id - inst->first_id) >> EA_ID_LEAF_SHIFT;
		ea_pcp_sync(inst, p);
		spin_unlock(&inst->lock);
		drained = true;
		ok = ea_pcp_find(inst, p, id, EA_PCP_FREE_EVENTS, &h);
	}
	if (ok)
		ea_pcp_put(inst, p, id, &h, out,
			   ea_fast_wants(inst, EA_EV_FREE));
	local_unlock(&inst->pcp->lock);
	if (drained)
		ea_pcp_bury(inst);
	if (ok)
		return 0;
	spin_lock(&inst->lock);
	return ea_free_slow(inst, id, 0, false, out);
}

/*
 * ea_free() by ID with per-CPU caches, the short way: live small
 * allocation @id freed into this CPU's magazine; true and @out filled, or
 * false: the caller calls ea_pcp_free_slow() (nothing changed). Called
 * without the instance lock.
 */
static __always_inline bool ea_pcp_free(struct ea_instance *inst, int id,
					struct ea_alloc_info *out)
{
	struct ea_pcp_hit h = {};
	struct ea_pcp *p;

	local_lock(&inst->pcp->lock);
	p = this_cpu_ptr(inst->pcp);
	/* Its own event wanted too: the long way reports it. */
	if (unlikely(!ea_pcp_find(inst, p, id,
				  EA_PCP_FREE_EVENTS | BIT(EA_EV_FREE), &h))) {
		local_unlock(&inst->pcp->lock);
		return false;
	}
	ea_pcp_put(inst, p, id, &h, out, false);
	local_unlock(&inst->pcp->lock);
	return true;
}

/* ea_alloc_begin() with per-CPU caches: the short way, else the long one. */
static noinline __ea_entry int ea_pcp_alloc_one(struct ea_instance *inst, u64 size,
						u32 owner, struct ea_alloc_info *out,
						struct ea_txn *txn)
{
	if (likely(ea_pcp_alloc(inst, size, owner, out, txn)))
		return 0;
	return ea_pcp_alloc_slow(inst, size, owner, out, txn);
}

/*
 * ea_pcp_alloc_one() without a struct ea_txn (ea_alloc()): a copy of its
 * own, whose short way keeps nothing for it on the stack.
 */
static noinline __ea_entry int ea_pcp_alloc_final(struct ea_instance *inst, u64 size,
						  u32 owner, struct ea_alloc_info *out)
{
	if (likely(ea_pcp_alloc(inst, size, owner, out, NULL)))
		return 0;
	return ea_pcp_alloc_slow(inst, size, owner, out, NULL);
}

/* ea_free() by ID with per-CPU caches: the short way, else the long one. */
static noinline __ea_entry int ea_pcp_free_one(struct ea_instance *inst, int id,
					       struct ea_alloc_info *out)
{
	if (likely(ea_pcp_free(inst, id, out)))
		return 0;
	return ea_pcp_free_slow(inst, id, out);
}

/* ea_get_stats(), under the instance lock: add every CPU's counters. */
static void ea_pcp_stats(struct ea_instance *inst, struct ea_stats *st)
{
	unsigned int cpu, cls;

	for_each_possible_cpu(cpu) {
		struct ea_pcp *p = per_cpu_ptr(inst->pcp, cpu);

		st->live_requested += READ_ONCE(p->ctr.live_requested);
		st->live_allocated += READ_ONCE(p->ctr.live_allocated);
		st->peak_requested = max(st->peak_requested,
					 READ_ONCE(p->ctr.peak_requested));
		st->peak_allocated = max(st->peak_allocated,
					 READ_ONCE(p->ctr.peak_allocated));
		for (cls = 0; cls < EA_PCP_CLASSES; cls++) {
			u64 allocs = READ_ONCE(p->ctr.cls[cls].allocs);
			u64 frees = READ_ONCE(p->ctr.cls[cls].frees);

			st->allocs += allocs;
			st->frees += frees;
			st->cls[cls].allocs += allocs;
			st->cls[cls].frees += frees;
			st->cls[cls].waste += READ_ONCE(p->ctr.cls[cls].waste);
		}
	}
	st->meta_bytes += num_possible_cpus() * sizeof(struct ea_pcp);
}
