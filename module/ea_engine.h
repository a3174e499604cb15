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
#include <uapi/linux/edualloc.h>	/* the lists of errors, events, figures */

/*
 * The shapes the ABI fixes are the uapi header's; the engine's own names
 * for them (EA_*) are the same values. Those that carry a type of their
 * own are checked against the header where the device is built.
 */
#define EA_MIN_SHIFT		EDUALLOC_MIN_SHIFT	/* smallest class: 8 B */
#define EA_MAX_SHIFT		EDUALLOC_MAX_SHIFT	/* largest class: 256 KiB */
#define EA_NR_CLASSES		EDUALLOC_NR_CLASSES	/* MAX_SHIFT - MIN_SHIFT + 1 */
#define EA_SMALL_MAX		BIT(EA_MAX_SHIFT)	/* 262144 */
#define EA_CLASS_LARGE		EDUALLOC_CLASS_LARGE	/* class index of the large path */
#define EA_MAX_ORDER		6	/* buddy orders 0..6: 4 KiB..256 KiB */
#define EA_MIN_CAPACITY		(64UL * 1024)
#define EA_MAX_ARENA		BIT_ULL(32)	/* hard limit: page indexes fit a u32 */
#define EA_DEF_BITSET_BITS	EDUALLOC_DEF_BITSET_BITS
#define EA_MAX_BITSET_BITS	BIT(20)

/*
 * Offsets name allocations in an instance's "address space", which is also
 * its mmap layout: [0, arena size) is the arena; a large allocation with ID
 * id lives at EA_LARGE_BASE + ((u64)id << EA_LARGE_SHIFT).
 */
#define EA_LARGE_BASE		BIT_ULL(40)
#define EA_LARGE_SHIFT		EDUALLOC_LARGE_SHIFT	/* 30: a large area is < 1 GiB */

#define EA_POISON_FREE		EDUALLOC_POISON_FREE	/* freed slots: 0x6b, as POISON_FREE */
#define EA_RED_ZONE		EDUALLOC_RED_ZONE	/* slack past the request: 0xcc */

/*
 * Error kinds, events and operations are the uapi header's lists
 * (EDUALLOC_ERRORS, EDUALLOC_EVENTS, EDUALLOC_OPS), which say what each
 * one means; EA_ERR_X is EDUALLOC_ERR_X, the index in stats.errors[].
 */
#define EA_ENUM_ERR(NAME, name, err, words)	EA_ERR_##NAME,
#define EA_ENUM_EV(NAME, name, level)		EA_EV_##NAME,
#define EA_ENUM_OP(NAME, name)			EA_OP_##NAME,

enum ea_err_kind { EDUALLOC_ERRORS(EA_ENUM_ERR) EA_NR_ERR };

/* The public operation an event belongs to (struct ea_event.op). */
enum ea_op { EDUALLOC_OPS(EA_ENUM_OP) EA_NR_OPS };

/*
 * Engine events, for the log and tracepoints. ALLOC, FREE and REALLOC are
 * emitted on success only (err 0, aux = owner for ALLOC and FREE); a
 * refused request emits EA_EV_ERROR instead (err = -errno, aux = enum
 * ea_err_kind), whose op says which call was refused; EA_EV_CORRUPT has
 * err = the kind and aux = the bad byte. The explain events of an
 * operation come before its ALLOC, FREE or REALLOC.
 */
enum ea_event_type { EDUALLOC_EVENTS(EA_ENUM_EV) EA_NR_EVENTS };

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
	 * Called under the instance lock for every event (with per-CPU
	 * caches, ALLOC and FREE also from a CPU's cache, preemption off,
	 * without it); may be NULL. It must not call the engine back, nor
	 * sleep.
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
	/*
	 * Keep alloc_ns and free_ns (two clock reads per operation); also
	 * on for every instance while the module parameter timing_stats is.
	 */
	bool timing;
	/*
	 * The event types @notify wants, a bitmap of EA_NR_EVENTS bits that
	 * the caller owns and may change at any time (e.g. from the log's
	 * verbosity and which tracepoints are enabled); the engine reads it
	 * before it builds each event. NULL: every event.
	 */
	const unsigned long *events;
	/*
	 * ea_realloc() keeps an allocation where it is when its class does
	 * not change (a block may also grow into free buddies or give back
	 * its tail), instead of always moving it. Either way it gets a new ID.
	 */
	bool realloc_in_place;
	/*
	 * Per-CPU caches (ea_percpu.c): each CPU keeps a few free slots per
	 * small class and a range of IDs, and takes the instance lock only
	 * to refill or drain them. Faster under many threads; but which IDs
	 * and offsets a call gets then depends on the CPU that ran it.
	 */
	bool percpu;
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

/*
 * The figures: the uapi's lists (EDUALLOC_CLASS_STATS, EDUALLOC_STATS_*),
 * which say what each one is, plus what only the engine knows.
 */
#define EA_STATS_FIELD(bits, name)	u##bits name;

struct ea_class_stats {
	EDUALLOC_CLASS_STATS(EA_STATS_FIELD)
};

struct ea_stats {
	EDUALLOC_STATS_SCALARS(EA_STATS_FIELD)
	u64 errors[EA_NR_ERR];	/* per error kind */
	u32 debug;		/* 1 if the debug checks are on */
	u32 timing;		/* 1 if alloc_ns and free_ns are kept, else 0 (both 0) */
	u32 policy;		/* the free-list policy's number (ea_policy_name()) */
	struct ea_class_stats cls[EA_NR_CLASSES];
};

/* One arena page, for the heap map. */
enum ea_page_kind {
	EA_PAGE_FREE = EDUALLOC_PAGE_FREE,
	EA_PAGE_SLAB = EDUALLOC_PAGE_SLAB,
	EA_PAGE_BLOCK = EDUALLOC_PAGE_BLOCK,
	EA_PAGE_BLOCK_TAIL = EDUALLOC_PAGE_BLOCK_TAIL,
};

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
	bool in_place;		/* realloc: the allocation kept its place */
	u32 old_owner;		/* in place: what the allocation was */
	u64 old_size;
	u64 old_class_size;
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
