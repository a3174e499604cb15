// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test, never shipped: a module with a planted heap
 * out-of-bounds write. KASAN must report it (or KFENCE, when its sampling
 * picked that object) and the harness must go red.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int plant_index = 16;
module_param(plant_index, int, 0444);

static int __init plant_oob_init(void)
{
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	p[plant_index] = 'x';	/* one past the end: the planted bug */
	kfree(p);
	return 0;
}

static void __exit plant_oob_exit(void)
{
}

module_init(plant_oob_init);
module_exit(plant_oob_exit);
MODULE_DESCRIPTION("edualloc harness self-test: planted out-of-bounds write");
MODULE_LICENSE("GPL");
