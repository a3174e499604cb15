// SPDX-License-Identifier: GPL-2.0
/*
 * The public operations: each takes the instance lock, says which
 * operation is in progress (for events), runs the path of ea_alloc.c
 * under the lock, reports the outcome and unlocks. The common small alloc
 * and free first try the short path of ea_fast.c, inlined into
 * ea_alloc_one() and ea_free_one() (with per-CPU caches, ea_percpu.c's
 * instead); what it declines takes the general path. Read this file as the tour: ea_alloc()
 * -> ea_alloc_slow() -> ea_alloc_locked() -> ea_alloc_slot() ->
 * ea_buddy_alloc(); ea_free() -> ea_free_slow() -> ea_free_target() ->
 * ea_free_loc() -> ea_free_slot() -> ea_buddy_free().
 *
 * Locking: one lock per instance (struct ea_instance.lock), taken by every
 * function here; callers hold nothing.
 */

/*
 * The general path of an allocation, entered with the lock held (the fast
 * path declined): get what it needs, allocate, report; unlock. @txn may be
 * NULL (ea_alloc(), whose caller cannot take it back: no local of the fast
 * path's caller to zero and guard).
 */
static noinline int ea_alloc_slow(struct ea_instance *inst, u64 size,
				  u32 owner, struct ea_alloc_info *out,
				  struct ea_txn *txn)
	__releases(&inst->lock)
{
	struct ea_prep prep;
	struct ea_txn unused;
	struct ea_loc loc;
	int ret;

	if (ea_alloc_block_fast(inst, size, owner, out, txn)) {
		spin_unlock(&inst->lock);
		return 0;
	}
	if (!ea_id_needs(inst) && ea_slab_quick(inst, size) &&
	    ea_alloc_fast(inst, size, owner, out, txn)) {
		/* After ea_alloc_fast() noted the peak for ea_abort(). */
		inst->st.peak_used = max(inst->st.peak_used, ea_used_bytes(inst));
		if (txn)
			txn->fresh_slab = true;
		spin_unlock(&inst->lock);
		return 0;
	}
	if (!txn)
		txn = &unused;
	prep = (struct ea_prep) {};
	ea_alloc_prepare(inst, size, &prep);
	inst->op = EA_OP_ALLOC;
	ret = ea_alloc_locked(inst, size, owner, &loc, txn, &prep);
	if (!ret) {
		ea_emit_loc(inst, EA_EV_ALLOC, &loc, owner);
		ea_loc_info(&loc, out);
	}
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
	return ret;
}

/*
 * An allocation in the deterministic default: the fast path under the
 * lock, else the general path. Out of line, as the per-CPU caches' own
 * (ea_pcp_alloc_one()) is: each pays only for the registers it needs.
 */
static __always_inline int ea_alloc_here(struct ea_instance *inst, u64 size,
					 u32 owner, struct ea_alloc_info *out,
					 struct ea_txn *txn)
{
	spin_lock(&inst->lock);
	if (ea_alloc_fast(inst, size, owner, out, txn)) {
		spin_unlock(&inst->lock);
		return 0;
	}
	return ea_alloc_slow(inst, size, owner, out, txn);
}

static noinline __ea_entry int ea_alloc_one(struct ea_instance *inst, u64 size,
					    u32 owner, struct ea_alloc_info *out,
					    struct ea_txn *txn)
{
	return ea_alloc_here(inst, size, owner, out, txn);
}

/*
 * ea_alloc_one() without a struct ea_txn (ea_alloc()): a copy of its own,
 * whose fast path keeps nothing for it on the stack.
 */
static noinline __ea_entry int ea_alloc_final(struct ea_instance *inst, u64 size,
					      u32 owner, struct ea_alloc_info *out)
{
	return ea_alloc_here(inst, size, owner, out, NULL);
}

/**
 * ea_alloc_begin() - allocate memory that the caller may still take back
 * @inst: instance
 * @size: bytes wanted, 1 or more
 * @owner: the caller's tag, reported back in struct ea_alloc_info
 * @out: filled with the new allocation; may be NULL
 * @txn: filled with what ea_abort() needs to take it back exactly
 *
 * As ea_alloc(), which it is: the allocation is made and counted at once.
 * A caller that then fails to deliver it (the device, when it cannot write
 * the result to userspace) calls ea_abort(@txn); otherwise it may simply
 * forget @txn (ea_commit() does nothing for an allocation).
 *
 * Context: Process context; may sleep (not under the instance lock, a
 * spinlock, which it takes).
 * Return: as ea_alloc().
 */
int ea_alloc_begin(struct ea_instance *inst, u64 size, u32 owner,
		   struct ea_alloc_info *out, struct ea_txn *txn)
{
	if (unlikely(inst->pcp))
		return txn ? ea_pcp_alloc_one(inst, size, owner, out, txn) :
			     ea_pcp_alloc_final(inst, size, owner, out);
	return txn ? ea_alloc_one(inst, size, owner, out, txn) :
		     ea_alloc_final(inst, size, owner, out);
}

/**
 * ea_alloc() - allocate memory
 * @inst: instance
 * @size: bytes wanted, 1 or more
 * @owner: the caller's tag, reported back in struct ea_alloc_info
 * @out: filled with the new allocation; may be NULL
 *
 * Requests up to EA_SMALL_MAX bytes take a slot of their size class,
 * aligned to the class size (up to a page); larger ones a page-aligned area
 * of their own. The memory is zeroed.
 *
 * Context: Process context; may sleep (not under the instance lock, a
 * spinlock, which it takes).
 * Return: 0; -EINVAL for 0 bytes; -E2BIG over the capacity; -ENOMEM when
 * the rest of the capacity or the kernel's memory does not suffice; -ENOSPC
 * when the IDs are used up. A failure changes nothing but failure counters.
 */
int ea_alloc(struct ea_instance *inst, u64 size, u32 owner,
	     struct ea_alloc_info *out)
{
	return ea_alloc_begin(inst, size, owner, out, NULL);
}

/*
 * The general path of a free, entered with the lock held (the fast path
 * declined, or an offset was given): find, check, free, report; unlock.
 */
static noinline int ea_free_slow(struct ea_instance *inst, int id,
				 u64 offset, bool by_offset,
				 struct ea_alloc_info *out)
	__releases(&inst->lock)
{
	struct ea_prep prep;
	struct ea_loc loc;
	int ret;

	if (!by_offset && ea_free_block_fast(inst, id, out)) {
		spin_unlock(&inst->lock);
		return 0;
	}
	prep = (struct ea_prep) {};
	inst->op = EA_OP_FREE;
	ret = ea_free_target(inst, id, offset, by_offset, &loc);
	if (!ret && !ea_pcp_claim(inst, &loc)) {
		struct ea_req req = { .id = id, .offset = offset, .cls = EA_NO_CLASS };

		ret = ea_refuse(inst, &req, EA_ERR_DOUBLE_FREE);
	}
	if (!ret) {
		ea_loc_info(&loc, out);
		ea_free_loc(inst, &loc, &prep, false);
		ea_emit_loc(inst, EA_EV_FREE, &loc, loc.owner);
	}
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
	return ret;
}

/*
 * A free by ID alone under the lock: the fast path (not with per-CPU
 * caches, whose frees claim their ID word: ea_percpu.c), else the general
 * path. Out of line, as ea_alloc_one() is, and with only the arguments it
 * needs to keep across the lock.
 */
static noinline __ea_entry int ea_free_one(struct ea_instance *inst, int id,
					   struct ea_alloc_info *out)
{
	spin_lock(&inst->lock);
	if (ea_free_fast(inst, id, out)) {
		spin_unlock(&inst->lock);
		return 0;
	}
	return ea_free_slow(inst, id, 0, false, out);
}

/* A free by offset: the general path, per-CPU caches or not. */
static noinline int ea_free_at(struct ea_instance *inst, int id, u64 offset,
			       struct ea_alloc_info *out)
{
	spin_lock(&inst->lock);
	return ea_free_slow(inst, id, offset, true, out);
}

/* ea_free() and ea_free_both(), which differ in what offset 0 means. */
static __always_inline int ea_free_named(struct ea_instance *inst, int id,
					 u64 offset, bool by_offset,
					 struct ea_alloc_info *out)
{
	if (by_offset)
		return ea_free_at(inst, id, offset, out);
	if (unlikely(inst->pcp))
		return ea_pcp_free_one(inst, id, out);
	return ea_free_one(inst, id, out);
}

/**
 * ea_free() - free an allocation
 * @inst: instance
 * @id: its ID, or 0 to name it by @offset alone
 * @offset: its first byte; with @id > 0, 0 means "not given"
 * @out: filled with what was freed; may be NULL
 *
 * With the debug checks on, the red zone is verified (a damaged one is
 * reported and counted; the free still happens) and the memory poisoned.
 *
 * Context: Process context; may sleep (not under the instance lock, a
 * spinlock, which it takes).
 * Return: 0; -ENOENT for an ID never issued; -EALREADY for an ID or slot
 * already free; -ESTALE when @id and @offset name different allocations
 * (e.g. a freed ID whose slot was reused); -EINVAL for an offset that is not
 * the start of a live allocation. Nothing changes on failure.
 */
int ea_free(struct ea_instance *inst, int id, u64 offset,
	    struct ea_alloc_info *out)
{
	return ea_free_named(inst, id, offset, !id || offset, out);
}

/**
 * ea_free_both() - free an allocation named by its ID and its offset
 * @inst: instance
 * @id: its ID, > 0
 * @offset: its first byte; 0 too is an offset here (the arena's first
 *	    byte), where ea_free() would read it as "no offset given"
 * @out: filled with what was freed; may be NULL
 *
 * Context: Process context; may sleep (not under the instance lock, a
 * spinlock, which it takes).
 * Return: as ea_free(); -ESTALE also when @id is live elsewhere than
 * @offset 0, or freed while another allocation starts at 0.
 */
int ea_free_both(struct ea_instance *inst, int id, u64 offset,
		 struct ea_alloc_info *out)
{
	return ea_free_named(inst, id, offset, true, out);
}

/*
 * With the lock held, get what reallocating live @id to @new_size needs
 * (nothing if @id is not live: it is refused).
 */
static void ea_realloc_prepare(struct ea_instance *inst, int id, u64 new_size,
			       bool whole, struct ea_prep *prep)
{
	while (ea_prepare(inst, ea_realloc_needs(inst, id, new_size, whole),
			  ea_class_of(new_size), new_size, prep))
		;
}

/*
 * The general path of a reallocation, entered with the lock held (the fast
 * path declined): prepare, reallocate, report; unlock. Out of line, so
 * that a reallocation in place pays for none of its locals.
 */
static noinline int ea_realloc_slow(struct ea_instance *inst, int id,
				    u64 new_size, u32 owner,
				    struct ea_alloc_info *out)
	__releases(&inst->lock)
{
	struct ea_prep prep = {};
	struct ea_txn txn;
	struct ea_loc loc;
	int ret;

	ea_realloc_prepare(inst, id, new_size, true, &prep);
	inst->op = EA_OP_REALLOC;
	ret = ea_realloc_locked(inst, id, new_size, owner, &loc, &txn, &prep,
				true);
	if (!ret) {
		ea_realloc_finish(inst, &txn, &loc, &prep);
		ea_loc_info(&loc, out);
	}
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
	return ret;
}

/**
 * ea_realloc() - move an allocation to a new size
 * @inst: instance
 * @id: live allocation
 * @new_size: bytes wanted, 1 or more
 * @owner: the caller's tag for the new allocation
 * @out: filled with the new allocation; may be NULL
 *
 * Always allocate anew, copy the contents up to the smaller of the two
 * sizes, then free the old allocation: the result has a new ID and a new
 * offset, even when the size class does not change, so that an ID always
 * names one size and one place for its whole life. Both exist for a moment,
 * so the capacity must hold both. Counted as one allocation and one free.
 *
 * Context: Process context; may sleep (not under the instance lock, a
 * spinlock, which it takes).
 * Return: 0; -ENOENT or -EALREADY for @id as in ea_lookup_id(); otherwise
 * the errors of ea_alloc(). On failure the old allocation is untouched.
 */
int ea_realloc(struct ea_instance *inst, int id, u64 new_size, u32 owner,
	       struct ea_alloc_info *out)
{
	spin_lock(&inst->lock);
	if (ea_realloc_fast(inst, id, new_size, owner, out)) {
		spin_unlock(&inst->lock);
		return 0;
	}
	return ea_realloc_slow(inst, id, new_size, owner, out);
}

/**
 * ea_realloc_begin() - the first half of ea_realloc(), which can be undone
 * @inst: instance
 * @id: live allocation
 * @new_size: bytes wanted, 1 or more
 * @owner: the caller's tag for the new allocation
 * @out: filled with the new allocation; may be NULL
 * @txn: filled with what ea_commit() and ea_abort() need
 *
 * Makes the new allocation and copies the contents, but leaves the old one
 * live until ea_commit(@txn) frees it and counts the reallocation, or
 * ea_abort(@txn) takes the new one back. One of the two must follow. In
 * between, both allocations are live to everyone.
 *
 * Context: Process context; may sleep (not under the instance lock, a
 * spinlock, which it takes).
 * Return: as ea_realloc().
 */
int ea_realloc_begin(struct ea_instance *inst, int id, u64 new_size,
		     u32 owner, struct ea_alloc_info *out, struct ea_txn *txn)
{
	struct ea_prep prep = {};
	struct ea_loc loc;
	int ret;

	spin_lock(&inst->lock);
	ea_realloc_prepare(inst, id, new_size, false, &prep);
	inst->op = EA_OP_REALLOC;
	ret = ea_realloc_locked(inst, id, new_size, owner, &loc, txn, &prep,
				false);
	if (!ret)
		ea_loc_info(&loc, out);
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
	return ret;
}

/**
 * ea_commit() - let a pending allocation stand
 * @inst: instance
 * @txn: from ea_alloc_begin() or ea_realloc_begin()
 *
 * For a reallocation, free the old allocation (if nobody did meanwhile),
 * count the reallocation and report it (EA_EV_REALLOC). For an allocation
 * there is nothing left to do. If the instance was reset since the begin,
 * nothing happens: the new allocation is gone already.
 *
 * Context: Process context; takes the instance lock.
 */
void ea_commit(struct ea_instance *inst, const struct ea_txn *txn)
{
	struct ea_prep prep = {};
	struct ea_loc loc;

	if (!txn->old_id)
		return;
	spin_lock(&inst->lock);
	inst->op = EA_OP_REALLOC;
	if (txn->epoch == inst->epoch)
		ea_realloc_finish(inst, txn, ea_find_id(inst, txn->id, &loc) ?
				  NULL : &loc, &prep);
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
}

/**
 * ea_abort() - take back a pending allocation
 * @inst: instance
 * @txn: from ea_alloc_begin() or ea_realloc_begin()
 *
 * The allocation is removed as if it had never been made: not counted as
 * an allocation nor as a free; a reallocation's old allocation was never
 * freed. An allocation, which ea_alloc_begin() reported (EA_EV_ALLOC), is
 * reported taken back (EA_EV_UNDO); a reallocation, reported only by
 * ea_commit(), is not reported at all. If other allocations were made
 * since the begin, their IDs and the peaks they reached stand.
 *
 * Context: Process context; takes the instance lock.
 * Return: 0 when the instance is exactly as before the begin; 1 when the
 * allocation was taken back but later allocations keep their traces (the
 * ID counter, the peaks); -ENOENT when it no longer exists (freed by
 * someone else, or the instance was reset).
 */
int ea_abort(struct ea_instance *inst, const struct ea_txn *txn)
{
	struct ea_prep prep = {};
	struct ea_loc loc;
	bool exact;
	int ret = -ENOENT;

	spin_lock(&inst->lock);
	inst->op = txn->old_id ? EA_OP_REALLOC : EA_OP_ALLOC;
	if (txn->epoch != inst->epoch)
		goto unlock;
	if (ea_find_id(inst, txn->id, &loc)) {
		/* Freed meanwhile: a realloc in place leaves no old entry. */
		if (txn->in_place && ea_id_get(inst, txn->old_id))
			ea_id_clear(inst, txn->old_id);
		goto unlock;
	}
	if (!txn->in_place && !ea_pcp_claim(inst, &loc))
		goto unlock;	/* a fast free took it meanwhile */
	exact = inst->next_id == (u32)txn->id + 1;
	if (txn->in_place)
		ea_unrealloc_here(inst, &loc, txn, exact);
	else
		ea_unalloc_loc(inst, &loc, txn, exact, &prep);
	if (!txn->old_id)
		ea_emit_loc(inst, EA_EV_UNDO, &loc, loc.owner);
	ret = exact ? 0 : 1;
unlock:
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
	return ret;
}

/**
 * ea_lookup_id() - find an allocation by ID
 * @inst: instance
 * @id: ID
 * @out: filled with the allocation; may be NULL
 *
 * Context: Process context; takes the instance lock.
 * Return: 0; -ENOENT for an ID never issued; -EALREADY for a freed ID.
 */
int ea_lookup_id(struct ea_instance *inst, int id, struct ea_alloc_info *out)
{
	struct ea_loc loc;
	int ret;

	spin_lock(&inst->lock);
	inst->op = EA_OP_LOOKUP;
	ret = ea_find_id(inst, id, &loc);
	if (ret)
		ret = ea_refuse_id(inst, id, ret);
	else
		ea_loc_info(&loc, out);
	spin_unlock(&inst->lock);
	return ret;
}

/**
 * ea_lookup_offset() - find the allocation that holds a byte
 * @inst: instance
 * @offset: any byte of a live allocation's requested size
 * @out: filled with the allocation (its ID and its first byte); may be NULL
 *
 * Context: Process context; takes the instance lock.
 * Return: 0, or -ENOENT if no live allocation holds @offset (bytes of the
 * slack past the requested size belong to none).
 */
int ea_lookup_offset(struct ea_instance *inst, u64 offset,
		     struct ea_alloc_info *out)
{
	struct ea_req req = { .offset = offset, .cls = EA_NO_CLASS };
	struct ea_loc loc;
	int ret = 0;

	spin_lock(&inst->lock);
	inst->op = EA_OP_LOOKUP;
	switch (ea_where(inst, offset, &loc)) {
	case EA_AT_START:
	case EA_AT_INSIDE:
		ea_loc_info(&loc, out);
		break;
	default:
		ret = ea_refuse(inst, &req, EA_ERR_NO_ALLOC);
	}
	spin_unlock(&inst->lock);
	return ret;
}

/* @len bytes at @pos of @id: read into @out, or written from @in. */
static int ea_copy(struct ea_instance *inst, bool write, int id, u64 pos,
		   void *out, const void *in, size_t len)
{
	struct ea_loc loc;
	int ret;

	spin_lock(&inst->lock);
	inst->op = write ? EA_OP_WRITE : EA_OP_READ;
	ret = ea_rw_target(inst, id, pos, len, &loc);
	if (!ret && write)
		memcpy(loc.mem + pos, in, len);
	else if (!ret)
		memcpy(out, loc.mem + pos, len);
	spin_unlock(&inst->lock);
	return ret;
}

/**
 * ea_read() - copy bytes out of an allocation
 * @inst: instance
 * @id: live allocation
 * @pos: first byte, from its start
 * @buf: kernel buffer of @len bytes
 * @len: bytes to copy
 *
 * Context: Process context; takes the instance lock.
 * Return: 0; -ENOENT or -EALREADY for @id as in ea_lookup_id(); -EINVAL
 * if the range goes past the requested size.
 */
int ea_read(struct ea_instance *inst, int id, u64 pos, void *buf, size_t len)
{
	return ea_copy(inst, false, id, pos, buf, NULL, len);
}

/**
 * ea_write() - copy bytes into an allocation
 * @inst: instance
 * @id: live allocation
 * @pos: first byte, from its start
 * @buf: kernel buffer of @len bytes
 * @len: bytes to copy
 *
 * Context: Process context; takes the instance lock.
 * Return: as ea_read().
 */
int ea_write(struct ea_instance *inst, int id, u64 pos, const void *buf,
	     size_t len)
{
	return ea_copy(inst, true, id, pos, NULL, buf, len);
}

/**
 * ea_with_area() - lend a vmalloc'ed area, for mmap
 * @inst: instance
 * @offset: 0 for the arena, or the offset of a live large allocation
 * @fn: called with the area and its page-rounded size, without the lock
 *	(it may sleep: the device inserts the pages into a mapping)
 * @priv: passed to @fn
 *
 * The arena lives as long as the instance; a large area is kept alive
 * while @fn runs, even if it is freed meanwhile (its last user frees it).
 * Nothing is counted or reported when no area starts at @offset: refusing
 * the mapping is the caller's business.
 *
 * Context: Process context; may sleep in @fn.
 * Return: what @fn returns, or -ENOENT if no area starts at @offset.
 */
int ea_with_area(struct ea_instance *inst, u64 offset,
		 int (*fn)(void *priv, void *area, u64 size), void *priv)
{
	struct ea_prep prep = {};
	struct ea_large *large;
	struct ea_loc loc;
	int ret;

	if (!offset)
		return fn(priv, inst->arena, inst->arena_size);
	spin_lock(&inst->lock);
	if (offset < EA_LARGE_BASE ||
	    ea_where(inst, offset, &loc) != EA_AT_START) {
		spin_unlock(&inst->lock);
		return -ENOENT;
	}
	large = loc.large;
	large->users++;
	spin_unlock(&inst->lock);

	ret = fn(priv, large->area, large->area_size);

	spin_lock(&inst->lock);
	ea_large_put(inst, large, &prep);
	spin_unlock(&inst->lock);
	ea_prep_release(inst, &prep);
	return ret;
}
