// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the edualloc engine.
 *
 * The input is a configuration (capacity, debug checks, bitset, first ID)
 * followed by a sequence of operations: allocations of every size class,
 * frees by ID, by offset and by both, invalid and stale frees, reallocs
 * (at once, or begun and committed), allocations and reallocs begun and
 * taken back (ea_abort(), which must leave no trace),
 * reads and writes, lookups, bit operations, scribbles over the arena (as a
 * userspace mapping may do), injected kernel-memory failures, debug toggles
 * and resets. A model kept beside the engine predicts every result it can
 * (IDs, errnos, contents); after every operation the target checks:
 *
 *   - ea_validate(): the engine's metadata agrees with itself;
 *   - no two live allocations overlap, each lies inside its area, aligned
 *     to its class size (up to a page), and the set is the model's;
 *   - ID lookups agree both ways (ID -> offset, any byte -> ID);
 *   - the statistics add up (live = allocs - frees, sums of sizes, pages
 *     used + free = total, footprint within the capacity);
 *   - a refused request changed nothing but the failure counters;
 *   - contents: new allocations are zeroed, bytes written are read back,
 *     realloc keeps the smaller size's worth (in place or moved: half the
 *     instances keep an allocation in place when its class allows).
 *
 * Then the same input runs again after ea_reset(): everything it returns
 * must be identical (determinism). Any mismatch aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include "shim/shim.h"
#include "ea_engine.h"

#define MAX_LIVE	512
#define MAX_FREED	64
#define PAT		16		/* pattern bytes at each end */

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_engine: %s:%d: check failed: %s: ", \
			__FILE__, __LINE__, #cond);			\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		abort();						\
	}								\
} while (0)

struct input {
	const u8 *p;
	size_t n;
};

struct obj {
	int id;
	u64 offset, size, class_size;
	unsigned int cls;
	u8 seed;
	bool dirty;		/* scribbled over: contents unknown */
};

struct fuzz {
	struct ea_instance *inst;
	u64 capacity;
	u32 bits, first_id;
	bool debug;
	u8 *arena;
	struct obj live[MAX_LIVE];
	unsigned int nlive;
	int freed[MAX_FREED];	/* a ring of freed IDs */
	unsigned int nfreed;
	u32 next_id;
	unsigned long *bitmap;
	u64 hash;		/* of everything the engine returned */
	u64 corrupt_events, error_events;
	bool faulting;		/* a kernel-memory failure is armed */
};

static unsigned long total_ops, total_checks, total_inputs;

static void report(void)
{
	fprintf(stderr, "fuzz_engine: %lu inputs, %lu operations, %lu full invariant checks\n",
		total_inputs, total_ops, total_checks);
}

static u8 get8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static u32 get16(struct input *in)
{
	return get8(in) | (u32)get8(in) << 8;
}

static u32 get32(struct input *in)
{
	return get16(in) | get16(in) << 16;
}

static void mix(struct fuzz *f, u64 v)
{
	f->hash = (f->hash ^ v) * 0x100000001b3ULL;
}

/* The events a listener that wants little wants. */
static const unsigned long few_events =
	BIT(EA_EV_ERROR) | BIT(EA_EV_CORRUPT) | BIT(EA_EV_LEAK) | BIT(EA_EV_RESET);

static void notify(void *priv, const struct ea_event *ev)
{
	struct fuzz *f = priv;

	CHECK(ev->type < EA_NR_EVENTS, "event %d", ev->type);
	CHECK(ev->op < EA_NR_OPS, "op %d", ev->op);
	if (ev->type == EA_EV_CORRUPT)
		f->corrupt_events++;
	if (ev->type == EA_EV_ERROR) {
		CHECK(ev->aux < EA_NR_ERR, "kind %llu", ev->aux);
		CHECK(ev->err == ea_errno(ev->aux), "errno %d", ev->err);
		f->error_events++;
	}
	mix(f, ev->type);
	mix(f, ev->offset);
}

static u8 pat(const struct obj *o, u64 i)
{
	if (i < PAT || i + PAT >= o->size)
		return (u8)(o->seed + i * 7 + 1);
	return 0;
}

static int grab(void *priv, void *area, u64 size)
{
	*(void **)priv = area;
	return 0;
}

static u8 *mem_of(struct fuzz *f, const struct obj *o)
{
	void *area = NULL;

	if (o->cls != EA_CLASS_LARGE)
		return f->arena + o->offset;
	CHECK(!ea_with_area(f->inst, o->offset, grab, &area), "id %d", o->id);
	return area;
}

/* Write the pattern: the head through ea_write(), the tail directly. */
static void fill(struct fuzz *f, struct obj *o)
{
	u8 buf[PAT];
	u64 i, n = o->size < PAT ? o->size : PAT;
	u8 *mem = mem_of(f, o);

	for (i = 0; i < n; i++)
		buf[i] = pat(o, i);
	CHECK(!ea_write(f->inst, o->id, 0, buf, n), "write id %d", o->id);
	for (i = o->size > PAT ? o->size - PAT : 0; i < o->size; i++)
		mem[i] = pat(o, i);
}

static const u8 zeros[4096];

/* Check that @buf holds bytes [pos, pos + n) of @o's expected content. */
static void check_range(const struct obj *o, const u8 *buf, u64 pos, u64 n)
{
	u64 i = 0, mid;

	while (i < n) {
		if (pos + i < PAT || pos + i + PAT >= o->size) {
			CHECK(buf[i] == pat(o, pos + i), "ID %d byte %llu: %#x",
			      o->id, pos + i, buf[i]);
			i++;
			continue;
		}
		/* The zeroed middle, a block at a time. */
		mid = o->size - PAT - (pos + i);
		mid = mid < n - i ? mid : n - i;
		mid = mid < sizeof(zeros) ? mid : sizeof(zeros);
		CHECK(!memcmp(buf + i, zeros, mid), "ID %d: bytes %llu..%llu not zero",
		      o->id, pos + i, pos + i + mid);
		i += mid;
	}
}

/* Check the whole content through ea_read(), in pieces. */
static void verify(struct fuzz *f, const struct obj *o)
{
	static u8 buf[4096];
	u64 pos, n;

	if (o->dirty)
		return;
	for (pos = 0; pos < o->size; pos += n) {
		n = o->size - pos < sizeof(buf) ? o->size - pos : sizeof(buf);
		CHECK(!ea_read(f->inst, o->id, pos, buf, n), "read id %d", o->id);
		check_range(o, buf, pos, n);
	}
}

static void model_reset(struct fuzz *f)
{
	f->nlive = 0;
	f->nfreed = 0;
	f->next_id = f->first_id;
	f->corrupt_events = 0;
	f->error_events = 0;
	if (f->bitmap)
		memset(f->bitmap, 0, BITS_TO_LONGS(f->bits) * sizeof(long));
}

static void forget(struct fuzz *f, unsigned int k)
{
	f->freed[f->nfreed++ % MAX_FREED] = f->live[k].id;
	f->live[k] = f->live[--f->nlive];
}

static struct obj *find_obj(struct fuzz *f, int id)
{
	unsigned int k;

	for (k = 0; k < f->nlive; k++)
		if (f->live[k].id == id)
			return &f->live[k];
	return NULL;
}

/* The footprint a request needs, and whether it could be had now. */
static bool could_fit(struct fuzz *f, const struct ea_stats *st, u64 size)
{
	unsigned int cls = ea_class_of(size);
	u64 need;

	if (cls == EA_CLASS_LARGE)
		return st->avail_bytes >= PAGE_ALIGN(size);
	if (ea_class_size(cls) < PAGE_SIZE &&
	    st->cls[cls].slots_used < st->cls[cls].slots_total)
		return true;	/* a free slot in a partial or spare slab */
	need = ea_class_size(cls) < PAGE_SIZE ? PAGE_SIZE : ea_class_size(cls);
	return st->avail_bytes >= need && st->largest_free >= need;
}

/* Nothing but failure counters and timing may differ. */
/*
 * A figure a refused call may change: failure counters, timing, and the
 * bookkeeping it grew (kept for reuse).
 */
static int may_differ(const char *figure)
{
	return !strcmp(figure, "failed_allocs") || !strcmp(figure, "alloc_ns") ||
	       !strcmp(figure, "free_ns") || !strcmp(figure, "failures") ||
	       !strcmp(figure, "meta_bytes");
}

/* Every figure of the uapi's lists the same, but those. */
static void same_state(const struct ea_stats *a, const struct ea_stats *b)
{
	unsigned int c;

#define SAME(bits, f)							\
	CHECK(a->f == b->f || may_differ(#f), "%s changed by a refused call", #f);
	EDUALLOC_STATS_SCALARS(SAME)
#undef SAME
#define SAME(bits, f)							\
	CHECK(a->cls[c].f == b->cls[c].f || may_differ(#f),		\
	      "class %u: %s changed by a refused call", c, #f);
	for (c = 0; c < EA_NR_CLASSES; c++) {
		EDUALLOC_CLASS_STATS(SAME)
	}
#undef SAME
}

static int cmp_offset(const void *a, const void *b)
{
	const struct ea_alloc_info *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

struct walk {
	struct ea_alloc_info v[MAX_LIVE];
	unsigned int n;
};

static int collect(void *priv, const struct ea_alloc_info *a)
{
	struct walk *w = priv;

	CHECK(w->n < MAX_LIVE, "more live allocations than the model");
	w->v[w->n++] = *a;
	return 0;
}

/*
 * The statistics against the model after every operation; with @full, also
 * the engine's own walk, the layout and the lookups (which cost
 * O(arena + live) engine calls, so the run does them less often).
 */
static void check_invariants(struct fuzz *f, bool full)
{
	static struct walk w;
	struct ea_alloc_info r;
	struct ea_stats st;
	char why[128] = "";
	u64 req = 0, alloc = 0;
	unsigned int i;

	ea_get_stats(f->inst, &st);
	total_checks += full;
	if (!full) {
		for (i = 0; i < f->nlive; i++) {
			req += f->live[i].size;
			alloc += f->live[i].class_size;
		}
		goto totals;
	}
	CHECK(!ea_validate(f->inst, why, sizeof(why)), "%s", why);
	w.n = 0;
	CHECK(!ea_for_each_alloc(f->inst, collect, &w), "walk");
	CHECK(w.n == f->nlive, "%u live, model %u", w.n, f->nlive);
	for (i = 0; i < w.n; i++) {
		const struct ea_alloc_info *a = &w.v[i];
		const struct obj *o = find_obj(f, a->id);
		u64 align = a->class_size < PAGE_SIZE ? a->class_size : PAGE_SIZE;
		u64 probe = a->offset + (a->size - 1) * (i & 1);

		CHECK(o, "unknown live ID %d", a->id);
		CHECK(o->offset == a->offset && o->size == a->size &&
		      o->cls == a->cls && o->class_size == a->class_size,
		      "ID %d differs from the model", a->id);
		CHECK(!i || a->id > w.v[i - 1].id, "not in ID order");
		CHECK(a->offset % align == 0, "ID %d misaligned", a->id);
		if (a->cls == EA_CLASS_LARGE) {
			CHECK(a->offset == EA_LARGE_BASE + ((u64)a->id << EA_LARGE_SHIFT) &&
			      a->class_size == PAGE_ALIGN(a->size) &&
			      a->size > EA_SMALL_MAX, "large ID %d", a->id);
		} else {
			CHECK(a->offset + a->class_size <= st.capacity &&
			      a->class_size == ea_class_size(a->cls) &&
			      a->cls == ea_class_of(a->size), "ID %d", a->id);
		}
		/* Both ways: ID -> place, a byte of it -> ID. */
		CHECK(!ea_lookup_id(f->inst, a->id, &r) && r.offset == a->offset,
		      "lookup ID %d", a->id);
		CHECK(!ea_lookup_offset(f->inst, probe, &r) && r.id == a->id &&
		      r.offset == a->offset, "lookup offset of ID %d", a->id);
		req += a->size;
		alloc += a->class_size;
	}
	qsort(w.v, w.n, sizeof(w.v[0]), cmp_offset);
	for (i = 1; i < w.n; i++)
		CHECK(w.v[i - 1].offset + w.v[i - 1].class_size <= w.v[i].offset,
		      "IDs %d and %d overlap", w.v[i - 1].id, w.v[i].id);
totals:
	CHECK(st.live_allocs == f->nlive && st.allocs - st.frees == f->nlive,
	      "live %llu", st.live_allocs);
	CHECK(st.live_requested == req && st.live_allocated == alloc,
	      "sizes %llu/%llu", st.live_requested, req);
	CHECK(st.internal_frag == alloc - req, "internal fragmentation");
	CHECK(st.pages_used + st.pages_free == st.pages_total &&
	      st.pages_total * PAGE_SIZE == st.capacity, "pages");
	CHECK(st.used_bytes == st.pages_used * PAGE_SIZE + st.large_bytes &&
	      st.used_bytes <= st.capacity &&
	      st.avail_bytes == st.capacity - st.used_bytes, "footprint");
	CHECK(st.peak_used >= st.used_bytes && st.peak_requested >= req &&
	      st.peak_allocated >= alloc, "peaks");
	CHECK(st.internal_frag_pct <= 100 && st.external_frag_pct <= 100, "pct");
	CHECK(st.next_id == f->next_id, "next ID %u, model %u", st.next_id,
	      f->next_id);
	CHECK(st.corruptions == f->corrupt_events &&
	      st.corruptions == st.errors[EA_ERR_REDZONE] +
				st.errors[EA_ERR_USE_AFTER_FREE], "corruptions");
	for (i = 0, req = 0; i < EA_NR_ERR; i++)
		req += st.errors[i];
	CHECK(st.corruptions + f->error_events == req,
	      "errors[] against the events");
}

static u64 pick_size(struct fuzz *f, struct input *in)
{
	u8 sel = get8(in);
	u32 r = get32(in);

	switch (sel % 10) {
	case 0: case 1: case 2:
		return 1 + r % 256;
	case 3: case 4:
		return 1 + r % 4096;
	case 5:
		return 1 + r % EA_SMALL_MAX;
	case 6:
		return EA_SMALL_MAX + 1 + r % (f->capacity - EA_SMALL_MAX / 2);
	case 7:	/* a class boundary: 2^k or 2^k + 1 */
		return (1ULL << (3 + r % 16)) + (r >> 8) % 2;
	case 8:
		return r % 3 == 0 ? 0 : r % 3 == 1 ? f->capacity + 1 : U64_MAX - r;
	default:
		return 1 + r % (f->capacity + PAGE_SIZE);
	}
}

/* An allocation the model expects to succeed or be refused, by ea_alloc() or ea_realloc(). */
static void do_alloc(struct fuzz *f, struct input *in, struct obj *old)
{
	u64 size = pick_size(f, in);
	struct ea_stats st0, st1;
	struct ea_alloc_info a;
	struct obj *o;
	int ret;

	if (!old && f->nlive == MAX_LIVE)
		return;
	ea_get_stats(f->inst, &st0);
	if (old && size & 1) {
		/* The device's way: the old one lives until ea_commit(). */
		struct ea_txn txn;

		ret = ea_realloc_begin(f->inst, old->id, size, 7, &a, &txn);
		if (!ret)
			ea_commit(f->inst, &txn);
	} else {
		ret = old ? ea_realloc(f->inst, old->id, size, 7, &a) :
			    ea_alloc(f->inst, size, 7, &a);
	}
	mix(f, ret);
	if (ret) {
		ea_get_stats(f->inst, &st1);
		same_state(&st0, &st1);
		if (!size)
			CHECK(ret == -EINVAL, "size 0: %d", ret);
		else if (size > f->capacity)
			CHECK(ret == -E2BIG, "size %llu: %d", size, ret);
		else if (f->next_id > INT_MAX)
			CHECK(ret == -ENOSPC, "no IDs: %d", ret);
		else
			CHECK(ret == -ENOMEM && (f->faulting || !could_fit(f, &st0, size)),
			      "size %llu refused (%d) though it fits", size, ret);
		return;
	}
	mix(f, a.id);
	mix(f, a.offset);
	CHECK(size && size <= f->capacity && a.id == (int)f->next_id &&
	      a.size == size && a.owner == 7 && a.cls == ea_class_of(size),
	      "alloc of %llu: ID %d, model %u", size, a.id, f->next_id);
	f->next_id++;
	if (old) {
		struct obj prev = *old;
		u64 keep = prev.size < size ? prev.size : size;
		u8 *mem = mem_of(f, &(struct obj){ .offset = a.offset,
						  .cls = a.cls, .id = a.id });
		u64 i;

		if (!prev.dirty)
			check_range(&prev, mem, 0, keep);
		for (i = keep; i < size; i += sizeof(zeros))
			CHECK(!memcmp(mem + i, zeros, size - i < sizeof(zeros) ?
				      size - i : sizeof(zeros)),
			      "realloc: bytes from %llu not zeroed", i);
		memset(mem, 0, size);
		forget(f, old - f->live);
	} else {
		u8 *mem = mem_of(f, &(struct obj){ .offset = a.offset,
						  .cls = a.cls, .id = a.id });
		u64 i;

		for (i = 0; i < size; i += sizeof(zeros))
			CHECK(!memcmp(mem + i, zeros, size - i < sizeof(zeros) ?
				      size - i : sizeof(zeros)),
			      "new ID %d: bytes from %llu not zero", a.id, i);
	}
	o = &f->live[f->nlive++];
	*o = (struct obj){ .id = a.id, .offset = a.offset, .size = size,
			   .class_size = a.class_size, .cls = a.cls,
			   .seed = (u8)a.id };
	fill(f, o);
}

/*
 * An allocation or reallocation begun and taken back (ea_abort()): the
 * instance must be exactly as before, peaks and timing included, bar the
 * corruption the allocation may have found on its way.
 */
static void do_alloc_abort(struct fuzz *f, struct input *in, struct obj *old)
{
	u64 size = pick_size(f, in);
	struct ea_stats st0, st1;
	struct ea_alloc_info a;
	struct ea_txn txn;
	int ret;

	ea_get_stats(f->inst, &st0);
	ret = old ? ea_realloc_begin(f->inst, old->id, size, 7, &a, &txn) :
		    ea_alloc_begin(f->inst, size, 7, &a, &txn);
	mix(f, ret);
	if (ret) {
		ea_get_stats(f->inst, &st1);
		same_state(&st0, &st1);
		return;
	}
	CHECK(a.id == (int)f->next_id && a.size == size,
	      "begin of %llu: ID %d, model %u", size, a.id, f->next_id);
	ret = ea_abort(f->inst, &txn);
	CHECK(!ret, "abort of ID %d: %d", a.id, ret);
	ea_get_stats(f->inst, &st1);
	st0.corruptions = st1.corruptions;
	same_state(&st0, &st1);
	CHECK(st0.peak_requested == st1.peak_requested &&
	      st0.peak_allocated == st1.peak_allocated &&
	      st0.alloc_ns == st1.alloc_ns && st0.free_ns == st1.free_ns &&
	      st0.reallocs == st1.reallocs && st0.failed_allocs == st1.failed_allocs &&
	      st0.large_count == st1.large_count,
	      "abort of ID %d left a trace", a.id);
	if (old)
		verify(f, old);
}

static void do_free(struct fuzz *f, struct input *in)
{
	unsigned int k = get16(in) % f->nlive, how = get8(in) % 3;
	struct obj *o = &f->live[k];
	struct ea_alloc_info a;
	int ret;

	verify(f, o);
	ret = ea_free(f->inst, how == 2 ? 0 : o->id, how ? o->offset : 0, &a);
	CHECK(!ret && a.id == o->id && a.offset == o->offset && a.size == o->size,
	      "free of ID %d (%u): %d", o->id, how, ret);
	mix(f, a.id);
	forget(f, k);
}

/* Frees the engine must refuse, each with its errno, changing nothing. */
static void do_bad_free(struct fuzz *f, struct input *in)
{
	u32 r = get32(in);
	struct ea_stats st0, st1;
	struct obj *o = f->nlive ? &f->live[r % f->nlive] : NULL;
	int id = 0, want;
	u64 off = 0;

	switch ((r >> 16) % 6) {
	case 0:		/* never issued */
		id = f->next_id + (r >> 24) % 5;
		if ((u32)id > INT_MAX || id <= 0)
			id = -1;
		want = -ENOENT;
		break;
	case 1:		/* freed: double free */
		if (!f->nfreed)
			return;
		id = f->freed[(r >> 8) % (f->nfreed < MAX_FREED ? f->nfreed : MAX_FREED)];
		want = -EALREADY;
		break;
	case 2:		/* freed ID, someone else's offset: stale */
		if (!f->nfreed || !o || !o->offset)
			return;
		id = f->freed[(r >> 8) % (f->nfreed < MAX_FREED ? f->nfreed : MAX_FREED)];
		off = o->offset;
		want = -ESTALE;
		break;
	case 3:		/* live ID, another one's offset: stale */
		if (f->nlive < 2)
			return;
		id = f->live[(r + 1) % f->nlive].id;
		off = o->offset;
		if (!off || id == o->id)
			return;
		want = -ESTALE;
		break;
	case 4:		/* inside a live allocation */
		if (!o || o->size < 2)
			return;
		off = o->offset + 1 + (r >> 8) % (o->size - 1);
		want = -EINVAL;
		break;
	default:	/* nowhere */
		off = f->capacity + (r >> 8) % (1ULL << 30);
		want = -EINVAL;
		break;
	}
	ea_get_stats(f->inst, &st0);
	CHECK(ea_free(f->inst, id, off, NULL) == want, "bad free %d/%#llx: want %d",
	      id, off, want);
	ea_get_stats(f->inst, &st1);
	same_state(&st0, &st1);
}

static void do_rw(struct fuzz *f, struct input *in)
{
	struct obj *o = &f->live[get16(in) % f->nlive];
	u64 pos = get32(in) % (o->size + 2), len = get16(in) % 300;
	u8 buf[300];
	int ret;
	u64 i;

	if (get8(in) & 1) {
		ret = ea_read(f->inst, o->id, pos, buf, len);
		if (pos + len > o->size) {
			CHECK(ret == -EINVAL, "read past the end: %d", ret);
			return;
		}
		CHECK(!ret, "read %d", ret);
		if (!o->dirty)
			check_range(o, buf, pos, len);
	} else {
		if (pos > o->size)
			pos = o->size;
		len = len < o->size - pos ? len : o->size - pos;
		for (i = 0; i < len; i++)
			buf[i] = pat(o, pos + i);
		CHECK(!ea_write(f->inst, o->id, pos, buf, len), "write");
		CHECK(ea_write(f->inst, o->id, o->size, buf, 1) == -EINVAL, "write past");
	}
}

static void do_lookup(struct fuzz *f, struct input *in)
{
	u32 r = get32(in);
	struct ea_alloc_info a;

	if (f->nfreed && r % 3 == 0) {
		int id = f->freed[(r >> 8) % (f->nfreed < MAX_FREED ? f->nfreed : MAX_FREED)];

		CHECK(ea_lookup_id(f->inst, id, &a) == -EALREADY, "freed ID %d", id);
	} else if (r % 3 == 1) {
		CHECK(ea_lookup_id(f->inst, f->next_id + r % 3, &a) == -ENOENT,
		      "future ID");
	} else if (f->nlive) {
		struct obj *o = &f->live[r % f->nlive];
		u64 at = o->offset + (r >> 8) % o->class_size;

		if (at - o->offset < o->size)
			CHECK(!ea_lookup_offset(f->inst, at, &a) && a.id == o->id,
			      "offset %#llx of ID %d", at, o->id);
		else
			CHECK(ea_lookup_offset(f->inst, at, &a) == -ENOENT,
			      "slack %#llx of ID %d", at, o->id);
	}
}

static void do_bits(struct fuzz *f, struct input *in)
{
	u32 bit = get32(in) % (f->bits + 3), found = 0;
	u8 op = get8(in) % 5;
	int ret;

	switch (op) {
	case 0:
		ret = ea_bit_set(f->inst, bit);
		break;
	case 1:
		ret = ea_bit_clear(f->inst, bit);
		break;
	case 2:
		ret = ea_bit_get(f->inst, bit);
		break;
	case 3:
		ret = ea_bit_find(f->inst, bit, &found);
		break;
	default:
		ret = ea_bit_clear_all(f->inst);
		bit = 0;
		break;
	}
	mix(f, ret);
	if (!f->bits) {
		CHECK(ret == -EOPNOTSUPP, "no bitset: %d", ret);
		return;
	}
	if (bit >= f->bits + !!(op == 3)) {
		CHECK(ret == -EINVAL, "bit %u of %u: %d", bit, f->bits, ret);
		return;
	}
	switch (op) {
	case 0:
		__set_bit(bit, f->bitmap);
		break;
	case 1:
		__clear_bit(bit, f->bitmap);
		break;
	case 2:
		CHECK(ret == test_bit(bit, f->bitmap), "get %u", bit);
		break;
	case 3: {
		u32 want = bit;

		while (want < f->bits && !test_bit(want, f->bitmap))
			want++;

		CHECK(want == f->bits ? ret == -ENOENT : !ret && found == want,
		      "find from %u", bit);
		break;
	}
	default:
		memset(f->bitmap, 0, BITS_TO_LONGS(f->bits) * sizeof(long));
		break;
	}
}

/* Userspace writes into its mapping of the arena, anywhere. */
static void do_scribble(struct fuzz *f, struct input *in)
{
	u64 at = get32(in) % f->capacity;
	unsigned int len = 1 + get8(in) % 16, i, k;

	if (at + len > f->capacity)
		len = f->capacity - at;
	for (i = 0; i < len; i++)
		f->arena[at + i] = get8(in);
	for (k = 0; k < f->nlive; k++) {
		struct obj *o = &f->live[k];

		if (o->cls != EA_CLASS_LARGE && at < o->offset + o->size &&
		    o->offset < at + len)
			o->dirty = true;
	}
}

/* A kernel allocation fails: the call must unwind as if never made. */
static void do_fault(struct fuzz *f, struct input *in)
{
	u8 how = get8(in);

	f->faulting = true;
	if (how & 1)
		ea_fail_nth(f->inst, 1 + (how >> 1) % 4);
	else
		shim_fail_nth = 1 + (how >> 1) % 4;
	if (f->nlive && (how & 2))
		do_alloc(f, in, &f->live[get16(in) % f->nlive]);
	else
		do_alloc(f, in, NULL);
	ea_fail_nth(f->inst, 0);
	shim_fail_nth = 0;
	f->faulting = false;
}

static void run(struct fuzz *f, struct input in)
{
	unsigned int ops = 0;

	while (in.n && ops++ < 2000) {
		u8 op = get8(&in) % 16;

		total_ops++;
		switch (op) {
		case 0: case 1: case 2:
			do_alloc(f, &in, NULL);
			break;
		case 3:
			if (get8(&in) % 4)
				do_alloc(f, &in, NULL);
			else
				do_alloc_abort(f, &in, NULL);
			break;
		case 4: case 5:
			if (f->nlive)
				do_free(f, &in);
			break;
		case 6:
			do_bad_free(f, &in);
			break;
		case 7:
			if (!f->nlive)
				break;
			if (get8(&in) % 4)
				do_alloc(f, &in, &f->live[get16(&in) % f->nlive]);
			else
				do_alloc_abort(f, &in, &f->live[get16(&in) % f->nlive]);
			break;
		case 8:
			if (f->nlive)
				do_rw(f, &in);
			break;
		case 9:
			do_lookup(f, &in);
			break;
		case 10:
			do_bits(f, &in);
			break;
		case 11:
			do_scribble(f, &in);
			break;
		case 12:
			do_fault(f, &in);
			break;
		case 13:
			f->debug = !f->debug;
			ea_set_debug(f->inst, f->debug);
			break;
		case 14:
			if (get8(&in) % 8 == 0) {
				CHECK(!ea_reset(f->inst), "reset");
				model_reset(f);
			}
			break;
		default:
			if (f->nlive)
				verify(f, &f->live[get16(&in) % f->nlive]);
			break;
		}
		check_invariants(f, ops < 64 || !(ops % 16) || !in.n);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	/* Mostly small arenas: creating a big one costs more than its ops. */
	static const u64 caps[] = {
		64 << 10, 68 << 10, 100 << 10, 140 << 10, 200 << 10,
		256 << 10, 300 << 10, (1 << 20) + (12 << 10),
	};
	static const u32 bits[] = { 0, 64, 100, 4096 };
	struct input in = { data, size };
	static struct fuzz f;
	struct ea_stats st1, st2;
	struct ea_params p;
	u8 cfg = get8(&in), cfg2 = get8(&in);
	u64 hash1;
	int err = 0;

	if (!total_inputs++)
		atexit(report);
	memset(&f, 0, sizeof(f));
	f.capacity = caps[cfg % ARRAY_SIZE(caps)];
	f.debug = !(cfg & 0x80);
	f.bits = bits[(cfg >> 3) % ARRAY_SIZE(bits)];
	f.first_id = cfg2 % 8 == 0 ? INT_MAX - 20 : 1;
	p = (struct ea_params){
		.capacity = f.capacity,
		.max_capacity = 64 << 20,
		.bitset_bits = f.bits,
		.debug = f.debug,
		.first_id = f.first_id,
		/* Half the inputs: reallocs stay in place when they can. */
		.realloc_in_place = cfg2 & 0x10,
		/*
		 * Half: a listener that wants only errors and corruption, so
		 * that the fast path (ea_fast.c) serves what it can.
		 */
		.events = cfg2 & 0x20 ? &few_events : NULL,
		.quiet = true,
		.notify = notify,
		.priv = &f,
	};
	f.inst = ea_create(&p, &err);
	CHECK(f.inst && !err, "create: %d", err);
	CHECK(!ea_with_area(f.inst, 0, grab, &f.arena), "arena");
	if (f.bits)
		f.bitmap = calloc(BITS_TO_LONGS(f.bits), sizeof(long));
	model_reset(&f);
	check_invariants(&f, true);

	/* Once, then again after a reset: the engine must answer the same. */
	run(&f, in);
	hash1 = f.hash;
	ea_get_stats(f.inst, &st1);
	ea_set_debug(f.inst, !(cfg & 0x80));
	f.debug = !(cfg & 0x80);
	CHECK(!ea_reset(f.inst), "reset");
	model_reset(&f);
	f.hash = 0;
	check_invariants(&f, true);
	run(&f, in);
	ea_get_stats(f.inst, &st2);
	CHECK(f.hash == hash1, "a replay after reset answered differently");
	CHECK(st1.allocs == st2.allocs && st1.frees == st2.frees &&
	      st1.next_id == st2.next_id && st1.corruptions == st2.corruptions &&
	      st1.failed_allocs == st2.failed_allocs, "replay statistics");

	ea_destroy(f.inst);
	free(f.bitmap);
	CHECK(shim_live_objects == 0, "%ld engine objects leaked",
	      shim_live_objects);
	return 0;
}
