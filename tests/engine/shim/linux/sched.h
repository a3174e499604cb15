/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <sched.h>

#define cond_resched()	sched_yield()
/* The shim never preempts: there is never a reason to let a lock go. */
static inline int cond_resched_lock(void *lock)
{
	(void)lock;
	return 0;
}

/* One CPU: a task never migrates. */
#define migrate_disable()	do { } while (0)
#define migrate_enable()	do { } while (0)

#endif
