// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_bitset: the bitset.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

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

static struct kunit_case edualloc_bitset_cases[] = {
	KUNIT_CASE(ea_test_bitset),
	KUNIT_CASE(ea_test_bitset_max),
	{}
};

EA_TEST_SUITE(bitset);
