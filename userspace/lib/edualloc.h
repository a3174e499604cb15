/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libedualloc: the educational allocator's C API, served by the kernel.
 *
 * This is the API of the original userspace "educational allocator" (the
 * seed), unchanged, plus calloc and realloc. Behind it, every allocator_t
 * is a PRIVATE instance of the /dev/edualloc device: a heap of its own
 * inside the kernel module, destroyed when allocator_destroy() closes it
 * (or when the program exits).
 *
 * The pointers allocator_malloc() returns are real: the instance's arena is
 * mapped into your process with mmap(), so
 *
 *	char *p = allocator_malloc(a, 64);
 *	strcpy(p, "Hello World!");
 *
 * writes bytes of kernel memory, which the device's READ ioctl, the heap
 * map and the event log (/sys/kernel/debug/edualloc/) then show. Small
 * allocations (up to 256 KiB) live in the arena; a large one gets its own
 * mapping, exactly as the seed served large requests with mmap().
 *
 * Errors: nothing here prints or aborts. A function that fails returns NULL
 * (pointers) or -1 (ints) and sets errno, e.g. ENOMEM (no room left),
 * E2BIG (larger than the capacity), EINVAL (a pointer this allocator did
 * not hand out), EALREADY (freed twice), ENOENT (an ID never issued or no
 * device: is the module loaded?). strerror(errno) names the cause.
 *
 * An allocator_t is not thread-safe: use one per thread, or a lock.
 *
 * Build:  cc prog.c $(pkg-config --cflags --libs edualloc)
 */
#ifndef EDUALLOC_H
#define EDUALLOC_H

#include <stddef.h>
/*
 * The seed's example program included the allocator's .c file, and so got
 * <stdio.h>, <stdlib.h> and <string.h> with it. It runs against this
 * library with only its #include line changed because we include them too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One private heap in the kernel. Opaque: use the functions below. */
typedef struct allocator allocator_t;

/*
 * Create an allocator (a private device instance) whose arena holds
 * 'capacity' bytes. The capacity is rounded up to whole pages and to the
 * device's minimum (64 KiB). With use_bitset non-zero it also gets a bitset
 * of one bit per byte of capacity, as in the seed (at most 2^20 bits).
 * Returns NULL with errno set on failure (ENOENT: no /dev/edualloc;
 * EACCES: no permission; EDQUOT: above the module's limits).
 */
allocator_t *allocator_create(size_t capacity, int use_bitset);

/* Free everything and close the instance. NULL is ignored. */
void allocator_destroy(allocator_t *alloc);

/* 'size' bytes (size > 0), or NULL with errno set. Never aborts. */
void *allocator_malloc(allocator_t *alloc, size_t size);

/* nmemb * size bytes, all zero (ENOMEM if the product overflows). */
void *allocator_calloc(allocator_t *alloc, size_t nmemb, size_t size);

/*
 * Resize ptr's block to 'size' bytes; the contents are kept up to the
 * smaller size. The block usually moves (and gets a new ID): use the
 * returned pointer. ptr NULL acts as allocator_malloc(); size 0 frees ptr
 * and returns NULL. On failure returns NULL and ptr is left as it was.
 */
void *allocator_realloc(allocator_t *alloc, void *ptr, size_t size);

/*
 * Free a block. Returns 0, or -1 with errno set: EINVAL for a pointer this
 * allocator did not return (or not its first byte), EALREADY for a block
 * already freed (a double free, caught). NULL is a no-op, as with free().
 */
int allocator_free(allocator_t *alloc, void *ptr);

/* The allocation ID of a live block (a positive int), or -1 with errno. */
int allocator_get_id(allocator_t *alloc, const void *ptr);

/* The block with allocation ID 'id', or NULL (ENOENT, EALREADY if freed). */
void *allocator_get_ptr(allocator_t *alloc, int id);

/* Print the allocator's statistics on stdout. 0, or -1 with errno. */
int allocator_print_stats(allocator_t *alloc);

/*
 * The bitset: set bit 'index' to 'value' (0 or non-zero), or read it.
 * set returns 0, get returns 0 or 1; both -1 with errno (EOPNOTSUPP: made
 * without a bitset; EINVAL: index out of range).
 */
int allocator_set_bit(allocator_t *alloc, size_t index, int value);
int allocator_get_bit(allocator_t *alloc, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* EDUALLOC_H */
