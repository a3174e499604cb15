/* SPDX-License-Identifier: GPL-2.0 */
/*
 * local_lock on the shim's one CPU: every per-CPU section, whatever its
 * lock, holds the CPU (one mutex), as preempt_disable() on a single CPU
 * would; nothing may sleep in one. synchronize_rcu() waits for it.
 */
#ifndef _SHIM_LINUX_LOCAL_LOCK_H
#define _SHIM_LINUX_LOCAL_LOCK_H

#include <pthread.h>
#include "../shim.h"

typedef struct {
	int unused;
} local_lock_t;

extern pthread_mutex_t shim_cpu_lock;

#define local_lock_init(l)	((void)(l))
#ifdef SHIM_FAST_LOCKS
/* For the benchmarks (one thread): preempt_disable(), a count. */
#define local_lock(l)		((void)(l), shim_atomic_depth++)
#define local_unlock(l)		((void)(l), shim_atomic_depth--)
#else
#define local_lock(l)							\
	do {								\
		(void)(l);						\
		pthread_mutex_lock(&shim_cpu_lock);			\
		shim_atomic_depth++;					\
	} while (0)
#define local_unlock(l)							\
	do {								\
		(void)(l);						\
		shim_atomic_depth--;					\
		pthread_mutex_unlock(&shim_cpu_lock);			\
	} while (0)
#endif /* SHIM_FAST_LOCKS */

#endif
