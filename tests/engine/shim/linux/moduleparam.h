/* SPDX-License-Identifier: GPL-2.0 */
/* Module parameters in userspace: plain globals the tests may set. */
#ifndef _SHIM_LINUX_MODULEPARAM_H
#define _SHIM_LINUX_MODULEPARAM_H

#define module_param(name, type, perm) \
	__typeof__(name) *shim_param_##name = &(name)
#define MODULE_PARM_DESC(name, desc)

#endif
