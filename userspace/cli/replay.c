// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc replay TRACE: run a CS:APP malloc-lab trace (.rep, read by
 * ../common/rep.c, which says what it holds) through the device.
 *
 * As the lab's driver does, every payload is filled with a pattern when
 * allocated and checked on realloc and free: a block that overlaps
 * another, or loses bytes in a move, is caught.
 *
 * Utilization = peak live payload / peak footprint, where the footprint is
 * what the allocator holds: arena pages in use plus large allocations
 * (STATS peak_used, exact on a fresh instance). With --json, on a fresh
 * instance and with the checks, also a second footprint, the peak used
 * plus the highest growth of the bookkeeping outside the arena (STATS
 * meta_bytes, read after every request, untimed), as bench/replay.c
 * reports the engine's.
 *
 * The private instance is made as libedualloc makes its own: with
 * EDUALLOC_CREATE_REALLOC_IN_PLACE where the module has it, so that a
 * realloc within its class (or a block that can grow into its free buddy)
 * stays where it is, as the programs that use the library see it.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"
#include "eadev.h"
#include "rep.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* What a trace ID holds while it is live. */
struct block {
	bool live;
	struct edualloc_alloc_info info;	/* info.id 0: a 0-byte block, no allocation */
	unsigned char *addr;			/* its bytes, through a mapping */
	struct mapping own;			/* a large block's own mapping */
};

/* The byte a payload holds at index i: depends on the trace ID and i. */
static unsigned char pattern(int id, uint64_t i)
{
	return (unsigned char)((uint64_t)(id + 1) * 0x9e3779b1u + i * 7 + (i >> 8));
}

/* What the allocator holds for 'size' bytes: a class slot or whole pages. */
static uint64_t reserved_for(uint64_t size, uint64_t page)
{
	if (size > EDUALLOC_SMALL_MAX)
		return (size + page - 1) / page * page;
	uint64_t cls = 8;

	while (cls < size)
		cls <<= 1;
	return cls;
}

/*
 * A capacity that holds the trace: twice the peak of reserved bytes (slabs
 * are partly empty, blocks split) plus a margin, within the module's limits.
 */
static uint64_t capacity_for(const struct rep_trace *t, const struct edualloc_version *v)
{
	uint64_t *held = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*held));
	uint64_t now = 0, peak = 0;

	if (!held)
		return v->max_capacity;
	for (uint64_t i = 0; i < t->nr_ops; i++) {
		const struct rep_op *op = &t->ops[i];
		uint64_t want = op->kind == 'f' ? 0 : reserved_for(op->size, v->page_size);

		if (op->id < 0)
			continue;
		now += want;		/* a realloc holds both blocks for a moment */
		if (now > peak)
			peak = now;
		now -= held[op->id];
		held[op->id] = want;
	}
	free(held);

	uint64_t cap = 2 * peak + (1 << 20);

	if (cap < v->min_capacity)
		cap = v->min_capacity;
	if (cap > v->max_capacity)
		cap = v->max_capacity;
	return cap;
}

struct replay {
	struct cli *c;
	const struct rep_trace *t;
	struct block *blocks;
	bool verify;
	uint64_t payload, peak_payload;
	uint64_t allocs, reallocs, frees, checks;
	double seconds;		/* in device calls */
	/* --json with the checks: STATS meta_bytes after each request */
	bool meta;
	uint64_t base_meta, peak_meta;	/* at the start; the highest growth */
};

/* Follow the bookkeeping outside the arena (STATS meta_bytes); untimed. */
static void sample_meta(struct replay *r)
{
	struct edualloc_stats st;

	if (!r->meta || dev_stats(r->c, &st))
		return;
	if (st.meta_bytes > r->base_meta && st.meta_bytes - r->base_meta > r->peak_meta)
		r->peak_meta = st.meta_bytes - r->base_meta;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Point b->addr at the block the kernel just described. */
static bool map_block(struct replay *r, struct block *b)
{
	b->own.addr = NULL;
	b->addr = dev_map_alloc(r->c, &b->info, &b->own);
	return b->addr != NULL;
}

static void fill(const struct block *b, int id, uint64_t from)
{
	for (uint64_t i = from; i < b->info.size; i++)
		b->addr[i] = pattern(id, i);
}

/* Check the first n payload bytes; report the first bad one. */
static int check(struct replay *r, const struct block *b, int id, uint64_t n,
		 const struct rep_op *op, const char *when)
{
	if (!r->verify)
		return 0;
	r->checks++;
	for (uint64_t i = 0; i < n; i++)
		if (b->addr[i] != pattern(id, i))
			return fail(r->c, "replay %s:%lu: the payload of ID %d changed %s: byte %"
				    PRIu64 " is 0x%02x, not 0x%02x", r->t->path, op->line, id, when,
				    i, b->addr[i], pattern(id, i));
	return 0;
}

static int do_alloc(struct replay *r, const struct rep_op *op, struct block *b)
{
	*b = (struct block){ .live = true };
	if (op->size == 0)
		return 0;	/* malloc(0): nothing to allocate, nothing to check */

	struct edualloc_alloc a = { .size = op->size };
	double t0 = now_seconds();
	int err = dev_ioctl(r->c, EDUALLOC_IOC_ALLOC, &a);

	if (!err) {
		b->info = a.info;
		if (!map_block(r, b))
			err = -errno;
	}
	r->seconds += now_seconds() - t0;
	if (err)
		return fail_op(r->c, a.info.id ? OP_MMAP : OP_ALLOC, -err, "replay %s:%lu: a %d %"
			       PRIu64, r->t->path, op->line, op->id, op->size);
	r->allocs++;
	if (r->verify)
		fill(b, op->id, 0);
	return 0;
}

static int do_free(struct replay *r, const struct rep_op *op, struct block *b)
{
	int rc = check(r, b, op->id, b->info.size, op, "before its free");

	if (rc)
		return rc;
	if (b->info.id) {
		double t0 = now_seconds();
		int err = eadev_free_id(r->c->fd, b->info.id);

		dev_unmap(&b->own);
		r->seconds += now_seconds() - t0;
		if (err)
			return fail_op(r->c, OP_FREE, -err, "replay %s:%lu: f %d", r->t->path,
				       op->line, op->id);
	}
	r->frees++;
	b->live = false;
	return 0;
}

static int do_realloc(struct replay *r, const struct rep_op *op, struct block *b)
{
	if (!b->live || !b->info.id) {	/* realloc(NULL, n) is malloc(n) */
		r->reallocs++;
		return do_alloc(r, op, b);
	}
	if (op->size == 0)		/* realloc(p, 0) frees p */
		return do_free(r, op, b);

	int rc = check(r, b, op->id, b->info.size, op, "before its realloc");

	if (rc)
		return rc;
	uint64_t old_size = b->info.size;
	struct edualloc_realloc re = { .id = b->info.id, .size = op->size };
	double t0 = now_seconds();
	int err = dev_ioctl(r->c, EDUALLOC_IOC_REALLOC, &re);

	if (!err) {
		dev_unmap(&b->own);	/* the old block is gone */
		b->info = re.info;
		if (!map_block(r, b))
			err = -errno;
	}
	r->seconds += now_seconds() - t0;
	if (err)
		return fail_op(r->c, OP_REALLOC, -err, "replay %s:%lu: r %d %" PRIu64, r->t->path,
			       op->line, op->id, op->size);
	r->reallocs++;
	rc = check(r, b, op->id, old_size < op->size ? old_size : op->size, op,
		   "in its realloc");
	if (!rc && r->verify)
		fill(b, op->id, old_size);
	return rc;
}

static int run_ops(struct replay *r)
{
	for (uint64_t i = 0; i < r->t->nr_ops; i++) {
		const struct rep_op *op = &r->t->ops[i];
		struct block *b = op->id >= 0 ? &r->blocks[op->id] : NULL;
		uint64_t before = b && b->live ? b->info.size : 0;
		int rc = 0;

		/* rep_load() checked the order: no 'a' of a live ID, no 'f' of a dead one. */
		switch (op->kind) {
		case 'a':
			rc = do_alloc(r, op, b);
			break;
		case 'r':
			rc = do_realloc(r, op, b);
			break;
		case 'f':
			if (b)	/* else free(NULL) */
				rc = do_free(r, op, b);
			break;
		}
		if (rc)
			return rc;
		sample_meta(r);
		r->payload = r->payload - before + (b && b->live ? b->info.size : 0);
		if (r->payload > r->peak_payload)
			r->peak_payload = r->payload;
	}
	return 0;
}

static void report(struct cli *c, const struct replay *r, const struct edualloc_stats *st)
{
	double util = st->peak_used ? (double)r->peak_payload / (double)st->peak_used : 0;
	double ops_per_sec = r->seconds > 0 ? (double)r->t->nr_ops / r->seconds : 0;
	char cap[32];

	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "replay");
		json_str(&j, "trace", r->t->path);
		json_strn(&j, "instance", st->name, strnlen(st->name, sizeof(st->name)));
		json_u64(&j, "capacity", st->capacity);
		json_u64(&j, "ids", r->t->nr_ids);
		json_u64(&j, "ops", r->t->nr_ops);
		json_u64(&j, "allocs", r->allocs);
		json_u64(&j, "reallocs", r->reallocs);
		json_u64(&j, "frees", r->frees);
		json_u64(&j, "peak_payload", r->peak_payload);
		json_u64(&j, "peak_footprint", st->peak_used);
		json_double(&j, "utilization", util);
		if (r->meta) {
			/* The second footprint: with the bookkeeping's peak growth. */
			uint64_t fm = st->peak_used + r->peak_meta;

			json_u64(&j, "peak_footprint_meta", fm);
			json_double(&j, "utilization_meta",
				    fm ? (double)r->peak_payload / (double)fm : 0);
		}
		json_double(&j, "seconds", r->seconds);
		json_double(&j, "ops_per_sec", ops_per_sec);
		json_bool(&j, "verified", r->verify);
		json_u64(&j, "checks", r->checks);
		json_end(&j);
		return;
	}
	printf("replay %s: %" PRIu64 " operations (%" PRIu64 " alloc, %" PRIu64 " realloc, %"
	       PRIu64 " free) on instance \"%.*s\" of %s\n", r->t->path, r->t->nr_ops, r->allocs,
	       r->reallocs, r->frees, EDUALLOC_NAME_MAX, st->name,
	       human_size(st->capacity, cap, sizeof(cap)));
	printf("  peak live payload   %" PRIu64 " bytes\n", r->peak_payload);
	printf("  peak footprint      %" PRIu64 " bytes (arena pages in use + large allocations)\n",
	       (uint64_t)st->peak_used);
	printf("  utilization         %.1f%%\n", 100 * util);
	printf("  time in the device  %.3f s: %.0f operations per second\n", r->seconds,
	       ops_per_sec);
	if (r->verify)
		printf("  payloads            filled and checked %" PRIu64 " times: all intact\n",
		       r->checks);
	else
		printf("  payloads            not checked (--no-verify)\n");
}

int verb_replay(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "no-verify", no_argument, NULL, 'V' },
		COMMON_OPTIONS, { 0 },
	};
	uint64_t capacity = 0;
	bool verify = true;
	int opt;

	if (replay_visual_wanted(argc, argv))	/* html.c */
		return verb_replay_visual(c, argc, argv);
	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "c:V", opts)) != -1) {
		switch (opt) {
		case 'c':
			if (!parse_size(optarg, &capacity))
				return usage_error(argv[0], "--capacity wants a size like 8M, not '%s'", optarg);
			break;
		case 'V':
			verify = false;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, 1, 1))
		return EXIT_USAGE;

	struct rep_trace t;
	int rc = rep_load(argv[optind], &t) ? fail(c, "replay %s", t.error) : 0;

	if (rc)
		return rc;

	/*
	 * A fresh private instance on a file of its own, unless -i named one:
	 * closing that file destroys it.
	 */
	bool own = !c->instance;
	struct cli mine = { .fd = -1, .json = c->json, .color = c->color };
	struct cli *dc = own ? &mine : c;

	rc = dev_open(dc);
	if (own && !rc) {
		struct edualloc_version v = { 0 };
		struct edualloc_create cr = { 0 };
		int err = dev_ioctl(dc, EDUALLOC_IOC_VERSION, &v);

		cr.capacity = capacity ? capacity : capacity_for(&t, &v);
		/* As libedualloc: reallocs stay in place where the module can. */
		if (v.features & EDUALLOC_FEAT_REALLOC_IN_PLACE)
			cr.flags |= EDUALLOC_CREATE_REALLOC_IN_PLACE;
		if (!err)
			err = dev_ioctl(dc, EDUALLOC_IOC_CREATE, &cr);
		if (err)
			rc = fail_op(c, OP_CREATE, -err, "replay %s: a private instance of %" PRIu64
				     " bytes", t.path, (uint64_t)cr.capacity);
		memcpy(dc->attached, cr.info.name, sizeof(dc->attached));
		dc->attached[sizeof(dc->attached) - 1] = '\0';
	}

	struct replay r = { .c = dc, .t = &t, .verify = verify };

	/*
	 * The second footprint (--json, with the checks, on a fresh instance):
	 * how much the bookkeeping grew at most, as bench/replay.c counts it.
	 */
	if (!rc && own && verify && c->json) {
		struct edualloc_stats st0;

		r.meta = !dev_stats(dc, &st0);
		r.base_meta = r.meta ? st0.meta_bytes : 0;
	}
	if (!rc) {
		r.blocks = calloc(t.nr_ids ? t.nr_ids : 1, sizeof(*r.blocks));
		rc = r.blocks ? run_ops(&r) : fail(c, "replay: out of memory");
	}

	struct edualloc_stats st;

	if (!rc) {
		int err = dev_stats(dc, &st);

		rc = err ? fail_op(c, OP_STATS, -err, "replay %s", t.path) : 0;
	}
	if (!rc)
		report(c, &r, &st);

	for (uint64_t i = 0; r.blocks && i < t.nr_ids; i++)
		dev_unmap(&r.blocks[i].own);
	if (own && dc->fd >= 0) {
		/* What the trace left live is not a leak to report: drop it. */
		struct edualloc_reset reset = { 0 };

		dev_ioctl(dc, EDUALLOC_IOC_RESET, &reset);
		dev_close(dc);
	}
	free(r.blocks);
	rep_free(&t);
	return rc;
}
