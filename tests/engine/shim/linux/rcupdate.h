/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU on the shim's one CPU: a read-side section is a local_lock section
 * (linux/local_lock.h), so a grace period is waiting for the CPU once.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/local_lock.h>
#include <linux/slab.h>

#define synchronize_rcu()						\
	do {								\
		shim_might_sleep();					\
		pthread_mutex_lock(&shim_cpu_lock);			\
		pthread_mutex_unlock(&shim_cpu_lock);			\
	} while (0)
#define kvfree_rcu_mightsleep(p)					\
	do {								\
		synchronize_rcu();					\
		kvfree(p);						\
	} while (0)

#endif
