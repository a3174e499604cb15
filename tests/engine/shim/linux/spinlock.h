/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A spinlock over a pthread mutex, which knows its owner (for
 * lockdep_assert_held()) and counts the spinlocks this thread holds, so
 * that anything that may sleep (kmalloc with GFP_KERNEL, vmalloc, vfree:
 * might_sleep()) aborts the test when called under one, as the kernel's
 * "BUG: sleeping function called from invalid context" would.
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <pthread.h>
#include <linux/kernel.h>
#include "../shim.h"

#ifdef SHIM_FAST_LOCKS
/*
 * For the benchmarks: a plain test-and-set spinlock, as the kernel's is on
 * one CPU without contention, with no owner tracking and no checks.
 */
typedef struct {
	int locked;
} spinlock_t;

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		;
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#ifndef lockdep_assert_held
#define lockdep_assert_held(l)	((void)(l))
#endif
#else
typedef struct {
	pthread_mutex_t m;
	pthread_t owner;
	int held;
} spinlock_t;

static inline void spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->held = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	WARN_ON(lock->held && pthread_equal(lock->owner, pthread_self()));
	pthread_mutex_lock(&lock->m);
	lock->owner = pthread_self();
	lock->held = 1;
	shim_atomic_depth++;
}

static inline void spin_unlock(spinlock_t *lock)
{
	WARN_ON(!lock->held || !pthread_equal(lock->owner, pthread_self()));
	shim_atomic_depth--;
	lock->held = 0;
	pthread_mutex_unlock(&lock->m);
}

#ifndef lockdep_assert_held
#define lockdep_assert_held(l) \
	WARN_ON(!(l)->held || !pthread_equal((l)->owner, pthread_self()))
#endif
#endif /* SHIM_FAST_LOCKS */

#endif
