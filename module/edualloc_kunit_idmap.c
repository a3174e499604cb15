// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_idmap: the ID map: IDs and offsets, freeing by both,
 * running out of IDs.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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

static struct kunit_case edualloc_idmap_cases[] = {
	KUNIT_CASE(ea_test_id_mapping),
	KUNIT_CASE(ea_test_free_both),
	KUNIT_CASE(ea_test_no_ids),
	{}
};

EA_TEST_SUITE(idmap);
