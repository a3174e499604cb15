/* SPDX-License-Identifier: GPL-2.0 */
/* For the lab-4 policy file in userspace: a module parameter is a global. */
#ifndef _LAB_SHIM_MODULEPARAM_H
#define _LAB_SHIM_MODULEPARAM_H
#define module_param(name, type, perm)	unsigned int *lab_policy_param = &(name)
#define MODULE_PARM_DESC(name, desc)
#ifndef READ_ONCE
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#endif
#endif
