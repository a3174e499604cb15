/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels edualloc builds on (5.15 to 6.12), in
 * one place. Each helper has the newest kernel's behaviour.
 */
#ifndef _EDUALLOC_COMPAT_H
#define _EDUALLOC_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

/* vma->vm_flags became read-only in 6.3; vm_flags_clear() replaced writes. */
static inline void ea_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

#endif /* _EDUALLOC_COMPAT_H */
