// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc_main.c - /dev/edualloc: the device in front of the engine.
 *
 * Design
 * ======
 *
 * The engine (ea_engine.c) is an allocator and nothing else: it knows no
 * files, users, ioctls or limits, and it takes its own per-instance mutex
 * inside each call. This file turns it into a device that many processes
 * and users share safely. The ABI it implements is described for users in
 * include/uapi/linux/edualloc.h; this comment explains how it is built.
 *
 * Objects. A struct ea_dev_inst wraps one engine instance with what the
 * device needs: its name, kind (shared, named or private), owner, size,
 * and a reference count. A struct ea_file is one open file: the instance
 * it is attached to and the private instance it owns, if any. The
 * registry is the list of all live instances with the running totals the
 * module's limits are checked against.
 *
 * Lifetime. An instance is destroyed ("killed") at one well-defined
 * moment: DESTROY for a named one, the last close of its file for a
 * private one, module unload for the shared one and the named ones left.
 * Killing unlinks it from the registry, then takes its lifetime rwsem for
 * writing, which waits for every call still inside the engine, and clears
 * ->ea; then ea_destroy() frees the engine instance (with its leak
 * report). The struct ea_dev_inst itself lives on, refcounted, until the
 * last file attached to it lets go: such files get -EIDRM from every call.
 * So a call never needs more than a reference and the rwsem held for
 * reading to use ->ea safely, and a destroy never waits for a file to be
 * closed.
 *
 * Mappings. mmap maps the engine's vmalloc'ed areas (the arena, or a
 * large allocation) page by page with vm_insert_page(), as
 * remap_vmalloc_range() would, which holds a page reference for as long
 * as the mapping exists. Freeing a large allocation, resetting or destroying an
 * instance vfree()s the area, but the pages that are still mapped stay
 * allocated until munmap: userspace never sees memory the kernel reuses
 * for anything else, and the kernel never touches an area it freed. A
 * mapping also holds its file, hence the module: unload waits for munmap.
 * Mappings are MAP_SHARED (a private copy of kernel-owned pages would be
 * a lie) and never executable, not even later through mprotect().
 * The kernel never follows anything stored in the arena (the engine keeps
 * its metadata outside it), so userspace may write anything there.
 *
 * Locks, outermost first:
 *	mmap_lock (held by the core around ->mmap)
 *	ea_file.lock		which instance a file uses
 *	ea_registry_lock	the registry, its totals, instance debug flags
 *	ea_dev_inst.lifetime	->ea of one instance (read: use, write: kill)
 *	the engine's own per-instance mutex (inside every ea_*() call)
 * ->mmap runs with mmap_lock held and takes ea_file.lock and the lifetime
 * rwsem. Therefore no code path copies from or to userspace (which may
 * fault and take mmap_lock) while holding any of these locks: every ioctl
 * copies its argument in first, works on kernel copies under the locks,
 * and copies results out after dropping them. READ and WRITE go through a
 * kernel bounce buffer for the same reason.
 *
 * Errors. Arguments are checked before anything changes, so a refused
 * call leaves no trace. Before doing its work, a command with results
 * writes its own argument back unchanged (a probe that fails on a
 * read-only or unmapped buffer with no side effect); if the final copy
 * still fails (the buffer was unmapped meanwhile, or fault injection), a
 * new allocation or instance is undone before -EFAULT is returned.
 *
 * Limits. Instances count against max_instances and their capacities
 * against max_total_bytes, both checked and charged under
 * ea_registry_lock in the same critical section that makes the instance,
 * so concurrent CREATEs cannot overshoot and a refused one makes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <uapi/linux/edualloc.h>

#include "compat.h"
#include "ea_engine.h"
#include "edualloc_obs.h"
#include "edualloc_batch.h"

/* Module parameters. The limits may be changed at run time by root. */
static unsigned long shared_capacity = SZ_1M;
module_param(shared_capacity, ulong, 0444);
MODULE_PARM_DESC(shared_capacity, "Arena bytes of the shared instance (default 1 MiB)");

static unsigned int shared_bitset_bits = EA_DEF_BITSET_BITS;
module_param(shared_bitset_bits, uint, 0444);
MODULE_PARM_DESC(shared_bitset_bits, "Bits in the shared instance's bitset, 0 for none (default 4096)");

static ushort dev_mode = 0660;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Permissions of /dev/edualloc (default 0660)");

static unsigned long max_capacity = SZ_64M;
module_param(max_capacity, ulong, 0644);
MODULE_PARM_DESC(max_capacity, "Limit: largest capacity of one instance (default 64 MiB, at most 4 GiB)");

static unsigned long max_total_bytes = SZ_256M;
module_param(max_total_bytes, ulong, 0644);
MODULE_PARM_DESC(max_total_bytes, "Limit: sum of all instances' capacities (default 256 MiB)");

static unsigned int max_instances = 64;
module_param(max_instances, uint, 0644);
MODULE_PARM_DESC(max_instances, "Limit: number of instances, shared included (default 64)");

static bool debug_checks = true;
module_param(debug_checks, bool, 0644);
MODULE_PARM_DESC(debug_checks, "Red zones and poisoning in new instances (default on)");

/**
 * struct ea_dev_inst - an engine instance as the device sees it
 * @ref: references: the registry's (dropped at kill), each file attached
 *	to it, the file owning it (private), each call in flight.
 * @lifetime: protects @ea: held for reading around every use, for
 *	writing by ea_inst_kill_locked() to clear it.
 * @ea: the engine instance; NULL once killed.
 * @node: in ea_registry, under ea_registry_lock; empty once killed.
 * @obs: name, ID, kind and creator, constant; what the log layer sees.
 * @owner: the creator's euid (root for the shared instance).
 * @capacity: arena bytes, page-rounded, as charged to ea_total_bytes.
 * @bitset_bits: bits in the bitset, 0 for none.
 * @debug: debug checks on; written under ea_registry_lock.
 * @nr_attached: files attached to it now.
 */
struct ea_dev_inst {
	struct kref ref;
	struct rw_semaphore lifetime;
	struct ea_instance *ea;
	struct list_head node;
	struct ea_obs_inst obs;
	kuid_t owner;
	u64 capacity;
	u32 bitset_bits;
	bool debug;
	atomic_t nr_attached;
};

/**
 * struct ea_file - the state of one open file
 * @lock: protects the two pointers (not the instances they point to).
 * @inst: the instance the file's calls go to; holds a reference.
 * @priv: the private instance this file owns, or NULL; holds a reference.
 */
struct ea_file {
	struct mutex lock;		/* protects inst and priv */
	struct ea_dev_inst *inst;
	struct ea_dev_inst *priv;
};

/*
 * ea_registry_lock protects ea_registry, ea_nr_instances, ea_total_bytes,
 * ea_next_inst_id and every instance's ->node and ->debug.
 */
static DEFINE_MUTEX(ea_registry_lock);
static LIST_HEAD(ea_registry);
static unsigned int ea_nr_instances;
static u64 ea_total_bytes;
static u32 ea_next_inst_id = 1;

/* Set at load, cleared at unload: constant while the device is registered. */
static struct ea_dev_inst *ea_shared;

/* max_capacity, within what the engine can index (EA_MAX_ARENA). */
static u64 ea_max_capacity(void)
{
	return min_t(u64, READ_ONCE(max_capacity), EA_MAX_ARENA);
}

static void ea_inst_release(struct kref *ref)
{
	struct ea_dev_inst *inst = container_of(ref, struct ea_dev_inst, ref);

	WARN_ON(inst->ea);
	kfree(inst);
}

static void ea_inst_put(struct ea_dev_inst *inst)
{
	kref_put(&inst->ref, ea_inst_release);
}

/* The engine's event callback: the observability layer plugs in here. */
static void ea_dev_notify(void *priv, const struct ea_event *ev)
{
	struct ea_dev_inst *inst = priv;

	ea_obs_event(&inst->obs, ev);
}

/*
 * Enter an instance: take its lifetime rwsem for reading and return the
 * engine instance, or ERR_PTR(-EIDRM) (rwsem not held) if it was killed.
 */
static struct ea_instance *ea_inst_enter(struct ea_dev_inst *inst)
{
	down_read(&inst->lifetime);
	if (!inst->ea) {
		up_read(&inst->lifetime);
		return ERR_PTR(-EIDRM);
	}
	return inst->ea;
}

static void ea_inst_leave(struct ea_dev_inst *inst)
{
	up_read(&inst->lifetime);
}

/* The instance this file's calls go to, with a reference. */
static struct ea_dev_inst *ea_file_inst(struct ea_file *f)
{
	struct ea_dev_inst *inst;

	mutex_lock(&f->lock);
	inst = f->inst;
	kref_get(&inst->ref);
	mutex_unlock(&f->lock);
	return inst;
}

/*
 * Enter the instance @f is attached to, for one call: on success *@instp
 * holds a reference to it and its lifetime rwsem for reading (undone by
 * ea_file_leave(), or ea_inst_leave() then ea_inst_put() for a caller that
 * still needs the instance); an ERR_PTR (-EIDRM) leaves nothing held.
 */
static struct ea_instance *ea_file_enter(struct ea_file *f, struct ea_dev_inst **instp)
{
	struct ea_dev_inst *inst = ea_file_inst(f);
	struct ea_instance *ea = ea_inst_enter(inst);

	if (IS_ERR(ea))
		ea_inst_put(inst);
	else
		*instp = inst;
	return ea;
}

static void ea_file_leave(struct ea_dev_inst *inst)
{
	ea_inst_leave(inst);
	ea_inst_put(inst);
}

/*
 * Attach @f to @inst (whose reference the file takes over) and return the
 * instance it was attached to, whose reference passes to the caller.
 */
static struct ea_dev_inst *ea_file_attach(struct ea_file *f, struct ea_dev_inst *inst)
{
	struct ea_dev_inst *old;

	mutex_lock(&f->lock);
	old = f->inst;
	f->inst = inst;
	atomic_inc(&inst->nr_attached);
	atomic_dec(&old->nr_attached);
	mutex_unlock(&f->lock);
	return old;
}

/*
 * Undo ea_file_attach(f, inst) that returned @old: if @f is still attached
 * to @inst, attach it back to @old. Consumes the reference to @old.
 */
static void ea_file_unattach(struct ea_file *f, struct ea_dev_inst *inst,
			     struct ea_dev_inst *old)
{
	mutex_lock(&f->lock);
	if (f->inst == inst) {
		f->inst = old;
		atomic_inc(&old->nr_attached);
		atomic_dec(&inst->nr_attached);
		old = inst;
	}
	mutex_unlock(&f->lock);
	ea_inst_put(old);
}

/* The owner, or root, may attach to, destroy and configure an instance. */
static bool ea_may_admin(const struct ea_dev_inst *inst)
{
	return uid_eq(current_euid(), inst->owner) || capable(CAP_SYS_ADMIN);
}

/* Named and shared instances, by name; private ones cannot be found. */
static struct ea_dev_inst *ea_find_locked(const char *name)
{
	struct ea_dev_inst *inst;

	lockdep_assert_held(&ea_registry_lock);
	list_for_each_entry(inst, &ea_registry, node) {
		if (inst->obs.kind != EDUALLOC_KIND_PRIVATE &&
		    !strcmp(inst->obs.name, name))
			return inst;
	}
	return NULL;
}

/*
 * Make, list and charge an instance. Checks the limits first; nothing is
 * left behind on failure. @name is final (private names are made by the
 * caller). Returns the instance with the registry's reference only.
 */
static struct ea_dev_inst *ea_inst_create_locked(const char *name, u32 kind,
						 const struct ea_params *p,
						 kuid_t owner, u32 pid)
{
	struct ea_params params = *p;
	struct ea_dev_inst *inst;
	u64 capacity;
	int err = -ENOMEM;

	lockdep_assert_held(&ea_registry_lock);

	if (p->capacity > ea_max_capacity())
		return ERR_PTR(-EDQUOT);
	capacity = PAGE_ALIGN(p->capacity);
	if (capacity > ea_max_capacity() ||
	    ea_nr_instances >= READ_ONCE(max_instances) ||
	    ea_total_bytes + capacity > READ_ONCE(max_total_bytes))
		return ERR_PTR(-EDQUOT);

	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return ERR_PTR(-ENOMEM);
	kref_init(&inst->ref);
	init_rwsem(&inst->lifetime);
	INIT_LIST_HEAD(&inst->node);
	strscpy(inst->obs.name, name, sizeof(inst->obs.name));
	inst->obs.id = ea_next_inst_id;
	inst->obs.kind = kind;
	inst->obs.creator_pid = pid;
	inst->owner = owner;
	inst->capacity = capacity;
	inst->bitset_bits = p->bitset_bits;
	inst->debug = p->debug;
	atomic_set(&inst->nr_attached, 0);

	params.capacity = capacity;
	params.max_capacity = capacity;
	params.notify = ea_dev_notify;
	params.priv = inst;
	inst->ea = ea_create(&params, &err);
	if (!inst->ea)
		goto err_free;

	ea_next_inst_id++;
	ea_nr_instances++;
	ea_total_bytes += capacity;
	list_add_tail(&inst->node, &ea_registry);
	inst->obs.ea = inst->ea;
	ea_obs_inst_add(&inst->obs);
	return inst;

err_free:
	kfree(inst);
	return ERR_PTR(err < 0 ? err : -ENOMEM);
}

/*
 * Destroy an instance's engine instance and unlist it; drops the
 * registry's reference. Safe to call on a killed instance (does nothing).
 */
static void ea_inst_kill_locked(struct ea_dev_inst *inst)
{
	struct ea_instance *ea;

	lockdep_assert_held(&ea_registry_lock);
	if (list_empty(&inst->node))
		return;

	list_del_init(&inst->node);
	ea_nr_instances--;
	ea_total_bytes -= inst->capacity;
	ea_obs_inst_del(&inst->obs);

	down_write(&inst->lifetime);
	ea = inst->ea;
	inst->ea = NULL;
	up_write(&inst->lifetime);

	ea_destroy(ea);
	ea_inst_put(inst);
}

/* A user-supplied name: NUL-terminated, zero after the NUL, a-z 0-9 _ -. */
static int ea_check_name(const char *name, bool may_be_empty)
{
	size_t len = strnlen(name, EDUALLOC_NAME_MAX);
	size_t i;

	if (len == EDUALLOC_NAME_MAX)
		return -EINVAL;
	if (memchr_inv(name + len, 0, EDUALLOC_NAME_MAX - len))
		return -EINVAL;
	if (!len && !may_be_empty)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return -EINVAL;
	}
	return 0;
}

/*
 * Describe @inst for userspace. @st is scratch space. Takes the lifetime
 * rwsem; a killed instance reports no use.
 */
static void ea_fill_inst_info(struct ea_dev_inst *inst, struct ea_dev_inst *attached,
			      struct ea_stats *st, struct edualloc_inst_info *out)
{
	struct ea_instance *ea;

	memset(out, 0, sizeof(*out));
	memcpy(out->name, inst->obs.name, sizeof(out->name));
	out->id = inst->obs.id;
	out->kind = inst->obs.kind;
	out->flags = (READ_ONCE(inst->debug) ? EDUALLOC_INST_DEBUG : 0) |
		     (inst->bitset_bits ? EDUALLOC_INST_BITSET : 0) |
		     (inst == attached ? EDUALLOC_INST_ATTACHED : 0);
	out->owner_uid = from_kuid_munged(current_user_ns(), inst->owner);
	out->capacity = inst->capacity;
	out->bitset_bits = inst->bitset_bits;
	out->nr_attached = atomic_read(&inst->nr_attached);
	out->creator_pid = inst->obs.creator_pid;

	ea = ea_inst_enter(inst);
	if (IS_ERR(ea))
		return;
	ea_get_stats(ea, st);
	ea_inst_leave(inst);
	out->used_bytes = st->used_bytes;
	out->live_allocs = st->live_allocs;
	out->live_requested = st->live_requested;
}

static void ea_fill_alloc_info(const struct ea_alloc_info *a, struct edualloc_alloc_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = a->id;
	out->cls = a->cls;
	out->offset = a->offset;
	out->size = a->size;
	out->class_size = a->class_size;
	out->owner_pid = a->owner;
}

static u32 ea_owner_tag(void)
{
	return task_tgid_nr(current);
}

static long ea_ioctl_version(void __user *uarg)
{
	struct edualloc_version v;

	memset(&v, 0, sizeof(v));
	v.abi_version = EDUALLOC_ABI_VERSION;
	v.page_size = PAGE_SIZE;
	v.features = EDUALLOC_FEATURES;
	v.nr_classes = EA_NR_CLASSES;
	v.min_shift = EA_MIN_SHIFT;
	v.max_shift = EA_MAX_SHIFT;
	v.large_shift = EA_LARGE_SHIFT;
	v.large_base = EA_LARGE_BASE;
	v.min_capacity = EA_MIN_CAPACITY;
	v.def_bitset_bits = EA_DEF_BITSET_BITS;
	v.max_bitset_bits = EA_MAX_BITSET_BITS;
	mutex_lock(&ea_registry_lock);
	v.max_capacity = ea_max_capacity();
	v.max_total_bytes = READ_ONCE(max_total_bytes);
	v.max_instances = READ_ONCE(max_instances);
	v.total_bytes = ea_total_bytes;
	v.nr_instances = ea_nr_instances;
	mutex_unlock(&ea_registry_lock);

	if (copy_to_user(uarg, &v, sizeof(v)))
		return -EFAULT;
	return 0;
}

static long ea_ioctl_create(struct ea_file *f, void __user *uarg)
{
	const u32 known = EDUALLOC_CREATE_DEBUG_ON | EDUALLOC_CREATE_DEBUG_OFF |
			  EDUALLOC_CREATE_QUIET | EDUALLOC_CREATE_REALLOC_IN_PLACE;
	struct edualloc_create arg;
	struct ea_params params = {};
	struct ea_dev_inst *inst, *old;
	struct ea_stats *st;
	char name[EDUALLOC_NAME_MAX];
	bool private;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags & ~known || arg.__pad ||
	    (arg.flags & EDUALLOC_CREATE_DEBUG_ON && arg.flags & EDUALLOC_CREATE_DEBUG_OFF))
		return -EINVAL;
	if (ea_check_name(arg.name, true))
		return -EINVAL;
	if (arg.capacity < EA_MIN_CAPACITY || arg.bitset_bits > EA_MAX_BITSET_BITS ||
	    arg.first_id > INT_MAX)
		return -EINVAL;
	if (arg.capacity > ea_max_capacity())
		return -EDQUOT;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;

	private = !arg.name[0];
	params.capacity = arg.capacity;
	params.bitset_bits = arg.bitset_bits;
	params.first_id = arg.first_id;
	params.quiet = arg.flags & EDUALLOC_CREATE_QUIET;
	params.realloc_in_place = arg.flags & EDUALLOC_CREATE_REALLOC_IN_PLACE;
	params.debug = READ_ONCE(debug_checks);
	if (arg.flags & EDUALLOC_CREATE_DEBUG_ON)
		params.debug = true;
	if (arg.flags & EDUALLOC_CREATE_DEBUG_OFF)
		params.debug = false;

	mutex_lock(&f->lock);
	if (private && f->priv) {
		ret = -EEXIST;
		goto err_unlock_file;
	}
	mutex_lock(&ea_registry_lock);
	if (private) {
		snprintf(name, sizeof(name), "pid%u.%u", task_tgid_nr(current),
			 ea_next_inst_id);
	} else {
		if (ea_find_locked(arg.name)) {
			ret = -EEXIST;
			goto err_unlock_registry;
		}
		memcpy(name, arg.name, sizeof(name));
	}
	inst = ea_inst_create_locked(name, private ? EDUALLOC_KIND_PRIVATE : EDUALLOC_KIND_NAMED,
				     &params, current_euid(), task_tgid_nr(current));
	if (IS_ERR(inst)) {
		ret = PTR_ERR(inst);
		goto err_unlock_registry;
	}
	/*
	 * References: the registry's, ours, the attachment's, the owner's,
	 * taken before a DESTROY can drop the registry's.
	 */
	kref_get(&inst->ref);
	kref_get(&inst->ref);
	if (private)
		kref_get(&inst->ref);
	mutex_unlock(&ea_registry_lock);

	if (private)
		f->priv = inst;
	old = f->inst;
	f->inst = inst;
	atomic_inc(&inst->nr_attached);
	atomic_dec(&old->nr_attached);
	mutex_unlock(&f->lock);

	ea_fill_inst_info(inst, inst, st, &arg.info);
	ret = 0;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ret = -EFAULT;
		/* Undo: detach, disown, destroy. */
		ea_file_unattach(f, inst, old);
		old = NULL;
		if (private) {
			mutex_lock(&f->lock);
			if (f->priv == inst) {
				f->priv = NULL;
				ea_inst_put(inst);
			}
			mutex_unlock(&f->lock);
		}
		mutex_lock(&ea_registry_lock);
		ea_inst_kill_locked(inst);
		/* Its number too, unless another instance took the next. */
		if (ea_next_inst_id == inst->obs.id + 1)
			ea_next_inst_id--;
		mutex_unlock(&ea_registry_lock);
	}
	if (old)
		ea_inst_put(old);
	ea_inst_put(inst);
	kfree(st);
	return ret;

err_unlock_registry:
	mutex_unlock(&ea_registry_lock);
err_unlock_file:
	mutex_unlock(&f->lock);
	kfree(st);
	return ret;
}

static long ea_ioctl_attach(struct ea_file *f, void __user *uarg)
{
	struct edualloc_attach arg;
	struct ea_dev_inst *inst, *old;
	struct ea_stats *st;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags & ~EDUALLOC_ATTACH_PRIVATE || arg.__pad)
		return -EINVAL;
	if (ea_check_name(arg.name, true))
		return -EINVAL;
	if (!!arg.name[0] == !!(arg.flags & EDUALLOC_ATTACH_PRIVATE))
		return -EINVAL;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;

	if (arg.flags & EDUALLOC_ATTACH_PRIVATE) {
		mutex_lock(&f->lock);
		inst = f->priv;
		if (inst)
			kref_get(&inst->ref);
		mutex_unlock(&f->lock);
		ret = -ENOENT;
		if (!inst)
			goto out_free;
	} else {
		mutex_lock(&ea_registry_lock);
		inst = ea_find_locked(arg.name);
		ret = -ENOENT;
		if (inst) {
			ret = -EPERM;
			if (inst->obs.kind == EDUALLOC_KIND_SHARED || ea_may_admin(inst)) {
				kref_get(&inst->ref);
				ret = 0;
			}
		}
		mutex_unlock(&ea_registry_lock);
		if (ret)
			goto out_free;
	}

	/*
	 * The reference taken above passes to the file, which another thread
	 * may attach elsewhere at any moment, dropping it: keep one of our own
	 * for the report below.
	 */
	kref_get(&inst->ref);
	old = ea_file_attach(f, inst);
	ea_fill_inst_info(inst, inst, st, &arg.info);
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ea_file_unattach(f, inst, old);
		ret = -EFAULT;
	} else {
		ea_inst_put(old);
		ret = 0;
	}
	ea_inst_put(inst);

out_free:
	kfree(st);
	return ret;
}

static long ea_ioctl_destroy(void __user *uarg)
{
	struct edualloc_destroy arg;
	struct ea_dev_inst *inst;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.__pad || ea_check_name(arg.name, false))
		return -EINVAL;

	mutex_lock(&ea_registry_lock);
	inst = ea_find_locked(arg.name);
	if (!inst)
		ret = -ENOENT;
	else if (inst->obs.kind == EDUALLOC_KIND_SHARED || !ea_may_admin(inst))
		ret = -EPERM;
	else
		ret = 0;
	if (!ret)
		ea_inst_kill_locked(inst);
	mutex_unlock(&ea_registry_lock);
	return ret;
}

static long ea_ioctl_list(struct ea_file *f, void __user *uarg)
{
	struct edualloc_inst_info *infos = NULL;
	struct ea_dev_inst *inst, *attached;
	struct edualloc_list arg;
	struct ea_stats *st;
	u32 n = 0;
	long ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	attached = ea_file_inst(f);

	mutex_lock(&ea_registry_lock);
	arg.total = ea_nr_instances;
	arg.count = min(arg.max, arg.total);
	if (arg.count) {
		infos = kvcalloc(arg.count, sizeof(*infos), GFP_KERNEL_ACCOUNT);
		if (!infos) {
			ret = -ENOMEM;
			goto out_unlock;
		}
	}
	list_for_each_entry(inst, &ea_registry, node) {
		if (n == arg.count)
			break;
		ea_fill_inst_info(inst, attached, st, &infos[n++]);
	}
out_unlock:
	mutex_unlock(&ea_registry_lock);
	ea_inst_put(attached);
	kfree(st);
	if (ret)
		return ret;

	if (n && copy_to_user(u64_to_user_ptr(arg.buf), infos, n * sizeof(*infos)))
		ret = -EFAULT;
	else if (copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
	kvfree(infos);
	return ret;
}

/*
 * Settle a pending allocation of @inst once its result was copied out
 * (@delivered: let it stand) or could not be (take it back). A destroyed
 * instance took it with it: nothing to do.
 */
static void ea_inst_settle(struct ea_dev_inst *inst, const struct ea_txn *txn,
			   bool delivered)
{
	struct ea_instance *ea = ea_inst_enter(inst);

	if (IS_ERR(ea))
		return;
	if (delivered)
		ea_commit(ea, txn);
	else
		ea_abort(ea, txn);
	ea_inst_leave(inst);
}

static long ea_ioctl_alloc(struct ea_file *f, void __user *uarg)
{
	struct edualloc_alloc arg;
	struct ea_alloc_info info;
	struct ea_txn txn;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.__pad)
		return -EINVAL;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	ret = ea_alloc_begin(ea, arg.size, ea_owner_tag(), &info, &txn);
	ea_inst_leave(inst);
	if (!ret) {
		ea_fill_alloc_info(&info, &arg.info);
		if (copy_to_user(uarg, &arg, sizeof(arg))) {
			/* Nobody learnt of it: take it back, uncounted. */
			ret = -EFAULT;
			ea_inst_settle(inst, &txn, false);
		}
	}
	ea_inst_put(inst);
	return ret;
}

static long ea_ioctl_free(struct ea_file *f, void __user *uarg)
{
	const u32 both = EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET;
	struct edualloc_free arg;
	struct ea_alloc_info info;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	u64 offset;
	int id;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!arg.flags || arg.flags & ~both)
		return -EINVAL;
	id = arg.flags & EDUALLOC_FREE_BY_ID ? arg.id : 0;
	offset = arg.flags & EDUALLOC_FREE_BY_OFFSET ? arg.offset : 0;
	/* ID 0 is never issued; to the engine it would mean "by offset". */
	if (arg.flags & EDUALLOC_FREE_BY_ID && !id)
		return -ENOENT;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	/* ea_free() reads offset 0 beside an ID as "no offset": both given, 0 is an offset. */
	if ((arg.flags & both) == both)
		ret = ea_free_both(ea, id, offset, &info);
	else
		ret = ea_free(ea, id, offset, &info);
	ea_file_leave(inst);
	return ret > 0 ? 0 : ret;
}

static long ea_ioctl_lookup(struct ea_file *f, void __user *uarg)
{
	struct edualloc_lookup arg;
	struct ea_alloc_info info;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags != EDUALLOC_LOOKUP_BY_ID && arg.flags != EDUALLOC_LOOKUP_BY_OFFSET)
		return -EINVAL;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	if (arg.flags == EDUALLOC_LOOKUP_BY_ID)
		ret = ea_lookup_id(ea, arg.id, &info);
	else
		ret = ea_lookup_offset(ea, arg.offset, &info);
	ea_file_leave(inst);
	if (ret < 0)
		return ret;

	ea_fill_alloc_info(&info, &arg.info);
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

static long ea_ioctl_rw(struct ea_file *f, void __user *uarg, bool write)
{
	struct edualloc_rw arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	void __user *ubuf;
	u8 none;
	void *buf;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;
	ubuf = u64_to_user_ptr(arg.buf);

	inst = ea_file_inst(f);
	/* Longer than the arena: no allocation can hold it. */
	ret = -EINVAL;
	if (arg.len > inst->capacity || arg.pos > inst->capacity)
		goto out_put;
	buf = &none;
	if (arg.len) {
		ret = -ENOMEM;
		buf = kvmalloc(arg.len, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!buf)
			goto out_put;
	}
	ret = -EFAULT;
	if (write && copy_from_user(buf, ubuf, arg.len))
		goto out_free;

	ea = ea_inst_enter(inst);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
		goto out_free;
	}
	if (write)
		ret = ea_write(ea, arg.id, arg.pos, buf, arg.len);
	else
		ret = ea_read(ea, arg.id, arg.pos, buf, arg.len);
	ea_inst_leave(inst);
	if (ret < 0)
		goto out_free;

	ret = 0;
	if (!write && copy_to_user(ubuf, buf, arg.len))
		ret = -EFAULT;
out_free:
	if (buf != &none)
		kvfree(buf);
out_put:
	ea_inst_put(inst);
	return ret;
}

static long ea_ioctl_realloc(struct ea_file *f, void __user *uarg)
{
	struct edualloc_realloc arg;
	struct ea_alloc_info info;
	struct ea_txn txn;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	ret = ea_realloc_begin(ea, arg.id, arg.size, ea_owner_tag(), &info, &txn);
	ea_inst_leave(inst);
	if (!ret) {
		/*
		 * The old allocation lives until the result is delivered: if
		 * it cannot be, the new one is taken back and nothing has
		 * changed.
		 */
		ea_fill_alloc_info(&info, &arg.info);
		ret = copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
		ea_inst_settle(inst, &txn, !ret);
	}
	ea_inst_put(inst);
	return ret;
}

static long ea_ioctl_bit(struct ea_file *f, void __user *uarg)
{
	struct edualloc_bit arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	bool answered;
	u32 found = 0;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.op < EDUALLOC_BIT_SET || arg.op > EDUALLOC_BIT_CLEAR_ALL ||
	    (arg.op == EDUALLOC_BIT_CLEAR_ALL && arg.bit))
		return -EINVAL;
	/*
	 * SET, CLEAR and CLEAR_ALL change the bitset and answer value 0:
	 * the probe writes that answer, so that no copy is left to fail
	 * once the bitset has changed. GET and FIND answer at the end.
	 */
	answered = arg.op != EDUALLOC_BIT_GET && arg.op != EDUALLOC_BIT_FIND;
	if (answered)
		arg.value = 0;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	switch (arg.op) {
	case EDUALLOC_BIT_SET:
		ret = ea_bit_set(ea, arg.bit);
		break;
	case EDUALLOC_BIT_CLEAR:
		ret = ea_bit_clear(ea, arg.bit);
		break;
	case EDUALLOC_BIT_GET:
		ret = ea_bit_get(ea, arg.bit);
		if (ret >= 0)
			found = ret;
		break;
	case EDUALLOC_BIT_FIND:
		ret = ea_bit_find(ea, arg.bit, &found);
		break;
	default:
		ret = ea_bit_clear_all(ea);
		break;
	}
	ea_file_leave(inst);
	if (ret < 0)
		return ret;

	arg.value = found;
	if (!answered && copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static void ea_fill_stats(struct ea_dev_inst *inst, const struct ea_stats *st,
			  struct edualloc_stats *out)
{
	unsigned int i;

	out->inst_id = inst->obs.id;
	out->kind = inst->obs.kind;
	out->inst_flags = (READ_ONCE(inst->debug) ? EDUALLOC_INST_DEBUG : 0) |
			  (inst->bitset_bits ? EDUALLOC_INST_BITSET : 0) |
			  EDUALLOC_INST_ATTACHED;
	out->nr_classes = EA_NR_CLASSES;
	memcpy(out->name, inst->obs.name, sizeof(out->name));
	/* The figures: the uapi's lists, field by field. */
#define EA_COPY(bits, name)	out->name = st->name;
	EDUALLOC_STATS_SCALARS(EA_COPY)
#undef EA_COPY
	for (i = 0; i < EA_NR_ERR; i++)
		out->errors[i] = st->errors[i];
	/* Both made from EDUALLOC_CLASS_STATS: the same fields. */
	BUILD_BUG_ON(sizeof(out->cls) != sizeof(st->cls));
	memcpy(out->cls, st->cls, sizeof(out->cls));
}

static long ea_ioctl_stats(struct ea_file *f, void __user *uarg)
{
	struct edualloc_stats *arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	struct ea_stats *st;
	long ret;

	arg = kzalloc(sizeof(*arg), GFP_KERNEL);
	if (!arg)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(arg, uarg, sizeof(*arg)))
		goto out_free_arg;
	ret = -EINVAL;
	if (arg->flags || arg->__pad)
		goto out_free_arg;
	ret = -ENOMEM;
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		goto out_free_arg;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
		goto out_free_st;
	}
	ea_get_stats(ea, st);
	ea_inst_leave(inst);

	memset(arg, 0, sizeof(*arg));
	ea_fill_stats(inst, st, arg);
	ea_inst_put(inst);
	ret = copy_to_user(uarg, arg, sizeof(*arg)) ? -EFAULT : 0;
out_free_st:
	kfree(st);
out_free_arg:
	kfree(arg);
	return ret;
}

static long ea_ioctl_reset(struct ea_file *f, void __user *uarg)
{
	struct edualloc_reset arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.__pad)
		return -EINVAL;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	ret = ea_reset(ea);
	ea_file_leave(inst);
	return ret > 0 ? 0 : ret;
}

static long ea_ioctl_config(struct ea_file *f, void __user *uarg)
{
	const u32 known = EDUALLOC_CONFIG_SET_DEBUG | EDUALLOC_CONFIG_SET_FAIL_NTH;
	struct edualloc_config arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	bool set_debug, set_fail, changes;
	long ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	set_debug = arg.flags & EDUALLOC_CONFIG_SET_DEBUG;
	set_fail = arg.flags & EDUALLOC_CONFIG_SET_FAIL_NTH;
	if (arg.flags & ~known || arg.__pad || arg.debug > (set_debug ? 1 : 0) ||
	    (!set_fail && arg.fail_nth))
		return -EINVAL;

	/*
	 * A change is answered before it is made: the probe writes back the
	 * debug value the call leaves (the one asked for, or the current one
	 * beside a fail_nth alone), so that no copy is left to fail once the
	 * instance has changed. A plain read answers at the end.
	 */
	inst = ea_file_inst(f);
	changes = set_debug || set_fail;
	if (!set_debug)
		arg.debug = READ_ONCE(inst->debug);
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ea_inst_put(inst);
		return -EFAULT;
	}

	mutex_lock(&ea_registry_lock);
	ea = ea_inst_enter(inst);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
	} else {
		if ((set_debug || set_fail) && !ea_may_admin(inst)) {
			ret = -EPERM;
		} else {
			if (set_debug) {
				ea_set_debug(ea, arg.debug);
				WRITE_ONCE(inst->debug, arg.debug);
			}
			if (set_fail)
				ea_fail_nth(ea, arg.fail_nth);
		}
		ea_inst_leave(inst);
	}
	arg.debug = inst->debug;
	mutex_unlock(&ea_registry_lock);
	ea_inst_put(inst);
	if (ret)
		return ret;

	if (!changes && copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static long ea_ioctl_validate(struct ea_file *f, void __user *uarg)
{
	struct edualloc_validate arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;

	memset(&arg, 0, sizeof(arg));
	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	arg.consistent = !ea_validate(ea, arg.why, sizeof(arg.why));
	ea_file_leave(inst);
	arg.why[sizeof(arg.why) - 1] = '\0';
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

static long ea_ioctl_pages(struct ea_file *f, void __user *uarg)
{
	struct edualloc_page *out = NULL;
	struct ea_page_info *pages = NULL;
	struct edualloc_pages arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	unsigned long i, n;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;

	inst = ea_file_inst(f);
	arg.total = inst->capacity >> PAGE_SHIFT;
	n = min(arg.max, arg.total);
	ret = -ENOMEM;
	if (n) {
		pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		out = kvcalloc(n, sizeof(*out), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!pages || !out)
			goto out_free;
	}
	ea = ea_inst_enter(inst);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
		goto out_free;
	}
	n = n ? ea_page_map(ea, pages, n) : 0;
	ea_inst_leave(inst);

	for (i = 0; i < n; i++) {
		out[i].kind = pages[i].kind;
		out[i].cls = pages[i].cls;
		out[i].order = pages[i].order;
		out[i].head = pages[i].head;
		out[i].used = pages[i].used;
		out[i].total = pages[i].total;
	}
	arg.count = n;
	ret = 0;
	if (n && copy_to_user(u64_to_user_ptr(arg.buf), out, n * sizeof(*out)))
		ret = -EFAULT;
	else if (copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
out_free:
	kvfree(out);
	kvfree(pages);
	ea_inst_put(inst);
	return ret;
}

struct ea_allocs_walk {
	struct edualloc_alloc_info *buf;
	u32 max;
	u32 count;
	int start_id;
	u64 total;
};

/* Called by the engine under its lock for each live allocation, in ID order. */
static int ea_allocs_one(void *priv, const struct ea_alloc_info *a)
{
	struct ea_allocs_walk *w = priv;

	w->total++;
	if (a->id >= w->start_id && w->count < w->max)
		ea_fill_alloc_info(a, &w->buf[w->count++]);
	return 0;
}

static long ea_ioctl_allocs(struct ea_file *f, void __user *uarg)
{
	struct ea_allocs_walk w = {};
	struct edualloc_allocs arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;

	w.max = min_t(u32, arg.max, EDUALLOC_ALLOCS_MAX);
	w.start_id = arg.start_id;
	if (w.max) {
		w.buf = kvcalloc(w.max, sizeof(*w.buf), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!w.buf)
			return -ENOMEM;
	}
	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
		goto out;
	}
	ea_for_each_alloc(ea, ea_allocs_one, &w);
	ea_file_leave(inst);

	arg.count = w.count;
	arg.total = w.total;
	ret = 0;
	if (w.count && copy_to_user(u64_to_user_ptr(arg.buf), w.buf, w.count * sizeof(*w.buf)))
		ret = -EFAULT;
	else if (copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
out:
	kvfree(w.buf);
	return ret;
}

/* BATCH: the work is edualloc_batch.c's; here only entering the instance. */
static long ea_ioctl_batch(struct ea_file *f, void __user *uarg)
{
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	struct ea_batch b;
	long ret;

	ret = ea_batch_begin(&b, uarg);
	if (ret)
		goto out;
	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
		goto out;
	}
	ea_batch_run(ea, &b, ea_owner_tag());
	ea_inst_leave(inst);
	ret = ea_batch_finish(&b, uarg);
	ea = ea_inst_enter(inst);
	if (!IS_ERR(ea)) {
		ea_batch_settle(ea, &b, !ret);
		ea_inst_leave(inst);
	}
	ea_inst_put(inst);
out:
	ea_batch_end(&b);
	return ret;
}

static long ea_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ea_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case EDUALLOC_IOC_VERSION:
		return ea_ioctl_version(uarg);
	case EDUALLOC_IOC_CREATE:
		return ea_ioctl_create(f, uarg);
	case EDUALLOC_IOC_ATTACH:
		return ea_ioctl_attach(f, uarg);
	case EDUALLOC_IOC_DESTROY:
		return ea_ioctl_destroy(uarg);
	case EDUALLOC_IOC_LIST:
		return ea_ioctl_list(f, uarg);
	case EDUALLOC_IOC_ALLOC:
		return ea_ioctl_alloc(f, uarg);
	case EDUALLOC_IOC_FREE:
		return ea_ioctl_free(f, uarg);
	case EDUALLOC_IOC_LOOKUP:
		return ea_ioctl_lookup(f, uarg);
	case EDUALLOC_IOC_READ:
		return ea_ioctl_rw(f, uarg, false);
	case EDUALLOC_IOC_WRITE:
		return ea_ioctl_rw(f, uarg, true);
	case EDUALLOC_IOC_REALLOC:
		return ea_ioctl_realloc(f, uarg);
	case EDUALLOC_IOC_BIT:
		return ea_ioctl_bit(f, uarg);
	case EDUALLOC_IOC_STATS:
		return ea_ioctl_stats(f, uarg);
	case EDUALLOC_IOC_RESET:
		return ea_ioctl_reset(f, uarg);
	case EDUALLOC_IOC_CONFIG:
		return ea_ioctl_config(f, uarg);
	case EDUALLOC_IOC_VALIDATE:
		return ea_ioctl_validate(f, uarg);
	case EDUALLOC_IOC_PAGES:
		return ea_ioctl_pages(f, uarg);
	case EDUALLOC_IOC_ALLOCS:
		return ea_ioctl_allocs(f, uarg);
	case EDUALLOC_IOC_BATCH:
		return ea_ioctl_batch(f, uarg);
	default:
		return -ENOTTY;
	}
}

struct ea_mmap_req {
	struct vm_area_struct *vma;
	unsigned long pgoff;	/* pages into the area */
};

/*
 * Called by the engine under its lock with the area that starts there.
 * What remap_vmalloc_range() does, which refuses the engine's areas: they
 * come from __vmalloc() (quiet on failure), not vmalloc_user(), so they
 * are not marked VM_USERMAP. Each page is inserted with a reference of its
 * own (vm_insert_page()), so it outlives a vfree() of the area.
 */
static int ea_mmap_area(void *priv, void *area, u64 size)
{
	struct ea_mmap_req *req = priv;
	struct vm_area_struct *vma = req->vma;
	u64 len = vma->vm_end - vma->vm_start;
	u64 off = (u64)req->pgoff << PAGE_SHIFT;
	unsigned long addr;
	int ret;

	if (off >= size || len > size - off)
		return -EINVAL;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		ret = vm_insert_page(vma, addr, vmalloc_to_page(area + off));
		if (ret)
			return ret;
		off += PAGE_SIZE;
	}
	/* A fixed size, and kernel memory has no place in a core dump. */
	ea_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/* Mappings stay non-executable: mprotect(PROT_EXEC) is refused too. */
static int ea_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	return newflags & VM_EXEC ? -EACCES : 0;
}

static const struct vm_operations_struct ea_vm_ops = {
	.mprotect = ea_vm_mprotect,
};

static int ea_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ea_file *f = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct ea_mmap_req req = { .vma = vma };
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	u64 start;
	int ret;

	/* VM_MAYSHARE: MAP_SHARED, also on a read-only file (no VM_SHARED). */
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_flags & VM_EXEC)
		return -EINVAL;
	vma->vm_ops = &ea_vm_ops;

	/* The arena, or the large area whose slot holds 'off'. */
	if (off < EA_LARGE_BASE)
		start = 0;
	else
		start = EA_LARGE_BASE +
			round_down(off - EA_LARGE_BASE, 1ULL << EA_LARGE_SHIFT);
	req.pgoff = (off - start) >> PAGE_SHIFT;

	ea = ea_file_enter(f, &inst);
	if (IS_ERR(ea))
		return PTR_ERR(ea);
	ret = ea_with_area(ea, start, ea_mmap_area, &req);
	ea_file_leave(inst);
	return ret == -ENOENT ? -EINVAL : ret;
}

static int ea_open(struct inode *inode, struct file *file)
{
	struct ea_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	kref_get(&ea_shared->ref);
	atomic_inc(&ea_shared->nr_attached);
	f->inst = ea_shared;
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int ea_release(struct inode *inode, struct file *file)
{
	struct ea_file *f = file->private_data;

	atomic_dec(&f->inst->nr_attached);
	ea_inst_put(f->inst);
	if (f->priv) {
		mutex_lock(&ea_registry_lock);
		ea_inst_kill_locked(f->priv);
		mutex_unlock(&ea_registry_lock);
		ea_inst_put(f->priv);
	}
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations ea_fops = {
	.owner		= THIS_MODULE,
	.open		= ea_open,
	.release	= ea_release,
	.unlocked_ioctl	= ea_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= ea_mmap,
};

static struct miscdevice ea_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "edualloc",
	.fops	= &ea_fops,
};

/*
 * The engine takes the ABI's lists and most of its constants from the uapi
 * header; those it writes with a type of its own must agree with it.
 */
static void __init ea_check_abi(void)
{
	BUILD_BUG_ON(EA_SMALL_MAX != EDUALLOC_SMALL_MAX);
	BUILD_BUG_ON(EA_MIN_CAPACITY != EDUALLOC_MIN_CAPACITY);
	BUILD_BUG_ON(EA_MAX_BITSET_BITS != EDUALLOC_MAX_BITSET_BITS);
	BUILD_BUG_ON(EA_LARGE_BASE != EDUALLOC_LARGE_BASE);
	/* A slab's slot count fits edualloc_page.total. */
	BUILD_BUG_ON(PAGE_SIZE / (1 << EA_MIN_SHIFT) > U16_MAX);
}

static int __init ea_init(void)
{
	struct ea_params params = {
		.capacity = shared_capacity,
		.bitset_bits = shared_bitset_bits,
		.debug = debug_checks,
	};
	struct ea_dev_inst *shared;
	int ret;

	ea_check_abi();
	if (dev_mode & ~0777) {
		pr_err("dev_mode %#o is not a permission mode\n", dev_mode);
		return -EINVAL;
	}
	if (shared_capacity < EA_MIN_CAPACITY || shared_capacity > ea_max_capacity() ||
	    shared_bitset_bits > EA_MAX_BITSET_BITS) {
		pr_err("shared_capacity must be %lu..%lu bytes and shared_bitset_bits at most %u\n",
		       (unsigned long)EA_MIN_CAPACITY, max_capacity,
		       (unsigned int)EA_MAX_BITSET_BITS);
		return -EINVAL;
	}

	ret = ea_obs_init();
	if (ret)
		return ret;

	mutex_lock(&ea_registry_lock);
	shared = ea_inst_create_locked("shared", EDUALLOC_KIND_SHARED, &params,
				       GLOBAL_ROOT_UID, 0);
	mutex_unlock(&ea_registry_lock);
	if (IS_ERR(shared)) {
		ret = PTR_ERR(shared);
		pr_err("cannot make the shared instance: %d\n", ret);
		goto err_obs;
	}
	ea_shared = shared;

	ea_miscdev.mode = dev_mode;
	ret = misc_register(&ea_miscdev);
	if (ret) {
		pr_err("cannot register /dev/edualloc: %d\n", ret);
		goto err_shared;
	}

	pr_info("loaded: /dev/edualloc, shared instance of %llu bytes\n",
		ea_shared->capacity);
	return 0;

err_shared:
	mutex_lock(&ea_registry_lock);
	ea_inst_kill_locked(ea_shared);
	mutex_unlock(&ea_registry_lock);
	ea_shared = NULL;
err_obs:
	ea_obs_exit();
	return ret;
}

/*
 * At unload the leak reports go to the event log, which goes too: say on
 * the console which instances still held allocations. @st is scratch.
 */
static void ea_report_unload_leaks(struct ea_dev_inst *inst, struct ea_stats *st)
{
	struct ea_instance *ea;

	lockdep_assert_held(&ea_registry_lock);
	ea = ea_inst_enter(inst);
	if (IS_ERR(ea))
		return;
	ea_get_stats(ea, st);
	ea_inst_leave(inst);
	if (st->live_allocs)
		pr_info("unloading: %s instance \"%s\" destroyed with %llu allocations never freed (%llu bytes)\n",
			inst->obs.kind == EDUALLOC_KIND_SHARED ? "shared" : "named",
			inst->obs.name, st->live_allocs, st->live_requested);
}

static void __exit ea_exit(void)
{
	struct ea_dev_inst *inst, *tmp;
	struct ea_stats *st;

	misc_deregister(&ea_miscdev);

	/* No file is open (each holds the module): only the registry's
	 * references are left, and killing drops them.
	 */
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	mutex_lock(&ea_registry_lock);
	list_for_each_entry_safe(inst, tmp, &ea_registry, node) {
		if (st)
			ea_report_unload_leaks(inst, st);
		ea_inst_kill_locked(inst);
	}
	mutex_unlock(&ea_registry_lock);
	kfree(st);
	ea_shared = NULL;

	ea_obs_exit();
	pr_info("unloaded\n");
}

module_init(ea_init);
module_exit(ea_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("edualloc: a teaching memory allocator behind /dev/edualloc");
MODULE_AUTHOR("The edualloc authors");
