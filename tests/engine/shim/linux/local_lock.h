/* SPDX-License-Identifier: GPL-2.0 */
/* A local_lock on the shim's one CPU: a spinlock (nothing may sleep under it). */
#ifndef _SHIM_LINUX_LOCAL_LOCK_H
#define _SHIM_LINUX_LOCAL_LOCK_H

#include <linux/spinlock.h>

typedef spinlock_t local_lock_t;

#define local_lock_init(l)	spin_lock_init(l)
#define local_lock(l)		spin_lock(l)
#define local_unlock(l)		spin_unlock(l)

#endif
