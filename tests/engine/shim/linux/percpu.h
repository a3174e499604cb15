/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data on a machine of one CPU: a single copy, which every thread
 * shares (its local_lock makes them take turns, as a CPU would).
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include <linux/slab.h>

#define alloc_percpu_gfp(type, gfp)	((type *)kzalloc(sizeof(type), (gfp)))
#define free_percpu(p)			kfree(p)
#define this_cpu_ptr(p)			(p)
#define per_cpu_ptr(p, cpu)		((void)(cpu), (p))
#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < 1; (cpu)++)
#define num_possible_cpus()		1U

#endif
