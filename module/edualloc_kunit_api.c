// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite edualloc_engine: the public operations as a whole: basics,
 * errors, parameters, determinism, realloc, events, leaks, fault injection,
 * undo, threads, a long random run.
 * Included by edualloc_kunit.c (fixture and helpers: edualloc_kunit.h).
 */

static void ea_test_basic(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	static const char msg[] = "Hello, allocator!";
	struct ea_alloc_info a, b, f;
	char buf[sizeof(msg)] = "";
	struct ea_stats st;

	KUNIT_ASSERT_EQ(test, ea_alloc(inst, 64, 42, &a), 0);
	KUNIT_EXPECT_EQ(test, a.id, 1);
	KUNIT_EXPECT_EQ(test, a.offset, 0);
	KUNIT_EXPECT_EQ(test, a.size, 64);
	KUNIT_EXPECT_EQ(test, a.class_size, 64);
	KUNIT_EXPECT_EQ(test, a.cls, 3);
	KUNIT_EXPECT_EQ(test, a.owner, 42);

	KUNIT_ASSERT_EQ(test, ea_write(inst, a.id, 0, msg, sizeof(msg)), 0);
	KUNIT_ASSERT_EQ(test, ea_read(inst, a.id, 0, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, msg);
	KUNIT_EXPECT_EQ(test, memcmp(ea_test_mem(test, inst, &a), msg,
				     sizeof(msg)), 0);
	/* Zeroed, and the slack is a red zone. */
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[63], 0);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 60, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 61, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, 65, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, 64, buf, 0), 0);

	KUNIT_ASSERT_EQ(test, ea_alloc(inst, 20, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.id, 2);
	KUNIT_EXPECT_EQ(test, b.class_size, 32);
	KUNIT_EXPECT_EQ(test, b.offset, PAGE_SIZE);	/* a new slab */
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &b)[20], EA_RED_ZONE);
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &b)[31], EA_RED_ZONE);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 2);
	KUNIT_EXPECT_EQ(test, st.live_requested, 84);
	KUNIT_EXPECT_EQ(test, st.live_allocated, 96);

	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, &f), 0);
	KUNIT_EXPECT_EQ(test, f.id, a.id);
	KUNIT_EXPECT_EQ(test, f.offset, a.offset);
	KUNIT_EXPECT_EQ(test, ea_test_mem(test, inst, &a)[0], EA_POISON_FREE);
	KUNIT_ASSERT_EQ(test, ea_free(inst, 0, b.offset, &f), 0);
	KUNIT_EXPECT_EQ(test, f.id, b.id);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.allocs, 2);
	KUNIT_EXPECT_EQ(test, st.frees, 2);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ALLOC], 2);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_FREE], 2);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_ERROR], 2);
	ea_test_valid(test, inst);
}

#define EA_STRESS_OPS		100000
#define EA_STRESS_LIVE		1024
#define EA_STRESS_CHECK		8192

struct ea_stress_obj {
	int id;
	u8 pat;
	u64 size;
	u64 offset;
};

/* Sizes mostly small, as programs ask; a few page-class and large ones. */
static u64 ea_stress_size(u64 *rng)
{
	u64 r = ea_test_rand(rng);
	unsigned int pick = r % 1000;

	r >>= 10;
	if (pick < 700)
		return 1 + r % 256;
	if (pick < 950)
		return 1 + r % 4096;
	if (pick < 995)
		return 1 + r % (64 * 1024);
	if (pick < 998)
		return 1 + r % EA_SMALL_MAX;
	return EA_SMALL_MAX + 1 + r % (200 * 1024);
}

static int ea_stress_sort_cmp(const void *a, const void *b)
{
	const struct ea_alloc_info *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

struct ea_stress_walk {
	struct ea_alloc_info *v;
	unsigned int n, max;
};

static int ea_stress_collect(void *priv, const struct ea_alloc_info *a)
{
	struct ea_stress_walk *w = priv;

	if (w->n == w->max)
		return -E2BIG;
	w->v[w->n++] = *a;
	return 0;
}

/* No two live allocations overlap; all are inside their area, aligned. */
static void ea_stress_check(struct kunit *test, struct ea_instance *inst,
			    struct ea_stress_walk *w, u64 live)
{
	unsigned int i;

	w->n = 0;
	KUNIT_ASSERT_EQ(test, ea_for_each_alloc(inst, ea_stress_collect, w), 0);
	KUNIT_ASSERT_EQ(test, w->n, live);
	for (i = 1; i < w->n; i++)
		KUNIT_ASSERT_GT(test, w->v[i].id, w->v[i - 1].id);
	sort(w->v, w->n, sizeof(*w->v), ea_stress_sort_cmp, NULL);
	for (i = 0; i < w->n; i++) {
		const struct ea_alloc_info *a = &w->v[i];
		u64 align = min_t(u64, a->class_size, PAGE_SIZE);

		KUNIT_ASSERT_EQ(test, a->offset % align, 0);
		if (a->cls == EA_CLASS_LARGE)
			KUNIT_ASSERT_EQ(test, a->offset, EA_LARGE_BASE +
					((u64)a->id << EA_LARGE_SHIFT));
		else
			KUNIT_ASSERT_LE(test, a->offset + a->class_size,
					EA_TEST_CAP);
		if (i)
			KUNIT_ASSERT_LE(test, w->v[i - 1].offset +
					w->v[i - 1].class_size, a->offset);
	}
	ea_test_valid(test, inst);
}

static void ea_test_stress(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_stress_obj *live;
	struct ea_stress_walk w;
	unsigned int nlive = 0, i, ok_allocs = 0, nomem = 0, frees = 0;
	unsigned int reallocs = 0;
	struct ea_alloc_info a;
	struct ea_stats st;
	u64 rng = 0x5eed0fed0a110cULL;
	u8 head[2];

	live = kunit_kcalloc(test, EA_STRESS_LIVE, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	w.max = EA_STRESS_LIVE;
	w.v = kunit_kcalloc(test, w.max, sizeof(*w.v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.v);

	for (i = 0; i < EA_STRESS_OPS; i++) {
		u64 r = ea_test_rand(&rng);
		unsigned int pick = r % 100, k;
		struct ea_stress_obj *o;
		int ret;

		if (!(i % 256))
			cond_resched();
		if (nlive && (pick < 40 || nlive == EA_STRESS_LIVE)) {
			/* Free a random live one, checking its first byte. */
			k = (r >> 8) % nlive;
			o = &live[k];
			KUNIT_ASSERT_EQ(test, ea_read(inst, o->id, 0, head, 1), 0);
			KUNIT_ASSERT_EQ(test, head[0], o->pat);
			KUNIT_ASSERT_EQ(test, ea_free(inst, o->id, o->offset, &a), 0);
			KUNIT_ASSERT_EQ(test, a.size, o->size);
			live[k] = live[--nlive];
			frees++;
		} else if (nlive && pick < 45) {
			/* Move a random live one to a new size. */
			k = (r >> 8) % nlive;
			o = &live[k];
			ret = ea_realloc(inst, o->id, ea_stress_size(&rng), 0, &a);
			if (ret) {
				KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
				nomem++;
				continue;
			}
			KUNIT_ASSERT_EQ(test, ea_read(inst, a.id, 0, head, 1), 0);
			KUNIT_ASSERT_EQ(test, head[0], o->pat);
			o->id = a.id;
			o->size = a.size;
			o->offset = a.offset;
			reallocs++;
		} else {
			u64 size = ea_stress_size(&rng);

			ret = ea_alloc(inst, size, 0, &a);
			if (ret) {
				KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
				nomem++;
				continue;
			}
			KUNIT_ASSERT_EQ(test, a.size, size);
			o = &live[nlive++];
			o->id = a.id;
			o->size = size;
			o->offset = a.offset;
			o->pat = r >> 32;
			KUNIT_ASSERT_EQ(test, ea_read(inst, a.id, size - 1, head, 1), 0);
			KUNIT_ASSERT_EQ(test, head[0], 0);
			KUNIT_ASSERT_EQ(test, ea_write(inst, a.id, 0, &o->pat, 1), 0);
			ok_allocs++;
		}
		if (!(i % EA_STRESS_CHECK))
			ea_stress_check(test, inst, &w, nlive);
	}
	ea_stress_check(test, inst, &w, nlive);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.live_allocs, nlive);
	KUNIT_EXPECT_EQ(test, st.allocs, ok_allocs + reallocs);
	KUNIT_EXPECT_EQ(test, st.frees, frees + reallocs);
	KUNIT_EXPECT_EQ(test, st.reallocs, reallocs);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, nomem);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_SPACE], nomem);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	KUNIT_EXPECT_GT(test, nomem, 0);
	kunit_info(test, "%u ops: %u allocs, %u frees, %u reallocs, %u refused, %u live at the end, peak %llu bytes used\n",
		   EA_STRESS_OPS, ok_allocs, frees, reallocs, nomem, nlive,
		   st.peak_used);

	/* Free everything: the buddy allocator must be whole again. */
	while (nlive)
		KUNIT_ASSERT_EQ(test, ea_free(inst, live[--nlive].id, 0, NULL), 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_LE(test, st.pages_used, EA_NR_CLASSES);	/* the spares */
	KUNIT_EXPECT_EQ(test, st.live_requested, 0);
	KUNIT_EXPECT_EQ(test, st.live_allocated, 0);
	ea_test_valid(test, inst);
}

/* Every kind of refusal, each with its errno, counted once, harmless. */
static void ea_test_errors(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *bare;
	struct ea_alloc_info a, b, c;
	struct ea_test_snap *s0, *s1;
	struct ea_stats st;
	unsigned int k;
	u8 buf[4];
	u32 bit;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s0);
	KUNIT_ASSERT_NOT_NULL(test, s1);
	ea_test_alloc(test, inst, 24, &a);
	ea_test_alloc(test, inst, 24, &b);
	ea_test_alloc(test, inst, 5000, &c);
	KUNIT_ASSERT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	ea_test_snap(inst, s0);
	ea_test_clear_events(t);

	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 0, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, EA_TEST_CAP + 1, 0, NULL), -E2BIG);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, U64_MAX, 0, NULL), -E2BIG);
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, a.id, 0, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 99, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free(inst, -1, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, b.offset, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a.id, c.offset, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, a.offset + 1, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, c.offset + PAGE_SIZE, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, EA_TEST_CAP - PAGE_SIZE, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 0, EA_TEST_CAP, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_lookup_offset(inst, EA_TEST_CAP - 1, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 22, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_write(inst, a.id, U64_MAX, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ea_read(inst, b.id, 0, buf, 1), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_write(inst, 1000, 0, buf, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, b.id, 10, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, EA_DEF_BITSET_BITS), -EINVAL);

	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_ZERO_SIZE], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_TOO_BIG], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_UNKNOWN_ID], 3);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_DOUBLE_FREE], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_STALE_ID], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_OFFSET], 4);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_ALLOC], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_RANGE], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_FREED_ID], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_BAD_BIT], 1);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, 4);
	KUNIT_EXPECT_EQ(test, st.cls[EA_CLASS_LARGE - 1].failures, 0);
	for (k = 0; k < EA_NR_ERR; k++)
		KUNIT_EXPECT_EQ_MSG(test, t->refused[k], st.errors[k], "%s",
				    ea_err_name(k));
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ERROR].op, EA_OP_BIT);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_ERROR].err, -EINVAL);

	/* A stale ID: freed, and someone else lives at its offset now. */
	ea_test_alloc(test, inst, 24, &b);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 2, b.offset, NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 2, 0, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, b.offset, NULL), 0);

	/*
	 * Out of space, and the kernel out of memory (injected): 200 bytes in
	 * a class with no slab yet, whose slot array is the one request.
	 */
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, EA_TEST_CAP, 0, NULL), -ENOMEM);
	ea_get_stats(inst, &st);
	KUNIT_ASSERT_EQ(test, st.cls[5].slabs, 0);
	ea_fail_nth(inst, 1);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 200, 0, NULL), -ENOMEM);
	ea_fail_nth(inst, 0);

	/* No bitset. */
	bare = ea_test_create(test, EA_MIN_CAPACITY, 0, true);
	KUNIT_EXPECT_EQ(test, ea_bit_find(bare, 0, &bit), -EOPNOTSUPP);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_STALE_ID], 2);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_DOUBLE_FREE], 3);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_NO_SPACE], 1);
	KUNIT_EXPECT_EQ(test, st.errors[EA_ERR_KMEM], 1);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, 6);
	KUNIT_EXPECT_EQ(test, st.cls[EA_MAX_SHIFT - EA_MIN_SHIFT].failures, 0);
	KUNIT_EXPECT_EQ(test, st.cls[5].failures, 1);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);

	/* Names and errnos. */
	KUNIT_EXPECT_STREQ(test, ea_err_name(EA_ERR_DOUBLE_FREE), "double_free");
	KUNIT_EXPECT_STREQ(test, ea_err_name(EA_NR_ERR), "?");
	KUNIT_EXPECT_EQ(test, ea_errno(EA_ERR_NO_BITSET), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ea_errno(EA_ERR_NO_IDS), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ea_errno(EA_ERR_STALE_ID), -ESTALE);
	KUNIT_EXPECT_EQ(test, ea_errno(EA_NR_ERR), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ea_op_name(EA_OP_REALLOC), "realloc");
	KUNIT_EXPECT_STREQ(test, ea_op_name(EA_NR_OPS), "?");
	KUNIT_EXPECT_STREQ(test, ea_event_name(EA_EV_BUDDY_MERGE), "buddy_merge");
	KUNIT_EXPECT_STREQ(test, ea_event_name(EA_NR_EVENTS), "?");
	KUNIT_EXPECT_EQ(test, ea_class_size(EA_CLASS_LARGE), 0);
	KUNIT_EXPECT_EQ(test, ea_class_of(0), 0);
	KUNIT_EXPECT_EQ(test, ea_class_of(EA_SMALL_MAX + 1), EA_CLASS_LARGE);
	KUNIT_EXPECT_EQ(test, ea_class_of(U64_MAX), EA_CLASS_LARGE);
	for (k = 0; k < EA_NR_ERR; k++)
		KUNIT_EXPECT_STRNEQ(test, ea_err_name(k), "?");
}

static void ea_test_create_params(struct kunit *test)
{
	struct ea_params p = { .capacity = EA_MIN_CAPACITY - 1 };
	struct ea_instance *inst;
	struct ea_stats st;
	int err = 0;

	KUNIT_EXPECT_NULL(test, ea_create(&p, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_NULL(test, ea_create(NULL, &err));
	p.capacity = 2 << 20;
	p.max_capacity = 1 << 20;
	err = 0;
	KUNIT_EXPECT_NULL(test, ea_create(&p, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	p.capacity = (1 << 20) + 1;	/* rounds up past the maximum */
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.capacity = EA_MAX_ARENA + 1;
	p.max_capacity = 0;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.capacity = U64_MAX;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.capacity = EA_MIN_CAPACITY;
	p.bitset_bits = EA_MAX_BITSET_BITS + 1;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));
	p.bitset_bits = 0;
	p.first_id = (u32)INT_MAX + 1;
	KUNIT_EXPECT_NULL(test, ea_create(&p, NULL));

	/* The smallest, and a capacity that is not whole pages. */
	p.first_id = 0;
	p.capacity = EA_MIN_CAPACITY + 100;
	p.max_capacity = EA_MIN_CAPACITY + PAGE_SIZE;
	err = 1;
	inst = ea_create(&p, &err);
	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_EXPECT_EQ(test, err, 1);	/* untouched on success */
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.capacity, EA_MIN_CAPACITY + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, st.pages_total, EA_MIN_CAPACITY / PAGE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, st.next_id, 1);
	KUNIT_EXPECT_EQ(test, st.debug, 0);
	KUNIT_EXPECT_EQ(test, st.bitset_bits, 0);
	ea_destroy(inst);
	ea_destroy(NULL);
}

#define EA_SCRIPT_OPS	600

/* A fixed pseudo-random script; records what each step returned. */
static void ea_test_script(struct kunit *test, struct ea_instance *inst,
			   u64 *out)
{
	struct ea_alloc_info a;
	int ids[64] = {}, ret;
	u64 rng = 12345;
	unsigned int i, k;

	for (i = 0; i < EA_SCRIPT_OPS; i++) {
		u64 r = ea_test_rand(&rng);

		k = r % ARRAY_SIZE(ids);
		if (ids[k]) {
			bool move = !((r >> 8) % 4);

			if (move)
				ret = ea_realloc(inst, ids[k], 1 + (r >> 16) % 9000,
						 0, &a);
			else
				ret = ea_free(inst, ids[k], 0, &a);
			if (!ret)
				ids[k] = move ? a.id : 0;
		} else {
			ret = ea_alloc(inst, 1 + (r >> 16) % ((r >> 40) % 2 ?
				       300 : 70000), 0, &a);
			if (!ret)
				ids[k] = a.id;
		}
		out[i] = ret ? (u64)ret : a.offset ^ ((u64)a.id << 44);
	}
}

static void ea_test_determinism(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *other;
	struct ea_test_snap *s0, *s1;
	u64 *run1, *run2, *run3;
	struct ea_stats st;
	u32 found;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	run1 = kunit_kcalloc(test, EA_SCRIPT_OPS, sizeof(u64), GFP_KERNEL);
	run2 = kunit_kcalloc(test, EA_SCRIPT_OPS, sizeof(u64), GFP_KERNEL);
	run3 = kunit_kcalloc(test, EA_SCRIPT_OPS, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1 && run1 && run2 && run3);

	ea_test_snap(inst, s0);
	KUNIT_EXPECT_EQ(test, ea_bit_set(inst, 7), 0);
	ea_test_script(test, inst, run1);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_GT(test, st.live_allocs, 0);

	ea_test_clear_events(t);
	KUNIT_EXPECT_EQ(test, ea_reset(inst), 0);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_RESET], 1);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_RESET].aux, st.live_allocs);
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_LEAK], 0);
	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	KUNIT_EXPECT_EQ(test, s1->st.errors[EA_ERR_NO_SPACE], 0);
	KUNIT_EXPECT_EQ(test, s1->st.alloc_ns, 0);
	KUNIT_EXPECT_EQ(test, ea_bit_find(inst, 0, &found), -ENOENT);
	ea_test_valid(test, inst);

	ea_test_script(test, inst, run2);
	KUNIT_EXPECT_EQ(test, memcmp(run1, run2, EA_SCRIPT_OPS * sizeof(u64)), 0);
	other = ea_test_create(test, EA_TEST_CAP, EA_DEF_BITSET_BITS, true);
	ea_test_script(test, other, run3);
	KUNIT_EXPECT_EQ(test, memcmp(run1, run3, EA_SCRIPT_OPS * sizeof(u64)), 0);
	ea_test_valid(test, other);
}

static void ea_test_realloc(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a, b, c, r;
	struct ea_stats st;
	unsigned int i;
	u8 *buf, *out;

	buf = kunit_kzalloc(test, 200, GFP_KERNEL);
	out = kunit_kzalloc(test, 200, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, buf && out);
	for (i = 0; i < 200; i++)
		buf[i] = i;
	ea_test_alloc(test, inst, 100, &a);
	KUNIT_ASSERT_EQ(test, ea_write(inst, a.id, 0, buf, 100), 0);

	/* Grow: contents kept, the rest zeroed, a new ID and place. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 200, 9, &b), 0);
	KUNIT_EXPECT_NE(test, b.id, a.id);
	KUNIT_EXPECT_NE(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, b.size, 200);
	KUNIT_EXPECT_EQ(test, b.owner, 9);
	KUNIT_ASSERT_EQ(test, ea_read(inst, b.id, 0, out, 200), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 100), 0);
	KUNIT_EXPECT_EQ(test, out[100], 0);
	KUNIT_EXPECT_EQ(test, out[199], 0);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].id, b.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].aux, a.id);

	/* Shrink: the first bytes kept; the same class still moves. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, b.id, 150, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, c.class_size, b.class_size);
	KUNIT_EXPECT_NE(test, c.offset, b.offset);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 10, 0, &c), 0);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 10), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 10), 0);
	/* To and from the large path. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 400000, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, c.cls, EA_CLASS_LARGE);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 10), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 10), 0);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 3, 0, &c), 0);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 3), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 3), 0);

	/* A failure leaves the old one as it was. */
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, c.id, 2 * EA_TEST_CAP, 0, &r), -E2BIG);
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, c.id, EA_TEST_CAP, 0, &r), -ENOMEM);
	ea_fail_nth(inst, 1);	/* a new slab of 1 KiB: its slot array fails */
	KUNIT_EXPECT_EQ(test, ea_realloc(inst, c.id, 700, 0, &r), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, c.id, &r), 0);
	KUNIT_EXPECT_EQ(test, r.size, 3);
	KUNIT_ASSERT_EQ(test, ea_read(inst, c.id, 0, out, 3), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 3), 0);

	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.reallocs, 5);
	KUNIT_EXPECT_EQ(test, st.allocs, 6);
	KUNIT_EXPECT_EQ(test, st.frees, 5);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 1);
	KUNIT_EXPECT_EQ(test, st.failed_allocs, 3);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);
}

static void ea_test_events(struct kunit *test)
{
	static const enum ea_event_type alloc_seq[] = {
		EA_EV_CLASS, EA_EV_BUDDY_SPLIT, EA_EV_BUDDY_SPLIT,
		EA_EV_BUDDY_SPLIT, EA_EV_BUDDY_SPLIT, EA_EV_BUDDY_SPLIT,
		EA_EV_BUDDY_SPLIT, EA_EV_SLAB_REFILL, EA_EV_ALLOC,
	};
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;
	struct ea_alloc_info a;
	unsigned int i;

	ea_test_alloc(test, inst, 3, &a);
	KUNIT_ASSERT_EQ(test, t->log_len, ARRAY_SIZE(alloc_seq));
	for (i = 0; i < ARRAY_SIZE(alloc_seq); i++) {
		KUNIT_EXPECT_EQ_MSG(test, t->log[i].type, alloc_seq[i], "event %u", i);
		KUNIT_EXPECT_EQ(test, t->log[i].op, EA_OP_ALLOC);
	}
	KUNIT_EXPECT_EQ(test, t->log[0].size, 3);
	KUNIT_EXPECT_EQ(test, t->log[0].cls, 0);
	KUNIT_EXPECT_EQ(test, t->log[0].aux, 5);
	for (i = 1; i <= EA_MAX_ORDER; i++) {
		KUNIT_EXPECT_EQ(test, t->log[i].order, EA_MAX_ORDER + 1 - i);
		KUNIT_EXPECT_EQ(test, t->log[i].offset, 0);
	}
	KUNIT_EXPECT_EQ(test, t->log[7].offset, 0);
	KUNIT_EXPECT_EQ(test, t->log[7].aux, 0);
	KUNIT_EXPECT_EQ(test, t->log[8].id, a.id);
	KUNIT_EXPECT_EQ(test, t->log[8].size, 3);
	KUNIT_EXPECT_EQ(test, t->log[8].err, 0);

	ea_test_clear_events(t);
	ea_test_alloc(test, inst, 4, &a);
	KUNIT_ASSERT_EQ(test, t->log_len, 3);
	KUNIT_EXPECT_EQ(test, t->log[1].type, EA_EV_FREELIST_HIT);
	KUNIT_EXPECT_EQ(test, t->log[1].offset, 8);

	ea_test_clear_events(t);
	KUNIT_ASSERT_EQ(test, ea_free(inst, 1, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, t->log_len, 1);
	KUNIT_EXPECT_EQ(test, t->log[0].type, EA_EV_FREE);
	KUNIT_EXPECT_EQ(test, t->log[0].op, EA_OP_FREE);
	KUNIT_ASSERT_EQ(test, ea_free(inst, 2, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, t->log_len, 3);
	KUNIT_EXPECT_EQ(test, t->log[1].type, EA_EV_SLAB_SPARE);
	KUNIT_EXPECT_EQ(test, t->log[2].type, EA_EV_FREE);

	ea_test_clear_events(t);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 2, 0, NULL), -EALREADY);
	KUNIT_ASSERT_EQ(test, t->log_len, 1);
	KUNIT_EXPECT_EQ(test, t->log[0].type, EA_EV_ERROR);
	KUNIT_EXPECT_EQ(test, t->log[0].op, EA_OP_FREE);
	KUNIT_EXPECT_EQ(test, t->log[0].id, 2);
	KUNIT_EXPECT_EQ(test, t->log[0].err, -EALREADY);
	KUNIT_EXPECT_EQ(test, t->log[0].aux, EA_ERR_DOUBLE_FREE);
}

struct ea_test_leaks {
	int ids[8];
	unsigned int n;
};

static void ea_test_leak_notify(void *priv, const struct ea_event *ev)
{
	struct ea_test_leaks *l = priv;

	if (ev->type == EA_EV_LEAK && l->n < ARRAY_SIZE(l->ids))
		l->ids[l->n++] = ev->id;
}

static void ea_test_leaks(struct kunit *test)
{
	struct ea_test_leaks l = {};
	struct ea_params p = {
		.capacity = EA_TEST_CAP,
		.debug = true,
		.notify = ea_test_leak_notify,
		.priv = &l,
	};
	struct ea_instance *inst = ea_create(&p, NULL);
	struct ea_alloc_info a;

	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 10, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 5000, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 10, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_alloc(inst, 500000, 0, &a), 0);
	KUNIT_EXPECT_EQ(test, ea_free(inst, 3, 0, NULL), 0);
	ea_destroy(inst);
	KUNIT_ASSERT_EQ(test, l.n, 3);
	KUNIT_EXPECT_EQ(test, l.ids[0], 1);
	KUNIT_EXPECT_EQ(test, l.ids[1], 2);
	KUNIT_EXPECT_EQ(test, l.ids[2], 4);
}

/*
 * Fail each kernel allocation an operation makes, in turn: each failure
 * returns -ENOMEM and leaves everything as it was. Returns the number of
 * fault points the operation has.
 */
static unsigned int ea_test_faults(struct kunit *test, struct ea_instance *inst,
				   int id, u64 size)
{
	struct ea_test_snap *s0, *s1;
	struct ea_alloc_info a;
	struct ea_stats st;
	unsigned int n;
	int ret;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1);
	ea_test_snap(inst, s0);
	for (n = 1; n < 10; n++) {
		ea_fail_nth(inst, n);
		ret = id ? ea_realloc(inst, id, size, 0, &a) :
			   ea_alloc(inst, size, 0, &a);
		if (!ret)
			break;
		KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
		ea_test_snap(inst, s1);
		ea_test_same(test, s0, s1);
		KUNIT_EXPECT_EQ(test, s1->st.errors[EA_ERR_KMEM],
				s0->st.errors[EA_ERR_KMEM] + n);
		ea_test_valid(test, inst);
	}
	ea_fail_nth(inst, 0);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, s0->st.allocs + 1);
	KUNIT_EXPECT_EQ(test, st.live_allocs, s0->st.live_allocs + !id);
	kunit_kfree(test, s0);
	kunit_kfree(test, s1);
	return n - 1;
}

static void ea_test_fault_injection(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst;

	/* The first allocation: a new slab's slot array, the ID's xarray slot. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 40), 2);
	/*
	 * A free slot in a partial slab: nothing, as each allocation reserves
	 * the next ID's slot ahead (ea_reserve_ahead()).
	 */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 40), 0);
	/* A buddy block: nothing either. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 20000), 0);
	/* Large: the record, the area. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 300000), 2);
	/* realloc of the large one (ID 4) into a new slab: its slot array. */
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 4, 1000), 1);
	/* After a reset nothing is reserved: the slot array and the ID's slot. */
	KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
	KUNIT_EXPECT_EQ(test, ea_test_faults(test, inst, 0, 40), 2);
	ea_test_valid(test, inst);
}

/*
 * Begin an allocation (or a reallocation of @id) and abort it: the
 * instance must be exactly as before, timing included, and allocating
 * the same size again must give the same ID and offset. Returns the ID.
 */
static int ea_test_abort_one(struct kunit *test, struct ea_instance *inst,
			     int id, u64 size)
{
	struct ea_test *t = test->priv;
	struct ea_test_snap *s0, *s1;
	struct ea_alloc_info a, b;
	struct ea_txn txn;
	unsigned int undo;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1);
	ea_test_snap(inst, s0);
	undo = t->events[EA_EV_UNDO];
	if (id)
		KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, id, size, 7, &a, &txn), 0);
	else
		KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, size, 7, &a, &txn), 0);
	KUNIT_ASSERT_EQ(test, ea_abort(inst, &txn), 0);
	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	KUNIT_EXPECT_EQ(test, s1->st.alloc_ns, s0->st.alloc_ns);
	KUNIT_EXPECT_EQ(test, s1->st.reallocs, s0->st.reallocs);
	KUNIT_EXPECT_EQ(test, s1->st.failed_allocs, s0->st.failed_allocs);
	/* Only a plain allocation was reported, so only it is reported undone. */
	KUNIT_EXPECT_EQ(test, t->events[EA_EV_UNDO], undo + !id);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &b), -ENOENT);
	if (id)
		KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, id, &b), 0);
	ea_test_valid(test, inst);

	/* As if it had never been: the next one lands in the same place. */
	if (id)
		KUNIT_ASSERT_EQ(test, ea_realloc(inst, id, size, 7, &b), 0);
	else
		ea_test_alloc(test, inst, size, &b);
	KUNIT_EXPECT_EQ(test, b.id, a.id);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	kunit_kfree(test, s0);
	kunit_kfree(test, s1);
	return b.id;
}

static void ea_test_abort(struct kunit *test)
{
	struct ea_test *t = test->priv;
	struct ea_instance *inst = t->inst, *plain;
	struct ea_alloc_info a, b, r;
	struct ea_txn txn, txn2;
	struct ea_stats *st0, *st;
	int id, small;
	u8 buf[16];

	st0 = kunit_kzalloc(test, sizeof(*st0), GFP_KERNEL);
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, st0 && st);

	/* A new slab, then a slot of a partial slab, then the spare. */
	small = ea_test_abort_one(test, inst, 0, 40);
	id = ea_test_abort_one(test, inst, 0, 40);
	KUNIT_ASSERT_EQ(test, ea_free(inst, id, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, small, 0, NULL), 0);
	ea_get_stats(inst, st);
	KUNIT_ASSERT_EQ(test, st->cls[ea_class_of(40)].slabs, 1);	/* the spare */
	small = ea_test_abort_one(test, inst, 0, 40);
	/* A buddy block, a large area. */
	ea_test_abort_one(test, inst, 0, 20000);
	ea_test_abort_one(test, inst, 0, 300000);

	/*
	 * Reallocations, each then made for real (a new ID): small to large,
	 * large to small, small to small.
	 */
	memset(buf, 0x5a, sizeof(buf));
	KUNIT_ASSERT_EQ(test, ea_write(inst, small, 0, buf, sizeof(buf)), 0);
	id = ea_test_abort_one(test, inst, small, 400000);
	id = ea_test_abort_one(test, inst, id, 100);
	id = ea_test_abort_one(test, inst, id, 60);

	/* Without the debug checks too. */
	plain = ea_test_create(test, EA_TEST_CAP, 0, false);
	ea_test_abort_one(test, plain, 0, 40);
	ea_test_abort_one(test, plain, 0, 9000);

	/* Commit: the old half of a reallocation goes now, and is counted. */
	ea_get_stats(inst, st0);
	KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, id, 30, 0, &a, &txn), 0);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, id, &r), 0);
	KUNIT_EXPECT_EQ(test, ea_read(inst, a.id, 0, buf, 16), 0);
	KUNIT_EXPECT_EQ(test, buf[15], 0x5a);
	ea_commit(inst, &txn);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].id, a.id);
	KUNIT_EXPECT_EQ(test, t->last[EA_EV_REALLOC].aux, id);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->reallocs, st0->reallocs + 1);
	KUNIT_EXPECT_EQ(test, st->allocs, st0->allocs + 1);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees + 1);
	KUNIT_EXPECT_EQ(test, st->live_allocs, st0->live_allocs);

	/*
	 * Something allocated since: taken back and uncounted all the same,
	 * but the later ID and the peaks stand (1, not 0).
	 */
	ea_get_stats(inst, st0);
	KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, 100, 0, &a, &txn), 0);
	ea_test_alloc(test, inst, 100, &b);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), 1);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->allocs, st0->allocs + 1);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees);
	KUNIT_EXPECT_EQ(test, st->live_allocs, st0->live_allocs + 1);
	KUNIT_EXPECT_EQ(test, st->next_id, b.id + 1);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &r), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, b.id, &r), 0);

	/* Gone already: freed by someone else, or a reset. Nothing happens. */
	KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, 100, 0, &a, &txn), 0);
	KUNIT_ASSERT_EQ(test, ea_free(inst, a.id, 0, NULL), 0);
	ea_get_stats(inst, st0);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), -ENOENT);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->allocs, st0->allocs);
	KUNIT_EXPECT_EQ(test, st->frees, st0->frees);
	KUNIT_ASSERT_EQ(test, ea_alloc_begin(inst, 100, 0, &a, &txn), 0);
	KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, b.id, 200, 0, &r, &txn2), 0);
	KUNIT_ASSERT_EQ(test, ea_reset(inst), 0);
	/* The same IDs again after the reset: the old txn must not touch them. */
	ea_test_alloc(test, inst, 100, &b);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), -ENOENT);
	ea_commit(inst, &txn2);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn2), -ENOENT);
	ea_get_stats(inst, st);
	KUNIT_EXPECT_EQ(test, st->allocs, 1);
	KUNIT_EXPECT_EQ(test, st->reallocs, 0);
	KUNIT_EXPECT_EQ(test, st->live_allocs, 1);
	KUNIT_EXPECT_EQ(test, st->corruptions, 0);
	ea_test_valid(test, inst);
	ea_test_valid(test, plain);
}

#define EA_THREADS	4
#define EA_THREAD_OPS	2000

struct ea_thread {
	struct ea_instance *inst;
	struct completion done;
	unsigned int seed;
	unsigned int errors;
	unsigned int allocs;
};

/* Each thread fills its allocations with its own byte and checks them. */
static int ea_test_thread(void *data)
{
	struct ea_thread *th = data;
	struct ea_alloc_info a;
	int ids[32] = {};
	u64 rng = th->seed;
	u8 pat = th->seed, buf[64];
	unsigned int i, k;

	for (i = 0; i < EA_THREAD_OPS; i++) {
		u64 r = ea_test_rand(&rng);
		u64 size = 1 + (r >> 8) % 64;

		k = r % ARRAY_SIZE(ids);
		if (ids[k]) {
			if (ea_read(th->inst, ids[k], 0, buf, 1) || buf[0] != pat)
				th->errors++;
			if (ea_free(th->inst, ids[k], 0, NULL))
				th->errors++;
			ids[k] = 0;
		} else if (!ea_alloc(th->inst, size, th->seed, &a)) {
			memset(buf, pat, sizeof(buf));
			if (ea_write(th->inst, a.id, 0, buf, size))
				th->errors++;
			ids[k] = a.id;
			th->allocs++;
		}
		if (!(i % 64))
			cond_resched();
	}
	for (k = 0; k < ARRAY_SIZE(ids); k++)
		if (ids[k] && ea_free(th->inst, ids[k], 0, NULL))
			th->errors++;
	/* Never return into this module's text: it may be unloaded by then. */
	kthread_complete_and_exit(&th->done, 0);
}

/*
 * EA_THREADS kthreads allocate and free at once on @inst; then every count
 * must add up and the instance must be whole. Shared with the per-CPU suite.
 */
static void ea_test_run_threads(struct kunit *test, struct ea_instance *inst,
				const char *name)
{
	struct ea_thread *th;
	struct task_struct *task;
	struct ea_stats st;
	unsigned int i, allocs = 0;

	th = kunit_kcalloc(test, EA_THREADS, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	for (i = 0; i < EA_THREADS; i++) {
		th[i].inst = inst;
		th[i].seed = i + 1;
		init_completion(&th[i].done);
		task = kthread_run(ea_test_thread, &th[i], "%s/%u", name, i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	for (i = 0; i < EA_THREADS; i++) {
		wait_for_completion(&th[i].done);
		KUNIT_EXPECT_EQ(test, th[i].errors, 0);
		allocs += th[i].allocs;
	}
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.allocs, allocs);
	KUNIT_EXPECT_EQ(test, st.frees, allocs);
	KUNIT_EXPECT_EQ(test, st.live_allocs, 0);
	KUNIT_EXPECT_EQ(test, st.live_requested, 0);
	KUNIT_EXPECT_EQ(test, st.corruptions, 0);
	ea_test_valid(test, inst);
}

static void ea_test_threads(struct kunit *test)
{
	struct ea_test *t = test->priv;

	ea_test_run_threads(test, t->inst, "ea_test");
}

/* An instance whose reallocations stay in place when they can. */
static struct ea_instance *ea_test_in_place(struct kunit *test, bool debug)
{
	struct ea_params p = {
		.capacity = EA_TEST_CAP,
		.debug = debug,
		.realloc_in_place = true,
	};

	return ea_test_create_with(test, &p);
}

/*
 * Realloc in place: the same class keeps the place (a new ID, the old one
 * freed, the contents kept, what it gains zeroed); a block grows into its
 * free buddy and gives back its tail; another class moves.
 */
static void ea_test_realloc_in_place(struct kunit *test)
{
	struct ea_instance *inst = ea_test_in_place(test, true);
	struct ea_alloc_info a, b, c;
	struct ea_stats st;
	u8 *mem;
	int i;

	ea_test_alloc(test, inst, 100, &a);
	mem = ea_test_mem(test, inst, &a);
	memset(mem, 0x5a, 100);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 120, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, b.id, a.id + 1);
	KUNIT_EXPECT_EQ(test, b.size, 120);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_free(inst, a.id, 0, NULL), -EALREADY);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, mem[i], 0x5a);
	for (i = 100; i < 120; i++)
		KUNIT_EXPECT_EQ(test, mem[i], 0);
	ea_test_valid(test, inst);

	/* Shrink in place: the new red zone is checked at the free. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, b.id, 70, 0, &c), 0);
	KUNIT_EXPECT_EQ(test, c.offset, a.offset);
	KUNIT_EXPECT_EQ(test, mem[69], 0x5a);
	KUNIT_EXPECT_EQ(test, mem[70], EA_RED_ZONE);
	ea_test_valid(test, inst);
	ea_get_stats(inst, &st);
	KUNIT_EXPECT_EQ(test, st.reallocs, 2);
	KUNIT_EXPECT_EQ(test, st.allocs, 3);
	KUNIT_EXPECT_EQ(test, st.frees, 2);
	KUNIT_EXPECT_EQ(test, st.live_requested, 70);
	KUNIT_EXPECT_EQ(test, st.cls[4].waste, 128 - 70);

	/* Another class: it moves, as before. */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, 200, 0, &b), 0);
	KUNIT_EXPECT_NE(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);

	/* A block of 8 KiB grows into its free buddy, then gives back 12 KiB. */
	inst = ea_test_in_place(test, true);
	ea_test_alloc(test, inst, 5000, &a);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(a.offset, 4 * PAGE_SIZE));
	mem = ea_test_mem(test, inst, &a);
	memset(mem, 0x33, 5000);
	ea_get_stats(inst, &st);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 3 * PAGE_SIZE, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, b.class_size, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mem[4999], 0x33);
	KUNIT_EXPECT_EQ(test, mem[5000], 0);
	ea_test_valid(test, inst);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, b.id, 1000, 0, &c), 0);
	KUNIT_EXPECT_NE(test, c.offset, a.offset);	/* a slab class: moved */
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, PAGE_SIZE, 0, &b), 0);
	ea_test_valid(test, inst);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, b.id, 3 * PAGE_SIZE, 0, &c), 0);
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, c.id, PAGE_SIZE, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.offset, c.offset);
	KUNIT_EXPECT_EQ(test, b.class_size, PAGE_SIZE);
	ea_test_valid(test, inst);

	/* Large: the same page-rounded size keeps the area (and a new offset). */
	ea_test_alloc(test, inst, 300000, &a);
	mem = ea_test_mem(test, inst, &a);
	mem[299999] = 0x77;
	KUNIT_ASSERT_EQ(test, ea_realloc(inst, a.id, 300100, 0, &b), 0);
	KUNIT_EXPECT_PTR_EQ(test, ea_test_mem(test, inst, &b), mem);
	KUNIT_EXPECT_EQ(test, mem[299999], 0x77);
	KUNIT_EXPECT_EQ(test, mem[300000], 0);
	ea_test_valid(test, inst);
}

/* A pending realloc in place, taken back: everything as before. */
static void ea_test_realloc_in_place_abort(struct kunit *test)
{
	struct ea_instance *inst = ea_test_in_place(test, true);
	struct ea_test_snap *s0, *s1;
	struct ea_alloc_info a, b, c;
	struct ea_txn txn;
	u8 *mem;

	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1);
	ea_test_alloc(test, inst, 100, &a);
	mem = ea_test_mem(test, inst, &a);
	memset(mem, 0x5a, 100);
	ea_test_snap(inst, s0);
	KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, a.id, 70, 0, &b, &txn), 0);
	KUNIT_EXPECT_EQ(test, b.offset, a.offset);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, NULL), -EALREADY);
	KUNIT_EXPECT_EQ(test, ea_abort(inst, &txn), 0);
	ea_test_snap(inst, s1);
	ea_test_same(test, s0, s1);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, a.id, &c), 0);
	KUNIT_EXPECT_EQ(test, c.size, 100);
	KUNIT_EXPECT_EQ(test, mem[99], 0x5a);
	KUNIT_EXPECT_EQ(test, mem[100], EA_RED_ZONE);
	ea_test_valid(test, inst);

	/* Committed, it is as ea_realloc() makes it. */
	KUNIT_ASSERT_EQ(test, ea_realloc_begin(inst, a.id, 70, 0, &b, &txn), 0);
	ea_commit(inst, &txn);
	KUNIT_EXPECT_EQ(test, ea_lookup_id(inst, b.id, &c), 0);
	KUNIT_EXPECT_EQ(test, c.size, 70);
	KUNIT_EXPECT_EQ(test, mem[70], EA_RED_ZONE);
	ea_test_valid(test, inst);
	KUNIT_EXPECT_EQ(test, ea_free(inst, b.id, 0, NULL), 0);
	ea_get_stats(inst, &s1->st);
	KUNIT_EXPECT_EQ(test, s1->st.corruptions, 0);
	ea_test_valid(test, inst);
}

/*
 * The fast path (no listener wanting the events, checks and timing off)
 * and the general path make the same decisions: the same script gives the
 * same IDs, offsets and statistics on both.
 */
static void ea_test_fast_path(struct kunit *test)
{
	/* the fast instance keeps no times, and refused a free the slow one did not see */
	static const char * const timing_and_errors[] = {
		"alloc_ns", "free_ns", "errors", NULL,
	};
	static const unsigned long errors_only = BIT(EA_EV_ERROR);
	struct ea_test *t = test->priv;
	struct ea_params p = { .capacity = EA_TEST_CAP, .quiet = true };
	struct ea_instance *slow, *fast;
	struct ea_alloc_info a, b;
	struct ea_stats *s1, *s2;
	u64 rng = 42;
	int ids[64] = {};
	int i, n;

	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	s2 = kunit_kzalloc(test, sizeof(*s2), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s1 && s2);
	p.notify = ea_test_notify;
	p.priv = t;
	slow = ea_create(&p, NULL);		/* every event wanted */
	p.events = &errors_only;
	fast = ea_create(&p, NULL);
	KUNIT_ASSERT_TRUE(test, slow && fast);
	ea_test_clear_events(t);
	for (n = 0; n < 2000; n++) {
		u64 r = ea_test_rand(&rng);

		i = r % 64;
		if (ids[i]) {
			KUNIT_ASSERT_EQ(test, ea_free(slow, ids[i], 0, &a), 0);
			KUNIT_ASSERT_EQ(test, ea_free(fast, ids[i], 0, &b), 0);
			ids[i] = 0;
		} else {
			u64 size = 1 + (r >> 8) % (r & 128 ? 2048 : 64);

			KUNIT_ASSERT_EQ(test, ea_alloc(slow, size, 3, &a), 0);
			KUNIT_ASSERT_EQ(test, ea_alloc(fast, size, 3, &b), 0);
			ids[i] = a.id;
		}
		KUNIT_ASSERT_EQ(test, a.id, b.id);
		KUNIT_ASSERT_EQ(test, a.offset, b.offset);
		KUNIT_ASSERT_EQ(test, a.size, b.size);
		KUNIT_ASSERT_EQ(test, a.owner, b.owner);
		KUNIT_ASSERT_EQ(test, a.cls, b.cls);
		KUNIT_ASSERT_EQ(test, a.class_size, b.class_size);
	}
	/* Every small size: the same class (the fast path computes its own). */
	for (n = 1; n <= PAGE_SIZE; n++) {
		KUNIT_ASSERT_EQ(test, ea_alloc(slow, n, 5, &a), 0);
		KUNIT_ASSERT_EQ(test, ea_alloc(fast, n, 5, &b), 0);
		KUNIT_ASSERT_EQ(test, b.cls, ea_class_of(n));
		KUNIT_ASSERT_EQ(test, a.offset, b.offset);
		KUNIT_ASSERT_EQ(test, ea_free(slow, a.id, 0, &a), 0);
		KUNIT_ASSERT_EQ(test, ea_free(fast, b.id, 0, &b), 0);
		KUNIT_ASSERT_EQ(test, a.offset, b.offset);
		KUNIT_ASSERT_EQ(test, b.owner, 5);
		KUNIT_ASSERT_EQ(test, b.size, n);
	}
	/* The fast instance told its listener nothing (no errors either). */
	KUNIT_EXPECT_GT(test, t->events[EA_EV_ALLOC], 0);
	KUNIT_EXPECT_EQ(test, ea_free(fast, ids[0] ? -1 : -2, 0, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, t->refused[EA_ERR_UNKNOWN_ID], 1);
	ea_get_stats(slow, s1);
	ea_get_stats(fast, s2);
	ea_test_same_stats(test, s1, s2, timing_and_errors);
	ea_test_valid(test, slow);
	ea_test_valid(test, fast);
	ea_destroy(slow);
	ea_destroy(fast);
}

static struct kunit_case edualloc_engine_cases[] = {
	KUNIT_CASE(ea_test_basic),
	KUNIT_CASE(ea_test_errors),
	KUNIT_CASE(ea_test_create_params),
	KUNIT_CASE(ea_test_determinism),
	KUNIT_CASE(ea_test_realloc),
	KUNIT_CASE(ea_test_realloc_in_place),
	KUNIT_CASE(ea_test_realloc_in_place_abort),
	KUNIT_CASE(ea_test_fast_path),
	KUNIT_CASE(ea_test_events),
	KUNIT_CASE(ea_test_leaks),
	KUNIT_CASE(ea_test_fault_injection),
	KUNIT_CASE(ea_test_abort),
	KUNIT_CASE(ea_test_threads),
	KUNIT_CASE_SLOW(ea_test_stress),
	{}
};

EA_TEST_SUITE(engine);
