// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_buddy: the buddy allocator: splits and merges, odd
 * arenas, fragmentation.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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

/*
 * A block reads zero, checks off: over pages written before, over fresh
 * ones, after the checks were on (which poison free memory), and after a
 * reset; a realloc that moves keeps the contents and zeroes the rest.
 */
static void ea_test_block_zeroed(struct kunit *test)
{
	struct ea_instance *inst = ea_test_create(test, EA_TEST_CAP, 0, false);
	struct ea_alloc_info a, b, c;
	unsigned int round;
	u8 *mem;

	for (round = 0; round < 3; round++) {
		/* A written page, freed: then a block over it and fresh pages. */
		ea_test_alloc(test, inst, PAGE_SIZE, &a);
		mem = ea_test_mem(test, inst, &a);
		KUNIT_EXPECT_NULL(test, memchr_inv(mem, 0, PAGE_SIZE));
		memset(mem, 0x5a, PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
		ea_test_alloc(test, inst, 4 * PAGE_SIZE - 1, &b);
		KUNIT_EXPECT_EQ(test, b.offset, a.offset);
		mem = ea_test_mem(test, inst, &b);
		KUNIT_EXPECT_NULL(test, memchr_inv(mem, 0, b.size));
		memset(mem, 0xa5, b.size);
		/* A block's realloc that moves zeroes what it gains. */
		KUNIT_ASSERT_EQ(test, ea_realloc(inst, b.id, 64 * PAGE_SIZE, 0, &c), 0);
		mem = ea_test_mem(test, inst, &c);
		KUNIT_EXPECT_EQ(test, mem[0], 0xa5);
		KUNIT_EXPECT_NULL(test, memchr_inv(mem + b.size, 0, c.size - b.size));
		KUNIT_ASSERT_EQ(test, ea_free(inst, c.id, 0, NULL), 0);
		ea_test_alloc(test, inst, 64 * PAGE_SIZE, &a);
		KUNIT_EXPECT_NULL(test, memchr_inv(ea_test_mem(test, inst, &a), 0,
						   a.size));
		memset(ea_test_mem(test, inst, &a), 0x3c, a.size);
		KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
		/* Free memory poisoned by the checks, then the checks off. */
		if (round == 0) {
			ea_set_debug(inst, true);
			ea_set_debug(inst, false);
		} else {
			KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
		}
		ea_test_alloc(test, inst, 64 * PAGE_SIZE, &a);
		KUNIT_EXPECT_NULL(test, memchr_inv(ea_test_mem(test, inst, &a), 0,
						   a.size));
		ea_test_alloc(test, inst, 64 * PAGE_SIZE, &b);
		KUNIT_EXPECT_NULL(test, memchr_inv(ea_test_mem(test, inst, &b), 0,
						   b.size));
		KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
		ea_test_valid(test, inst);
	}
}

/*
 * A block that a realloc moves because its buddy is taken goes to the
 * lower end of the largest free block, and grows there in place from then
 * on: one move, not one per doubling.
 */
static void ea_test_grow_roomy(struct kunit *test)
{
	struct ea_params p = {
		.capacity = EA_TEST_CAP,
		.max_capacity = 64 << 20,
		.realloc_in_place = true,
	};
	struct ea_instance *inst = ea_test_create_with(test, &p);
	struct ea_alloc_info a, b;
	u64 size;

	ea_test_alloc(test, inst, PAGE_SIZE, &a);
	ea_test_alloc(test, inst, PAGE_SIZE, &b);	/* a's buddy */
	KUNIT_EXPECT_EQ(test, b.offset, PAGE_SIZE);
	memset(ea_test_mem(test, inst, &a), 0x77, PAGE_SIZE);
	for (size = 2 * PAGE_SIZE; size <= PAGE_SIZE << EA_MAX_ORDER; size *= 2) {
		KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, size, 0, &a), 0);
		/* The first free block of order EA_MAX_ORDER, after the split one. */
		KUNIT_EXPECT_EQ_MSG(test, a.offset, PAGE_SIZE << EA_MAX_ORDER,
				    "size %llu", size);
		KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[PAGE_SIZE - 1], 0x77);
		KUNIT_EXPECT_NULL(test, memchr_inv(ea_test_mem(test, inst, &a) + PAGE_SIZE,
						   0, size - PAGE_SIZE));
	}
	ea_test_valid(test, inst);
}

static struct kunit_case edualloc_buddy_cases[] = {
	KUNIT_CASE(ea_test_buddy),
	KUNIT_CASE_PARAM(ea_test_odd_arena, ea_test_capacities_gen_params),
	KUNIT_CASE(ea_test_fragmentation),
	KUNIT_CASE(ea_test_block_zeroed),
	KUNIT_CASE(ea_test_grow_roomy),
	{}
};

EA_TEST_SUITE(buddy);
