// SPDX-License-Identifier: GPL-2.0
/*
 * libedualloc's own test: every function of edualloc.h, on success and on
 * each way it can fail, against the real device. One line per check, then
 * "N passed, N failed"; exit 0 only if all passed (77: no device).
 */
#include "edualloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

static void check(bool ok, const char *what)
{
	if (ok) {
		passed++;
		printf("ok   %s\n", what);
	} else {
		failed++;
		printf("FAIL %s (errno %d: %s)\n", what, errno, strerror(errno));
	}
}

/* A function that fails must return its error value and set this errno. */
#define FAILS_WITH(expr, bad, err, what) do {				\
		errno = 0;						\
		bool _ok = (expr) == (bad) && errno == (err);		\
		check(_ok, what);					\
	} while (0)

/* Is p inside a mapping of /dev/edualloc? (/proc/self/maps) */
static bool mapped_from_device(const void *p)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (uintptr_t)p >= lo &&
		    (uintptr_t)p < hi && strstr(line, "/dev/edualloc"))
			found = true;
	}
	fclose(f);
	return found;
}

static bool all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7);
}

static bool same_fill(const unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed * 131 + i * 7))
			return false;
	return true;
}

/* allocator_print_stats() prints: keep the check's output readable. */
static int stats_quietly(allocator_t *a)
{
	fflush(stdout);
	int saved = dup(STDOUT_FILENO), devnull = open("/dev/null", O_WRONLY);

	dup2(devnull, STDOUT_FILENO);
	int rc = allocator_print_stats(a);

	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(devnull);
	return rc;
}

static void test_create(void)
{
	FAILS_WITH(allocator_create(0, 0), NULL, EINVAL, "create: capacity 0 is refused (EINVAL)");
	FAILS_WITH(allocator_create((size_t)1 << 40, 0), NULL, EDQUOT,
		   "create: 1 TiB is over the module's limit (EDQUOT)");

	allocator_t *small = allocator_create(1000, 0);

	check(small != NULL, "create: a tiny capacity is rounded up to the minimum");
	void *p = small ? allocator_malloc(small, 60000) : NULL;

	check(p != NULL, "create: ... which holds 60000 bytes");
	allocator_destroy(small);
	allocator_destroy(NULL);
	check(true, "destroy(NULL) does nothing");
}

static void test_malloc_free(allocator_t *a)
{
	static const size_t sizes[] = { 1, 8, 9, 64, 100, 1000, 4096, 5000, 65536, 262144 };
	void *ptrs[sizeof(sizes) / sizeof(sizes[0])];
	bool ok = true;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ptrs[i] = allocator_malloc(a, sizes[i]);
		if (!ptrs[i] || !mapped_from_device(ptrs[i]))
			ok = false;
		else
			fill(ptrs[i], sizes[i], (unsigned int)i);
	}
	check(ok, "malloc: every size class, each block in a mapping of /dev/edualloc");
	ok = true;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ok = ok && ptrs[i] && same_fill(ptrs[i], sizes[i], (unsigned int)i);
	check(ok, "malloc: blocks do not overlap (each keeps its own bytes)");

	char *s = allocator_malloc(a, 64);

	check(s && strcpy(s, "Hello World!") && !strcmp(s, "Hello World!"),
	      "malloc: strcpy into a block (kernel memory) and read it back");

	ok = true;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ok = ok && allocator_free(a, ptrs[i]) == 0;
	check(ok, "free: every block");
	check(allocator_free(a, s) == 0, "free: the strcpy block");
	check(allocator_free(a, NULL) == 0, "free(NULL) does nothing and succeeds");

	FAILS_WITH(allocator_malloc(a, 0), NULL, EINVAL, "malloc(0) fails (EINVAL)");
	FAILS_WITH(allocator_malloc(a, (size_t)64 << 20), NULL, E2BIG,
		   "malloc larger than the capacity fails (E2BIG)");
	FAILS_WITH(allocator_malloc(NULL, 8), NULL, EINVAL, "malloc(NULL allocator) fails (EINVAL)");
}

static void test_double_free(allocator_t *a)
{
	void *p = allocator_malloc(a, 48);

	check(p && allocator_free(a, p) == 0, "double free: the first free succeeds");
	errno = 0;
	int rc = allocator_free(a, p);

	check(rc == -1 && (errno == EALREADY || errno == EINVAL),
	      "double free: the second is caught (-1, EALREADY)");

	int local;

	FAILS_WITH(allocator_free(a, &local), -1, EINVAL, "free of a foreign pointer fails (EINVAL)");
	FAILS_WITH(allocator_free(NULL, p), -1, EINVAL, "free(NULL allocator) fails (EINVAL)");
}

static void test_large(allocator_t *a)
{
	size_t n = 300 * 1024;
	unsigned char *big = allocator_malloc(a, n);

	check(big && mapped_from_device(big), "large: a 300 KiB block gets its own mapping");
	if (!big)
		return;
	memset(big, 0x5a, n);
	check(all_bytes(big, n, 0x5a), "large: every byte writable and readable");

	int id = allocator_get_id(a, big);

	check(id > 0 && allocator_get_ptr(a, id) == big, "large: get_id and get_ptr agree");
	FAILS_WITH(allocator_free(a, big + 1), -1, EINVAL,
		   "large: free of a pointer inside the block fails (EINVAL)");
	check(allocator_free(a, big) == 0, "large: free");
	FAILS_WITH(allocator_get_ptr(a, id), NULL, EALREADY, "large: get_ptr of the freed ID (EALREADY)");
}

static void test_ids(allocator_t *a)
{
	char *p = allocator_malloc(a, 100);
	char *q = allocator_malloc(a, 100);
	int id = allocator_get_id(a, p), id2 = allocator_get_id(a, q);

	check(id > 0 && id2 > id, "get_id: positive, increasing IDs");
	check(allocator_get_ptr(a, id) == p && allocator_get_ptr(a, id2) == q,
	      "get_ptr: ID -> the same pointer");
	FAILS_WITH(allocator_get_id(a, p + 1), -1, EINVAL,
		   "get_id of a pointer inside a block fails (EINVAL)");
	int local;

	FAILS_WITH(allocator_get_id(a, &local), -1, EINVAL, "get_id of a foreign pointer (EINVAL)");
	FAILS_WITH(allocator_get_id(a, NULL), -1, EINVAL, "get_id(NULL) fails (EINVAL)");
	FAILS_WITH(allocator_get_ptr(a, 1000000), NULL, ENOENT, "get_ptr of an ID never issued (ENOENT)");
	FAILS_WITH(allocator_get_ptr(a, 0), NULL, ENOENT, "get_ptr(0) fails (ENOENT)");
	allocator_free(a, p);
	FAILS_WITH(allocator_get_ptr(a, id), NULL, EALREADY, "get_ptr of a freed ID (EALREADY)");
	FAILS_WITH(allocator_get_id(a, p), -1, ENOENT, "get_id of a freed block (ENOENT)");
	allocator_free(a, q);
}

static void test_calloc(allocator_t *a)
{
	/* Free a written block first: calloc may get its slot back, poisoned. */
	unsigned char *dirty = allocator_malloc(a, 200);

	if (dirty)
		memset(dirty, 0xff, 200);
	allocator_free(a, dirty);

	unsigned char *z = allocator_calloc(a, 25, 8);

	check(z && all_bytes(z, 200, 0), "calloc: 25 x 8 bytes, all zero");
	allocator_free(a, z);
	FAILS_WITH(allocator_calloc(a, SIZE_MAX / 2, 4), NULL, ENOMEM,
		   "calloc: an overflowing product fails (ENOMEM)");
	FAILS_WITH(allocator_calloc(a, 0, 8), NULL, EINVAL, "calloc of 0 bytes fails (EINVAL)");
}

static void test_realloc(allocator_t *a)
{
	unsigned char *p = allocator_realloc(a, NULL, 40);

	check(p != NULL, "realloc(NULL, 40) allocates");
	if (!p)
		return;
	fill(p, 40, 7);

	unsigned char *q = allocator_realloc(a, p, 3000);

	check(q && same_fill(q, 40, 7), "realloc: grow small -> small, contents kept");
	q = q ? q : p;

	unsigned char *r = allocator_realloc(a, q, 400 * 1024);

	check(r && same_fill(r, 40, 7) && mapped_from_device(r),
	      "realloc: grow small -> large, contents kept");
	if (r) {
		fill(r, 400 * 1024, 9);
		q = r;
	}
	unsigned char *s = allocator_realloc(a, q, 100);

	check(s && same_fill(s, 100, 9), "realloc: shrink large -> small, first bytes kept");
	s = s ? s : q;

	unsigned char *t = allocator_realloc(a, s, 300 * 1024);
	unsigned char *u = t ? allocator_realloc(a, t, 350 * 1024) : NULL;

	check(u && same_fill(u, 100, 9), "realloc: large -> large, contents kept");
	u = u ? u : s;

	errno = 0;
	check(allocator_realloc(a, u, (size_t)64 << 20) == NULL && errno == E2BIG &&
	      same_fill(u, 100, 9), "realloc: too big fails (E2BIG), the old block untouched");
	int id = allocator_get_id(a, u);

	check(allocator_realloc(a, u, 0) == NULL && allocator_get_ptr(a, id) == NULL,
	      "realloc(p, 0) frees p");
	int local;

	FAILS_WITH(allocator_realloc(a, &local, 10), NULL, EINVAL,
		   "realloc of a foreign pointer fails (EINVAL)");
}

static void test_exhaust(void)
{
	allocator_t *a = allocator_create(64 * 1024, 0);
	int n = 0;

	if (!a) {
		check(false, "exhaust: create a 64 KiB allocator");
		return;
	}
	errno = 0;
	while (allocator_malloc(a, 4000) && n < 1000)
		n++;
	check(errno == ENOMEM && n > 0 && n < 1000,
	      "exhaust: malloc fails with ENOMEM once the arena is full, and never aborts");
	allocator_destroy(a);
}

static void test_bits(allocator_t *a)
{
	check(allocator_set_bit(a, 42, 1) == 0 && allocator_get_bit(a, 42) == 1,
	      "bitset: set bit 42, read 1");
	check(allocator_get_bit(a, 41) == 0, "bitset: bit 41 is still 0");
	check(allocator_set_bit(a, 42, 0) == 0 && allocator_get_bit(a, 42) == 0,
	      "bitset: clear bit 42, read 0");
	check(allocator_set_bit(a, 1000000, 1) == 0 && allocator_get_bit(a, 1000000) == 1,
	      "bitset: one bit per byte of capacity (bit 1000000 of a 1 MiB allocator)");
	FAILS_WITH(allocator_set_bit(a, (size_t)1 << 21, 1), -1, EINVAL,
		   "bitset: an index out of range fails (EINVAL)");
	FAILS_WITH(allocator_get_bit(a, (size_t)1 << 33), -1, EINVAL,
		   "bitset: an index above 2^32 fails (EINVAL)");

	allocator_t *none = allocator_create(1 << 20, 0);

	FAILS_WITH(allocator_set_bit(none, 1, 1), -1, EOPNOTSUPP,
		   "bitset: an allocator made without one says EOPNOTSUPP");
	FAILS_WITH(allocator_get_bit(none, 1), -1, EOPNOTSUPP, "bitset: get too");
	allocator_destroy(none);
	FAILS_WITH(allocator_get_bit(NULL, 1), -1, EINVAL, "bitset: NULL allocator (EINVAL)");
}

static void test_stats(allocator_t *a)
{
	check(stats_quietly(a) == 0, "print_stats: succeeds");
	FAILS_WITH(allocator_print_stats(NULL), -1, EINVAL, "print_stats(NULL) fails (EINVAL)");
}

static void test_fork_isolation(void)
{
	/* Two allocators are two private heaps: the same IDs, separate memory. */
	allocator_t *a = allocator_create(1 << 20, 0), *b = allocator_create(1 << 20, 0);
	char *pa = a ? allocator_malloc(a, 32) : NULL, *pb = b ? allocator_malloc(b, 32) : NULL;

	check(pa && pb && pa != pb && allocator_get_id(a, pa) == 1 && allocator_get_id(b, pb) == 1,
	      "two allocators: two private heaps, both starting at ID 1");
	FAILS_WITH(allocator_free(a, pb), -1, EINVAL, "two allocators: a block of one is foreign to the other");
	allocator_destroy(a);
	allocator_destroy(b);
}

int main(void)
{
	if (access("/dev/edualloc", F_OK)) {
		printf("skip: no /dev/edualloc\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	test_create();

	allocator_t *a = allocator_create(1 << 20, 1);

	check(a != NULL, "create: 1 MiB with a bitset");
	if (!a) {
		printf("%d passed, %d failed\n", passed, failed);
		return 1;
	}
	test_malloc_free(a);
	test_double_free(a);
	test_large(a);
	test_ids(a);
	test_calloc(a);
	test_realloc(a);
	test_bits(a);
	test_stats(a);
	allocator_destroy(a);
	test_exhaust();
	test_fork_isolation();

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
