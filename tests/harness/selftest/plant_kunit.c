// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test, never shipped: a KUnit suite with one case that fails
 * on purpose. The harness must report the failed case and go red.
 */
#include <kunit/test.h>

static void plant_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2, 1 + 1);
}

static void plant_fails_on_purpose(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 3, 1 + 1);
}

static struct kunit_case plant_cases[] = {
	KUNIT_CASE(plant_passes),
	KUNIT_CASE(plant_fails_on_purpose),
	{}
};

static struct kunit_suite plant_suite = {
	.name = "edualloc_harness_selftest",
	.test_cases = plant_cases,
};
kunit_test_suite(plant_suite);

MODULE_DESCRIPTION("edualloc harness self-test: a KUnit case that fails");
MODULE_LICENSE("GPL");
