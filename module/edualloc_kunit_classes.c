// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_classes: size classes: boundaries, alignment.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

static const unsigned int ea_test_shifts[] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
};

static void ea_test_shift_desc(const unsigned int *shift, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "2^%u", *shift);
}

KUNIT_ARRAY_PARAM(ea_test_shifts, ea_test_shifts, ea_test_shift_desc);

/* n = 2^k fits class k exactly; n = 2^k + 1 needs the next one. */
static void ea_test_class_boundary(struct kunit *test)
{
	const unsigned int *shift = test->param_value;
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	u64 n = 1ULL << *shift;
	struct ea_alloc_info a, b;
	struct ea_stats st;
	u8 *mem;

	KUNIT_EXPECT_EQ(test, ea_class_of(n), *shift - EA_MIN_SHIFT);
	KUNIT_EXPECT_EQ(test, ea_class_of(n - 1), n == 8 ? 0 : *shift - EA_MIN_SHIFT);
	KUNIT_EXPECT_EQ(test, ea_class_size(ea_class_of(n)), n);

	ea_test_alloc(test, inst, n, &a);
	KUNIT_EXPECT_EQ(test, a.cls, *shift - EA_MIN_SHIFT);
	KUNIT_EXPECT_EQ(test, a.class_size, n);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CLASS].aux, 0);
	mem = ea_test_mem(test, inst, &a);
	KUNIT_EXPECT_EQ(test, mem[0], 0);
	KUNIT_EXPECT_EQ(test, mem[n - 1], 0);

	ea_test_alloc(test, inst, n + 1, &b);
	mem = ea_test_mem(test, inst, &b);
	KUNIT_EXPECT_EQ(test, mem[n], 0);
	KUNIT_EXPECT_EQ(test, mem[n + 1], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, mem[b.class_size - 1], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_CLASS].aux, b.class_size - n - 1);
	if (*shift < EA_MAX_SHIFT) {
		KUNIT_EXPECT_EQ(test, b.cls, a.cls + 1);
		KUNIT_EXPECT_EQ(test, b.class_size, 2 * n);
	} else {
		KUNIT_EXPECT_EQ(test, b.cls, EA_CLASS_LARGE);
		KUNIT_EXPECT_EQ(test, b.class_size, n + PAGE_SIZE);
	}

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_requested, 2 * n + 1);
	KUNIT_EXPECT_EQ(test, st.live_allocated, a.class_size + b.class_size);
	KUNIT_EXPECT_EQ(test, st.internal_frag, b.class_size - n - 1);
	KUNIT_EXPECT_EQ(test, st.cls[a.cls].waste, 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[0], EA_POISON_FREE);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);
}

static const unsigned int ea_test_classes[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, EA_CLASS_LARGE,
};

static void ea_test_class_desc(const unsigned int *cls, char *desc)
{
	if (*cls == EA_CLASS_LARGE)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "large");
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "class %u (%llu B)", *cls,
			 ea_class_size(*cls));
}

KUNIT_ARRAY_PARAM(ea_test_classes, ea_test_classes, ea_test_class_desc);

/* Every allocation is aligned to its class size, up to a page. */
static void ea_test_alignment(struct kunit *test)
{
	const unsigned int *cls = test->param_value;
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	u64 csize = *cls == EA_CLASS_LARGE ? 300000 : ea_class_size(*cls);
	u64 sizes[] = { csize, csize / 2 + 1, csize - 1 };

	if (*cls == EA_CLASS_LARGE) {
		sizes[1] = EA_SMALL_MAX + 1;
		sizes[2] = 2 * EA_SMALL_MAX + 100;
	}
	struct ea_alloc_info a;
	unsigned int i, n = 0;
	u64 align;

	align = min_t(u64, csize, PAGE_SIZE);
	/* Enough to span two slabs for the small classes. */
	for (i = 0; i < 3 * PAGE_SIZE / csize + 3 && n < 40; i++, n++) {
		u64 size = max_t(u64, sizes[i % 3], 1);

		if (ea_alloc(inst, size, 0, &a) == -ENOMEM)
			break;
		KUNIT_ASSERT_EQ(test, a.size, size);
		KUNIT_EXPECT_EQ(test, a.cls, *cls);
		KUNIT_EXPECT_EQ_MSG(test, a.offset % align, 0, "offset %#llx",
				    a.offset);
		if (*cls == EA_CLASS_LARGE)
			KUNIT_EXPECT_EQ(test, a.class_size, PAGE_ALIGN(size));
		else
			KUNIT_EXPECT_EQ(test, a.class_size, csize);
	}
	KUNIT_EXPECT_GT(test, n, 0);
	ea_test_valid(test, inst);
}

static struct kunit_case edualloc_classes_cases[] = {
	KUNIT_CASE_PARAM(ea_test_class_boundary, ea_test_shifts_gen_params),
	KUNIT_CASE_PARAM(ea_test_alignment, ea_test_classes_gen_params),
	{}
};

EA_TEST_SUITE(classes);
