/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Enough of KUnit to run the engine's KUnit suite in userspace: the same
 * macros, cases, parameters and test-managed memory. A failed assertion
 * ends the case with longjmp(), as KUnit ends the case's kthread.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#define KUNIT_PARAM_DESC_SIZE	128

struct kunit_mem;

struct kunit {
	const char *name;
	void *priv;
	const void *param_value;
	unsigned int failures;
	jmp_buf *abort;
	struct kunit_mem *mem;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char name[256];
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)			{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn)		KUNIT_CASE(fn)
#define KUNIT_CASE_PARAM(fn, gen)	{ .run_case = fn, .name = #fn, \
					  .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__typeof__((array)[0]) *__next = prev ?			\
			((__typeof__(__next))prev) + 1 : (array);	\
		if (__next - (array) < (long)ARRAY_SIZE(array)) {	\
			void (*__get_desc)(__typeof__(__next), char *) = get_desc; \
			if (__get_desc)					\
				__get_desc(__next, desc);		\
			return __next;					\
		}							\
		return NULL;						\
	}

void shim_kunit_register(struct kunit_suite *suite);
void shim_kunit_fail(struct kunit *test, bool assert, const char *file,
		     int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

#define kunit_test_suites(...)						\
	static struct kunit_suite *shim_suites_##__LINE__[] = { __VA_ARGS__ }; \
	static void __attribute__((constructor)) shim_register_##__LINE__(void) \
	{								\
		for (size_t i = 0; i < ARRAY_SIZE(shim_suites_##__LINE__); i++) \
			shim_kunit_register(shim_suites_##__LINE__[i]);	\
	}
#define kunit_test_suite(suite)	kunit_test_suites(&suite)

#define kunit_info(test, fmt, ...) \
	printf("    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) \
	printf("    # %s: " fmt, (test)->name, ##__VA_ARGS__)

#define KUNIT_FAIL(test, fmt, ...) \
	shim_kunit_fail(test, false, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define SHIM_KUNIT_BINARY(test, assert, l, op, r, fmt, ...) do {	\
	__typeof__(l) __l = (l);					\
	__typeof__(r) __r = (r);					\
	if (!(__l op __r))						\
		shim_kunit_fail(test, assert, __FILE__, __LINE__,	\
			"Expected %s %s %s, but %s == %lld (%#llx), %s == %lld (%#llx) " fmt, \
			#l, #op, #r, #l, (long long)__l, (unsigned long long)__l, \
			#r, (long long)__r, (unsigned long long)__r, ##__VA_ARGS__); \
} while (0)

#define SHIM_KUNIT_TRUE(test, assert, cond, fmt, ...) do {		\
	if (!(cond))							\
		shim_kunit_fail(test, assert, __FILE__, __LINE__,	\
				"Expected %s " fmt, #cond, ##__VA_ARGS__); \
} while (0)

#define SHIM_KUNIT_STR(test, assert, l, op, r) do {			\
	const char *__l = (l), *__r = (r);				\
	if (!(strcmp(__l, __r) op 0))					\
		shim_kunit_fail(test, assert, __FILE__, __LINE__,	\
				"Expected %s %s %s: \"%s\" vs \"%s\"",	\
				#l, #op, #r, __l, __r);			\
} while (0)

#define KUNIT_EXPECT_EQ(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, ==, r, "")
#define KUNIT_EXPECT_PTR_EQ(t, l, r)	SHIM_KUNIT_TRUE(t, false, (const void *)(l) == (const void *)(r), "")
#define KUNIT_EXPECT_NE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, !=, r, "")
#define KUNIT_EXPECT_LT(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, <, r, "")
#define KUNIT_EXPECT_LE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, <=, r, "")
#define KUNIT_EXPECT_GT(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, >, r, "")
#define KUNIT_EXPECT_GE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, >=, r, "")
#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE(t, c)		SHIM_KUNIT_TRUE(t, false, c, "")
#define KUNIT_EXPECT_FALSE(t, c)	SHIM_KUNIT_TRUE(t, false, !(c), "")
#define KUNIT_EXPECT_NULL(t, p)		SHIM_KUNIT_TRUE(t, false, (p) == NULL, "")
#define KUNIT_EXPECT_NOT_NULL(t, p)	SHIM_KUNIT_TRUE(t, false, (p) != NULL, "")
#define KUNIT_EXPECT_STREQ(t, l, r)	SHIM_KUNIT_STR(t, false, l, ==, r)
#define KUNIT_EXPECT_STRNEQ(t, l, r)	SHIM_KUNIT_STR(t, false, l, !=, r)

#define KUNIT_ASSERT_EQ(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, ==, r, "")
#define KUNIT_ASSERT_NE(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, !=, r, "")
#define KUNIT_ASSERT_LT(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, <, r, "")
#define KUNIT_ASSERT_LE(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, <=, r, "")
#define KUNIT_ASSERT_GT(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, >, r, "")
#define KUNIT_ASSERT_GE(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, >=, r, "")
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE(t, c)		SHIM_KUNIT_TRUE(t, true, c, "")
#define KUNIT_ASSERT_FALSE(t, c)	SHIM_KUNIT_TRUE(t, true, !(c), "")
#define KUNIT_ASSERT_NOT_NULL(t, p)	SHIM_KUNIT_TRUE(t, true, (p) != NULL, "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) \
	SHIM_KUNIT_TRUE(t, true, (p) != NULL && !IS_ERR(p), "")

#endif
