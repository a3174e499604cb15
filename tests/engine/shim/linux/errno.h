/* SPDX-License-Identifier: GPL-2.0 */
/* glibc includes <linux/errno.h> too: pass straight through. */
#include_next <linux/errno.h>
