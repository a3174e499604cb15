// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_policy: free-list policies (ea_policy.h).
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 * Policies from a policy file are tested with lab 4's (tests/packaging).
 */

/* The engine's own policy is number 0, LIFO; unknown numbers are refused. */
static void ea_test_policy_select(struct kunit *test)
{
	unsigned int n = ea_policy_count();
	struct ea_params p = { .capacity = EA_TEST_CAP, .quiet = true };
	struct ea_instance *inst;
	int err = 0;

	KUNIT_EXPECT_GE(test, n, 1U);
	KUNIT_EXPECT_STREQ(test, ea_policy_name(0), "lifo");
	KUNIT_EXPECT_STREQ(test, ea_policy_name(n), "?");

	p.policy = n + 1;	/* 1 + a number that does not exist */
	inst = ea_create(&p, &err);
	KUNIT_EXPECT_NULL(test, inst);
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	ea_destroy(inst);
}

/*
 * LIFO, chosen explicitly (policy 1 = number 0) or by default: the block
 * freed last is handed out first (lab 4's scenario 1).
 */
static void ea_test_policy_lifo(struct kunit *test)
{
	struct ea_params p = { .capacity = EA_TEST_CAP, .quiet = true };
	struct ea_alloc_info a;
	struct ea_instance *inst;
	unsigned int which, i;

	for (which = 0; which < 2; which++) {
		p.policy = which;
		inst = ea_create(&p, NULL);
		KUNIT_ASSERT_NOT_NULL(test, inst);
		for (i = 0; i < 4; i++)
			KUNIT_ASSERT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), 0);
		KUNIT_ASSERT_EQ(test, ea_free(inst, 1, 0, NULL), 0);
		KUNIT_ASSERT_EQ(test, ea_free(inst, 3, 0, NULL), 0);
		KUNIT_EXPECT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), 0);
		KUNIT_EXPECT_EQ(test, a.offset, 2 * PAGE_SIZE);
		ea_test_valid(test, inst);
		ea_destroy(inst);
	}
}

static struct kunit_case edualloc_policy_cases[] = {
	KUNIT_CASE(ea_test_policy_select),
	KUNIT_CASE(ea_test_policy_lifo),
	{}
};

EA_TEST_SUITE(policy);
