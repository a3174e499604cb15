// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc engine: a small memory allocator, written to be read.
 *
 * An instance manages an *arena*: one vmalloc'ed region that userspace may
 * map, cut up by three cooperating allocators, the same layering the kernel
 * uses (the page allocator at the bottom, SLUB size classes on top, vmalloc
 * for what is too big). Every byte of bookkeeping lives outside the arena,
 * in kernel memory: userspace may write anything into the arena, and the
 * worst it can do is trip a detector.
 *
 * The engine is one compilation unit made of chapters, one per allocator
 * (as kernel/sched/build_policy.c gathers the scheduling classes), read in
 * this order:
 *
 *   ea_api.c       the public operations: the tour starts here
 *   ea_classes.c   size classes: which slot a request gets
 *   ea_slab.c      slabs: pages cut into slots, with their free lists
 *   ea_buddy.c     the buddy allocator: pages, and blocks of a page or more
 *   ea_policy.c    free-list policies, one per instance (ea_policy.h)
 *   ea_large.c     the large path: a vmalloc'ed area per request
 *   ea_idmap.c     the ID map: ID or offset -> allocation
 *   ea_alloc.c     the paths through them: alloc, free, realloc, undo
 *   ea_fast.c      the short path of the common small alloc and free
 *   ea_percpu.c    per-CPU caches (opt-in): the same, without the lock
 *   ea_debug.c     red zones, poison, ea_validate()
 *   ea_stats.c     statistics, the page map, the walk of live allocations
 *   ea_bitset.c    the optional bitset
 *   ea_events.c    events for the observability layer; error names
 *   ea_kmem.c      kernel memory for metadata; fault injection
 *   ea_instance.c  create, reset, destroy
 *
 * Their shared types are in ea_internal.h. Locking: one lock per instance,
 * taken by every public function (struct ea_instance.lock); the chapters
 * run under it. docs/architecture.md has the long version, with diagrams.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "ea_internal.h"

#include "ea_classes.c"
#include "ea_events.c"
#include "ea_kmem.c"
#include "ea_idmap.c"
#include "ea_buddy.c"
#include "ea_policy.c"
#include "ea_slab.c"
#include "ea_large.c"
#include "ea_debug.c"
#include "ea_stats.c"
#include "ea_bitset.c"
#include "ea_alloc.c"
#include "ea_fast.c"
#include "ea_percpu.c"
#include "ea_instance.c"
#include "ea_api.c"
