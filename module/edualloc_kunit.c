// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the edualloc engine.
 *
 * Each case gets a fresh 1 MiB instance with a 4096-bit bitset and the
 * debug checks on; a recorder counts the events it emits. The cases that
 * corrupt memory on purpose write into the arena directly, as a userspace
 * mapping would, and assert the detectors' counts (as slub_kunit.c does).
 * The same file builds in userspace against tests/engine/shim, where it
 * runs under AddressSanitizer and UndefinedBehaviorSanitizer. In the
 * kernel it needs 5.17 or later (kthread_complete_and_exit()).
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "ea_engine.h"

#ifndef KUNIT_CASE_SLOW			/* before 6.6 */
#define KUNIT_CASE_SLOW KUNIT_CASE
#endif

#define EA_TEST_CAP		(1024 * 1024)
#define EA_TEST_LOG		64
#define EA_TEST_MAX_INST	4
#define EA_TEST_WHY		128

struct ea_test {
	struct ea_instance *inst;		/* the default instance */
	struct ea_instance *insts[EA_TEST_MAX_INST];
	unsigned int nr_insts;
	unsigned int events[EA_NR_EVENTS];	/* per type */
	unsigned int refused[EA_NR_ERR];	/* EA_EV_ERROR per kind */
	struct ea_event last[EA_NR_EVENTS];	/* the last of each type */
	struct ea_event log[EA_TEST_LOG];	/* the first events since a clear */
	unsigned int log_len;			/* events since a clear */
};

static void ea_test_notify(void *priv, const struct ea_event *ev)
{
	struct ea_test *t = priv;

	if (ev->type < EA_NR_EVENTS) {
		t->events[ev->type]++;
		t->last[ev->type] = *ev;
	}
	if (ev->type == EA_EV_ERROR && ev->aux < EA_NR_ERR)
		t->refused[ev->aux]++;
	if (t->log_len < EA_TEST_LOG)
		t->log[t->log_len] = *ev;
	t->log_len++;
}

static void ea_test_clear_events(struct ea_test *t)
{
	memset(t->events, 0, sizeof(t->events));
	memset(t->refused, 0, sizeof(t->refused));
	t->log_len = 0;
}

/* An instance destroyed with the test. */
static struct ea_instance *ea_test_create(struct kunit *test, u64 capacity,
					  u32 bits, bool debug)
{
	struct ea_test *t = test->priv;
	struct ea_params p = {
		.capacity = capacity,
		.max_capacity = 64 << 20,
		.bitset_bits = bits,
		.debug = debug,
		.quiet = true,
		.notify = ea_test_notify,
		.priv = t,
	};
	struct ea_instance *inst;
	int err = 0;

	KUNIT_ASSERT_LT(test, t->nr_insts, EA_TEST_MAX_INST);
	inst = ea_create(&p, &err);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, inst);
	KUNIT_ASSERT_EQ(test, err, 0);
	t->insts[t->nr_insts++] = inst;
	return inst;
}

static int ea_test_init(struct kunit *test)
{
	struct ea_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	test->priv = t;
	t->inst = ea_test_create(test, EA_TEST_CAP, EA_DEF_BITSET_BITS, true);
	ea_test_clear_events(t);
	return 0;
}

static void ea_test_exit(struct kunit *test)
{
	struct ea_test *t = test->priv;

	while (t->nr_insts)
		ea_destroy(t->insts[--t->nr_insts]);
}

static void ea_test_valid(struct kunit *test, struct ea_instance *inst)
{
	char why[EA_TEST_WHY] = "";

	KUNIT_ASSERT_EQ_MSG(test, ea_validate(inst, why, sizeof(why)), 0,
			    "%s", why);
}

static int ea_test_grab(void *priv, void *area, u64 size)
{
	*(void **)priv = area;
	return 0;
}

/* The kernel address of an area, as a userspace mapping would see it. */
static u8 *ea_test_area(struct kunit *test, struct ea_instance *inst,
			u64 offset)
{
	void *area = NULL;

	KUNIT_ASSERT_EQ(test, ea_with_area(inst, offset, ea_test_grab, &area), 0);
	KUNIT_ASSERT_NOT_NULL(test, area);
	return area;
}

/* The kernel address of an arena allocation's first byte. */
static u8 *ea_test_mem(struct kunit *test, struct ea_instance *inst,
		       const struct ea_alloc_info *a)
{
	if (a->cls == EA_CLASS_LARGE)
		return ea_test_area(test, inst, a->offset);
	return ea_test_area(test, inst, 0) + a->offset;
}

static void ea_test_alloc(struct kunit *test, struct ea_instance *inst,
			  u64 size, struct ea_alloc_info *a)
{
	KUNIT_ASSERT_EQ_MSG(test, ea_alloc(inst, size, 0, a), 0,
			    "alloc of %llu", size);
	KUNIT_ASSERT_EQ(test, a->size, size);
}

/* A deterministic PRNG (xorshift64*), so every run does the same. */
static u64 ea_test_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* The state that a failed call must leave exactly as it was. */
struct ea_test_snap {
	struct ea_stats st;
	struct ea_page_info map[EA_TEST_CAP / PAGE_SIZE];
	unsigned long pages;
};

static void ea_test_snap(struct ea_instance *inst, struct ea_test_snap *s)
{
	ea_get_stats(inst, &s->st);
	s->pages = ea_page_map(inst, s->map, ARRAY_SIZE(s->map));
}

/* Compare two snapshots, failure counters and timing excepted. */
static void ea_test_same(struct kunit *test, const struct ea_test_snap *a,
			 const struct ea_test_snap *b)
{
	unsigned long i;
	unsigned int c;

	KUNIT_EXPECT_EQ(test, a->st.pages_free, b->st.pages_free);
	KUNIT_EXPECT_EQ(test, a->st.largest_free, b->st.largest_free);
	KUNIT_EXPECT_EQ(test, a->st.live_allocs, b->st.live_allocs);
	KUNIT_EXPECT_EQ(test, a->st.live_requested, b->st.live_requested);
	KUNIT_EXPECT_EQ(test, a->st.live_allocated, b->st.live_allocated);
	KUNIT_EXPECT_EQ(test, a->st.peak_requested, b->st.peak_requested);
	KUNIT_EXPECT_EQ(test, a->st.peak_allocated, b->st.peak_allocated);
	KUNIT_EXPECT_EQ(test, a->st.used_bytes, b->st.used_bytes);
	KUNIT_EXPECT_EQ(test, a->st.peak_used, b->st.peak_used);
	KUNIT_EXPECT_EQ(test, a->st.allocs, b->st.allocs);
	KUNIT_EXPECT_EQ(test, a->st.frees, b->st.frees);
	KUNIT_EXPECT_EQ(test, a->st.large_count, b->st.large_count);
	KUNIT_EXPECT_EQ(test, a->st.large_bytes, b->st.large_bytes);
	KUNIT_EXPECT_EQ(test, a->st.corruptions, b->st.corruptions);
	KUNIT_EXPECT_EQ(test, a->st.next_id, b->st.next_id);
	for (c = 0; c < EA_NR_CLASSES; c++) {
		KUNIT_EXPECT_EQ(test, a->st.cls[c].slabs, b->st.cls[c].slabs);
		KUNIT_EXPECT_EQ(test, a->st.cls[c].slots_total,
				b->st.cls[c].slots_total);
		KUNIT_EXPECT_EQ(test, a->st.cls[c].slots_used,
				b->st.cls[c].slots_used);
		KUNIT_EXPECT_EQ(test, a->st.cls[c].allocs, b->st.cls[c].allocs);
		KUNIT_EXPECT_EQ(test, a->st.cls[c].frees, b->st.cls[c].frees);
		KUNIT_EXPECT_EQ(test, a->st.cls[c].waste, b->st.cls[c].waste);
	}
	KUNIT_ASSERT_EQ(test, a->pages, b->pages);
	for (i = 0; i < a->pages; i++) {
		const struct ea_page_info *p = &a->map[i], *q = &b->map[i];

		KUNIT_ASSERT_EQ_MSG(test, p->kind, q->kind, "page %lu", i);
		KUNIT_ASSERT_EQ_MSG(test, p->head, q->head, "page %lu", i);
		KUNIT_ASSERT_EQ_MSG(test, p->order, q->order, "page %lu", i);
		KUNIT_ASSERT_EQ_MSG(test, p->cls, q->cls, "page %lu", i);
		KUNIT_ASSERT_EQ_MSG(test, p->used, q->used, "page %lu", i);
	}
}

/* ---- Basic operations --------------------------------------------------- */

static void ea_test_basic(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	static const char msg[] = "Hello, allocator!";
	struct ea_alloc_info a, b, f;
	char buf[sizeof(msg)] = "";
	struct ea_stats st;

	KUNIT_ASSERT_EQ(test, ea_alloc(inst, 64, 42, &a), 0);
	KUNIT_EXPECT_EQ(test, a.id, 1);
	KUNIT_EXPECT_EQ(test, a.offset, 0);
	KUNIT_EXPECT_EQ(test, a.size, 64);
	KUNIT_EXPECT_EQ(test, a.class_size, 64);
	KUNIT_EXPECT_EQ(test, a.cls, 3);
	KUNIT_EXPECT_EQ(test, a.owner, 42);

	KUNIT_ASSERT_EQ(test, ea_write(inst, a.id, 0, msg, sizeof(msg)), 0);
	KUNIT_ASSERT_EQ(test, ea_read(inst, a.id, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, msg);
	KUNIT_EXPECT_EQ(test, memcmp(ea_test_mem(test, inst, &a), msg,
				     sizeof(msg)), 0);
	/* Zeroed, and the slack is a red zone. */
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[63], 0);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 60, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 61, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, 65, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, 64, buf, 0), 0);

	KUNIT_ASSERT_EQ(test, ea_alloc(inst, 20, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.id, 2);
	KUNIT_EXPECT_EQ(test, b.class_size, 32);
	KUNIT_EXPECT_EQ(test, b.offset, PAGE_SIZE);	/* a new slab */
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &b)[20], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &b)[31], EA_RED_ZONE);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 2);
	KUNIT_EXPECT_EQ(test, st.live_requested, 84);
	KUNIT_EXPECT_EQ(test, st.live_allocated, 96);

	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, &f), 0);
	KUNIT_EXPECT_EQ(test, f.id, a.id);
	KUNIT_EXPECT_EQ(test, f.offset, a.offset);
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[0], EA_POISON_FREE);
	KUNIT_ASSERT_EQ(test, ea_free(inst, 0, b.offset, &f), 0);
	KUNIT_EXPECT_EQ(test, f.id, b.id);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.allocs, 2);
	KUNIT_EXPECT_EQ(test, st.frees, 2);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ALLOC], 2);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREE], 2);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ERROR], 2);
	ea_test_valid(test, inst);
}

static void ea_test_id_mapping(struct kunit *test)
{
	static const u64 sizes[] = { 1, 8, 100, 2048, 3000, 4096, 70000, 300000 };
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a[ARRAY_SIZE(sizes)], r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ea_test_alloc(test, inst, sizes[i], &a[i]);
		KUNIT_EXPECT_EQ(test, a[i].id, i + 1);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 probes[] = { 0, sizes[i] / 2, sizes[i] - 1 };
		unsigned int j;

		KUNIT_ASSERT_EQ(test, ea_lookup_id(inst, a[i].id, &r), 0);
		KUNIT_EXPECT_EQ(test, r.offset, a[i].offset);
		KUNIT_EXPECT_EQ(test, r.size, a[i].size);
		KUNIT_EXPECT_EQ(test, r.cls, a[i].cls);
		KUNIT_EXPECT_EQ(test, r.class_size, a[i].class_size);
		for (j = 0; j < ARRAY_SIZE(probes); j++) {
			u64 at = a[i].offset + probes[j];

			KUNIT_ASSERT_EQ(test, ea_lookup_offset(inst, at, &r), 0);
			KUNIT_EXPECT_EQ(test, r.id, a[i].id);
			KUNIT_EXPECT_EQ(test, r.offset, a[i].offset);
		}
		/* The red zone belongs to nobody. */
		if (a[i].class_size > a[i].size) {
			u64 at = a[i].offset + a[i].size;

			KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, at, &r), -ENOENT);
		}
	}
	KUNIT_EXPECT_EQ(test, a[7].cls, EA_CLASS_LARGE);
	KUNIT_EXPECT_EQ(test, a[7].offset, EA_LARGE_BASE +
			((u64)a[7].id << EA_LARGE_SHIFT));

	KUNIT_ASSERT_EQ(test, ea_free(inst, a[2].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a[2].id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, a[2].offset, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, 0, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, -5, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, 9, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, EA_TEST_CAP, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, EA_LARGE_BASE, &r), -ENOENT);
	KUNIT_EXPECT_EQ(test, t->refused[EA_ERR_FREED_ID], 1);
	KUNIT_EXPECT_EQ(test, t->refused[EA_ERR_UNKNOWN_ID], 3);
	KUNIT_EXPECT_EQ(test, t->refused[EA_ERR_NO_ALLOC], 8);
	ea_test_valid(test, inst);
}

static void ea_test_bitset(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *bare;
	struct ea_stats st;
	u32 found = 0;

	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 0, &found), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, 42), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, 4095), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, 42), 1);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, 41), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, 4095), 1);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 0, &found), 0);
	KUNIT_EXPECT_EQ(test, found, 42);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 43, &found), 0);
	KUNIT_EXPECT_EQ(test, found, 4095);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 4096, &found), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_bit_clear(inst, 42), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, 42), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, 64), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_clear_all(inst), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, 64), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, 4095), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 0, &found), -ENOENT);

	/* Out of range. */
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_bit_clear(inst, 4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_bit_get(inst, U32_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 4097, &found), -EINVAL);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.bitset_bits, 4096);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_BIT], 4);

	/* No bitset at all. */
	bare = ea_test_create(test, EA_TEST_CAP, 0, true);
	KUNIT_EXPECT_EQ(test, ea_bit_set(bare, 0), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ea_bit_clear(bare, 0), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ea_bit_get(bare, 0), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ea_bit_find(bare, 0, &found), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ea_bit_clear_all(bare), -EOPNOTSUPP);
	ea_get_stats(bare, &st);
	KUNIT_EXPECT_EQ(test, st.bitset_bits, 0);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_BITSET], 5);
	KUNIT_EXPECT_EQ(test, t->refused[EA_ERR_NO_BITSET], 5);
}

/* The largest bitset: the last bit works, the one after does not. */
static void ea_test_bitset_max(struct kunit *test)
{
	struct ea_instance *inst;
	u32 found = 0;

	inst = ea_test_create(test, EA_TEST_CAP, EA_MAX_BITSET_BITS, true);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, EA_MAX_BITSET_BITS - 1), 0);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 0, &found), 0);
	KUNIT_EXPECT_EQ(test, found, EA_MAX_BITSET_BITS - 1);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, EA_MAX_BITSET_BITS), -EINVAL);
}

static void ea_test_large(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b, r;
	struct ea_stats st;
	u8 *mem, byte = 0x5a;
	u64 size = EA_SMALL_MAX + 1;

	ea_test_alloc(test, inst, size, &a);
	KUNIT_EXPECT_EQ(test, a.cls, EA_CLASS_LARGE);
	KUNIT_EXPECT_EQ(test, a.class_size, EA_SMALL_MAX + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, a.offset, EA_LARGE_BASE + (1ULL << EA_LARGE_SHIFT));
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_LARGE_MAP].size, a.class_size);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_LARGE_MAP].offset, a.offset);

	mem = ea_test_area(test, inst, a.offset);
	KUNIT_EXPECT_EQ(test, mem[0], 0);
	KUNIT_EXPECT_EQ(test, mem[size - 1], 0);
	KUNIT_EXPECT_EQ(test, mem[size], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, size - 1, &byte, 1), 0);
	KUNIT_EXPECT_EQ(test, mem[size - 1], byte);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, size, &byte, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, a.offset + size - 1, &r), 0);
	KUNIT_EXPECT_EQ(test, r.id, a.id);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, a.offset + size, &r), -ENOENT);
	/* Past its area, in its window. */
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, a.offset + a.class_size, &r),
			-ENOENT);
	/* An area starts only at the allocation's first byte. */
	KUNIT_EXPECT_EQ(test, ea_with_area(inst, a.offset + PAGE_SIZE,
					   ea_test_grab, &mem), -ENOENT);

	/* Counted against the capacity. */
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.large_count, 1);
	KUNIT_EXPECT_EQ(test, st.large_bytes, a.class_size);
	KUNIT_EXPECT_EQ(test, st.used_bytes, a.class_size);
	KUNIT_EXPECT_EQ(test, st.avail_bytes, EA_TEST_CAP - a.class_size);
	KUNIT_EXPECT_EQ(test, st.live_allocated, a.class_size);
	KUNIT_EXPECT_EQ(test, st.pages_free, st.pages_total);

	/* All but one page of the capacity. */
	ea_test_alloc(test, inst, EA_TEST_CAP - a.class_size - PAGE_SIZE, &b);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 3 * PAGE_SIZE, 0, &r), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &r), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 2 * PAGE_SIZE, 0, &r), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 1, 0, &r), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, EA_TEST_CAP + 1, 0, &r), -E2BIG);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.avail_bytes, 0);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_SPACE], 3);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_TOO_BIG], 1);

	KUNIT_ASSERT_EQ(test, ea_free(inst, 0, b.offset, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, b.offset, NULL), -EALREADY);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, a.offset, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, r.id, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.large_count, 0);
	KUNIT_EXPECT_EQ(test, st.large_bytes, 0);
	KUNIT_EXPECT_EQ(test, st.used_bytes, 0);
	KUNIT_EXPECT_EQ(test, st.peak_used, EA_TEST_CAP);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);

	/* The window of a small allocation's ID holds nothing. */
	ea_test_alloc(test, inst, 10, &r);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, EA_LARGE_BASE +
					       ((u64)r.id << EA_LARGE_SHIFT), &b),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, EA_LARGE_BASE +
				      ((u64)r.id << EA_LARGE_SHIFT), NULL), -EINVAL);
	ea_test_valid(test, inst);
}

static void ea_test_reuse(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a[4], n;

	ea_test_alloc(test, inst, 100, &a[0]);
	ea_test_alloc(test, inst, 100, &a[1]);
	ea_test_alloc(test, inst, 100, &a[2]);
	ea_test_alloc(test, inst, 100, &a[3]);
	KUNIT_EXPECT_EQ(test, a[1].offset, a[0].offset + 128);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_REFILL], 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREELIST_HIT], 3);

	/* LIFO: the slot freed last is reused first, under a new ID. */
	KUNIT_ASSERT_EQ(test, ea_free(inst, a[1].id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a[2].id, 0, NULL), 0);
	ea_test_alloc(test, inst, 120, &n);
	KUNIT_EXPECT_EQ(test, n.offset, a[2].offset);
	KUNIT_EXPECT_EQ(test, n.id, 5);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_FREELIST_HIT].offset, a[2].offset);
	ea_test_alloc(test, inst, 65, &n);
	KUNIT_EXPECT_EQ(test, n.offset, a[1].offset);
	KUNIT_EXPECT_EQ(test, n.id, 6);
	ea_test_alloc(test, inst, 128, &n);
	KUNIT_EXPECT_EQ(test, n.offset, a[3].offset + 128);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_REFILL], 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREELIST_HIT], 6);

	/* A freed page-class block comes straight back, too. */
	ea_test_alloc(test, inst, 8192, &a[0]);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a[0].id, 0, NULL), 0);
	ea_test_alloc(test, inst, 8000, &n);
	KUNIT_EXPECT_EQ(test, n.offset, a[0].offset);
	KUNIT_EXPECT_NE(test, n.id, a[0].id);
	ea_test_valid(test, inst);
}

/* An empty slab is kept as the class's spare, a second one goes back. */
static void ea_test_spare_slab(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	unsigned int i, per = PAGE_SIZE / 512;
	struct ea_alloc_info *a;
	struct ea_stats st;

	a = kunit_kcalloc(test, 2 * per, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < 2 * per; i++)
		ea_test_alloc(test, inst, 512, &a[i]);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.cls[6].slabs, 2);
	KUNIT_EXPECT_EQ(test, st.cls[6].slots_total, 2 * per);
	KUNIT_EXPECT_EQ(test, st.pages_used, 2);

	for (i = 0; i < per; i++)
		KUNIT_ASSERT_EQ(test, ea_free(inst, a[i].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_SPARE], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_SLAB_SPARE].offset, a[0].offset);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_RELEASE], 0);
	for (i = per; i < 2 * per; i++)
		KUNIT_ASSERT_EQ(test, ea_free(inst, a[i].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_RELEASE], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_SLAB_RELEASE].offset, a[per].offset);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.cls[6].slabs, 1);
	KUNIT_EXPECT_EQ(test, st.pages_used, 1);

	/* The spare serves the next allocation without the buddy allocator. */
	ea_test_clear_events(t);
	ea_test_alloc(test, inst, 300, &a[0]);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_REFILL], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_SLAB_REFILL].aux, 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_BUDDY_SPLIT], 0);
	ea_test_valid(test, inst);
}

/* ---- Stress ------------------------------------------------------------------ */

#define EA_STRESS_OPS		100000
#define EA_STRESS_LIVE		1024
#define EA_STRESS_CHECK		8192

struct ea_stress_obj {
	int id;
	u8 pat;
	u64 size;
	u64 offset;
};

/* Sizes mostly small, as programs ask; a few page-class and large ones. */
static u64 ea_stress_size(u64 *rng)
{
	u64 r = ea_test_rand(rng);
	unsigned int pick = r % 1000;

	r >>= 10;
	if (pick < 700)
		return 1 + r % 256;
	if (pick < 950)
		return 1 + r % 4096;
	if (pick < 995)
		return 1 + r % (64 * 1024);
	if (pick < 998)
		return 1 + r % EA_SMALL_MAX;
	return EA_SMALL_MAX + 1 + r % (200 * 1024);
}

static int ea_stress_sort_cmp(const void *a, const void *b)
{
	const struct ea_alloc_info *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

struct ea_stress_walk {
	struct ea_alloc_info *v;
	unsigned int n, max;
};

static int ea_stress_collect(void *priv, const struct ea_alloc_info *a)
{
	struct ea_stress_walk *w = priv;

	if (w->n == w->max)
		return -E2BIG;
	w->v[w->n++] = *a;
	return 0;
}

/* No two live allocations overlap; all are inside their area, aligned. */
static void ea_stress_check(struct kunit *test, struct ea_instance *inst,
			    struct ea_stress_walk *w, u64 live)
{
	unsigned int i;

	w->n = 0;
	KUNIT_ASSERT_EQ(test, ea_for_each_alloc(inst, ea_stress_collect, w), 0);
	KUNIT_ASSERT_EQ(test, w->n, live);
	for (i = 1; i < w->n; i++)
		KUNIT_ASSERT_GT(test, w->v[i].id, w->v[i - 1].id);
	sort(w->v, w->n, sizeof(*w->v), ea_stress_sort_cmp, NULL);
	for (i = 0; i < w->n; i++) {
		const struct ea_alloc_info *a = &w->v[i];
		u64 align = min_t(u64, a->class_size, PAGE_SIZE);

		KUNIT_ASSERT_EQ(test, a->offset % align, 0);
		if (a->cls == EA_CLASS_LARGE)
			KUNIT_ASSERT_EQ(test, a->offset, EA_LARGE_BASE +
					((u64)a->id << EA_LARGE_SHIFT));
		else
			KUNIT_ASSERT_LE(test, a->offset + a->class_size,
					EA_TEST_CAP);
		if (i)
			KUNIT_ASSERT_LE(test, w->v[i - 1].offset +
					w->v[i - 1].class_size, a->offset);
	}
	ea_test_valid(test, inst);
}

static void ea_test_stress(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_stress_obj *live;
	struct ea_stress_walk w;
	unsigned int nlive = 0, i, ok_allocs = 0, nomem = 0, frees = 0;
	unsigned int reallocs = 0;
	struct ea_alloc_info a;
	struct ea_stats st;
	u64 rng = 0x5eed0fed0a110cULL;
	u8 head[2];

	live = kunit_kcalloc(test, EA_STRESS_LIVE, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	w.max = EA_STRESS_LIVE;
	w.v = kunit_kcalloc(test, w.max, sizeof(*w.v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.v);

	for (i = 0; i < EA_STRESS_OPS; i++) {
		u64 r = ea_test_rand(&rng);
		unsigned int pick = r % 100, k;
		struct ea_stress_obj *o;
		int ret;

		if (!(i % 256))
			cond_resched();
		if (nlive && (pick < 40 || nlive == EA_STRESS_LIVE)) {
			/* Free a random live one, checking its first byte. */
			k = (r >> 8) % nlive;
			o = &live[k];
			KUNIT_ASSERT_EQ(test, ea_read(inst, o->id, 0, head, 1), 0);
			KUNIT_ASSERT_EQ(test, head[0], o->pat);
			KUNIT_ASSERT_EQ(test, ea_free(inst, o->id, o->offset, &a), 0);
			KUNIT_ASSERT_EQ(test, a.size, o->size);
			live[k] = live[--nlive];
			frees++;
		} else if (nlive && pick < 45) {
			/* Move a random live one to a new size. */
			k = (r >> 8) % nlive;
			o = &live[k];
			ret = ea_realloc(inst, o->id, ea_stress_size(&rng), 0, &a);
			if (ret) {
				KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
				nomem++;
				continue;
			}
			KUNIT_ASSERT_EQ(test, ea_read(inst, a.id, 0, head, 1), 0);
			KUNIT_ASSERT_EQ(test, head[0], o->pat);
			o->id = a.id;
			o->size = a.size;
			o->offset = a.offset;
			reallocs++;
		} else {
			u64 size = ea_stress_size(&rng);

			ret = ea_alloc(inst, size, 0, &a);
			if (ret) {
				KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
				nomem++;
				continue;
			}
			KUNIT_ASSERT_EQ(test, a.size, size);
			o = &live[nlive++];
			o->id = a.id;
			o->size = size;
			o->offset = a.offset;
			o->pat = r >> 32;
			KUNIT_ASSERT_EQ(test, ea_read(inst, a.id, size - 1, head, 1), 0);
			KUNIT_ASSERT_EQ(test, head[0], 0);
			KUNIT_ASSERT_EQ(test, ea_write(inst, a.id, 0, &o->pat, 1), 0);
			ok_allocs++;
		}
		if (!(i % EA_STRESS_CHECK))
			ea_stress_check(test, inst, &w, nlive);
	}
	ea_stress_check(test, inst, &w, nlive);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, nlive);
	KUNIT_EXPECT_EQ(test, st.allocs, ok_allocs + reallocs);
	KUNIT_EXPECT_EQ(test, st.frees, frees + reallocs);
	KUNIT_EXPECT_EQ(test, st.reallocs, reallocs);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, nomem);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_SPACE], nomem);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	KUNIT_EXPECT_GT(test, nomem, 0);
	kunit_info(test, "%u ops: %u allocs, %u frees, %u reallocs, %u refused, %u live at the end, peak %llu bytes used\n",
		   EA_STRESS_OPS, ok_allocs, frees, reallocs, nomem, nlive,
		   st.peak_used);

	/* Free everything: the buddy allocator must be whole again. */
	while (nlive)
		KUNIT_ASSERT_EQ(test, ea_free(inst, live[--nlive].id, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_LE(test, st.pages_used, EA_NR_CLASSES);	/* the spares */
	KUNIT_EXPECT_EQ(test, st.live_requested, 0);
	KUNIT_EXPECT_EQ(test, st.live_allocated, 0);
	ea_test_valid(test, inst);
}

/* ---- Sizes, classes and alignment ----------------------------------------- */

static const unsigned int ea_test_shifts[] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
};

static void ea_test_shift_desc(const unsigned int *shift, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "2^%u", *shift);
}

KUNIT_ARRAY_PARAM(ea_test_shifts, ea_test_shifts, ea_test_shift_desc);

/* n = 2^k fits class k exactly; n = 2^k + 1 needs the next one. */
static void ea_test_class_boundary(struct kunit *test)
{
	const unsigned int *shift = test->param_value;
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	u64 n = 1ULL << *shift;
	struct ea_alloc_info a, b;
	struct ea_stats st;
	u8 *mem;

	KUNIT_EXPECT_EQ(test, ea_class_of(n), *shift - EA_MIN_SHIFT);
	KUNIT_EXPECT_EQ(test, ea_class_of(n - 1), n == 8 ? 0 : *shift - EA_MIN_SHIFT);
	KUNIT_EXPECT_EQ(test, ea_class_size(ea_class_of(n)), n);

	ea_test_alloc(test, inst, n, &a);
	KUNIT_EXPECT_EQ(test, a.cls, *shift - EA_MIN_SHIFT);
	KUNIT_EXPECT_EQ(test, a.class_size, n);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CLASS].aux, 0);
	mem = ea_test_mem(test, inst, &a);
	KUNIT_EXPECT_EQ(test, mem[0], 0);
	KUNIT_EXPECT_EQ(test, mem[n - 1], 0);

	ea_test_alloc(test, inst, n + 1, &b);
	mem = ea_test_mem(test, inst, &b);
	KUNIT_EXPECT_EQ(test, mem[n], 0);
	KUNIT_EXPECT_EQ(test, mem[n + 1], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, mem[b.class_size - 1], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CLASS].aux, b.class_size - n - 1);
	if (*shift < EA_MAX_SHIFT) {
		KUNIT_EXPECT_EQ(test, b.cls, a.cls + 1);
		KUNIT_EXPECT_EQ(test, b.class_size, 2 * n);
	} else {
		KUNIT_EXPECT_EQ(test, b.cls, EA_CLASS_LARGE);
		KUNIT_EXPECT_EQ(test, b.class_size, n + PAGE_SIZE);
	}

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_requested, 2 * n + 1);
	KUNIT_EXPECT_EQ(test, st.live_allocated, a.class_size + b.class_size);
	KUNIT_EXPECT_EQ(test, st.internal_frag, b.class_size - n - 1);
	KUNIT_EXPECT_EQ(test, st.cls[a.cls].waste, 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[0], EA_POISON_FREE);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);
}

static const unsigned int ea_test_classes[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, EA_CLASS_LARGE,
};

static void ea_test_class_desc(const unsigned int *cls, char *desc)
{
	if (*cls == EA_CLASS_LARGE)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "large");
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "class %u (%llu B)", *cls,
			 ea_class_size(*cls));
}

KUNIT_ARRAY_PARAM(ea_test_classes, ea_test_classes, ea_test_class_desc);

/* Every allocation is aligned to its class size, up to a page. */
static void ea_test_alignment(struct kunit *test)
{
	const unsigned int *cls = test->param_value;
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	u64 csize = *cls == EA_CLASS_LARGE ? 300000 : ea_class_size(*cls);
	u64 sizes[] = { csize, csize / 2 + 1, csize - 1 };

	if (*cls == EA_CLASS_LARGE) {
		sizes[1] = EA_SMALL_MAX + 1;
		sizes[2] = 2 * EA_SMALL_MAX + 100;
	}
	struct ea_alloc_info a;
	unsigned int i, n = 0;
	u64 align;

	align = min_t(u64, csize, PAGE_SIZE);
	/* Enough to span two slabs for the small classes. */
	for (i = 0; i < 3 * PAGE_SIZE / csize + 3 && n < 40; i++, n++) {
		u64 size = max_t(u64, sizes[i % 3], 1);

		if (ea_alloc(inst, size, 0, &a) == -ENOMEM)
			break;
		KUNIT_ASSERT_EQ(test, a.size, size);
		KUNIT_EXPECT_EQ(test, a.cls, *cls);
		KUNIT_EXPECT_EQ_MSG(test, a.offset % align, 0, "offset %#llx",
				    a.offset);
		if (*cls == EA_CLASS_LARGE)
			KUNIT_EXPECT_EQ(test, a.class_size, PAGE_ALIGN(size));
		else
			KUNIT_EXPECT_EQ(test, a.class_size, csize);
	}
	KUNIT_EXPECT_GT(test, n, 0);
	ea_test_valid(test, inst);
}

/* ---- The buddy allocator ------------------------------------------------------ */

static void ea_test_free_orders(struct kunit *test, struct ea_instance *inst,
				unsigned int *count)
{
	struct ea_page_info *map;
	unsigned long i, n = ea_page_map(inst, NULL, 0);

	map = kunit_kcalloc(test, n, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_ASSERT_EQ(test, ea_page_map(inst, map, n), n);
	memset(count, 0, (EA_MAX_ORDER + 1) * sizeof(*count));
	for (i = 0; i < n; i++)
		if (map[i].kind == EA_PAGE_FREE && map[i].head)
			count[map[i].order]++;
	kunit_kfree(test, map);
}

static void ea_test_buddy(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	unsigned int orders[EA_MAX_ORDER + 1], o;
	struct ea_alloc_info a, b, c;
	struct ea_test_snap *before, *after;
	struct ea_stats st;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	ea_test_snap(inst, before);
	ea_test_free_orders(test, inst, orders);
	KUNIT_EXPECT_EQ(test, orders[EA_MAX_ORDER], 4);
	KUNIT_EXPECT_EQ(test, before->st.largest_free, PAGE_SIZE << EA_MAX_ORDER);
	KUNIT_EXPECT_EQ(test, before->st.external_frag_pct, 0);

	/* One page splits a 64-page block six times. */
	ea_test_alloc(test, inst, PAGE_SIZE, &a);
	KUNIT_EXPECT_EQ(test, a.offset, 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_BUDDY_SPLIT], EA_MAX_ORDER);
	KUNIT_EXPECT_EQ(test, t->log[1].type, EA_EV_BUDDY_SPLIT);
	KUNIT_EXPECT_EQ(test, t->log[1].order, EA_MAX_ORDER);
	ea_test_free_orders(test, inst, orders);
	for (o = 0; o < EA_MAX_ORDER; o++)
		KUNIT_EXPECT_EQ_MSG(test, orders[o], 1, "order %u", o);
	KUNIT_EXPECT_EQ(test, orders[EA_MAX_ORDER], 3);

	/* The next page is a's buddy; two more pages take the order-1 block. */
	ea_test_alloc(test, inst, PAGE_SIZE, &b);
	KUNIT_EXPECT_EQ(test, b.offset, PAGE_SIZE);
	ea_test_alloc(test, inst, 2 * PAGE_SIZE, &c);
	KUNIT_EXPECT_EQ(test, c.offset, 2 * PAGE_SIZE);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.pages_used, 4);
	KUNIT_EXPECT_EQ(test, st.largest_free, PAGE_SIZE << EA_MAX_ORDER);
	/* A largest block is still free: no external fragmentation. */
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 0);

	/* Freeing merges all the way back up. */
	ea_test_clear_events(t);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_BUDDY_MERGE], 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_BUDDY_MERGE], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_BUDDY_MERGE].order, 1);
	KUNIT_ASSERT_EQ(test, ea_free(inst, c.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_BUDDY_MERGE], EA_MAX_ORDER);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_BUDDY_MERGE].order, EA_MAX_ORDER);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_BUDDY_MERGE].offset, 0);
	ea_test_snap(inst, after);
	KUNIT_EXPECT_EQ(test, after->st.pages_used, 0);
	KUNIT_EXPECT_EQ(test, after->st.external_frag_pct, 0);
	/* The same free blocks as at the start (the counters differ). */
	after->st.allocs = before->st.allocs;
	after->st.frees = before->st.frees;
	after->st.next_id = before->st.next_id;
	after->st.peak_requested = before->st.peak_requested;
	after->st.peak_allocated = before->st.peak_allocated;
	after->st.peak_used = before->st.peak_used;
	memcpy(after->st.cls, before->st.cls, sizeof(after->st.cls));
	ea_test_same(test, before, after);
	ea_test_valid(test, inst);
}

static const u64 ea_test_capacities[] = {
	64 * 1024, 68 * 1024, 204 * 1024, 260 * 1024, 1024 * 1024,
	1052 * 1024, 3 * 1024 * 1024 - 4096, 64 * 1024 + 1,
};

static void ea_test_capacity_desc(const u64 *cap, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%llu bytes", *cap);
}

KUNIT_ARRAY_PARAM(ea_test_capacities, ea_test_capacities, ea_test_capacity_desc);

/*
 * Any arena size: the free lists start with the largest aligned blocks
 * that fit; every page can be handed out, and freeing them all gives the
 * initial blocks back.
 */
static void ea_test_odd_arena(struct kunit *test)
{
	const u64 *cap = test->param_value;
	unsigned int orders[EA_MAX_ORDER + 1], want[EA_MAX_ORDER + 1] = {};
	unsigned long pages = PAGE_ALIGN(*cap) / PAGE_SIZE, p = 0, i;
	struct ea_instance *inst;
	struct ea_alloc_info a;
	struct ea_stats st;
	int first;

	inst = ea_test_create(test, *cap, 0, true);
	while (p < pages) {
		unsigned int o = EA_MAX_ORDER;

		while (o && (p % (1UL << o) || p + (1UL << o) > pages))
			o--;
		want[o]++;
		p += 1UL << o;
	}
	ea_test_free_orders(test, inst, orders);
	for (i = 0; i <= EA_MAX_ORDER; i++)
		KUNIT_EXPECT_EQ_MSG(test, orders[i], want[i], "order %lu", i);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.capacity, pages * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, st.pages_total, pages);

	first = st.next_id;
	for (i = 0; i < pages; i++) {
		ea_test_alloc(test, inst, PAGE_SIZE, &a);
		KUNIT_EXPECT_LT(test, a.offset, pages * PAGE_SIZE);
	}
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 8, 0, &a), -ENOMEM);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.pages_free, 0);
	KUNIT_EXPECT_EQ(test, st.largest_free, 0);
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 0);
	ea_test_valid(test, inst);
	for (i = 0; i < pages; i++)
		KUNIT_ASSERT_EQ(test, ea_free(inst, first + i, 0, NULL), 0);
	ea_test_free_orders(test, inst, orders);
	for (i = 0; i <= EA_MAX_ORDER; i++)
		KUNIT_EXPECT_EQ_MSG(test, orders[i], want[i], "order %lu", i);
	ea_test_valid(test, inst);
}

/* ---- Errors --------------------------------------------------------------------- */

/* Every kind of refusal, each with its errno, counted once, harmless. */
static void ea_test_errors(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *bare;
	struct ea_alloc_info a, b, c;
	struct ea_test_snap *s0, *s1;
	struct ea_stats st;
	unsigned int k;
	u8 buf[4];
	u32 bit;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	ea_test_alloc(test, inst, 24, &a);
	ea_test_alloc(test, inst, 24, &b);
	ea_test_alloc(test, inst, 5000, &c);
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	ea_test_snap(inst, s0);
	ea_test_clear_events(t);

	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 0, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, EA_TEST_CAP + 1, 0, NULL), -E2BIG);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, U64_MAX, 0, NULL), -E2BIG);
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, a.id, 0, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 99, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free(inst, -1, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, b.offset, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a.id, c.offset, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, a.offset + 1, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, c.offset + PAGE_SIZE, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, EA_TEST_CAP - PAGE_SIZE, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, EA_TEST_CAP, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, EA_TEST_CAP - 1, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 22, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, U64_MAX, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_read(inst, b.id, 0, buf, 1), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_write(inst, 1000, 0, buf, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, b.id, 10, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, EA_DEF_BITSET_BITS), -EINVAL);

	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_ZERO_SIZE], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_TOO_BIG], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_UNKNOWN_ID], 3);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_DOUBLE_FREE], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_STALE_ID], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_OFFSET], 4);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_ALLOC], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_RANGE], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_FREED_ID], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_BIT], 1);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, 4);
	KUNIT_EXPECT_EQ(test, st.cls[EA_CLASS_LARGE - 1].failures, 0);
	for (k = 0; k < EA_NR_ERR; k++)
		KUNIT_EXPECT_EQ_MSG(test, t->refused[k], st.errors[k], "%s",
				    ea_err_name(k));
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ERROR].op, EA_OP_BIT);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ERROR].err, -EINVAL);

	/* A stale ID: freed, and someone else lives at its offset now. */
	ea_test_alloc(test, inst, 24, &b);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 2, b.offset, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 2, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, b.offset, NULL), 0);

	/*
	 * Out of space, and the kernel out of memory (injected): 200 bytes in
	 * a class with no slab yet, whose slot array is the one request.
	 */
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, EA_TEST_CAP, 0, NULL), -ENOMEM);
	ea_get_stats(inst, &st);
	KUNIT_ASSERT_EQ(test, st.cls[5].slabs, 0);
	ea_fail_nth(inst, 1);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 200, 0, NULL), -ENOMEM);
	ea_fail_nth(inst, 0);

	/* No bitset. */
	bare = ea_test_create(test, EA_MIN_CAPACITY, 0, true);
	KUNIT_EXPECT_EQ(test, ea_bit_find(bare, 0, &bit), -EOPNOTSUPP);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_STALE_ID], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_DOUBLE_FREE], 3);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_SPACE], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_KMEM], 1);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, 6);
	KUNIT_EXPECT_EQ(test, st.cls[EA_MAX_SHIFT - EA_MIN_SHIFT].failures, 0);
	KUNIT_EXPECT_EQ(test, st.cls[5].failures, 1);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);

	/* Names and errnos. */
	KUNIT_EXPECT_STREQ(test, ea_err_name(EA_ERR_DOUBLE_FREE), "double_free");
	KUNIT_EXPECT_STREQ(test, ea_err_name(EA_NR_ERR), "?");
	KUNIT_EXPECT_EQ(test, ea_errno(EA_ERR_NO_BITSET), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ea_errno(EA_ERR_NO_IDS), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ea_errno(EA_ERR_STALE_ID), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_errno(EA_NR_ERR), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ea_op_name(EA_OP_REALLOC), "realloc");
	KUNIT_EXPECT_STREQ(test, ea_op_name(EA_NR_OPS), "?");
	KUNIT_EXPECT_STREQ(test, ea_event_name(EA_EV_BUDDY_MERGE), "buddy_merge");
	KUNIT_EXPECT_STREQ(test, ea_event_name(EA_NR_EVENTS), "?");
	KUNIT_EXPECT_EQ(test, ea_class_size(EA_CLASS_LARGE), 0);
	KUNIT_EXPECT_EQ(test, ea_class_of(0), 0);
	KUNIT_EXPECT_EQ(test, ea_class_of(EA_SMALL_MAX + 1), EA_CLASS_LARGE);
	KUNIT_EXPECT_EQ(test, ea_class_of(U64_MAX), EA_CLASS_LARGE);
	for (k = 0; k < EA_NR_ERR; k++)
		KUNIT_EXPECT_STRNEQ(test, ea_err_name(k), "?");
}

/* ea_free_both(): with an ID, offset 0 is the arena's first byte, not "none". */
static void ea_test_free_both(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b, c;
	struct ea_stats st;

	ea_test_alloc(test, inst, 24, &a);
	ea_test_alloc(test, inst, 24, &b);
	KUNIT_ASSERT_EQ(test, a.offset, 0);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, b.id, 0, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, 99, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, a.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, a.id, 0, NULL), -EALREADY);
	/* Freed, and another allocation starts at 0 now: a stale ID. */
	ea_test_alloc(test, inst, 24, &c);
	KUNIT_ASSERT_EQ(test, c.offset, 0);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, a.id, 0, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, b.id, b.offset, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_STALE_ID], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_UNKNOWN_ID], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_DOUBLE_FREE], 1);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 1);
	ea_test_valid(test, inst);
}

/* The last ID there is, then no more. */
static void ea_test_no_ids(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_params p = {
		.capacity = EA_MIN_CAPACITY,
		.first_id = INT_MAX - 1,
		.debug = true,
		.notify = ea_test_notify,
		.priv = t,
	};
	struct ea_instance *inst;
	struct ea_alloc_info a;
	struct ea_stats st;
	int err;

	inst = ea_create(&p, &err);
	KUNIT_ASSERT_NOT_NULL(test, inst);
	t->insts[t->nr_insts++] = inst;
	ea_test_alloc(test, inst, 10, &a);
	KUNIT_EXPECT_EQ(test, a.id, INT_MAX - 1);
	ea_test_alloc(test, inst, PAGE_SIZE * 2, &a);
	KUNIT_EXPECT_EQ(test, a.id, INT_MAX);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 10, 0, NULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ea_free(inst, INT_MAX, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 10, 0, NULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, INT_MAX, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, 1, NULL), -ENOENT);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_IDS], 2);
	KUNIT_EXPECT_EQ(test, st.next_id, (u32)INT_MAX + 1);
	/* A reset gives the IDs back. */
	KUNIT_EXPECT_EQ(test, ea_reset(inst), 0);
	ea_test_alloc(test, inst, 10, &a);
	KUNIT_EXPECT_EQ(test, a.id, INT_MAX - 1);
	ea_test_valid(test, inst);
}

static void ea_test_create_params(struct kunit *test)
{
	struct ea_params p = { .capacity = EA_MIN_CAPACITY - 1 };
	struct ea_instance *inst;
	struct ea_stats st;
	int err = 0;

	KUNIT_EXPECT_NULL(test, ea_create(&p, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, ea_create(NULL, &err));
	p.capacity = 2 << 20;
	p.max_capacity = 1 << 20;
	err = 0;
	KUNIT_EXPECT_NULL(test, ea_create(&p, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	p.capacity = (1 << 20) + 1;	/* rounds up past the maximum */
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.capacity = EA_MAX_ARENA + 1;
	p.max_capacity = 0;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.capacity = U64_MAX;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.capacity = EA_MIN_CAPACITY;
	p.bitset_bits = EA_MAX_BITSET_BITS + 1;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.bitset_bits = 0;
	p.first_id = (u32)INT_MAX + 1;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));

	/* The smallest, and a capacity that is not whole pages. */
	p.first_id = 0;
	p.capacity = EA_MIN_CAPACITY + 100;
	p.max_capacity = EA_MIN_CAPACITY + PAGE_SIZE;
	err = 1;
	inst = ea_create(&p, &err);
	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_EXPECT_EQ(test, err, 1);	/* untouched on success */
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.capacity, EA_MIN_CAPACITY + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, st.pages_total, EA_MIN_CAPACITY / PAGE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, st.next_id, 1);
	KUNIT_EXPECT_EQ(test, st.debug, 0);
	KUNIT_EXPECT_EQ(test, st.bitset_bits, 0);
	ea_destroy(inst);
	ea_destroy(NULL);
}

/* ---- Detectors ---------------------------------------------------------------- */

static void ea_test_redzone_one(struct kunit *test, u64 size, u64 bad)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_stats *st0, *st;
	struct ea_alloc_info a;
	u8 *mem;

	st0 = kunit_kzalloc(test, sizeof(*st0), GFP_KERNEL);
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st0 && st);
	ea_get_stats(inst, st0);
	ea_test_alloc(test, inst, size, &a);
	mem = ea_test_mem(test, inst, &a);
	mem[bad] = 0x12;
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->errors[EA_ERR_REDZONE],
			st0->errors[EA_ERR_REDZONE] + 1);
	KUNIT_EXPECT_EQ(test, st->corruptions, st0->corruptions + 1);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees + 1);	/* freed anyway */
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].id, a.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].offset, a.offset + bad);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].aux, 0x12);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].err, EA_ERR_REDZONE);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].op, EA_OP_FREE);
}

/* Writes past the requested size are caught on free: slab, block, large. */
static void ea_test_redzone(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_alloc_info a;

	ea_test_redzone_one(test, 13, 13);
	ea_test_redzone_one(test, 1, 7);
	ea_test_redzone_one(test, 2000, 2047);
	ea_test_redzone_one(test, 5000, 5000);
	ea_test_redzone_one(test, EA_SMALL_MAX - 1, EA_SMALL_MAX - 1);
	ea_test_redzone_one(test, EA_SMALL_MAX + 10, EA_SMALL_MAX + 11);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 6);

	/* An exact fit has no red zone: nothing to catch, nothing reported. */
	ea_test_alloc(test, t->inst, 64, &a);
	KUNIT_ASSERT_EQ(test, ea_free(t->inst, a.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 6);
	ea_test_valid(test, t->inst);
}

/* Writes after free are caught when the memory is handed out again. */
static void ea_test_use_after_free(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b, c;
	struct ea_stats st;
	u8 *arena = ea_test_area(test, inst, 0), zero[16] = {};

	/* A slot: blamed on its last occupant. */
	ea_test_alloc(test, inst, 16, &a);
	ea_test_alloc(test, inst, 16, &c);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	arena[a.offset + 5] = 0x00;
	ea_test_alloc(test, inst, 16, &b);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].id, a.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].offset, a.offset + 5);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].aux, 0);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].err, EA_ERR_USE_AFTER_FREE);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].op, EA_OP_ALLOC);
	/* The new allocation is clean all the same. */
	KUNIT_EXPECT_EQ(test, memcmp(arena + b.offset, zero, 16), 0);

	/* A page-class block: blamed on the block's last owner. */
	ea_test_alloc(test, inst, 3 * PAGE_SIZE, &a);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	arena[a.offset + 2 * PAGE_SIZE + 7] = 0x99;
	ea_test_alloc(test, inst, 4 * PAGE_SIZE, &b);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 2);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].id, a.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].offset,
			a.offset + 2 * PAGE_SIZE + 7);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].aux, 0x99);
	KUNIT_EXPECT_EQ(test, arena[a.offset + 2 * PAGE_SIZE + 7], 0);

	/* Free pages never handed out: nobody to blame (ID 0). */
	arena[EA_SMALL_MAX + 3 * PAGE_SIZE + 1] = 0x42;
	ea_test_alloc(test, inst, EA_SMALL_MAX, &a);
	KUNIT_EXPECT_EQ(test, a.offset, EA_SMALL_MAX);	/* the 2nd largest block */
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 3);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].id, 0);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].offset,
			EA_SMALL_MAX + 3 * PAGE_SIZE + 1);

	/* A slab going back to the buddy allocator is checked slot by slot. */
	ea_test_alloc(test, inst, 1024, &a);
	ea_test_alloc(test, inst, 1024, &b);
	ea_test_alloc(test, inst, 1024, &b);
	ea_test_alloc(test, inst, 1024, &b);
	ea_test_alloc(test, inst, 1024, &b);	/* a second slab */
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);	/* the spare */
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id + 1, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id + 2, 0, NULL), 0);
	arena[a.offset + 1024 + 3] = 0x77;	/* slot 1: ID a.id + 1 */
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id + 3, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_RELEASE], 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 4);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].id, a.id + 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CORRUPT].offset, a.offset + 1027);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_USE_AFTER_FREE], 4);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_REDZONE], 0);
	KUNIT_EXPECT_EQ(test, st.corruptions, 4);
	ea_test_valid(test, inst);
}

/* The arena scribbled over: reports, but the metadata stays intact. */
static void ea_test_scribble(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	u8 *arena = ea_test_area(test, inst, 0);
	struct ea_alloc_info *a;
	unsigned int i, j, n = 64;
	struct ea_stats st;
	u64 rng = 7;

	a = kunit_kcalloc(test, n, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < n; i++)
		ea_test_alloc(test, inst, 1 + ea_test_rand(&rng) % 20000, &a[i]);
	for (i = 0; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, ea_free(inst, a[i].id, 0, NULL), 0);
	for (j = 0; j < EA_TEST_CAP; j += 8)
		*(u64 *)(arena + j) = ea_test_rand(&rng);
	for (i = 1; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, ea_free(inst, a[i].id, a[i].offset, NULL), 0);
	for (i = 0; i < n; i++)
		ea_test_alloc(test, inst, 1 + ea_test_rand(&rng) % 20000, &a[i]);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_GT(test, st.corruptions, 0);
	KUNIT_EXPECT_EQ(test, st.corruptions, t->events[EA_EV_CORRUPT]);
	KUNIT_EXPECT_EQ(test, st.live_allocs, n);
	ea_test_valid(test, inst);
}

/* Without the debug checks nothing is poisoned or checked; still zeroed. */
static void ea_test_debug_off(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = ea_test_create(test, EA_TEST_CAP, 0, false);
	u8 *arena = ea_test_area(test, inst, 0);
	struct ea_alloc_info a, b;
	struct ea_stats st;

	ea_test_alloc(test, inst, 10, &a);
	KUNIT_EXPECT_EQ(test, arena[a.offset + 10], 0);		/* no red zone */
	memset(arena + a.offset, 0xee, 16);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, arena[a.offset], 0xee);		/* no poison */
	ea_test_alloc(test, inst, 16, &b);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, arena[b.offset], 0);		/* zeroed */
	KUNIT_EXPECT_EQ(test, arena[b.offset + 15], 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	KUNIT_EXPECT_EQ(test, st.debug, 0);

	/* Turning the checks on lays the patterns: no false reports. */
	ea_test_alloc(test, inst, 100, &a);
	arena[a.offset + 101] = 1;		/* in the slack, while off */
	ea_set_debug(inst, true);
	KUNIT_EXPECT_EQ(test, arena[a.offset + 101], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, arena[a.offset + 128], EA_POISON_FREE);
	KUNIT_EXPECT_EQ(test, arena[EA_TEST_CAP - 1], EA_POISON_FREE);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	ea_test_alloc(test, inst, 100, &a);
	ea_test_alloc(test, inst, 3 * PAGE_SIZE, &a);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	KUNIT_EXPECT_EQ(test, st.debug, 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_CORRUPT], 0);
	ea_test_valid(test, inst);
}

/* ---- Statistics --------------------------------------------------------------- */

static void ea_test_stats(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b, c, d;
	struct ea_stats st;

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.capacity, EA_TEST_CAP);
	KUNIT_EXPECT_EQ(test, st.pages_total, EA_TEST_CAP / PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, st.pages_free, st.pages_total);
	KUNIT_EXPECT_EQ(test, st.pages_used, 0);
	KUNIT_EXPECT_EQ(test, st.internal_frag_pct, 0);
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 0);
	KUNIT_EXPECT_EQ(test, st.avail_bytes, EA_TEST_CAP);
	KUNIT_EXPECT_EQ(test, st.debug, 1);
	KUNIT_EXPECT_EQ(test, st.cls[0].size, 8);
	KUNIT_EXPECT_EQ(test, st.cls[EA_NR_CLASSES - 1].size, EA_SMALL_MAX);

	ea_test_alloc(test, inst, 5, &a);		/* 8: 3 wasted */
	ea_test_alloc(test, inst, 100, &b);		/* 128: 28 */
	ea_test_alloc(test, inst, 5000, &c);		/* 8192: 3192 */
	ea_test_alloc(test, inst, 300000, &d);		/* large 303104: 3104 */
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 4);
	KUNIT_EXPECT_EQ(test, st.live_requested, 305105);
	KUNIT_EXPECT_EQ(test, st.live_allocated, 8 + 128 + 8192 + 303104);
	KUNIT_EXPECT_EQ(test, st.internal_frag, 3 + 28 + 3192 + 3104);
	KUNIT_EXPECT_EQ(test, st.internal_frag_pct,
			100 * st.internal_frag / st.live_allocated);
	KUNIT_EXPECT_EQ(test, st.pages_used, 4);	/* 2 slabs, 1 block */
	KUNIT_EXPECT_EQ(test, st.pages_free, 252);
	KUNIT_EXPECT_EQ(test, st.large_bytes, 303104);
	KUNIT_EXPECT_EQ(test, st.used_bytes, 4 * PAGE_SIZE + 303104);
	KUNIT_EXPECT_EQ(test, st.avail_bytes, EA_TEST_CAP - st.used_bytes);
	KUNIT_EXPECT_EQ(test, st.largest_free, PAGE_SIZE << EA_MAX_ORDER);
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 0);
	KUNIT_EXPECT_EQ(test, st.cls[0].slabs, 1);
	KUNIT_EXPECT_EQ(test, st.cls[0].slots_total, PAGE_SIZE / 8);
	KUNIT_EXPECT_EQ(test, st.cls[0].slots_used, 1);
	KUNIT_EXPECT_EQ(test, st.cls[0].waste, 3);
	KUNIT_EXPECT_EQ(test, st.cls[4].waste, 28);
	KUNIT_EXPECT_EQ(test, st.cls[10].slabs, 1);
	KUNIT_EXPECT_EQ(test, st.cls[10].slots_total, 1);
	KUNIT_EXPECT_EQ(test, st.cls[10].waste, 3192);
	KUNIT_EXPECT_EQ(test, st.allocs, 4);
	KUNIT_EXPECT_EQ(test, st.peak_requested, 305105);

	KUNIT_ASSERT_EQ(test, ea_free(inst, d.id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, c.id, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 2);
	KUNIT_EXPECT_EQ(test, st.live_requested, 105);
	KUNIT_EXPECT_EQ(test, st.internal_frag, 31);
	KUNIT_EXPECT_EQ(test, st.internal_frag_pct, 100 * 31 / 136);
	KUNIT_EXPECT_EQ(test, st.peak_requested, 305105);
	KUNIT_EXPECT_EQ(test, st.peak_allocated, 8 + 128 + 8192 + 303104);
	KUNIT_EXPECT_EQ(test, st.peak_used, 4 * PAGE_SIZE + 303104);
	KUNIT_EXPECT_EQ(test, st.cls[10].slabs, 0);
	KUNIT_EXPECT_EQ(test, st.cls[10].allocs, 1);
	KUNIT_EXPECT_EQ(test, st.cls[10].frees, 1);
	KUNIT_EXPECT_EQ(test, st.large_count, 0);
	KUNIT_EXPECT_EQ(test, st.frees, 2);
	KUNIT_EXPECT_EQ(test, st.allocs - st.frees, st.live_allocs);
	KUNIT_EXPECT_EQ(test, st.pages_used + st.pages_free, st.pages_total);
	KUNIT_EXPECT_GT(test, st.alloc_ns, 0);
	KUNIT_EXPECT_GT(test, st.free_ns, 0);
	KUNIT_EXPECT_EQ(test, st.next_id, 5);
	ea_test_valid(test, inst);
}

/* External fragmentation: free pages that cannot come together. */
static void ea_test_fragmentation(struct kunit *test)
{
	struct ea_instance *inst = ea_test_create(test, EA_MIN_CAPACITY, 0, true);
	unsigned int i, n = EA_MIN_CAPACITY / PAGE_SIZE;
	struct ea_alloc_info a;
	struct ea_stats st;

	for (i = 0; i < n; i++)
		ea_test_alloc(test, inst, PAGE_SIZE, &a);
	for (i = 0; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, ea_free(inst, i + 1, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.pages_free, n / 2);
	KUNIT_EXPECT_EQ(test, st.largest_free, PAGE_SIZE);
	/* 32 KiB free, in 4 KiB pieces: 28 of the 32 unusable as one block. */
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 87);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 2 * PAGE_SIZE, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, NULL), 0);

	/* Freeing the neighbours heals it. */
	for (i = 1; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, ea_free(inst, i + 1, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.pages_free, n - 1);
	KUNIT_EXPECT_EQ(test, st.largest_free, 8 * PAGE_SIZE);
	/* 60 KiB free, the largest block 32 KiB. */
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 100 * 28 / 60);
	KUNIT_ASSERT_EQ(test, ea_free(inst, n + 1, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.largest_free, EA_MIN_CAPACITY);
	KUNIT_EXPECT_EQ(test, st.external_frag_pct, 0);
	ea_test_valid(test, inst);
}

/* ---- Determinism and reset -------------------------------------------------------- */

#define EA_SCRIPT_OPS	600

/* A fixed pseudo-random script; records what each step returned. */
static void ea_test_script(struct kunit *test, struct ea_instance *inst,
			   u64 *out)
{
	struct ea_alloc_info a;
	int ids[64] = {}, ret;
	u64 rng = 12345;
	unsigned int i, k;

	for (i = 0; i < EA_SCRIPT_OPS; i++) {
		u64 r = ea_test_rand(&rng);

		k = r % ARRAY_SIZE(ids);
		if (ids[k]) {
			bool move = !((r >> 8) % 4);

			if (move)
				ret = ea_realloc(inst, ids[k], 1 + (r >> 16) % 9000,
						 0, &a);
			else
				ret = ea_free(inst, ids[k], 0, &a);
			if (!ret)
				ids[k] = move ? a.id : 0;
		} else {
			ret = ea_alloc(inst, 1 + (r >> 16) % ((r >> 40) % 2 ?
				       300 : 70000), 0, &a);
			if (!ret)
				ids[k] = a.id;
		}
		out[i] = ret ? (u64)ret : a.offset ^ ((u64)a.id << 44);
	}
}

static void ea_test_determinism(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *other;
	struct ea_test_snap *s0, *s1;
	u64 *run1, *run2, *run3;
	struct ea_stats st;
	u32 found;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	run1 = kunit_kcalloc(test, EA_SCRIPT_OPS, sizeof(u64), GFP_KERNEL);
	run2 = kunit_kcalloc(test, EA_SCRIPT_OPS, sizeof(u64), GFP_KERNEL);
	run3 = kunit_kcalloc(test, EA_SCRIPT_OPS, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1 && run1 && run2 && run3);

	ea_test_snap(inst, s0);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, 7), 0);
	ea_test_script(test, inst, run1);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_GT(test, st.live_allocs, 0);

	ea_test_clear_events(t);
	KUNIT_EXPECT_EQ(test, ea_reset(inst), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_RESET], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_RESET].aux, st.live_allocs);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_LEAK], 0);
	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	KUNIT_EXPECT_EQ(test, s1->st.errors[EA_ERR_NO_SPACE], 0);
	KUNIT_EXPECT_EQ(test, s1->st.alloc_ns, 0);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 0, &found), -ENOENT);
	ea_test_valid(test, inst);

	ea_test_script(test, inst, run2);
	KUNIT_EXPECT_EQ(test, memcmp(run1, run2, EA_SCRIPT_OPS * sizeof(u64)), 0);
	other = ea_test_create(test, EA_TEST_CAP, EA_DEF_BITSET_BITS, true);
	ea_test_script(test, other, run3);
	KUNIT_EXPECT_EQ(test, memcmp(run1, run3, EA_SCRIPT_OPS * sizeof(u64)), 0);
	ea_test_valid(test, other);
}

/* ---- realloc -------------------------------------------------------------------- */

static void ea_test_realloc(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b, c, r;
	struct ea_stats st;
	unsigned int i;
	u8 *buf, *out;

	buf = kunit_kzalloc(test, 200, GFP_KERNEL);
	out = kunit_kzalloc(test, 200, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, buf && out);
	for (i = 0; i < 200; i++)
		buf[i] = i;
	ea_test_alloc(test, inst, 100, &a);
	KUNIT_ASSERT_EQ(test, ea_write(inst, a.id, 0, buf, 100), 0);

	/* Grow: contents kept, the rest zeroed, a new ID and place. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 200, 9, &b), 0);
	KUNIT_EXPECT_NE(test, b.id, a.id);
	KUNIT_EXPECT_NE(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, b.size, 200);
	KUNIT_EXPECT_EQ(test, b.owner, 9);
	KUNIT_ASSERT_EQ(test, ea_read(inst, b.id, 0, out, 200), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 100), 0);
	KUNIT_EXPECT_EQ(test, out[100], 0);
	KUNIT_EXPECT_EQ(test, out[199], 0);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].id, b.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].aux, a.id);

	/* Shrink: the first bytes kept; the same class still moves. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, b.id, 150, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, c.class_size, b.class_size);
	KUNIT_EXPECT_NE(test, c.offset, b.offset);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 10, 0, &c), 0);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 10), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 10), 0);
	/* To and from the large path. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 400000, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, c.cls, EA_CLASS_LARGE);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 10), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 10), 0);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 3, 0, &c), 0);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 3), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 3), 0);

	/* A failure leaves the old one as it was. */
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, c.id, 2 * EA_TEST_CAP, 0, &r), -E2BIG);
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, c.id, EA_TEST_CAP, 0, &r), -ENOMEM);
	ea_fail_nth(inst, 1);	/* a new slab of 1 KiB: its slot array fails */
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, c.id, 700, 0, &r), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, c.id, &r), 0);
	KUNIT_EXPECT_EQ(test, r.size, 3);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 3), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 3), 0);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.reallocs, 5);
	KUNIT_EXPECT_EQ(test, st.allocs, 6);
	KUNIT_EXPECT_EQ(test, st.frees, 5);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 1);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, 3);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);
}

/* ---- Events, leaks, inspection -------------------------------------------------- */

static void ea_test_events(struct kunit *test)
{
	static const enum ea_event_type alloc_seq[] = {
		EA_EV_CLASS, EA_EV_BUDDY_SPLIT, EA_EV_BUDDY_SPLIT,
		EA_EV_BUDDY_SPLIT, EA_EV_BUDDY_SPLIT, EA_EV_BUDDY_SPLIT,
		EA_EV_BUDDY_SPLIT, EA_EV_SLAB_REFILL, EA_EV_ALLOC,
	};
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a;
	unsigned int i;

	ea_test_alloc(test, inst, 3, &a);
	KUNIT_ASSERT_EQ(test, t->log_len, ARRAY_SIZE(alloc_seq));
	for (i = 0; i < ARRAY_SIZE(alloc_seq); i++) {
		KUNIT_EXPECT_EQ_MSG(test, t->log[i].type, alloc_seq[i], "event %u", i);
		KUNIT_EXPECT_EQ(test, t->log[i].op, EA_OP_ALLOC);
	}
	KUNIT_EXPECT_EQ(test, t->log[0].size, 3);
	KUNIT_EXPECT_EQ(test, t->log[0].cls, 0);
	KUNIT_EXPECT_EQ(test, t->log[0].aux, 5);
	for (i = 1; i <= EA_MAX_ORDER; i++) {
		KUNIT_EXPECT_EQ(test, t->log[i].order, EA_MAX_ORDER + 1 - i);
		KUNIT_EXPECT_EQ(test, t->log[i].offset, 0);
	}
	KUNIT_EXPECT_EQ(test, t->log[7].offset, 0);
	KUNIT_EXPECT_EQ(test, t->log[7].aux, 0);
	KUNIT_EXPECT_EQ(test, t->log[8].id, a.id);
	KUNIT_EXPECT_EQ(test, t->log[8].size, 3);
	KUNIT_EXPECT_EQ(test, t->log[8].err, 0);

	ea_test_clear_events(t);
	ea_test_alloc(test, inst, 4, &a);
	KUNIT_ASSERT_EQ(test, t->log_len, 3);
	KUNIT_EXPECT_EQ(test, t->log[1].type, EA_EV_FREELIST_HIT);
	KUNIT_EXPECT_EQ(test, t->log[1].offset, 8);

	ea_test_clear_events(t);
	KUNIT_ASSERT_EQ(test, ea_free(inst, 1, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, t->log_len, 1);
	KUNIT_EXPECT_EQ(test, t->log[0].type, EA_EV_FREE);
	KUNIT_EXPECT_EQ(test, t->log[0].op, EA_OP_FREE);
	KUNIT_ASSERT_EQ(test, ea_free(inst, 2, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, t->log_len, 3);
	KUNIT_EXPECT_EQ(test, t->log[1].type, EA_EV_SLAB_SPARE);
	KUNIT_EXPECT_EQ(test, t->log[2].type, EA_EV_FREE);

	ea_test_clear_events(t);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 2, 0, NULL), -EALREADY);
	KUNIT_ASSERT_EQ(test, t->log_len, 1);
	KUNIT_EXPECT_EQ(test, t->log[0].type, EA_EV_ERROR);
	KUNIT_EXPECT_EQ(test, t->log[0].op, EA_OP_FREE);
	KUNIT_EXPECT_EQ(test, t->log[0].id, 2);
	KUNIT_EXPECT_EQ(test, t->log[0].err, -EALREADY);
	KUNIT_EXPECT_EQ(test, t->log[0].aux, EA_ERR_DOUBLE_FREE);
}

struct ea_test_leaks {
	int ids[8];
	unsigned int n;
};

static void ea_test_leak_notify(void *priv, const struct ea_event *ev)
{
	struct ea_test_leaks *l = priv;

	if (ev->type == EA_EV_LEAK && l->n < ARRAY_SIZE(l->ids))
		l->ids[l->n++] = ev->id;
}

static void ea_test_leaks(struct kunit *test)
{
	struct ea_test_leaks l = {};
	struct ea_params p = {
		.capacity = EA_TEST_CAP,
		.debug = true,
		.notify = ea_test_leak_notify,
		.priv = &l,
	};
	struct ea_instance *inst = ea_create(&p, NULL);
	struct ea_alloc_info a;

	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 10, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 5000, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 10, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 500000, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 3, 0, NULL), 0);
	ea_destroy(inst);
	KUNIT_ASSERT_EQ(test, l.n, 3);
	KUNIT_EXPECT_EQ(test, l.ids[0], 1);
	KUNIT_EXPECT_EQ(test, l.ids[1], 2);
	KUNIT_EXPECT_EQ(test, l.ids[2], 4);
}

static int ea_test_count(void *priv, const struct ea_alloc_info *a)
{
	unsigned int *n = priv;

	return ++*n == 3 ? 99 : 0;
}

static void ea_test_inspect(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	unsigned long pages = EA_TEST_CAP / PAGE_SIZE;
	struct ea_page_info *map;
	struct ea_alloc_info a;
	unsigned int n = 0;
	void *area = NULL;

	map = kunit_kcalloc(test, pages, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);

	ea_test_alloc(test, inst, 16, &a);
	ea_test_alloc(test, inst, 16, &a);
	ea_test_alloc(test, inst, 3 * PAGE_SIZE, &a);
	ea_test_alloc(test, inst, 400000, &a);
	KUNIT_EXPECT_EQ(test, ea_page_map(inst, NULL, 0), pages);
	KUNIT_EXPECT_EQ(test, ea_page_map(inst, map, 2), 2);
	KUNIT_ASSERT_EQ(test, ea_page_map(inst, map, pages), pages);
	KUNIT_EXPECT_EQ(test, map[0].kind, EA_PAGE_SLAB);
	KUNIT_EXPECT_EQ(test, map[0].cls, 1);
	KUNIT_EXPECT_EQ(test, map[0].used, 2);
	KUNIT_EXPECT_EQ(test, map[0].total, PAGE_SIZE / 16);
	KUNIT_EXPECT_TRUE(test, map[0].head);
	KUNIT_EXPECT_EQ(test, map[1].kind, EA_PAGE_FREE);
	KUNIT_EXPECT_TRUE(test, map[1].head);
	KUNIT_EXPECT_EQ(test, map[1].order, 0);
	KUNIT_EXPECT_EQ(test, map[2].kind, EA_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, map[2].order, 1);
	KUNIT_EXPECT_EQ(test, map[4].kind, EA_PAGE_BLOCK);
	KUNIT_EXPECT_EQ(test, map[4].order, 2);
	KUNIT_EXPECT_EQ(test, map[4].cls, 11);
	KUNIT_EXPECT_EQ(test, map[4].used, 1);
	KUNIT_EXPECT_EQ(test, map[5].kind, EA_PAGE_BLOCK_TAIL);
	KUNIT_EXPECT_EQ(test, map[7].kind, EA_PAGE_BLOCK_TAIL);
	KUNIT_EXPECT_FALSE(test, map[7].head);
	KUNIT_EXPECT_EQ(test, map[8].kind, EA_PAGE_FREE);
	KUNIT_EXPECT_EQ(test, map[8].order, 3);

	KUNIT_EXPECT_EQ(test, ea_for_each_alloc(inst, ea_test_count, &n), 99);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, ea_with_area(inst, 0, ea_test_grab, &area), 0);
	KUNIT_EXPECT_NOT_NULL(test, area);
	KUNIT_EXPECT_EQ(test, ea_with_area(inst, 4096, ea_test_grab, &area),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, ea_with_area(inst, EA_LARGE_BASE, ea_test_grab,
					   &area), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_with_area(inst, a.offset, ea_test_grab, &area), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_with_area(inst, a.offset, ea_test_grab, &area),
			-ENOENT);
}

/* ---- Fault injection ------------------------------------------------------------- */

/*
 * Fail each kernel allocation an operation makes, in turn: each failure
 * returns -ENOMEM and leaves everything as it was. Returns the number of
 * fault points the operation has.
 */
static unsigned int ea_test_faults(struct kunit *test, struct ea_instance *inst,
				   int id, u64 size)
{
	struct ea_test_snap *s0, *s1;
	struct ea_alloc_info a;
	struct ea_stats st;
	unsigned int n;
	int ret;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1);
	ea_test_snap(inst, s0);
	for (n = 1; n < 10; n++) {
		ea_fail_nth(inst, n);
		ret = id ? ea_realloc(inst, id, size, 0, &a) :
			   ea_alloc(inst, size, 0, &a);
		if (!ret)
			break;
		KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
		ea_test_snap(inst, s1);
		ea_test_same(test, s0, s1);
		KUNIT_EXPECT_EQ(test, s1->st.errors[EA_ERR_KMEM],
				s0->st.errors[EA_ERR_KMEM] + n);
		ea_test_valid(test, inst);
	}
	ea_fail_nth(inst, 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, s0->st.allocs + 1);
	KUNIT_EXPECT_EQ(test, st.live_allocs, s0->st.live_allocs + !id);
	kunit_kfree(test, s0);
	kunit_kfree(test, s1);
	return n - 1;
}

static void ea_test_fault_injection(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;

	/* The first allocation: a new slab's slot array, the ID's xarray slot. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 40), 2);
	/*
	 * A free slot in a partial slab: nothing, as each allocation reserves
	 * the next ID's slot ahead (ea_reserve_ahead()).
	 */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 40), 0);
	/* A buddy block: nothing either. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 20000), 0);
	/* Large: the record, the area. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 300000), 2);
	/* realloc of the large one (ID 4) into a new slab: its slot array. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 4, 1000), 1);
	/* After a reset nothing is reserved: the slot array and the ID's slot. */
	KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 40), 2);
	ea_test_valid(test, inst);
}

/* ---- Taking an allocation back (ea_abort) ------------------------------------ */

/*
 * Begin an allocation (or a reallocation of @id) and abort it: the
 * instance must be exactly as before, timing included, and allocating
 * the same size again must give the same ID and offset. Returns the ID.
 */
static int ea_test_abort_one(struct kunit *test, struct ea_instance *inst,
			     int id, u64 size)
{
	struct ea_test *t = test->priv;
	struct ea_test_snap *s0, *s1;
	struct ea_alloc_info a, b;
	struct ea_txn txn;
	unsigned int undo;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1);
	ea_test_snap(inst, s0);
	undo = t->events[EA_EV_UNDO];
	if (id)
		KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, id, size, 7, &a, &txn), 0);
	else
		KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, size, 7, &a, &txn), 0);
	KUNIT_ASSERT_EQ(test, ea_abort(inst, &txn), 0);
	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	KUNIT_EXPECT_EQ(test, s1->st.alloc_ns, s0->st.alloc_ns);
	KUNIT_EXPECT_EQ(test, s1->st.reallocs, s0->st.reallocs);
	KUNIT_EXPECT_EQ(test, s1->st.failed_allocs, s0->st.failed_allocs);
	/* Only a plain allocation was reported, so only it is reported undone. */
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_UNDO], undo + !id);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &b), -ENOENT);
	if (id)
		KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, id, &b), 0);
	ea_test_valid(test, inst);

	/* As if it had never been: the next one lands in the same place. */
	if (id)
		KUNIT_ASSERT_EQ(test, ea_realloc(inst, id, size, 7, &b), 0);
	else
		ea_test_alloc(test, inst, size, &b);
	KUNIT_EXPECT_EQ(test, b.id, a.id);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	kunit_kfree(test, s0);
	kunit_kfree(test, s1);
	return b.id;
}

static void ea_test_abort(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *plain;
	struct ea_alloc_info a, b, r;
	struct ea_txn txn, txn2;
	struct ea_stats *st0, *st;
	int id, small;
	u8 buf[16];

	st0 = kunit_kzalloc(test, sizeof(*st0), GFP_KERNEL);
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st0 && st);

	/* A new slab, then a slot of a partial slab, then the spare. */
	small = ea_test_abort_one(test, inst, 0, 40);
	id = ea_test_abort_one(test, inst, 0, 40);
	KUNIT_ASSERT_EQ(test, ea_free(inst, id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, small, 0, NULL), 0);
	ea_get_stats(inst, st);
	KUNIT_ASSERT_EQ(test, st->cls[ea_class_of(40)].slabs, 1);	/* the spare */
	small = ea_test_abort_one(test, inst, 0, 40);
	/* A buddy block, a large area. */
	ea_test_abort_one(test, inst, 0, 20000);
	ea_test_abort_one(test, inst, 0, 300000);

	/*
	 * Reallocations, each then made for real (a new ID): small to large,
	 * large to small, small to small.
	 */
	memset(buf, 0x5a, sizeof(buf));
	KUNIT_ASSERT_EQ(test, ea_write(inst, small, 0, buf, sizeof(buf)), 0);
	id = ea_test_abort_one(test, inst, small, 400000);
	id = ea_test_abort_one(test, inst, id, 100);
	id = ea_test_abort_one(test, inst, id, 60);

	/* Without the debug checks too. */
	plain = ea_test_create(test, EA_TEST_CAP, 0, false);
	ea_test_abort_one(test, plain, 0, 40);
	ea_test_abort_one(test, plain, 0, 9000);

	/* Commit: the old half of a reallocation goes now, and is counted. */
	ea_get_stats(inst, st0);
	KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, id, 30, 0, &a, &txn), 0);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, id, &r), 0);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 0, buf, 16), 0);
	KUNIT_EXPECT_EQ(test, buf[15], 0x5a);
	ea_commit(inst, &txn);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].id, a.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].aux, id);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->reallocs, st0->reallocs + 1);
	KUNIT_EXPECT_EQ(test, st->allocs, st0->allocs + 1);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees + 1);
	KUNIT_EXPECT_EQ(test, st->live_allocs, st0->live_allocs);

	/*
	 * Something allocated since: taken back and uncounted all the same,
	 * but the later ID and the peaks stand (1, not 0).
	 */
	ea_get_stats(inst, st0);
	KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, 100, 0, &a, &txn), 0);
	ea_test_alloc(test, inst, 100, &b);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), 1);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->allocs, st0->allocs + 1);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees);
	KUNIT_EXPECT_EQ(test, st->live_allocs, st0->live_allocs + 1);
	KUNIT_EXPECT_EQ(test, st->next_id, b.id + 1);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, b.id, &r), 0);

	/* Gone already: freed by someone else, or a reset. Nothing happens. */
	KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, 100, 0, &a, &txn), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	ea_get_stats(inst, st0);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), -ENOENT);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->allocs, st0->allocs);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees);
	KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, 100, 0, &a, &txn), 0);
	KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, b.id, 200, 0, &r, &txn2), 0);
	KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
	/* The same IDs again after the reset: the old txn must not touch them. */
	ea_test_alloc(test, inst, 100, &b);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), -ENOENT);
	ea_commit(inst, &txn2);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn2), -ENOENT);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->allocs, 1);
	KUNIT_EXPECT_EQ(test, st->reallocs, 0);
	KUNIT_EXPECT_EQ(test, st->live_allocs, 1);
	KUNIT_EXPECT_EQ(test, st->corruptions, 0);
	ea_test_valid(test, inst);
	ea_test_valid(test, plain);
}

/* ---- Concurrency ------------------------------------------------------------------- */

#define EA_THREADS	4
#define EA_THREAD_OPS	2000

struct ea_thread {
	struct ea_instance *inst;
	struct completion done;
	unsigned int seed;
	unsigned int errors;
	unsigned int allocs;
};

/* Each thread fills its allocations with its own byte and checks them. */
static int ea_test_thread(void *data)
{
	struct ea_thread *th = data;
	struct ea_alloc_info a;
	int ids[32] = {};
	u64 rng = th->seed;
	u8 pat = th->seed, buf[64];
	unsigned int i, k;

	for (i = 0; i < EA_THREAD_OPS; i++) {
		u64 r = ea_test_rand(&rng);
		u64 size = 1 + (r >> 8) % 64;

		k = r % ARRAY_SIZE(ids);
		if (ids[k]) {
			if (ea_read(th->inst, ids[k], 0, buf, 1) || buf[0] != pat)
				th->errors++;
			if (ea_free(th->inst, ids[k], 0, NULL))
				th->errors++;
			ids[k] = 0;
		} else if (!ea_alloc(th->inst, size, th->seed, &a)) {
			memset(buf, pat, sizeof(buf));
			if (ea_write(th->inst, a.id, 0, buf, size))
				th->errors++;
			ids[k] = a.id;
			th->allocs++;
		}
		if (!(i % 64))
			cond_resched();
	}
	for (k = 0; k < ARRAY_SIZE(ids); k++)
		if (ids[k] && ea_free(th->inst, ids[k], 0, NULL))
			th->errors++;
	/* Never return into this module's text: it may be unloaded by then. */
	kthread_complete_and_exit(&th->done, 0);
}

static void ea_test_threads(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_thread *th;
	struct task_struct *task;
	struct ea_stats st;
	unsigned int i, allocs = 0;

	th = kunit_kcalloc(test, EA_THREADS, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	for (i = 0; i < EA_THREADS; i++) {
		th[i].inst = t->inst;
		th[i].seed = i + 1;
		init_completion(&th[i].done);
		task = kthread_run(ea_test_thread, &th[i], "ea_test/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	for (i = 0; i < EA_THREADS; i++) {
		wait_for_completion(&th[i].done);
		KUNIT_EXPECT_EQ(test, th[i].errors, 0);
		allocs += th[i].allocs;
	}
	ea_get_stats(t->inst, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, allocs);
	KUNIT_EXPECT_EQ(test, st.frees, allocs);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, t->inst);
}

static struct kunit_case ea_engine_cases[] = {
	KUNIT_CASE(ea_test_basic),
	KUNIT_CASE(ea_test_id_mapping),
	KUNIT_CASE(ea_test_bitset),
	KUNIT_CASE(ea_test_bitset_max),
	KUNIT_CASE(ea_test_large),
	KUNIT_CASE(ea_test_reuse),
	KUNIT_CASE(ea_test_spare_slab),
	KUNIT_CASE_PARAM(ea_test_class_boundary, ea_test_shifts_gen_params),
	KUNIT_CASE_PARAM(ea_test_alignment, ea_test_classes_gen_params),
	KUNIT_CASE(ea_test_buddy),
	KUNIT_CASE_PARAM(ea_test_odd_arena, ea_test_capacities_gen_params),
	KUNIT_CASE(ea_test_errors),
	KUNIT_CASE(ea_test_free_both),
	KUNIT_CASE(ea_test_no_ids),
	KUNIT_CASE(ea_test_create_params),
	KUNIT_CASE(ea_test_redzone),
	KUNIT_CASE(ea_test_use_after_free),
	KUNIT_CASE(ea_test_scribble),
	KUNIT_CASE(ea_test_debug_off),
	KUNIT_CASE(ea_test_stats),
	KUNIT_CASE(ea_test_fragmentation),
	KUNIT_CASE(ea_test_determinism),
	KUNIT_CASE(ea_test_realloc),
	KUNIT_CASE(ea_test_events),
	KUNIT_CASE(ea_test_leaks),
	KUNIT_CASE(ea_test_inspect),
	KUNIT_CASE(ea_test_fault_injection),
	KUNIT_CASE(ea_test_abort),
	KUNIT_CASE(ea_test_threads),
	KUNIT_CASE_SLOW(ea_test_stress),
	{}
};

static struct kunit_suite ea_engine_suite = {
	.name = "edualloc_engine",
	.init = ea_test_init,
	.exit = ea_test_exit,
	.test_cases = ea_engine_cases,
};

kunit_test_suite(ea_engine_suite);

MODULE_DESCRIPTION("KUnit tests for the edualloc allocator engine");
MODULE_LICENSE("GPL");
