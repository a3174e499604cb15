/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device calls libedualloc and the edualloc CLI both make: opening
 * /dev/edualloc (with the ABI check), ioctls, mappings, the common
 * requests. Internal to libedualloc and the CLI: the shared library does
 * not export these names.
 *
 * Every function that can fail returns 0 (or a file descriptor) or a
 * negative errno, and leaves errno as it found it unless it says so.
 */
#ifndef EDUALLOC_EADEV_H
#define EDUALLOC_EADEV_H

#include <stddef.h>
#include <stdint.h>
#include <linux/edualloc.h>

/*
 * Open the device read-write and ask its VERSION (in *v): the file
 * descriptor, or -errno: from open() (ENOENT: no device, is the module
 * loaded?), from VERSION (ENOTTY: not an edualloc device), or -EPROTO when
 * the module speaks another ABI version (v->abi_version says which).
 */
int eadev_open(struct edualloc_version *v);
/* ioctl(), again after EINTR: 0 or -errno. */
int eadev_ioctl(int fd, unsigned long cmd, void *arg);
/* mmap(MAP_SHARED, read-write) of [offset, offset + len): NULL with errno set. */
void *eadev_map(int fd, uint64_t offset, size_t len);

int eadev_stats(int fd, struct edualloc_stats *st);
int eadev_lookup_id(int fd, int id, struct edualloc_alloc_info *info);
int eadev_free_id(int fd, int id);

#endif
