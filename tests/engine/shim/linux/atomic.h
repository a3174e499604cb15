/* SPDX-License-Identifier: GPL-2.0 */
/* The few atomics and barriers the engine uses, over the compiler's builtins. */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#define cmpxchg(ptr, old, new) \
	__sync_val_compare_and_swap((ptr), (old), (new))
#define smp_store_release(ptr, v) \
	__atomic_store_n((ptr), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(ptr) \
	__atomic_load_n((ptr), __ATOMIC_ACQUIRE)

#endif
