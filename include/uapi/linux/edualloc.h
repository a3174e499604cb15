/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edualloc: the userspace ABI of /dev/edualloc.
 *
 * This header is the whole contract between the kernel module and its
 * users (libedualloc, the edualloc CLI, students' own programs). It is
 * enough on its own to write a program against the device:
 *
 *	#include <fcntl.h>
 *	#include <stdio.h>
 *	#include <string.h>
 *	#include <sys/ioctl.h>
 *	#include <sys/mman.h>
 *	#include <linux/edualloc.h>
 *
 *	int fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
 *	struct edualloc_create c = { .capacity = 1 << 20, .bitset_bits = 0 };
 *	ioctl(fd, EDUALLOC_IOC_CREATE, &c);	// a private heap of 1 MiB
 *	struct edualloc_alloc a = { .size = 100 };
 *	ioctl(fd, EDUALLOC_IOC_ALLOC, &a);	// a.info.id, a.info.offset
 *	char *arena = mmap(NULL, c.info.capacity, PROT_READ | PROT_WRITE,
 *			   MAP_SHARED, fd, 0);
 *	strcpy(arena + a.info.offset, "hello");	// kernel memory, seen by READ
 *
 * Instances
 * ---------
 * An instance is one heap: an arena of 'capacity' bytes (a multiple of the
 * page size), the allocator's bookkeeping, and an optional bitset. Every
 * open file is attached to exactly one instance at a time and every
 * allocation ioctl works on that instance. There are three kinds:
 *
 *  - the shared instance, named "shared", made when the module is loaded:
 *    every open file starts attached to it (the class heap). It is one
 *    heap for the whole group: anyone may allocate, read, write and free
 *    any block in it; only CAP_SYS_ADMIN may RESET it or change its
 *    settings (CONFIG); nobody can destroy it.
 *  - named instances (CREATE with a name): live until DESTROY or module
 *    unload, owned by the creator's uid. Only the owner or CAP_SYS_ADMIN
 *    may ATTACH to, RESET, configure or DESTROY them.
 *  - private instances (CREATE with an empty name): belong to the open
 *    file that made them, and are destroyed when that file is closed
 *    (the last close, after fork or dup; a mapping holds the file open
 *    until munmap). LIST shows them as "pid<P>.<N>", a name nobody can
 *    attach to.
 *
 * Destroying an instance while other files are attached to it is safe:
 * their instance ioctls and mmap then fail with -EIDRM until they ATTACH
 * elsewhere, and mappings they already have stay valid (but are no longer
 * connected to any heap) until munmap.
 *
 * Offsets and mmap
 * ----------------
 * An allocation is named both by its ID (a positive int, issued in
 * increasing order and never reused until RESET) and by its offset in the
 * instance's address space, which is also its mmap offset. The allocator
 * is deterministic: the same calls on a new or reset instance give the
 * same IDs and offsets.
 *
 *  - small allocations (up to EDUALLOC_SMALL_MAX bytes) live in the arena,
 *    at offsets [0, capacity). mmap(fd, offset 0, length <= capacity,
 *    MAP_SHARED) maps the arena, so a small allocation is at
 *    arena + info.offset.
 *  - a large allocation with ID id has its own pages, at offset
 *    EDUALLOC_LARGE_BASE + ((__u64)id << EDUALLOC_LARGE_SHIFT), the
 *    info.offset that ALLOC returns: mmap it at that offset.
 *
 * A mapping must be MAP_SHARED (a file opened O_RDONLY maps for reading
 * only), must not be executable, and must lie inside the arena or inside
 * one large allocation. mmap() fails with:
 *	-EINVAL	MAP_PRIVATE, PROT_EXEC, or a range outside the arena and
 *		outside every live large allocation.
 *	-EIDRM	the attached instance was destroyed.
 *	-EACCES	PROT_WRITE on a file opened O_RDONLY (the kernel's rule), and
 *		mprotect() to PROT_EXEC later.
 * Bytes written through a mapping are the bytes READ returns, and the
 * reverse. Freeing, resetting or destroying never pulls pages from under
 * a mapping: they stay valid until munmap (the kernel then reuses the
 * arena bytes for new allocations, as any allocator would). A page
 * dropped with MADV_DONTNEED is mapped again on the next access from what
 * its offset names then (EDUALLOC_FEAT_REFAULT): the arena's page while
 * the instance lives, a large allocation's while it is live; SIGBUS after
 * DESTROY, or after FREE of that large allocation.
 * A 32-bit process passes mmap offsets in pages, in 32 bits: its ALLOC or
 * REALLOC of a large allocation whose pages would lie past 2^44 bytes (IDs
 * from 15360 on) fails with -EOVERFLOW and changes nothing.
 *
 * The debug checks (on by default) fill the bytes between the requested
 * size and the class size with EDUALLOC_RED_ZONE and freed slots with
 * EDUALLOC_POISON_FREE; damage to either is found on the next free or
 * reuse, counted in edualloc_stats.errors[] and .corruptions, and never
 * makes the kernel misbehave: it never follows anything stored in the
 * arena.
 *
 * Rules for every ioctl
 * ---------------------
 * The argument is a pointer to the struct named in the command. Fields
 * marked "in" are read, "out" are written (their input value is ignored),
 * "__pad"/"__reserved" fields and unknown flag bits must be zero: any
 * other value fails with -EINVAL, so that later versions can give them a
 * meaning. Besides the errors listed with each command, every command can
 * fail with:
 *	-EFAULT	the argument (or a buffer it points to) cannot be read or
 *		written. A command that fails with -EFAULT has changed
 *		nothing: if the result of a successful ALLOC, REALLOC or
 *		CREATE cannot be written back, the new allocation or
 *		instance is taken back first, uncounted (the statistics,
 *		the next ID and the peaks are as before; ALLOC's is logged
 *		as "undo").
 *	-ENOTTY	not an edualloc command (or a command of another version).
 * and every command that works on the attached instance (ALLOC and after)
 * with:
 *	-EIDRM	the instance this file is attached to has been destroyed.
 *	-EBADF	a command that changes something (CREATE, DESTROY, ALLOC,
 *		FREE, WRITE, REALLOC, RESET, BIT SET/CLEAR/CLEAR_ALL, CONFIG
 *		with a SET flag) on a file not opened for writing.
 * Errors returned by ioctl() are in errno, as usual. Input fields that
 * the call does not use (FREE's id or offset whose flag is clear,
 * LOOKUP's other way) must be zero too (EDUALLOC_FEAT_STRICT).
 *
 * The module's limits (module parameters, readable in VERSION) fail with
 * -EDQUOT: capacity above max_capacity, the instances' capacities adding
 * up to more than max_total_bytes, or more than max_instances instances;
 * per uid (EDUALLOC_FEAT_USERS), more than max_user_instances instances
 * or more than max_user_bytes bytes charged: capacities, bookkeeping
 * (2048 bytes per instance, 48 per arena page, 32 per live allocation,
 * charged 256 allocations at a time: ALLOC can fail with -EDQUOT) and the
 * length of each mapping of a large allocation. An instance stays charged
 * until it is destroyed and its last mapping is gone. CAP_SYS_RESOURCE is
 * spared the per-uid limits. Nothing is made in that case.
 *
 * PIDs (creator_pid, owner_pid, the P of "pid<P>.<N>") are those of the
 * caller's PID namespace, 0 for a process it cannot see.
 */
#ifndef _UAPI_LINUX_EDUALLOC_H
#define _UAPI_LINUX_EDUALLOC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define EDUALLOC_DEVICE		"/dev/edualloc"
#define EDUALLOC_ABI_VERSION	1

/* ioctl type byte: 0xEA is free in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define EDUALLOC_IOC_MAGIC	0xEA

/* VERSION features: what this module supports. */
#define EDUALLOC_FEAT_SHARED	(1ULL << 0)	/* the shared instance */
#define EDUALLOC_FEAT_NAMED	(1ULL << 1)	/* named instances */
#define EDUALLOC_FEAT_PRIVATE	(1ULL << 2)	/* private instances */
#define EDUALLOC_FEAT_MMAP	(1ULL << 3)	/* mmap of arena and large allocations */
#define EDUALLOC_FEAT_REALLOC	(1ULL << 4)
#define EDUALLOC_FEAT_BITSET	(1ULL << 5)
#define EDUALLOC_FEAT_DEBUG	(1ULL << 6)	/* red zones, poison, CONFIG debug */
#define EDUALLOC_FEAT_VALIDATE	(1ULL << 7)	/* VALIDATE */
#define EDUALLOC_FEAT_FAIL_NTH	(1ULL << 8)	/* CONFIG fail_nth */
#define EDUALLOC_FEAT_PAGES	(1ULL << 9)	/* PAGES */
#define EDUALLOC_FEAT_ALLOCS	(1ULL << 10)	/* ALLOCS */
#define EDUALLOC_FEAT_BATCH	(1ULL << 11)	/* BATCH */
#define EDUALLOC_FEAT_REALLOC_IN_PLACE (1ULL << 12) /* CREATE_REALLOC_IN_PLACE */
#define EDUALLOC_FEAT_STRICT	(1ULL << 13)	/* unused input fields must be zero */
#define EDUALLOC_FEAT_USERS	(1ULL << 14)	/* per-uid limits, write and admin rules */
#define EDUALLOC_FEAT_REFAULT	(1ULL << 15)	/* MADV_DONTNEED'd pages fault back in */
#define EDUALLOC_FEAT_PERCPU	(1ULL << 16)	/* CREATE_PERCPU: per-CPU caches */
#define EDUALLOC_FEATURES_V1	0x1ffULL	/* the first module's set */
#define EDUALLOC_FEATURES	0x1ffffULL	/* everything this header describes */

/*
 * The same bits as a list, in bit order, for the programs that name them:
 *	X(NAME, name)	EDUALLOC_FEAT_<NAME>
 * A new bit goes in both places (the CLI checks, when it is built, that the
 * list and EDUALLOC_FEATURES have the same bits).
 */
#define EDUALLOC_FEATURE_NAMES(X)					\
	X(SHARED, shared) X(NAMED, named) X(PRIVATE, private)		\
	X(MMAP, mmap) X(REALLOC, realloc) X(BITSET, bitset)		\
	X(DEBUG, debug) X(VALIDATE, validate) X(FAIL_NTH, fail_nth)	\
	X(PAGES, pages) X(ALLOCS, allocs) X(BATCH, batch)		\
	X(REALLOC_IN_PLACE, realloc_in_place) X(STRICT, strict)	\
	X(USERS, users) X(REFAULT, refault) X(PERCPU, percpu)

/* Sizes and shapes of the allocator (they match the module's engine). */
#define EDUALLOC_NAME_MAX	32	/* bytes, with the NUL: names are 1..31 chars */
#define EDUALLOC_MIN_SHIFT	3	/* smallest class: 8 bytes */
#define EDUALLOC_MAX_SHIFT	18	/* largest class: 256 KiB */
#define EDUALLOC_NR_CLASSES	16	/* class c holds 8 << c bytes */
#define EDUALLOC_CLASS_LARGE	16	/* 'cls' of a large allocation */
#define EDUALLOC_SMALL_MAX	(1ULL << EDUALLOC_MAX_SHIFT)
#define EDUALLOC_MIN_CAPACITY	(64ULL * 1024)
#define EDUALLOC_DEF_BITSET_BITS 4096
#define EDUALLOC_MAX_BITSET_BITS (1U << 20)
#define EDUALLOC_LARGE_BASE	(1ULL << 40)
#define EDUALLOC_LARGE_SHIFT	30
#define EDUALLOC_POISON_FREE	0x6b
#define EDUALLOC_RED_ZONE	0xcc

/*
 * The lists below are the one source of their facts: the module's engine
 * and log, libedualloc and the CLI all expand them (X-macros), so a new
 * entry is one line here. Each list is LIST(X) and calls X once per entry,
 * in order.
 *
 * Error kinds, each counted in edualloc_stats.errors[] at its index:
 *	X(NAME, name, errno, "words")
 * EDUALLOC_ERR_NAME is the index; 'name' is what the event log and debugfs
 * print (kind=double_free, error_double_free); errno is what the request
 * fails with (the two detectors refuse nothing: EFAULT stands for them);
 * "words" is how reports put it. New kinds are appended (the indices are
 * ABI).
 */
#define EDUALLOC_ERRORS(X)						\
	X(ZERO_SIZE,	 zero_size,	 EINVAL,     "zero-size request")	\
	X(TOO_BIG,	 too_big,	 E2BIG,	     "larger than the capacity") \
	X(NO_SPACE,	 no_space,	 ENOMEM,     "out of space")		\
	X(UNKNOWN_ID,	 unknown_id,	 ENOENT,     "unknown ID")		\
	X(DOUBLE_FREE,	 double_free,	 EALREADY,   "double free")		\
	X(STALE_ID,	 stale_id,	 ESTALE,     "ID and offset disagree")	\
	X(BAD_OFFSET,	 bad_offset,	 EINVAL,     "not the start of an allocation") \
	X(NO_ALLOC,	 no_alloc,	 ENOENT,     "offset in no allocation")	\
	X(BAD_RANGE,	 bad_range,	 EINVAL,     "read/write out of bounds") \
	X(BAD_BIT,	 bad_bit,	 EINVAL,     "bit index out of range")	\
	X(NO_BITSET,	 no_bitset,	 EOPNOTSUPP, "no bitset")		\
	X(NO_IDS,	 no_ids,	 ENOSPC,     "IDs used up")		\
	X(KMEM,		 kmem,		 ENOMEM,     "kernel memory ran out")	\
	X(REDZONE,	 redzone,	 EFAULT,     "red zone overwritten")	\
	X(USE_AFTER_FREE, use_after_free, EFAULT,    "use after free")		\
	X(FREED_ID,	 freed_id,	 EALREADY,   "freed ID used")

/*
 * What each kind means:
 *  ZERO_SIZE	a 0-byte request
 *  TOO_BIG	larger than the instance's capacity
 *  NO_SPACE	more than what is left
 *  UNKNOWN_ID	an ID never issued (<= 0 or not yet)
 *  DOUBLE_FREE	an issued ID, or a slot, that is already free
 *  STALE_ID	ID and offset name different allocations
 *  BAD_OFFSET	an offset that is not the start of a live allocation
 *  NO_ALLOC	an offset in no live allocation (LOOKUP)
 *  BAD_RANGE	READ or WRITE past the allocation's requested size
 *  BAD_BIT	a bit index out of range
 *  NO_BITSET	the instance was made without a bitset
 *  NO_IDS	the IDs 1..INT_MAX are used up
 *  KMEM	kernel memory for the bookkeeping ran out
 *  REDZONE	detector: a red zone was overwritten (found on free)
 *  USE_AFTER_FREE detector: freed memory was written (found on reuse)
 *  FREED_ID	LOOKUP, READ, WRITE or REALLOC of a freed ID
 */
#define __EDUALLOC_ERR_INDEX(NAME, name, err, words) EDUALLOC_ERR_##NAME,

enum edualloc_err_kind {
	EDUALLOC_ERRORS(__EDUALLOC_ERR_INDEX)
	EDUALLOC_NR_ERR
};

#undef __EDUALLOC_ERR_INDEX

/*
 * The event log (debugfs, see edualloc(4)): what the module's records and
 * tracepoints name. Not ioctl ABI, but the names are the log's format.
 *
 * Log levels, from 0 (the "verbosity" file and module parameter):
 *	X(NAME, name)
 */
#define EDUALLOC_LOG_LEVELS(X)						\
	X(OFF,		off)		/* log nothing */		\
	X(ERRORS,	errors)		/* refused calls, corruption, leaks */ \
	X(OPS,		ops)		/* and every operation */	\
	X(EXPLAIN,	explain)	/* and the allocator's decisions */

/*
 * Event types, in the order the engine numbers them, with the lowest log
 * level that records them:
 *	X(NAME, name, LEVEL)
 * ALLOC, FREE and REALLOC are successes; a refused request is an ERROR
 * (its op says which call). The explain events of an operation come
 * before its ALLOC, FREE or REALLOC record.
 */
#define EDUALLOC_EVENTS(X)						\
	X(ALLOC,	alloc,		OPS)	/* id, size, cls, offset */ \
	X(FREE,		free,		OPS)	/* id, size, cls, offset */ \
	X(REALLOC,	realloc,	OPS)	/* the new one; aux = old id */ \
	X(CLASS,	class,		EXPLAIN) /* size -> cls; aux = bytes wasted */ \
	X(FREELIST_HIT,	freelist_hit,	EXPLAIN) /* a slot from a partial slab */ \
	X(SLAB_REFILL,	slab_refill,	EXPLAIN) /* a new slab; aux = 1: the spare */ \
	X(SLAB_SPARE,	slab_spare,	EXPLAIN) /* an empty slab kept as the spare */ \
	X(SLAB_RELEASE,	slab_release,	EXPLAIN) /* an empty slab back to buddy */ \
	X(BUDDY_SPLIT,	buddy_split,	EXPLAIN) /* order of the block split */ \
	X(BUDDY_MERGE,	buddy_merge,	EXPLAIN) /* order of the merged block */ \
	X(LARGE_MAP,	large_map,	EXPLAIN) /* size (page-rounded), offset */ \
	X(CORRUPT,	corrupt,	ERRORS)	/* id, first bad byte; kind */ \
	X(ERROR,	error,		ERRORS)	/* a refused request; kind, errno */ \
	X(LEAK,		leak,		ERRORS)	/* at destroy: a live allocation */ \
	X(RESET,	reset,		OPS)	/* aux = live allocations dropped */ \
	X(UNDO,		undo,		OPS)	/* an ALLOC taken back (EFAULT) */

/* The public operations an event belongs to (the log's op=): X(NAME, name) */
#define EDUALLOC_OPS(X)							\
	X(NONE, none) X(CREATE, create) X(ALLOC, alloc) X(FREE, free)	\
	X(REALLOC, realloc) X(LOOKUP, lookup) X(READ, read)		\
	X(WRITE, write) X(BIT, bit) X(RESET, reset) X(DESTROY, destroy)	\
	X(DEBUG, debug)
#define EDUALLOC_ERR_SLOTS		32	/* size of errors[]: room for more */

/* Instance kinds (edualloc_inst_info.kind, edualloc_stats.kind). */
#define EDUALLOC_KIND_SHARED	1
#define EDUALLOC_KIND_NAMED	2
#define EDUALLOC_KIND_PRIVATE	3
/* The same as a list, for the programs that name them: X(NAME, name). */
#define EDUALLOC_KINDS(X)	X(SHARED, shared) X(NAMED, named) X(PRIVATE, private)

/* Instance flags (edualloc_inst_info.flags, edualloc_stats.inst_flags). */
#define EDUALLOC_INST_DEBUG	(1U << 0)	/* debug checks are on */
#define EDUALLOC_INST_BITSET	(1U << 1)	/* has a bitset */
#define EDUALLOC_INST_ATTACHED	(1U << 2)	/* the calling file is attached to it */
#define EDUALLOC_INST_PERCPU	(1U << 3)	/* made with EDUALLOC_CREATE_PERCPU */

/*
 * EDUALLOC_IOC_VERSION: what the module is and allows. Check
 * abi_version == EDUALLOC_ABI_VERSION, then features for anything newer.
 * Errors: none of its own (it always succeeds, but for -EFAULT).
 */
struct edualloc_version {
	__u32 abi_version;	/* out: EDUALLOC_ABI_VERSION */
	__u32 page_size;	/* out: mmap granularity */
	__u64 features;		/* out: EDUALLOC_FEAT_*, a subset of EDUALLOC_FEATURES */
	__u32 nr_classes;	/* out: EDUALLOC_NR_CLASSES */
	__u32 min_shift;	/* out: EDUALLOC_MIN_SHIFT */
	__u32 max_shift;	/* out: EDUALLOC_MAX_SHIFT */
	__u32 large_shift;	/* out: EDUALLOC_LARGE_SHIFT */
	__u64 large_base;	/* out: EDUALLOC_LARGE_BASE */
	__u64 min_capacity;	/* out: smallest capacity CREATE accepts */
	__u64 max_capacity;	/* out: limit: largest capacity of an instance */
	__u64 max_total_bytes;	/* out: limit: sum of all instances' capacities */
	__u64 total_bytes;	/* out: that sum now */
	__u32 max_instances;	/* out: limit: number of instances (shared included) */
	__u32 nr_instances;	/* out: that number now */
	__u32 def_bitset_bits;	/* out: EDUALLOC_DEF_BITSET_BITS, a sensible size */
	__u32 max_bitset_bits;	/* out: EDUALLOC_MAX_BITSET_BITS */
	/* EDUALLOC_FEAT_USERS (not written through EDUALLOC_IOC_VERSION_V1): */
	__u64 max_user_bytes;	/* out: limit per uid: capacities, bookkeeping, pinned mappings */
	__u64 user_bytes;	/* out: that sum now, for the caller's euid */
	__u32 max_user_instances; /* out: limit per uid: instances it owns */
	__u32 user_instances;	/* out: that number now, for the caller's euid */
};

/* The first VERSION, 88 bytes: still answered, with the first 88 bytes. */
#define EDUALLOC_VERSION_SIZE_V1	88

/* An instance, as CREATE, ATTACH and LIST report it. */
struct edualloc_inst_info {
	char name[EDUALLOC_NAME_MAX];	/* NUL-terminated, NUL-padded */
	__u32 id;		/* unique per module load, never reused */
	__u32 kind;		/* EDUALLOC_KIND_* */
	__u32 flags;		/* EDUALLOC_INST_* */
	__u32 owner_uid;	/* in the caller's user namespace */
	__u64 capacity;		/* arena bytes, page-rounded: the arena's mmap size */
	__u64 used_bytes;	/* arena pages in use plus large allocations, bytes */
	__u64 live_allocs;	/* allocations not yet freed */
	__u64 live_requested;	/* the bytes they asked for */
	__u32 bitset_bits;	/* 0: no bitset */
	__u32 nr_attached;	/* open files attached to it now */
	__u32 creator_pid;	/* the process that made it (0: the module) */
	__u32 __pad;
};

/*
 * EDUALLOC_IOC_CREATE: make an instance and attach this file to it.
 *  name	"" for a private instance (a file owns at most one); else 1 to
 *		31 characters of a-z 0-9 _ -, NUL-terminated, the bytes after
 *		the NUL zero.
 *  capacity	arena bytes, EDUALLOC_MIN_CAPACITY or more; rounded up to
 *		whole pages.
 *  bitset_bits	0 for none, else up to EDUALLOC_MAX_BITSET_BITS.
 *  first_id	the first ID to issue, 0 for 1 (at most INT_MAX: tests of
 *		running out of IDs start near the end).
 *  flags	EDUALLOC_CREATE_DEBUG_ON or _OFF override the module's
 *		default for the debug checks; EDUALLOC_CREATE_QUIET keeps
 *		corruption reports off the console (they are still counted
 *		and logged), for programs that damage the arena on purpose.
 *		EDUALLOC_CREATE_REALLOC_IN_PLACE: REALLOC keeps an
 *		allocation where it is when its size class does not change
 *		(a large one: when its page-rounded size does not; a block of
 *		a page or more also grows into free buddy blocks or gives back
 *		its tail), instead of always moving it; it still gets a new ID
 *		(and a large one a new offset, which names the ID). What
 *		libedualloc asks for; the default keeps the first contract.
 *		EDUALLOC_CREATE_PERCPU (EDUALLOC_FEAT_PERCPU): per-CPU
 *		caches. Each CPU keeps a few free slots of each class below a
 *		page and a range of IDs, and takes the instance's lock only to
 *		refill or drain them in batches: faster under many threads,
 *		but NOT deterministic. IDs stay unique and rising per CPU but
 *		skip the ranges other CPUs hold (next_id jumps), and which
 *		offset an ALLOC gets depends on the CPU that ran it and what
 *		its cache holds; the same calls no longer give the same IDs
 *		and offsets. Every detector stays exact (a double free is
 *		refused however the frees race); the counters are summed over
 *		the CPUs when STATS asks; slots waiting in a cache count as
 *		free in PAGES and leak reports, but their slabs stay in use.
 *		A small REALLOC always moves. The fast paths serve only
 *		instances with the debug checks off and no event wanted;
 *		RESET, DESTROY, VALIDATE and turning the debug checks on
 *		empty every cache first. Off by default.
 * Errors:
 *	-EINVAL	bad name, capacity below EDUALLOC_MIN_CAPACITY, bitset_bits
 *		above the maximum, first_id above INT_MAX, unknown flags,
 *		both DEBUG flags, non-zero __pad.
 *	-EEXIST	the name is in use ("shared" always is), or, for a private
 *		instance, this file already owns one.
 *	-EDQUOT	a module limit: capacity > max_capacity, total bytes >
 *		max_total_bytes, or instances > max_instances.
 *	-ENOMEM	kernel memory for the arena or its bookkeeping.
 */
#define EDUALLOC_CREATE_DEBUG_ON	(1U << 0)
#define EDUALLOC_CREATE_DEBUG_OFF	(1U << 1)
#define EDUALLOC_CREATE_QUIET		(1U << 2)
#define EDUALLOC_CREATE_REALLOC_IN_PLACE	(1U << 4)
#define EDUALLOC_CREATE_PERCPU		(1U << 5)

struct edualloc_create {
	char name[EDUALLOC_NAME_MAX];	/* in */
	__u64 capacity;			/* in */
	__u32 bitset_bits;		/* in */
	__u32 flags;			/* in: EDUALLOC_CREATE_* */
	__u32 first_id;			/* in */
	__u32 __pad;
	struct edualloc_inst_info info;	/* out: the new instance */
};

/*
 * EDUALLOC_IOC_ATTACH: attach this file to another instance (a file's
 * private instance stays its own while it is attached elsewhere).
 *  name	a named instance, or "shared"; or "" with
 *		EDUALLOC_ATTACH_PRIVATE: this file's own private instance.
 * Errors:
 *	-EINVAL	bad name; PRIVATE with a name, or no name without PRIVATE;
 *		unknown flags; non-zero __pad.
 *	-ENOENT	no instance of that name; PRIVATE and this file has none.
 *	-EPERM	a named instance of another uid, and not CAP_SYS_ADMIN.
 *	-ENOMEM	kernel memory for the reply.
 */
#define EDUALLOC_ATTACH_PRIVATE		(1U << 0)

struct edualloc_attach {
	char name[EDUALLOC_NAME_MAX];	/* in */
	__u32 flags;			/* in: EDUALLOC_ATTACH_* */
	__u32 __pad;
	struct edualloc_inst_info info;	/* out: the instance now attached */
};

/*
 * EDUALLOC_IOC_DESTROY: destroy a named instance now (leak report
 * included). Files still attached get -EIDRM from then on.
 * Errors:
 *	-EINVAL	bad name (including ""), non-zero flags or __pad.
 *	-ENOENT	no named instance of that name.
 *	-EPERM	"shared"; or another uid's instance, and not CAP_SYS_ADMIN.
 */
struct edualloc_destroy {
	char name[EDUALLOC_NAME_MAX];	/* in */
	__u32 flags;			/* in: must be 0 */
	__u32 __pad;
};

/*
 * EDUALLOC_IOC_LIST: all instances, in creation order (shared first).
 *  buf		an array of 'max' struct edualloc_inst_info (may be 0 if
 *		max is 0, to learn 'total').
 *  count	entries written: min(max, total).
 * Errors:
 *	-EINVAL	non-zero flags.
 *	-EFAULT	buf cannot hold 'count' entries.
 *	-ENOMEM	kernel memory for the snapshot.
 */
struct edualloc_list {
	__u64 buf;		/* in: user pointer to struct edualloc_inst_info[max] */
	__u32 max;		/* in */
	__u32 flags;		/* in: must be 0 */
	__u32 count;		/* out */
	__u32 total;		/* out: instances that exist */
};

/* An allocation, as ALLOC, LOOKUP and REALLOC report it. */
struct edualloc_alloc_info {
	__s32 id;		/* > 0 */
	__u32 cls;		/* size class 0..15, or EDUALLOC_CLASS_LARGE */
	__u64 offset;		/* in the instance's address space = mmap offset */
	__u64 size;		/* requested bytes */
	__u64 class_size;	/* bytes reserved: class size, or page-rounded if large */
	__u32 owner_pid;	/* the process that allocated it */
	__u32 __pad;
};

/*
 * EDUALLOC_IOC_ALLOC: allocate 'size' bytes in the attached instance.
 * Errors:
 *	-EINVAL	size 0; non-zero flags or __pad.
 *	-E2BIG	size larger than the instance's capacity (or than 1 GiB).
 *	-ENOMEM	not enough free space left (or kernel memory).
 *	-ENOSPC	the instance has used up its IDs (RESET it).
 *	-EDQUOT	the owner's max_user_bytes, for the bookkeeping.
 *	-EOVERFLOW a 32-bit caller, and a large allocation it could not map.
 */
struct edualloc_alloc {
	__u64 size;				/* in */
	__u32 flags;				/* in: must be 0 */
	__u32 __pad;
	struct edualloc_alloc_info info;	/* out */
};

/*
 * EDUALLOC_IOC_FREE: free an allocation by ID, by offset (of its first
 * byte), or by both (they must name the same allocation). With the debug
 * checks on, a damaged red zone is reported and counted, and the free
 * still happens.
 * Errors:
 *	-EINVAL	neither or unknown flags; the field whose flag is clear is not
 *		0; BY_OFFSET alone and 'offset' is not the start of an
 *		allocation.
 *	-ENOENT	BY_ID and 'id' was never issued (or is <= 0).
 *	-EALREADY already freed: BY_ID, or BY_OFFSET where a freed
 *		allocation started.
 *	-ESTALE	both given and they name different allocations (for
 *		example a freed ID whose place was given to another).
 */
#define EDUALLOC_FREE_BY_ID		(1U << 0)
#define EDUALLOC_FREE_BY_OFFSET		(1U << 1)

struct edualloc_free {
	__s32 id;		/* in, with EDUALLOC_FREE_BY_ID */
	__u32 flags;		/* in: EDUALLOC_FREE_* */
	__u64 offset;		/* in, with EDUALLOC_FREE_BY_OFFSET */
};

/*
 * EDUALLOC_IOC_LOOKUP: ID -> allocation, or offset -> the allocation
 * whose requested bytes hold it (the slack past the requested size
 * belongs to none). Exactly one of the two flags.
 * Errors:
 *	-EINVAL	not exactly one flag; unknown flags; the other way's field
 *		(offset beside BY_ID, id beside BY_OFFSET) not 0.
 *	-ENOENT	BY_ID: never issued; BY_OFFSET: no live allocation there.
 *	-EALREADY BY_ID: that allocation was freed.
 */
#define EDUALLOC_LOOKUP_BY_ID		(1U << 0)
#define EDUALLOC_LOOKUP_BY_OFFSET	(1U << 1)

struct edualloc_lookup {
	__s32 id;				/* in, with BY_ID */
	__u32 flags;				/* in: EDUALLOC_LOOKUP_* */
	__u64 offset;				/* in, with BY_OFFSET */
	struct edualloc_alloc_info info;	/* out */
};

/*
 * EDUALLOC_IOC_READ / EDUALLOC_IOC_WRITE: copy 'len' bytes between the
 * user buffer 'buf' and bytes [pos, pos + len) of allocation 'id', within
 * its requested size (the red zone past it is seen through mmap only).
 * All or nothing: on any error no byte of the allocation has changed.
 * len 0 only checks the ID.
 * Errors:
 *	-EINVAL	pos + len beyond the allocation's requested size; non-zero
 *		flags.
 *	-ENOENT	'id' was never issued.
 *	-EALREADY that allocation was freed.
 *	-EFAULT	buf cannot be read (WRITE) or written (READ).
 *	-ENOMEM	kernel memory for the bounce buffer (at most 64 KiB: longer
 *		calls go a chunk at a time).
 */
struct edualloc_rw {
	__s32 id;		/* in */
	__u32 flags;		/* in: must be 0 */
	__u64 pos;		/* in: byte offset inside the allocation */
	__u64 len;		/* in */
	__u64 buf;		/* in: user pointer */
};

/*
 * EDUALLOC_IOC_REALLOC: move allocation 'id' to a new one of 'size'
 * bytes, keeping the contents up to the smaller of the two sizes. The new
 * allocation always has a new ID and offset (info); the old ID then reads
 * as freed. Both exist for a moment, so the capacity must hold both. On
 * -EFAULT while writing info back the new allocation is taken back and
 * the old one is untouched.
 * Errors:
 *	-EINVAL	size 0; non-zero flags.
 *	-ENOENT	'id' was never issued.
 *	-EALREADY that allocation was freed.
 *	-E2BIG, -ENOMEM, -ENOSPC, -EOVERFLOW as ALLOC (the old allocation is
 *		untouched).
 */
struct edualloc_realloc {
	__s32 id;				/* in */
	__u32 flags;				/* in: must be 0 */
	__u64 size;				/* in */
	struct edualloc_alloc_info info;	/* out */
};

/*
 * EDUALLOC_IOC_BIT: the instance's bitset.
 *  SET, CLEAR	bit 'bit' to 1 or 0.
 *  GET		value = bit 'bit' (0 or 1).
 *  FIND	value = the first set bit at or after 'bit'.
 *  CLEAR_ALL	every bit to 0 ('bit' must be 0).
 * Errors:
 *	-EINVAL	unknown op, 'bit' >= bitset_bits, non-zero flags.
 *	-EOPNOTSUPP the instance has no bitset.
 *	-ENOENT	FIND: no set bit at or after 'bit'.
 */
#define EDUALLOC_BIT_SET	1
#define EDUALLOC_BIT_CLEAR	2
#define EDUALLOC_BIT_GET	3
#define EDUALLOC_BIT_FIND	4
#define EDUALLOC_BIT_CLEAR_ALL	5

struct edualloc_bit {
	__u32 op;		/* in: EDUALLOC_BIT_* */
	__u32 bit;		/* in */
	__u32 value;		/* out */
	__u32 flags;		/* in: must be 0 */
};

/*
 * The figures of EDUALLOC_IOC_STATS, as lists: the struct below, the
 * engine's own statistics, the device's copy, debugfs's stats file and the
 * CLI's JSON are all made from them. The order is the ABI's.
 *	X(bits, name)	a __u<bits> field
 *
 * One size class:
 */
#define EDUALLOC_CLASS_STATS(X)						\
	X(64, size)		/* class size in bytes */		\
	X(64, slabs)		/* slab pages (or buddy blocks) held */	\
	X(64, slots_total)	/* slots in those slabs */		\
	X(64, slots_used)	/* live allocations of this class */	\
	X(64, allocs)		/* successful allocations, ever */	\
	X(64, frees)		/* successful frees, ever */		\
	X(64, failures)		/* failed allocations that chose this class */ \
	X(64, waste)		/* sum over live: class size - requested */

/* The instance's counters, before errors[]: */
#define EDUALLOC_STATS_COUNTERS(X)					\
	X(64, capacity)		/* arena bytes */			\
	X(64, pages_total)	/* capacity / page size */		\
	X(64, pages_used)	/* pages_total - pages_free */		\
	X(64, pages_free)	/* pages in the buddy free lists */	\
	X(64, largest_free)	/* bytes of the largest free block */	\
	X(64, live_allocs)	/* allocs - frees */			\
	X(64, live_requested)	/* bytes asked for by live allocations */ \
	X(64, live_allocated)	/* bytes reserved for them */		\
	X(64, internal_frag)	/* live_allocated - live_requested */	\
	X(32, internal_frag_pct) /* 100 * internal_frag / live_allocated, 0 if none */ \
	/* 100 * (1 - largest_free / min(free bytes, 256 KiB)), 0 if none free */ \
	X(32, external_frag_pct)						\
	X(64, peak_requested)	/* highest live_requested */		\
	X(64, peak_allocated)	/* highest live_allocated */		\
	X(64, used_bytes)	/* pages used + large bytes: the footprint */ \
	X(64, peak_used)	/* highest used_bytes */		\
	X(64, avail_bytes)	/* capacity - used_bytes */		\
	X(64, allocs)		/* successful allocations */		\
	X(64, frees)		/* successful frees */			\
	X(64, reallocs)		/* successful reallocs (each one alloc + one free too) */ \
	X(64, failed_allocs)	/* refused allocation requests */	\
	X(64, large_count)	/* live large allocations */		\
	X(64, large_bytes)	/* their page-rounded bytes */		\
	X(64, alloc_ns)		/* time spent in successful allocations */ \
	X(64, free_ns)		/* time spent in successful frees */

/* ... and after it: */
#define EDUALLOC_STATS_MORE(X)						\
	X(64, corruptions)	/* red zone + use-after-free detections */ \
	X(32, bitset_bits)	/* 0 if none */				\
	X(32, next_id)		/* the ID the next allocation gets */

/*
 * ... and after cls[] (added later: EDUALLOC_IOC_STATS_V1 still answers
 * with the struct up to cls[], EDUALLOC_STATS_SIZE_V1 bytes):
 */
#define EDUALLOC_STATS_TAIL(X)						\
	/* bookkeeping bytes outside the arena, in kernel memory: the */ \
	/* instance, page and slab descriptors, the ID map, large records, */ \
	/* the bitset; used_bytes + meta_bytes is the whole footprint */ \
	X(64, meta_bytes)

/* Every scalar figure, in order: what a report of them all walks. */
#define EDUALLOC_STATS_SCALARS(X) EDUALLOC_STATS_COUNTERS(X) EDUALLOC_STATS_MORE(X) \
	EDUALLOC_STATS_TAIL(X)

#define __EDUALLOC_FIELD(bits, name) __u##bits name;

/* One size class, in EDUALLOC_IOC_STATS. */
struct edualloc_class_stats {
	EDUALLOC_CLASS_STATS(__EDUALLOC_FIELD)
};

/*
 * EDUALLOC_IOC_STATS: the attached instance's figures.
 * Errors:
 *	-EINVAL	non-zero flags or __pad.
 *	-ENOMEM	kernel memory for the snapshot.
 */
struct edualloc_stats {
	__u32 flags;			/* in: must be 0 */
	__u32 __pad;
	__u32 inst_id;			/* out: the rest too */
	__u32 kind;			/* EDUALLOC_KIND_* */
	__u32 inst_flags;		/* EDUALLOC_INST_* */
	__u32 nr_classes;		/* EDUALLOC_NR_CLASSES */
	char name[EDUALLOC_NAME_MAX];

	/* capacity ... free_ns: EDUALLOC_STATS_COUNTERS */
	EDUALLOC_STATS_COUNTERS(__EDUALLOC_FIELD)
	__u64 errors[EDUALLOC_ERR_SLOTS];	/* by EDUALLOC_ERR_* */

	/* corruptions, bitset_bits, next_id: EDUALLOC_STATS_MORE */
	EDUALLOC_STATS_MORE(__EDUALLOC_FIELD)
	struct edualloc_class_stats cls[EDUALLOC_NR_CLASSES];

	/* meta_bytes: EDUALLOC_STATS_TAIL (not in EDUALLOC_IOC_STATS_V1) */
	EDUALLOC_STATS_TAIL(__EDUALLOC_FIELD)
};

/* The first STATS, up to cls[]: still answered, with the first 1536 bytes. */
#define EDUALLOC_STATS_SIZE_V1	1536

#undef __EDUALLOC_FIELD

/*
 * EDUALLOC_IOC_RESET: make the attached instance as new: every
 * allocation dropped (no leak report), statistics zeroed, bitset cleared,
 * IDs from the first again. The debug setting is kept. Needs the owner
 * or CAP_SYS_ADMIN ("shared": CAP_SYS_ADMIN).
 * Errors:
 *	-EINVAL	non-zero flags or __pad.
 *	-EPERM	not allowed.
 */
struct edualloc_reset {
	__u32 flags;		/* in: must be 0 */
	__u32 __pad;
};

/*
 * EDUALLOC_IOC_CONFIG: read, and with the SET flags change, the attached
 * instance's settings. Changing debug needs its owner or CAP_SYS_ADMIN
 * ("shared": CAP_SYS_ADMIN); fail_nth always needs CAP_SYS_ADMIN.
 *  debug	in: 0 or 1 with SET_DEBUG, else 0; out: the current value.
 *		Turning the checks on lays the patterns afresh.
 *  fail_nth	in, with SET_FAIL_NTH: make the nth request for kernel
 *		memory the instance makes from now on fail (1: the next;
 *		0: disarm), once; for testing that calls unwind. Else 0.
 * Errors:
 *	-EINVAL	unknown flags; debug not 0/1; debug or fail_nth non-zero
 *		without their flag; non-zero __pad.
 *	-EPERM	a SET flag not allowed (see above).
 */
#define EDUALLOC_CONFIG_SET_DEBUG	(1U << 0)
#define EDUALLOC_CONFIG_SET_FAIL_NTH	(1U << 1)

struct edualloc_config {
	__u32 flags;		/* in: EDUALLOC_CONFIG_* */
	__u32 debug;		/* in/out */
	__u32 fail_nth;		/* in */
	__u32 __pad;
};

/*
 * EDUALLOC_IOC_VALIDATE: check the attached instance's bookkeeping, every
 * page, slab, free list, ID and counter against the others (it reads no
 * arena memory: what userspace wrote there cannot make it fail).
 *  consistent	out: 1 if all agree, else 0 with 'why' saying what not.
 * Errors:
 *	-EINVAL	non-zero flags or __pad.
 */
struct edualloc_validate {
	__u32 flags;		/* in: must be 0 */
	__u32 consistent;	/* out */
	char why[120];		/* out: NUL-terminated */
};

/*
 * EDUALLOC_IOC_PAGES: the attached instance's arena, one record per page
 * from page 0 (what debugfs's "map" draws, for any user of the device).
 *  buf		an array of 'max' struct edualloc_page (0 if max is 0).
 *  count	records written: min(max, total).
 * Errors:
 *	-EINVAL	non-zero flags.
 *	-EFAULT	buf cannot hold 'count' records.
 *	-ENOMEM	kernel memory for the snapshot.
 */
#define EDUALLOC_PAGE_FREE		0	/* in the buddy free lists */
#define EDUALLOC_PAGE_SLAB		1	/* a slab of small slots */
#define EDUALLOC_PAGE_BLOCK		2	/* first page of a block (one allocation) */
#define EDUALLOC_PAGE_BLOCK_TAIL	3	/* a further page of that block */

struct edualloc_page {
	__u8 kind;		/* EDUALLOC_PAGE_* */
	__u8 cls;		/* SLAB, BLOCK: the size class */
	__u8 order;		/* FREE (at a head) and BLOCK: buddy order */
	__u8 head;		/* 1: the first page of a free or used block */
	__u16 used;		/* SLAB: slots in use; BLOCK: 1 */
	__u16 total;		/* SLAB: slots in the slab; BLOCK: 1 */
};

struct edualloc_pages {
	__u64 buf;		/* in: user pointer to struct edualloc_page[max] */
	__u32 max;		/* in */
	__u32 flags;		/* in: must be 0 */
	__u32 count;		/* out */
	__u32 total;		/* out: pages in the arena */
};

/*
 * EDUALLOC_IOC_ALLOCS: the attached instance's live allocations in ID
 * order, starting at ID 'start_id' (0 or less: the first), at most
 * EDUALLOC_ALLOCS_MAX per call: to see them all, call again from the
 * last ID returned + 1 (a cursor: each call costs what it returns). Unlike
 * LOOKUP it never counts or logs a miss, so
 * tools may use it to look before they act.
 *  buf		an array of 'max' struct edualloc_alloc_info (0 if max is 0).
 *  count	entries written.
 *  total	live allocations in the instance (all of them).
 * Errors:
 *	-EINVAL	non-zero flags.
 *	-EFAULT	buf cannot hold 'count' entries.
 *	-ENOMEM	kernel memory for the snapshot.
 */
#define EDUALLOC_ALLOCS_MAX	4096

struct edualloc_allocs {
	__u64 buf;		/* in: user pointer to struct edualloc_alloc_info[max] */
	__u32 max;		/* in */
	__u32 flags;		/* in: must be 0 */
	__s32 start_id;		/* in */
	__u32 count;		/* out */
	__u64 total;		/* out */
};

/*
 * EDUALLOC_IOC_BATCH: many allocations and frees in one call, for
 * allocators layered on top (libedualloc-preload.so keeps a cache per
 * thread and takes and returns slots in batches). Each entry is exactly
 * an ALLOC or a FREE of the attached instance, counted, logged and
 * traced as one; they are carried out in order, every one of them
 * (a failing entry does not stop the others).
 *  entries	user pointer to struct edualloc_batch_entry[count].
 *  count	1..EDUALLOC_BATCH_MAX.
 *  done	out: entries that succeeded (err 0).
 *  failed	out: entries that failed (err < 0); done + failed = count.
 * An entry:
 *  op		EDUALLOC_BATCH_ALLOC: allocate 'size' bytes; out: id,
 *		offset, cls, as ALLOC's info.
 *		EDUALLOC_BATCH_FREE: free by 'id' (> 0), or, with id 0, by
 *		'offset' (the allocation's first byte); both given (id > 0
 *		and offset non-zero) must agree, as FREE with both flags.
 *		'size' must be 0; out: cls of what was freed.
 *  err		out: 0, or the error ALLOC or FREE would have returned
 *		(-EINVAL, -E2BIG, -ENOMEM, -ENOSPC, -ENOENT, -EALREADY,
 *		-ESTALE).
 * Errors of the call (the instance is then unchanged):
 *	-EINVAL	count 0 or above EDUALLOC_BATCH_MAX; non-zero flags; an
 *		entry with an unknown op, or a FREE with a non-zero size.
 *	-EFAULT	the entries cannot be read or written. Writability is
 *		checked before anything is done; if the results still
 *		cannot be written back (another thread unmapped them in
 *		between), the batch's allocations are taken back uncounted,
 *		as ALLOC's are, and its frees stand.
 *	-ENOMEM	kernel memory for the copy of the entries.
 *	-EDQUOT	the caller's uid cannot be charged the bookkeeping of the
 *		batch's ALLOC entries (max_user_bytes); nothing is done.
 *	-EBADF	the file is not open for writing.
 *	-EIDRM	the attached instance was destroyed.
 */
#define EDUALLOC_BATCH_MAX	256
#define EDUALLOC_BATCH_ALLOC	1
#define EDUALLOC_BATCH_FREE	2

struct edualloc_batch_entry {
	__u32 op;		/* in: EDUALLOC_BATCH_* */
	__s32 err;		/* out */
	__u64 size;		/* in: ALLOC's bytes; FREE: 0 */
	__u64 offset;		/* ALLOC: out; FREE: in */
	__s32 id;		/* ALLOC: out; FREE: in */
	__u32 cls;		/* out */
};

struct edualloc_batch {
	__u64 entries;		/* in: user pointer to struct edualloc_batch_entry[count] */
	__u32 count;		/* in */
	__u32 flags;		/* in: must be 0 */
	__u32 done;		/* out */
	__u32 failed;		/* out */
};

#define EDUALLOC_IOC_VERSION	_IOR(EDUALLOC_IOC_MAGIC, 0x00, struct edualloc_version)
#define EDUALLOC_IOC_VERSION_V1	_IOC(_IOC_READ, EDUALLOC_IOC_MAGIC, 0x00, EDUALLOC_VERSION_SIZE_V1)
#define EDUALLOC_IOC_CREATE	_IOWR(EDUALLOC_IOC_MAGIC, 0x01, struct edualloc_create)
#define EDUALLOC_IOC_ATTACH	_IOWR(EDUALLOC_IOC_MAGIC, 0x02, struct edualloc_attach)
#define EDUALLOC_IOC_DESTROY	_IOW(EDUALLOC_IOC_MAGIC, 0x03, struct edualloc_destroy)
#define EDUALLOC_IOC_LIST	_IOWR(EDUALLOC_IOC_MAGIC, 0x04, struct edualloc_list)
#define EDUALLOC_IOC_ALLOC	_IOWR(EDUALLOC_IOC_MAGIC, 0x10, struct edualloc_alloc)
#define EDUALLOC_IOC_FREE	_IOW(EDUALLOC_IOC_MAGIC, 0x11, struct edualloc_free)
#define EDUALLOC_IOC_LOOKUP	_IOWR(EDUALLOC_IOC_MAGIC, 0x12, struct edualloc_lookup)
#define EDUALLOC_IOC_READ	_IOW(EDUALLOC_IOC_MAGIC, 0x13, struct edualloc_rw)
#define EDUALLOC_IOC_WRITE	_IOW(EDUALLOC_IOC_MAGIC, 0x14, struct edualloc_rw)
#define EDUALLOC_IOC_REALLOC	_IOWR(EDUALLOC_IOC_MAGIC, 0x15, struct edualloc_realloc)
#define EDUALLOC_IOC_BIT	_IOWR(EDUALLOC_IOC_MAGIC, 0x16, struct edualloc_bit)
#define EDUALLOC_IOC_STATS	_IOWR(EDUALLOC_IOC_MAGIC, 0x17, struct edualloc_stats)
#define EDUALLOC_IOC_STATS_V1	_IOC(_IOC_READ | _IOC_WRITE, EDUALLOC_IOC_MAGIC, 0x17, \
				     EDUALLOC_STATS_SIZE_V1)
#define EDUALLOC_IOC_RESET	_IOW(EDUALLOC_IOC_MAGIC, 0x18, struct edualloc_reset)
#define EDUALLOC_IOC_CONFIG	_IOWR(EDUALLOC_IOC_MAGIC, 0x19, struct edualloc_config)
#define EDUALLOC_IOC_VALIDATE	_IOWR(EDUALLOC_IOC_MAGIC, 0x1a, struct edualloc_validate)
#define EDUALLOC_IOC_PAGES	_IOWR(EDUALLOC_IOC_MAGIC, 0x1b, struct edualloc_pages)
#define EDUALLOC_IOC_ALLOCS	_IOWR(EDUALLOC_IOC_MAGIC, 0x1c, struct edualloc_allocs)
#define EDUALLOC_IOC_BATCH	_IOWR(EDUALLOC_IOC_MAGIC, 0x1d, struct edualloc_batch)

/*
 * The commands as a list, in number order, for the programs that go
 * through them all (tests, fuzzers): X(NAME, type) for EDUALLOC_IOC_<NAME>,
 * whose argument is a struct <type>. A new command goes in both places
 * (tests/style checks that they agree).
 */
#define EDUALLOC_COMMANDS(X)						\
	X(VERSION, edualloc_version) X(CREATE, edualloc_create)		\
	X(ATTACH, edualloc_attach) X(DESTROY, edualloc_destroy)		\
	X(LIST, edualloc_list) X(ALLOC, edualloc_alloc)			\
	X(FREE, edualloc_free) X(LOOKUP, edualloc_lookup)		\
	X(READ, edualloc_rw) X(WRITE, edualloc_rw)			\
	X(REALLOC, edualloc_realloc) X(BIT, edualloc_bit)		\
	X(STATS, edualloc_stats) X(RESET, edualloc_reset)		\
	X(CONFIG, edualloc_config) X(VALIDATE, edualloc_validate)	\
	X(PAGES, edualloc_pages) X(ALLOCS, edualloc_allocs)		\
	X(BATCH, edualloc_batch)
/* 0x20..0x2f: reserved for the event log and tracing controls. */

/*
 * The layout, pinned: every struct's size and every field's offset, the
 * same on 32- and 64-bit. The module and userspace (C11 or C++) both
 * compile these checks; one failing means a struct above changed and
 * broke the ABI.
 */
#if defined(__KERNEL__)
#include <linux/build_bug.h>
#include <linux/stddef.h>
#define __EDUALLOC_CHECK_LAYOUT
#elif defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
#include <assert.h>
#include <stddef.h>
#define __EDUALLOC_CHECK_LAYOUT
#endif

#ifdef __EDUALLOC_CHECK_LAYOUT

static_assert(EDUALLOC_NR_ERR <= EDUALLOC_ERR_SLOTS, "edualloc ABI");

static_assert(sizeof(struct edualloc_version) == 112, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, abi_version) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, page_size) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, features) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, nr_classes) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, min_shift) == 20, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_shift) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, large_shift) == 28, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, large_base) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, min_capacity) == 40, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_capacity) == 48, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_total_bytes) == 56, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, total_bytes) == 64, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_instances) == 72, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, nr_instances) == 76, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, def_bitset_bits) == 80, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_bitset_bits) == 84, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_user_bytes) == EDUALLOC_VERSION_SIZE_V1,
	      "edualloc ABI");
static_assert(offsetof(struct edualloc_version, user_bytes) == 96, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, max_user_instances) == 104, "edualloc ABI");
static_assert(offsetof(struct edualloc_version, user_instances) == 108, "edualloc ABI");

static_assert(sizeof(struct edualloc_inst_info) == 96, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, name) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, id) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, kind) == 36, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, flags) == 40, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, owner_uid) == 44, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, capacity) == 48, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, used_bytes) == 56, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, live_allocs) == 64, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, live_requested) == 72, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, bitset_bits) == 80, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, nr_attached) == 84, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, creator_pid) == 88, "edualloc ABI");
static_assert(offsetof(struct edualloc_inst_info, __pad) == 92, "edualloc ABI");

static_assert(sizeof(struct edualloc_create) == 152, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, name) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, capacity) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, bitset_bits) == 40, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, flags) == 44, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, first_id) == 48, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, __pad) == 52, "edualloc ABI");
static_assert(offsetof(struct edualloc_create, info) == 56, "edualloc ABI");

static_assert(sizeof(struct edualloc_attach) == 136, "edualloc ABI");
static_assert(offsetof(struct edualloc_attach, name) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_attach, flags) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_attach, __pad) == 36, "edualloc ABI");
static_assert(offsetof(struct edualloc_attach, info) == 40, "edualloc ABI");

static_assert(sizeof(struct edualloc_destroy) == 40, "edualloc ABI");
static_assert(offsetof(struct edualloc_destroy, name) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_destroy, flags) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_destroy, __pad) == 36, "edualloc ABI");

static_assert(sizeof(struct edualloc_list) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_list, buf) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_list, max) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_list, flags) == 12, "edualloc ABI");
static_assert(offsetof(struct edualloc_list, count) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_list, total) == 20, "edualloc ABI");

static_assert(sizeof(struct edualloc_alloc_info) == 40, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, id) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, cls) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, offset) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, size) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, class_size) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, owner_pid) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc_info, __pad) == 36, "edualloc ABI");

static_assert(sizeof(struct edualloc_alloc) == 56, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc, size) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc, flags) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc, __pad) == 12, "edualloc ABI");
static_assert(offsetof(struct edualloc_alloc, info) == 16, "edualloc ABI");

static_assert(sizeof(struct edualloc_free) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_free, id) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_free, flags) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_free, offset) == 8, "edualloc ABI");

static_assert(sizeof(struct edualloc_lookup) == 56, "edualloc ABI");
static_assert(offsetof(struct edualloc_lookup, id) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_lookup, flags) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_lookup, offset) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_lookup, info) == 16, "edualloc ABI");

static_assert(sizeof(struct edualloc_rw) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_rw, id) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_rw, flags) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_rw, pos) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_rw, len) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_rw, buf) == 24, "edualloc ABI");

static_assert(sizeof(struct edualloc_realloc) == 56, "edualloc ABI");
static_assert(offsetof(struct edualloc_realloc, id) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_realloc, flags) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_realloc, size) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_realloc, info) == 16, "edualloc ABI");

static_assert(sizeof(struct edualloc_bit) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_bit, op) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_bit, bit) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_bit, value) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_bit, flags) == 12, "edualloc ABI");

static_assert(sizeof(struct edualloc_class_stats) == 64, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, size) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, slabs) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, slots_total) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, slots_used) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, allocs) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, frees) == 40, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, failures) == 48, "edualloc ABI");
static_assert(offsetof(struct edualloc_class_stats, waste) == 56, "edualloc ABI");

static_assert(sizeof(struct edualloc_stats) == 1544, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, flags) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, __pad) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, inst_id) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, kind) == 12, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, inst_flags) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, nr_classes) == 20, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, name) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, capacity) == 56, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, pages_total) == 64, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, pages_used) == 72, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, pages_free) == 80, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, largest_free) == 88, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, live_allocs) == 96, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, live_requested) == 104, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, live_allocated) == 112, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, internal_frag) == 120, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, internal_frag_pct) == 128, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, external_frag_pct) == 132, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, peak_requested) == 136, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, peak_allocated) == 144, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, used_bytes) == 152, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, peak_used) == 160, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, avail_bytes) == 168, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, allocs) == 176, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, frees) == 184, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, reallocs) == 192, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, failed_allocs) == 200, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, large_count) == 208, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, large_bytes) == 216, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, alloc_ns) == 224, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, free_ns) == 232, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, errors) == 240, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, corruptions) == 496, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, bitset_bits) == 504, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, next_id) == 508, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, cls) == 512, "edualloc ABI");
static_assert(offsetof(struct edualloc_stats, meta_bytes) == EDUALLOC_STATS_SIZE_V1,
	      "edualloc ABI");

static_assert(sizeof(struct edualloc_reset) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_reset, flags) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_reset, __pad) == 4, "edualloc ABI");

static_assert(sizeof(struct edualloc_config) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_config, flags) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_config, debug) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_config, fail_nth) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_config, __pad) == 12, "edualloc ABI");

static_assert(sizeof(struct edualloc_validate) == 128, "edualloc ABI");
static_assert(offsetof(struct edualloc_validate, flags) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_validate, consistent) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_validate, why) == 8, "edualloc ABI");

static_assert(sizeof(struct edualloc_page) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_page, kind) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_page, cls) == 1, "edualloc ABI");
static_assert(offsetof(struct edualloc_page, order) == 2, "edualloc ABI");
static_assert(offsetof(struct edualloc_page, head) == 3, "edualloc ABI");
static_assert(offsetof(struct edualloc_page, used) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_page, total) == 6, "edualloc ABI");

static_assert(sizeof(struct edualloc_pages) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_pages, buf) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_pages, max) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_pages, flags) == 12, "edualloc ABI");
static_assert(offsetof(struct edualloc_pages, count) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_pages, total) == 20, "edualloc ABI");

static_assert(sizeof(struct edualloc_allocs) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_allocs, buf) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_allocs, max) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_allocs, flags) == 12, "edualloc ABI");
static_assert(offsetof(struct edualloc_allocs, start_id) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_allocs, count) == 20, "edualloc ABI");
static_assert(offsetof(struct edualloc_allocs, total) == 24, "edualloc ABI");

static_assert(sizeof(struct edualloc_batch_entry) == 32, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch_entry, op) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch_entry, err) == 4, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch_entry, size) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch_entry, offset) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch_entry, id) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch_entry, cls) == 28, "edualloc ABI");

static_assert(sizeof(struct edualloc_batch) == 24, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch, entries) == 0, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch, count) == 8, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch, flags) == 12, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch, done) == 16, "edualloc ABI");
static_assert(offsetof(struct edualloc_batch, failed) == 20, "edualloc ABI");
#undef __EDUALLOC_CHECK_LAYOUT
#endif /* __EDUALLOC_CHECK_LAYOUT */

#endif /* _UAPI_LINUX_EDUALLOC_H */
