// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_policy: free-list policies (ea_policy.h).
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 * Policies from a policy file are tested with lab 4's (tests/packaging);
 * the block-choice hook (buddy_pick) with a table of this file's own
 * (ea_policy_use()).
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

/*
 * A test pick: ea_test_pick_mode says what to answer. 0: the top piece of
 * the highest-addressed block of the largest order that has one; 1: the
 * lowest-addressed block of the smallest order that has one (best fit,
 * address order); 2: EA_PICK_DEFAULT; 3: a page past the arena's end.
 */
static unsigned int ea_test_pick_mode;
static unsigned int ea_test_picks;

/* The lowest (@low) or highest block on the list of @o, or EA_PICK_DEFAULT. */
static unsigned int ea_test_end(const struct ea_instance *inst,
				unsigned int o, bool low)
{
	const struct list_head *pos;
	unsigned int best = EA_PICK_DEFAULT;

	list_for_each(pos, ea_policy_free_list(inst, o)) {
		unsigned int page = ea_policy_page(inst, pos);

		if (best == EA_PICK_DEFAULT || (low ? page < best : page > best))
			best = page;
	}
	return best;
}

static unsigned int ea_test_pick(const struct ea_instance *inst,
				 unsigned int order)
{
	unsigned int o, page;

	ea_test_picks++;
	switch (ea_test_pick_mode) {
	case 0:
		for (o = EA_MAX_ORDER; o >= order && o <= EA_MAX_ORDER; o--) {
			page = ea_test_end(inst, o, false);
			if (page != EA_PICK_DEFAULT)
				return page + BIT(o) - BIT(order);
		}
		break;
	case 1:
		for (o = order; o <= EA_MAX_ORDER; o++) {
			page = ea_test_end(inst, o, true);
			if (page != EA_PICK_DEFAULT)
				return page;
		}
		break;
	case 3:
		return ea_policy_nr_pages(inst);	/* past the end */
	}
	return EA_PICK_DEFAULT;
}

static const struct ea_policy_ops ea_test_picker = {
	.name = "test-pick",
	.buddy_pick = ea_test_pick,
};

/*
 * buddy_pick chooses the block and the piece of it: the top page of the
 * arena, split off its block (every lower half back on its list), merged
 * back whole when freed; best fit in address order instead of LIFO's
 * choice; and a pick the engine cannot use (EA_PICK_DEFAULT, or a page
 * that is no free piece) serves the engine's own choice.
 */
static void ea_test_policy_pick(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_params p = { .capacity = EA_TEST_CAP, .quiet = true };
	unsigned int top = EA_TEST_CAP / PAGE_SIZE - 1, mode, i;
	struct ea_alloc_info a;
	struct ea_instance *inst;
	struct ea_stats st;

	/* The top page: split EA_MAX_ORDER times, lower halves kept free. */
	ea_test_pick_mode = 0;
	ea_test_picks = 0;
	inst = ea_create(&p, NULL);
	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_ASSERT_EQ(test, ea_policy_use(inst, &ea_test_picker), 0);
	KUNIT_ASSERT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, a.offset, (u64)top * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ea_test_picks, 1U);
	KUNIT_EXPECT_EQ(test, ea_policy_use(inst, &ea_test_picker), -EBUSY);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.largest_free, PAGE_SIZE << EA_MAX_ORDER);
	ea_test_valid(test, inst);
	/* The next: the top of the highest block still whole. */
	KUNIT_ASSERT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, a.offset,
			(u64)(top - BIT(EA_MAX_ORDER)) * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id - 1, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.pages_free, (u64)(top + 1));
	KUNIT_EXPECT_EQ(test, st.largest_free, PAGE_SIZE << EA_MAX_ORDER);
	ea_test_valid(test, inst);
	ea_destroy(inst);

	/*
	 * Pages 0..3 taken, the first and the third freed: LIFO's scenario
	 * (ea_test_policy_lifo) gives the third back; best fit in address
	 * order the first; the unusable picks, LIFO's choice.
	 */
	for (mode = 1; mode <= 3; mode++) {
		ea_test_pick_mode = mode;
		ea_test_picks = 0;
		inst = ea_create(&p, NULL);
		KUNIT_ASSERT_NOT_NULL(test, inst);
		KUNIT_ASSERT_EQ(test, ea_policy_use(inst, &ea_test_picker), 0);
		for (i = 0; i < 4; i++)
			KUNIT_ASSERT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), 0);
		KUNIT_EXPECT_EQ(test, a.offset, 3 * PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, ea_free(inst, 1, 0, NULL), 0);
		KUNIT_ASSERT_EQ(test, ea_free(inst, 3, 0, NULL), 0);
		KUNIT_EXPECT_EQ(test, ea_alloc(inst, PAGE_SIZE, 0, &a), 0);
		KUNIT_EXPECT_EQ(test, a.offset, mode == 1 ? 0 : 2 * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, ea_test_picks, 5U);
		ea_test_valid(test, inst);
		ea_destroy(inst);
	}
	KUNIT_EXPECT_EQ(test, ea_policy_use(t->inst, NULL), -EINVAL);
}

static struct kunit_case edualloc_policy_cases[] = {
	KUNIT_CASE(ea_test_policy_select),
	KUNIT_CASE(ea_test_policy_lifo),
	KUNIT_CASE(ea_test_policy_pick),
	{}
};

EA_TEST_SUITE(policy);
