/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU on the shim's one CPU: a fast path's section is its local_lock, so
 * nobody can be in one while the caller waits; freeing at once is safe.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/slab.h>

#define synchronize_rcu()		shim_might_sleep()
#define kvfree_rcu_mightsleep(p)	do { shim_might_sleep(); kvfree(p); } while (0)

#endif
