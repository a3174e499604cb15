// SPDX-License-Identifier: GPL-2.0
/*
 * replay: run CS:APP malloc-lab traces (.rep) through one allocator and
 * measure space and speed, as the lab's driver (mdriver) does.
 *
 * Two builds of this file:
 *   replay-malloc  malloc/realloc/free of whatever C library allocator the
 *                  process has: glibc's, or jemalloc's or mimalloc's with
 *                  LD_PRELOAD=libjemalloc.so.2 / libmimalloc.so.2. Which one
 *                  it is, is found at run time (mallctl, mi_version).
 *   replay-engine  the edualloc engine's userspace build (engine_backend.c).
 *
 * The traces and what is refused: userspace/common/rep.h (the loader is
 * the one `edualloc replay` uses). A 0-byte `a` or `r` allocates nothing
 * (the engine refuses 0 bytes, so no allocator is asked to), and `r ID 0`
 * frees.
 *
 * For each trace:
 *  1. the verify pass: every payload is filled with a pattern of its ID
 *     when allocated, checked before a realloc (and its kept part after),
 *     before a free and at the end, and its alignment is checked (16 bytes
 *     for malloc, 8 for the engine, whose smallest class is 8 bytes); two
 *     live blocks that overlap corrupt each other's pattern and are caught.
 *     It also measures space: utilization = peak live payload / peak
 *     footprint, where the footprint is what the allocator holds (below).
 *  2. speed passes: the same requests with no fill and no check, timed
 *     as a whole with CLOCK_MONOTONIC, repeated (at least --reps times and
 *     --min-time seconds); ops/s is the operations over the median pass.
 *     Freeing what a trace leaves live is not timed.
 *  --callgrind instead runs one untimed warm-up pass and one measured pass
 *     in replay_measured(), for `valgrind --tool=callgrind
 *     --collect-atstart=no --toggle-collect=replay_measured`: instructions
 *     per operation are its Ir over the operations.
 *
 * Footprint, per allocator (each the closest to the lab's "heap high-water
 * mark" that the allocator itself reports):
 *  engine    arena pages in use (not in the buddy free lists: partly used
 *            slabs count whole) plus large areas: ea_stats.peak_used, exact.
 *            Out-of-band metadata (slot arrays, page descriptors, the ID
 *            map) is not counted, as the kernel build keeps it in kmalloc.
 *  glibc     mallinfo2(): arena (bytes obtained with brk, free chunks
 *            inside included) + hblkhd (mmapped chunks), sampled after every
 *            request; the peak.
 *  jemalloc  stats.active (pages of extents with an object in use: slabs
 *            and large extents, the same notion as the engine's), after an
 *            epoch refresh, sampled after every request; the peak.
 *  mimalloc  mi_process_info()'s committed bytes, sampled after every
 *            request; the peak.
 * Each is taken relative to its value before the trace starts. The driver
 * itself never calls malloc (its memory comes from mmap, its output is
 * written after the measurements), so only the trace is measured.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rep.h"		/* the .rep loader, shared with `edualloc replay` */

#ifdef REPLAY_ENGINE
#include "engine_backend.h"
#endif

/* The lab's driver checks 8 bytes (malloc(5) may be 8-aligned only). */
#define ALIGNMENT	8

/* What a trace ID holds while it is live. */
struct block {
	bool live;
	uint64_t size;		/* 0: a 0-byte block, nothing allocated */
	unsigned char *addr;
	int id;			/* the engine's ID */
};

struct result {
	uint64_t allocs, reallocs, frees;
	uint64_t payload, peak_payload;
	uint64_t base_footprint, peak_footprint;
	uint64_t base_meta, peak_footprint_meta;	/* with out-of-band bookkeeping */
	uint64_t checks;
	double seconds;		/* median speed pass */
	unsigned int reps;
};

static struct {
	bool json, verify, speed, callgrind, debug, zero;
	unsigned int reps;
	double min_time;
	const char *name;
} opt = { .verify = true, .speed = true, .reps = 3, .min_time = 0.2 };

static const char *allocator = "glibc";

/* ---- Memory of the driver's own: mmap, never malloc ---------------------- */

/* rep_map() and rep_unmap() (rep.h): anonymous pages. */
#define xmap	rep_map
#define xunmap	rep_unmap

static __attribute__((format(printf, 1, 2))) int fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("replay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* ---- Allocators ------------------------------------------------------------------ */

#ifdef REPLAY_ENGINE

static struct engine *eng;

/* Twice the peak of reserved bytes plus 1 MiB, as `edualloc replay` sizes it. */
static uint64_t capacity_for(const struct rep_trace *t)
{
	uint64_t *held = xmap(t->nr_ids * sizeof(*held));
	uint64_t now = 0, peak = 0, page = engine_page_size();

	for (uint64_t i = 0; held && i < t->nr_ops; i++) {
		const struct rep_op *op = &t->ops[i];
		uint64_t want = 0;

		if (op->id < 0)
			continue;
		if (op->kind != 'f' && op->size > engine_small_max())
			want = (op->size + page - 1) / page * page;
		else if (op->kind != 'f' && op->size)
			for (want = 8; want < op->size; want <<= 1)
				;
		now += want;
		peak = now > peak ? now : peak;
		now -= held[op->id];
		held[op->id] = want;
	}
	xunmap(held, t->nr_ids * sizeof(*held));
	return 2 * peak + (1 << 20);
}

static int alloc_setup(const struct rep_trace *t)
{
	int err;

	eng = engine_new(capacity_for(t), opt.debug, &err);
	if (!eng)
		return fail("%s: the engine's instance: %s", t->path, strerror(-err));
	return 0;
}

static void alloc_teardown(void)
{
	engine_delete(eng);
	eng = NULL;
}

/* Before each pass: a fresh instance, for the same requests to get the same places. */
static void alloc_restart(void)
{
	engine_reset(eng);
}

static inline bool do_malloc(struct block *b, uint64_t size, bool want_addr)
{
	return !engine_alloc(eng, size, &b->id, want_addr ? &b->addr : NULL);
}

static inline bool do_realloc(struct block *b, uint64_t size, bool want_addr)
{
	return !engine_realloc(eng, b->id, size, &b->id, want_addr ? &b->addr : NULL);
}

static inline void do_free(struct block *b)
{
	engine_free(eng, b->id);
}

static uint64_t footprint_now(void)
{
	return 0;	/* the engine keeps its own peak */
}

/*
 * The second footprint: the peak of arena pages and large areas in use,
 * plus how much the bookkeeping the engine keeps outside them grew at most
 * (slab descriptors, the ID map, large records: ea_stats.meta_bytes, whose
 * fixed part, the instance and its page descriptors, is in the base), so
 * that utilization compares honestly with allocators whose headers live
 * in their heap.
 */
static uint64_t meta_now(void)
{
	return engine_meta(eng);
}

static uint64_t footprint_peak(uint64_t sampled)
{
	return engine_peak_used(eng);
}

static const char *footprint_doc(void)
{
	return "arena pages in use + large areas (ea_stats.peak_used)";
}

static void detect_allocator(void)
{
	allocator = opt.debug ? "edualloc-engine-debug" : "edualloc-engine";
}

#define HAVE_META 1

#else /* the C library's malloc */

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);
/* mimalloc's mi_heap_area_t, as far as we read it. */
struct mi_area {
	void *blocks;
	size_t reserved;
	size_t committed;	/* bytes of blocks carved in this page so far */
	size_t used;
	size_t block_size;
};
typedef bool (*mi_visit_fn)(const void *heap, const struct mi_area *area, void *block,
			    size_t block_size, void *arg);
typedef bool (*mi_heap_visit_blocks_fn)(const void *heap, bool all, mi_visit_fn visit,
					void *arg);
typedef void *(*mi_heap_get_default_fn)(void);
static mallctl_fn je_mallctl;
static mi_heap_visit_blocks_fn mi_visit;
static mi_heap_get_default_fn mi_heap;
static bool glibc;

static bool contains(const char *s, const char *what)
{
	return s && strstr(s, what);
}

/*
 * Whose malloc() this is, from the object that defines it: dladdr() and
 * successful dlsym() calls allocate nothing, a failed dlsym() would.
 */
static void detect_allocator(void)
{
	void *(*fn)(size_t) = malloc;
	Dl_info info = { 0 };

	dladdr(*(void **)&fn, &info);
	if (contains(info.dli_fname, "jemalloc")) {
		allocator = "jemalloc";
		je_mallctl = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
	} else if (contains(info.dli_fname, "mimalloc")) {
		allocator = "mimalloc";
		mi_visit = (mi_heap_visit_blocks_fn)dlsym(RTLD_DEFAULT, "mi_heap_visit_blocks");
		mi_heap = (mi_heap_get_default_fn)dlsym(RTLD_DEFAULT, "mi_heap_get_default");
	} else if (contains(info.dli_fname, "libc.so")) {
		allocator = "glibc";
		glibc = true;
	} else {
		allocator = "malloc";	/* someone else's: no footprint */
	}
}

static int alloc_setup(const struct rep_trace *t)
{
	return 0;
}

static void alloc_teardown(void)
{
}

static void alloc_restart(void)
{
}

/* --zero: what the engine does, zeroed memory (calloc, and realloc's growth). */
static inline bool do_malloc(struct block *b, uint64_t size, bool want_addr)
{
	b->addr = opt.zero ? calloc(1, size) : malloc(size);
	return b->addr;
}

/* b->size is still the old size. */
static inline bool do_realloc(struct block *b, uint64_t size, bool want_addr)
{
	unsigned char *p = realloc(b->addr, size);

	if (!p)
		return false;
	b->addr = p;
	if (opt.zero && size > b->size)
		memset(p + b->size, 0, size - b->size);
	return true;
}

static inline void do_free(struct block *b)
{
	free(b->addr);
}

static bool mi_sum(const void *heap, const struct mi_area *area, void *block,
		   size_t block_size, void *arg)
{
	*(uint64_t *)arg += area->committed;
	return true;
}

static uint64_t footprint_now(void)
{
	if (mi_visit && mi_heap) {
		uint64_t sum = 0;

		mi_visit(mi_heap(), false, mi_sum, &sum);
		return sum;
	}
	if (je_mallctl) {
		uint64_t epoch = 1;
		size_t active = 0, sz = sizeof(epoch);

		je_mallctl("epoch", &epoch, &sz, &epoch, sz);
		sz = sizeof(active);
		if (je_mallctl("stats.active", &active, &sz, NULL, 0))
			return 0;
		return active;
	}
	if (glibc) {
		/* The brk heap up to its top chunk (its high-water) + mmapped. */
		struct mallinfo2 mi = mallinfo2();

		return mi.arena - mi.keepcost + mi.hblkhd;
	}
	return 0;
}

static uint64_t footprint_peak(uint64_t sampled)
{
	return sampled;
}

static const char *footprint_doc(void)
{
	if (mi_visit && mi_heap)
		return "sum of the heap's pages' committed bytes (mi_heap_visit_blocks), "
		       "sampled after each request";
	if (je_mallctl)
		return "stats.active (pages of extents in use), sampled after each request";
	if (!glibc)
		return "unknown";
	return "mallinfo2 arena - keepcost + hblkhd (brk heap below its top chunk + "
	       "mmapped chunks), sampled after each request";
}

#endif

/* ---- Passes --------------------------------------------------------------------- */

/* The byte a payload holds at index i: depends on the trace ID and i. */
static inline unsigned char pattern(int id, uint64_t i)
{
	return (unsigned char)((uint64_t)(id + 1) * 0x9e3779b1u + i * 7 + (i >> 8));
}

static void fill(const struct block *b, int id, uint64_t from)
{
	for (uint64_t i = from; i < b->size; i++)
		b->addr[i] = pattern(id, i);
}

static int check(const struct rep_trace *t, const struct rep_op *op, const struct block *b,
		 int id, uint64_t n, const char *when, struct result *r)
{
	r->checks++;
	for (uint64_t i = 0; i < n; i++)
		if (b->addr[i] != pattern(id, i))
			return fail("%s:%lu: %s: the payload of ID %d changed %s: byte %"
				    PRIu64 " is 0x%02x, not 0x%02x", t->path, op ? op->line : 0,
				    allocator, id, when, i, b->addr[i], pattern(id, i));
	return 0;
}

static int new_block(const struct rep_trace *t, const struct rep_op *op, struct block *b,
		     const char *what)
{
	if (((uintptr_t)b->addr & (ALIGNMENT - 1)) != 0)
		return fail("%s:%lu: %s: %s %d %" PRIu64 " returned %p, not %d-byte aligned",
			    t->path, op->line, allocator, what, op->id, op->size,
			    (void *)b->addr, ALIGNMENT);
	return 0;
}

/* Free what the trace left live; not timed. */
static void drain(const struct rep_trace *t, struct block *blocks)
{
	for (uint64_t i = 0; i < t->nr_ids; i++) {
		if (blocks[i].live && blocks[i].size)
			do_free(&blocks[i]);
		blocks[i].live = false;
	}
}

static int verify_pass(const struct rep_trace *t, struct block *blocks, struct result *r)
{
	uint64_t peak = 0, fp;
	int rc = 0;

	alloc_restart();
	r->base_footprint = footprint_now();
#ifdef HAVE_META
	r->base_meta = meta_now();
#endif
	for (uint64_t i = 0; i < t->nr_ops && !rc; i++) {
		const struct rep_op *op = &t->ops[i];
		struct block *b = op->id >= 0 ? &blocks[op->id] : NULL;
		uint64_t before = b && b->live ? b->size : 0;

		if (!b)
			continue;		/* free(NULL) */
		if (op->kind == 'a' || (op->kind == 'r' && (!b->live || !b->size))) {
			/* malloc, and realloc(NULL, n) */
			*b = (struct block){ .live = true, .size = op->size };
			if (op->size == 0)
				continue;
			if (!do_malloc(b, op->size, true))
				return fail("%s:%lu: %s: %c %d %" PRIu64 " failed", t->path,
					    op->line, allocator, op->kind, op->id, op->size);
			rc = new_block(t, op, b, "a");
			fill(b, op->id, 0);
			if (op->kind == 'a')
				r->allocs++;
			else
				r->reallocs++;
		} else if (op->kind == 'r' && op->size) {
			uint64_t old = b->size;

			rc = check(t, op, b, op->id, old, "before its realloc", r);
			if (rc)
				break;
			if (!do_realloc(b, op->size, true))
				return fail("%s:%lu: %s: r %d %" PRIu64 " failed", t->path,
					    op->line, allocator, op->id, op->size);
			b->size = op->size;
			rc = new_block(t, op, b, "r");
			if (!rc)
				rc = check(t, op, b, op->id, old < op->size ? old : op->size,
					   "in its realloc", r);
			fill(b, op->id, old);
			r->reallocs++;
		} else {	/* f, and realloc(p, 0) */
			if (b->size) {
				rc = check(t, op, b, op->id, b->size, "before its free", r);
				do_free(b);
			}
			b->live = false;
			r->frees++;
		}
		r->payload = r->payload - before + (b->live ? b->size : 0);
		if (r->payload > r->peak_payload)
			r->peak_payload = r->payload;
		if (op->kind != 'f') {
			fp = footprint_now();
			peak = fp > peak ? fp : peak;
		}
#ifdef HAVE_META
		fp = engine_meta(eng) - r->base_meta;
		if (fp > r->peak_footprint_meta)
			r->peak_footprint_meta = fp;
#endif
	}
	for (uint64_t i = 0; i < t->nr_ids && !rc; i++)
		if (blocks[i].live && blocks[i].size)
			rc = check(t, NULL, &blocks[i], (int)i, blocks[i].size,
				   "by the end of the trace", r);
	fp = footprint_peak(peak);
	r->peak_footprint = fp > r->base_footprint ? fp - r->base_footprint : 0;
#ifdef HAVE_META
	/* The exact peak in use, plus the bookkeeping's own peak growth. */
	r->peak_footprint_meta += r->peak_footprint;
#endif
	drain(t, blocks);
	return rc;
}

/*
 * The requests alone. Failures are counted, not reported: the verify pass
 * has shown that the same requests succeed.
 */
static inline __attribute__((always_inline)) uint64_t replay_ops(const struct rep_trace *t,
								 struct block *blocks)
{
	uint64_t failed = 0;

	for (uint64_t i = 0; i < t->nr_ops; i++) {
		const struct rep_op *op = &t->ops[i];
		struct block *b;

		if (op->id < 0)
			continue;
		b = &blocks[op->id];
		if (op->kind == 'a' || (op->kind == 'r' && (!b->live || !b->size))) {
			b->live = true;
			b->size = op->size;
			if (op->size && !do_malloc(b, op->size, false)) {
				failed++;
				b->size = 0;
			}
		} else if (op->kind == 'r' && op->size) {
			if (do_realloc(b, op->size, false))
				b->size = op->size;
			else
				failed++;
		} else {
			if (b->size)
				do_free(b);
			b->live = false;
		}
	}
	return failed;
}

/*
 * Two copies, so that callgrind can count the measured one alone (the
 * counter keeps the compiler from folding them into one).
 */
static unsigned int warmups;

static __attribute__((noinline, noclone)) uint64_t replay_measured(const struct rep_trace *t,
							  struct block *blocks)
{
	return replay_ops(t, blocks);
}

static __attribute__((noinline, noclone)) uint64_t replay_warmup(const struct rep_trace *t,
							struct block *blocks)
{
	warmups++;
	return replay_ops(t, blocks);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define MAX_REPS	201

static int speed_passes(const struct rep_trace *t, struct block *blocks, struct result *r)
{
	static double secs[MAX_REPS];
	double total = 0, t0;
	unsigned int n = 0;
	uint64_t failed;

	/* A warm-up pass first, not counted. */
	for (int warm = 1; n < MAX_REPS && (warm || n < opt.reps || total < opt.min_time);) {
		alloc_restart();
		t0 = now();
		failed = warm ? replay_warmup(t, blocks) : replay_measured(t, blocks);
		t0 = now() - t0;
		drain(t, blocks);
		if (failed)
			return fail("%s: %s: %" PRIu64 " requests failed in a speed pass",
				    t->path, allocator, failed);
		if (warm) {
			warm = 0;
			continue;
		}
		secs[n++] = t0;
		total += t0;
	}
	qsort(secs, n, sizeof(secs[0]), cmp_double);
	r->seconds = n % 2 ? secs[n / 2] : (secs[n / 2 - 1] + secs[n / 2]) / 2;
	r->reps = n;
	return 0;
}

static void report(const struct rep_trace *t, const struct result *r)
{
	double util = r->peak_footprint ? (double)r->peak_payload / (double)r->peak_footprint : 0;
	double util_meta = r->peak_footprint_meta ?
		(double)r->peak_payload / (double)r->peak_footprint_meta : 0;
	double ops_per_sec = r->seconds > 0 ? (double)t->nr_ops / r->seconds : 0;

	if (opt.json) {
		printf("{\"trace\": \"%s\", \"allocator\": \"%s\", \"ids\": %" PRIu64
		       ", \"ops\": %" PRIu64, t->name, opt.name ? opt.name : allocator,
		       t->nr_ids, t->nr_ops);
		if (opt.verify)
			printf(", \"allocs\": %" PRIu64 ", \"reallocs\": %" PRIu64
			       ", \"frees\": %" PRIu64 ", \"peak_payload\": %" PRIu64
			       ", \"peak_footprint\": %" PRIu64 ", \"utilization\": %.6f"
			       ", \"checks\": %" PRIu64 ", \"verified\": true"
			       ", \"footprint\": \"%s\"", r->allocs, r->reallocs, r->frees,
			       r->peak_payload, r->peak_footprint, util, r->checks,
			       footprint_doc());
		if (opt.verify && r->peak_footprint_meta)
			printf(", \"peak_footprint_meta\": %" PRIu64
			       ", \"utilization_meta\": %.6f", r->peak_footprint_meta, util_meta);
		if (opt.speed)
			printf(", \"seconds\": %.9f, \"reps\": %u, \"ops_per_sec\": %.1f",
			       r->seconds, r->reps, ops_per_sec);
		printf("}\n");
		return;
	}
	printf("%s on %s: %" PRIu64 " operations, %" PRIu64 " IDs\n", t->name,
	       opt.name ? opt.name : allocator, t->nr_ops, t->nr_ids);
	if (opt.verify) {
		printf("  peak live payload  %" PRIu64 " bytes\n", r->peak_payload);
		printf("  peak footprint     %" PRIu64 " bytes: %s\n", r->peak_footprint,
		       footprint_doc());
		printf("  utilization        %.1f%%\n", 100 * util);
		if (r->peak_footprint_meta)
			printf("  with bookkeeping   %.1f%% (peak %" PRIu64
			       " bytes: in use + out-of-band metadata)\n",
			       100 * util_meta, r->peak_footprint_meta);
		printf("  payloads           filled and checked %" PRIu64 " times: all intact\n",
		       r->checks);
	}
	if (opt.speed)
		printf("  throughput         %.0f operations per second (median of %u passes)\n",
		       ops_per_sec, r->reps);
}

static int run_trace(const char *path)
{
	struct result r = { 0 };
	struct block *blocks;
	struct rep_trace t;
	int rc = rep_load(path, &t);

	if (rc)
		return fail("%s", t.error);
	blocks = xmap(t.nr_ids * sizeof(*blocks));
	if (!rc && !blocks)
		rc = fail("%s: out of memory", path);
	if (!rc)
		rc = alloc_setup(&t);
	if (rc)
		goto out;
	if (opt.callgrind) {
		uint64_t failed;

		alloc_restart();
		replay_warmup(&t, blocks);
		drain(&t, blocks);
		alloc_restart();
		failed = replay_measured(&t, blocks);
		drain(&t, blocks);
		if (failed)
			rc = fail("%s: %s: %" PRIu64 " requests failed", path, allocator, failed);
		else if (opt.json)
			printf("{\"trace\": \"%s\", \"allocator\": \"%s\", \"ops\": %" PRIu64 "}\n",
			       t.name, opt.name ? opt.name : allocator, t.nr_ops);
	} else {
		if (opt.verify)
			rc = verify_pass(&t, blocks, &r);
		if (!rc && opt.speed)
			rc = speed_passes(&t, blocks, &r);
		if (!rc)
			report(&t, &r);
	}
	alloc_teardown();
out:
	xunmap(blocks, t.nr_ids * sizeof(*blocks));
	rep_free(&t);
	return rc;
}

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: replay [options] TRACE.rep...\n"
		"  --json          one JSON object per trace\n"
		"  --no-verify     no verify pass (no fill, check or utilization)\n"
		"  --no-speed      no speed passes\n"
		"  --reps N        at least N timed passes (default 3)\n"
		"  --min-time S    and at least S seconds of them (default 0.2)\n"
		"  --callgrind     a warm-up and one pass in replay_measured(), for\n"
		"                  valgrind --tool=callgrind --collect-atstart=no\n"
		"                  --toggle-collect=replay_measured\n"
		"  --name NAME     the allocator's name in the report\n"
#ifdef REPLAY_ENGINE
		"  --debug         the engine's debug checks on (default off)\n"
#else
		"  --zero          zeroed memory, as the engine gives: calloc, and\n"
		"                  realloc's growth zeroed\n"
#endif
		);
	return rc;
}

int main(int argc, char **argv)
{
	int i, rc = 0, nr = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json"))
			opt.json = true;
		else if (!strcmp(a, "--no-verify"))
			opt.verify = false;
		else if (!strcmp(a, "--no-speed"))
			opt.speed = false;
		else if (!strcmp(a, "--callgrind"))
			opt.callgrind = true;
#ifndef REPLAY_ENGINE
		else if (!strcmp(a, "--zero"))
			opt.zero = true;
#endif
#ifdef REPLAY_ENGINE
		else if (!strcmp(a, "--debug"))
			opt.debug = true;
#endif
		else if (!strcmp(a, "--reps") && i + 1 < argc)
			opt.reps = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(a, "--min-time") && i + 1 < argc)
			opt.min_time = atof(argv[++i]);
		else if (!strcmp(a, "--name") && i + 1 < argc)
			opt.name = argv[++i];
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return usage(0);
		else if (a[0] == '-' && a[1])
			return usage(2);
		else
			nr++;
	}
	if (!nr)
		return usage(2);
	if (opt.reps < 1)
		opt.reps = 1;
	detect_allocator();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--reps") || !strcmp(a, "--min-time") || !strcmp(a, "--name"))
			i++;
		else if (a[0] != '-' || !a[1])
			rc |= run_trace(a);
	}
	return rc;
}
