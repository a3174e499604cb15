/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_LOCKDEP_H
#define _SHIM_LINUX_LOCKDEP_H

#include <linux/spinlock.h>
#include <linux/mutex.h>

#endif
