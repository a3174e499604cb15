/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's <uapi/linux/edualloc.h> (the engine takes its lists from
 * it), found through the shim's include path. In userspace the header's
 * layout checks bring <assert.h>, whose static_assert wants a message:
 * the kernel's, which does not, is put back after it.
 */
#ifndef _SHIM_UAPI_LINUX_EDUALLOC_H
#define _SHIM_UAPI_LINUX_EDUALLOC_H

#include "../../../../../include/uapi/linux/edualloc.h"
#include <linux/build_bug.h>
#undef static_assert
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)

#endif
