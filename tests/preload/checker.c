// SPDX-License-Identifier: GPL-2.0
/*
 * preload-checker: an allocation-heavy, threaded program that checks every
 * byte of every block it gets, for `edualloc run` (issue 16). Run it with
 * or without the preload library: the output is the same.
 *
 *   preload-checker [THREADS [ROUNDS]]   threads allocate, fill, check,
 *                                        realloc and free; then fork()
 *   preload-checker --errno              the C library's errno rules
 *   preload-checker --fill               allocate until malloc fails:
 *                                        NULL and ENOMEM, then recover
 *
 * Every block holds a pattern derived from its own address-independent
 * tag; a block that overlaps another, moves without its bytes, or is
 * changed by someone else is caught. Alignment: malloc 16, memalign and
 * friends as asked. Exit 0 and "ok" when all holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIVE 64

static unsigned long calls_total, frees_total;
static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;

#define FAIL(...) do { fprintf(stderr, "preload-checker: FAIL: " __VA_ARGS__); \
	fputc('\n', stderr); exit(1); } while (0)

struct block {
	unsigned char *p;
	size_t size;
	uint32_t tag;
};

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static unsigned char pat(uint32_t tag, size_t i)
{
	return (unsigned char)(tag * 31 + i * 7 + (i >> 9));
}

static void fill(struct block *b, size_t from)
{
	for (size_t i = from; i < b->size; i++)
		b->p[i] = pat(b->tag, i);
}

static void check(const struct block *b, size_t n, const char *when)
{
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != pat(b->tag, i))
			FAIL("block %p (tag %u, %zu bytes) byte %zu is 0x%02x, not 0x%02x %s",
			     (void *)b->p, b->tag, b->size, i, b->p[i], pat(b->tag, i), when);
}

static size_t pick_size(uint64_t *s)
{
	uint32_t r = rnd(s) % 1000;

	if (r < 600)
		return 1 + rnd(s) % 128;
	if (r < 900)
		return 1 + rnd(s) % 4096;
	if (r < 995)
		return 1 + rnd(s) % 65536;
	return 262144 + rnd(s) % 400000;	/* the large path */
}

static void aligned(const void *p, size_t a, const char *what)
{
	if ((uintptr_t)p % a)
		FAIL("%s gave %p, not %zu-aligned", what, p, a);
}

/* A new block of some kind; *calls counts the allocation calls. */
static void get(struct block *b, uint64_t *s, uint32_t tag, unsigned long *calls)
{
	size_t size = pick_size(s);
	size_t al = (size_t)16 << (rnd(s) % 8);
	void *p = NULL;

	(*calls)++;
	switch (rnd(s) % 8) {
	case 0:
		p = calloc(1, size);
		if (!p)
			FAIL("calloc(1, %zu)", size);
		for (size_t i = 0; i < size; i++)
			if (((unsigned char *)p)[i])
				FAIL("calloc(1, %zu): byte %zu is not 0", size, i);
		break;
	case 1:
		if (posix_memalign(&p, al, size))
			FAIL("posix_memalign(%zu, %zu)", al, size);
		aligned(p, al, "posix_memalign");
		break;
	case 2:
		p = aligned_alloc(al, size);
		if (!p)
			FAIL("aligned_alloc(%zu, %zu)", al, size);
		aligned(p, al, "aligned_alloc");
		break;
	case 3:
		p = memalign(al, size);
		if (!p)
			FAIL("memalign(%zu, %zu)", al, size);
		aligned(p, al, "memalign");
		break;
	case 4:
		p = valloc(size);
		if (!p)
			FAIL("valloc(%zu)", size);
		aligned(p, 4096, "valloc");
		break;
	default:
		p = malloc(size);
		if (!p)
			FAIL("malloc(%zu)", size);
		aligned(p, 16, "malloc");
	}
	if (malloc_usable_size(p) < size)
		FAIL("malloc_usable_size(%p) = %zu < %zu", p, malloc_usable_size(p), size);
	b->p = p;
	b->size = size;
	b->tag = tag;
	fill(b, 0);
}

static void *worker(void *arg)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL * ((uintptr_t)arg + 1);
	long rounds = (long)((uintptr_t)arg >> 16);
	struct block live[LIVE] = { { 0 } };
	unsigned long calls = 0, frees = 0;
	uint32_t tag = (uint32_t)((uintptr_t)arg & 0xffff) << 20;

	for (long r = 0; r < rounds; r++) {
		struct block *b = &live[rnd(&s) % LIVE];

		if (!b->p) {
			get(b, &s, ++tag, &calls);
			continue;
		}
		check(b, b->size, "before its free or realloc");
		if (rnd(&s) % 4 == 0) {	/* realloc: the prefix moves with it */
			size_t n = pick_size(&s);
			unsigned char *q = realloc(b->p, n);

			calls++;
			if (!q)
				FAIL("realloc(%p, %zu)", (void *)b->p, n);
			aligned(q, 16, "realloc");
			b->p = q;
			check(b, b->size < n ? b->size : n, "after realloc");
			size_t old = b->size;

			b->size = n;
			if (n > old)
				fill(b, old);
		} else {
			free(b->p);
			frees++;
			b->p = NULL;
		}
	}
	for (int i = 0; i < LIVE; i++) {
		if (live[i].p) {
			check(&live[i], live[i].size, "at the end");
			free(live[i].p);
			frees++;
		}
	}
	pthread_mutex_lock(&calls_lock);
	calls_total += calls;
	frees_total += frees;
	pthread_mutex_unlock(&calls_lock);
	return NULL;
}

/* fork(): the child sees its own copy; what it does never reaches the parent. */
static void fork_check(void)
{
	struct block keep[8];
	uint64_t s = 42;

	for (int i = 0; i < 8; i++)
		get(&keep[i], &s, 7000 + i, &calls_total);
	pid_t pid = fork();

	if (pid < 0)
		FAIL("fork");
	if (pid == 0) {
		/* The child: reads the parent's blocks, scribbles on them, frees them, allocates. */
		struct block mine[LIVE];

		for (int i = 0; i < 8; i++) {
			check(&keep[i], keep[i].size, "in the child after fork");
			memset(keep[i].p, 0x55, keep[i].size);
			free(keep[i].p);
		}
		for (int i = 0; i < LIVE; i++)
			get(&mine[i], &s, 9000 + i, &calls_total);
		for (int i = 0; i < LIVE; i++) {
			check(&mine[i], mine[i].size, "in the child");
			free(mine[i].p);
		}
		char *t = strdup("the child's heap works");

		if (!t || strcmp(t, "the child's heap works"))
			FAIL("strdup in the child");
		free(t);
		_exit(0);
	}
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("the child after fork failed (status %#x)", st);
	for (int i = 0; i < 8; i++) {
		check(&keep[i], keep[i].size, "in the parent after the child wrote its copy");
		free(keep[i].p);
	}
	/* And the parent's heap still works. */
	struct block b;

	get(&b, &s, 8000, &calls_total);
	check(&b, b.size, "in the parent after fork");
	free(b.p);
}

static int errno_rules(void)
{
	void *p = (void *)1;
	volatile size_t half = SIZE_MAX / 2, huge = SIZE_MAX - 4096;

	errno = 0;
	if (posix_memalign(&p, 24, 10) != EINVAL || p != (void *)1 || errno)
		FAIL("posix_memalign(24): EINVAL returned, errno and *out untouched");
	if (posix_memalign(&p, 4, 10) != EINVAL)
		FAIL("posix_memalign(4): EINVAL (not a multiple of sizeof(void *))");
	/* glibc rounds a memalign() alignment up to a power of two; aligned_alloc() did too before 2.38. */
	errno = 0;
	p = memalign(48, 8);
	if (!p || (uintptr_t)p % 64 || errno)
		FAIL("memalign(48, 8): rounded up to 64, as glibc does");
	free(p);
#if __GLIBC_PREREQ(2, 38)
	errno = 0;
	if (aligned_alloc(3, 8) || errno != EINVAL)
		FAIL("aligned_alloc(3, 8): NULL and EINVAL");
#else
	p = aligned_alloc(3, 8);
	if (!p || (uintptr_t)p % 4)
		FAIL("aligned_alloc(3, 8): rounded up to 4, as glibc before 2.38 does");
	free(p);
#endif
	errno = 0;
	if (calloc(half, 4) || errno != ENOMEM)
		FAIL("calloc overflowing: NULL and ENOMEM");
	errno = 0;
	if (reallocarray(NULL, half, 4) || errno != ENOMEM)
		FAIL("reallocarray overflowing: NULL and ENOMEM");
	errno = 0;
	if (malloc(huge) || errno != ENOMEM)
		FAIL("malloc(huge): NULL and ENOMEM");
	p = malloc(100);
	errno = 1234;
	free(p);
	free(NULL);
	if (errno != 1234)
		FAIL("free() changed errno");
	p = malloc(0);
	if (!p)
		FAIL("malloc(0) is a unique pointer, not NULL");
	free(p);
	p = malloc(10);
	if (realloc(p, 0))
		FAIL("realloc(p, 0) frees p and returns NULL");
	if (malloc_usable_size(NULL))
		FAIL("malloc_usable_size(NULL) is 0");
	p = pvalloc(1);
	if (!p || (uintptr_t)p % 4096 || malloc_usable_size(p) < 4096)
		FAIL("pvalloc(1): a whole page");
	free(p);
	printf("preload-checker: errno rules ok\n");
	return 0;
}

/* Allocate 64 KiB blocks until malloc fails, then free them and go on. */
static int fill_up(void)
{
	void **v = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		errno = 0;
		void *p = malloc(65536);

		if (!p) {
			if (errno != ENOMEM)
				FAIL("malloc failed with errno %d, not ENOMEM", errno);
			break;
		}
		memset(p, 0xab, 65536);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			void **w = realloc(v, cap * sizeof(*v));

			if (!w)
				break;
			v = w;
		}
		v[n++] = p;
		if (n > (1u << 20))
			FAIL("malloc never fails");
	}
	if (!n)
		FAIL("not one block before ENOMEM");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	void *p = malloc(65536);

	if (!p)
		FAIL("malloc after freeing everything");
	free(p);
	printf("preload-checker: malloc failed with ENOMEM when full, and works again after free\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--errno"))
		return errno_rules();
	if (argc > 1 && !strcmp(argv[1], "--fill"))
		return fill_up();
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	long rounds = argc > 2 ? atol(argv[2]) : 20000;
	pthread_t t[64];

	if (threads < 1 || threads > 64 || rounds < 1)
		FAIL("usage: preload-checker [THREADS 1-64 [ROUNDS]]");
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker,
				   (void *)(((uintptr_t)rounds << 16) | (uintptr_t)i)))
			FAIL("pthread_create");
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	fork_check();
	printf("preload-checker: ok: %d threads, every byte of every block checked\n", threads);
	fprintf(stderr, "preload-checker: %lu allocation calls, %lu frees\n", calls_total, frees_total);
	return 0;
}
