/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KUnit suites' shared fixture and helpers (edualloc_kunit.c).
 *
 * Each case gets a fresh 1 MiB instance with a 4096-bit bitset and the
 * debug checks on; a recorder counts the events it emits. The cases that
 * corrupt memory on purpose write into the arena directly, as a userspace
 * mapping would, and assert the detectors' counts (as slub_kunit.c does).
 */
#ifndef _EDUALLOC_KUNIT_H
#define _EDUALLOC_KUNIT_H

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
#include "ea_policy.h"

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

/* An instance of @p destroyed with the test, its events recorded. */
static struct ea_instance *ea_test_create_with(struct kunit *test,
					       struct ea_params *p)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst;
	int err = 0;

	p->quiet = true;
	p->notify = ea_test_notify;
	p->priv = t;
	KUNIT_ASSERT_LT(test, t->nr_insts, EA_TEST_MAX_INST);
	inst = ea_create(p, &err);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, inst);
	KUNIT_ASSERT_EQ(test, err, 0);
	t->insts[t->nr_insts++] = inst;
	return inst;
}

static struct ea_instance *ea_test_create(struct kunit *test, u64 capacity,
					  u32 bits, bool debug)
{
	struct ea_params p = {
		.capacity = capacity,
		.max_capacity = 64 << 20,
		.bitset_bits = bits,
		.debug = debug,
	};

	return ea_test_create_with(test, &p);
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

/*
 * The figures a failed call may change: failure counters, timing, and
 * bookkeeping kept for reuse (NULL-ended, as ea_test_same_stats() takes).
 */
static const char * const ea_test_may_differ[] = {
	"failed_allocs", "alloc_ns", "free_ns", "errors", "meta_bytes",
	"cls.failures", NULL,
};

/* Is figure @name (a class's: "cls.@name" when @cls >= 0) in @differ? */
static bool ea_test_differs(const char * const *differ, const char *name, int cls)
{
	for (; *differ; differ++) {
		const char *d = *differ;

		if (cls >= 0 && strncmp(d, "cls.", 4))
			continue;
		if (!strcmp(cls >= 0 ? d + 4 : d, name))
			return true;
	}
	return false;
}

/* One figure of two sets of statistics: equal, unless @differ names it. */
static void ea_test_same_figure(struct kunit *test, const char * const *differ,
				const char *name, int cls, u64 a, u64 b)
{
	if (!ea_test_differs(differ, name, cls))
		KUNIT_EXPECT_EQ_MSG(test, a, b, "%s (class %d)", name, cls);
}

/*
 * Compare two sets of statistics, figure by figure of the uapi's lists and
 * error kind by error kind, but for the figures in @differ (NULL-ended;
 * "errors" for the error counters, "cls.NAME" for a class's figure).
 */
static void ea_test_same_stats(struct kunit *test, const struct ea_stats *a,
			       const struct ea_stats *b,
			       const char * const *differ)
{
	int c;

#define EA_TEST_SAME(bits, f)	ea_test_same_figure(test, differ, #f, -1, a->f, b->f);
	EDUALLOC_STATS_SCALARS(EA_TEST_SAME)
#undef EA_TEST_SAME
	for (c = 0; c < EA_NR_ERR && !ea_test_differs(differ, "errors", -1); c++)
		KUNIT_EXPECT_EQ_MSG(test, a->errors[c], b->errors[c], "error %d", c);
	for (c = 0; c < EA_NR_CLASSES; c++) {
#define EA_TEST_SAME(bits, f)	\
	ea_test_same_figure(test, differ, #f, c, a->cls[c].f, b->cls[c].f);
		EDUALLOC_CLASS_STATS(EA_TEST_SAME)
#undef EA_TEST_SAME
	}
}

/* Compare two snapshots: what a failed call must leave as it was. */
static void ea_test_same(struct kunit *test, const struct ea_test_snap *a,
			 const struct ea_test_snap *b)
{
	unsigned long i;

	ea_test_same_stats(test, &a->st, &b->st, ea_test_may_differ);
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

/*
 * The suite of a chapter: edualloc_<chapter>_suite, named "edualloc_<chapter>",
 * of the cases edualloc_<chapter>_cases, each on the fixture above.
 */
#define EA_TEST_SUITE(chapter)						\
static struct kunit_suite edualloc_##chapter##_suite = {		\
	.name = "edualloc_" #chapter,					\
	.init = ea_test_init,						\
	.exit = ea_test_exit,						\
	.test_cases = edualloc_##chapter##_cases,			\
}

/* ---- Basic operations --------------------------------------------------- */

#endif /* _EDUALLOC_KUNIT_H */
