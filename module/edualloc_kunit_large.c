// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_large: the large path.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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

static struct kunit_case edualloc_large_cases[] = {
	KUNIT_CASE(ea_test_large),
	{}
};

EA_TEST_SUITE(large);
