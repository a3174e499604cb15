// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc replay --html OUT.html TRACE: a page to scrub through a replay
 * in a browser; and replay --steps LIST [--engine]: the figures at chosen
 * steps, which the page must show at the same steps.
 *
 * The page is one self-contained file: its code and style (userspace/html/,
 * compiled in) and the data, all inline; nothing is fetched. The data is
 * the trace as the engine runs it: the engine compiled into this program
 * (userspace/model/), so the page can be made anywhere, module or not,
 * and shows exactly what the kernel decides (the guest tests check that
 * the device gives the same figures at the same steps). For each
 * operation: its result (ID, class, offset), the engine's decisions (the
 * explain-level events: class chosen, slab refilled, buddy split or
 * merged...), the arena pages it changed (old and new, so the page can
 * step backwards), and the figures after it, for the curves.
 *
 * A step is the state after that many operations: step 0 is the empty
 * instance, step N (the trace's operation count) the end.
 *
 * Trace format, capacity and semantics are replay's (replay.c): 'a ID 0'
 * allocates nothing, 'r ID 0' frees, 'r' of a free ID allocates; the
 * capacity fits the trace unless --capacity says otherwise; a realloc that
 * fits stays in place, as replay asks for it. A failing
 * operation (no space) is shown as failed and the replay goes on.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"
#include "../model/model.h"
#include "html_assets.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the trace ---------------------------------------------------------- */

struct vop {
	char kind;
	int tid;
	uint64_t size;
	unsigned long line;
};

struct vtrace {
	const char *path;
	uint64_t nr_ids, nr_ops;
	struct vop *ops;
};

static bool num(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && !errno;
}

/* The format replay.c reads (its header comment); errors name the line. */
static int vtrace_load(struct cli *c, const char *path, struct vtrace *t)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *w[5], *save;
	size_t cap = 0;
	long long hdr[4], v;
	int nh = 0, nw, rc = 0;
	unsigned long ln = 0;
	uint64_t n = 0;
	bool header = true;

	memset(t, 0, sizeof(*t));
	t->path = path;
	if (!f)
		return fail(c, "replay %s: %s", path, strerror(errno));
	while ((header || n < t->nr_ops) && getline(&line, &cap, f) >= 0) {
		ln++;
		nw = 0;
		save = NULL;
		for (char *tok = strtok_r(line, " \t\r\n", &save); tok && nw < 5;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			w[nw++] = tok;
		if (!nw || w[0][0] == '#')
			continue;
		if (header) {
			if (num(w[0], &v)) {
				for (int i = 0; i < nw; i++) {
					if (!num(w[i], &v) || v < 0 || nh == 4) {
						rc = fail(c, "replay %s:%lu: the header wants 2 or 4 "
							  "non-negative numbers", path, ln);
						goto out;
					}
					hdr[nh++] = v;
				}
				continue;
			}
			if (nh != 2 && nh != 4) {
				rc = fail(c, "replay %s:%lu: the header has %d numbers: want 4 or 2",
					  path, ln, nh);
				goto out;
			}
			t->nr_ids = (uint64_t)hdr[nh == 4 ? 1 : 0];
			t->nr_ops = (uint64_t)hdr[nh == 4 ? 2 : 1];
			t->ops = calloc(t->nr_ops ? t->nr_ops : 1, sizeof(*t->ops));
			if (!t->ops) {
				rc = fail(c, "replay %s: out of memory", path);
				goto out;
			}
			header = false;
			if (!t->nr_ops)
				break;
		}
		long long id, size = 0;
		bool sized = w[0][0] == 'a' || w[0][0] == 'r';

		if (strlen(w[0]) != 1 || !strchr("arf", w[0][0]) || nw != (sized ? 3 : 2) ||
		    !num(w[1], &id) || (sized && (!num(w[2], &size) || size < 0)) ||
		    id < (w[0][0] == 'f' ? -1 : 0) || (id >= 0 && (uint64_t)id >= t->nr_ids)) {
			rc = fail(c, "replay %s:%lu: expected 'a ID SIZE', 'r ID SIZE' or 'f ID' "
				  "with ID in 0..%" PRIu64, path, ln, t->nr_ids ? t->nr_ids - 1 : 0);
			goto out;
		}
		t->ops[n++] = (struct vop){ w[0][0], (int)id, (uint64_t)size, ln };
	}
	if (!rc && header)
		rc = fail(c, "replay %s: no operations after the header", path);
	else if (!rc && n < t->nr_ops)
		rc = fail(c, "replay %s: the header promises %" PRIu64 " operations but only %"
			  PRIu64 " follow", path, t->nr_ops, n);
out:
	free(line);
	fclose(f);
	if (rc) {
		free(t->ops);
		t->ops = NULL;
	}
	return rc;
}

/* As replay.c: twice the peak of reserved bytes plus 1 MiB, within limits. */
static uint64_t vcapacity(const struct vtrace *t, uint64_t page, uint64_t min, uint64_t max)
{
	uint64_t *held = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*held)), now = 0, peak = 0;

	if (!held)
		return max;
	for (uint64_t i = 0; i < t->nr_ops; i++) {
		const struct vop *op = &t->ops[i];
		uint64_t want = 0;

		if (op->tid < 0)
			continue;
		if (op->kind != 'f' && op->size > EDUALLOC_SMALL_MAX)
			want = (op->size + page - 1) / page * page;
		else if (op->kind != 'f' && op->size)
			for (want = 8; want < op->size; want <<= 1)
				;
		now += want;
		if (now > peak)
			peak = now;
		now -= held[op->tid];
		held[op->tid] = want;
	}
	free(held);
	uint64_t cap = 2 * peak + (1 << 20);

	return cap < min ? min : cap > max ? max : cap;
}

/* ---- where the trace runs: the engine in here, or the device ---------------- */

struct backend {
	struct cli *c;		/* the device (a file of its own), or NULL */
	struct model *m;	/* or the engine */
	uint64_t page_size;
	/* The engine's decisions for the operation in progress. */
	char **ev;
	size_t nr_ev, cap_ev;
};

static void on_event(void *priv, const char *text)
{
	struct backend *b = priv;

	if (b->nr_ev == b->cap_ev) {
		size_t cap = b->cap_ev ? b->cap_ev * 2 : 1024;
		char **more = realloc(b->ev, cap * sizeof(*more));

		if (!more)
			return;
		b->ev = more;
		b->cap_ev = cap;
	}
	char *copy = strdup(text);

	if (copy)
		b->ev[b->nr_ev++] = copy;
}

static void info_of(const struct model_alloc *a, struct edualloc_alloc_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = a->id;
	out->cls = a->cls;
	out->offset = a->offset;
	out->size = a->size;
	out->class_size = a->class_size;
}

/* 0 or a negative errno, as the ioctls. */
static int b_alloc(struct backend *b, uint64_t size, struct edualloc_alloc_info *out)
{
	if (b->m) {
		struct model_alloc a;
		int ret = model_alloc(b->m, size, &a);

		if (!ret)
			info_of(&a, out);
		return ret;
	}
	struct edualloc_alloc a = { .size = size };
	int err = dev_ioctl(b->c, EDUALLOC_IOC_ALLOC, &a);

	*out = a.info;
	return err;
}

static int b_realloc(struct backend *b, int id, uint64_t size, struct edualloc_alloc_info *out)
{
	if (b->m) {
		struct model_alloc a;
		int ret = model_realloc(b->m, id, size, &a);

		if (!ret)
			info_of(&a, out);
		return ret;
	}
	struct edualloc_realloc r = { .id = id, .size = size };
	int err = dev_ioctl(b->c, EDUALLOC_IOC_REALLOC, &r);

	*out = r.info;
	return err;
}

static int b_free(struct backend *b, int id)
{
	if (b->m)
		return model_free(b->m, id);
	struct edualloc_free f = { .id = id, .flags = EDUALLOC_FREE_BY_ID };

	return dev_ioctl(b->c, EDUALLOC_IOC_FREE, &f);
}

/* The figures we show, from the engine or STATS. */
struct figures {
	uint64_t capacity, pages_total, pages_used, pages_free, live_allocs, live_requested;
	uint64_t live_allocated, used_bytes, large_count, large_bytes;
	uint32_t internal_frag_pct, external_frag_pct;
};

static int b_figures(struct backend *b, struct figures *f)
{
	if (b->m) {
		struct edualloc_stats st;

		model_stats(b->m, &st);
		*f = (struct figures){ st.capacity, st.pages_total, st.pages_used, st.pages_free,
				       st.live_allocs, st.live_requested, st.live_allocated,
				       st.used_bytes, st.large_count, st.large_bytes,
				       st.internal_frag_pct, st.external_frag_pct };
		return 0;
	}
	struct edualloc_stats st;
	int err = dev_stats(b->c, &st);

	if (!err)
		*f = (struct figures){ st.capacity, st.pages_total, st.pages_used, st.pages_free,
				       st.live_allocs, st.live_requested, st.live_allocated,
				       st.used_bytes, st.large_count, st.large_bytes,
				       st.internal_frag_pct, st.external_frag_pct };
	return err;
}

/* Every arena page; returns the count, or a negative errno. */
static long b_pages(struct backend *b, struct edualloc_page *buf, size_t max)
{
	if (b->m) {
		_Static_assert(sizeof(struct model_page) == sizeof(struct edualloc_page), "page");
		return (long)model_pages(b->m, (struct model_page *)buf, max);
	}
	struct edualloc_pages req = { .buf = (uint64_t)(uintptr_t)buf, .max = (uint32_t)max };
	int err = dev_ioctl(b->c, EDUALLOC_IOC_PAGES, &req);

	return err ? err : (long)req.count;
}

static int backend_open(struct cli *c, struct backend *b, bool engine, const struct vtrace *t,
			uint64_t capacity, struct cli *mine)
{
	memset(b, 0, sizeof(*b));
	if (engine) {
		int err;

		b->page_size = model_page_size();
		if (!capacity)
			capacity = vcapacity(t, b->page_size, EDUALLOC_MIN_CAPACITY, 1ULL << 30);
		b->m = model_new(capacity, true, on_event, b, &err);
		if (!b->m)
			return fail(c, "replay %s: the engine cannot make an instance of %" PRIu64
				    " bytes: %s", t->path, capacity, strerror(-err));
		return 0;
	}
	/* A fresh private instance on a file of its own, as replay makes. */
	*mine = (struct cli){ .fd = -1, .json = c->json, .color = c->color };
	int rc = dev_open(mine);

	if (rc)
		return rc;
	struct edualloc_version v = { 0 };
	struct edualloc_create cr = { 0 };
	int err = dev_ioctl(mine, EDUALLOC_IOC_VERSION, &v);

	b->page_size = v.page_size ? v.page_size : 4096;
	/* As replay and libedualloc: a realloc that fits stays in place. */
	if (v.features & EDUALLOC_FEAT_REALLOC_IN_PLACE)
		cr.flags |= EDUALLOC_CREATE_REALLOC_IN_PLACE;
	cr.capacity = capacity ? capacity :
		      vcapacity(t, b->page_size, v.min_capacity, v.max_capacity);
	if (!err)
		err = dev_ioctl(mine, EDUALLOC_IOC_CREATE, &cr);
	if (err) {
		dev_close(mine);
		return fail_op(c, OP_CREATE, -err, "replay %s: a private instance of %" PRIu64
			       " bytes", t->path, (uint64_t)cr.capacity);
	}
	b->c = mine;
	return 0;
}

static void backend_close(struct backend *b)
{
	for (size_t i = 0; i < b->nr_ev; i++)
		free(b->ev[i]);
	free(b->ev);
	if (b->m)
		model_delete(b->m);
	if (b->c) {
		struct edualloc_reset reset = { 0 };

		dev_ioctl(b->c, EDUALLOC_IOC_RESET, &reset);
		dev_close(b->c);
	}
}

/* What one operation did: the new allocation, the one freed, the error. */
struct result {
	struct edualloc_alloc_info info;	/* id 0: nothing allocated */
	int freed;				/* the ID freed, 0 if none */
	int err;
};

/* Run operation i; ids[] maps trace IDs to allocation IDs (0: none). */
static struct result run_op(struct backend *b, const struct vop *op, int *ids)
{
	struct result r = { .err = 0 };
	int *slot = op->tid >= 0 ? &ids[op->tid] : NULL;

	switch (op->kind) {
	case 'a':
		if (!slot || !op->size)
			break;
		if (*slot) {	/* allocated again without a free: free it first */
			r.freed = *slot;
			b_free(b, *slot);
			*slot = 0;
		}
		r.err = b_alloc(b, op->size, &r.info);
		if (!r.err)
			*slot = r.info.id;
		break;
	case 'r':
		if (!slot)
			break;
		if (!*slot) {
			if (op->size)
				r.err = b_alloc(b, op->size, &r.info);
			if (op->size && !r.err)
				*slot = r.info.id;
		} else if (!op->size) {
			r.err = b_free(b, *slot);
			r.freed = r.err ? 0 : *slot;
			if (!r.err)
				*slot = 0;
		} else {
			r.err = b_realloc(b, *slot, op->size, &r.info);
			if (!r.err) {
				r.freed = *slot;
				*slot = r.info.id;
			}
		}
		break;
	case 'f':
		if (slot && *slot) {
			r.err = b_free(b, *slot);
			r.freed = r.err ? 0 : *slot;
			*slot = 0;
		}
		break;
	}
	if (r.err)
		memset(&r.info, 0, sizeof(r.info));
	return r;
}

/* ---- replay --steps: the figures at chosen steps ------------------------------ */

static void json_step(struct cli *c, const struct vtrace *t, uint64_t step, bool engine,
		      const struct figures *f, const struct edualloc_page *pages, long np,
		      uint64_t failed)
{
	uint64_t slab = 0, block = 0;

	for (long i = 0; i < np; i++) {
		slab += pages[i].kind == EDUALLOC_PAGE_SLAB;
		block += pages[i].kind == EDUALLOC_PAGE_BLOCK || pages[i].kind == EDUALLOC_PAGE_BLOCK_TAIL;
	}
	if (!c->json) {
		printf("step %" PRIu64 " of %" PRIu64 " (%s): pages %" PRIu64 " used (%" PRIu64
		       " slab, %" PRIu64 " block), %" PRIu64 " free of %" PRIu64 "; live %" PRIu64
		       " bytes in %" PRIu64 " allocations; large %" PRIu64 "\n", step, t->nr_ops,
		       engine ? "engine" : "device", f->pages_used, slab, block, f->pages_free,
		       f->pages_total, f->live_requested, f->live_allocs, f->large_count);
		return;
	}
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", "replay-step");
	json_str(&j, "trace", t->path);
	json_str(&j, "backend", engine ? "engine" : "device");
	json_u64(&j, "step", step);
	json_u64(&j, "ops", t->nr_ops);
	json_u64(&j, "capacity", f->capacity);
	json_u64(&j, "pages_total", f->pages_total);
	json_u64(&j, "pages_used", f->pages_used);
	json_u64(&j, "pages_free", f->pages_free);
	json_u64(&j, "slab_pages", slab);
	json_u64(&j, "block_pages", block);
	json_u64(&j, "live_allocs", f->live_allocs);
	json_u64(&j, "live_requested", f->live_requested);
	json_u64(&j, "live_allocated", f->live_allocated);
	json_u64(&j, "used_bytes", f->used_bytes);
	json_u64(&j, "large_count", f->large_count);
	json_u64(&j, "large_bytes", f->large_bytes);
	json_u64(&j, "internal_frag_pct", f->internal_frag_pct);
	json_u64(&j, "external_frag_pct", f->external_frag_pct);
	json_u64(&j, "failed_ops", failed);
	json_end(&j);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "0,10,500,last" -> sorted steps; false if not that. */
static bool parse_steps(const char *s, uint64_t last, uint64_t **out, size_t *n)
{
	char *copy = strdup(s), *save = NULL;
	size_t cap = 8;

	*n = 0;
	*out = malloc(cap * sizeof(**out));
	if (!copy || !*out)
		return false;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (!strcmp(w, "last") || !strcmp(w, "end"))
			v = last;
		else if (!parse_u64(w, &v) || v > last) {
			free(copy);
			return false;
		}
		if (*n == cap) {
			uint64_t *more = realloc(*out, 2 * cap * sizeof(*more));

			if (!more) {
				free(copy);
				return false;
			}
			*out = more;
			cap *= 2;
		}
		(*out)[(*n)++] = v;
	}
	free(copy);
	qsort(*out, *n, sizeof(**out), cmp_u64);
	return *n > 0;
}

static int run_steps(struct cli *c, struct backend *b, const struct vtrace *t, bool engine,
		     const uint64_t *steps, size_t nsteps)
{
	int *ids = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*ids));
	size_t maxp = 1 << 20;
	struct edualloc_page *pages = calloc(maxp, sizeof(*pages));
	uint64_t done = 0, failed = 0;
	int rc = 0;

	if (!ids || !pages) {
		rc = fail(c, "replay: out of memory");
		goto out;
	}
	for (size_t k = 0; k < nsteps; k++) {
		while (done < steps[k]) {
			struct result r = run_op(b, &t->ops[done++], ids);

			failed += r.err != 0;
		}
		struct figures f;
		int err = b_figures(b, &f);
		long np = err ? err : b_pages(b, pages, maxp);

		if (np < 0) {
			rc = fail_op(c, OP_STATS, (int)-np, "replay %s: step %" PRIu64, t->path, done);
			goto out;
		}
		json_step(c, t, done, engine, &f, pages, np, failed);
	}
out:
	free(ids);
	free(pages);
	return rc;
}

/* ---- replay --html ------------------------------------------------------------- */

/* A JSON string of text we made (no control characters). */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '<')
			fputs("\\u003c", f);	/* never "</script>" inside the data */
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static unsigned int page_ko(const struct edualloc_page *p)
{
	return p->kind | (p->head ? 4u : 0u) | (unsigned int)p->order << 3;
}

/* A growing buffer of numbers. */
struct nums {
	uint64_t *v;
	size_t n, cap;
};

static bool push(struct nums *a, uint64_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		uint64_t *more = realloc(a->v, cap * sizeof(*more));

		if (!more)
			return false;
		a->v = more;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return true;
}

static void put_nums(FILE *f, const char *key, const struct nums *a, bool comma)
{
	fprintf(f, "\"%s\":[", key);
	for (size_t i = 0; i < a->n; i++)
		fprintf(f, i ? ",%" PRIu64 : "%" PRIu64, a->v[i]);
	fprintf(f, "]%s", comma ? "," : "");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Text for HTML: the trace's name. */
static void put_html(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static int write_html(struct cli *c, struct backend *b, const struct vtrace *t, const char *out,
		      uint64_t start)
{
	size_t maxp = 1 << 20;
	struct edualloc_page *prev = calloc(maxp, sizeof(*prev)), *now = calloc(maxp, sizeof(*now));
	int *ids = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*ids));
	struct nums pd = { 0 }, pdx = { 0 }, live = { 0 }, pg = { 0 }, util = { 0 };
	struct nums ifrag = { 0 }, efrag = { 0 };
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = 0;
	bool ok = true;

	if (!prev || !now || !ids) {
		rc = fail(c, "replay --html: out of memory");
		goto out;
	}
	size_t len = strlen(out) + 16;

	tmp = malloc(len);
	if (!tmp) {
		rc = fail(c, "replay --html: out of memory");
		goto out;
	}
	snprintf(tmp, len, "%s.tmp", out);
	f = fopen(tmp, "w");
	if (!f) {
		rc = fail(c, "replay --html: cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}

	struct figures fig;
	long np = b_pages(b, prev, maxp);

	b_figures(b, &fig);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
	      "<title>edualloc replay: ", f);
	put_html(f, base_name(t->path));
	fputs("</title>\n<style>\n", f);
	fputs(html_replay_css, f);
	fputs("</style>\n</head>\n<body>\n<header><h1>edualloc replay: ", f);
	put_html(f, base_name(t->path));
	fprintf(f, "</h1><span class=\"meta\">%" PRIu64 " operations on %" PRIu64 " IDs; "
		"an instance of %" PRIu64 " KiB (%ld pages of %" PRIu64 " bytes); the engine's "
		"own decisions, as the kernel makes them</span></header>\n", t->nr_ops, t->nr_ids,
		fig.capacity >> 10, np, b->page_size);
	fputs("<div id=\"controls\"><button id=\"first\" title=\"first step (Home)\">|\u25c0</button>"
	      "<button id=\"back\" title=\"one step back (\u2190)\">\u25c0</button>"
	      "<button id=\"play\" title=\"play or pause (space)\">\u25b6</button>"
	      "<button id=\"next\" title=\"one step on (\u2192)\">\u25b6\u25b6</button>"
	      "<button id=\"last\" title=\"last step (End)\">\u25b6|</button>"
	      "<input id=\"slider\" type=\"range\" min=\"0\" max=\"0\" value=\"0\" "
	      "aria-label=\"step\"><span id=\"steplabel\"></span></div>\n"
	      "<main>\n<section><h2>the arena, one cell per page</h2><div id=\"mapwrap\">"
	      "<canvas id=\"map\"></canvas><div id=\"large\"></div></div><div id=\"legend\"></div>"
	      "</section>\n<section><h2>at this step</h2><div id=\"summary\"></div>"
	      "<h2 style=\"margin-top:12px\">page under the pointer</h2><div id=\"details\"></div>"
	      "</section>\n<section class=\"wide\"><h2>over the whole trace (click to go there)</h2>"
	      "<canvas id=\"curves\"></canvas><div id=\"curvelegend\"></div></section>\n"
	      "<section class=\"wide\"><h2>operations and the allocator's decisions</h2>"
	      "<div id=\"ops\"></div><p class=\"meta\" style=\"color:#6b6b70\"><kbd>\u2190</kbd> "
	      "<kbd>\u2192</kbd> one step, <kbd>Shift</kbd>+arrows or <kbd>PgUp</kbd> "
	      "<kbd>PgDn</kbd> a twentieth, <kbd>Home</kbd> <kbd>End</kbd>, <kbd>space</kbd> "
	      "play. Hover or click a page of the map for the allocations in it.</p></section>\n"
	      "</main>\n<script type=\"application/json\" id=\"edualloc-data\">", f);

	fprintf(f, "{\"trace\":");
	put_str(f, base_name(t->path));
	fprintf(f, ",\"capacity\":%" PRIu64 ",\"page_size\":%" PRIu64 ",\"pages_total\":%ld,"
		"\"start\":%" PRIu64 ",\"init\":[", fig.capacity, b->page_size, np, start);
	for (long i = 0; i < np; i++)
		fprintf(f, "%s%u,%u,%u,%u,0", i ? "," : "", page_ko(&prev[i]), prev[i].cls,
			prev[i].used, prev[i].total);
	fputs("],\"ops\":[", f);


	ok = push(&pdx, 0);
	for (uint64_t i = 0; i <= t->nr_ops && ok; i++) {
		if (i) {	/* operation i - 1, then its changes */
			const struct vop *op = &t->ops[i - 1];
			size_t ev0 = b->nr_ev;
			struct result r = run_op(b, op, ids);
			char err[48] = "0";

			if (r.err)
				snprintf(err, sizeof(err), "\"%s\"", errno_name(-r.err));
			fprintf(f, "%s[\"%c\",%d,%" PRIu64 ",%d,%u,%" PRIu64 ",%" PRIu64 ",%d,%zu,%zu,%s]",
				i > 1 ? "," : "", op->kind, op->tid, op->size, r.info.id, r.info.cls,
				(uint64_t)r.info.offset, (uint64_t)r.info.class_size, r.freed,
				ev0, b->nr_ev - ev0, err);
			long n2 = b_pages(b, now, maxp);

			for (long p = 0; p < n2 && p < np; p++) {
				if (!memcmp(&now[p], &prev[p], sizeof(now[p])))
					continue;
				ok = ok && push(&pd, (uint64_t)p) && push(&pd, page_ko(&now[p])) &&
				     push(&pd, now[p].cls) && push(&pd, now[p].used) &&
				     push(&pd, now[p].total) && push(&pd, page_ko(&prev[p])) &&
				     push(&pd, prev[p].cls) && push(&pd, prev[p].used) &&
				     push(&pd, prev[p].total);
				prev[p] = now[p];
			}
			ok = ok && push(&pdx, pd.n);
		}
		b_figures(b, &fig);
		ok = ok && push(&live, fig.live_requested) && push(&pg, fig.pages_used) &&
		     push(&util, fig.used_bytes ? fig.live_requested * 100 / fig.used_bytes : 0) &&
		     push(&ifrag, fig.internal_frag_pct) && push(&efrag, fig.external_frag_pct);
	}
	fputs("],\"ev\":[", f);
	for (size_t i = 0; i < b->nr_ev; i++) {
		if (i)
			fputc(',', f);
		put_str(f, b->ev[i]);
	}
	fputs("],", f);
	put_nums(f, "pdx", &pdx, true);
	put_nums(f, "pd", &pd, true);
	fputs("\"cv\":{", f);
	put_nums(f, "live", &live, true);
	put_nums(f, "pages", &pg, true);
	put_nums(f, "util", &util, true);
	put_nums(f, "ifrag", &ifrag, true);
	put_nums(f, "efrag", &efrag, false);
	fputs("}}</script>\n<script>\n", f);
	fputs(html_replay_js, f);
	fputs("</script>\n</body>\n</html>\n", f);
	if (!ok)
		rc = fail(c, "replay --html: out of memory");
	if (fclose(f) == EOF && !rc)
		rc = fail(c, "replay --html: writing %s: %s", tmp, strerror(errno));
	f = NULL;
	if (!rc && rename(tmp, out))
		rc = fail(c, "replay --html: cannot rename %s to %s: %s", tmp, out, strerror(errno));
	if (!rc && !c->json)
		printf("replay: %s: %" PRIu64 " operations drawn in %s (open it in a browser)\n",
		       t->path, t->nr_ops, out);
	if (!rc && c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "replay-html");
		json_str(&j, "trace", t->path);
		json_str(&j, "html", out);
		json_u64(&j, "ops", t->nr_ops);
		json_u64(&j, "pages", (uint64_t)np);
		json_u64(&j, "decisions", b->nr_ev);
		json_end(&j);
	}
out:
	if (f)
		fclose(f);
	if (rc && tmp)
		unlink(tmp);
	free(tmp);
	free(prev);
	free(now);
	free(ids);
	free(pd.v);
	free(pdx.v);
	free(live.v);
	free(pg.v);
	free(util.v);
	free(ifrag.v);
	free(efrag.v);
	return rc;
}

/* ---- the verb's options ----------------------------------------------------------- */

bool replay_visual_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strncmp(argv[i], "--html", 6) || !strncmp(argv[i], "--steps", 7) ||
		    !strcmp(argv[i], "--engine") || !strncmp(argv[i], "--start", 7))
			return true;
	return false;
}

int verb_replay_visual(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "html", required_argument, NULL, 'H' },
		{ "steps", required_argument, NULL, 'S' },
		{ "start", required_argument, NULL, 'T' },
		{ "engine", no_argument, NULL, 'E' },
		COMMON_OPTIONS, { 0 },
	};
	const char *html = NULL, *steps = NULL, *start_s = NULL;
	uint64_t capacity = 0, start = 0;
	bool engine = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "c:VH:S:T:E", opts)) != -1) {
		switch (opt) {
		case 'c':
			if (!parse_size(optarg, &capacity))
				return usage_error(argv[0], "--capacity wants a size like 8M, not '%s'",
						   optarg);
			break;
		case 'V':
			break;	/* nothing is filled here */
		case 'H':
			html = optarg;
			break;
		case 'S':
			steps = optarg;
			break;
		case 'T':
			start_s = optarg;
			break;
		case 'E':
			engine = true;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, 1, 1))
		return EXIT_USAGE;
	if (html && steps)
		return usage_error(argv[0], "--html and --steps go one at a time");
	if (!html && !steps)
		return usage_error(argv[0], "--engine replays for --html or --steps only");
	if (html)
		engine = true;	/* the page is always the engine's own run */
	if (engine && c->instance)
		return usage_error(argv[0], "-i names a device instance: not with --engine or --html");

	struct vtrace t;
	int rc = vtrace_load(c, argv[optind], &t);

	if (rc)
		return rc;
	if (start_s && (!parse_u64(start_s, &start) || start > t.nr_ops)) {
		free(t.ops);
		return usage_error(argv[0], "--start wants a step 0..%" PRIu64 ", not '%s'", t.nr_ops,
				   start_s);
	}

	uint64_t *list = NULL;
	size_t nlist = 0;

	if (steps && !parse_steps(steps, t.nr_ops, &list, &nlist)) {
		free(list);
		free(t.ops);
		return usage_error(argv[0], "--steps wants steps 0..%" PRIu64 " like 0,10,last, not '%s'",
				   t.nr_ops, steps);
	}

	struct backend b;
	struct cli mine;

	rc = backend_open(c, &b, engine, &t, capacity, &mine);
	if (!rc)
		rc = html ? write_html(c, &b, &t, html, start) : run_steps(c, &b, &t, engine, list, nlist);
	if (!rc || b.m || b.c)
		backend_close(&b);
	free(list);
	free(t.ops);
	return rc;
}
