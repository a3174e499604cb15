/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels edualloc builds on (5.15 to 6.12) go
 * here, each as a helper with the newest kernel's behaviour.
 *
 * The device keeps to interfaces that are the same across the range where
 * it can: mmap refuses VM_EXEC itself and a vm_operations_struct .mprotect
 * hook (5.11 and later) refuses PROT_EXEC later, instead of clearing
 * VM_MAYEXEC. Others it relies on: compat_ptr_ioctl (5.5), kvcalloc,
 * strscpy, misc_register with .mode, vm_insert_page, vmalloc_to_page,
 * __vmalloc with gfp flags (5.8), static_assert.
 *
 * Prefer testing for a feature over LINUX_VERSION_CODE, which checkpatch
 * warns about (`make checkpatch` waives it for this file only).
 */
#ifndef _EDUALLOC_COMPAT_H
#define _EDUALLOC_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

/*
 * vma->vm_flags became read-only in 6.3, written through vm_flags_set()
 * (which also asserts that mmap_lock is held for writing). Nothing to
 * test for: both are plain functions or fields, so the version it is.
 */
static inline void ea_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * vm_insert_pages() (5.8) maps a batch of pages under one page-table lock;
 * it reports the pages left over in *num. All or an error here.
 */
static inline int ea_vm_insert_pages(struct vm_area_struct *vma, unsigned long addr,
				     struct page **pages, unsigned long n)
{
	unsigned long left = n;
	int ret = vm_insert_pages(vma, addr, pages, &left);

	return ret ?: (left ? -EFAULT : 0);
}

#endif /* _EDUALLOC_COMPAT_H */
