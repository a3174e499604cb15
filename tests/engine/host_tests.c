// SPDX-License-Identifier: GPL-2.0
/*
 * Engine tests that only userspace can do, in the KUnit style of the main
 * suite (module/edualloc_kunit.c), which runs beside them: the shim fails
 * any kernel allocation on demand (ea_create() included, and the xarray's
 * own memory), and counts what is left allocated.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/mm.h>

#include "shim/shim.h"
#include "ea_engine.h"

#define CAP	(256 * 1024)

static struct ea_instance *new_inst(struct kunit *test, u32 bits, int *err)
{
	struct ea_params p = {
		.capacity = CAP,
		.bitset_bits = bits,
		.debug = true,
		.quiet = true,
	};

	return ea_create(&p, err);
}

/* Every allocation ea_create() makes can fail; each unwinds completely. */
static void host_create_faults(struct kunit *test)
{
	struct ea_instance *inst;
	long live = shim_live_objects;
	unsigned int n;
	int err;

	for (n = 1; n < 20; n++) {
		shim_fail_nth = n;
		err = 0;
		inst = new_inst(test, 4096, &err);
		if (inst)
			break;
		KUNIT_EXPECT_EQ(test, err, -ENOMEM);
		KUNIT_EXPECT_EQ(test, shim_live_objects, live);
	}
	shim_fail_nth = 0;
	KUNIT_ASSERT_NOT_NULL(test, inst);
	/* The instance, its page descriptors, slab_of, its arena, its bitset. */
	KUNIT_EXPECT_EQ(test, n - 1, 5);
	ea_destroy(inst);
	KUNIT_EXPECT_EQ(test, shim_live_objects, live);
}

/*
 * Fail each allocation of many operations in turn, through the shim (real
 * allocations: slab descriptors, large records and areas, the xarray's
 * growth) and through ea_fail_nth() (which also counts each ID's xarray
 * slot): every failure leaves the same statistics and a valid instance,
 * and the operation then succeeds.
 */
static void host_op_faults(struct kunit *test)
{
	struct ea_params p = { .capacity = 4 << 20, .debug = true };
	struct ea_instance *inst = ea_create(&p, NULL);
	unsigned int i, n, nlive = 0, points[2] = {};
	struct ea_stats *s0, *s1;
	struct ea_alloc_info a;
	int *live, ret;
	char why[128];
	u64 rng = 99;

	KUNIT_ASSERT_NOT_NULL(test, inst);
	s0 = kunit_kzalloc(test, sizeof(*s0), GFP_KERNEL);
	s1 = kunit_kzalloc(test, sizeof(*s1), GFP_KERNEL);
	live = kunit_kcalloc(test, 512, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, s0 && s1 && live);
	for (i = 0; i < 6000; i++) {
		unsigned int how = i & 1, cls;
		u64 size;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		if (nlive == 512 || (nlive && (rng >> 62) == 0)) {
			n = (rng >> 20) % nlive;
			KUNIT_ASSERT_EQ(test, ea_free(inst, live[n], 0, NULL), 0);
			live[n] = live[--nlive];
			continue;
		}
		size = 1 + (rng >> 33) % ((rng >> 20) % 50 ? 3000 : 400000);
		cls = ea_class_of(size);
		ea_get_stats(inst, s0);
		for (n = 1; ; n++) {
			if (how)
				ea_fail_nth(inst, n);
			else
				shim_fail_nth = n;
			ret = ea_alloc(inst, size, 0, &a);
			ea_fail_nth(inst, 0);
			shim_fail_nth = 0;
			ea_get_stats(inst, s1);
			/* Each attempt that fired counted one more KMEM error. */
			if (s1->errors[EA_ERR_KMEM] != s0->errors[EA_ERR_KMEM] + n)
				break;
			points[how]++;
			KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
			KUNIT_ASSERT_EQ(test, s1->allocs, s0->allocs);
			KUNIT_ASSERT_EQ(test, s1->pages_free, s0->pages_free);
			KUNIT_ASSERT_EQ(test, s1->large_bytes, s0->large_bytes);
			KUNIT_ASSERT_EQ(test, s1->live_requested, s0->live_requested);
			KUNIT_ASSERT_EQ(test, s1->next_id, s0->next_id);
			if (cls < EA_NR_CLASSES)
				KUNIT_ASSERT_EQ(test, s1->cls[cls].slabs,
						s0->cls[cls].slabs);
			KUNIT_ASSERT_EQ(test, ea_validate(inst, why, sizeof(why)), 0);
		}
		if (!ret)
			live[nlive++] = a.id;
		else
			KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
	}
	kunit_info(test, "%u failures injected by the shim, %u by ea_fail_nth(), all unwound\n",
		   points[0], points[1]);
	/*
	 * Mostly new slabs and large areas: a slot in a partial slab or a
	 * buddy block asks for nothing, its ID's slot being reserved ahead.
	 */
	KUNIT_EXPECT_GT(test, points[0], 50);
	KUNIT_EXPECT_GT(test, points[1], 50);
	ea_destroy(inst);
}

/* The debug checks change no decision: same IDs and offsets either way. */
static void host_debug_same_layout(struct kunit *test)
{
	struct ea_params p = { .capacity = CAP, .debug = false };
	struct ea_instance *a, *b;
	struct ea_alloc_info x, y;
	unsigned int i;
	u64 rng = 5;

	a = ea_create(&p, NULL);
	p.debug = true;
	b = ea_create(&p, NULL);
	KUNIT_ASSERT_TRUE(test, a && b);
	for (i = 0; i < 5000; i++) {
		int ra, rb;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		if ((rng >> 61) < 3 && i) {
			int id = 1 + (rng >> 20) % i;

			KUNIT_ASSERT_EQ(test, ea_free(a, id, 0, NULL),
					ea_free(b, id, 0, NULL));
			continue;
		}
		ra = ea_alloc(a, 1 + (rng >> 33) % 6000, 0, &x);
		rb = ea_alloc(b, 1 + (rng >> 33) % 6000, 0, &y);
		KUNIT_ASSERT_EQ(test, ra, rb);
		if (!ra) {
			KUNIT_ASSERT_EQ(test, x.id, y.id);
			KUNIT_ASSERT_EQ(test, x.offset, y.offset);
		}
	}
	ea_destroy(a);
	ea_destroy(b);
}

static struct kunit_case host_cases[] = {
	KUNIT_CASE(host_create_faults),
	KUNIT_CASE(host_op_faults),
	KUNIT_CASE(host_debug_same_layout),
	{}
};

static struct kunit_suite host_suite = {
	.name = "edualloc_host",
	.test_cases = host_cases,
};

kunit_test_suite(host_suite);
