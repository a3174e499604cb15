// SPDX-License-Identifier: GPL-2.0
/*
 * The device calls libedualloc and the CLI share (see eadev.h).
 */
#include "eadev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int eadev_ioctl(int fd, unsigned long cmd, void *arg)
{
	int saved = errno, ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	ret = ret < 0 ? -errno : 0;
	errno = saved;
	return ret;
}

int eadev_open(struct edualloc_version *v)
{
	int saved = errno;
	int fd = open(EDUALLOC_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fd = -errno;
		errno = saved;
		return fd;
	}
	memset(v, 0, sizeof(*v));
	int err = eadev_ioctl(fd, EDUALLOC_IOC_VERSION, v);

	if (!err && v->abi_version != EDUALLOC_ABI_VERSION)
		err = -EPROTO;
	if (err) {
		close(fd);
		errno = saved;
		return err;
	}
	return fd;
}

void *eadev_map(int fd, uint64_t offset, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);

	return p == MAP_FAILED ? NULL : p;
}

int eadev_stats(int fd, struct edualloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	return eadev_ioctl(fd, EDUALLOC_IOC_STATS, st);
}

int eadev_lookup_id(int fd, int id, struct edualloc_alloc_info *info)
{
	struct edualloc_lookup l = { .id = id, .flags = EDUALLOC_LOOKUP_BY_ID };
	int err = eadev_ioctl(fd, EDUALLOC_IOC_LOOKUP, &l);

	if (!err)
		*info = l.info;
	return err;
}

int eadev_free_id(int fd, int id)
{
	struct edualloc_free f = { .id = id, .flags = EDUALLOC_FREE_BY_ID };

	return eadev_ioctl(fd, EDUALLOC_IOC_FREE, &f);
}
