// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory for metadata, and the engine's own fault injection.
 *
 * Everything the engine allocates for itself goes through here: slab
 * descriptors and large records (ea_kmalloc()), the areas userspace may
 * map (the arena, large allocations: ea_vzalloc_area()). ea_fail_nth()
 * arms a counter that makes the nth request fail, after
 * /proc/self/fail-nth, so that a test can fail each allocation of an
 * operation in turn and check that it unwinds completely.
 *
 * The instance lock is a spinlock, so an operation gets what it needs
 * before it takes it for good: ea_prepare() looks, under the lock, at what
 * is missing, drops the lock, allocates it into a struct ea_prep, and the
 * caller looks again. What must be freed outside the lock (a large area:
 * vfree() may sleep) goes on the prep's dead list, and ea_prep_release()
 * frees it once the lock is dropped.
 *
 * Invariants: an operation asks for all the memory it needs before it
 * changes anything, so a failure here changes nothing but counters.
 * Locking: the allocations here run without the instance lock and may
 * sleep; fail_nth is read and counted down under it.
 */

/*
 * Counts down the armed fault injection; true when this request must fail.
 * Called without the instance lock (ea_prepare() allocates outside it).
 */
static bool ea_should_fail(struct ea_instance *inst)
{
	bool fail = false;

	spin_lock(&inst->lock);
	if (inst->fail_nth)
		fail = --inst->fail_nth == 0;
	spin_unlock(&inst->lock);
	return fail;
}

static void *ea_kmalloc(struct ea_instance *inst, size_t size)
{
	if (ea_should_fail(inst))
		return NULL;
	return kmalloc(size, GFP_KERNEL_ACCOUNT);
}

/*
 * An area userspace may map (the arena, a large allocation): page-aligned,
 * zeroed, charged to the caller's memory cgroup, and quiet when it fails.
 * Its size comes from userspace, so running short is the caller's error,
 * not the kernel's: vmalloc_user() would print a warning with a stack dump
 * (warn_alloc()) and takes no gfp flags, hence __vmalloc() with
 * __GFP_NOWARN. Such an area is not marked VM_USERMAP, so the device maps
 * it page by page (vm_insert_page()) rather than with
 * remap_vmalloc_range().
 */
static void *ea_vzalloc_area(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN);
}

/* Get what @needs asks for into @prep, in order; stop at the first failure. */
static void ea_prep_fill(struct ea_instance *inst, unsigned int needs,
			 unsigned int cls, u64 large_size, unsigned int nr_top,
			 struct ea_prep *prep)
{
	struct ea_large *large;

	if (needs & EA_NEED_SLAB) {
		prep->slab = ea_slab_alloc(inst, cls);
		prep->slab_cls = cls;
		if (!prep->slab)
			goto fail;
	}
	if (needs & EA_NEED_LARGE) {
		large = ea_kmalloc(inst, sizeof(*large));
		if (!large)
			goto fail;
		large->area_size = PAGE_ALIGN(large_size);
		large->area = ea_should_fail(inst) ? NULL :
			      ea_vzalloc_area(large->area_size);
		if (!large->area) {
			kfree(large);
			goto fail;
		}
		prep->large = large;
	}
	/* A leaf and a bigger top level are one request for ea_fail_nth(). */
	if (needs & (EA_NEED_LEAF | EA_NEED_TOP)) {
		if (ea_should_fail(inst))
			goto fail;
		if (needs & EA_NEED_LEAF) {
			prep->leaf = kzalloc(sizeof(*prep->leaf), GFP_KERNEL_ACCOUNT);
			if (!prep->leaf)
				goto fail;
		}
		if (needs & EA_NEED_TOP) {
			prep->top = kvcalloc(nr_top, sizeof(*prep->top),
					     GFP_KERNEL_ACCOUNT);
			if (!prep->top)
				goto fail;
			prep->nr_top = nr_top;
		}
	}
	return;
fail:
	prep->failed = true;
}

/*
 * With the instance lock held: if an operation @needs (EA_NEED_*) memory
 * that @prep does not hold yet, drop the lock, allocate it, take the lock
 * again and return true: the caller must look again, as the instance may
 * have changed meanwhile. False: @prep holds all it needs, or an
 * allocation failed (prep->failed: the operation refuses with EA_ERR_KMEM
 * where it finds the piece missing, having changed nothing).
 */
static bool ea_prepare(struct ea_instance *inst, unsigned int needs,
		       unsigned int cls, u64 large_size, struct ea_prep *prep)
	__must_hold(&inst->lock)
{
	unsigned int nr_top = 0;

	lockdep_assert_held(&inst->lock);
	if (prep->failed)
		return false;
	if (prep->slab && prep->slab_cls == cls)
		needs &= ~EA_NEED_SLAB;
	if (prep->large && (!(needs & EA_NEED_LARGE) ||
			    prep->large->area_size == PAGE_ALIGN(large_size)))
		needs &= ~EA_NEED_LARGE;
	if (prep->leaf)
		needs &= ~EA_NEED_LEAF;
	if (prep->top &&
	    prep->nr_top > (inst->next_id - inst->first_id) >> EA_ID_LEAF_SHIFT)
		needs &= ~EA_NEED_TOP;
	if (!needs)
		return false;
	if (needs & EA_NEED_TOP)
		nr_top = max(max(2 * inst->nr_top, 16U),
			     ((inst->next_id - inst->first_id) >> EA_ID_LEAF_SHIFT) + 1);
	spin_unlock(&inst->lock);
	/* What no longer fits: made for another class or size. */
	if (needs & EA_NEED_SLAB) {
		kfree(prep->slab);
		prep->slab = NULL;
	}
	if ((needs & EA_NEED_LARGE) && prep->large) {
		vfree(prep->large->area);
		kfree(prep->large);
		prep->large = NULL;
	}
	if (needs & EA_NEED_TOP) {
		kvfree(prep->top);
		prep->top = NULL;
	}
	ea_prep_fill(inst, needs, cls, large_size, nr_top, prep);
	spin_lock(&inst->lock);
	return true;
}

/* After the lock: free what @prep holds and was not used, or let go of. */
static void ea_prep_release(struct ea_instance *inst, struct ea_prep *prep)
{
	struct ea_large *large;

	ea_pcp_bury(inst);
	/* The fast path's case: nothing was needed, nothing let go of. */
	if (!(prep->slab || prep->leaf || prep->top || prep->old_top ||
	      prep->large || prep->dead))
		return;
	kfree(prep->slab);
	kfree(prep->leaf);
	kvfree(prep->top);
	if (inst->pcp && prep->old_top)	/* ea_pcp_free() may be reading it */
		kvfree_rcu_mightsleep(prep->old_top);
	else
		kvfree(prep->old_top);
	if (prep->large) {
		vfree(prep->large->area);
		kfree(prep->large);
	}
	while ((large = prep->dead)) {
		prep->dead = large->next_dead;
		vfree(large->area);
		kfree(large);
	}
	*prep = (struct ea_prep) { .failed = prep->failed };
}

/**
 * ea_fail_nth() - inject a kernel-memory failure
 * @inst: instance
 * @nth: fail the @nth request for kernel memory the engine makes from now
 *	 on (1: the next one); 0 disarms
 *
 * The engine's own fault injection, after /proc/self/fail-nth: it lets a
 * test fail each allocation an operation makes in turn and check that the
 * operation unwinds cleanly. A leaf of the ID map (with a bigger top level
 * if it needs one) counts as one request. Once it has fired it is disarmed.
 *
 * Context: Any context; takes the instance lock.
 */
void ea_fail_nth(struct ea_instance *inst, unsigned int nth)
{
	spin_lock(&inst->lock);
	inst->fail_nth = nth;
	spin_unlock(&inst->lock);
}
