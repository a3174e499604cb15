/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's own types, shared by its chapters (ea_*.c, compiled as one
 * unit by ea_engine.c) and by nothing else: the other layers see only
 * ea_engine.h.
 *
 * struct ea_instance is the heap; struct ea_page describes one arena page,
 * as struct page does for the kernel; struct ea_slab and struct ea_slot are
 * a slab and its slots; struct ea_large a large area. All of it is kernel
 * memory, out of band: nothing here is ever read from the arena.
 *
 * The prototypes at the end are what each chapter offers the others.
 */
#ifndef _EA_INTERNAL_H
#define _EA_INTERNAL_H

#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "ea_engine.h"
#include "ea_policy.h"

#define EA_SLOT_END	U16_MAX		/* ends a slab's free list */
#define EA_NO_CLASS	(EA_CLASS_LARGE + 1)
#define EA_LARGE_MAX	BIT_ULL(EA_LARGE_SHIFT)
#define EA_ID_LEAF_SHIFT 6		/* a leaf of the ID map: 64 IDs, 512 B */
#define EA_ID_LEAF	BIT(EA_ID_LEAF_SHIFT)

/* Per-CPU caches (ea_percpu.c) */
#define EA_PCP_CLASSES	(PAGE_SHIFT - EA_MIN_SHIFT)	/* the slab classes */
#define EA_MAG_SIZE	16	/* free slots a CPU keeps per class */
#define EA_MAG_BATCH	8	/* slots a refill takes, a drain gives back */
#define EA_PCP_IDS	128	/* IDs a CPU reserves at a time */
#define EA_PCP_DEAD	32	/* freed IDs a CPU settles at a time */
#define EA_GRAVES	32	/* leaves waiting for a grace period */

/*
 * The out-of-line entries of the fast paths (ea_api.c, ea_percpu.c) start
 * on a cache line: otherwise where they fall moves with every unrelated
 * edit, and under QEMU's TCG, where make bench runs, one unlucky placement
 * of the same code made an alloc+free pair a third dearer (1.7x kzalloc
 * instead of 1.3x).
 */
#define __ea_entry	__aligned(64)

#ifndef kvfree_rcu_mightsleep	/* before 6.3: the one-argument kvfree_rcu() */
#define kvfree_rcu_mightsleep(ptr)	kvfree_rcu(ptr)
#endif

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
	/*
	 * Under the instance lock: 1 while live, plus one per ea_with_area()
	 * lending it. The last to let go frees it, after unlocking.
	 */
	unsigned int users;
	struct ea_large *next_dead;	/* on a struct ea_prep's dead list */
};

/*
 * A leaf of the ID map: where EA_ID_LEAF consecutive IDs live. An entry
 * is 0 when its ID is not live (never issued, or freed), (offset << 1) | 1
 * for an arena allocation, or the struct ea_large * of a large one.
 */
struct ea_idleaf {
	u64 ent[EA_ID_LEAF];
};

/* The top level of the ID map: one per leaf. */
struct ea_idtop {
	struct ea_idleaf *leaf;		/* NULL: none yet, or all its IDs dead */
	unsigned int live;		/* its live IDs */
};

/* What an operation needs from the kernel's allocators (ea_prepare()). */
enum {
	EA_NEED_SLAB	= BIT(0),	/* a slab descriptor */
	EA_NEED_LARGE	= BIT(1),	/* a large record and its area */
	EA_NEED_LEAF	= BIT(2),	/* a leaf of the ID map */
	EA_NEED_TOP	= BIT(3),	/* a bigger top level of the ID map */
};

/*
 * What an operation allocates before it takes the lock (anything that may
 * sleep), and what it frees after it lets go of it. Filled by
 * ea_prepare(), used under the lock, released by ea_prep_release().
 */
struct ea_prep {
	struct ea_slab *slab;		/* a slab descriptor, of class slab_cls */
	unsigned int slab_cls;
	struct ea_idleaf *leaf;		/* a zeroed leaf for the ID map */
	struct ea_idtop *top;		/* a bigger top level, of nr_top entries */
	unsigned int nr_top;
	struct ea_large *large;		/* a large record with its area */
	bool failed;			/* an allocation failed: refuse (kmem) */
	struct ea_idtop *old_top;	/* to free: the top level replaced */
	struct ea_large *dead;		/* to free: large areas let go of */
};

/* A CPU's free slots of one class: arena offsets, the next on top. */
struct ea_mag {
	unsigned int nr;
	u32 slot[EA_MAG_SIZE];
};

/*
 * A CPU's cache (ea_percpu.c). @lock protects every field, for this CPU's
 * fast paths; ea_pcp_stop() reads and empties it with them stopped.
 */
struct ea_pcp {
	local_lock_t lock;
	u32 id_next;			/* reserved IDs: [id_next, id_end) */
	u32 id_end;
	struct ea_idleaf *leaf;		/* their leaf of the ID map */
	unsigned int nr_dead;
	u32 dead[EA_PCP_DEAD];		/* freed IDs still counted in their leaf */
	u32 dead_leaf;			/* and as many in this leaf of the map */
	unsigned int dead_n;
	struct ea_mag mag[EA_PCP_CLASSES];
	/* Counters not yet in the instance's (mod 2^64), zeroed by ea_pcp_fold(). */
	struct {
		u64 live_requested;
		u64 live_allocated;
		u64 peak_requested;	/* the largest live bytes this CPU saw */
		u64 peak_allocated;
		u64 others_requested;	/* the other CPUs' live bytes, at the last sync */
		u64 others_allocated;
		struct {
			u64 allocs;
			u64 frees;
			u64 waste;
		} cls[EA_PCP_CLASSES];
	} ctr;
};

struct ea_class {
	struct list_head partial;	/* slabs with a free slot; the spare last */
	struct ea_slab *spare;		/* one empty slab kept, or NULL */
	struct list_head descs;		/* descriptors of released slabs, kept */
};

struct ea_instance {
	/*
	 * @lock serialises all public functions of the instance. It protects
	 * every field below it, the arena's fill patterns, and the contents
	 * of the slabs, large records and areas it reaches. It is a spinlock:
	 * nothing that may sleep runs under it. What an operation needs from
	 * the kernel's allocators it gets before (ea_prepare()), and what it
	 * frees that may sleep (vfree()) it frees after (ea_prep_release()).
	 * Lock order: @lock, then what @notify takes. ea_with_area()'s
	 * callback runs without it.
	 */
	spinlock_t lock;

	/* Fixed at creation. */
	void *arena;
	u64 arena_size;			/* page-rounded capacity */
	unsigned int nr_pages;
	u32 first_id;
	u32 bitset_bits;
	bool quiet;
	void (*notify)(void *priv, const struct ea_event *ev);
	void *priv;
	const struct ea_policy_ops *policy;	/* free-list policy (ea_policy.c) */
	unsigned int policy_index;

	/* Protected by @lock. */
	bool debug;
	enum ea_op op;			/* operation in progress, for events */
	unsigned int fail_nth;		/* see ea_fail_nth() */
	u32 next_id;
	u64 epoch;			/* resets so far: names a pending ea_txn's world */
	struct ea_page *pages;
	/*
	 * Per arena page, its slab or NULL: pages[i].slab, 8 bytes a page
	 * instead of 40, for the fast path's free (see ea_slab.c).
	 */
	struct ea_slab **slab_of;
	struct list_head free_area[EA_MAX_ORDER + 1];
	struct ea_class classes[EA_NR_CLASSES];
	u64 descs_bytes;		/* the classes' kept descriptors */
	struct ea_idtop *ids;		/* the ID map's top level (ea_idmap.c) */
	unsigned int nr_top;		/* its entries: IDs below nr_top << 9 */
	bool timing;			/* alloc_ns and free_ns kept */
	bool realloc_in_place;		/* see struct ea_params */
	/*
	 * During a realloc's move only: the new allocation's first bytes that
	 * the copy overwrites at once, so not zeroed first (ea_fill_new()).
	 */
	u64 fill_skip;
	bool grow_move;			/* the same, to grow: ea_buddy_alloc_roomy() */
	/* Per-CPU caches (ea_percpu.c): NULL in the deterministic default. */
	struct ea_pcp __percpu *pcp;
	unsigned int pcp_off;		/* ea_pcp_stop()s in progress */
	unsigned int nr_graves;
	struct ea_idleaf *graves[EA_GRAVES];	/* freed after a grace period */
	const unsigned long *events;	/* event types wanted (NULL: all) */
	/* For the fast path (ea_fast.c), kept by ea_fast_update(). */
	bool slow;			/* debug, timing, or every event wanted */
	const unsigned long *fast_events;	/* events wanted, never NULL */
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
	struct ea_prep *prep;	/* what was allocated for it before the lock */
};

/* ea_buddy_free(): leave each page's last_id as it is. */
#define EA_KEEP_LAST_ID	(-1)

/* Size classes (ea_classes.c) */
static bool ea_is_slab_class(unsigned int cls);
static unsigned int ea_slots_per_slab(unsigned int cls);
static unsigned int ea_block_order(unsigned int cls);

/* Events and refusals (ea_events.c) */
static bool ea_wants(struct ea_instance *inst, enum ea_event_type type);
static void ea_emit(struct ea_instance *inst, struct ea_event *ev);
static __always_inline void ea_explain(struct ea_instance *inst,
				       enum ea_event_type type,
				       unsigned int cls, unsigned int order,
				       u64 offset, u64 aux);
static int ea_refuse(struct ea_instance *inst, const struct ea_req *req,
		     enum ea_err_kind kind);
static int ea_refuse_id(struct ea_instance *inst, int id, int err);
static void ea_emit_loc(struct ea_instance *inst, enum ea_event_type type,
			const struct ea_loc *loc, u64 aux);

/* Kernel memory for metadata (ea_kmem.c) */
static void *ea_kmalloc(struct ea_instance *inst, size_t size);
static void *ea_vzalloc_area(unsigned long size);
static bool ea_prepare(struct ea_instance *inst, unsigned int needs,
		       unsigned int cls, u64 large_size, struct ea_prep *prep)
	__must_hold(&inst->lock);
static void ea_prep_release(struct ea_instance *inst, struct ea_prep *prep);

/* The ID map (ea_idmap.c) */
static bool ea_id_issued(struct ea_instance *inst, int id);
static u64 ea_id_get(struct ea_instance *inst, u32 id);
static u64 ea_id_entry(const struct ea_loc *loc);
static unsigned int ea_id_needs(struct ea_instance *inst);
static bool ea_id_ready(struct ea_instance *inst, struct ea_prep *prep);
static void ea_id_set(struct ea_instance *inst, u32 id, u64 entry);
static void ea_id_clear(struct ea_instance *inst, u32 id);
static u64 ea_id_next(struct ea_instance *inst, u32 *id);
static void ea_ids_release(struct ea_instance *inst);
static void ea_loc_entry(struct ea_instance *inst, u64 entry,
			 struct ea_loc *loc);
static int ea_find_id(struct ea_instance *inst, int id, struct ea_loc *loc);
static enum ea_where ea_where(struct ea_instance *inst, u64 offset,
			      struct ea_loc *loc);
static void ea_loc_info(const struct ea_loc *loc, struct ea_alloc_info *out);

/* The buddy allocator and its blocks (ea_buddy.c) */
static u64 ea_page_offset(unsigned int page);
static void *ea_page_mem(struct ea_instance *inst, unsigned int page);
static u64 ea_used_bytes(struct ea_instance *inst);
static bool ea_buddy_can_alloc(struct ea_instance *inst, unsigned int order);
static unsigned int ea_buddy_alloc(struct ea_instance *inst,
				   unsigned int order);
static void ea_buddy_free(struct ea_instance *inst, unsigned int page,
			  unsigned int order, int last_id);
static void ea_buddy_init(struct ea_instance *inst);
static void ea_loc_block(struct ea_instance *inst, unsigned int page,
			 struct ea_loc *loc);
static int ea_alloc_block(struct ea_instance *inst, struct ea_req *req,
			  u32 owner, struct ea_loc *loc);
static void ea_free_block(struct ea_instance *inst, struct ea_loc *loc,
			  int last_id);
static bool ea_block_can_grow(struct ea_instance *inst, unsigned int page,
			      unsigned int from, unsigned int to);
static void ea_block_resize(struct ea_instance *inst, unsigned int page,
			    unsigned int from, unsigned int to, int last_id);
static bool ea_block_alloc_quick(struct ea_instance *inst, u64 size,
				 u32 owner, struct ea_alloc_info *out,
				 struct ea_txn *txn);
static bool ea_block_free_quick(struct ea_instance *inst, int id,
				struct ea_alloc_info *out);

/* Free-list policies (ea_policy.c) */
static const struct ea_policy_ops *ea_policy_select(u32 policy,
						    unsigned int *index);

/* Slabs (ea_slab.c) */
static u64 ea_slot_offset(const struct ea_slab *slab, unsigned int slot);
static struct ea_slab *ea_slab_alloc(struct ea_instance *inst,
				     unsigned int cls);
static void ea_loc_slot(struct ea_instance *inst, struct ea_slab *slab,
			unsigned int slot, struct ea_loc *loc);
static int ea_alloc_slot(struct ea_instance *inst, struct ea_req *req,
			 u32 owner, struct ea_loc *loc);
static void ea_free_slot(struct ea_instance *inst, struct ea_loc *loc,
			 bool no_spare, int last_id);

/* The large path (ea_large.c) */
static u64 ea_large_offset(int id);
static void ea_loc_large(struct ea_large *large, struct ea_loc *loc);
static int ea_alloc_large(struct ea_instance *inst, struct ea_req *req,
			  u32 owner, struct ea_loc *loc);
static void ea_large_put(struct ea_instance *inst, struct ea_large *large,
			 struct ea_prep *prep);
static void ea_free_large(struct ea_instance *inst, struct ea_loc *loc,
			  struct ea_prep *prep);

/* Debug checks (ea_debug.c) */
static void ea_report(struct ea_instance *inst, enum ea_err_kind kind, int id,
		      u64 offset, u8 byte);
static bool ea_check_fill(struct ea_instance *inst, void *mem, u64 offset,
			  size_t len, u8 pattern, enum ea_err_kind kind, int id);
static void ea_fill_new(struct ea_instance *inst, struct ea_loc *loc,
			bool check, int last_id);

/* Statistics (ea_stats.c) */
static void ea_account(struct ea_instance *inst, unsigned int cls, u64 size,
		       u64 class_size);
static void ea_account_alloc(struct ea_instance *inst, const struct ea_loc *loc);
static void ea_account_free(struct ea_instance *inst, const struct ea_loc *loc);

/* The fast path (ea_fast.c) */
static void ea_fast_update(struct ea_instance *inst);
/* Per-CPU caches (ea_percpu.c) */
static void ea_pcp_live(struct ea_instance *inst, u64 *req, u64 *alloc);
static bool ea_pcp_grave(struct ea_instance *inst, struct ea_idleaf *leaf);
static void ea_pcp_bury(struct ea_instance *inst);
static bool ea_pcp_unissued(struct ea_instance *inst, u32 id);
static unsigned int ea_pcp_reserved_in(struct ea_instance *inst, unsigned int i);
static bool ea_pcp_claim(struct ea_instance *inst, const struct ea_loc *loc);
static void ea_pcp_stop(struct ea_instance *inst, bool keep_ids)
	__acquires(&inst->lock);
static void ea_pcp_start(struct ea_instance *inst) __releases(&inst->lock);
static void ea_pcp_stats(struct ea_instance *inst, struct ea_stats *st);

/* Allocation paths (ea_alloc.c) */
static unsigned int ea_alloc_needs(struct ea_instance *inst, u64 size);
static void ea_alloc_prepare(struct ea_instance *inst, u64 size,
			     struct ea_prep *prep);
static int ea_alloc_locked(struct ea_instance *inst, u64 size, u32 owner,
			   struct ea_loc *loc, struct ea_txn *txn,
			   struct ea_prep *prep);
static void ea_free_loc(struct ea_instance *inst, struct ea_loc *loc,
			struct ea_prep *prep, bool no_spare);
static int ea_free_target(struct ea_instance *inst, int id, u64 offset,
			  bool by_offset, struct ea_loc *loc);
static unsigned int ea_realloc_needs(struct ea_instance *inst, int id,
				     u64 new_size, bool whole);
static int ea_realloc_locked(struct ea_instance *inst, int id, u64 new_size,
			     u32 owner, struct ea_loc *loc, struct ea_txn *txn,
			     struct ea_prep *prep, bool whole);
static void ea_unrealloc_here(struct ea_instance *inst, struct ea_loc *loc,
			      const struct ea_txn *txn, bool exact);
static void ea_realloc_finish(struct ea_instance *inst,
			      const struct ea_txn *txn, struct ea_loc *loc,
			      struct ea_prep *prep);
static void ea_unalloc_loc(struct ea_instance *inst, struct ea_loc *loc,
			   const struct ea_txn *txn, bool exact,
			   struct ea_prep *prep);
static int ea_rw_target(struct ea_instance *inst, int id, u64 pos, size_t len,
			struct ea_loc *loc);

/* What an alloc, free or realloc reports to its caller, when it asks. */
static __always_inline void ea_info_fill(struct ea_alloc_info *out, int id,
					 unsigned int cls, u32 owner,
					 u64 offset, u64 size, u64 class_size)
{
	if (out)
		*out = (struct ea_alloc_info) {
			.id = id,
			.cls = cls,
			.owner = owner,
			.offset = offset,
			.size = size,
			.class_size = class_size,
		};
}

/* What ea_abort() needs to take back the allocation of @id about to be made. */
static __always_inline void ea_txn_new(const struct ea_instance *inst,
				       struct ea_txn *txn, int id)
{
	*txn = (struct ea_txn) {
		.epoch = inst->epoch,
		.peak_requested = inst->st.peak_requested,
		.peak_allocated = inst->st.peak_allocated,
		.peak_used = inst->st.peak_used,
		.id = id,
	};
}

#endif /* _EA_INTERNAL_H */
