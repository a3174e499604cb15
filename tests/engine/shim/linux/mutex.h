/* SPDX-License-Identifier: GPL-2.0 */
/* A mutex that knows its owner, so that lockdep_assert_held() can check. */
#ifndef _SHIM_LINUX_MUTEX_H
#define _SHIM_LINUX_MUTEX_H

#include <pthread.h>
#include <linux/kernel.h>

struct mutex {
	pthread_mutex_t m;
	pthread_t owner;
	int held;
};

static inline void mutex_init(struct mutex *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->held = 0;
}

static inline void mutex_destroy(struct mutex *lock)
{
	WARN_ON(lock->held);
	pthread_mutex_destroy(&lock->m);
}

static inline void mutex_lock(struct mutex *lock)
{
	WARN_ON(lock->held && pthread_equal(lock->owner, pthread_self()));
	pthread_mutex_lock(&lock->m);
	lock->owner = pthread_self();
	lock->held = 1;
}

static inline void mutex_unlock(struct mutex *lock)
{
	WARN_ON(!lock->held || !pthread_equal(lock->owner, pthread_self()));
	lock->held = 0;
	pthread_mutex_unlock(&lock->m);
}

#ifndef lockdep_assert_held
#define lockdep_assert_held(l) \
	WARN_ON(!(l)->held || !pthread_equal((l)->owner, pthread_self()))
#endif

#endif
