/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <stddef.h>
#include <string.h>

/* The first byte of [s, s + n) that is not c, or NULL (in shim.c). */
void *memchr_inv(const void *s, int c, size_t n);

#endif
