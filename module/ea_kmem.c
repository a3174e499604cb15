// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory for metadata, and the engine's own fault injection.
 *
 * Everything the engine allocates for itself goes through here: slab
 * descriptors and large records (ea_kmalloc()), the areas userspace may
 * map (the arena, large allocations: ea_vmalloc_area()). ea_fail_nth()
 * arms a counter that makes the nth request fail, after
 * /proc/self/fail-nth, so that a test can fail each allocation of an
 * operation in turn and check that it unwinds completely.
 *
 * Invariants: an operation asks for all the memory it needs before it
 * changes anything, so a failure here changes nothing but counters.
 * Locking: the instance lock (fail_nth); the allocations may sleep.
 */

/* Counts down the armed fault injection; true when this request must fail. */
static bool ea_should_fail(struct ea_instance *inst)
{
	if (!inst->fail_nth)
		return false;
	return --inst->fail_nth == 0;
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

static void *ea_vmalloc_area(struct ea_instance *inst, unsigned long size)
{
	if (ea_should_fail(inst))
		return NULL;
	return ea_vzalloc_area(size);
}

/**
 * ea_fail_nth() - inject a kernel-memory failure
 * @inst: instance
 * @nth: fail the @nth request for kernel memory the engine makes from now
 *	 on (1: the next one); 0 disarms
 *
 * The engine's own fault injection, after /proc/self/fail-nth: it lets a
 * test fail each allocation an operation makes in turn and check that the
 * operation unwinds cleanly. Reserving an ID's xarray slot counts as one
 * request. Once it has fired it is disarmed.
 *
 * Context: Process context; takes the instance lock.
 */
void ea_fail_nth(struct ea_instance *inst, unsigned int nth)
{
	mutex_lock(&inst->lock);
	inst->fail_nth = nth;
	mutex_unlock(&inst->lock);
}
