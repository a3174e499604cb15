// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_stats: statistics and inspection.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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
	/* Timing is off unless asked for: no clock read on the fast path. */
	KUNIT_EXPECT_EQ(test, st.timing, 0);
	KUNIT_EXPECT_EQ(test, st.alloc_ns, 0);
	KUNIT_EXPECT_EQ(test, st.free_ns, 0);
	KUNIT_EXPECT_EQ(test, st.next_id, 5);
	ea_test_valid(test, inst);
}

/* With timing on, the time spent in allocations and frees is kept. */
static void ea_test_timing(struct kunit *test)
{
	struct ea_params p = { .capacity = EA_TEST_CAP, .quiet = true,
			       .timing = true };
	struct ea_instance *inst = ea_create(&p, NULL);
	struct ea_alloc_info a;
	struct ea_stats st;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, inst);
	for (i = 0; i < 100; i++) {
		KUNIT_EXPECT_EQ(test, ea_alloc(inst, 64, 0, &a), 0);
		KUNIT_EXPECT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	}
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.timing, 1);
	KUNIT_EXPECT_GT(test, st.alloc_ns, 0);
	KUNIT_EXPECT_GT(test, st.free_ns, 0);
	ea_destroy(inst);
}

/*
 * The bookkeeping outside the arena: fixed parts, then a slab descriptor
 * and a leaf of the ID map with the first small allocation, a large
 * record with a large one; all gone again after a reset.
 */
static void ea_test_meta(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b;
	struct ea_stats *s;
	u64 m0, m1;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	ea_get_stats(inst, s);
	m0 = s->meta_bytes;
	KUNIT_EXPECT_GT(test, m0, (EA_TEST_CAP / PAGE_SIZE) * 8);
	ea_test_alloc(test, inst, 64, &a);
	ea_get_stats(inst, s);
	m1 = s->meta_bytes;
	/* A slab of 64 slots (8 bytes or more each), a leaf of 64 IDs (8 B each). */
	KUNIT_EXPECT_GE(test, m1, m0 + 64 * 8 + 64 * 8);
	ea_test_alloc(test, inst, 300000, &b);
	ea_get_stats(inst, s);
	KUNIT_EXPECT_GT(test, s->meta_bytes, m1);
	KUNIT_EXPECT_LT(test, s->meta_bytes, m1 + 256);
	KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
	ea_get_stats(inst, s);
	KUNIT_EXPECT_EQ(test, s->meta_bytes, m0);
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

static struct kunit_case edualloc_stats_cases[] = {
	KUNIT_CASE(ea_test_stats),
	KUNIT_CASE(ea_test_timing),
	KUNIT_CASE(ea_test_meta),
	KUNIT_CASE(ea_test_inspect),
	{}
};

EA_TEST_SUITE(stats);
