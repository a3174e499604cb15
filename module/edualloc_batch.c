// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc_batch.c - EDUALLOC_IOC_BATCH: many ALLOCs and FREEs in one call.
 *
 * Design
 * ======
 *
 * An allocator layered on the device (libedualloc-preload.so) keeps a
 * cache of slots per thread and refills or drains it with one ioctl for
 * many slots, so that most malloc() and free() calls never leave the
 * process while the kernel still owns every block, its ID and its
 * statistics. Each entry of a batch is exactly one ALLOC or one FREE:
 * counted, logged and traced as one, with the same errors.
 *
 * A call goes in four steps, so that no user memory is touched while the
 * instance is entered (the device's rule: a fault there could wait on
 * mmap_lock while a destroy waits on us):
 *  1. ea_batch_begin(): copy the argument and the entries in, check every
 *     field (a bad one fails the call with -EINVAL before anything is
 *     done), and write the entries back unchanged, so that an unwritable
 *     array fails with -EFAULT before anything is done, as ALLOC does.
 *  2. ea_batch_run(), instance entered: every entry in order, each
 *     allocation pending (ea_alloc_begin()) until its result is out.
 *  3. ea_batch_finish(): copy the results and the counts out.
 *  4. ea_batch_settle(), instance entered: commit the allocations, or, if
 *     the results could not be written after all (another thread
 *     unmapped the array in between), take them back in reverse order,
 *     uncounted. Frees cannot be taken back: they stand (documented).
 *
 * The batch is bounded (EDUALLOC_BATCH_MAX entries): its copy is one
 * small kmalloc, and one call holds the instance for a bounded time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "edualloc_batch.h"

/* Is entry @e well-formed? Its out fields are ignored. */
static bool ea_batch_entry_ok(const struct edualloc_batch_entry *e)
{
	if (e->op == EDUALLOC_BATCH_ALLOC)
		return true;
	return e->op == EDUALLOC_BATCH_FREE && !e->size;
}

/**
 * ea_batch_begin() - copy a BATCH call in and check it
 * @b: the call's state, filled here; ea_batch_end() frees it
 * @uarg: the user's struct edualloc_batch
 *
 * Return: 0, -EFAULT, -EINVAL or -ENOMEM; nothing is done on error (call
 * ea_batch_end() in every case).
 */
int ea_batch_begin(struct ea_batch *b, void __user *uarg)
{
	void __user *uent;
	size_t bytes;
	u32 i;

	memset(b, 0, sizeof(*b));
	if (copy_from_user(&b->arg, uarg, sizeof(b->arg)))
		return -EFAULT;
	if (b->arg.flags || !b->arg.count || b->arg.count > EDUALLOC_BATCH_MAX)
		return -EINVAL;
	bytes = b->arg.count * sizeof(*b->ent);
	b->ent = kmalloc(bytes, GFP_KERNEL);
	b->txn = kcalloc(b->arg.count, sizeof(*b->txn), GFP_KERNEL);
	if (!b->ent || !b->txn)
		return -ENOMEM;
	uent = u64_to_user_ptr(b->arg.entries);
	if (copy_from_user(b->ent, uent, bytes))
		return -EFAULT;
	for (i = 0; i < b->arg.count; i++)
		if (!ea_batch_entry_ok(&b->ent[i]))
			return -EINVAL;
	/* Writable? Find out before anything is done. */
	if (copy_to_user(uent, b->ent, bytes))
		return -EFAULT;
	return 0;
}

/**
 * ea_batch_run() - carry out every entry of a checked batch
 * @ea: the attached instance, entered by the caller
 * @oi: its description, for the ALLOC and FREE records the device logs
 * @b: the batch (ea_batch_begin() returned 0)
 * @owner: the owner tag of the allocations (the caller's tgid)
 *
 * The allocations stay pending until ea_batch_settle().
 */
void ea_batch_run(struct ea_instance *ea, const struct ea_obs_inst *oi,
		  struct ea_batch *b, u32 owner)
{
	struct ea_alloc_info info;
	u32 i;

	for (i = 0; i < b->arg.count; i++) {
		struct edualloc_batch_entry *e = &b->ent[i];
		int ret;

		memset(&info, 0, sizeof(info));
		if (e->op == EDUALLOC_BATCH_ALLOC) {
			ret = ea_alloc_begin(ea, e->size, owner, &info, &b->txn[i]);
			if (ret)
				b->txn[i].id = 0;	/* nothing to settle */
		} else {	/* a negative ID too: the engine counts it */
			ret = ea_free(ea, e->id, e->offset, &info);
			ret = ret > 0 ? 0 : ret;
		}
		e->err = ret;
		if (ret) {
			b->arg.failed++;
			continue;
		}
		b->arg.done++;
		ea_obs_op(oi, e->op == EDUALLOC_BATCH_ALLOC ? EA_EV_ALLOC : EA_EV_FREE, &info);
		e->cls = info.cls;
		if (e->op == EDUALLOC_BATCH_ALLOC) {
			e->id = info.id;
			e->offset = info.offset;
		}
	}
}

/**
 * ea_batch_finish() - write a batch's results back
 * @b: the batch, after ea_batch_run()
 * @uarg: the user's struct edualloc_batch
 *
 * Return: 0, or -EFAULT (then ea_batch_settle() must take the allocations back).
 */
int ea_batch_finish(struct ea_batch *b, void __user *uarg)
{
	if (copy_to_user(u64_to_user_ptr(b->arg.entries), b->ent,
			 b->arg.count * sizeof(*b->ent)))
		return -EFAULT;
	if (copy_to_user(uarg, &b->arg, sizeof(b->arg)))
		return -EFAULT;
	return 0;
}

/**
 * ea_batch_settle() - let a batch's allocations stand, or take them back
 * @ea: the attached instance, entered by the caller
 * @b: the batch, after ea_batch_run()
 * @delivered: ea_batch_finish() returned 0
 */
void ea_batch_settle(struct ea_instance *ea, struct ea_batch *b, bool delivered)
{
	u32 i;

	for (i = b->arg.count; i-- > 0;) {
		if (b->ent[i].op != EDUALLOC_BATCH_ALLOC || b->ent[i].err || !b->txn[i].id)
			continue;
		if (delivered)
			ea_commit(ea, &b->txn[i]);
		else
			ea_abort(ea, &b->txn[i]);
	}
}

/**
 * ea_batch_end() - free what ea_batch_begin() allocated
 * @b: the batch
 */
void ea_batch_end(struct ea_batch *b)
{
	kfree(b->ent);
	kfree(b->txn);
	b->ent = NULL;
	b->txn = NULL;
}
