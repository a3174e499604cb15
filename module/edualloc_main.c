// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc_main.c - /dev/edualloc: the device in front of the engine.
 *
 * The engine (ea_engine.c) is an allocator and nothing else; this file
 * makes it a device many users share: instances (struct ea_dev_inst: the
 * shared one, named ones, private ones), open files (struct ea_file), the
 * registry of instances, limits, permissions and mmap. The ABI is
 * described in include/uapi/linux/edualloc.h and edualloc(4); longer text
 * is in docs/.
 *
 * Entering an instance. A call reads its file's instance pointer and the
 * instance's engine pointer inside one SRCU read section (ea_srcu): no
 * mutex, no reference count. Killing an instance (DESTROY, last close of
 * a private one, unload) unlists it, clears ->ea, waits for an SRCU grace
 * period (every call that saw the old ->ea has left), then removes its
 * debugfs files and destroys the engine instance, holding no lock of
 * ours. struct ea_dev_inst is freed an SRCU grace period after its last
 * reference (the registry's, each attached file's, each mapping's) goes.
 *
 * Accounting. Every instance is charged to the module's totals
 * (instances, capacities) and, but for "shared", to its owner's
 * struct ea_user (instances; capacity, bookkeeping and pinned mappings,
 * in bytes). The charge is held by the instance while it lives and by
 * each mapping of it (struct ea_map, vm_operations open/close), so bytes
 * come back only when the last mapping is gone.
 *
 * Locks, outermost first (no copy to or from userspace under any):
 *	mmap_lock (the core's, around ->mmap and ->fault)
 *	ea_file.lock		changes of a file's inst and priv
 *	ea_registry_lock	the registry list, names and instance IDs
 *	ea_charge_lock		(spinlock) totals, ea_users, their counters
 *	the engine's per-instance lock (inside every ea_*() call)
 * No engine call, debugfs call or per-allocation walk runs under the
 * first three; ->mmap and ->fault take only the engine's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
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

static unsigned long max_user_bytes = SZ_64M;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes, "Limit per uid: capacities + bookkeeping + pinned mappings (default 64 MiB)");

static unsigned int max_user_instances = 8;
module_param(max_user_instances, uint, 0644);
MODULE_PARM_DESC(max_user_instances, "Limit per uid: instances it owns (default 8)");

static bool debug_checks = true;
module_param(debug_checks, bool, 0644);
MODULE_PARM_DESC(debug_checks, "Red zones and poisoning in new instances (default on)");

/*
 * The engine's bookkeeping, as charged to a user: an estimate from its
 * structures (a page record per arena page; per live allocation a slot
 * record, its share of a slab header and an xarray slot), charged for
 * allocations in batches so that ALLOC rarely takes ea_charge_lock.
 */
#define EA_BOOK_FIXED		2048
#define EA_BOOK_PER_PAGE	48
#define EA_BOOK_PER_ALLOC	32
#define EA_BOOK_BATCH		256

/* READ and WRITE go through a bounce buffer of at most this much. */
#define EA_RW_CHUNK		SZ_64K

/**
 * struct ea_user - what one uid is charged (never freed before unload)
 * @node: in ea_users, under ea_charge_lock
 * @uid: the uid (an instance's owner, or who mapped)
 * @nr_instances: instances it owns that are still charged
 * @bytes: their capacities and bookkeeping, and the mappings it pins
 */
struct ea_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int nr_instances;
	u64 bytes;
};

/**
 * struct ea_dev_inst - an engine instance as the device sees it
 * @ref: keeps this struct: the registry's, each attached file's, each
 *	struct ea_map's; freed an SRCU grace period after the last.
 * @ea: the engine instance (SRCU-protected); NULL once killed.
 * @node: in ea_registry, under ea_registry_lock; empty once killed.
 * @state: EA_CREATING, EA_READY or EA_DYING (under ea_registry_lock).
 * @obs: name (the init namespace's), ID, kind and creator for the log.
 * @owner: the creator's euid (root for the shared instance).
 * @creator: the creating process (its tgid); NULL for the shared one.
 * @user: who is charged (NULL: the shared instance, the module only).
 * @capacity: arena bytes, page-rounded, as charged to the totals.
 * @charged: bytes charged to @user (under ea_charge_lock).
 * @holds: the charge's holders: 1 while listed, 1 per struct ea_map.
 * @nr_live: live allocations, as counted for the bookkeeping charge.
 * @book_allocs: allocations whose bookkeeping is charged (ea_charge_lock).
 * @bitset_bits: bits in the bitset, 0 for none.
 * @debug: debug checks on; written under ea_config_lock.
 * @percpu: made with EDUALLOC_CREATE_PERCPU (per-CPU caches).
 * @nr_attached: files attached to it now.
 * @rcu: for the delayed free.
 */
struct ea_dev_inst {
	struct kref ref;
	struct ea_instance __rcu *ea;
	struct list_head node;
	u8 state;
	struct ea_obs_inst obs;
	kuid_t owner;
	struct pid *creator;
	struct ea_user *user;
	u64 capacity;
	u64 charged;
	refcount_t holds;
	atomic_t nr_live;
	u32 book_allocs;
	u32 bitset_bits;
	bool debug;
	bool percpu;		/* made with EDUALLOC_CREATE_PERCPU */
	atomic_t nr_attached;
	struct rcu_head rcu;
};

/**
 * struct ea_file - the state of one open file
 * @lock: serialises changes of @inst and @priv.
 * @inst: the instance the file's calls go to (SRCU-protected for
 *	readers); holds a reference.
 * @priv: the private instance this file owns, or NULL; holds a reference.
 * @writable: opened for writing: may use the commands that change things.
 */
struct ea_file {
	struct mutex lock;		/* serialises changes of inst and priv */
	struct ea_dev_inst __rcu *inst;
	struct ea_dev_inst *priv;
	bool writable;
};

/**
 * struct ea_map - one mapping (shared by the VMAs split or forked from it)
 * @ref: the VMAs that use it.
 * @inst: the instance mapped; holds a reference and one of its @holds.
 * @user: charged @bytes while the mapping lives (large areas), or NULL.
 * @bytes: see @user.
 * @start: the offset of the area mapped (0: the arena).
 */
struct ea_map {
	refcount_t ref;
	struct ea_dev_inst *inst;
	struct ea_user *user;
	u64 bytes;
	u64 start;
};

/*
 * An instance's name is taken from the moment CREATE claims it (CREATING:
 * ATTACH and DESTROY wait for the outcome) until its kill has removed its
 * files (DYING: CREATE says -EEXIST, the others -ENOENT).
 */
enum { EA_CREATING, EA_READY, EA_DYING };

DEFINE_STATIC_SRCU(ea_srcu);

/* Woken when an instance leaves EA_CREATING, and when it leaves the list. */
static DECLARE_WAIT_QUEUE_HEAD(ea_state_wq);

/* ea_registry_lock protects ea_registry, ea_next_inst_id, ->node, ->state. */
static DEFINE_MUTEX(ea_registry_lock);
static LIST_HEAD(ea_registry);
static u32 ea_next_inst_id = 1;

/* ea_config_lock serialises CONFIG: every instance's ->debug and its engine's. */
static DEFINE_MUTEX(ea_config_lock);

/* ea_charge_lock protects the totals, ea_users and every charge counter. */
static DEFINE_SPINLOCK(ea_charge_lock);
static DEFINE_HASHTABLE(ea_users, 6);
static unsigned int ea_nr_instances;
static u64 ea_total_bytes;

/* Set at load, cleared at unload: constant while the device is registered. */
static struct ea_dev_inst *ea_shared;

/* max_capacity, within what the engine can index (EA_MAX_ARENA). */
static u64 ea_max_capacity(void)
{
	return min_t(u64, READ_ONCE(max_capacity), EA_MAX_ARENA);
}

/* ---- Users and charges ---------------------------------------------------- */

static struct ea_user *ea_user_find_locked(kuid_t uid)
{
	struct ea_user *u;

	lockdep_assert_held(&ea_charge_lock);
	hash_for_each_possible(ea_users, u, node, __kuid_val(uid)) {
		if (uid_eq(u->uid, uid))
			return u;
	}
	return NULL;
}

/* The record of @uid, made on first use. */
static struct ea_user *ea_user_get(kuid_t uid)
{
	struct ea_user *u, *new;

	spin_lock(&ea_charge_lock);
	u = ea_user_find_locked(uid);
	spin_unlock(&ea_charge_lock);
	if (u)
		return u;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->uid = uid;
	spin_lock(&ea_charge_lock);
	u = ea_user_find_locked(uid);
	if (!u) {
		hash_add(ea_users, &new->node, __kuid_val(uid));
		u = new;
		new = NULL;
	}
	spin_unlock(&ea_charge_lock);
	kfree(new);
	return u;
}

/*
 * Charge @nr instances and @capacity bytes to the module's totals and @nr
 * instances and @bytes to @u (may be NULL), or nothing: -EDQUOT. The
 * per-uid limits spare CAP_SYS_RESOURCE (as rlimits do), not the totals.
 */
static int ea_charge(struct ea_user *u, unsigned int nr, u64 capacity, u64 bytes)
{
	bool exempt = !u || has_capability_noaudit(current, CAP_SYS_RESOURCE);
	int ret = -EDQUOT;

	spin_lock(&ea_charge_lock);
	if (nr && ea_nr_instances + nr > READ_ONCE(max_instances))
		goto out;
	if (ea_total_bytes + capacity > READ_ONCE(max_total_bytes))
		goto out;
	if (!exempt && (u->nr_instances + nr > READ_ONCE(max_user_instances) ||
			u->bytes + bytes > READ_ONCE(max_user_bytes)))
		goto out;
	ea_nr_instances += nr;
	ea_total_bytes += capacity;
	if (u) {
		u->nr_instances += nr;
		u->bytes += bytes;
	}
	ret = 0;
out:
	spin_unlock(&ea_charge_lock);
	return ret;
}

static void ea_uncharge(struct ea_user *u, unsigned int nr, u64 capacity, u64 bytes)
{
	spin_lock(&ea_charge_lock);
	ea_nr_instances -= nr;
	ea_total_bytes -= capacity;
	if (u) {
		u->nr_instances -= nr;
		u->bytes -= bytes;
	}
	spin_unlock(&ea_charge_lock);
}

/* The bookkeeping of an instance without allocations. */
static u64 ea_book_bytes(u64 capacity, u32 bitset_bits)
{
	return EA_BOOK_FIXED + (capacity >> PAGE_SHIFT) * EA_BOOK_PER_PAGE +
	       BITS_TO_LONGS(bitset_bits) * sizeof(long);
}

/* @n allocations more in @inst: charge their bookkeeping (batches of 256). */
static int ea_charge_allocs(struct ea_dev_inst *inst, int n)
{
	int live, ret;
	u64 bytes;

	if (!inst->user || !n)
		return 0;
	live = atomic_add_return(n, &inst->nr_live);
	if (live <= READ_ONCE(inst->book_allocs))
		return 0;
	bytes = (u64)DIV_ROUND_UP(live - READ_ONCE(inst->book_allocs), EA_BOOK_BATCH) *
		EA_BOOK_BATCH * EA_BOOK_PER_ALLOC;
	ret = ea_charge(inst->user, 0, 0, bytes);
	if (ret) {
		atomic_sub(n, &inst->nr_live);
		return ret;
	}
	spin_lock(&ea_charge_lock);
	inst->charged += bytes;
	WRITE_ONCE(inst->book_allocs, inst->book_allocs + bytes / EA_BOOK_PER_ALLOC);
	spin_unlock(&ea_charge_lock);
	return 0;
}

static int ea_charge_alloc(struct ea_dev_inst *inst)
{
	return ea_charge_allocs(inst, 1);
}

static void ea_uncharge_alloc(struct ea_dev_inst *inst, int n)
{
	if (inst->user && n)
		atomic_sub(n, &inst->nr_live);
}

/* One holder of @inst's charge less: the last gives it back. */
static void ea_inst_unhold(struct ea_dev_inst *inst)
{
	u64 charged;

	if (!refcount_dec_and_test(&inst->holds))
		return;
	spin_lock(&ea_charge_lock);
	charged = inst->charged;
	inst->charged = 0;
	spin_unlock(&ea_charge_lock);
	ea_uncharge(inst->user, 1, inst->capacity, charged);
}

/* ---- Instances -------------------------------------------------------------- */

static void ea_inst_free(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct ea_dev_inst, rcu));
}

static void ea_inst_release(struct kref *ref)
{
	struct ea_dev_inst *inst = container_of(ref, struct ea_dev_inst, ref);

	WARN_ON(rcu_access_pointer(inst->ea));
	put_pid(inst->creator);
	call_srcu(&ea_srcu, &inst->rcu, ea_inst_free);
}

static void ea_inst_put(struct ea_dev_inst *inst)
{
	kref_put(&inst->ref, ea_inst_release);
}

/*
 * Enter an instance for one call: an SRCU read section, always left with
 * ea_leave(*@idx), and its engine instance, or ERR_PTR(-EIDRM) once it
 * was killed.
 */
static struct ea_instance *ea_inst_enter(struct ea_dev_inst *inst, int *idx)
	__acquires(&ea_srcu)
{
	struct ea_instance *ea;

	*idx = srcu_read_lock(&ea_srcu);
	ea = srcu_dereference(inst->ea, &ea_srcu);
	return ea ?: ERR_PTR(-EIDRM);
}

static void ea_leave(int idx)
	__releases(&ea_srcu)
{
	srcu_read_unlock(&ea_srcu, idx);
}

/*
 * The light path: enter the instance @f is attached to, as
 * ea_inst_enter(). *@instp is valid until ea_leave() (no reference).
 */
static struct ea_instance *ea_file_enter(struct ea_file *f, struct ea_dev_inst **instp,
					 int *idx)
	__acquires(&ea_srcu)
{
	struct ea_instance *ea;

	*idx = srcu_read_lock(&ea_srcu);
	*instp = srcu_dereference(f->inst, &ea_srcu);
	ea = srcu_dereference((*instp)->ea, &ea_srcu);
	return ea ?: ERR_PTR(-EIDRM);
}

/* The instance this file's calls go to, with a reference. */
static struct ea_dev_inst *ea_file_inst(struct ea_file *f)
{
	struct ea_dev_inst *inst;

	mutex_lock(&f->lock);
	inst = rcu_dereference_protected(f->inst, lockdep_is_held(&f->lock));
	kref_get(&inst->ref);
	mutex_unlock(&f->lock);
	return inst;
}

/*
 * Attach @f to @inst (whose reference the file takes over) and return the
 * instance it was attached to, whose reference passes to the caller.
 */
static struct ea_dev_inst *ea_file_attach(struct ea_file *f, struct ea_dev_inst *inst)
{
	struct ea_dev_inst *old;

	mutex_lock(&f->lock);
	old = rcu_dereference_protected(f->inst, lockdep_is_held(&f->lock));
	rcu_assign_pointer(f->inst, inst);
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
	if (rcu_access_pointer(f->inst) == inst) {
		rcu_assign_pointer(f->inst, old);
		atomic_inc(&old->nr_attached);
		atomic_dec(&inst->nr_attached);
		old = inst;
	}
	mutex_unlock(&f->lock);
	ea_inst_put(old);
}

/*
 * Who may attach to, reset, destroy and configure an instance: its owner
 * or CAP_SYS_ADMIN; "shared" (one heap for the whole group) only the
 * latter, but anyone may attach to it.
 */
static bool ea_may_admin(const struct ea_dev_inst *inst)
{
	if (inst->obs.kind != EDUALLOC_KIND_SHARED && uid_eq(current_euid(), inst->owner))
		return true;
	return capable(CAP_SYS_ADMIN);
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
 * The ready instance of that name, waiting while one is being created
 * (the registry lock is dropped meanwhile); NULL if there is none.
 */
static struct ea_dev_inst *ea_find_ready_locked(const char *name)
{
	struct ea_dev_inst *inst;

	for (;;) {
		inst = ea_find_locked(name);
		if (!inst || inst->state != EA_CREATING)
			return inst && inst->state == EA_READY ? inst : NULL;
		kref_get(&inst->ref);
		mutex_unlock(&ea_registry_lock);
		wait_event(ea_state_wq, READ_ONCE(inst->state) != EA_CREATING);
		ea_inst_put(inst);
		mutex_lock(&ea_registry_lock);
	}
}

/*
 * Whether @name is in use, waiting for an instance of that name that is
 * being destroyed to be gone (DESTROY frees its name when it returns, and
 * a CREATE racing with it sees the name free, as if DESTROY were instant).
 */
static bool ea_name_taken_locked(const char *name)
{
	struct ea_dev_inst *inst;

	for (;;) {
		inst = ea_find_locked(name);
		if (!inst || inst->state != EA_DYING)
			return inst;
		kref_get(&inst->ref);
		mutex_unlock(&ea_registry_lock);
		wait_event(ea_state_wq, list_empty_careful(&inst->node));
		ea_inst_put(inst);
		mutex_lock(&ea_registry_lock);
	}
}

static void ea_inst_set_state(struct ea_dev_inst *inst, u8 state)
{
	mutex_lock(&ea_registry_lock);
	WRITE_ONCE(inst->state, state);
	if (state == EA_DYING)
		list_del_init(&inst->node);
	mutex_unlock(&ea_registry_lock);
	wake_up_all(&ea_state_wq);
}

/*
 * Make, charge and list an instance: @name "" for a private one. Nothing
 * is left behind on failure. The registry lock is held only to check the
 * name and list it; the engine and debugfs work happens outside it.
 * Returns the instance with the registry's reference and the caller's
 * (taken before a DESTROY can find it and drop the registry's).
 */
static struct ea_dev_inst *ea_inst_create(const char *name, u32 kind,
					  const struct ea_params *p, bool shared)
{
	struct ea_params params = *p;
	struct ea_instance *ea;
	struct ea_dev_inst *inst;
	struct ea_user *user = NULL;
	u64 capacity = PAGE_ALIGN(p->capacity), book;
	int err;

	if (p->capacity > ea_max_capacity() || capacity > ea_max_capacity())
		return ERR_PTR(-EDQUOT);
	if (!shared) {
		user = ea_user_get(current_euid());
		if (IS_ERR(user))
			return ERR_CAST(user);
	}
	book = capacity + ea_book_bytes(capacity, p->bitset_bits);
	err = ea_charge(user, 1, capacity, book);
	if (err)
		return ERR_PTR(err);

	err = -ENOMEM;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		goto err_uncharge;
	kref_init(&inst->ref);
	refcount_set(&inst->holds, 1);
	INIT_LIST_HEAD(&inst->node);
	inst->obs.kind = kind;
	inst->owner = shared ? GLOBAL_ROOT_UID : current_euid();
	inst->user = user;
	inst->charged = book;
	inst->capacity = capacity;
	inst->bitset_bits = p->bitset_bits;
	inst->debug = p->debug;
	inst->percpu = p->percpu;
	if (!shared) {
		inst->creator = get_pid(task_tgid(current));
		inst->obs.creator_pid = task_tgid_nr(current);
	}

	/* Listed as CREATING: the name is taken, nobody can use it yet. */
	mutex_lock(&ea_registry_lock);
	if (name[0] && ea_name_taken_locked(name)) {
		mutex_unlock(&ea_registry_lock);
		err = -EEXIST;
		goto err_free;
	}
	inst->obs.id = ea_next_inst_id++;
	if (name[0])
		strscpy(inst->obs.name, name, sizeof(inst->obs.name));
	else
		snprintf(inst->obs.name, sizeof(inst->obs.name), "pid%u.%u",
			 inst->obs.creator_pid, inst->obs.id);
	list_add_tail(&inst->node, &ea_registry);
	mutex_unlock(&ea_registry_lock);

	params.capacity = capacity;
	params.max_capacity = capacity;
	/* Events go straight to the observability layer: those it wants. */
	params.notify = ea_obs_event;
	params.priv = &inst->obs;
	params.events = ea_obs_events();
	ea = ea_create(&params, &err);
	if (!ea)
		goto err_unlist;
	inst->obs.ea = ea;
	ea_obs_inst_add(&inst->obs);
	rcu_assign_pointer(inst->ea, ea);

	kref_get(&inst->ref);
	ea_inst_set_state(inst, EA_READY);
	return inst;

err_unlist:
	mutex_lock(&ea_registry_lock);
	/* Its number too, unless another instance took the next. */
	if (ea_next_inst_id == inst->obs.id + 1)
		ea_next_inst_id--;
	mutex_unlock(&ea_registry_lock);
	ea_inst_set_state(inst, EA_DYING);
	ea_inst_put(inst);
	goto err_uncharge;
err_free:
	put_pid(inst->creator);
	kfree(inst);
err_uncharge:
	ea_uncharge(user, 1, capacity, book);
	return ERR_PTR(err < 0 ? err : -ENOMEM);
}

/* Doom a ready @inst (under the registry lock); true if this call did it. */
static bool ea_inst_unlist_locked(struct ea_dev_inst *inst)
{
	lockdep_assert_held(&ea_registry_lock);
	if (inst->state != EA_READY)
		return false;
	inst->state = EA_DYING;
	return true;
}

/*
 * Kill a doomed instance, holding no lock: new calls get -EIDRM, calls in
 * flight finish, then its files and its engine instance go, and its name
 * is free. Drops the registry's reference and its hold on the charge.
 */
static void ea_inst_kill(struct ea_dev_inst *inst)
{
	struct ea_instance *ea = rcu_dereference_protected(inst->ea, true);

	RCU_INIT_POINTER(inst->ea, NULL);
	synchronize_srcu(&ea_srcu);
	ea_obs_inst_del(&inst->obs);
	ea_destroy(ea);
	ea_inst_set_state(inst, EA_DYING);
	ea_inst_unhold(inst);
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
 * A process ID as the caller sees it: the engine and the log keep the
 * init namespace's; 0 for a process that is gone or not visible.
 */
static u32 ea_pid_for_caller(u32 nr)
{
	struct pid *pid;
	u32 vnr;

	/* In the init namespace (level 0): as task_active_pid_ns(), inline. */
	if (!nr || !task_pid(current)->level)
		return nr;
	rcu_read_lock();
	pid = find_pid_ns(nr, &init_pid_ns);
	vnr = pid ? pid_vnr(pid) : 0;
	rcu_read_unlock();
	return vnr;
}

/* An instance's name as the caller sees it (private: its own PIDs). */
static void ea_caller_name(const struct ea_dev_inst *inst, char *buf)
{
	memset(buf, 0, EDUALLOC_NAME_MAX);
	if (inst->obs.kind == EDUALLOC_KIND_PRIVATE)
		snprintf(buf, EDUALLOC_NAME_MAX, "pid%u.%u",
			 inst->creator ? pid_vnr(inst->creator) : 0, inst->obs.id);
	else
		memcpy(buf, inst->obs.name, EDUALLOC_NAME_MAX);
}

static u32 ea_inst_flags(const struct ea_dev_inst *inst, bool attached)
{
	return (READ_ONCE(inst->debug) ? EDUALLOC_INST_DEBUG : 0) |
	       (inst->bitset_bits ? EDUALLOC_INST_BITSET : 0) |
	       (inst->percpu ? EDUALLOC_INST_PERCPU : 0) |
	       (attached ? EDUALLOC_INST_ATTACHED : 0);
}

/*
 * Describe @inst for userspace. @st is scratch space. Enters the instance
 * (a killed one reports no use); holds no lock of ours.
 */
static void ea_fill_inst_info(struct ea_dev_inst *inst, struct ea_dev_inst *attached,
			      struct ea_stats *st, struct edualloc_inst_info *out)
{
	struct ea_instance *ea;
	int idx;

	memset(out, 0, sizeof(*out));
	ea_caller_name(inst, out->name);
	out->id = inst->obs.id;
	out->kind = inst->obs.kind;
	out->flags = ea_inst_flags(inst, inst == attached);
	out->owner_uid = from_kuid_munged(current_user_ns(), inst->owner);
	out->capacity = inst->capacity;
	out->bitset_bits = inst->bitset_bits;
	out->nr_attached = atomic_read(&inst->nr_attached);
	out->creator_pid = inst->creator ? pid_vnr(inst->creator) : 0;

	ea = ea_inst_enter(inst, &idx);
	if (!IS_ERR(ea)) {
		ea_get_stats(ea, st);
		out->used_bytes = st->used_bytes;
		out->live_allocs = st->live_allocs;
		out->live_requested = st->live_requested;
	}
	ea_leave(idx);
}

static void ea_fill_alloc_info(const struct ea_alloc_info *a, struct edualloc_alloc_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = a->id;
	out->cls = a->cls;
	out->offset = a->offset;
	out->size = a->size;
	out->class_size = a->class_size;
	out->owner_pid = ea_pid_for_caller(a->owner);
}

static u32 ea_owner_tag(void)
{
	return task_tgid_nr(current);
}

/*
 * A 32-bit process passes mmap offsets in pages, in 32 bits: a large
 * allocation whose pages lie past that cannot be mapped by it, so it is
 * refused (-EOVERFLOW) rather than handed out.
 */
static bool ea_offset_unmappable(const struct ea_alloc_info *a)
{
	return in_compat_syscall() && a->cls == EA_CLASS_LARGE &&
	       (a->offset + a->class_size - 1) >> PAGE_SHIFT > U32_MAX;
}

static long ea_ioctl_version(void __user *uarg, size_t size)
{
	struct edualloc_version v;
	struct ea_user *u;

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
	v.max_capacity = ea_max_capacity();
	v.max_total_bytes = READ_ONCE(max_total_bytes);
	v.max_instances = READ_ONCE(max_instances);
	v.max_user_bytes = READ_ONCE(max_user_bytes);
	v.max_user_instances = READ_ONCE(max_user_instances);
	spin_lock(&ea_charge_lock);
	v.total_bytes = ea_total_bytes;
	v.nr_instances = ea_nr_instances;
	u = ea_user_find_locked(current_euid());
	if (u) {
		v.user_bytes = u->bytes;
		v.user_instances = u->nr_instances;
	}
	spin_unlock(&ea_charge_lock);

	return copy_to_user(uarg, &v, size) ? -EFAULT : 0;
}

/* Take back an instance nobody learnt of: unlist it, its number too, kill it. */
static void ea_inst_discard(struct ea_dev_inst *inst)
{
	bool mine;

	mutex_lock(&ea_registry_lock);
	mine = ea_inst_unlist_locked(inst);
	/* Its number too, unless another instance took the next. */
	if (mine && ea_next_inst_id == inst->obs.id + 1)
		ea_next_inst_id--;
	mutex_unlock(&ea_registry_lock);
	if (mine)
		ea_inst_kill(inst);
}

/* A CREATE whose result cannot be delivered: detach @f, disown, discard. */
static void ea_create_undo(struct ea_file *f, struct ea_dev_inst *inst,
			   struct ea_dev_inst *old)
{
	ea_file_unattach(f, inst, old);
	mutex_lock(&f->lock);
	if (f->priv == inst) {
		f->priv = NULL;
		ea_inst_put(inst);
	}
	mutex_unlock(&f->lock);
	ea_inst_discard(inst);
}

static long ea_ioctl_create(struct ea_file *f, void __user *uarg)
{
	const u32 known = EDUALLOC_CREATE_DEBUG_ON | EDUALLOC_CREATE_DEBUG_OFF |
			  EDUALLOC_CREATE_QUIET | EDUALLOC_CREATE_REALLOC_IN_PLACE |
			  EDUALLOC_CREATE_PERCPU;
	struct edualloc_create arg;
	struct ea_params params = {};
	struct ea_dev_inst *inst, *old;
	struct ea_stats *st;
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

	private = !arg.name[0];
	params.capacity = arg.capacity;
	params.bitset_bits = arg.bitset_bits;
	params.first_id = arg.first_id;
	params.quiet = arg.flags & EDUALLOC_CREATE_QUIET;
	params.realloc_in_place = arg.flags & EDUALLOC_CREATE_REALLOC_IN_PLACE;
	params.percpu = arg.flags & EDUALLOC_CREATE_PERCPU;
	params.debug = READ_ONCE(debug_checks);
	if (arg.flags & EDUALLOC_CREATE_DEBUG_ON)
		params.debug = true;
	if (arg.flags & EDUALLOC_CREATE_DEBUG_OFF)
		params.debug = false;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	/* A file owns one private instance: checked before, claimed after. */
	ret = -EEXIST;
	if (private && READ_ONCE(f->priv))
		goto out_free;
	inst = ea_inst_create(arg.name, private ? EDUALLOC_KIND_PRIVATE : EDUALLOC_KIND_NAMED,
			      &params, false);
	ret = PTR_ERR(inst);
	if (IS_ERR(inst))
		goto out_free;

	mutex_lock(&f->lock);
	if (private && f->priv) {
		mutex_unlock(&f->lock);
		ea_inst_discard(inst);
		ea_inst_put(inst);
		ret = -EEXIST;
		goto out_free;
	}
	/* References: ours (from ea_inst_create()), the attachment's, the owner's. */
	kref_get(&inst->ref);
	if (private) {
		kref_get(&inst->ref);
		f->priv = inst;
	}
	mutex_unlock(&f->lock);
	old = ea_file_attach(f, inst);

	ea_fill_inst_info(inst, inst, st, &arg.info);
	ret = 0;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ret = -EFAULT;
		ea_create_undo(f, inst, old);
		old = NULL;
	}
	if (old)
		ea_inst_put(old);
	ea_inst_put(inst);
out_free:
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
		inst = ea_find_ready_locked(arg.name);
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
	inst = ea_find_ready_locked(arg.name);
	if (!inst)
		ret = -ENOENT;
	else if (inst->obs.kind == EDUALLOC_KIND_SHARED || !ea_may_admin(inst))
		ret = -EPERM;
	else
		ret = ea_inst_unlist_locked(inst) ? 0 : -ENOENT;
	mutex_unlock(&ea_registry_lock);
	if (!ret)
		ea_inst_kill(inst);
	return ret;
}

/* A listing command's answer: @n records of @rec_size to @ubuf, then its argument. */
static long ea_list_out(void __user *uarg, const void *arg, size_t size, u64 ubuf,
			const void *recs, size_t n, size_t rec_size)
{
	if (n && copy_to_user(u64_to_user_ptr(ubuf), recs, n * rec_size))
		return -EFAULT;
	return copy_to_user(uarg, arg, size) ? -EFAULT : 0;
}

/*
 * LIST: the instances are picked under the registry lock (a reference
 * each) and described after it is dropped.
 */
static long ea_ioctl_list(struct ea_file *f, void __user *uarg)
{
	struct edualloc_inst_info *infos = NULL;
	struct ea_dev_inst *inst, *attached, **picked = NULL;
	struct edualloc_list arg;
	struct ea_stats *st;
	u32 n = 0, i, room;
	long ret = -ENOMEM;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;

	mutex_lock(&ea_registry_lock);
	room = 0;
	list_for_each_entry(inst, &ea_registry, node)
		room += inst->state == EA_READY;
	mutex_unlock(&ea_registry_lock);
	room = min(room, arg.max);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (room) {
		infos = kvcalloc(room, sizeof(*infos), GFP_KERNEL_ACCOUNT);
		picked = kvcalloc(room, sizeof(*picked), GFP_KERNEL);
	}
	if (!st || (room && (!infos || !picked)))
		goto out_free;

	arg.total = 0;
	mutex_lock(&ea_registry_lock);
	list_for_each_entry(inst, &ea_registry, node) {
		if (inst->state != EA_READY)
			continue;
		if (n < room) {
			kref_get(&inst->ref);
			picked[n++] = inst;
		}
		arg.total++;
	}
	mutex_unlock(&ea_registry_lock);

	attached = ea_file_inst(f);
	for (i = 0; i < n; i++) {
		ea_fill_inst_info(picked[i], attached, st, &infos[i]);
		ea_inst_put(picked[i]);
		cond_resched();
	}
	ea_inst_put(attached);

	arg.count = n;
	ret = ea_list_out(uarg, &arg, sizeof(arg), arg.buf, infos, n, sizeof(*infos));
out_free:
	kvfree(picked);
	kvfree(infos);
	kfree(st);
	return ret;
}

/*
 * The commands that work on the attached instance with a small argument
 * go through ea_ioctl_call() (but ALLOC and FREE, which have their own
 * functions, in the same steps): the argument is copied in and checked
 * (->check, outside the instance: -EINVAL before -EIDRM), then ->run
 * works inside it (the light path: an SRCU read section, no lock, no
 * reference) and copies its results out itself, so that ALLOC and
 * REALLOC can take back what they could not deliver.
 */
union ea_arg {
	struct edualloc_lookup lookup;
	struct edualloc_rw rw;
	struct edualloc_realloc realloc;
	struct edualloc_bit bit;
	struct edualloc_reset reset;
	struct edualloc_validate validate;
};

struct ea_call {
	struct ea_file *f;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	void __user *uarg;
	unsigned int cmd;
	union ea_arg a;
};

struct ea_cmd {
	int (*check)(struct ea_call *c);
	long (*run)(struct ea_call *c);
	bool any;	/* ->run on a killed instance too (c->ea an ERR_PTR) */
};

static long ea_call_out(struct ea_call *c)
{
	return copy_to_user(c->uarg, &c->a, _IOC_SIZE(c->cmd)) ? -EFAULT : 0;
}

/*
 * ALLOC and REALLOC: deliver @info to @uout, or take the pending
 * allocation back. Only the result is written, the input fields are left
 * as they are: stored field by field, as ea_fill_alloc_info() fills them
 * (inline stores: no copy routine, no run-time object check). Then an
 * allocation needs nothing more (ea_commit() does nothing for it); a
 * reallocation is committed.
 */
static long ea_deliver(struct ea_instance *ea, const struct ea_alloc_info *info,
		       struct edualloc_alloc_info __user *uout, const struct ea_txn *txn)
{
	u32 owner_pid = ea_pid_for_caller(info->owner);

	if (unlikely(ea_offset_unmappable(info))) {
		ea_abort(ea, txn);
		return -EOVERFLOW;
	}
	if (!user_write_access_begin(uout, sizeof(*uout)))
		goto efault;
	unsafe_put_user(info->id, &uout->id, efault_end);
	unsafe_put_user(info->cls, &uout->cls, efault_end);
	unsafe_put_user(info->offset, &uout->offset, efault_end);
	unsafe_put_user(info->size, &uout->size, efault_end);
	unsafe_put_user(info->class_size, &uout->class_size, efault_end);
	unsafe_put_user(owner_pid, &uout->owner_pid, efault_end);
	unsafe_put_user(0, &uout->__pad, efault_end);
	user_write_access_end();
	if (txn->old_id)
		ea_commit(ea, txn);
	return 0;

efault_end:
	user_write_access_end();
efault:
	/* nobody learnt of it: take it back, uncounted */
	ea_abort(ea, txn);
	return -EFAULT;
}

/*
 * ALLOC and FREE, the calls a program makes most, have a function each
 * instead of the table below: they read the input fields they use, and
 * write the output fields, in place (inline loads and stores, no copy
 * routine, no run-time object check); nothing else is cleared or called
 * indirectly. The order is the table's: read, check (-EINVAL before
 * -EIDRM), enter the instance, run, write.
 */
static long ea_ioctl_alloc(struct ea_file *f, struct edualloc_alloc __user *uarg)
{
	struct ea_dev_inst *inst;
	struct edualloc_alloc arg;
	struct ea_alloc_info info;
	struct ea_instance *ea;
	struct ea_txn txn;
	long ret;
	int idx;

	/*
	 * The input fields, and the last word of the output: a struct that
	 * runs off its page fails before anything is done (-EFAULT).
	 */
	if (!user_read_access_begin(uarg, sizeof(*uarg)))
		return -EFAULT;
	unsafe_get_user(arg.size, &uarg->size, efault);
	unsafe_get_user(arg.flags, &uarg->flags, efault);
	unsafe_get_user(arg.__pad, &uarg->__pad, efault);
	unsafe_get_user(arg.info.__pad, &uarg->info.__pad, efault);
	user_read_access_end();
	if (arg.flags || arg.__pad)
		return -EINVAL;
	ea = ea_file_enter(f, &inst, &idx);
	ret = PTR_ERR_OR_ZERO(ea);
	if (!ret)
		ret = ea_charge_alloc(inst);
	if (ret)
		goto out;
	ret = ea_alloc_begin(ea, arg.size, ea_owner_tag(), &info, &txn);
	if (!ret) {
		ea_obs_op(&inst->obs, EA_EV_ALLOC, &info);
		ret = ea_deliver(ea, &info, &uarg->info, &txn);
	}
	if (ret)
		ea_uncharge_alloc(inst, 1);
	else
		ea_obs_count(EA_OBS_ALLOCS, 1);
out:
	ea_leave(idx);
	return ret;

efault:
	user_read_access_end();
	return -EFAULT;
}

static int ea_check_free(const struct edualloc_free *arg)
{
	const u32 both = EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET;

	if (!arg->flags || arg->flags & ~both)
		return -EINVAL;
	/* The field whose flag is clear is unused: it must be zero. */
	if ((!(arg->flags & EDUALLOC_FREE_BY_ID) && arg->id) ||
	    (!(arg->flags & EDUALLOC_FREE_BY_OFFSET) && arg->offset))
		return -EINVAL;
	/* ID 0 is never issued; to the engine it would mean "by offset". */
	if (arg->flags & EDUALLOC_FREE_BY_ID && !arg->id)
		return -ENOENT;
	return 0;
}

static long ea_ioctl_free(struct ea_file *f, const struct edualloc_free __user *uarg)
{
	const u32 both = EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET;
	struct ea_alloc_info info;
	struct edualloc_free arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	long ret;
	int idx;

	if (!user_read_access_begin(uarg, sizeof(*uarg)))
		return -EFAULT;
	unsafe_get_user(arg.id, &uarg->id, efault);
	unsafe_get_user(arg.flags, &uarg->flags, efault);
	unsafe_get_user(arg.offset, &uarg->offset, efault);
	user_read_access_end();
	ret = ea_check_free(&arg);
	if (ret)
		return ret;
	ea = ea_file_enter(f, &inst, &idx);
	if (IS_ERR(ea))
		ret = PTR_ERR(ea);
	/* ea_free() reads offset 0 beside an ID as "no offset": both given, 0 is an offset. */
	else if ((arg.flags & both) == both)
		ret = ea_free_both(ea, arg.id, arg.offset, &info);
	else
		ret = ea_free(ea, arg.id, arg.offset, &info);
	if (ret >= 0) {
		ea_obs_op(&inst->obs, EA_EV_FREE, &info);
		ea_uncharge_alloc(inst, 1);
		ea_obs_count(EA_OBS_FREES, 1);
		ret = 0;
	}
	ea_leave(idx);
	return ret;

efault:
	user_read_access_end();
	return -EFAULT;
}

/* Exactly one way, and the other way's field zero. */
static int ea_check_lookup(struct ea_call *c)
{
	struct edualloc_lookup *arg = &c->a.lookup;

	return (arg->flags != EDUALLOC_LOOKUP_BY_ID || arg->offset) &&
	       (arg->flags != EDUALLOC_LOOKUP_BY_OFFSET || arg->id) ? -EINVAL : 0;
}

static long ea_run_lookup(struct ea_call *c)
{
	struct edualloc_lookup *arg = &c->a.lookup;
	struct ea_alloc_info info;
	long ret;

	if (arg->flags == EDUALLOC_LOOKUP_BY_ID)
		ret = ea_lookup_id(c->ea, arg->id, &info);
	else
		ret = ea_lookup_offset(c->ea, arg->offset, &info);
	if (ret < 0)
		return ret;
	ea_fill_alloc_info(&info, &arg->info);
	return ea_call_out(c);
}

/*
 * READ and WRITE copy through a bounce buffer of at most EA_RW_CHUNK
 * bytes, a chunk at a time. A longer call checks its whole range first
 * and a longer WRITE reads the user buffer once before writing anything
 * (@dry), so that a refused call changes nothing.
 */
static long ea_rw_chunks(struct ea_instance *ea, struct edualloc_rw *arg, bool write,
			 void *buf, bool dry)
{
	void __user *ubuf = u64_to_user_ptr(arg->buf);
	u64 done, n;
	long ret;

	for (done = 0; done < arg->len; done += n) {
		n = min_t(u64, arg->len - done, EA_RW_CHUNK);
		if (write && copy_from_user(buf, ubuf + done, n))
			return -EFAULT;
		if (dry)
			continue;
		if (write)
			ret = ea_write(ea, arg->id, arg->pos + done, buf, n);
		else
			ret = ea_read(ea, arg->id, arg->pos + done, buf, n);
		if (ret < 0)
			return ret;
		if (!write && copy_to_user(ubuf + done, buf, n))
			return -EFAULT;
		cond_resched();
	}
	return 0;
}

static int ea_check_rw(struct ea_call *c)
{
	return c->a.rw.flags ? -EINVAL : 0;
}

/*
 * Run on a killed instance too: a range longer than the arena and a
 * WRITE's unreadable buffer are refused first, as ever.
 */
static long ea_run_rw(struct ea_call *c)
{
	bool write = c->cmd == EDUALLOC_IOC_WRITE;
	struct edualloc_rw *arg = &c->a.rw;
	u8 none[1];
	void *buf;
	long ret;

	/* Longer than the arena: no allocation can hold it. */
	if (arg->len > c->inst->capacity || arg->pos > c->inst->capacity)
		return -EINVAL;
	if (!arg->len) {	/* only checks the ID */
		if (IS_ERR(c->ea))
			return PTR_ERR(c->ea);
		return write ? ea_write(c->ea, arg->id, arg->pos, none, 0) :
			       ea_read(c->ea, arg->id, arg->pos, none, 0);
	}
	buf = kvmalloc(min_t(u64, arg->len, EA_RW_CHUNK), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	/* A WRITE reads its buffer first (one chunk: it stays in @buf). */
	ret = write ? ea_rw_chunks(c->ea, arg, write, buf, true) : 0;
	if (!ret && IS_ERR(c->ea))
		ret = PTR_ERR(c->ea);
	/* Several chunks: the ID and the whole range first, by its last byte. */
	if (!ret && arg->len > EA_RW_CHUNK)
		ret = ea_read(c->ea, arg->id, arg->pos + arg->len - 1, none, 1);
	if (!ret && write && arg->len <= EA_RW_CHUNK)
		ret = ea_write(c->ea, arg->id, arg->pos, buf, arg->len);
	else if (ret >= 0)
		ret = ea_rw_chunks(c->ea, arg, write, buf, false);
	kvfree(buf);
	return ret < 0 ? ret : 0;
}

static int ea_check_realloc(struct ea_call *c)
{
	return c->a.realloc.flags ? -EINVAL : 0;
}

/* The old allocation lives until the new one is delivered (or taken back). */
static long ea_run_realloc(struct ea_call *c)
{
	struct edualloc_realloc *arg = &c->a.realloc;
	struct ea_alloc_info info;
	struct ea_txn txn;
	long ret;

	ret = ea_realloc_begin(c->ea, arg->id, arg->size, ea_owner_tag(), &info, &txn);
	if (!ret)
		ret = ea_deliver(c->ea, &info, &((struct edualloc_realloc __user *)c->uarg)->info,
				 &txn);
	if (!ret)
		ea_obs_count(EA_OBS_REALLOCS, 1);
	return ret;
}

/*
 * SET, CLEAR and CLEAR_ALL change the bitset and answer value 0: a probe
 * writes that answer first, so that no copy is left to fail once the
 * bitset has changed. GET and FIND answer at the end (after a probe too).
 */
static int ea_check_bit(struct ea_call *c)
{
	struct edualloc_bit *arg = &c->a.bit;
	bool answers = arg->op == EDUALLOC_BIT_GET || arg->op == EDUALLOC_BIT_FIND;

	if (arg->flags || arg->op < EDUALLOC_BIT_SET || arg->op > EDUALLOC_BIT_CLEAR_ALL ||
	    (arg->op == EDUALLOC_BIT_CLEAR_ALL && arg->bit))
		return -EINVAL;
	if (!answers && !c->f->writable)
		return -EBADF;
	if (!answers)
		arg->value = 0;
	return ea_call_out(c);
}

static long ea_run_bit(struct ea_call *c)
{
	struct edualloc_bit *arg = &c->a.bit;
	u32 found = 0;
	long ret;

	switch (arg->op) {
	case EDUALLOC_BIT_SET:
		return ea_bit_set(c->ea, arg->bit);
	case EDUALLOC_BIT_CLEAR:
		return ea_bit_clear(c->ea, arg->bit);
	case EDUALLOC_BIT_CLEAR_ALL:
		return ea_bit_clear_all(c->ea);
	case EDUALLOC_BIT_GET:
		ret = ea_bit_get(c->ea, arg->bit);
		found = ret;
		break;
	default:
		ret = ea_bit_find(c->ea, arg->bit, &found);
		break;
	}
	if (ret < 0)
		return ret;
	arg->value = found;
	return ea_call_out(c);
}

static int ea_check_reset(struct ea_call *c)
{
	return c->a.reset.flags || c->a.reset.__pad ? -EINVAL : 0;
}

static long ea_run_reset(struct ea_call *c)
{
	long ret;

	if (!ea_may_admin(c->inst))
		return -EPERM;
	ret = ea_reset(c->ea);
	if (ret >= 0 && c->inst->user)
		atomic_set(&c->inst->nr_live, 0);
	return ret > 0 ? 0 : ret;
}

static int ea_check_validate(struct ea_call *c)
{
	return c->a.validate.flags ? -EINVAL : 0;
}

static long ea_run_validate(struct ea_call *c)
{
	struct edualloc_validate *arg = &c->a.validate;

	memset(arg, 0, sizeof(*arg));
	arg->consistent = !ea_validate(c->ea, arg->why, sizeof(arg->why));
	arg->why[sizeof(arg->why) - 1] = '\0';
	return ea_call_out(c);
}

/* By command number (_IOC_NR), for the commands ea_ioctl_call() runs. */
static const struct ea_cmd ea_cmds[] = {
	[0x12] = { ea_check_lookup, ea_run_lookup, false },
	[0x13] = { ea_check_rw, ea_run_rw, true },
	[0x14] = { ea_check_rw, ea_run_rw, true },
	[0x15] = { ea_check_realloc, ea_run_realloc, false },
	[0x16] = { ea_check_bit, ea_run_bit, false },
	[0x18] = { ea_check_reset, ea_run_reset, false },
	[0x1a] = { ea_check_validate, ea_run_validate, false },
};

static long ea_ioctl_call(struct ea_file *f, unsigned int cmd, void __user *uarg)
{
	const struct ea_cmd *op = &ea_cmds[_IOC_NR(cmd)];
	struct ea_call c = { .f = f, .uarg = uarg, .cmd = cmd };
	long ret;
	int idx;

	BUILD_BUG_ON(sizeof(c.a) > 128);
	if (copy_from_user(&c.a, uarg, _IOC_SIZE(cmd)))
		return -EFAULT;
	ret = op->check(&c);
	if (ret)
		return ret;
	c.ea = ea_file_enter(f, &c.inst, &idx);
	ret = IS_ERR(c.ea) && !op->any ? PTR_ERR(c.ea) : op->run(&c);
	ea_leave(idx);
	return ret;
}

static void ea_fill_stats(struct ea_dev_inst *inst, const struct ea_stats *st,
			  struct edualloc_stats *out)
{
	unsigned int i;

	out->inst_id = inst->obs.id;
	out->kind = inst->obs.kind;
	out->inst_flags = ea_inst_flags(inst, true);
	out->nr_classes = EA_NR_CLASSES;
	ea_caller_name(inst, out->name);
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

/* STATS, and STATS_V1 (@size: the first EDUALLOC_STATS_SIZE_V1 bytes). */
static long ea_ioctl_stats(struct ea_file *f, void __user *uarg, size_t size)
{
	struct edualloc_stats *arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	struct ea_stats *st;
	long ret;
	int idx;

	arg = kzalloc(sizeof(*arg), GFP_KERNEL);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	ret = -ENOMEM;
	if (!arg || !st)
		goto out_free;
	ret = -EFAULT;
	if (copy_from_user(arg, uarg, size))
		goto out_free;
	ret = -EINVAL;
	if (arg->flags || arg->__pad)
		goto out_free;

	ea = ea_file_enter(f, &inst, &idx);
	ret = PTR_ERR_OR_ZERO(ea);
	if (!ret) {
		ea_get_stats(ea, st);
		memset(arg, 0, sizeof(*arg));
		ea_fill_stats(inst, st, arg);
	}
	ea_leave(idx);
	if (!ret && copy_to_user(uarg, arg, size))
		ret = -EFAULT;
out_free:
	kfree(st);
	kfree(arg);
	return ret;
}

static long ea_ioctl_config(struct ea_file *f, void __user *uarg)
{
	const u32 known = EDUALLOC_CONFIG_SET_DEBUG | EDUALLOC_CONFIG_SET_FAIL_NTH;
	struct edualloc_config arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	bool set_debug, set_fail, changes;
	long ret = 0;
	int idx;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	set_debug = arg.flags & EDUALLOC_CONFIG_SET_DEBUG;
	set_fail = arg.flags & EDUALLOC_CONFIG_SET_FAIL_NTH;
	if (arg.flags & ~known || arg.__pad || arg.debug > (set_debug ? 1 : 0) ||
	    (!set_fail && arg.fail_nth))
		return -EINVAL;
	changes = set_debug || set_fail;
	if (changes && !f->writable)
		return -EBADF;

	/*
	 * A change is answered before it is made: the probe writes back the
	 * debug value the call leaves (the one asked for, or the current one
	 * beside a fail_nth alone), so that no copy is left to fail once the
	 * instance has changed. A plain read answers at the end.
	 */
	inst = ea_file_inst(f);
	if (!set_debug)
		arg.debug = READ_ONCE(inst->debug);
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		ea_inst_put(inst);
		return -EFAULT;
	}

	mutex_lock(&ea_config_lock);
	ea = ea_inst_enter(inst, &idx);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
	} else {
		/* Fault injection makes the kernel fail on purpose: root's. */
		if ((set_debug && !ea_may_admin(inst)) ||
		    (set_fail && !capable(CAP_SYS_ADMIN))) {
			ret = -EPERM;
		} else {
			if (set_debug) {
				ea_set_debug(ea, arg.debug);
				WRITE_ONCE(inst->debug, arg.debug);
			}
			if (set_fail)
				ea_fail_nth(ea, arg.fail_nth);
		}
	}
	ea_leave(idx);
	arg.debug = inst->debug;
	mutex_unlock(&ea_config_lock);
	ea_inst_put(inst);
	if (ret)
		return ret;

	if (!changes && copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
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
	int idx;

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
	ea = ea_inst_enter(inst, &idx);
	if (!IS_ERR(ea) && n)
		n = ea_page_map(ea, pages, n);
	ea_leave(idx);
	if (IS_ERR(ea)) {
		ret = PTR_ERR(ea);
		goto out_free;
	}

	for (i = 0; i < n; i++) {
		out[i].kind = pages[i].kind;
		out[i].cls = pages[i].cls;
		out[i].order = pages[i].order;
		out[i].head = pages[i].head;
		out[i].used = pages[i].used;
		out[i].total = pages[i].total;
	}
	arg.count = n;
	ret = ea_list_out(uarg, &arg, sizeof(arg), arg.buf, out, n, sizeof(*out));
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
};

/* Called by the engine under its lock from the cursor on, in ID order. */
static int ea_allocs_one(void *priv, const struct ea_alloc_info *a)
{
	struct ea_allocs_walk *w = priv;

	if (w->count == w->max)
		return 1;
	ea_fill_alloc_info(a, &w->buf[w->count++]);
	return 0;
}

static long ea_ioctl_allocs(struct ea_file *f, void __user *uarg)
{
	struct ea_allocs_walk w = {};
	struct edualloc_allocs arg;
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	struct ea_stats *st;
	long ret = -ENOMEM;
	int idx;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags)
		return -EINVAL;

	w.max = min_t(u32, arg.max, EDUALLOC_ALLOCS_MAX);
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (w.max)
		w.buf = kvcalloc(w.max, sizeof(*w.buf), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!st || (w.max && !w.buf))
		goto out;
	ea = ea_file_enter(f, &inst, &idx);
	ret = PTR_ERR_OR_ZERO(ea);
	if (!ret) {
		/* From the cursor on, until the buffer is full. */
		if (w.max)
			ea_walk_allocs_from(ea, arg.start_id, ea_allocs_one, &w);
		ea_get_stats(ea, st);
	}
	ea_leave(idx);
	if (ret)
		goto out;

	arg.count = w.count;
	arg.total = st->live_allocs;
	ret = ea_list_out(uarg, &arg, sizeof(arg), arg.buf, w.buf, w.count, sizeof(*w.buf));
out:
	kvfree(w.buf);
	kfree(st);
	return ret;
}

/* BATCH: the work is edualloc_batch.c's; here only entering the instance. */
static long ea_ioctl_batch(struct ea_file *f, void __user *uarg)
{
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	int idx, allocs = 0, done = 0, frees = 0;
	struct ea_batch b;
	u32 i;
	long ret;

	ret = ea_batch_begin(&b, uarg);
	if (ret)
		goto out;
	ea = ea_file_enter(f, &inst, &idx);
	ret = PTR_ERR_OR_ZERO(ea);
	/* The bookkeeping of every ALLOC it asks for, charged first. */
	for (i = 0; i < b.arg.count; i++)
		allocs += b.ent[i].op == EDUALLOC_BATCH_ALLOC;
	if (!ret)
		ret = ea_charge_allocs(inst, allocs);
	if (!ret) {
		ea_batch_run(ea, &inst->obs, &b, ea_owner_tag());
		ret = ea_batch_finish(&b, uarg);
		ea_batch_settle(ea, &b, !ret);
		/* What did not happen (or was taken back), and what was freed. */
		for (i = 0; i < b.arg.count; i++) {
			bool ok = !b.ent[i].err;

			if (b.ent[i].op == EDUALLOC_BATCH_ALLOC)
				done += ok && !ret;
			else if (b.ent[i].op == EDUALLOC_BATCH_FREE)
				frees += ok;
		}
		ea_uncharge_alloc(inst, allocs - done + frees);
		ea_obs_count(EA_OBS_ALLOCS, done);
		ea_obs_count(EA_OBS_FREES, frees);
	}
	ea_leave(idx);
out:
	ea_batch_end(&b);
	return ret;
}

/* Commands that change an instance or the registry: a writable file's. */
static bool ea_cmd_writes(unsigned int cmd)
{
	switch (cmd) {
	case EDUALLOC_IOC_CREATE:
	case EDUALLOC_IOC_DESTROY:
	case EDUALLOC_IOC_ALLOC:
	case EDUALLOC_IOC_FREE:
	case EDUALLOC_IOC_WRITE:
	case EDUALLOC_IOC_REALLOC:
	case EDUALLOC_IOC_RESET:
	case EDUALLOC_IOC_BATCH:
		return true;
	}
	return false;	/* BIT and CONFIG check their own operations */
}

static long ea_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ea_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	/* The calls a program makes most, first. */
	if (likely(cmd == EDUALLOC_IOC_ALLOC))
		return f->writable ? ea_ioctl_alloc(f, uarg) : -EBADF;
	if (likely(cmd == EDUALLOC_IOC_FREE))
		return f->writable ? ea_ioctl_free(f, uarg) : -EBADF;
	if (!f->writable && ea_cmd_writes(cmd))
		return -EBADF;
	switch (cmd) {
	case EDUALLOC_IOC_VERSION:
		return ea_ioctl_version(uarg, sizeof(struct edualloc_version));
	case EDUALLOC_IOC_VERSION_V1:
		return ea_ioctl_version(uarg, EDUALLOC_VERSION_SIZE_V1);
	case EDUALLOC_IOC_CREATE:
		return ea_ioctl_create(f, uarg);
	case EDUALLOC_IOC_ATTACH:
		return ea_ioctl_attach(f, uarg);
	case EDUALLOC_IOC_DESTROY:
		return ea_ioctl_destroy(uarg);
	case EDUALLOC_IOC_LIST:
		return ea_ioctl_list(f, uarg);
	case EDUALLOC_IOC_LOOKUP:
	case EDUALLOC_IOC_READ:
	case EDUALLOC_IOC_WRITE:
	case EDUALLOC_IOC_REALLOC:
	case EDUALLOC_IOC_BIT:
	case EDUALLOC_IOC_RESET:
	case EDUALLOC_IOC_VALIDATE:
		return ea_ioctl_call(f, cmd, uarg);
	case EDUALLOC_IOC_STATS:
		return ea_ioctl_stats(f, uarg, sizeof(struct edualloc_stats));
	case EDUALLOC_IOC_STATS_V1:
		return ea_ioctl_stats(f, uarg, EDUALLOC_STATS_SIZE_V1);
	case EDUALLOC_IOC_CONFIG:
		return ea_ioctl_config(f, uarg);
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

/* ---- mmap --------------------------------------------------------------------- */

static void ea_map_put(struct ea_map *map)
{
	if (!refcount_dec_and_test(&map->ref))
		return;
	if (map->bytes)
		ea_uncharge(map->user, 0, 0, map->bytes);
	ea_inst_unhold(map->inst);
	ea_inst_put(map->inst);
	kfree(map);
}

/* A VMA copied (fork) or split from one of ours shares its struct ea_map. */
static void ea_vm_open(struct vm_area_struct *vma)
{
	struct ea_map *map = vma->vm_private_data;

	refcount_inc(&map->ref);
}

static void ea_vm_close(struct vm_area_struct *vma)
{
	ea_map_put(vma->vm_private_data);
}

/* Mappings stay non-executable: mprotect(PROT_EXEC) is refused too. */
static int ea_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	return newflags & VM_EXEC ? -EACCES : 0;
}

struct ea_mmap_req {
	struct vm_area_struct *vma;
	unsigned long pgoff;	/* pages into the area */
	struct page *page;	/* ea_fault_area(): the page found */
};

#define EA_INSERT_BATCH	32

/*
 * Called by the engine under its lock with the area that starts there.
 * What remap_vmalloc_range() does, which refuses the engine's areas (they
 * come from __vmalloc(), not vmalloc_user()). Each page is inserted with
 * a reference of its own, so it outlives a vfree() of the area.
 */
static int ea_mmap_area(void *priv, void *area, u64 size)
{
	struct ea_mmap_req *req = priv;
	struct vm_area_struct *vma = req->vma;
	u64 len = vma->vm_end - vma->vm_start;
	u64 off = (u64)req->pgoff << PAGE_SHIFT;
	struct page *pages[EA_INSERT_BATCH];
	unsigned long addr = vma->vm_start, n, i;
	int ret;

	if (off >= size || len > size - off)
		return -EINVAL;
	while (addr < vma->vm_end) {
		n = min_t(unsigned long, (vma->vm_end - addr) >> PAGE_SHIFT, EA_INSERT_BATCH);
		for (i = 0; i < n; i++)
			pages[i] = vmalloc_to_page(area + off + i * PAGE_SIZE);
		ret = ea_vm_insert_pages(vma, addr, pages, n);
		if (ret)
			return ret;
		addr += n << PAGE_SHIFT;
		off += n << PAGE_SHIFT;
	}
	/* A fixed size, and kernel memory has no place in a core dump. */
	ea_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/* The page a fault wants, if the area still has it. */
static int ea_fault_area(void *priv, void *area, u64 size)
{
	struct ea_mmap_req *req = priv;
	u64 off = (u64)req->pgoff << PAGE_SHIFT;

	if (off >= size)
		return -EFAULT;
	req->page = vmalloc_to_page(area + off);
	get_page(req->page);
	return 0;
}

/*
 * A page that is not mapped any more (MADV_DONTNEED): map again what its
 * offset names now, the arena's page or the large allocation's while it
 * is live; SIGBUS once the instance is destroyed or the allocation freed.
 */
static vm_fault_t ea_vm_fault(struct vm_fault *vmf)
{
	struct ea_map *map = vmf->vma->vm_private_data;
	struct ea_mmap_req req = { .pgoff = vmf->pgoff - (map->start >> PAGE_SHIFT) };
	struct ea_instance *ea;
	int idx, ret;

	ea = ea_inst_enter(map->inst, &idx);
	ret = IS_ERR(ea) ? PTR_ERR(ea) : ea_with_area(ea, map->start, ea_fault_area, &req);
	ea_leave(idx);
	if (ret)
		return VM_FAULT_SIGBUS;
	vmf->page = req.page;
	return 0;
}

static const struct vm_operations_struct ea_vm_ops = {
	.open = ea_vm_open,
	.close = ea_vm_close,
	.fault = ea_vm_fault,
	.mprotect = ea_vm_mprotect,
};

static int ea_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ea_file *f = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct ea_mmap_req req = { .vma = vma };
	struct ea_dev_inst *inst;
	struct ea_instance *ea;
	struct ea_map *map;
	int idx, ret;

	/* VM_MAYSHARE: MAP_SHARED, also on a read-only file (no VM_SHARED). */
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_flags & VM_EXEC)
		return -EINVAL;
	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return -ENOMEM;
	refcount_set(&map->ref, 1);

	/* The arena, or the large area whose slot holds 'off'. */
	if (off >= EA_LARGE_BASE)
		map->start = EA_LARGE_BASE +
			     round_down(off - EA_LARGE_BASE, 1ULL << EA_LARGE_SHIFT);
	req.pgoff = (off - map->start) >> PAGE_SHIFT;

	ea = ea_file_enter(f, &inst, &idx);
	ret = PTR_ERR_OR_ZERO(ea);
	if (ret)
		goto err;
	/*
	 * A large area's pages outlive its FREE while mapped: who maps one
	 * is charged its length until munmap.
	 */
	if (map->start) {
		map->user = ea_user_get(current_euid());
		ret = PTR_ERR_OR_ZERO(map->user);
		if (!ret) {
			map->bytes = vma->vm_end - vma->vm_start;
			ret = ea_charge(map->user, 0, 0, map->bytes);
			if (ret)
				map->bytes = 0;
		}
		if (ret)
			goto err;
	}
	ret = ea_with_area(ea, map->start, ea_mmap_area, &req);
	if (ret)
		goto err;
	kref_get(&inst->ref);
	refcount_inc(&inst->holds);
	map->inst = inst;
	ea_leave(idx);
	vma->vm_private_data = map;
	vma->vm_ops = &ea_vm_ops;
	return 0;

err:
	ea_leave(idx);
	if (map->bytes)
		ea_uncharge(map->user, 0, 0, map->bytes);
	kfree(map);
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
	RCU_INIT_POINTER(f->inst, ea_shared);
	f->writable = file->f_mode & FMODE_WRITE;
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int ea_release(struct inode *inode, struct file *file)
{
	struct ea_file *f = file->private_data;
	struct ea_dev_inst *inst = rcu_dereference_protected(f->inst, true);
	bool mine = false;

	atomic_dec(&inst->nr_attached);
	ea_inst_put(inst);
	if (f->priv) {
		mutex_lock(&ea_registry_lock);
		mine = ea_inst_unlist_locked(f->priv);
		mutex_unlock(&ea_registry_lock);
		if (mine)
			ea_inst_kill(f->priv);
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

	shared = ea_inst_create("shared", EDUALLOC_KIND_SHARED, &params, true);
	if (IS_ERR(shared)) {
		ret = PTR_ERR(shared);
		pr_err("cannot make the shared instance: %d\n", ret);
		goto err_obs;
	}
	ea_shared = shared;
	ea_inst_put(shared);	/* the registry's keeps it until unload */

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
	ea_inst_unlist_locked(ea_shared);
	mutex_unlock(&ea_registry_lock);
	ea_inst_kill(ea_shared);
	ea_shared = NULL;
err_obs:
	srcu_barrier(&ea_srcu);
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
	int idx;

	ea = ea_inst_enter(inst, &idx);
	if (!IS_ERR(ea))
		ea_get_stats(ea, st);
	ea_leave(idx);
	if (!IS_ERR(ea) && st->live_allocs)
		pr_info("unloading: %s instance \"%s\" destroyed with %llu allocations never freed (%llu bytes)\n",
			inst->obs.kind == EDUALLOC_KIND_SHARED ? "shared" : "named",
			inst->obs.name, st->live_allocs, st->live_requested);
}

static void __exit ea_exit(void)
{
	struct ea_dev_inst *inst;
	struct ea_user *u;
	struct hlist_node *tmp;
	struct ea_stats *st;
	int bkt;

	misc_deregister(&ea_miscdev);

	/*
	 * No file is open and nothing is mapped (each holds the module): only
	 * the registry's references are left, and killing drops them.
	 */
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	for (;;) {
		mutex_lock(&ea_registry_lock);
		inst = list_first_entry_or_null(&ea_registry, struct ea_dev_inst, node);
		if (inst)
			ea_inst_unlist_locked(inst);
		mutex_unlock(&ea_registry_lock);
		if (!inst)
			break;
		if (st)
			ea_report_unload_leaks(inst, st);
		ea_inst_kill(inst);
	}
	kfree(st);
	ea_shared = NULL;
	srcu_barrier(&ea_srcu);	/* the delayed frees of struct ea_dev_inst */

	hash_for_each_safe(ea_users, bkt, tmp, u, node) {
		WARN_ON(u->nr_instances || u->bytes);
		hash_del(&u->node);
		kfree(u);
	}
	ea_obs_exit();
	pr_info("unloaded\n");
}

module_init(ea_init);
module_exit(ea_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("edualloc: a teaching memory allocator behind /dev/edualloc");
MODULE_AUTHOR("The edualloc authors");
