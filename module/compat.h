/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels edualloc builds on (5.15 to 6.12) go
 * here, each as a helper with the newest kernel's behaviour.
 *
 * There are none at present: the device keeps to interfaces that are the
 * same across the range, on purpose. In particular it does not write
 * vma->vm_flags (read-only since 6.3, vm_flags_set()/vm_flags_clear()
 * there): mmap refuses VM_EXEC itself and a vm_operations_struct
 * .mprotect hook (5.11 and later) refuses PROT_EXEC later, instead of
 * clearing VM_MAYEXEC; and remap_vmalloc_range() sets the flags it needs.
 * Others it relies on: compat_ptr_ioctl (5.5), kvcalloc, strscpy,
 * misc_register with .mode, remap_vmalloc_range, static_assert.
 *
 * Prefer testing for a feature over LINUX_VERSION_CODE, which checkpatch
 * warns about (and `make checkpatch` must stay clean).
 */
#ifndef _EDUALLOC_COMPAT_H
#define _EDUALLOC_COMPAT_H

#endif /* _EDUALLOC_COMPAT_H */
