// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc engine: a small memory allocator, written to be read.
 *
 * An instance manages an *arena*: one vmalloc'ed region that userspace
 * may map, cut up by three cooperating allocators. This is the same
 * layering the kernel itself uses (the page allocator at the bottom, SLUB
 * size classes on top, vmalloc for what is too big), shrunk until it fits
 * in one file.
 *
 * Size classes
 * ------------
 * A request of n bytes (1 <= n <= 256 KiB) is rounded up to the next power
 * of two, from 8 B to 256 KiB: sixteen classes, as kmalloc's kmalloc-8 ...
 * caches. Rounding makes all the objects of a class interchangeable, so a
 * freed slot can serve the next request of its class at once, with no
 * search and no splitting: allocation and free are O(1). The price is
 * internal fragmentation: a request of 2^k + 1 bytes takes a 2^(k+1) slot
 * and wastes almost half of it. The statistics show that price per class
 * (struct ea_class_stats.waste), next to the external fragmentation that
 * a size-class allocator mostly avoids.
 *
 * Slabs
 * -----
 * A class smaller than a page takes one page (a *slab*) and cuts it into
 * equal slots, PAGE_SIZE / class size of them. Slots are aligned to their
 * size because the page is. Each slab keeps a LIFO free list of its slots,
 * linked by slot index: the slot freed last is the one handed out next (its
 * cache lines are warm, and a student can predict where the next
 * allocation lands). A class keeps its partly used slabs on a list and
 * allocates from the first one; full slabs sit on no list and join it again
 * when a slot is freed. A slab that becomes empty goes back to the page
 * allocator, except one spare per class, kept so that a program that frees
 * and allocates one object in a loop does not make the page go back and
 * forth (SLUB keeps min_partial slabs for the same reason).
 *
 * Buddy allocator
 * ---------------
 * Pages for slabs, and blocks for the classes of a page or more, come from
 * a binary buddy allocator as in mm/page_alloc.c: a free block holds 2^order
 * pages (order 0..EA_MAX_ORDER) and is aligned to its own size, so the
 * *buddy* of the block at page p is at p ^ (1 << order), one bit flip away.
 * Allocation takes the smallest free block that is big enough and splits
 * it in halves until it has the order asked for, putting each upper half on
 * the free list of its order. Freeing merges a block with its buddy for as
 * long as the buddy is free and whole, which undoes the splits: external
 * fragmentation forms and heals in front of the student. An arena that is
 * not a multiple of the largest block is seeded with the largest aligned
 * blocks that fit; a block whose buddy would lie past the end never merges.
 *
 * Large allocations
 * -----------------
 * A request over 256 KiB gets a vmalloc'ed area of its own, page-rounded
 * (as kmalloc passes big requests to the page allocator, and malloc to mmap),
 * counted against the instance's capacity. Its offset is
 * EA_LARGE_BASE + (id << EA_LARGE_SHIFT), so that userspace can map it by
 * itself. The capacity is a budget: arena pages in use plus large areas
 * never exceed it.
 *
 * Out-of-band metadata
 * --------------------
 * Userspace can map the arena and write anything into it, so nothing the
 * engine relies on lives there: a classic malloc's in-band headers and
 * free-list pointers would let one stray write corrupt the allocator. The
 * page descriptors (the engine's struct page), the slabs' slot arrays with
 * the index-linked free lists, sizes, owners and IDs, and the xarray that
 * maps an ID to its allocation are all kernel memory. The arena holds only
 * user data and the debug fill patterns, and the worst a wild write can do
 * is trip a detector.
 *
 * IDs, determinism, failure atomicity
 * -----------------------------------
 * IDs are positive ints handed out by a counter, never reused within an
 * instance's life: an ID below the counter that the xarray no longer holds
 * was freed, one at or above it was never issued. Nothing is random, so the
 * same operations on a new or reset instance give the same IDs and offsets.
 * A call that fails changes nothing but the failure counters
 * (failed_allocs, errors[], a class's failures): each operation first
 * checks that it can succeed and allocates every piece of kernel memory it
 * needs (including the ID's xarray slot, with xa_reserve()), and only then
 * commits, with steps that cannot fail. Each allocation also reserves the
 * next ID's slot ahead, so that an alloc+free loop does not empty and free
 * an xarray node every time (see ea_reserve_ahead()).
 *
 * A success can be taken back, too: the device cannot tell userspace about
 * an allocation whose result it fails to copy out, and must then leave the
 * instance as if the call had never happened. ea_alloc_begin() and
 * ea_realloc_begin() record in a struct ea_txn what the allocation changed
 * beyond the obvious (the peaks, the slot's previous occupant, a slab made
 * for it); ea_abort() undoes it all, uncounted, and ea_commit() finishes a
 * reallocation by freeing its old half, which stays live until then.
 *
 * Debug checks
 * ------------
 * New allocations are zeroed. With the debug checks on, the slack between
 * the requested size and the class size is a red zone (EA_RED_ZONE), checked
 * when the allocation is freed, and free memory (free slots and free buddy
 * pages) holds EA_POISON_FREE, checked when it is handed out again. A damaged
 * pattern is reported (ID, offset and value of the first bad byte), counted
 * and repaired; double and invalid frees are refused, reported and counted.
 * Nothing is ever followed out of the arena, so none of this can crash.
 *
 * Locking
 * -------
 * One mutex per instance, taken by every public function (see struct
 * ea_instance). A mutex, not a spinlock, because the engine sleeps while
 * holding it: vmalloc() and GFP_KERNEL allocations. The notify callback
 * runs under it, and the mmap path calls ea_with_area() with mmap_lock held,
 * so the order is mmap_lock, then the instance lock, then whatever notify
 * takes. The engine never touches user memory under the lock (ea_read() and
 * ea_write() copy kernel buffers), so it never takes mmap_lock inside it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "ea_engine.h"

#define EA_SLOT_END	U16_MAX		/* ends a slab's free list */
#define EA_NO_CLASS	(EA_CLASS_LARGE + 1)
#define EA_LARGE_MAX	BIT_ULL(EA_LARGE_SHIFT)

/* What the out-of-band types below can hold, whatever the page size. */
static_assert(PAGE_SIZE >> EA_MIN_SHIFT < EA_SLOT_END);	/* slot indexes */
static_assert(PAGE_SIZE / 2 <= U16_MAX);		/* slot sizes */
static_assert(EA_MAX_SHIFT >= PAGE_SHIFT);		/* block classes */
static_assert(EA_MAX_SHIFT - PAGE_SHIFT <= EA_MAX_ORDER);

/*
 * A slot of a slab, out of band. A slot is free when its size is 0; a free
 * slot keeps the ID of its last occupant, so that a write after free can be
 * blamed on it.
 */
struct ea_slot {
	int id;			/* live: its ID; free: the last one's, 0 if none */
	u32 owner;		/* live: the caller's tag */
	u16 size;		/* live: requested bytes (>= 1); free: 0 */
	u16 next;		/* free: next free slot, or EA_SLOT_END */
};

/* A page cut into the slots of one class. */
struct ea_slab {
	struct list_head node;	/* on its class's partial list, or empty */
	unsigned int page;	/* arena page index */
	unsigned int cls;
	u16 nr_slots;
	u16 inuse;		/* live slots */
	u16 free;		/* first free slot (LIFO), or EA_SLOT_END */
	struct ea_slot slots[];
};

/*
 * One per arena page, as struct page is for the kernel. The kind says which
 * allocator owns the page; the union holds that allocator's data.
 */
struct ea_page {
	struct list_head buddy;	/* free block head: on free_area[order] */
	u8 kind;		/* enum ea_page_kind */
	u8 order;		/* free block head, block head: its order */
	u8 cls;			/* slab, block: the class */
	u8 head;		/* first page of a free block, block or slab */
	int last_id;		/* last ID whose memory this was, 0 if none */
	union {
		struct ea_slab *slab;		/* EA_PAGE_SLAB */
		struct {			/* EA_PAGE_BLOCK (the head page) */
			int id;
			u32 owner;
			u32 size;
		} blk;
		unsigned int head_page;		/* EA_PAGE_BLOCK_TAIL */
	};
};

/* A large allocation: a vmalloc'ed area of its own. */
struct ea_large {
	int id;
	u32 owner;
	u64 size;		/* requested bytes */
	u64 area_size;		/* page-rounded */
	void *area;
};

struct ea_class {
	struct list_head partial;	/* slabs with free and used slots */
	struct ea_slab *spare;		/* one empty slab kept, or NULL */
};

struct ea_instance {
	/*
	 * @lock serialises all public functions of the instance. It protects
	 * every field below it, the arena's fill patterns, and the contents
	 * of the slabs, large records and areas it reaches. It is a mutex
	 * because the engine sleeps with it held (vmalloc(), GFP_KERNEL).
	 * Lock order: mmap_lock, then @lock, then what @notify takes.
	 */
	struct mutex lock;

	/* Fixed at creation. */
	void *arena;
	u64 arena_size;			/* page-rounded capacity */
	unsigned int nr_pages;
	u32 first_id;
	u32 bitset_bits;
	bool quiet;
	void (*notify)(void *priv, const struct ea_event *ev);
	void *priv;

	/* Protected by @lock. */
	bool debug;
	enum ea_op op;			/* operation in progress, for events */
	unsigned int fail_nth;		/* see ea_fail_nth() */
	u32 next_id;
	u32 reserved_id;		/* its xarray slot reserved ahead; 0: none */
	u64 epoch;			/* resets so far: names a pending ea_txn's world */
	struct ea_page *pages;
	struct list_head free_area[EA_MAX_ORDER + 1];
	struct ea_class classes[EA_NR_CLASSES];
	struct xarray ids;		/* ID -> xa_mk_value(offset), or a large */
	unsigned long *bitset;
	struct ea_stats st;		/* counters; ea_get_stats() derives the rest */
};

/* Where an allocation is, gathered from the metadata. */
struct ea_loc {
	int id;
	u32 owner;
	unsigned int cls;
	u64 offset;
	u64 size;
	u64 class_size;
	void *mem;			/* kernel address of its first byte */
	struct ea_slab *slab;		/* small classes */
	unsigned int slot;
	unsigned int page;		/* slab page or first block page */
	struct ea_large *large;		/* large */
};

/* What ea_where() found at an offset. */
enum ea_where {
	EA_AT_NOTHING,		/* no allocation, live or freed, starts here */
	EA_AT_START,		/* first byte of a live allocation */
	EA_AT_INSIDE,		/* another byte of its requested size */
	EA_AT_SLACK,		/* in its red zone, past the requested size */
	EA_AT_FREED,		/* start of a free slot or of a freed large area */
};

/* The request being served, for error events. */
struct ea_req {
	int id;
	unsigned int cls;
	u64 size;
	u64 offset;
	/* Filled by a successful small allocation, for struct ea_txn. */
	int slot_prev_id;	/* the slot's ->id before */
	bool fresh_slab;	/* a slab was made for it */
};

/* ea_buddy_free(): leave each page's last_id as it is. */
#define EA_KEEP_LAST_ID	(-1)

/* The uapi header's lists, as tables in the order of their enums. */
#define EA_ERR_ROW(NAME, name, err, words)	{ -(err), #name },
#define EA_NAME_ROW(NAME, name, ...)		#name,

static const struct {
	int err;
	const char *name;
} ea_errors[EA_NR_ERR] = { EDUALLOC_ERRORS(EA_ERR_ROW) };

static const char * const ea_op_names[EA_NR_OPS] = { EDUALLOC_OPS(EA_NAME_ROW) };

static const char * const ea_event_names[EA_NR_EVENTS] = { EDUALLOC_EVENTS(EA_NAME_ROW) };

/* ---- Classes ----------------------------------------------------------- */

/**
 * ea_class_of() - the size class of a request
 * @size: requested bytes
 *
 * Return: the index of the smallest class of at least @size bytes (0 for 8 B
 * up to 15 for 256 KiB; 0 also for @size 0), or EA_CLASS_LARGE above
 * EA_SMALL_MAX.
 */
unsigned int ea_class_of(u64 size)
{
	if (size > EA_SMALL_MAX)
		return EA_CLASS_LARGE;
	if (size <= BIT(EA_MIN_SHIFT))
		return 0;
	return fls64(size - 1) - EA_MIN_SHIFT;
}

/**
 * ea_class_size() - the size of a class
 * @cls: class index
 *
 * Return: the class's slot size in bytes, or 0 for EA_CLASS_LARGE (whose
 * allocations are page-rounded one by one) and invalid indexes.
 */
u64 ea_class_size(unsigned int cls)
{
	if (cls >= EA_NR_CLASSES)
		return 0;
	return BIT_ULL(cls + EA_MIN_SHIFT);
}

/* Classes below a page live in slabs; the others take a buddy block each. */
static bool ea_is_slab_class(unsigned int cls)
{
	return ea_class_size(cls) < PAGE_SIZE;
}

static unsigned int ea_slots_per_slab(unsigned int cls)
{
	return PAGE_SIZE >> (cls + EA_MIN_SHIFT);
}

static unsigned int ea_block_order(unsigned int cls)
{
	return cls + EA_MIN_SHIFT - PAGE_SHIFT;
}

/**
 * ea_errno() - the errno of an error kind
 * @kind: error kind
 *
 * Return: the negative errno the engine returns for @kind; the detectors
 * (which refuse nothing) map to -EFAULT, unknown kinds to -EINVAL.
 */
int ea_errno(enum ea_err_kind kind)
{
	if ((unsigned int)kind >= EA_NR_ERR)
		return -EINVAL;
	return ea_errors[kind].err;
}

/**
 * ea_err_name() - the name of an error kind
 * @kind: error kind
 *
 * Return: a short lower-case name, e.g. "double_free", or "?".
 */
const char *ea_err_name(enum ea_err_kind kind)
{
	if ((unsigned int)kind >= EA_NR_ERR)
		return "?";
	return ea_errors[kind].name;
}

/**
 * ea_op_name() - the name of an operation
 * @op: operation
 *
 * Return: a short lower-case name, e.g. "alloc", or "?".
 */
const char *ea_op_name(enum ea_op op)
{
	if ((unsigned int)op >= EA_NR_OPS)
		return "?";
	return ea_op_names[op];
}

/**
 * ea_event_name() - the name of an event type
 * @type: event type
 *
 * Return: a short lower-case name, e.g. "buddy_split", or "?".
 */
const char *ea_event_name(enum ea_event_type type)
{
	if ((unsigned int)type >= EA_NR_EVENTS)
		return "?";
	return ea_event_names[type];
}

/* ---- Events, errors and corruption reports ----------------------------- */

static void ea_emit(struct ea_instance *inst, struct ea_event *ev)
{
	lockdep_assert_held(&inst->lock);
	ev->op = inst->op;
	if (inst->notify)
		inst->notify(inst->priv, ev);
}

/* An explain-level event: one of the engine's decisions. */
static void ea_explain(struct ea_instance *inst, enum ea_event_type type,
		       unsigned int cls, unsigned int order, u64 offset,
		       u64 aux)
{
	struct ea_event ev = {
		.type = type,
		.cls = cls,
		.order = order,
		.offset = offset,
		.aux = aux,
	};

	ea_emit(inst, &ev);
}

/* Refuse a request: count it, tell the listener, return its errno. */
static int ea_refuse(struct ea_instance *inst, const struct ea_req *req,
		     enum ea_err_kind kind)
{
	struct ea_event ev = {
		.type = EA_EV_ERROR,
		.id = req->id,
		.err = ea_errno(kind),
		.cls = req->cls < EA_NO_CLASS ? req->cls : 0,
		.size = req->size,
		.offset = req->offset,
		.aux = kind,
	};

	inst->st.errors[kind]++;
	ea_emit(inst, &ev);
	return ev.err;
}

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

/* ---- Kernel memory for metadata ---------------------------------------- */

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

/*
 * Make sure the next ID has a slot in the xarray, so storing cannot fail.
 * Usually ea_reserve_ahead() did it already and there is nothing to ask.
 */
static int ea_reserve_id(struct ea_instance *inst)
{
	if (inst->reserved_id == inst->next_id)
		return 0;
	if (ea_should_fail(inst))
		return -ENOMEM;
	return xa_reserve(&inst->ids, inst->next_id, GFP_KERNEL_ACCOUNT);
}

/*
 * After an allocation, reserve the slot of the ID after it. IDs only grow,
 * so without this a program that allocates and frees one object in a loop
 * empties the xarray node at every free (the node goes back through RCU)
 * and needs a new one at the next allocation: that was most of the cost
 * of an alloc+free pair. A reserved slot keeps its node alive, so a node
 * is allocated once per XA_CHUNK_SIZE (64) IDs. Nothing depends on it: if
 * it fails, ea_reserve_id() asks again, and can fail cleanly, next time.
 */
static void ea_reserve_ahead(struct ea_instance *inst)
{
	if (inst->next_id <= INT_MAX &&
	    !xa_reserve(&inst->ids, inst->next_id, GFP_KERNEL_ACCOUNT | __GFP_NOWARN))
		inst->reserved_id = inst->next_id;
}

/* ---- The buddy allocator ----------------------------------------------- */

static u64 ea_page_offset(unsigned int page)
{
	return (u64)page << PAGE_SHIFT;
}

static void *ea_page_mem(struct ea_instance *inst, unsigned int page)
{
	return inst->arena + ea_page_offset(page);
}

/* Bytes the instance holds: arena pages off the free lists, large areas. */
static u64 ea_used_bytes(struct ea_instance *inst)
{
	return ea_page_offset(inst->nr_pages - inst->st.pages_free) +
	       inst->st.large_bytes;
}

/* Whether ea_buddy_alloc(@order) would succeed, within the capacity. */
static bool ea_buddy_can_alloc(struct ea_instance *inst, unsigned int order)
{
	unsigned int o;

	if (ea_used_bytes(inst) + (PAGE_SIZE << order) > inst->arena_size)
		return false;
	for (o = order; o <= EA_MAX_ORDER; o++)
		if (!list_empty(&inst->free_area[o]))
			return true;
	return false;
}

static void ea_buddy_add(struct ea_instance *inst, unsigned int page,
			 unsigned int order)
{
	struct ea_page *pg = &inst->pages[page];

	pg->head = 1;
	pg->order = order;
	list_add(&pg->buddy, &inst->free_area[order]);
}

/*
 * Verify the poison of a block leaving the free lists, blaming a bad byte
 * on the last ID that owned its page.
 */
static void ea_buddy_check(struct ea_instance *inst, unsigned int page,
			   unsigned int order)
{
	void *mem = ea_page_mem(inst, page);
	size_t len = PAGE_SIZE << order;
	u8 *bad = memchr_inv(mem, EA_POISON_FREE, len);
	u64 offset;

	if (!bad)
		return;
	offset = ea_page_offset(page) + (bad - (u8 *)mem);
	ea_report(inst, EA_ERR_USE_AFTER_FREE,
		  inst->pages[offset >> PAGE_SHIFT].last_id, offset, *bad);
	memset(mem, EA_POISON_FREE, len);
}

/*
 * Take a block of 2^@order pages: the first block on the list of the
 * smallest order that has one, split down to @order. The caller has checked
 * ea_buddy_can_alloc() and marks the pages as its own.
 */
static unsigned int ea_buddy_alloc(struct ea_instance *inst,
				   unsigned int order)
{
	struct ea_page *pg = NULL;
	unsigned int o, page;

	for (o = order; o <= EA_MAX_ORDER; o++) {
		pg = list_first_entry_or_null(&inst->free_area[o],
					      struct ea_page, buddy);
		if (pg)
			break;
	}
	list_del_init(&pg->buddy);
	page = pg - inst->pages;
	while (o > order) {
		o--;
		ea_explain(inst, EA_EV_BUDDY_SPLIT, 0, o + 1,
			   ea_page_offset(page), 0);
		ea_buddy_add(inst, page + BIT(o), o);
	}
	pg->order = order;
	inst->st.pages_free -= BIT(order);
	if (inst->debug)
		ea_buddy_check(inst, page, order);
	return page;
}

/*
 * Give back a block of 2^@order pages that last held @last_id's memory
 * (already poisoned if the debug checks are on), merging it with its buddy
 * for as long as the buddy is free and whole. EA_KEEP_LAST_ID: the pages
 * keep the last_id they had (a block taken back, see ea_abort()).
 */
static void ea_buddy_free(struct ea_instance *inst, unsigned int page,
			  unsigned int order, int last_id)
{
	unsigned int i;

	for (i = 0; i < BIT(order); i++) {
		struct ea_page *pg = &inst->pages[page + i];

		pg->kind = EA_PAGE_FREE;
		pg->head = 0;
		if (last_id != EA_KEEP_LAST_ID)
			pg->last_id = last_id;
	}
	inst->st.pages_free += BIT(order);

	while (order < EA_MAX_ORDER) {
		unsigned int buddy = page ^ BIT(order);
		struct ea_page *bp;

		if (buddy >= inst->nr_pages)	/* past the end of the arena */
			break;
		bp = &inst->pages[buddy];
		if (bp->kind != EA_PAGE_FREE || !bp->head || bp->order != order)
			break;
		list_del_init(&bp->buddy);
		bp->head = 0;
		page = min(page, buddy);
		order++;
		ea_explain(inst, EA_EV_BUDDY_MERGE, 0, order,
			   ea_page_offset(page), 0);
	}
	ea_buddy_add(inst, page, order);
}

/* Seed the free lists with the largest aligned blocks that fit. */
static void ea_buddy_init(struct ea_instance *inst)
{
	unsigned int page = 0, order;

	while (page < inst->nr_pages) {
		order = EA_MAX_ORDER;
		while (order && (!IS_ALIGNED(page, BIT(order)) ||
				 page + BIT(order) > inst->nr_pages))
			order--;
		inst->pages[page].head = 1;
		inst->pages[page].order = order;
		list_add_tail(&inst->pages[page].buddy, &inst->free_area[order]);
		page += BIT(order);
	}
	inst->st.pages_free = inst->nr_pages;
}

/* ---- Slabs ------------------------------------------------------------- */

static u64 ea_slot_offset(const struct ea_slab *slab, unsigned int slot)
{
	return ea_page_offset(slab->page) +
	       ((u64)slot << (slab->cls + EA_MIN_SHIFT));
}

/* Prepare: the out-of-band part of a new slab. */
static struct ea_slab *ea_slab_alloc(struct ea_instance *inst,
				     unsigned int cls)
{
	struct ea_slab *slab;
	unsigned int nr = ea_slots_per_slab(cls);

	slab = ea_kmalloc(inst, struct_size(slab, slots, nr));
	if (slab) {
		slab->cls = cls;
		slab->nr_slots = nr;
	}
	return slab;
}

/* Commit: give @slab a page and thread all its slots on its free list. */
static void ea_slab_init(struct ea_instance *inst, struct ea_slab *slab)
{
	struct ea_page *pg;
	unsigned int i;

	INIT_LIST_HEAD(&slab->node);
	slab->page = ea_buddy_alloc(inst, 0);
	slab->inuse = 0;
	slab->free = 0;
	for (i = 0; i < slab->nr_slots; i++) {
		slab->slots[i] = (struct ea_slot) {
			.next = i + 1 < slab->nr_slots ? i + 1 : EA_SLOT_END,
		};
	}
	pg = &inst->pages[slab->page];
	pg->kind = EA_PAGE_SLAB;
	pg->cls = slab->cls;
	pg->head = 1;
	pg->slab = slab;
	inst->st.cls[slab->cls].slabs++;
	inst->st.cls[slab->cls].slots_total += slab->nr_slots;
}

/*
 * An empty slab goes back to the buddy allocator; its page's last_id
 * becomes @last_id (0: a slab's page blames nobody; or EA_KEEP_LAST_ID).
 */
static void ea_slab_release(struct ea_instance *inst, struct ea_slab *slab,
			    int last_id)
{
	unsigned int i, cls = slab->cls;
	u64 size = ea_class_size(cls);

	ea_explain(inst, EA_EV_SLAB_RELEASE, cls, 0,
		   ea_page_offset(slab->page), 0);
	if (inst->debug) {
		/* Last chance to blame a write after free on its slot's ID. */
		for (i = 0; i < slab->nr_slots; i++)
			ea_check_fill(inst, ea_page_mem(inst, slab->page) + i * size,
				      ea_slot_offset(slab, i), size,
				      EA_POISON_FREE, EA_ERR_USE_AFTER_FREE,
				      slab->slots[i].id);
	}
	inst->st.cls[cls].slabs--;
	inst->st.cls[cls].slots_total -= slab->nr_slots;
	ea_buddy_free(inst, slab->page, 0, last_id);
	kfree(slab);
}

/* ---- Locating allocations ---------------------------------------------- */

static void ea_loc_slot(struct ea_instance *inst, struct ea_slab *slab,
			unsigned int slot, struct ea_loc *loc)
{
	const struct ea_slot *s = &slab->slots[slot];

	*loc = (struct ea_loc) {
		.id = s->id,
		.owner = s->owner,
		.cls = slab->cls,
		.offset = ea_slot_offset(slab, slot),
		.size = s->size,
		.class_size = ea_class_size(slab->cls),
		.slab = slab,
		.slot = slot,
		.page = slab->page,
	};
	loc->mem = inst->arena + loc->offset;
}

static void ea_loc_block(struct ea_instance *inst, unsigned int page,
			 struct ea_loc *loc)
{
	const struct ea_page *pg = &inst->pages[page];

	*loc = (struct ea_loc) {
		.id = pg->blk.id,
		.owner = pg->blk.owner,
		.cls = pg->cls,
		.offset = ea_page_offset(page),
		.size = pg->blk.size,
		.class_size = ea_class_size(pg->cls),
		.page = page,
	};
	loc->mem = ea_page_mem(inst, page);
}

static u64 ea_large_offset(int id)
{
	return EA_LARGE_BASE + ((u64)id << EA_LARGE_SHIFT);
}

static void ea_loc_large(struct ea_large *large, struct ea_loc *loc)
{
	*loc = (struct ea_loc) {
		.id = large->id,
		.owner = large->owner,
		.cls = EA_CLASS_LARGE,
		.offset = ea_large_offset(large->id),
		.size = large->size,
		.class_size = large->area_size,
		.mem = large->area,
		.large = large,
	};
}

/* The live allocation an xarray entry names. */
static void ea_loc_entry(struct ea_instance *inst, void *entry,
			 struct ea_loc *loc)
{
	u64 offset;
	struct ea_page *pg;

	if (!xa_is_value(entry)) {
		ea_loc_large(entry, loc);
		return;
	}
	offset = xa_to_value(entry);
	pg = &inst->pages[offset >> PAGE_SHIFT];
	if (pg->kind == EA_PAGE_SLAB)
		ea_loc_slot(inst, pg->slab, offset_in_page(offset) >>
			    (pg->slab->cls + EA_MIN_SHIFT), loc);
	else
		ea_loc_block(inst, offset >> PAGE_SHIFT, loc);
}

/* Whether @id was ever issued by this instance. */
static bool ea_id_issued(struct ea_instance *inst, int id)
{
	return id > 0 && (u32)id >= inst->first_id && (u32)id < inst->next_id;
}

/*
 * Find live allocation @id: 0, -ENOENT if it was never issued, -EALREADY
 * if it was freed.
 */
static int ea_find_id(struct ea_instance *inst, int id, struct ea_loc *loc)
{
	void *entry;

	if (!ea_id_issued(inst, id))
		return -ENOENT;
	entry = xa_load(&inst->ids, id);
	if (!entry)
		return -EALREADY;
	ea_loc_entry(inst, entry, loc);
	return 0;
}

static enum ea_where ea_where_in(const struct ea_loc *loc, u64 offset)
{
	if (offset == loc->offset)
		return EA_AT_START;
	if (offset - loc->offset < loc->size)
		return EA_AT_INSIDE;
	return EA_AT_SLACK;
}

/* What is at @offset of the instance's address space; fills @loc if live. */
static enum ea_where ea_where(struct ea_instance *inst, u64 offset,
			      struct ea_loc *loc)
{
	struct ea_page *pg;
	struct ea_large *large;
	u64 rel, id;

	if (offset >= EA_LARGE_BASE) {
		rel = offset - EA_LARGE_BASE;
		id = rel >> EA_LARGE_SHIFT;
		if (id > INT_MAX || !ea_id_issued(inst, id))
			return EA_AT_NOTHING;
		large = xa_load(&inst->ids, id);
		if (!large)	/* freed; large or not, the engine keeps no history */
			return offset == ea_large_offset(id) ? EA_AT_FREED :
			       EA_AT_NOTHING;
		if (xa_is_value(large))
			return EA_AT_NOTHING;
		ea_loc_large(large, loc);
		if (offset - loc->offset >= large->area_size)
			return EA_AT_NOTHING;
		return ea_where_in(loc, offset);
	}
	if (offset >= inst->arena_size)
		return EA_AT_NOTHING;

	pg = &inst->pages[offset >> PAGE_SHIFT];
	switch (pg->kind) {
	case EA_PAGE_SLAB: {
		struct ea_slab *slab = pg->slab;
		unsigned int slot = offset_in_page(offset) >>
				    (slab->cls + EA_MIN_SHIFT);

		if (!slab->slots[slot].size)
			return offset == ea_slot_offset(slab, slot) ?
			       EA_AT_FREED : EA_AT_NOTHING;
		ea_loc_slot(inst, slab, slot, loc);
		return ea_where_in(loc, offset);
	}
	case EA_PAGE_BLOCK:
		ea_loc_block(inst, offset >> PAGE_SHIFT, loc);
		return ea_where_in(loc, offset);
	case EA_PAGE_BLOCK_TAIL:
		ea_loc_block(inst, pg->head_page, loc);
		return ea_where_in(loc, offset);
	default:
		return EA_AT_NOTHING;
	}
}

static void ea_loc_info(const struct ea_loc *loc, struct ea_alloc_info *out)
{
	if (!out)
		return;
	*out = (struct ea_alloc_info) {
		.id = loc->id,
		.cls = loc->cls,
		.owner = loc->owner,
		.offset = loc->offset,
		.size = loc->size,
		.class_size = loc->class_size,
	};
}

static void ea_emit_loc(struct ea_instance *inst, enum ea_event_type type,
			const struct ea_loc *loc, u64 aux)
{
	struct ea_event ev = {
		.type = type,
		.id = loc->id,
		.cls = loc->cls,
		.size = loc->size,
		.offset = loc->offset,
		.aux = aux,
	};

	ea_emit(inst, &ev);
}

/* ---- Allocation -------------------------------------------------------- */

/* Zero a new allocation; with the debug checks, verify and red-zone it. */
static void ea_fill_new(struct ea_instance *inst, struct ea_loc *loc,
			bool check, int last_id)
{
	if (!inst->debug) {
		memset(loc->mem, 0, loc->class_size);
		return;
	}
	if (check)
		ea_check_fill(inst, loc->mem, loc->offset, loc->class_size,
			      EA_POISON_FREE, EA_ERR_USE_AFTER_FREE, last_id);
	memset(loc->mem, 0, loc->size);
	memset(loc->mem + loc->size, EA_RED_ZONE, loc->class_size - loc->size);
}

/* A slot from the class's first partial slab, its spare or a new slab. */
static int ea_alloc_slot(struct ea_instance *inst, struct ea_req *req,
			 u32 owner, struct ea_loc *loc)
{
	struct ea_class *c = &inst->classes[req->cls];
	struct ea_slab *slab, *fresh = NULL;
	struct ea_slot *s;
	unsigned int slot;
	int last_id;

	slab = list_first_entry_or_null(&c->partial, struct ea_slab, node);
	if (!slab && !c->spare) {
		if (!ea_buddy_can_alloc(inst, 0))
			return ea_refuse(inst, req, EA_ERR_NO_SPACE);
		fresh = ea_slab_alloc(inst, req->cls);
		if (!fresh)
			return ea_refuse(inst, req, EA_ERR_KMEM);
	}
	if (ea_reserve_id(inst)) {
		kfree(fresh);
		return ea_refuse(inst, req, EA_ERR_KMEM);
	}

	/* Commit: nothing below can fail. */
	if (slab) {
		slot = slab->free;
		ea_explain(inst, EA_EV_FREELIST_HIT, req->cls, 0,
			   ea_slot_offset(slab, slot), 0);
	} else {
		if (fresh) {
			slab = fresh;
			ea_slab_init(inst, slab);
		} else {
			slab = c->spare;
			c->spare = NULL;
		}
		ea_explain(inst, EA_EV_SLAB_REFILL, req->cls, 0,
			   ea_page_offset(slab->page), !fresh);
		list_add(&slab->node, &c->partial);
	}

	slot = slab->free;
	s = &slab->slots[slot];
	slab->free = s->next;
	if (++slab->inuse == slab->nr_slots)
		list_del_init(&slab->node);

	req->slot_prev_id = s->id;
	req->fresh_slab = fresh;
	last_id = s->id ? s->id : inst->pages[slab->page].last_id;
	s->id = inst->next_id;
	s->owner = owner;
	s->size = req->size;
	ea_loc_slot(inst, slab, slot, loc);
	ea_fill_new(inst, loc, true, last_id);
	return 0;
}

/* A buddy block of the class's order, for one object. */
static int ea_alloc_block(struct ea_instance *inst, struct ea_req *req,
			  u32 owner, struct ea_loc *loc)
{
	unsigned int order = ea_block_order(req->cls);
	unsigned int page, i;
	struct ea_page *pg;

	if (!ea_buddy_can_alloc(inst, order))
		return ea_refuse(inst, req, EA_ERR_NO_SPACE);
	if (ea_reserve_id(inst))
		return ea_refuse(inst, req, EA_ERR_KMEM);

	/* Commit. The buddy allocator has checked the poison. */
	page = ea_buddy_alloc(inst, order);
	pg = &inst->pages[page];
	pg->kind = EA_PAGE_BLOCK;
	pg->cls = req->cls;
	pg->head = 1;
	pg->blk.id = inst->next_id;
	pg->blk.owner = owner;
	pg->blk.size = req->size;
	for (i = 1; i < BIT(order); i++) {
		inst->pages[page + i].kind = EA_PAGE_BLOCK_TAIL;
		inst->pages[page + i].head_page = page;
	}
	inst->st.cls[req->cls].slabs++;
	inst->st.cls[req->cls].slots_total++;
	ea_loc_block(inst, page, loc);
	ea_fill_new(inst, loc, false, 0);
	return 0;
}

/* A vmalloc'ed area of its own. */
static int ea_alloc_large(struct ea_instance *inst, struct ea_req *req,
			  u32 owner, struct ea_loc *loc)
{
	u64 area_size = PAGE_ALIGN(req->size);
	struct ea_event ev = {
		.type = EA_EV_LARGE_MAP,
		.id = inst->next_id,
		.cls = EA_CLASS_LARGE,
		.size = area_size,
		.offset = ea_large_offset(inst->next_id),
	};
	struct ea_large *large;

	if (area_size > EA_LARGE_MAX)
		return ea_refuse(inst, req, EA_ERR_TOO_BIG);
	if (ea_used_bytes(inst) + area_size > inst->arena_size)
		return ea_refuse(inst, req, EA_ERR_NO_SPACE);
	large = ea_kmalloc(inst, sizeof(*large));
	if (!large)
		goto fail;
	large->area = ea_vmalloc_area(inst, area_size);
	if (!large->area)
		goto free_large;
	if (ea_reserve_id(inst))
		goto free_area;

	/* Commit. The area is zeroed. */
	large->id = inst->next_id;
	large->owner = owner;
	large->size = req->size;
	large->area_size = area_size;
	inst->st.large_count++;
	inst->st.large_bytes += area_size;
	ea_loc_large(large, loc);
	ea_emit(inst, &ev);
	if (inst->debug)
		memset(loc->mem + loc->size, EA_RED_ZONE, area_size - loc->size);
	return 0;

free_area:
	vfree(large->area);
free_large:
	kfree(large);
fail:
	return ea_refuse(inst, req, EA_ERR_KMEM);
}

static void ea_account_alloc(struct ea_instance *inst, const struct ea_loc *loc)
{
	struct ea_stats *st = &inst->st;

	st->allocs++;
	st->live_allocs++;
	st->live_requested += loc->size;
	st->live_allocated += loc->class_size;
	st->peak_requested = max(st->peak_requested, st->live_requested);
	st->peak_allocated = max(st->peak_allocated, st->live_allocated);
	st->peak_used = max(st->peak_used, ea_used_bytes(inst));
	if (loc->cls < EA_NR_CLASSES) {
		st->cls[loc->cls].allocs++;
		st->cls[loc->cls].slots_used++;
		st->cls[loc->cls].waste += loc->class_size - loc->size;
	}
}

static int ea_alloc_try(struct ea_instance *inst, struct ea_req *req,
			u32 owner, struct ea_loc *loc)
{
	struct ea_event ev = {
		.type = EA_EV_CLASS,
		.cls = req->cls,
		.size = req->size,
	};
	void *old;
	int ret;

	if (!req->size)
		return ea_refuse(inst, req, EA_ERR_ZERO_SIZE);
	if (req->cls == EA_CLASS_LARGE)
		ev.aux = PAGE_ALIGN(req->size) - req->size;
	else
		ev.aux = ea_class_size(req->cls) - req->size;
	ea_emit(inst, &ev);
	if (req->size > inst->arena_size)
		return ea_refuse(inst, req, EA_ERR_TOO_BIG);
	if (inst->next_id > INT_MAX)
		return ea_refuse(inst, req, EA_ERR_NO_IDS);

	if (req->cls == EA_CLASS_LARGE)
		ret = ea_alloc_large(inst, req, owner, loc);
	else if (ea_is_slab_class(req->cls))
		ret = ea_alloc_slot(inst, req, owner, loc);
	else
		ret = ea_alloc_block(inst, req, owner, loc);
	if (ret)
		return ret;

	/* The ID's slot was reserved: this store allocates nothing. */
	old = xa_store(&inst->ids, inst->next_id,
		       loc->large ? (void *)loc->large : xa_mk_value(loc->offset),
		       GFP_KERNEL_ACCOUNT);
	WARN_ON_ONCE(xa_is_err(old));
	inst->next_id++;
	ea_account_alloc(inst, loc);
	ea_reserve_ahead(inst);
	return 0;
}

/*
 * Allocate @size bytes: 0 and @loc filled, or -errno with nothing changed.
 * @txn records what ea_abort() needs to take the allocation back.
 */
static int ea_alloc_locked(struct ea_instance *inst, u64 size, u32 owner,
			   struct ea_loc *loc, struct ea_txn *txn)
{
	struct ea_req req = { .size = size, .cls = ea_class_of(size) };
	struct ea_stats *st = &inst->st;
	u64 t0 = ktime_get_ns();
	int ret;

	*txn = (struct ea_txn) {
		.epoch = inst->epoch,
		.peak_requested = st->peak_requested,
		.peak_allocated = st->peak_allocated,
		.peak_used = st->peak_used,
	};
	ret = ea_alloc_try(inst, &req, owner, loc);
	if (ret) {
		st->failed_allocs++;
		if (size && req.cls < EA_NR_CLASSES)
			st->cls[req.cls].failures++;
		return ret;
	}
	txn->ns = ktime_get_ns() - t0;
	st->alloc_ns += txn->ns;
	txn->id = loc->id;
	txn->slot_prev_id = req.slot_prev_id;
	txn->fresh_slab = req.fresh_slab;
	return 0;
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
 * Context: Process context; takes the instance lock and may sleep.
 * Return: as ea_alloc().
 */
int ea_alloc_begin(struct ea_instance *inst, u64 size, u32 owner,
		   struct ea_alloc_info *out, struct ea_txn *txn)
{
	struct ea_loc loc;
	int ret;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_ALLOC;
	ret = ea_alloc_locked(inst, size, owner, &loc, txn);
	if (!ret) {
		ea_emit_loc(inst, EA_EV_ALLOC, &loc, owner);
		ea_loc_info(&loc, out);
	}
	mutex_unlock(&inst->lock);
	return ret;
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
 * Context: Process context; takes the instance lock and may sleep.
 * Return: 0; -EINVAL for 0 bytes; -E2BIG over the capacity; -ENOMEM when
 * the rest of the capacity or the kernel's memory does not suffice; -ENOSPC
 * when the IDs are used up. A failure changes nothing but failure counters.
 */
int ea_alloc(struct ea_instance *inst, u64 size, u32 owner,
	     struct ea_alloc_info *out)
{
	struct ea_txn txn;

	return ea_alloc_begin(inst, size, owner, out, &txn);
}

/* ---- Free -------------------------------------------------------------- */

/*
 * Put a slot back on its slab's free list. A slab left empty becomes its
 * class's spare if there is none, unless @no_spare; else it is released,
 * its page's last_id becoming @last_id.
 */
static void ea_free_slot(struct ea_instance *inst, struct ea_loc *loc,
			 bool no_spare, int last_id)
{
	struct ea_slab *slab = loc->slab;
	struct ea_class *c = &inst->classes[slab->cls];
	struct ea_slot *s = &slab->slots[loc->slot];

	s->size = 0;
	s->owner = 0;
	s->next = slab->free;
	slab->free = loc->slot;
	slab->inuse--;

	if (slab->inuse) {
		if (list_empty(&slab->node))	/* it was full */
			list_add(&slab->node, &c->partial);
		return;
	}
	list_del_init(&slab->node);
	if (!c->spare && !no_spare) {
		c->spare = slab;
		ea_explain(inst, EA_EV_SLAB_SPARE, slab->cls, 0,
			   ea_page_offset(slab->page), 0);
	} else {
		ea_slab_release(inst, slab, last_id);
	}
}

/* A block goes back to the buddy allocator, blaming @last_id. */
static void ea_free_block(struct ea_instance *inst, struct ea_loc *loc,
			  int last_id)
{
	unsigned int order = ea_block_order(loc->cls);

	inst->st.cls[loc->cls].slabs--;
	inst->st.cls[loc->cls].slots_total--;
	ea_buddy_free(inst, loc->page, order, last_id);
}

static void ea_free_large(struct ea_instance *inst, struct ea_loc *loc)
{
	inst->st.large_count--;
	inst->st.large_bytes -= loc->large->area_size;
	vfree(loc->large->area);
	kfree(loc->large);
}

/* Free the live allocation at @loc. Cannot fail. */
static void ea_free_loc(struct ea_instance *inst, struct ea_loc *loc)
{
	struct ea_stats *st = &inst->st;
	u64 t0 = ktime_get_ns();

	if (inst->debug) {
		ea_check_fill(inst, loc->mem + loc->size, loc->offset + loc->size,
			      loc->class_size - loc->size, EA_RED_ZONE,
			      EA_ERR_REDZONE, loc->id);
		if (!loc->large)
			memset(loc->mem, EA_POISON_FREE, loc->class_size);
	}
	xa_erase(&inst->ids, loc->id);

	st->frees++;
	st->live_allocs--;
	st->live_requested -= loc->size;
	st->live_allocated -= loc->class_size;
	if (loc->cls < EA_NR_CLASSES) {
		st->cls[loc->cls].frees++;
		st->cls[loc->cls].slots_used--;
		st->cls[loc->cls].waste -= loc->class_size - loc->size;
	}

	if (loc->large)
		ea_free_large(inst, loc);
	else if (loc->slab)
		ea_free_slot(inst, loc, false, 0);
	else
		ea_free_block(inst, loc, loc->id);
	st->free_ns += ktime_get_ns() - t0;
}

/*
 * Which allocation does a free name? 0 and @loc, or -errno (refused).
 * @by_offset: @offset was given (with @id > 0 it must then agree; 0 is a
 * real offset, the arena's first byte).
 */
static int ea_free_target(struct ea_instance *inst, int id, u64 offset,
			  bool by_offset, struct ea_loc *loc)
{
	struct ea_req req = { .id = id, .offset = offset, .cls = EA_NO_CLASS };
	struct ea_loc other;
	int ret;

	if (id < 0)
		return ea_refuse(inst, &req, EA_ERR_UNKNOWN_ID);
	if (id) {
		ret = ea_find_id(inst, id, loc);
		if (ret == -ENOENT)
			return ea_refuse(inst, &req, EA_ERR_UNKNOWN_ID);
		if (ret == -EALREADY) {
			/* Someone else lives where @id used to: a stale ID. */
			if (by_offset && ea_where(inst, offset, &other) == EA_AT_START)
				return ea_refuse(inst, &req, EA_ERR_STALE_ID);
			return ea_refuse(inst, &req, EA_ERR_DOUBLE_FREE);
		}
		if (by_offset && offset != loc->offset)
			return ea_refuse(inst, &req, EA_ERR_STALE_ID);
		return 0;
	}

	switch (ea_where(inst, offset, loc)) {
	case EA_AT_START:
		return 0;
	case EA_AT_FREED:
		return ea_refuse(inst, &req, EA_ERR_DOUBLE_FREE);
	default:
		return ea_refuse(inst, &req, EA_ERR_BAD_OFFSET);
	}
}

/* ea_free() and ea_free_both(), which differ in what offset 0 means. */
static int ea_free_named(struct ea_instance *inst, int id, u64 offset,
			 bool by_offset, struct ea_alloc_info *out)
{
	struct ea_loc loc;
	int ret;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_FREE;
	ret = ea_free_target(inst, id, offset, by_offset, &loc);
	if (!ret) {
		ea_loc_info(&loc, out);
		ea_free_loc(inst, &loc);
		ea_emit_loc(inst, EA_EV_FREE, &loc, loc.owner);
	}
	mutex_unlock(&inst->lock);
	return ret;
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
 * Context: Process context; takes the instance lock and may sleep.
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
 * Context: Process context; takes the instance lock and may sleep.
 * Return: as ea_free(); -ESTALE also when @id is live elsewhere than
 * @offset 0, or freed while another allocation starts at 0.
 */
int ea_free_both(struct ea_instance *inst, int id, u64 offset,
		 struct ea_alloc_info *out)
{
	return ea_free_named(inst, id, offset, true, out);
}

/* Refuse a request about an ID: never issued or already freed. */
static int ea_refuse_id(struct ea_instance *inst, int id, int err)
{
	struct ea_req req = { .id = id, .cls = EA_NO_CLASS };

	return ea_refuse(inst, &req, err == -EALREADY ? EA_ERR_FREED_ID :
			 EA_ERR_UNKNOWN_ID);
}

/* Allocate anew and copy; the old allocation stays live. */
static int ea_realloc_locked(struct ea_instance *inst, int id, u64 new_size,
			     u32 owner, struct ea_loc *loc, struct ea_txn *txn)
{
	struct ea_loc old;
	int ret;

	ret = ea_find_id(inst, id, &old);
	if (ret)
		return ea_refuse_id(inst, id, ret);
	ret = ea_alloc_locked(inst, new_size, owner, loc, txn);
	if (ret)
		return ret;
	memcpy(loc->mem, old.mem, min(old.size, new_size));
	txn->old_id = id;
	return 0;
}

/* Free the old half of a reallocation and count it; @loc is the new one. */
static void ea_realloc_finish(struct ea_instance *inst,
			      const struct ea_txn *txn, struct ea_loc *loc)
{
	struct ea_loc old;

	if (!ea_find_id(inst, txn->old_id, &old))
		ea_free_loc(inst, &old);
	inst->st.reallocs++;
	ea_emit_loc(inst, EA_EV_REALLOC, loc, txn->old_id);
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
 * Context: Process context; takes the instance lock and may sleep.
 * Return: 0; -ENOENT or -EALREADY for @id as in ea_lookup_id(); otherwise
 * the errors of ea_alloc(). On failure the old allocation is untouched.
 */
int ea_realloc(struct ea_instance *inst, int id, u64 new_size, u32 owner,
	       struct ea_alloc_info *out)
{
	struct ea_txn txn;
	struct ea_loc loc;
	int ret;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_REALLOC;
	ret = ea_realloc_locked(inst, id, new_size, owner, &loc, &txn);
	if (!ret) {
		ea_realloc_finish(inst, &txn, &loc);
		ea_loc_info(&loc, out);
	}
	mutex_unlock(&inst->lock);
	return ret;
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
 * Context: Process context; takes the instance lock and may sleep.
 * Return: as ea_realloc().
 */
int ea_realloc_begin(struct ea_instance *inst, int id, u64 new_size,
		     u32 owner, struct ea_alloc_info *out, struct ea_txn *txn)
{
	struct ea_loc loc;
	int ret;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_REALLOC;
	ret = ea_realloc_locked(inst, id, new_size, owner, &loc, txn);
	if (!ret)
		ea_loc_info(&loc, out);
	mutex_unlock(&inst->lock);
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
	struct ea_loc loc;

	if (!txn->old_id)
		return;
	mutex_lock(&inst->lock);
	inst->op = EA_OP_REALLOC;
	if (txn->epoch == inst->epoch && !ea_find_id(inst, txn->id, &loc))
		ea_realloc_finish(inst, txn, &loc);
	mutex_unlock(&inst->lock);
}

/*
 * Take back the allocation at @loc, made by @txn: it is uncounted (not
 * counted as freed) and its memory goes back where it came from. @exact:
 * nothing was allocated since, so the ID counter and the peaks go back
 * too and a slab made for it is released rather than kept as the spare,
 * which leaves the instance exactly as before the allocation (bar the
 * contents of free memory when the debug checks are off).
 */
static void ea_unalloc_loc(struct ea_instance *inst, struct ea_loc *loc,
			   const struct ea_txn *txn, bool exact)
{
	struct ea_stats *st = &inst->st;

	/* Its caller never learnt of it: no red zone check, just the poison. */
	if (inst->debug && !loc->large)
		memset(loc->mem, EA_POISON_FREE, loc->class_size);
	xa_erase(&inst->ids, loc->id);

	st->allocs--;
	st->live_allocs--;
	st->live_requested -= loc->size;
	st->live_allocated -= loc->class_size;
	st->alloc_ns -= txn->ns;
	if (loc->cls < EA_NR_CLASSES) {
		st->cls[loc->cls].allocs--;
		st->cls[loc->cls].slots_used--;
		st->cls[loc->cls].waste -= loc->class_size - loc->size;
	}

	if (loc->large) {
		ea_free_large(inst, loc);
	} else if (loc->slab) {
		loc->slab->slots[loc->slot].id = txn->slot_prev_id;
		ea_free_slot(inst, loc, exact && txn->fresh_slab,
			     EA_KEEP_LAST_ID);
	} else {
		ea_free_block(inst, loc, EA_KEEP_LAST_ID);
	}

	if (exact) {
		inst->next_id = txn->id;
		st->peak_requested = txn->peak_requested;
		st->peak_allocated = txn->peak_allocated;
		st->peak_used = txn->peak_used;
	}
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
	struct ea_loc loc;
	bool exact;
	int ret = -ENOENT;

	mutex_lock(&inst->lock);
	inst->op = txn->old_id ? EA_OP_REALLOC : EA_OP_ALLOC;
	if (txn->epoch != inst->epoch || ea_find_id(inst, txn->id, &loc))
		goto unlock;
	exact = inst->next_id == (u32)txn->id + 1;
	ea_unalloc_loc(inst, &loc, txn, exact);
	if (!txn->old_id)
		ea_emit_loc(inst, EA_EV_UNDO, &loc, loc.owner);
	ret = exact ? 0 : 1;
unlock:
	mutex_unlock(&inst->lock);
	return ret;
}

/* ---- Lookups, read and write ------------------------------------------- */

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

	mutex_lock(&inst->lock);
	inst->op = EA_OP_LOOKUP;
	ret = ea_find_id(inst, id, &loc);
	if (ret)
		ret = ea_refuse_id(inst, id, ret);
	else
		ea_loc_info(&loc, out);
	mutex_unlock(&inst->lock);
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

	mutex_lock(&inst->lock);
	inst->op = EA_OP_LOOKUP;
	switch (ea_where(inst, offset, &loc)) {
	case EA_AT_START:
	case EA_AT_INSIDE:
		ea_loc_info(&loc, out);
		break;
	default:
		ret = ea_refuse(inst, &req, EA_ERR_NO_ALLOC);
	}
	mutex_unlock(&inst->lock);
	return ret;
}

/* Find @id and check [pos, pos + len) against its size. */
static int ea_rw_target(struct ea_instance *inst, int id, u64 pos, size_t len,
			struct ea_loc *loc)
{
	struct ea_req req = { .id = id, .offset = pos, .size = len,
			      .cls = EA_NO_CLASS };
	int ret;

	ret = ea_find_id(inst, id, loc);
	if (ret)
		return ea_refuse_id(inst, id, ret);
	if (pos > loc->size || len > loc->size - pos)
		return ea_refuse(inst, &req, EA_ERR_BAD_RANGE);
	return 0;
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
	struct ea_loc loc;
	int ret;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_READ;
	ret = ea_rw_target(inst, id, pos, len, &loc);
	if (!ret)
		memcpy(buf, loc.mem + pos, len);
	mutex_unlock(&inst->lock);
	return ret;
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
	struct ea_loc loc;
	int ret;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_WRITE;
	ret = ea_rw_target(inst, id, pos, len, &loc);
	if (!ret)
		memcpy(loc.mem + pos, buf, len);
	mutex_unlock(&inst->lock);
	return ret;
}

/* ---- The bitset -------------------------------------------------------- */

/* Check that there is a bitset and that @bit (< @limit) is in it. */
static int ea_bit_check(struct ea_instance *inst, u32 bit, u64 limit)
{
	struct ea_req req = { .offset = bit, .cls = EA_NO_CLASS };

	lockdep_assert_held(&inst->lock);
	inst->op = EA_OP_BIT;
	if (!inst->bitset)
		return ea_refuse(inst, &req, EA_ERR_NO_BITSET);
	if (bit >= limit)
		return ea_refuse(inst, &req, EA_ERR_BAD_BIT);
	return 0;
}

/*
 * The instance lock serialises the bitset, so the non-atomic __set_bit()
 * and __clear_bit() suffice.
 */

/**
 * ea_bit_set() - set a bit of the bitset
 * @inst: instance
 * @bit: index, below the instance's bitset_bits
 *
 * Context: Process context; takes the instance lock.
 * Return: 0; -EOPNOTSUPP without a bitset; -EINVAL out of range.
 */
int ea_bit_set(struct ea_instance *inst, u32 bit)
{
	int ret;

	mutex_lock(&inst->lock);
	ret = ea_bit_check(inst, bit, inst->bitset_bits);
	if (!ret)
		__set_bit(bit, inst->bitset);
	mutex_unlock(&inst->lock);
	return ret;
}

/**
 * ea_bit_clear() - clear a bit of the bitset
 * @inst: instance
 * @bit: index, below the instance's bitset_bits
 *
 * Context: Process context; takes the instance lock.
 * Return: as ea_bit_set().
 */
int ea_bit_clear(struct ea_instance *inst, u32 bit)
{
	int ret;

	mutex_lock(&inst->lock);
	ret = ea_bit_check(inst, bit, inst->bitset_bits);
	if (!ret)
		__clear_bit(bit, inst->bitset);
	mutex_unlock(&inst->lock);
	return ret;
}

/**
 * ea_bit_get() - read a bit of the bitset
 * @inst: instance
 * @bit: index, below the instance's bitset_bits
 *
 * Context: Process context; takes the instance lock.
 * Return: 0 or 1; the errors of ea_bit_set().
 */
int ea_bit_get(struct ea_instance *inst, u32 bit)
{
	int ret;

	mutex_lock(&inst->lock);
	ret = ea_bit_check(inst, bit, inst->bitset_bits);
	if (!ret)
		ret = test_bit(bit, inst->bitset);
	mutex_unlock(&inst->lock);
	return ret;
}

/**
 * ea_bit_find() - find the first set bit at or after an index
 * @inst: instance
 * @from: where to start; bitset_bits itself is allowed (and finds nothing)
 * @found: the index found
 *
 * Context: Process context; takes the instance lock.
 * Return: 0; -ENOENT if no bit is set from @from on (an answer, not an
 * error: nothing is counted); -EOPNOTSUPP without a bitset; -EINVAL if
 * @from is past bitset_bits.
 */
int ea_bit_find(struct ea_instance *inst, u32 from, u32 *found)
{
	unsigned long bit;
	int ret;

	mutex_lock(&inst->lock);
	ret = ea_bit_check(inst, from, (u64)inst->bitset_bits + 1);
	if (!ret) {
		bit = find_next_bit(inst->bitset, inst->bitset_bits, from);
		if (bit < inst->bitset_bits)
			*found = bit;
		else
			ret = -ENOENT;
	}
	mutex_unlock(&inst->lock);
	return ret;
}

/**
 * ea_bit_clear_all() - clear the whole bitset
 * @inst: instance
 *
 * Context: Process context; takes the instance lock.
 * Return: 0, or -EOPNOTSUPP without a bitset.
 */
int ea_bit_clear_all(struct ea_instance *inst)
{
	int ret;

	mutex_lock(&inst->lock);
	ret = ea_bit_check(inst, 0, 1);
	if (!ret)
		bitmap_zero(inst->bitset, inst->bitset_bits);
	mutex_unlock(&inst->lock);
	return ret;
}

/* ---- Instances --------------------------------------------------------- */

/* Lay the fill patterns the debug checks expect over the whole arena. */
static void ea_debug_fill(struct ea_instance *inst)
{
	unsigned long index;
	unsigned int page, i;
	struct ea_loc loc;
	void *entry;

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
	xa_for_each(&inst->ids, index, entry) {
		if (xa_is_value(entry))
			continue;
		ea_loc_large(entry, &loc);
		memset(loc.mem + loc.size, EA_RED_ZONE, loc.class_size - loc.size);
	}
}

/* Everything as ea_create() leaves it; the metadata must be released. */
static void ea_init_state(struct ea_instance *inst)
{
	unsigned int i;

	memset(&inst->st, 0, sizeof(inst->st));
	memset(inst->pages, 0, inst->nr_pages * sizeof(*inst->pages));
	for (i = 0; i < inst->nr_pages; i++)
		INIT_LIST_HEAD(&inst->pages[i].buddy);
	for (i = 0; i <= EA_MAX_ORDER; i++)
		INIT_LIST_HEAD(&inst->free_area[i]);
	for (i = 0; i < EA_NR_CLASSES; i++) {
		INIT_LIST_HEAD(&inst->classes[i].partial);
		inst->classes[i].spare = NULL;
		inst->st.cls[i].size = ea_class_size(i);
	}
	ea_buddy_init(inst);
	memset(inst->arena, inst->debug ? EA_POISON_FREE : 0, inst->arena_size);
	if (inst->bitset)
		bitmap_zero(inst->bitset, inst->bitset_bits);
	inst->next_id = inst->first_id;
	inst->reserved_id = 0;
	inst->fail_nth = 0;
}

/* Free every slab, large area and ID; the arena is left as it is. */
static void ea_release_all(struct ea_instance *inst)
{
	unsigned long index;
	unsigned int page;
	void *entry;

	xa_for_each(&inst->ids, index, entry) {
		if (!xa_is_value(entry)) {
			struct ea_large *large = entry;

			vfree(large->area);
			kfree(large);
		}
	}
	xa_destroy(&inst->ids);
	for (page = 0; page < inst->nr_pages; page++)
		if (inst->pages[page].kind == EA_PAGE_SLAB)
			kfree(inst->pages[page].slab);
}

/**
 * ea_create() - create an instance
 * @p: parameters; the engine keeps no pointer to them
 * @err: set to the errno on failure; may be NULL
 *
 * Context: Process context; may sleep.
 * Return: the instance, or NULL with *@err set: -EINVAL for a capacity
 * under EA_MIN_CAPACITY, over @p->max_capacity (when not 0) or over
 * EA_MAX_ARENA, a bitset over EA_MAX_BITSET_BITS or a first ID over
 * INT_MAX; -ENOMEM when the kernel's memory does not suffice.
 */
struct ea_instance *ea_create(const struct ea_params *p, int *err)
{
	struct ea_instance *inst;
	u64 size;
	int ret = -EINVAL;

	if (!p || p->capacity < EA_MIN_CAPACITY || p->capacity > EA_MAX_ARENA ||
	    p->bitset_bits > EA_MAX_BITSET_BITS || p->first_id > INT_MAX)
		goto fail;
	size = PAGE_ALIGN(p->capacity);
	if (size > EA_MAX_ARENA || (p->max_capacity && size > p->max_capacity))
		goto fail;

	ret = -ENOMEM;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		goto fail;
	inst->arena_size = size;
	inst->nr_pages = size >> PAGE_SHIFT;
	inst->pages = kvcalloc(inst->nr_pages, sizeof(*inst->pages),
			       GFP_KERNEL_ACCOUNT);
	if (!inst->pages)
		goto free_inst;
	inst->arena = ea_vzalloc_area(size);
	if (!inst->arena)
		goto free_pages;
	inst->bitset_bits = p->bitset_bits;
	if (p->bitset_bits) {
		inst->bitset = bitmap_zalloc(p->bitset_bits, GFP_KERNEL_ACCOUNT);
		if (!inst->bitset)
			goto free_arena;
	}

	mutex_init(&inst->lock);
	xa_init_flags(&inst->ids, XA_FLAGS_ACCOUNT);
	inst->first_id = p->first_id ? p->first_id : 1;
	inst->quiet = p->quiet;
	inst->notify = p->notify;
	inst->priv = p->priv;
	inst->debug = p->debug;
	inst->op = EA_OP_CREATE;
	ea_init_state(inst);
	return inst;

free_arena:
	vfree(inst->arena);
free_pages:
	kvfree(inst->pages);
free_inst:
	kfree(inst);
fail:
	if (err)
		*err = ret;
	return NULL;
}

/**
 * ea_destroy() - destroy an instance
 * @inst: instance, or NULL
 *
 * Reports every live allocation as a leak (EA_EV_LEAK, in ID order), then
 * frees everything. Nobody else may use @inst any more.
 *
 * Context: Process context; may sleep.
 */
void ea_destroy(struct ea_instance *inst)
{
	unsigned long index;
	struct ea_loc loc;
	void *entry;

	if (!inst)
		return;
	mutex_lock(&inst->lock);
	inst->op = EA_OP_DESTROY;
	xa_for_each(&inst->ids, index, entry) {
		ea_loc_entry(inst, entry, &loc);
		ea_emit_loc(inst, EA_EV_LEAK, &loc, loc.owner);
	}
	ea_release_all(inst);
	mutex_unlock(&inst->lock);

	mutex_destroy(&inst->lock);
	bitmap_free(inst->bitset);
	vfree(inst->arena);
	kvfree(inst->pages);
	kfree(inst);
}

/**
 * ea_reset() - free everything and start again
 * @inst: instance
 *
 * Returns the instance to the state ea_create() left it in: no
 * allocations, statistics zeroed, the bitset cleared, the first ID next.
 * The same operations then give the same IDs and offsets again. Live
 * allocations are dropped silently (the count is in EA_EV_RESET's aux);
 * the debug setting is kept, an armed ea_fail_nth() is disarmed.
 *
 * Context: Process context; takes the instance lock and may sleep.
 * Return: 0.
 */
int ea_reset(struct ea_instance *inst)
{
	u64 live;

	mutex_lock(&inst->lock);
	inst->op = EA_OP_RESET;
	live = inst->st.live_allocs;
	ea_release_all(inst);
	ea_init_state(inst);
	inst->epoch++;
	ea_explain(inst, EA_EV_RESET, 0, 0, 0, live);
	mutex_unlock(&inst->lock);
	return 0;
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
	mutex_lock(&inst->lock);
	inst->op = EA_OP_DEBUG;
	if (on && !inst->debug)
		ea_debug_fill(inst);
	inst->debug = on;
	mutex_unlock(&inst->lock);
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

/* ---- Statistics and inspection ----------------------------------------- */

/**
 * ea_get_stats() - a snapshot of the statistics
 * @inst: instance
 * @st: filled; the formula of each field is beside it in ea_engine.h
 *
 * Context: Process context; takes the instance lock.
 */
void ea_get_stats(struct ea_instance *inst, struct ea_stats *st)
{
	u64 free_bytes;
	int order;

	mutex_lock(&inst->lock);
	*st = inst->st;
	st->capacity = inst->arena_size;
	st->pages_total = inst->nr_pages;
	st->pages_used = inst->nr_pages - st->pages_free;
	st->largest_free = 0;
	for (order = EA_MAX_ORDER; order >= 0; order--) {
		if (!list_empty(&inst->free_area[order])) {
			st->largest_free = PAGE_SIZE << order;
			break;
		}
	}
	st->internal_frag = st->live_allocated - st->live_requested;
	st->internal_frag_pct = st->live_allocated ?
		div64_u64(100 * st->internal_frag, st->live_allocated) : 0;
	/* Free memory beyond one largest block cannot form a bigger one. */
	free_bytes = min_t(u64, ea_page_offset(st->pages_free),
			   PAGE_SIZE << EA_MAX_ORDER);
	st->external_frag_pct = free_bytes ?
		div64_u64(100 * (free_bytes - st->largest_free), free_bytes) : 0;
	st->used_bytes = ea_used_bytes(inst);
	st->avail_bytes = inst->arena_size - st->used_bytes;
	st->bitset_bits = inst->bitset_bits;
	st->next_id = inst->next_id;
	st->debug = inst->debug;
	mutex_unlock(&inst->lock);
}

/**
 * ea_page_map() - describe the arena page by page
 * @inst: instance
 * @pages: array of @max entries, or NULL
 * @max: its size
 *
 * Context: Process context; takes the instance lock.
 * Return: the number of entries filled, min(@max, arena pages); with
 * @pages NULL, the number of arena pages.
 */
unsigned long ea_page_map(struct ea_instance *inst, struct ea_page_info *pages,
			  unsigned long max)
{
	unsigned long i, n;

	if (!pages)
		return inst->nr_pages;
	mutex_lock(&inst->lock);
	n = min_t(unsigned long, max, inst->nr_pages);
	for (i = 0; i < n; i++) {
		const struct ea_page *pg = &inst->pages[i];
		struct ea_page_info *pi = &pages[i];

		*pi = (struct ea_page_info) {
			.kind = pg->kind,
			.head = pg->head,
		};
		switch (pg->kind) {
		case EA_PAGE_FREE:
			if (pg->head)
				pi->order = pg->order;
			break;
		case EA_PAGE_SLAB:
			pi->cls = pg->cls;
			pi->used = pg->slab->inuse;
			pi->total = pg->slab->nr_slots;
			break;
		case EA_PAGE_BLOCK:
			pi->cls = pg->cls;
			pi->order = pg->order;
			pi->used = 1;
			pi->total = 1;
			break;
		case EA_PAGE_BLOCK_TAIL:
			pi->cls = inst->pages[pg->head_page].cls;
			break;
		}
	}
	mutex_unlock(&inst->lock);
	return n;
}

/**
 * ea_walk_allocs() - visit the live allocations in ID order
 * @inst: instance
 * @fn: called for each; a non-zero return stops the walk
 * @priv: passed to @fn
 *
 * @fn runs under the instance lock: it must not call the engine.
 * ea_for_each_alloc() is the same function.
 *
 * Context: Process context; takes the instance lock.
 * Return: 0, or the first non-zero value @fn returned.
 */
int ea_walk_allocs(struct ea_instance *inst,
		   int (*fn)(void *priv, const struct ea_alloc_info *a),
		   void *priv)
{
	struct ea_alloc_info info;
	unsigned long index;
	struct ea_loc loc;
	void *entry;
	int ret = 0;

	mutex_lock(&inst->lock);
	xa_for_each(&inst->ids, index, entry) {
		ea_loc_entry(inst, entry, &loc);
		ea_loc_info(&loc, &info);
		ret = fn(priv, &info);
		if (ret)
			break;
	}
	mutex_unlock(&inst->lock);
	return ret;
}

/**
 * ea_with_area() - lend a vmalloc'ed area, for mmap
 * @inst: instance
 * @offset: 0 for the arena, or the offset of a live large allocation
 * @fn: called with the area and its page-rounded size, under the lock
 * @priv: passed to @fn
 *
 * Nothing is counted or reported when no area starts at @offset: refusing
 * the mapping is the caller's business.
 *
 * Context: Process context; takes the instance lock (after mmap_lock).
 * Return: what @fn returns, or -ENOENT if no area starts at @offset.
 */
int ea_with_area(struct ea_instance *inst, u64 offset,
		 int (*fn)(void *priv, void *area, u64 size), void *priv)
{
	struct ea_loc loc;
	int ret = -ENOENT;

	mutex_lock(&inst->lock);
	if (!offset)
		ret = fn(priv, inst->arena, inst->arena_size);
	else if (offset >= EA_LARGE_BASE &&
		 ea_where(inst, offset, &loc) == EA_AT_START)
		ret = fn(priv, loc.mem, loc.class_size);
	mutex_unlock(&inst->lock);
	return ret;
}

/* ---- Self-check -------------------------------------------------------- */

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
	struct ea_class *c;
	void *entry;
	u64 csize;

	if (!slab || slab->page != page || slab->cls >= EA_NR_CLASSES ||
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
		entry = xa_load(&inst->ids, s->id);
		if (s->size > csize || (cls && s->size <= csize / 2) ||
		    !xa_is_value(entry) ||
		    xa_to_value(entry) != ea_slot_offset(slab, i))
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
	if (list_empty(&slab->node) != (n == 0 || n == slab->nr_slots))
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
	unsigned long index;
	struct ea_loc loc;
	void *entry;
	int ret = 0;

	mutex_lock(&inst->lock);
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
			    xa_load(&inst->ids, pg->blk.id) !=
			    xa_mk_value(ea_page_offset(page))) {
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
	xa_for_each(&inst->ids, index, entry) {
		if (index < inst->first_id || index >= inst->next_id) {
			ret = ea_bad(why, len, "ID %lu outside the issued range", index);
			goto out;
		}
		ea_loc_entry(inst, entry, &loc);
		if (loc.id != index || !loc.size) {
			ret = ea_bad(why, len, "ID %lu names ID %d", index, loc.id);
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
				ret = ea_bad(why, len, "large ID %lu: bad size", index);
				goto out;
			}
		}
	}
	/* The counters agree with the walk. */
	if (free_pages != inst->st.pages_free || live != inst->st.live_allocs ||
	    req != inst->st.live_requested || alloc != inst->st.live_allocated ||
	    nlarge != inst->st.large_count ||
	    large_bytes != inst->st.large_bytes ||
	    inst->st.allocs - inst->st.frees != live ||
	    ea_used_bytes(inst) > inst->arena_size) {
		ret = ea_bad(why, len,
			     "counters: free pages %llu/%llu, live %llu/%llu, requested %llu/%llu",
			     free_pages, inst->st.pages_free, live,
			     inst->st.live_allocs, req, inst->st.live_requested);
		goto out;
	}
	for (i = 0; i < EA_NR_CLASSES; i++) {
		const struct ea_class_stats *cs = &inst->st.cls[i];
		u64 per = ea_is_slab_class(i) ? ea_slots_per_slab(i) : 1;

		if (cs->slabs != slabs[i] || cs->slots_used != used[i] ||
		    cs->slots_total != slabs[i] * per ||
		    cs->allocs - cs->frees != used[i]) {
			ret = ea_bad(why, len, "class %u: slabs %llu/%llu used %llu/%llu",
				     i, cs->slabs, slabs[i], cs->slots_used,
				     used[i]);
			goto out;
		}
	}
out:
	mutex_unlock(&inst->lock);
	return ret;
}
