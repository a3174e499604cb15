// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_slab: slabs: slot reuse, the spare slab.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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

/*
 * A realloc that grows out of its class leaves no spare behind: the slab
 * it empties goes back at once. One that shrinks keeps it.
 */
static void ea_test_grow_no_spare(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a;
	struct ea_stats st;

	ea_test_alloc(test, inst, 512, &a);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 1024, 0, &a), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.cls[6].slabs, 0);	/* 512 B: released */
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_RELEASE], 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_SPARE], 0);
	KUNIT_EXPECT_EQ(test, st.pages_used, 1);

	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 100, 0, &a), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.cls[7].slabs, 1);	/* 1 KiB: the spare */
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_SLAB_SPARE], 1);
	KUNIT_EXPECT_EQ(test, st.pages_used, 2);
	ea_test_valid(test, inst);
}

static struct kunit_case edualloc_slab_cases[] = {
	KUNIT_CASE(ea_test_reuse),
	KUNIT_CASE(ea_test_spare_slab),
	KUNIT_CASE(ea_test_grow_no_spare),
	{}
};

EA_TEST_SUITE(slab);
