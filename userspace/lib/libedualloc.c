// SPDX-License-Identifier: GPL-2.0
/*
 * libedualloc: the seed's allocator API over a private instance of
 * /dev/edualloc.
 *
 * How it works, in four lines:
 *   allocator_create   open the device, CREATE a private instance, mmap its arena
 *   allocator_malloc   ALLOC; a small block is at arena + offset, a large one
 *                      gets its own mmap at the offset ALLOC returned
 *   allocator_free     FREE by offset (small) or by ID and offset (large)
 *   allocator_destroy  unmap everything and close: the kernel destroys the instance
 *
 * The kernel keeps all the allocator's bookkeeping. All this file remembers
 * is where it mapped things: the arena, and one mapping per large block.
 */
#include "edualloc.h"
#include "eadev.h"
#include "report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/edualloc.h>

/* A large allocation and the mapping that shows it to us. */
struct large_block {
	int id;
	uint64_t offset;	/* its offset in the instance (= mmap offset) */
	unsigned char *addr;	/* where we mapped it */
	size_t len;		/* mapping length: its page-rounded size */
};

struct allocator {
	int fd;			/* the open device file: it owns the instance */
	unsigned char *arena;	/* the arena, mapped: small blocks live here */
	size_t capacity;	/* arena bytes */
	struct large_block *large;	/* live large blocks, unordered */
	size_t nr_large;
	size_t max_large;	/* room in 'large' */
};

/* Our functions' convention: 0, or -1 with errno set (as ioctl() does). */
static int set_errno(int err)
{
	if (!err)
		return 0;
	errno = -err;
	return -1;
}

static int dev_ioctl(const allocator_t *a, unsigned long cmd, void *arg)
{
	return set_errno(eadev_ioctl(a->fd, cmd, arg));
}

/* Is p inside the arena? Then *offset is its offset there. */
static bool in_arena(const allocator_t *a, const void *p, uint64_t *offset)
{
	uintptr_t start = (uintptr_t)a->arena, addr = (uintptr_t)p;

	if (addr < start || addr - start >= a->capacity)
		return false;
	*offset = addr - start;
	return true;
}

/* The large block that starts at p, or NULL. */
static struct large_block *find_large(const allocator_t *a, const void *p)
{
	for (size_t i = 0; i < a->nr_large; i++)
		if (a->large[i].addr == p)
			return &a->large[i];
	return NULL;
}

static struct large_block *find_large_id(const allocator_t *a, int id)
{
	for (size_t i = 0; i < a->nr_large; i++)
		if (a->large[i].id == id)
			return &a->large[i];
	return NULL;
}

static void forget_large(allocator_t *a, struct large_block *b)
{
	munmap(b->addr, b->len);
	*b = a->large[--a->nr_large];	/* order does not matter */
}

/* Map the large block 'info' describes and remember it; NULL on failure. */
static void *map_large(allocator_t *a, const struct edualloc_alloc_info *info)
{
	if (a->nr_large == a->max_large) {
		size_t max = a->max_large ? 2 * a->max_large : 8;
		struct large_block *more = realloc(a->large, max * sizeof(*more));

		if (!more)
			return NULL;
		a->large = more;
		a->max_large = max;
	}
	void *addr = eadev_map(a->fd, info->offset, info->class_size);

	if (!addr)
		return NULL;
	a->large[a->nr_large++] = (struct large_block){
		.id = info->id, .offset = info->offset, .addr = addr, .len = info->class_size,
	};
	return addr;
}

/* Give back an allocation we cannot use, keeping the caller's errno. */
static void undo_alloc(allocator_t *a, int id)
{
	eadev_free_id(a->fd, id);	/* errno untouched */
}

/* The user's pointer for an allocation the kernel just described. */
static void *pointer_for(allocator_t *a, const struct edualloc_alloc_info *info)
{
	if (info->cls != EDUALLOC_CLASS_LARGE) {
		if (info->offset >= a->capacity) {	/* cannot happen; never trust blindly */
			errno = EPROTO;
			return NULL;
		}
		return a->arena + info->offset;
	}
	struct large_block *b = find_large_id(a, info->id);

	return b ? b->addr : map_large(a, info);
}

allocator_t *allocator_create(size_t capacity, int use_bitset)
{
	if (capacity == 0) {
		errno = EINVAL;
		return NULL;
	}
	allocator_t *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	struct edualloc_version v;

	a->fd = eadev_open(&v);	/* EPROTO: a module of another ABI version */
	if (a->fd < 0) {
		set_errno(a->fd);
		goto fail_free;
	}

	/* Friendlier than the seed: too small a capacity gets the minimum. */
	struct edualloc_create c = { .capacity = capacity };	/* name "": private */

	if (c.capacity < v.min_capacity)
		c.capacity = v.min_capacity;
	/* Reallocs that stay in place when they can, where the module can. */
	if (v.features & EDUALLOC_FEAT_REALLOC_IN_PLACE)
		c.flags |= EDUALLOC_CREATE_REALLOC_IN_PLACE;
	if (use_bitset) {	/* as the seed: one bit per byte of capacity */
		uint64_t bits = c.capacity;

		c.bitset_bits = bits < v.max_bitset_bits ? (uint32_t)bits : v.max_bitset_bits;
	}
	if (dev_ioctl(a, EDUALLOC_IOC_CREATE, &c) < 0)
		goto fail_close;

	a->capacity = c.info.capacity;
	a->arena = eadev_map(a->fd, 0, a->capacity);
	if (!a->arena)
		goto fail_close;	/* closing destroys the private instance */
	return a;

fail_close: {
		int saved = errno;

		close(a->fd);
		errno = saved;
	}
fail_free:
	free(a);
	return NULL;
}

void allocator_destroy(allocator_t *alloc)
{
	if (!alloc)
		return;
	int saved = errno;

	while (alloc->nr_large)
		forget_large(alloc, &alloc->large[0]);
	free(alloc->large);
	munmap(alloc->arena, alloc->capacity);
	close(alloc->fd);	/* the last close destroys the private instance */
	free(alloc);
	errno = saved;
}

void *allocator_malloc(allocator_t *alloc, size_t size)
{
	if (!alloc) {
		errno = EINVAL;
		return NULL;
	}
	struct edualloc_alloc req = { .size = size };

	if (dev_ioctl(alloc, EDUALLOC_IOC_ALLOC, &req) < 0)
		return NULL;	/* EINVAL for 0 bytes, ENOMEM, E2BIG, ENOSPC */

	void *p = pointer_for(alloc, &req.info);

	if (!p)
		undo_alloc(alloc, req.info.id);
	return p;
}

void *allocator_calloc(allocator_t *alloc, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = allocator_malloc(alloc, nmemb * size);

	/* A reused slot holds old data or poison: zero it, as calloc must. */
	if (p)
		memset(p, 0, nmemb * size);
	return p;
}

int allocator_free(allocator_t *alloc, void *ptr)
{
	if (!alloc) {
		errno = EINVAL;
		return -1;
	}
	if (!ptr)
		return 0;	/* free(NULL) does nothing */

	struct edualloc_free f = { 0 };
	struct large_block *b = NULL;
	uint64_t offset;

	if (in_arena(alloc, ptr, &offset)) {
		f.offset = offset;
		f.flags = EDUALLOC_FREE_BY_OFFSET;
	} else {
		b = find_large(alloc, ptr);
		if (!b) {
			errno = EINVAL;	/* not a pointer we handed out */
			return -1;
		}
		f.id = b->id;
		f.offset = b->offset;
		f.flags = EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET;
	}
	if (dev_ioctl(alloc, EDUALLOC_IOC_FREE, &f) < 0)
		return -1;	/* e.g. EINVAL or EALREADY: a double free, caught */
	if (b)
		forget_large(alloc, b);
	return 0;
}

int allocator_get_id(allocator_t *alloc, const void *ptr)
{
	if (!alloc || !ptr) {
		errno = EINVAL;
		return -1;
	}
	struct edualloc_lookup l = { .flags = EDUALLOC_LOOKUP_BY_OFFSET };
	uint64_t offset;

	if (in_arena(alloc, ptr, &offset)) {
		l.offset = offset;
	} else {
		struct large_block *b = find_large(alloc, ptr);

		if (!b) {
			errno = EINVAL;
			return -1;
		}
		l.offset = b->offset;
	}
	if (dev_ioctl(alloc, EDUALLOC_IOC_LOOKUP, &l) < 0)
		return -1;	/* ENOENT: no live block there */
	if (l.info.offset != l.offset) {
		errno = EINVAL;	/* inside a block, but not its first byte */
		return -1;
	}
	return l.info.id;
}

void *allocator_get_ptr(allocator_t *alloc, int id)
{
	if (!alloc) {
		errno = EINVAL;
		return NULL;
	}
	struct edualloc_alloc_info info;

	if (set_errno(eadev_lookup_id(alloc->fd, id, &info)))
		return NULL;	/* ENOENT: never issued; EALREADY: freed */
	return pointer_for(alloc, &info);
}

void *allocator_realloc(allocator_t *alloc, void *ptr, size_t size)
{
	if (!ptr)
		return allocator_malloc(alloc, size);
	if (size == 0) {
		allocator_free(alloc, ptr);
		return NULL;
	}
	int id = allocator_get_id(alloc, ptr);

	if (id < 0)
		return NULL;

	/* The kernel moves the block and copies the contents itself. */
	struct edualloc_realloc r = { .id = id, .size = size };

	if (dev_ioctl(alloc, EDUALLOC_IOC_REALLOC, &r) < 0)
		return NULL;	/* the old block is untouched */

	struct large_block *old = find_large_id(alloc, id);

	if (old)
		forget_large(alloc, old);	/* the kernel freed the old block */

	void *p = pointer_for(alloc, &r.info);

	/*
	 * Mapping the new large block failed: its bytes are safe in the kernel
	 * but we cannot show them, so give it back. The old block is gone too
	 * (the kernel freed it), which is the one way this differs from C's
	 * realloc(); it takes running out of address space.
	 */
	if (!p)
		undo_alloc(alloc, r.info.id);
	return p;
}

int allocator_print_stats(allocator_t *alloc)
{
	if (!alloc) {
		errno = EINVAL;
		return -1;
	}
	struct edualloc_stats st;

	if (set_errno(eadev_stats(alloc->fd, &st)))
		return -1;
	fputc('\n', stdout);
	eau_print_stats(stdout, &st, false);
	return fflush(stdout) == EOF ? -1 : 0;
}

int allocator_set_bit(allocator_t *alloc, size_t index, int value)
{
	if (!alloc || index > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	struct edualloc_bit b = {
		.op = value ? EDUALLOC_BIT_SET : EDUALLOC_BIT_CLEAR,
		.bit = (uint32_t)index,
	};

	return dev_ioctl(alloc, EDUALLOC_IOC_BIT, &b);
}

int allocator_get_bit(allocator_t *alloc, size_t index)
{
	if (!alloc || index > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	struct edualloc_bit b = { .op = EDUALLOC_BIT_GET, .bit = (uint32_t)index };

	if (dev_ioctl(alloc, EDUALLOC_IOC_BIT, &b) < 0)
		return -1;
	return (int)b.value;
}
