// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the edualloc engine: one suite per chapter of the engine
 * (edualloc_kunit_<chapter>.c), compiled as one unit, with the shared
 * fixture and helpers in edualloc_kunit.h.
 *
 * The same files build in userspace against tests/engine/shim, where they
 * run under AddressSanitizer and UndefinedBehaviorSanitizer. In the kernel
 * they need 5.17 or later (kthread_complete_and_exit()).
 */

#include "edualloc_kunit.h"

#include "edualloc_kunit_classes.c"
#include "edualloc_kunit_slab.c"
#include "edualloc_kunit_buddy.c"
#include "edualloc_kunit_large.c"
#include "edualloc_kunit_idmap.c"
#include "edualloc_kunit_debug.c"
#include "edualloc_kunit_stats.c"
#include "edualloc_kunit_bitset.c"
#include "edualloc_kunit_policy.c"
#include "edualloc_kunit_api.c"
#include "edualloc_kunit_percpu.c"

kunit_test_suites(&edualloc_classes_suite, &edualloc_slab_suite,
		  &edualloc_buddy_suite, &edualloc_large_suite,
		  &edualloc_idmap_suite, &edualloc_debug_suite,
		  &edualloc_stats_suite, &edualloc_bitset_suite,
		  &edualloc_policy_suite, &edualloc_engine_suite,
		  &edualloc_percpu_suite);

MODULE_DESCRIPTION("KUnit tests for the edualloc allocator engine");
MODULE_LICENSE("GPL");
