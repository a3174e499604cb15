// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_debug: debug checks: red zones, use after free,
 * scribbles, turning them off.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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

static struct kunit_case edualloc_debug_cases[] = {
	KUNIT_CASE(ea_test_redzone),
	KUNIT_CASE(ea_test_use_after_free),
	KUNIT_CASE(ea_test_scribble),
	KUNIT_CASE(ea_test_debug_off),
	{}
};

EA_TEST_SUITE(debug);
