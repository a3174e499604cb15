// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_percpu: per-CPU caches (ea_percpu.c).
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h),
 * after edualloc_kunit_api.c, whose threaded workload it reuses.
 *
 * The per-CPU paths serve only instances with nothing to check, time or
 * tell, so these instances have the debug checks off and no listener.
 * A sequence that must match the deterministic mode's runs with migration
 * off: on one CPU the two modes count the same.
 */

static struct ea_instance *ea_test_pcp(struct kunit *test, bool percpu)
{
	struct ea_test *t = test->priv;
	struct ea_params p = {
		.capacity = EA_TEST_CAP,
		.quiet = true,
		.percpu = percpu,
	};
	struct ea_instance *inst;

	KUNIT_ASSERT_LT(test, t->nr_insts, EA_TEST_MAX_INST);
	inst = ea_create(&p, NULL);
	KUNIT_ASSERT_NOT_NULL(test, inst);
	t->insts[t->nr_insts++] = inst;
	return inst;
}

static void ea_test_pcp_round_trip(struct kunit *test)
{
	struct ea_instance *inst = ea_test_pcp(test, true);
	struct ea_alloc_info a[3], b;
	struct ea_page_info map[4];
	u8 *mem, buf[48];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(a); i++) {
		ea_test_alloc(test, inst, 48, &a[i]);
		KUNIT_EXPECT_EQ(test, a[i].cls, 3);		/* 64 B */
		KUNIT_EXPECT_EQ(test, a[i].class_size, 64);
		mem = ea_test_mem(test, inst, &a[i]);
		KUNIT_EXPECT_EQ(test, mem[0], 0);		/* zeroed */
		KUNIT_EXPECT_EQ(test, mem[47], 0);
		memset(mem, 0x40 + i, 48);
	}
	/* Distinct slots of one slab; IDs rising, never the same. */
	KUNIT_EXPECT_NE(test, a[0].offset, a[1].offset);
	KUNIT_EXPECT_NE(test, a[1].offset, a[2].offset);
	KUNIT_EXPECT_LT(test, a[0].id, a[1].id);
	KUNIT_EXPECT_LT(test, a[1].id, a[2].id);
	KUNIT_ASSERT_EQ(test, ea_lookup_id(inst, a[1].id, &b), 0);
	KUNIT_EXPECT_EQ(test, b.offset, a[1].offset);
	KUNIT_EXPECT_EQ(test, b.size, 48);
	KUNIT_ASSERT_EQ(test, ea_read(inst, a[1].id, 0, buf, 48), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 0x41);
	KUNIT_EXPECT_EQ(test, buf[47], 0x41);
	KUNIT_ASSERT_EQ(test, ea_lookup_offset(inst, a[2].offset + 10, &b), 0);
	KUNIT_EXPECT_EQ(test, b.id, a[2].id);

	KUNIT_ASSERT_EQ(test, ea_free(inst, a[1].id, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.id, a[1].id);
	KUNIT_EXPECT_EQ(test, b.size, 48);
	KUNIT_EXPECT_EQ(test, b.offset, a[1].offset);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a[1].id, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, a[1].offset, NULL), -ENOENT);

	/* The freed slot waits in this CPU's magazine: the map shows it free. */
	KUNIT_ASSERT_GE(test, ea_page_map(inst, map, ARRAY_SIZE(map)), 1);
	KUNIT_EXPECT_EQ(test, map[0].kind, EA_PAGE_SLAB);
	KUNIT_EXPECT_EQ(test, map[0].used, 2);

	/* The next 64 B allocation of this CPU takes it back, zeroed. */
	migrate_disable();
	ea_test_alloc(test, inst, 64, &b);
	ea_test_alloc(test, inst, 64, &a[1]);
	migrate_enable();
	KUNIT_EXPECT_GT(test, b.id, a[2].id);
	ea_test_valid(test, inst);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a[0].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a[1].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a[2].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	ea_test_valid(test, inst);
}

static void ea_test_pcp_double_free(struct kunit *test)
{
	struct ea_instance *inst = ea_test_pcp(test, true);
	struct ea_alloc_info a, b;
	struct ea_stats st;

	ea_test_alloc(test, inst, 100, &a);
	ea_test_alloc(test, inst, 100, &b);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	/* The ID word was claimed: a second free sees it gone. */
	KUNIT_EXPECT_EQ(test, ea_free(inst, a.id, 0, NULL), -EALREADY);
	/* By offset too: the slot in the magazine is free. */
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, a.offset, NULL), -EALREADY);
	/* An ID a CPU reserved but never handed out was never issued. */
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id + 1, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, b.id + 1, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free_both(inst, b.id, a.offset, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, b.offset, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, 0, NULL), -EALREADY);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_DOUBLE_FREE], 3);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_UNKNOWN_ID], 2);	/* free, lookup */
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_STALE_ID], 1);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.frees, 2);
	ea_test_valid(test, inst);
}

static void ea_test_pcp_reset(struct kunit *test)
{
	struct ea_instance *inst = ea_test_pcp(test, true);
	struct ea_alloc_info *a, b;
	struct ea_stats st;
	unsigned int i, n = 40;

	a = kunit_kcalloc(test, n, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < n; i++)
		ea_test_alloc(test, inst, 8 << (i % 9), &a[i]);
	for (i = 0; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, ea_free(inst, a[i].id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.allocs, 0);
	KUNIT_EXPECT_EQ(test, st.live_requested, 0);
	KUNIT_EXPECT_EQ(test, st.peak_requested, 0);
	KUNIT_EXPECT_EQ(test, st.pages_free, st.pages_total);	/* every magazine drained */
	KUNIT_EXPECT_EQ(test, st.next_id, 1);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a[1].id, NULL), -ENOENT);
	ea_test_valid(test, inst);
	/* The first allocation after a reset is the first one ever made. */
	ea_test_alloc(test, inst, 8, &b);
	KUNIT_EXPECT_EQ(test, b.id, 1);
	KUNIT_EXPECT_EQ(test, b.offset, 0);
	ea_test_valid(test, inst);
}

/*
 * The same random sequence (small sizes, some blocks, a double free and
 * a wild one) on a deterministic and a per-CPU instance, on one CPU: the
 * counters agree, though IDs and offsets may not.
 */
static void ea_test_pcp_same_stats(struct kunit *test)
{
	/* What magazines change: pages and slabs held, IDs reserved, timing. */
	static const char * const by_design[] = {
		"pages_used", "pages_free", "largest_free", "external_frag_pct",
		"used_bytes", "peak_used", "avail_bytes", "alloc_ns", "free_ns",
		"next_id", "meta_bytes", "cls.slabs", "cls.slots_total", NULL,
	};
	struct ea_instance *det = ea_test_pcp(test, false);
	struct ea_instance *pcp = ea_test_pcp(test, true);
	struct ea_stats *x, *y;
	int *ids[2];
	u64 rng = 13;
	unsigned int i, k, n = 256;

	ids[0] = kunit_kcalloc(test, n, sizeof(int), GFP_KERNEL);
	ids[1] = kunit_kcalloc(test, n, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ids[0]);
	KUNIT_ASSERT_NOT_NULL(test, ids[1]);
	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	y = kunit_kzalloc(test, sizeof(*y), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, y);
	migrate_disable();
	for (i = 0; i < 4000; i++) {
		u64 r = ea_test_rand(&rng);
		u64 size = 1 + (r >> 16) % 2048;
		struct ea_alloc_info a;

		if (!(r % 97))
			size = 5000 + (r >> 20) % 60000;	/* a block */
		k = (r >> 8) % n;
		if (ids[0][k]) {
			KUNIT_ASSERT_EQ(test, ea_free(det, ids[0][k], 0, NULL), 0);
			KUNIT_ASSERT_EQ(test, ea_free(pcp, ids[1][k], 0, NULL), 0);
			if (!(r % 31)) {
				KUNIT_ASSERT_EQ(test, ea_free(det, ids[0][k], 0, NULL),
						-EALREADY);
				KUNIT_ASSERT_EQ(test, ea_free(pcp, ids[1][k], 0, NULL),
						-EALREADY);
			}
			ids[0][k] = 0;
			ids[1][k] = 0;
		} else {
			KUNIT_ASSERT_EQ(test, ea_alloc(det, size, 7, &a), 0);
			ids[0][k] = a.id;
			KUNIT_ASSERT_EQ(test, ea_alloc(pcp, size, 7, &a), 0);
			ids[1][k] = a.id;
		}
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, ea_free(det, -3, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free(pcp, -3, 0, NULL), -ENOENT);

	ea_get_stats(det, x);
	ea_get_stats(pcp, y);
	ea_test_same_stats(test, x, y, by_design);
	KUNIT_EXPECT_GE(test, y->next_id, x->next_id);	/* reserved IDs skipped */
	ea_test_valid(test, det);
	ea_test_valid(test, pcp);
	/* Validation drained the magazines: the counters did not move. */
	ea_get_stats(pcp, x);
	KUNIT_EXPECT_EQ(test, x->live_requested, y->live_requested);
	KUNIT_EXPECT_EQ(test, x->peak_requested, y->peak_requested);
	KUNIT_EXPECT_EQ(test, x->allocs, y->allocs);
}

/* Many IDs come and go: magazines overflow, leaves of the ID map die. */
static void ea_test_pcp_churn(struct kunit *test)
{
	struct ea_instance *inst = ea_test_pcp(test, true);
	struct ea_alloc_info a;
	struct ea_stats st;
	int *ids;
	unsigned int i, n = 1500;

	ids = kunit_kcalloc(test, n, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	for (i = 0; i < n; i++) {
		ea_test_alloc(test, inst, 1 + i % 512, &a);
		ids[i] = a.id;
	}
	ea_test_valid(test, inst);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, ea_free(inst, ids[i], 0, NULL), 0);
	for (i = 0; i < 20000; i++) {
		ea_test_alloc(test, inst, 32, &a);
		KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	}
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.allocs, n + 20000);
	KUNIT_EXPECT_EQ(test, st.live_requested, 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, ids[0], 0, NULL), -EALREADY);
	ea_test_valid(test, inst);
	ea_set_debug(inst, true);	/* drains, then the general path */
	ea_test_alloc(test, inst, 32, &a);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	ea_test_valid(test, inst);
}

/* What the log wants at its default verbosity: ALLOC and FREE, not the decisions. */
static const unsigned long ea_test_pcp_ops =
	BIT(EA_EV_ALLOC) | BIT(EA_EV_FREE) | BIT(EA_EV_ERROR);

/*
 * A listener that wants ALLOC and FREE keeps the per-CPU paths: they
 * report those events themselves, one per operation, as the general path
 * would, an ALLOC before any FREE of its ID.
 */
static void ea_test_pcp_events(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_params p = {
		.capacity = EA_TEST_CAP,
		.percpu = true,
		.events = &ea_test_pcp_ops,
	};
	struct ea_instance *inst = ea_test_create_with(test, &p);
	struct ea_alloc_info a[4], big;
	unsigned int i;

	migrate_disable();
	for (i = 0; i < ARRAY_SIZE(a); i++)
		ea_test_alloc(test, inst, 40 + i, &a[i]);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ALLOC].id, a[3].id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ALLOC].op, EA_OP_ALLOC);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ALLOC].size, 43);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ALLOC].cls, 3);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ALLOC].offset, a[3].offset);
	/*
	 * The CPU reserved IDs ahead: its cache served (not the lock's path),
	 * so a block (the general path's) gets an ID past them.
	 */
	ea_test_alloc(test, inst, 2 * PAGE_SIZE, &big);
	KUNIT_EXPECT_GT(test, big.id, a[3].id + 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ALLOC], 5);
	KUNIT_EXPECT_EQ(test, ea_free(inst, big.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREE], 1);
	ea_test_clear_events(t);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a[2].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREE], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_FREE].id, a[2].id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_FREE].op, EA_OP_FREE);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_FREE].size, 42);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_FREE].offset, a[2].offset);
	/* The next ID is the cache's, reserved before the block's. */
	ea_test_alloc(test, inst, 60, &a[2]);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ALLOC].id, a[2].id);
	KUNIT_EXPECT_EQ(test, a[2].id, a[3].id + 1);
	migrate_enable();
	/* A refusal is the general path's, reported once. */
	KUNIT_EXPECT_EQ(test, ea_free(inst, a[3].id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a[3].id, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREE], 2);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ERROR], 1);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ALLOC], 1);
	ea_test_valid(test, inst);
}

/* edualloc_kunit_api.c's threads, on a per-CPU instance. */
static void ea_test_pcp_threads(struct kunit *test)
{
	ea_test_run_threads(test, ea_test_pcp(test, true), "ea_pcp");
}

static struct kunit_case edualloc_percpu_cases[] = {
	KUNIT_CASE(ea_test_pcp_round_trip),
	KUNIT_CASE(ea_test_pcp_double_free),
	KUNIT_CASE(ea_test_pcp_reset),
	KUNIT_CASE(ea_test_pcp_same_stats),
	KUNIT_CASE(ea_test_pcp_events),
	KUNIT_CASE_SLOW(ea_test_pcp_churn),
	KUNIT_CASE_SLOW(ea_test_pcp_threads),
	{}
};

static struct kunit_suite edualloc_percpu_suite = {
	.name = "edualloc_percpu",
	.init = ea_test_init,
	.exit = ea_test_exit,
	.test_cases = edualloc_percpu_cases,
};
