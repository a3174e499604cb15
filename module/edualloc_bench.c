// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc_bench.c - the edualloc engine timed beside the kernel's own
 * allocators, inside the kernel (`make bench` loads it in a guest).
 *
 * Design
 * ======
 *
 * Workloads ("suites"), each run on every allocator it suits:
 *
 *  pair	allocate one object and free it, over and over, for each class
 *		size from 8 B to 256 KiB: every allocator's fast path.
 *  batch	N allocations, then their N frees, per class size (N is 256,
 *		fewer from 32 KiB up): slab refills and releases.
 *  large	pair for 512 KiB, 1 MiB and 4 MiB: the engine's vmalloc path.
 *  mixed	random allocations (8 B to 4 KiB, each power-of-two range
 *		equally likely) and frees of random live objects, keeping the
 *		live payload near mixed_fill_pct (50) percent of a capacity of
 *		mixed_capacity bytes: where genalloc's first-fit search shows.
 *  scale	free a random live object and allocate another of the same
 *		size (64 B), with 1 K, 64 K and 1 M objects live: the cost
 *		per operation should not depend on how much is live.
 *  threads	pair of 64 B on every online CPU at once, one kthread bound
 *		to each, all on one instance: what a shared lock costs, and
 *		what per-CPU caches ("edualloc-percpu") buy back; ns is the
 *		wall time over all the threads' operations (the inverse of the
 *		throughput).
 *  parts	the building blocks of an engine operation alone: a clock
 *		read, a mutex and a spinlock lock+unlock, an ID's xarray
 *		cycle (reserve and store a new ID, erase one: the first
 *		edition's ID map) in an xarray that it leaves empty (as pair
 *		does) and in one that keeps the last 1 K IDs.
 *
 * Allocators: the engine with its debug checks off ("edualloc") and on
 * ("edualloc-debug"), each on an instance of its own, and in pair also
 * with per-CPU caches ("edualloc-percpu", struct ea_params.percpu); kmalloc/kfree;
 * kzalloc/kfree (the engine zeroes every allocation: this is the like for
 * like comparison); a kmem_cache per class size; genalloc
 * (gen_pool_alloc/gen_pool_free, genalloc_order-sized granules, first fit)
 * over a vmalloc region as big as the engine's arena; and vmalloc/vfree and
 * vzalloc/vfree on the large path.
 *
 * Method. One operation is one allocation or one free. A measurement times
 * a whole repeat of many operations with ktime_get_ns() and divides; it is
 * repeated, and the median is reported (with the minimum and maximum).
 *
 * The guest's CPU is a thread on a shared host, which the host takes away
 * now and then for a whole time slice of its own (some 4 ms): a repeat
 * that suffers it is an outlier. So every allocator's repeats last the
 * same, short, time (repeat_us of guest time; the number of operations in
 * one is calibrated per allocator, which also warms it up; a random
 * workload's repeat has at least 256 steps, to be a fair sample): each then runs
 * the same risk, most repeats escape, and the median ignores those that do
 * not. The allocators take turns: repeat r of each runs before repeat r + 1
 * of any, so that a burst of noise lands on one repeat of several
 * allocators rather than on all the repeats of one. A turn starts with
 * rcu_barrier() and vm_unmap_aliases(), which finish what the previous
 * allocator deferred (the engine's ID map frees its nodes through RCU,
 * vfree() purges lazily), then runs an untimed warm-up as long as a repeat,
 * whose deferred work lands in the timed repeat, as in a steady state.
 *
 * Every allocator gets its own copy of each timed loop: the loops are
 * __always_inline functions of a constant allocator number, instantiated
 * by a switch outside the loop, so the loop calls kmalloc() or ea_alloc()
 * directly, as their users do, with no indirect call (a retpoline under
 * Debian's mitigations) in the way. The random workloads are scripted
 * beforehand: an array of steps (slot, size, alloc or free) from a
 * fixed-seed generator, the same script for every allocator, each going
 * through it at its own pace (its warm-ups and repeats take the next steps),
 * so that a timed loop only reads its next step and the live population
 * stays as it is between repeats. Filling up to the live population, and
 * ageing it with churn until it is in a steady state (a fresh first-fit
 * bitmap is fast; a fragmented one is not), are not timed.
 *
 * Bounded time, on a slow emulated machine too: repeats have a fixed
 * length, genalloc is left out of scale above genalloc_max_live live
 * objects (first fit rescans the full bitmap: filling is quadratic), and a
 * fill that takes longer than budget_ms stops with status=timeout.
 *
 * Interface, in debugfs (edualloc_bench/):
 *  run		write suite names ("pair batch large mixed scale parts", or
 *		"all"):
 *		they run in the writer's context, and the write returns when
 *		they are done. Module parameters (writable in sysfs too) set
 *		the counts.
 *  results	the lines of the last run, one per measurement, key=value:
 *		suite=pair alloc=kmalloc size=64 live=0 ops=8000 reps=5
 *		ns=31.250 min=30.975 max=33.100 status=ok
 *		ns is the median ns per operation; status is ok, nomem (an
 *		allocation failed), timeout, or skipped. A first line,
 *		suite=info, gives the parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/genalloc.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/local_lock.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "ea_engine.h"

static unsigned int repeats = 31;
module_param(repeats, uint, 0644);
MODULE_PARM_DESC(repeats, "Timed repeats per measurement, each after a warm-up (1..63, default 31)");

static unsigned int repeat_us = 500;
module_param(repeat_us, uint, 0644);
MODULE_PARM_DESC(repeat_us, "Length of a repeat in guest microseconds, calibrated per allocator (default 500)");

static unsigned int pair_ops = SZ_64K;
module_param(pair_ops, uint, 0644);
MODULE_PARM_DESC(pair_ops, "pair: alloc+free pairs per repeat, at most (default 65536)");

static unsigned int batch_max = 256;
module_param(batch_max, uint, 0644);
MODULE_PARM_DESC(batch_max, "batch: allocations per batch, at most (default 256)");

static unsigned long batch_bytes = SZ_4M;
module_param(batch_bytes, ulong, 0644);
MODULE_PARM_DESC(batch_bytes, "batch: bytes live at the end of a batch, at most (default 4 MiB)");

static unsigned int large_ops = 64;
module_param(large_ops, uint, 0644);
MODULE_PARM_DESC(large_ops, "large: alloc+free pairs per repeat, at most (default 64)");

static unsigned long mixed_capacity = SZ_16M;
module_param(mixed_capacity, ulong, 0644);
MODULE_PARM_DESC(mixed_capacity, "mixed: arena and genalloc region bytes (default 16 MiB)");

static unsigned int mixed_fill_pct = 50;
module_param(mixed_fill_pct, uint, 0644);
MODULE_PARM_DESC(mixed_fill_pct, "mixed: live payload, percent of the capacity (default 50)");

static unsigned int mixed_ops = SZ_16K;
module_param(mixed_ops, uint, 0644);
MODULE_PARM_DESC(mixed_ops, "mixed: operations per repeat, at most (default 16384)");

static unsigned int mixed_max_size = SZ_4K;
module_param(mixed_max_size, uint, 0644);
MODULE_PARM_DESC(mixed_max_size, "mixed: largest request, bytes (default 4096)");

static unsigned long scale_max = SZ_1M;
module_param(scale_max, ulong, 0644);
MODULE_PARM_DESC(scale_max, "scale: most live objects; scales are 1K, 64K, 1M up to this (default 1M)");

static unsigned int scale_size = 64;
module_param(scale_size, uint, 0644);
MODULE_PARM_DESC(scale_size, "scale: object size in bytes (default 64)");

static unsigned int scale_ops = SZ_16K;
module_param(scale_ops, uint, 0644);
MODULE_PARM_DESC(scale_ops, "scale: operations per repeat, at most (default 16384)");

static int genalloc_order = 3;
module_param(genalloc_order, int, 0644);
MODULE_PARM_DESC(genalloc_order, "genalloc: log2 of the granule (default 3: 8 bytes)");

static unsigned long genalloc_max_live = SZ_64K;
module_param(genalloc_max_live, ulong, 0644);
MODULE_PARM_DESC(genalloc_max_live, "scale: leave genalloc out above this many live objects (default 64K)");

static unsigned long seed = 1;
module_param(seed, ulong, 0644);
MODULE_PARM_DESC(seed, "Seed of the scripted workloads (default 1)");

static bool raw;
module_param(raw, bool, 0644);
MODULE_PARM_DESC(raw, "Also print each repeat's ns per operation, in run order (default off)");

static unsigned int budget_ms = 60000;
module_param(budget_ms, uint, 0644);
MODULE_PARM_DESC(budget_ms, "Longest fill of one measurement before it gives up (default 60 s)");

#define EB_MAX_REPEATS		63
#define EB_RESULTS_SIZE		SZ_128K
#define EB_GFP			(GFP_KERNEL | __GFP_NOWARN)
#define EB_FREE			BIT(31)		/* in eb_step.size: a free */
#define EB_LARGE_SIZES		3

/* The allocators, in report order: the enum's and eb_names[]'s list. */
#define EB_ALLOCS(X, ...)						\
	X(EB_EA, "edualloc", __VA_ARGS__)				\
	X(EB_EA_DEBUG, "edualloc-debug", __VA_ARGS__)			\
	X(EB_KMALLOC, "kmalloc", __VA_ARGS__)				\
	X(EB_KZALLOC, "kzalloc", __VA_ARGS__)				\
	X(EB_CACHE, "kmem_cache", __VA_ARGS__)				\
	X(EB_GENALLOC, "genalloc", __VA_ARGS__)				\
	X(EB_VMALLOC, "vmalloc", __VA_ARGS__)				\
	X(EB_VZALLOC, "vzalloc", __VA_ARGS__)				\
	/* the engine with per-CPU caches: pair only */			\
	X(EB_EA_PERCPU, "edualloc-percpu", __VA_ARGS__)

#define EB_ALLOC_ENUM(e, name, ...)	e,
#define EB_ALLOC_NAME(e, name, ...)	name,

enum eb_alloc {
	EB_ALLOCS(EB_ALLOC_ENUM, 0)
	EB_NR_ALLOC
};

static const char * const eb_names[EB_NR_ALLOC] = {
	EB_ALLOCS(EB_ALLOC_NAME, 0)
};

/* The allocators of the small sizes, and of the large path. */
static const enum eb_alloc eb_small[] = {
	EB_EA, EB_EA_DEBUG, EB_KMALLOC, EB_KZALLOC, EB_CACHE, EB_GENALLOC,
};

/* pair also times the engine with per-CPU caches (issue 13's goal). */
static const enum eb_alloc eb_pair_list[] = {
	EB_EA, EB_EA_DEBUG, EB_EA_PERCPU, EB_KMALLOC, EB_KZALLOC, EB_CACHE,
	EB_GENALLOC,
};

static const enum eb_alloc eb_large[] = {
	EB_EA, EB_EA_DEBUG, EB_KMALLOC, EB_KZALLOC, EB_VMALLOC, EB_VZALLOC,
};

static const unsigned long eb_large_sizes[EB_LARGE_SIZES] = {
	SZ_512K, SZ_1M, SZ_4M,
};

/**
 * struct eb_ctx - what one allocator needs for one measurement
 * @ea: the engine instance (EB_EA, EB_EA_DEBUG)
 * @pool: the genalloc pool (EB_GENALLOC)
 * @region: the vmalloc region @pool hands out
 */
struct eb_ctx {
	struct ea_instance *ea;
	struct gen_pool *pool;
	void *region;
};

/**
 * struct eb_step - one step of a scripted workload
 * @slot: which handle it allocates into or frees
 * @size: bytes; with EB_FREE set, a free of what @slot holds (of that size)
 */
struct eb_step {
	u32 slot;
	u32 size;
};

/**
 * struct eb_script - a scripted workload
 * @steps: @nr_fill steps that fill up and age, then the churn, @nr_steps
 *	   in all
 * @nr_fill: steps of the fill and the ageing, not timed
 * @nr_steps: all the steps
 * @nr_slots: handles the script uses
 * @live: objects live at the end of the fill
 * @peak_bytes: most class-rounded bytes live at once (to size the arena)
 */
struct eb_script {
	struct eb_step *steps;
	unsigned int nr_fill;
	unsigned int nr_steps;
	unsigned int nr_slots;
	unsigned long live;
	u64 peak_bytes;
};

/* The last run's results; eb_lock serialises runs and reads. */
static DEFINE_MUTEX(eb_lock);
static char *eb_buf;
static size_t eb_len;
static struct kmem_cache *eb_caches[EA_NR_CLASSES];
static char eb_cache_names[EA_NR_CLASSES][24];
static struct dentry *eb_dir;

static __printf(1, 2) void eb_out(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	eb_len += vscnprintf(eb_buf + eb_len, EB_RESULTS_SIZE - eb_len, fmt, args);
	va_end(args);
}

/* ---- Allocators ------------------------------------------------------------ */

#if IS_ENABLED(CONFIG_GENERIC_ALLOCATOR)
static bool eb_have_genalloc(void)
{
	return true;
}

static unsigned long eb_pool_alloc(struct eb_ctx *c, size_t size)
{
	return gen_pool_alloc(c->pool, size);
}

static void eb_pool_free(struct eb_ctx *c, unsigned long addr, size_t size)
{
	gen_pool_free(c->pool, addr, size);
}

static int eb_pool_create(struct eb_ctx *c, u64 capacity)
{
	c->region = vmalloc(capacity);
	if (!c->region)
		return -ENOMEM;
	c->pool = gen_pool_create(genalloc_order, NUMA_NO_NODE);
	if (!c->pool || gen_pool_add(c->pool, (unsigned long)c->region,
				     capacity, NUMA_NO_NODE)) {
		if (c->pool)
			gen_pool_destroy(c->pool);
		vfree(c->region);
		c->pool = NULL;
		c->region = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void eb_pool_destroy(struct eb_ctx *c)
{
	gen_pool_destroy(c->pool);
	vfree(c->region);
}
#else
/* Kernels without CONFIG_GENERIC_ALLOCATOR (our debug kernel): skipped. */
static bool eb_have_genalloc(void)
{
	return false;
}

static unsigned long eb_pool_alloc(struct eb_ctx *c, size_t size)
{
	return 0;
}

static void eb_pool_free(struct eb_ctx *c, unsigned long addr, size_t size)
{
}

static int eb_pool_create(struct eb_ctx *c, u64 capacity)
{
	return -EOPNOTSUPP;
}

static void eb_pool_destroy(struct eb_ctx *c)
{
}
#endif

static __always_inline unsigned long eb_do_alloc(enum eb_alloc a,
						 struct eb_ctx *c, size_t size)
{
	struct ea_alloc_info info;

	switch (a) {
	case EB_EA:
	case EB_EA_DEBUG:
	case EB_EA_PERCPU:
		return ea_alloc(c->ea, size, 0, &info) ? 0 : info.id;
	case EB_KMALLOC:
		return (unsigned long)kmalloc(size, EB_GFP);
	case EB_KZALLOC:
		return (unsigned long)kzalloc(size, EB_GFP);
	case EB_CACHE:
		return (unsigned long)kmem_cache_alloc(eb_caches[ea_class_of(size)],
						       EB_GFP);
	case EB_GENALLOC:
		return eb_pool_alloc(c, size);
	case EB_VMALLOC:
		return (unsigned long)vmalloc(size);
	case EB_VZALLOC:
		return (unsigned long)vzalloc(size);
	default:
		return 0;
	}
}

static __always_inline void eb_do_free(enum eb_alloc a, struct eb_ctx *c,
				       unsigned long h, size_t size)
{
	switch (a) {
	case EB_EA:
	case EB_EA_DEBUG:
	case EB_EA_PERCPU:
		ea_free(c->ea, (int)h, 0, NULL);
		break;
	case EB_KMALLOC:
	case EB_KZALLOC:
		kfree((void *)h);
		break;
	case EB_CACHE:
		kmem_cache_free(eb_caches[ea_class_of(size)], (void *)h);
		break;
	case EB_GENALLOC:
		eb_pool_free(c, h, size);
		break;
	case EB_VMALLOC:
	case EB_VZALLOC:
		vfree((void *)h);
		break;
	default:
		break;
	}
}

/*
 * Make what allocator @a needs for objects up to @capacity bytes in all:
 * the engine an instance, genalloc a pool over a region of that size.
 */
static int eb_ctx_init(enum eb_alloc a, struct eb_ctx *c, u64 capacity)
{
	struct ea_params p = {
		.capacity = PAGE_ALIGN(max_t(u64, capacity, EA_MIN_CAPACITY)),
		.debug = a == EB_EA_DEBUG,
		.quiet = true,
		.percpu = a == EB_EA_PERCPU,
	};
	int err = 0;

	memset(c, 0, sizeof(*c));
	switch (a) {
	case EB_EA:
	case EB_EA_DEBUG:
	case EB_EA_PERCPU:
		c->ea = ea_create(&p, &err);
		return c->ea ? 0 : err;
	case EB_GENALLOC:
		return eb_pool_create(c, p.capacity);
	default:
		return 0;
	}
}

static void eb_ctx_exit(enum eb_alloc a, struct eb_ctx *c)
{
	if (c->ea)
		ea_destroy(c->ea);	/* what is still live goes with it */
	if (c->pool)
		eb_pool_destroy(c);
}

/* ---- Timed loops ------------------------------------------------------------ */

static __always_inline int eb_pair_loop(enum eb_alloc a, struct eb_ctx *c,
					size_t size, unsigned int n, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned long h;
	unsigned int i;

	for (i = 0; i < n; i++) {
		h = eb_do_alloc(a, c, size);
		if (unlikely(!h))
			return -ENOMEM;
		eb_do_free(a, c, h, size);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

/* @units batches of @n allocations, then their frees. */
static __always_inline int eb_batch_loop(enum eb_alloc a, struct eb_ctx *c,
					 size_t size, unsigned int n,
					 unsigned int units, unsigned long *h,
					 u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i, j, u;

	for (u = 0; u < units; u++) {
		for (i = 0; i < n; i++) {
			h[i] = eb_do_alloc(a, c, size);
			if (unlikely(!h[i]))
				break;
		}
		for (j = 0; j < i; j++)
			eb_do_free(a, c, h[j], size);
		if (unlikely(i < n))
			return -ENOMEM;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

/*
 * Steps [from, to) of a script; *@done is where it stopped. A handle of 0
 * is a free slot, so that a failed run can be cleaned up from @h alone.
 */
static __always_inline int eb_script_loop(enum eb_alloc a, struct eb_ctx *c,
					  const struct eb_step *st,
					  unsigned int from, unsigned int to,
					  unsigned long *h, unsigned int *done,
					  u64 *ns)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int ret = 0;

	for (i = from; i < to; i++) {
		u32 slot = st[i].slot, size = st[i].size;

		if (size & EB_FREE) {
			eb_do_free(a, c, h[slot], size & ~EB_FREE);
			h[slot] = 0;
		} else {
			h[slot] = eb_do_alloc(a, c, size);
			if (unlikely(!h[slot])) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	*ns = ktime_get_ns() - t0;
	*done = i;
	return ret;
}

/*
 * EB_INSTANCE(a, loop, args...) - one copy of @loop per allocator: @a is a
 * constant in each case, so the switches inside the loop fold away. Its
 * value is the loop's, or -EINVAL for an allocator it does not know.
 */
#define EB_INSTANCE_CASE(e, name, loop, ...)				\
	case e:								\
		__ret = loop(e, __VA_ARGS__);				\
		break;
#define EB_INSTANCE(a, loop, ...)					\
({									\
	int __ret = -EINVAL;						\
									\
	switch (a) {							\
	EB_ALLOCS(EB_INSTANCE_CASE, loop, __VA_ARGS__)			\
	case EB_NR_ALLOC:						\
		break;							\
	}								\
	__ret;								\
})

static noinline int eb_pair(enum eb_alloc a, struct eb_ctx *c, size_t size,
			    unsigned int n, u64 *ns)
{
	return EB_INSTANCE(a, eb_pair_loop, c, size, n, ns);
}

static noinline int eb_batch(enum eb_alloc a, struct eb_ctx *c, size_t size,
			     unsigned int n, unsigned int units,
			     unsigned long *h, u64 *ns)
{
	return EB_INSTANCE(a, eb_batch_loop, c, size, n, units, h, ns);
}

static noinline int eb_script(enum eb_alloc a, struct eb_ctx *c,
			      const struct eb_step *st, unsigned int from,
			      unsigned int to, unsigned long *h,
			      unsigned int *done, u64 *ns)
{
	return EB_INSTANCE(a, eb_script_loop, c, st, from, to, h, done, ns);
}

/* ---- Reporting ---------------------------------------------------------------- */

static int eb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* @prefix, then ns per operation with three decimals, from @ns for @ops operations. */
static void eb_out_ns(const char *prefix, u64 ns, u64 ops)
{
	u64 ps = div64_u64(ns * 1000, max_t(u64, ops, 1));

	eb_out("%s%llu.%03llu", prefix, div_u64(ps, 1000), ps % 1000);
}

/**
 * eb_report_name() - one result line
 * @suite: workload name
 * @name: what was timed (an allocator, or a part of one)
 * @size: request size (0: mixed sizes)
 * @live: objects live around the timed operations
 * @ops: operations per repeat
 * @t: ns of each repeat (sorted here), or NULL when nothing was timed
 * @status: "ok", "nomem", "timeout" or "skipped"
 */
static void eb_report_name(const char *suite, const char *name, u64 size,
			   unsigned long live, u64 ops, u64 *t,
			   const char *status)
{
	unsigned int i, n = t ? repeats : 0;

	eb_out("suite=%s alloc=%s size=%llu live=%lu ops=%llu reps=%u",
	       suite, name, size, live, ops, n);
	for (i = 0; raw && i < n; i++)
		eb_out_ns(i ? "," : " t=", t[i], ops);
	if (n) {
		sort(t, n, sizeof(*t), eb_cmp_u64, NULL);
		/* The median; of two middle values, their mean. */
		eb_out_ns(" ns=", (t[(n - 1) / 2] + t[n / 2]) / 2, ops);
		eb_out_ns(" min=", t[0], ops);
		eb_out_ns(" max=", t[n - 1], ops);
	}
	eb_out(" status=%s\n", status);
}

static void eb_report(const char *suite, enum eb_alloc a, u64 size,
		      unsigned long live, u64 ops, u64 *t, const char *status)
{
	eb_report_name(suite, eb_names[a], size, live, ops, t, status);
}

static bool eb_available(enum eb_alloc a)
{
	return a != EB_GENALLOC || eb_have_genalloc();
}

/* ---- Allocators in turn, repeats of equal length -------------------------------- */

/**
 * struct eb_slot - one allocator's part in a measurement
 * @a: the allocator
 * @c: its engine instance or genalloc pool
 * @h: its handles (scripted workloads)
 * @done: script steps it has run
 * @units: units of work per repeat, from the calibration
 * @t: ns of each timed repeat
 * @status: why it is out (skipped, nomem, timeout), or NULL
 */
struct eb_slot {
	enum eb_alloc a;
	struct eb_ctx c;
	unsigned long *h;
	unsigned int done;
	unsigned int units;
	u64 t[EB_MAX_REPEATS];
	const char *status;
};

/**
 * struct eb_set - the allocators of a measurement, timed in turn
 * @slot: one per allocator
 * @n: how many
 */
struct eb_set {
	struct eb_slot slot[EB_NR_ALLOC];
	unsigned int n;
};

/**
 * struct eb_work - a workload, in units (an alloc+free pair, a batch, a
 * script step)
 * @run: runs @units units for an allocator: 0 and *@ns, or -errno
 * @arg: for @run
 * @first: units of the first calibration run
 * @least: fewest units in a repeat, however long they take (a script's
 *	   repeats must be long enough to be a fair sample of it)
 * @most: most units in a repeat
 * @ops: operations (allocations and frees) per unit
 */
struct eb_work {
	int (*run)(struct eb_slot *sl, const void *arg, unsigned int units,
		   u64 *ns);
	const void *arg;
	unsigned int first, least, most, ops;
};

static struct eb_set *eb_set_create(const enum eb_alloc *list, unsigned int n,
				    u64 capacity)
{
	struct eb_set *set = kzalloc(sizeof(*set), GFP_KERNEL);
	unsigned int i;

	if (!set)
		return NULL;
	set->n = min_t(unsigned int, n, EB_NR_ALLOC);
	for (i = 0; i < set->n; i++) {
		struct eb_slot *sl = &set->slot[i];

		sl->a = list[i];
		if (!eb_available(sl->a))
			sl->status = "skipped";
		else if (eb_ctx_init(sl->a, &sl->c, capacity))
			sl->status = "nomem";
	}
	return set;
}

static void eb_set_destroy(struct eb_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		eb_ctx_exit(set->slot[i].a, &set->slot[i].c);
		kvfree(set->slot[i].h);
	}
	kfree(set);
}

/* Finish what the previous allocator left to do later. */
static void eb_quiesce(void)
{
	rcu_barrier();
	vm_unmap_aliases();
	cond_resched();
}

/*
 * How many units make a repeat of repeat_us: run a few, four times more
 * until a quarter of that is reached, then scale by the fastest of three
 * more runs (a run the host interrupted would make repeats too short).
 * Warms up as it goes.
 */
static int eb_calibrate(struct eb_slot *sl, const struct eb_work *w)
{
	u64 target = (u64)max(repeat_us, 100U) * NSEC_PER_USEC, ns, best;
	unsigned int n = clamp(w->first, 1U, w->most), k;
	int ret;

	for (;;) {
		ret = w->run(sl, w->arg, n, &ns);
		if (ret)
			return ret;
		if (ns >= target / 4 || n >= w->most)
			break;
		n = min(n * 4, w->most);
	}
	for (k = 0, best = ns; k < 3; k++) {
		ret = w->run(sl, w->arg, n, &ns);
		if (ret)
			return ret;
		best = min(best, ns);
	}
	sl->units = clamp_t(u64, div64_u64((u64)n * target, max_t(u64, best, 1)),
			    max(w->least, 1U), w->most);
	return 0;
}

/*
 * Time @w on every allocator of @set: calibrate each, then repeats turns
 * (quiesce, warm up, time) with repeat r of each before repeat r + 1 of
 * any. An allocator that fails drops out with @fail_status. Then one line
 * each.
 */
static void eb_rounds(struct eb_set *set, const struct eb_work *w,
		      const char *suite, u64 size, unsigned long live,
		      const char *fail_status)
{
	const char *status[EB_NR_ALLOC];
	unsigned int r, i;
	u64 ns;

	for (i = 0; i < set->n; i++) {
		status[i] = set->slot[i].status;
		if (!status[i]) {
			eb_quiesce();
			if (eb_calibrate(&set->slot[i], w))
				status[i] = fail_status;
		}
	}
	for (r = 0; r < repeats; r++) {
		for (i = 0; i < set->n; i++) {
			struct eb_slot *sl = &set->slot[i];

			if (status[i])
				continue;
			eb_quiesce();
			if (w->run(sl, w->arg, sl->units, &ns) ||
			    w->run(sl, w->arg, sl->units, &ns))
				status[i] = fail_status;
			else
				sl->t[r] = ns;
		}
	}
	for (i = 0; i < set->n; i++) {
		struct eb_slot *sl = &set->slot[i];

		eb_report(suite, sl->a, size, live, (u64)sl->units * w->ops,
			  status[i] ? NULL : sl->t, status[i] ? status[i] : "ok");
	}
}

/* ---- pair, batch, large ------------------------------------------------------ */

/**
 * struct eb_fixed - one size of pair, batch or large
 * @size: bytes
 * @n: objects per batch
 * @h: room for @n handles (batch)
 */
struct eb_fixed {
	size_t size;
	unsigned int n;
	unsigned long *h;
};

static int eb_pair_run(struct eb_slot *sl, const void *arg,
		       unsigned int units, u64 *ns)
{
	const struct eb_fixed *f = arg;

	return eb_pair(sl->a, &sl->c, f->size, units, ns);
}

static int eb_batch_run(struct eb_slot *sl, const void *arg,
			unsigned int units, u64 *ns)
{
	const struct eb_fixed *f = arg;

	return eb_batch(sl->a, &sl->c, f->size, f->n, units, f->h, ns);
}

/*
 * Alloc+free pairs of each of @nr_sizes sizes, on the allocators of @list
 * (an arena of @capacity bytes), @most pairs a repeat at the most.
 */
static void eb_suite_pairs(const char *suite, const enum eb_alloc *list,
			   unsigned int nr, u64 capacity,
			   const unsigned long *sizes, unsigned int nr_sizes,
			   unsigned int first, unsigned int most)
{
	struct eb_fixed f = {};
	struct eb_work w = {
		.run = eb_pair_run, .arg = &f, .first = first,
		.most = max(most, 1U), .ops = 2,
	};
	struct eb_set *set;
	unsigned int s;

	set = eb_set_create(list, nr, capacity);
	if (!set) {
		eb_out("suite=%s status=nomem\n", suite);
		return;
	}
	for (s = 0; s < nr_sizes; s++) {
		f.size = sizes[s];
		eb_rounds(set, &w, suite, f.size, 0, "nomem");
	}
	eb_set_destroy(set);
}

static void eb_suite_pair(void)
{
	unsigned long sizes[EA_NR_CLASSES];
	unsigned int cls;

	for (cls = 0; cls < EA_NR_CLASSES; cls++)
		sizes[cls] = ea_class_size(cls);
	eb_suite_pairs("pair", eb_pair_list, ARRAY_SIZE(eb_pair_list),
		       2 * EA_SMALL_MAX + SZ_1M, sizes, EA_NR_CLASSES, 16,
		       pair_ops);
}

static void eb_suite_large(void)
{
	eb_suite_pairs("large", eb_large, ARRAY_SIZE(eb_large),
		       2 * SZ_4M + SZ_1M, eb_large_sizes, EB_LARGE_SIZES, 1,
		       large_ops);
}

static void eb_suite_batch(void)
{
	unsigned int cls, most = max(batch_max, 1U);
	struct eb_fixed f = {};
	struct eb_work w = {
		.run = eb_batch_run, .arg = &f, .first = 1, .most = 256,
	};
	struct eb_set *set;

	f.h = kvmalloc_array(most, sizeof(*f.h), GFP_KERNEL);
	set = f.h ? eb_set_create(eb_small, ARRAY_SIZE(eb_small),
				  2 * batch_bytes + 4 * EA_SMALL_MAX) : NULL;
	if (!set) {
		kvfree(f.h);
		eb_out("suite=batch status=nomem\n");
		return;
	}
	for (cls = 0; cls < EA_NR_CLASSES; cls++) {
		f.size = ea_class_size(cls);
		f.n = clamp_t(unsigned long, batch_bytes / f.size, 1, most);
		w.ops = 2 * f.n;
		eb_rounds(set, &w, "batch", f.size, f.n, "nomem");
	}
	eb_set_destroy(set);
	kvfree(f.h);
}

/* ---- Scripted workloads: mixed and scale ------------------------------------ */

/* splitmix64: small, good enough, the same on every kernel. */
static u64 eb_rand(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform number below @n. */
static u32 eb_below(u64 *state, u32 n)
{
	return ((eb_rand(state) >> 32) * n) >> 32;
}

/* 8 B to @limit, each power-of-two range [2^k, 2^(k+1)) equally likely. */
static u32 eb_mixed_size(u64 *state, u32 limit)
{
	u32 ranges = max(ilog2(limit), EA_MIN_SHIFT + 1) - EA_MIN_SHIFT;
	u32 base = BIT(EA_MIN_SHIFT + eb_below(state, ranges));

	return min(base + eb_below(state, base), limit);
}

/**
 * struct eb_gen - state of the script generator
 * @s: the script being written
 * @live: slots live now, densely
 * @free: slots free now, a stack
 * @size: what each slot holds
 * @nr_live: entries in @live
 * @nr_free: entries in @free
 * @n: steps written
 * @bytes: requested bytes live now
 * @cls_bytes: class-rounded bytes live now
 * @rng: generator state
 */
struct eb_gen {
	struct eb_script *s;
	u32 *live, *free, *size;
	u32 nr_live, nr_free, n;
	u64 bytes, cls_bytes;
	u64 rng;
};

static void eb_gen_alloc_step(struct eb_gen *g, u32 size)
{
	u32 slot = g->nr_free ? g->free[--g->nr_free] : g->s->nr_slots++;

	g->s->steps[g->n++] = (struct eb_step){ .slot = slot, .size = size };
	g->size[slot] = size;
	g->live[g->nr_live++] = slot;
	g->bytes += size;
	g->cls_bytes += size > EA_SMALL_MAX ? PAGE_ALIGN(size) :
			ea_class_size(ea_class_of(size));
	g->s->peak_bytes = max(g->s->peak_bytes, g->cls_bytes);
}

static void eb_gen_free_step(struct eb_gen *g)
{
	u32 i = eb_below(&g->rng, g->nr_live), slot = g->live[i];
	u32 size = g->size[slot];

	g->s->steps[g->n++] = (struct eb_step){ .slot = slot,
						.size = size | EB_FREE };
	g->live[i] = g->live[--g->nr_live];
	g->free[g->nr_free++] = slot;
	g->bytes -= size;
	g->cls_bytes -= size > EA_SMALL_MAX ? PAGE_ALIGN(size) :
			ea_class_size(ea_class_of(size));
}

static void eb_script_free(struct eb_script *s)
{
	kvfree(s->steps);
	s->steps = NULL;
}

/* One step of churn (see eb_script_make()); @i counts the churn steps. */
static void eb_gen_churn_step(struct eb_gen *g, unsigned long i, u64 fill_bytes,
			      u32 fixed, u32 max_size)
{
	bool coin;

	if (fixed) {
		if (i & 1 || !g->nr_live)
			eb_gen_alloc_step(g, fixed);
		else
			eb_gen_free_step(g);
		return;
	}
	coin = eb_below(&g->rng, 100) < (g->bytes < fill_bytes ? 60 : 40);
	if (coin || !g->nr_live)
		eb_gen_alloc_step(g, eb_mixed_size(&g->rng, max_size));
	else
		eb_gen_free_step(g);
}

/*
 * Write a script: fill until @fill_bytes are live (mixed) or @fill_count
 * objects (scale); age the population with untimed churn (four times the
 * live count, at most 64 K steps), so that every allocator is measured in
 * a steady state however far into the script its repeats take it; then
 * enough churn for every allocator to calibrate and run its 2 * @repeats
 * runs (warm-ups included) of at most @most steps. Mixed churn allocates
 * with probability 60% below the fill and 40% above it; scale churn frees
 * a random object and allocates one of @fixed bytes, in turn.
 */
static int eb_script_make(struct eb_script *s, u64 fill_bytes,
			  unsigned long fill_count, u32 fixed, u32 max_size,
			  unsigned int most)
{
	struct eb_gen g = { .s = s, .rng = seed };
	unsigned long max_steps, churn, age, i;

	memset(s, 0, sizeof(*s));
	churn = (unsigned long)most * (2 * repeats + 3);
	/* A mixed fill takes at most fill_bytes / 8 steps. */
	max_steps = fixed ? fill_count : div_u64(fill_bytes, 8) + 1;
	max_steps += min(4 * max_steps, (unsigned long)SZ_64K) + churn;
	if (max_steps > U32_MAX / 2)
		return -E2BIG;
	s->steps = kvmalloc_array(max_steps, sizeof(*s->steps), GFP_KERNEL);
	g.live = kvmalloc_array(max_steps, sizeof(u32), GFP_KERNEL);
	g.free = kvmalloc_array(max_steps, sizeof(u32), GFP_KERNEL);
	g.size = kvmalloc_array(max_steps, sizeof(u32), GFP_KERNEL);
	if (!s->steps || !g.live || !g.free || !g.size) {
		eb_script_free(s);
		goto out;
	}

	if (fixed) {
		for (i = 0; i < fill_count; i++)
			eb_gen_alloc_step(&g, fixed);
	} else {
		while (g.bytes < fill_bytes)
			eb_gen_alloc_step(&g, eb_mixed_size(&g.rng, max_size));
	}
	s->live = g.nr_live;
	age = min(4UL * g.nr_live, (unsigned long)SZ_64K) & ~1UL;
	for (i = 0; i < age + churn; i++) {
		if (i == age)
			s->nr_fill = g.n;
		eb_gen_churn_step(&g, i, fill_bytes, fixed, max_size);
	}
	s->nr_steps = g.n;
out:
	kvfree(g.live);
	kvfree(g.free);
	kvfree(g.size);
	return s->steps ? 0 : -ENOMEM;
}

/* Untimed, in pieces, the fill; sl->done is where it stopped. */
static int eb_script_fill(struct eb_slot *sl, const struct eb_script *s)
{
	u64 deadline = ktime_get_ns() + (u64)budget_ms * NSEC_PER_MSEC;
	unsigned int from;
	u64 ns;
	int ret;

	for (from = 0; from < s->nr_fill; from = sl->done) {
		ret = eb_script(sl->a, &sl->c, s->steps, from,
				min(from + 1024, s->nr_fill), sl->h, &sl->done, &ns);
		if (ret)
			return ret;
		if (ktime_get_ns() > deadline)
			return -ETIME;
		cond_resched();
	}
	return 0;
}

/*
 * Free what steps [0, sl->done) left live. What a slot holds is what the
 * last step on it allocated, so walk back from there.
 */
static void eb_script_drain(struct eb_slot *sl, const struct eb_script *s)
{
	const struct eb_step *st;
	unsigned int i;

	/* The engine's instance goes, with all in it, in eb_ctx_exit(). */
	if (!sl->h || sl->a == EB_EA || sl->a == EB_EA_DEBUG)
		return;
	for (i = sl->done; i-- > 0;) {
		st = &s->steps[i];
		if (!(st->size & EB_FREE) && sl->h[st->slot]) {
			eb_do_free(sl->a, &sl->c, sl->h[st->slot], st->size);
			sl->h[st->slot] = 0;
		}
		if (!(i & 1023))
			cond_resched();
	}
}

/* The next @units steps of the script, from where this allocator is. */
static int eb_script_run(struct eb_slot *sl, const void *arg,
			 unsigned int units, u64 *ns)
{
	const struct eb_script *s = arg;

	if (units > s->nr_steps - sl->done)
		return -ENOSPC;
	return eb_script(sl->a, &sl->c, s->steps, sl->done, sl->done + units,
			 sl->h, &sl->done, ns);
}

/* Every allocator of @list filled up, then its repeats, in turn. */
static void eb_measure_script(const char *suite, const enum eb_alloc *list,
			      unsigned int n, const struct eb_script *s,
			      unsigned int most, u64 size, u64 capacity)
{
	struct eb_set *set = eb_set_create(list, n, capacity);
	struct eb_work w = {
		.run = eb_script_run, .arg = s, .first = 64,
		.least = min(most, 256U), .most = most, .ops = 1,
	};
	unsigned int i;
	int ret;

	if (!set) {
		eb_out("suite=%s status=nomem\n", suite);
		return;
	}
	for (i = 0; i < set->n; i++) {
		struct eb_slot *sl = &set->slot[i];

		if (sl->status)
			continue;
		sl->h = kvcalloc(s->nr_slots, sizeof(*sl->h), GFP_KERNEL);
		ret = sl->h ? eb_script_fill(sl, s) : -ENOMEM;
		if (ret)
			sl->status = ret == -ETIME ? "timeout" : "nomem";
	}
	eb_rounds(set, &w, suite, size, s->live, "nomem");
	for (i = 0; i < set->n; i++)
		eb_script_drain(&set->slot[i], s);
	eb_set_destroy(set);
}

static void eb_suite_mixed(void)
{
	u64 fill = div_u64((u64)mixed_capacity * min(mixed_fill_pct, 100U), 100);
	unsigned int most = max(mixed_ops, 16U);
	struct eb_script s;

	if (eb_script_make(&s, fill, 0, 0, clamp(mixed_max_size, 16U, SZ_1M),
			   most)) {
		eb_out("suite=mixed status=nomem\n");
		return;
	}
	eb_measure_script("mixed", eb_small, ARRAY_SIZE(eb_small), &s, most, 0,
			  mixed_capacity);
	eb_script_free(&s);
}

static void eb_suite_scale(void)
{
	static const unsigned long scales[] = { SZ_1K, SZ_64K, SZ_1M };
	u32 size = clamp(scale_size, 1U, (u32)EA_SMALL_MAX);
	unsigned int i, k, n, most = max(scale_ops, 16U);
	enum eb_alloc list[ARRAY_SIZE(eb_small)];
	struct eb_script s;

	for (k = 0; k < ARRAY_SIZE(scales) && scales[k] <= scale_max; k++) {
		if (eb_script_make(&s, 0, scales[k], size, size, most)) {
			eb_out("suite=scale live=%lu status=nomem\n", scales[k]);
			continue;
		}
		for (i = 0, n = 0; i < ARRAY_SIZE(eb_small); i++) {
			if (eb_small[i] != EB_GENALLOC || scales[k] <= genalloc_max_live)
				list[n++] = eb_small[i];
		}
		/* Room for the peak, and for partly used slabs. */
		eb_measure_script("scale", list, n, &s, most, size,
				  s.peak_bytes + s.peak_bytes / 4 + SZ_1M);
		if (n < ARRAY_SIZE(eb_small))
			eb_report("scale", EB_GENALLOC, size, scales[k], 0, NULL,
				  "skipped");
		eb_script_free(&s);
	}
}

/* ---- parts: what the engine's operations are made of ------------------------- */

/*
 * The building blocks of an engine operation, timed alone, so that the
 * engine's figures can be explained: each operation takes the instance
 * spinlock (a mutex in the first edition), and reads the clock twice only
 * when its instance keeps timing statistics. The first edition kept every
 * live ID in an xarray (an allocation stored its ID in a slot reserved
 * ahead and reserved the next one's, a free erased it); the xarray cycles
 * stay, to show what the two-level ID map saved: with nothing else in the
 * xarray, each erase frees the node (through RCU) and the next reserve
 * allocates it again.
 */
#define EB_PARTS(X)							\
	/* ktime_get_ns() */						\
	X(EB_PART_CLOCK, "ktime_get_ns")				\
	/* mutex_lock() + mutex_unlock() */				\
	X(EB_PART_MUTEX, "mutex_lock+unlock")				\
	/* spin_lock() + spin_unlock(): the engine's */			\
	X(EB_PART_SPIN, "spin_lock+unlock")				\
	/* cmpxchg() of a u64: a per-CPU free's claim of its ID */	\
	X(EB_PART_CMPXCHG, "cmpxchg")					\
	/* local_lock() + local_unlock(): a per-CPU operation's section */ \
	X(EB_PART_LOCAL, "local_lock+unlock")				\
	/* xa_reserve() + xa_store() + xa_erase(), nothing else in it */	\
	X(EB_PART_XA_EMPTY, "xarray_id_cycle")				\
	/* the same, the freed ID 1024 below: 1 K live */		\
	X(EB_PART_XA_LIVE, "xarray_id_cycle_1k_live")			\
	/* xa_store() + xa_reserve(next) + xa_erase(): the engine's */	\
	X(EB_PART_XA_AHEAD, "xarray_id_cycle_ahead")

#define EB_PART_ENUM(e, name)	e,
#define EB_PART_NAME(e, name)	name,

enum eb_part {
	EB_PARTS(EB_PART_ENUM)
	EB_NR_PARTS
};

static const char * const eb_part_names[EB_NR_PARTS] = {
	EB_PARTS(EB_PART_NAME)
};

/* Of nothing, as the parts' mutex and spinlock: its cost is what is timed. */
static DEFINE_PER_CPU(local_lock_t, eb_local) = INIT_LOCAL_LOCK(eb_local);

/* @n of part @p, each a new ID from *@next; 0 and *@ns, or -errno. */
static noinline int eb_part_loop(enum eb_part p, struct xarray *xa,
				 struct mutex *lock, unsigned long *next,
				 unsigned int n, u64 *ns)
{
	static DEFINE_SPINLOCK(spin);	/* of nothing, as @lock */
	static u64 word;		/* what the claims change */
	u64 old;
	u64 t0 = ktime_get_ns(), sink = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		switch (p) {
		case EB_PART_CLOCK:
			sink += ktime_get_ns();
			break;
		case EB_PART_MUTEX:
			mutex_lock(lock);
			mutex_unlock(lock);
			break;
		case EB_PART_SPIN:
			spin_lock(&spin);
			spin_unlock(&spin);
			break;
		case EB_PART_CMPXCHG:
			old = READ_ONCE(word);
			sink += cmpxchg(&word, old, old + 1) != old;
			break;
		case EB_PART_LOCAL:
			local_lock(&eb_local);
			local_unlock(&eb_local);
			break;
		case EB_PART_XA_AHEAD:
			/* *next's slot was reserved by the previous round. */
			xa_store(xa, *next, xa_mk_value(*next), GFP_KERNEL_ACCOUNT);
			if (xa_reserve(xa, *next + 1, GFP_KERNEL_ACCOUNT))
				return -ENOMEM;
			xa_erase(xa, *next);
			++*next;
			break;
		default:
			if (xa_reserve(xa, *next, GFP_KERNEL_ACCOUNT))
				return -ENOMEM;
			xa_store(xa, *next, xa_mk_value(*next), GFP_KERNEL_ACCOUNT);
			xa_erase(xa, p == EB_PART_XA_LIVE ? *next - SZ_1K : *next);
			++*next;
			break;
		}
	}
	*ns = ktime_get_ns() - t0;
	return sink == 1 ? -EINVAL : 0;	/* keeps the clock reads */
}

static void eb_suite_parts(void)
{
	u64 t[EB_MAX_REPEATS], ns, best, target = (u64)max(repeat_us, 100U) * NSEC_PER_USEC;
	unsigned int p, r, n;
	unsigned long next, i;
	struct mutex lock;	/* of nothing: its cost is what is timed */
	struct xarray xa;
	int ret;

	mutex_init(&lock);
	for (p = 0; p < EB_NR_PARTS; p++) {
		xa_init(&xa);
		next = 1;
		ret = 0;
		if (p == EB_PART_XA_LIVE) {
			for (i = 0; i < SZ_1K && !ret; i++)
				ret = xa_err(xa_store(&xa, next++, xa_mk_value(i),
						      GFP_KERNEL));
		}
		if (p == EB_PART_XA_AHEAD)
			ret = xa_reserve(&xa, next, GFP_KERNEL);
		/* Calibrate, as eb_calibrate() does. */
		for (n = 16; !ret; n *= 4) {
			ret = eb_part_loop(p, &xa, &lock, &next, n, &ns);
			if (ns >= target / 4 || n >= SZ_1M)
				break;
		}
		for (r = 0, best = ns; r < 3 && !ret; r++) {
			ret = eb_part_loop(p, &xa, &lock, &next, n, &ns);
			best = min(best, ns);
		}
		n = clamp_t(u64, div64_u64((u64)n * target, max_t(u64, best, 1)), 1, SZ_4M);
		for (r = 0; r < repeats && !ret; r++) {
			eb_quiesce();
			ret = eb_part_loop(p, &xa, &lock, &next, n, &ns) ?:
			      eb_part_loop(p, &xa, &lock, &next, n, &ns);
			t[r] = ns;
		}
		eb_report_name("parts", eb_part_names[p], 0,
			       p == EB_PART_XA_LIVE ? SZ_1K : 0, n, ret ? NULL : t,
			       ret ? "nomem" : "ok");
		xa_destroy(&xa);
	}
	mutex_destroy(&lock);
}

/* ---- threads: the pair on every CPU at once ------------------------------------ */

#define EB_THREADS_SIZE	64

static const enum eb_alloc eb_threads_list[] = { EB_EA, EB_EA_PERCPU, EB_KZALLOC };

/* One kthread of the threads suite, bound to a CPU. */
struct eb_thr {
	enum eb_alloc a;
	struct eb_ctx *c;
	unsigned int n;			/* pairs to run */
	struct completion *go;		/* all start together */
	struct completion done;
	int ret;
};

static int eb_thr_fn(void *arg)
{
	struct eb_thr *t = arg;
	u64 ns;

	wait_for_completion(t->go);
	t->ret = eb_pair(t->a, t->c, EB_THREADS_SIZE, t->n, &ns);
	complete(&t->done);
	/* Wait for kthread_stop(): the suite owns @t until then. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * One repeat: @n pairs on each online CPU at once, on one instance (@c);
 * the wall time from the start to the last thread's end in *@ns.
 */
static int eb_threads_once(enum eb_alloc a, struct eb_ctx *c, unsigned int n,
			   struct eb_thr *thr, struct task_struct **tasks,
			   u64 *ns)
{
	struct completion go;
	unsigned int cpu, i = 0, nr;
	int ret = 0;
	u64 t0;

	init_completion(&go);
	for_each_online_cpu(cpu) {
		thr[i] = (struct eb_thr) { .a = a, .c = c, .n = n, .go = &go };
		init_completion(&thr[i].done);
		tasks[i] = kthread_create(eb_thr_fn, &thr[i], "eb_thr/%u", cpu);
		if (IS_ERR(tasks[i])) {
			ret = PTR_ERR(tasks[i]);
			break;
		}
		kthread_bind(tasks[i], cpu);
		wake_up_process(tasks[i]);
		i++;
	}
	nr = i;
	t0 = ktime_get_ns();
	complete_all(&go);
	for (i = 0; i < nr; i++)
		wait_for_completion(&thr[i].done);
	*ns = ktime_get_ns() - t0;
	for (i = 0; i < nr; i++) {
		kthread_stop(tasks[i]);
		ret = ret ?: thr[i].ret;
	}
	return ret;
}

static void eb_suite_threads(void)
{
	unsigned int nr = num_online_cpus(), r, k, n = max(pair_ops / 4, 16U);
	/* The times on the heap: the stack frame stays under 2 KiB (KASAN). */
	u64 (*t)[EB_MAX_REPEATS];
	struct eb_ctx c[ARRAY_SIZE(eb_threads_list)];
	int ret[ARRAY_SIZE(eb_threads_list)] = {};
	struct task_struct **tasks;
	struct eb_thr *thr;

	t = kcalloc(ARRAY_SIZE(eb_threads_list), sizeof(*t), GFP_KERNEL);
	thr = kcalloc(nr_cpu_ids, sizeof(*thr), GFP_KERNEL);
	tasks = kcalloc(nr_cpu_ids, sizeof(*tasks), GFP_KERNEL);
	if (!t || !thr || !tasks) {
		eb_out("suite=threads status=nomem\n");
		goto out;
	}
	for (k = 0; k < ARRAY_SIZE(eb_threads_list); k++)
		ret[k] = eb_ctx_init(eb_threads_list[k], &c[k], SZ_1M);
	/* Turns, as eb_rounds() takes them; a first untimed round warms up. */
	for (r = 0; r <= repeats; r++) {
		for (k = 0; k < ARRAY_SIZE(eb_threads_list); k++) {
			u64 ns = 0;

			if (ret[k])
				continue;
			eb_quiesce();
			ret[k] = eb_threads_once(eb_threads_list[k], &c[k], n, thr,
						 tasks, &ns);
			if (r)
				t[k][r - 1] = ns;
		}
	}
	for (k = 0; k < ARRAY_SIZE(eb_threads_list); k++) {
		eb_report("threads", eb_threads_list[k], EB_THREADS_SIZE, 0,
			  2ULL * n * nr, ret[k] ? NULL : t[k],
			  ret[k] ? "nomem" : "ok");
		eb_ctx_exit(eb_threads_list[k], &c[k]);
	}
out:
	kfree(tasks);
	kfree(thr);
	kfree(t);
}

/* ---- Running ------------------------------------------------------------------ */

static void eb_caches_destroy(void)
{
	unsigned int i;

	for (i = 0; i < EA_NR_CLASSES; i++) {
		kmem_cache_destroy(eb_caches[i]);
		eb_caches[i] = NULL;
	}
}

/* One kmem_cache per class size, as a driver with fixed objects makes. */
static int eb_caches_create(void)
{
	unsigned int i;

	for (i = 0; i < EA_NR_CLASSES; i++) {
		snprintf(eb_cache_names[i], sizeof(eb_cache_names[i]),
			 "edualloc_bench_%llu", ea_class_size(i));
		eb_caches[i] = kmem_cache_create(eb_cache_names[i],
						 ea_class_size(i), 0, 0, NULL);
		if (!eb_caches[i]) {
			eb_caches_destroy();
			return -ENOMEM;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	void (*fn)(void);
} eb_suites[] = {
	{ "pair", eb_suite_pair },
	{ "batch", eb_suite_batch },
	{ "large", eb_suite_large },
	{ "mixed", eb_suite_mixed },
	{ "scale", eb_suite_scale },
	{ "parts", eb_suite_parts },
	{ "threads", eb_suite_threads },
};

/* Run the suites named in @cmd (space-separated, or "all"). */
static int eb_run(char *cmd)
{
	bool want[ARRAY_SIZE(eb_suites)] = {};
	unsigned int i;
	char *word;
	u64 t0;

	while ((word = strsep(&cmd, " \t\n"))) {
		bool all = !strcmp(word, "all"), known = all;

		if (!*word)
			continue;
		for (i = 0; i < ARRAY_SIZE(eb_suites); i++) {
			if (all || !strcmp(word, eb_suites[i].name)) {
				want[i] = true;
				known = true;
			}
		}
		if (!known)
			return -EINVAL;
	}
	repeats = clamp(repeats, 1U, (unsigned int)EB_MAX_REPEATS);
	if (eb_caches_create())
		return -ENOMEM;
	eb_len = 0;
	eb_buf[0] = '\0';
	eb_out("suite=info repeats=%u repeat_us=%u seed=%lu page_size=%lu hz=%u",
	       repeats, repeat_us, seed, PAGE_SIZE, HZ);
	eb_out(" genalloc=%d genalloc_order=%d\n", eb_have_genalloc(),
	       genalloc_order);
	for (i = 0; i < ARRAY_SIZE(eb_suites); i++) {
		if (!want[i])
			continue;
		t0 = ktime_get_ns();
		pr_info("%s: start\n", eb_suites[i].name);
		eb_suites[i].fn();
		pr_info("%s: done in %llu ms\n", eb_suites[i].name,
			div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	}
	eb_caches_destroy();
	return 0;
}

static ssize_t eb_run_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char *cmd;
	int ret;

	if (len > 128)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, len);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	mutex_lock(&eb_lock);
	ret = eb_run(cmd);
	mutex_unlock(&eb_lock);
	kfree(cmd);
	return ret ? ret : len;
}

static ssize_t eb_results_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&eb_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, eb_buf, eb_len);
	mutex_unlock(&eb_lock);
	return ret;
}

static const struct file_operations eb_run_fops = {
	.owner = THIS_MODULE,
	.write = eb_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations eb_results_fops = {
	.owner = THIS_MODULE,
	.read = eb_results_read,
	.llseek = default_llseek,
};

static int __init eb_init(void)
{
	eb_buf = kvzalloc(EB_RESULTS_SIZE, GFP_KERNEL);
	if (!eb_buf)
		return -ENOMEM;
	eb_dir = debugfs_create_dir("edualloc_bench", NULL);
	debugfs_create_file("run", 0200, eb_dir, NULL, &eb_run_fops);
	debugfs_create_file("results", 0400, eb_dir, NULL, &eb_results_fops);
	return 0;
}

static void __exit eb_exit(void)
{
	debugfs_remove_recursive(eb_dir);
	kvfree(eb_buf);
}

module_init(eb_init);
module_exit(eb_exit);
MODULE_DESCRIPTION("edualloc: in-kernel microbenchmarks of the engine beside kmalloc, kmem_cache, genalloc and vmalloc");
MODULE_AUTHOR("The edualloc authors");
MODULE_LICENSE("GPL");
