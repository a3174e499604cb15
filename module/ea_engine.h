/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edualloc engine: the allocator itself, with no knowledge of files, ioctls
 * or debugfs. The device (edualloc_main.c) and the observability layer sit
 * on top of this interface; the KUnit suite and the userspace build
 * (tests/engine/) drive it directly.
 *
 * Every function takes the instance lock itself; callers hold nothing.
 * Error codes are negative errnos; which error kind was counted is visible
 * in struct ea_stats.errors[].
 */
#ifndef _EA_ENGINE_H
#define _EA_ENGINE_H

#include <linux/bits.h>
#include <linux/types.h>

#define EA_MIN_SHIFT		3	/* smallest class: 8 B */
#define EA_MAX_SHIFT		18	/* largest class: 256 KiB */
#define EA_NR_CLASSES		(EA_MAX_SHIFT - EA_MIN_SHIFT + 1)	/* 16 */
#define EA_SMALL_MAX		BIT(EA_MAX_SHIFT)	/* 262144 */
#define EA_CLASS_LARGE		EA_NR_CLASSES	/* class index of the large path */
#define EA_MAX_ORDER		6	/* buddy orders 0..6: 4 KiB..256 KiB */
#define EA_MIN_CAPACITY		(64UL * 1024)
#define EA_MAX_ARENA		BIT_ULL(32)	/* hard limit: page indexes fit a u32 */
#define EA_DEF_BITSET_BITS	4096
#define EA_MAX_BITSET_BITS	BIT(20)

/*
 * Offsets name allocations in an instance's "address space", which is also
 * its mmap layout: [0, arena size) is the arena; a large allocation with ID
 * id lives at EA_LARGE_BASE + ((u64)id << EA_LARGE_SHIFT).
 */
#define EA_LARGE_BASE		BIT_ULL(40)
#define EA_LARGE_SHIFT		30	/* so a large area is < 1 GiB */

#define EA_POISON_FREE		0x6b	/* freed slots (as the kernel's POISON_FREE) */
#define EA_RED_ZONE		0xcc	/* slack between request and class size */

/* Error kinds, each counted separately. The errno returned is beside it. */
enum ea_err_kind {
	EA_ERR_ZERO_SIZE,	/* -EINVAL: a 0-byte request */
	EA_ERR_TOO_BIG,		/* -E2BIG: larger than the instance's capacity */
	EA_ERR_NO_SPACE,	/* -ENOMEM: more than what is left */
	EA_ERR_UNKNOWN_ID,	/* -ENOENT: an ID never issued (<= 0 or in the future) */
	EA_ERR_DOUBLE_FREE,	/* -EALREADY: an issued ID or a slot that is already free */
	EA_ERR_STALE_ID,	/* -ESTALE: ID and offset name different allocations */
	EA_ERR_BAD_OFFSET,	/* -EINVAL: offset not the start of a live allocation */
	EA_ERR_NO_ALLOC,	/* -ENOENT: offset in no live allocation (lookup) */
	EA_ERR_BAD_RANGE,	/* -EINVAL: read/write past the allocation's size */
	EA_ERR_BAD_BIT,		/* -EINVAL: bit index out of range */
	EA_ERR_NO_BITSET,	/* -EOPNOTSUPP: instance made without a bitset */
	EA_ERR_NO_IDS,		/* -ENOSPC: the ID space (1..INT_MAX) is used up */
	EA_ERR_KMEM,		/* -ENOMEM: kernel memory for metadata failed */
	EA_ERR_REDZONE,		/* detector: red zone overwritten (found on free) */
	EA_ERR_USE_AFTER_FREE,	/* detector: poison overwritten (found on reuse) */
	EA_ERR_FREED_ID,	/* -EALREADY: lookup, read, write or realloc of a freed ID */
	EA_NR_ERR
};

/* The public operation an event belongs to (struct ea_event.op). */
enum ea_op {
	EA_OP_NONE,
	EA_OP_CREATE,
	EA_OP_ALLOC,
	EA_OP_FREE,
	EA_OP_REALLOC,
	EA_OP_LOOKUP,
	EA_OP_READ,
	EA_OP_WRITE,
	EA_OP_BIT,
	EA_OP_RESET,
	EA_OP_DESTROY,
	EA_OP_DEBUG,
	EA_NR_OPS
};

/*
 * Engine events, for the log and tracepoints (explain level). ALLOC, FREE
 * and REALLOC are emitted on success only (err 0, aux = owner for ALLOC and
 * FREE); a refused request emits EA_EV_ERROR instead, whose op says which
 * call was refused. The explain events of an operation come before its
 * ALLOC, FREE or REALLOC line.
 */
enum ea_event_type {
	EA_EV_ALLOC,		/* id, size, cls, offset, err */
	EA_EV_FREE,		/* id, size, cls, offset, err */
	EA_EV_REALLOC,		/* id (new), size, cls, offset, aux = old id, err */
	EA_EV_CLASS,		/* size -> cls chosen, aux = bytes wasted */
	EA_EV_FREELIST_HIT,	/* cls, offset: slot taken from a partial slab */
	EA_EV_SLAB_REFILL,	/* cls, offset of the slab page; aux = 1: the spare */
	EA_EV_SLAB_SPARE,	/* cls, offset: an empty slab kept as the spare */
	EA_EV_SLAB_RELEASE,	/* cls, offset: an empty slab returned to buddy */
	EA_EV_BUDDY_SPLIT,	/* order (of the block split), offset */
	EA_EV_BUDDY_MERGE,	/* order (of the merged block), offset */
	EA_EV_LARGE_MAP,	/* size (page-rounded), offset */
	EA_EV_CORRUPT,		/* id, offset (of the first bad byte), aux = byte, err = kind */
	EA_EV_ERROR,		/* a refused request: err = -errno, aux = enum ea_err_kind */
	EA_EV_LEAK,		/* at destroy: id, size, cls, offset, aux = owner */
	EA_EV_RESET,		/* aux = live allocations dropped */
	EA_EV_UNDO,		/* id, size, cls, offset, aux = owner: an ALLOC taken back */
	EA_NR_EVENTS
};

struct ea_event {
	enum ea_event_type type;
	int id;
	int err;		/* 0, a negative errno, or for EA_EV_CORRUPT the kind */
	unsigned int cls;	/* class index 0..15, EA_CLASS_LARGE, or 0 */
	unsigned int order;
	u64 size;
	u64 offset;
	u64 aux;
	enum ea_op op;		/* the operation in progress */
};

struct ea_params {
	u64 capacity;		/* arena bytes; rounded up to whole pages */
	u64 max_capacity;	/* refuse capacity above this (-EINVAL) */
	u32 bitset_bits;	/* 0: no bitset */
	bool debug;		/* red zones, poisoning and their checks */
	/*
	 * Called under the instance lock for every event; may be NULL. It
	 * must not call the engine back, nor sleep on user memory.
	 */
	void (*notify)(void *priv, const struct ea_event *ev);
	void *priv;
	u32 first_id;		/* first ID to issue (0: 1); must be <= INT_MAX */
	bool quiet;		/* no printk for corruption (tests that corrupt on purpose) */
	/*
	 * Free-list policy (ea_policy.h): 0 for the module parameter
	 * buddy_policy's, else 1 + the policy's number (1: the engine's LIFO).
	 */
	u32 policy;
};

struct ea_alloc_info {
	int id;
	unsigned int cls;	/* 0..15 or EA_CLASS_LARGE */
	u32 owner;		/* caller's tag (the device: the tgid) */
	u32 __pad;
	u64 offset;		/* start, in the instance's address space */
	u64 size;		/* requested bytes */
	u64 class_size;		/* bytes reserved: class size or page-rounded */
};

struct ea_class_stats {
	u64 size;		/* class size in bytes */
	u64 slabs;		/* slab pages (or buddy blocks) held, spare included */
	u64 slots_total;	/* slabs * slots per slab */
	u64 slots_used;		/* live allocations of this class */
	u64 allocs;		/* successful allocations, ever */
	u64 frees;		/* successful frees, ever */
	u64 failures;		/* failed allocations that chose this class */
	u64 waste;		/* sum over live: class size - requested */
};

struct ea_stats {
	u64 capacity;		/* arena bytes (page-rounded) */
	u64 pages_total;	/* capacity / PAGE_SIZE */
	u64 pages_used;		/* pages_total - pages_free */
	u64 pages_free;		/* pages in buddy free lists */
	u64 largest_free;	/* bytes of the largest free buddy block */
	u64 live_allocs;	/* allocs - frees (large included) */
	u64 live_requested;	/* sum over live of the requested size */
	u64 live_allocated;	/* sum over live of the class (or rounded) size */
	u64 internal_frag;	/* live_allocated - live_requested */
	u32 internal_frag_pct;	/* 100 * internal_frag / live_allocated, 0 if none */
	/*
	 * 100 * (1 - largest_free / min(free bytes, largest block size)),
	 * 0 if none free: how far the largest free block falls short of the
	 * largest the free memory could form (blocks stop at 256 KiB, so an
	 * empty 1 MiB arena, four such blocks, reads 0, not 75).
	 */
	u32 external_frag_pct;
	u64 peak_requested;	/* max ever of live_requested */
	u64 peak_allocated;	/* max ever of live_allocated */
	u64 used_bytes;		/* pages_used * PAGE_SIZE + large_bytes: the footprint */
	u64 peak_used;		/* max ever of used_bytes */
	u64 allocs;		/* successful allocations */
	u64 frees;		/* successful frees */
	u64 failed_allocs;	/* failed allocation requests */
	u64 large_count;	/* live large allocations */
	u64 large_bytes;	/* their page-rounded bytes (counted in capacity) */
	u64 alloc_ns;		/* total ns spent in successful allocations */
	u64 free_ns;		/* total ns spent in successful frees */
	u64 errors[EA_NR_ERR];	/* per error kind */
	u64 corruptions;	/* errors[REDZONE] + errors[USE_AFTER_FREE] */
	u32 bitset_bits;	/* 0 if none */
	u32 next_id;		/* the ID the next allocation gets */
	u32 debug;		/* 1 if the debug checks are on */
	u64 avail_bytes;	/* capacity - used_bytes: room for new footprint */
	u64 reallocs;		/* successful reallocs (each also one alloc + one free) */
	struct ea_class_stats cls[EA_NR_CLASSES];
};

/* One arena page, for the heap map. */
enum ea_page_kind { EA_PAGE_FREE, EA_PAGE_SLAB, EA_PAGE_BLOCK, EA_PAGE_BLOCK_TAIL };

struct ea_page_info {
	enum ea_page_kind kind;
	unsigned int cls;	/* SLAB and BLOCK: class index */
	unsigned int order;	/* FREE (head of a free block) and BLOCK: order */
	unsigned int used;	/* SLAB: slots in use; BLOCK: 1 */
	unsigned int total;	/* SLAB: slots per slab; BLOCK: 1 */
	bool head;		/* first page of a free or used block */
};

struct ea_instance;

struct ea_instance *ea_create(const struct ea_params *p, int *err);
void ea_destroy(struct ea_instance *inst);	/* reports leaks (EA_EV_LEAK) first */
int ea_reset(struct ea_instance *inst);

int ea_alloc(struct ea_instance *inst, u64 size, u32 owner, struct ea_alloc_info *out);

/*
 * A pending allocation, for a caller that may have to take it back: the
 * device, when it cannot write the result to userspace. ea_alloc_begin()
 * or ea_realloc_begin() fill it; then ea_commit() (needed after a
 * realloc, a no-op after an alloc) or ea_abort(). The fields are the
 * engine's business.
 */
struct ea_txn {
	u64 epoch;		/* the instance's resets when it was made */
	u64 ns;			/* what the allocation added to alloc_ns */
	u64 peak_requested;	/* the peaks before it */
	u64 peak_allocated;
	u64 peak_used;
	int id;			/* the new allocation */
	int old_id;		/* realloc: the allocation it replaces; else 0 */
	int slot_prev_id;	/* a slot's previous occupant, 0 if none */
	bool fresh_slab;	/* a slab was made for it */
};

int ea_alloc_begin(struct ea_instance *inst, u64 size, u32 owner,
		   struct ea_alloc_info *out, struct ea_txn *txn);
int ea_realloc_begin(struct ea_instance *inst, int id, u64 new_size,
		     u32 owner, struct ea_alloc_info *out, struct ea_txn *txn);
void ea_commit(struct ea_instance *inst, const struct ea_txn *txn);
int ea_abort(struct ea_instance *inst, const struct ea_txn *txn);
/*
 * id > 0 frees by ID; id == 0 frees by offset; both given must agree
 * (-ESTALE). With id > 0, offset 0 means "no offset given".
 */
int ea_free(struct ea_instance *inst, int id, u64 offset, struct ea_alloc_info *out);
/* Both given, offset 0 included: they must name the same allocation. */
int ea_free_both(struct ea_instance *inst, int id, u64 offset, struct ea_alloc_info *out);
/* Always a new ID and a new place; contents kept up to the smaller size. */
int ea_realloc(struct ea_instance *inst, int id, u64 new_size, u32 owner,
	       struct ea_alloc_info *out);
int ea_lookup_id(struct ea_instance *inst, int id, struct ea_alloc_info *out);
/* Any byte inside a live allocation -> that allocation. */
int ea_lookup_offset(struct ea_instance *inst, u64 offset, struct ea_alloc_info *out);
/* Copy between a kernel buffer and bytes [pos, pos + len) of allocation id. */
int ea_read(struct ea_instance *inst, int id, u64 pos, void *buf, size_t len);
int ea_write(struct ea_instance *inst, int id, u64 pos, const void *buf, size_t len);

int ea_bit_set(struct ea_instance *inst, u32 bit);
int ea_bit_clear(struct ea_instance *inst, u32 bit);
int ea_bit_get(struct ea_instance *inst, u32 bit);	/* 0 or 1, or -errno */
/* First set bit at or after 'from'; -ENOENT if none. */
int ea_bit_find(struct ea_instance *inst, u32 from, u32 *found);
int ea_bit_clear_all(struct ea_instance *inst);

void ea_get_stats(struct ea_instance *inst, struct ea_stats *st);
/* Per page of the arena: the number of pages filled (pages NULL: the count). */
unsigned long ea_page_map(struct ea_instance *inst, struct ea_page_info *pages,
			  unsigned long max);
/* Live allocations in ID order; stop early when fn returns non-zero. */
int ea_walk_allocs(struct ea_instance *inst,
		   int (*fn)(void *priv, const struct ea_alloc_info *a), void *priv);
/* The same from ID @start on (a cursor: the walk costs what it visits). */
int ea_walk_allocs_from(struct ea_instance *inst, int start,
			int (*fn)(void *priv, const struct ea_alloc_info *a), void *priv);
/*
 * The name the other layers use. A macro because checkpatch takes the
 * definition of any function named *for_each*() for a loop.
 */
#define ea_for_each_alloc(inst, fn, priv)	ea_walk_allocs(inst, fn, priv)

/*
 * For mmap: call fn, under the instance lock, with the vmalloc'ed area
 * that starts at 'offset' (0: the arena; else a large allocation's start)
 * and its page-rounded size. -ENOENT if no area starts there.
 */
int ea_with_area(struct ea_instance *inst, u64 offset,
		 int (*fn)(void *priv, void *area, u64 size), void *priv);

void ea_set_debug(struct ea_instance *inst, bool on);
unsigned int ea_class_of(u64 size);	/* EA_CLASS_LARGE above 256 KiB */
u64 ea_class_size(unsigned int cls);
int ea_errno(enum ea_err_kind kind);
const char *ea_err_name(enum ea_err_kind kind);
const char *ea_op_name(enum ea_op op);
const char *ea_event_name(enum ea_event_type type);

/* Walk every structure and check it against the others; 0 or -EUCLEAN. */
int ea_validate(struct ea_instance *inst, char *why, size_t len);
/* Fail the nth kernel-memory request the engine makes from now (0: off). */
void ea_fail_nth(struct ea_instance *inst, unsigned int nth);

#endif /* _EA_ENGINE_H */
