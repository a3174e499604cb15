// SPDX-License-Identifier: GPL-2.0
/*
 * libedualloc-preload.so: the C library's allocation functions served by
 * the kernel allocator, for unmodified dynamically linked programs
 * (`edualloc run -- PROGRAM`, or LD_PRELOAD by hand).
 *
 * Every block is an allocation of an edualloc instance: the kernel gives
 * it, knows its ID, counts it and logs it. The arena is mapped once (at an
 * address aligned to the largest class, so a block of class size 2^k is
 * 2^k-aligned); a large block (above EDUALLOC_SMALL_MAX) is mapped at its
 * own offset.
 *
 * Two modes:
 *  - default: each thread keeps a cache of free slots per size class,
 *    refilled and drained with EDUALLOC_IOC_BATCH (one ioctl for up to 32
 *    slots). Slots are requested at their class size, so any slot of a
 *    class serves any request of that class; most calls never leave the
 *    process. The kernel still owns every block (a slot in a cache is a
 *    live allocation to it).
 *  - exact (EDUALLOC_PRELOAD_EXACT=1): one ioctl per call, with the size
 *    the program asked for, so the log, the map and the statistics show
 *    each call as it happens (and the red zones catch overflows).
 *
 * Environment (set by `edualloc run`): EDUALLOC_PRELOAD_INSTANCE (the
 * instance to use; default "shared"), EDUALLOC_PRELOAD_EXACT,
 * EDUALLOC_PRELOAD_REPORT (a file: at exit, one line of counters per
 * process is appended), EDUALLOC_PRELOAD_QUIET (no message when full).
 *
 * fork(): MAP_SHARED mappings are shared with the child, and the parent's
 * blocks are the parent's. So the child (an atfork handler) replaces the
 * inherited mappings with private copies of their used pages, as fork
 * does for a heap, treats the blocks in them as foreign (free() of one
 * is a no-op there: they still belong to the parent), attaches a file of
 * its own to the same instance and maps its arena afresh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/edualloc.h>

/* Not in <stdlib.h>: glibc declares them in <malloc.h>, which we avoid. */
void *memalign(size_t align, size_t size);
void *pvalloc(size_t size);
size_t malloc_usable_size(void *p);

#define EXPORT __attribute__((visibility("default")))
#define TLS __thread __attribute__((tls_model("initial-exec")))

#define NCLS		EDUALLOC_NR_CLASSES
#define MIN_REQ		16		/* malloc()'s alignment: alignof(max_align_t) */
#define ARENA_ALIGN	EDUALLOC_SMALL_MAX
#define CACHE_MAX	64		/* slots per class and thread, at most */
#define BATCH_MAX	32		/* slots per refill or drain */
#define MAX_FOREIGN	8		/* arenas inherited through fork(), nested */
#define PAGE		4096UL

/* ---- state ---------------------------------------------------------- */

struct arena {
	unsigned char *base;	/* NULL: none */
	uint64_t size;
	uint8_t *page_cls;	/* per page: the class of the slots we got there */
};

struct large {
	unsigned char *addr;	/* NULL: an empty slot of the table */
	size_t len;		/* mapped bytes */
	size_t size;		/* the program's request (usable size) */
	int id;
	bool foreign;		/* inherited from the parent: not ours to free */
};

static struct {
	int fd;
	bool ready, exact, quiet, told_full;
	char name[EDUALLOC_NAME_MAX];
	struct arena arena;
	struct arena foreign[MAX_FOREIGN];
	int nr_foreign;
	pthread_mutex_t lock;		/* protects large[], nr_large, init */
	struct large *large;
	size_t nr_large, cap_large;
	pthread_key_t key;		/* a thread's cache, drained at its exit */
	const char *report;
	/* Counters, summed from the threads as they exit. */
	unsigned long calls, ioctls, hits;
} g = { .fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

struct cache {
	uint32_t n[NCLS];
	uint64_t off[NCLS][CACHE_MAX];
	unsigned long calls, ioctls, hits;
	bool registered;
};

static TLS struct cache tc;
static TLS bool in_init;

/* ---- messages (no malloc on this path) ------------------------------ */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0 && write(STDERR_FILENO, buf, (size_t)n) < 0)
		return;
}

static int xioctl(unsigned long cmd, void *arg)
{
	int r;

	tc.ioctls++;
	do
		r = ioctl(g.fd, cmd, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* The instance is full (or the request too big): say so once, set ENOMEM. */
static void *out_of_memory(size_t size, int err)
{
	if (!g.told_full && !g.quiet) {
		g.told_full = true;
		say("edualloc-preload: instance \"%s\" cannot give %zu bytes (%s): "
		    "the allocation fails with ENOMEM\n", g.name, size,
		    err == -E2BIG ? "larger than its capacity" :
		    err == -ENOSPC ? "its IDs are used up" : "it is full");
	}
	errno = ENOMEM;
	return NULL;
}

/* ---- classes ---------------------------------------------------------- */

static unsigned int class_of(size_t size)
{
	unsigned int c = 0;

	while (((size_t)8 << c) < size)
		c++;
	return c;
}

static size_t class_size(unsigned int c)
{
	return (size_t)8 << c;
}

/* ---- mappings --------------------------------------------------------- */

/* Map 'len' bytes of the device at 'offset', the address aligned to 'align'. */
static void *map_aligned(int fd, uint64_t offset, size_t len, size_t align)
{
	size_t span = len + (align > PAGE ? align : 0);
	unsigned char *res = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				  -1, 0);

	if (res == MAP_FAILED)
		return NULL;
	uintptr_t at = ((uintptr_t)res + align - 1) & ~(uintptr_t)(align - 1);
	void *p = mmap((void *)at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		       (off_t)offset);

	if (p == MAP_FAILED) {
		munmap(res, span);
		return NULL;
	}
	if (at > (uintptr_t)res)
		munmap(res, at - (uintptr_t)res);
	if ((uintptr_t)res + span > at + len)
		munmap((void *)(at + len), (uintptr_t)res + span - (at + len));
	return p;
}

static bool map_arena(void)
{
	struct edualloc_stats st;

	memset(&st, 0, sizeof(st));
	if (xioctl(EDUALLOC_IOC_STATS, &st))
		return false;
	g.arena.size = st.capacity;
	g.arena.base = map_aligned(g.fd, 0, st.capacity, ARENA_ALIGN);
	if (!g.arena.base)
		return false;
	g.arena.page_cls = mmap(NULL, st.capacity / PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return g.arena.page_cls != MAP_FAILED;
}

/* Replace a shared mapping by a private copy of it, at the same address. */
static void make_private(unsigned char *addr, size_t len, const struct edualloc_page *pages)
{
	unsigned char *copy = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (copy == MAP_FAILED)
		return;
	for (size_t off = 0; off < len; off += PAGE)
		if (!pages || pages[off / PAGE].kind != EDUALLOC_PAGE_FREE)
			memcpy(copy + off, addr + off, PAGE);
	mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, addr);
}

/* ---- setup ------------------------------------------------------------ */

static void thread_exit(void *unused);

static bool open_instance(void)
{
	struct edualloc_attach at;

	g.fd = open(EDUALLOC_DEVICE, O_RDWR | O_CLOEXEC);
	if (g.fd < 0)
		return false;
	if (strcmp(g.name, "shared")) {
		memset(&at, 0, sizeof(at));
		memcpy(at.name, g.name, strnlen(g.name, sizeof(at.name) - 1));
		if (xioctl(EDUALLOC_IOC_ATTACH, &at)) {
			close(g.fd);
			g.fd = -1;
			return false;
		}
	}
	return map_arena();
}

static void after_fork_child(void);
static void before_fork(void)
{
	pthread_mutex_lock(&g.lock);
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&g.lock);
}

static void init(void)
{
	if (g.ready || in_init)
		return;
	in_init = true;
	pthread_mutex_lock(&g.lock);
	if (!g.ready) {
		const char *name = getenv("EDUALLOC_PRELOAD_INSTANCE");

		snprintf(g.name, sizeof(g.name), "%s", name && *name ? name : "shared");
		g.exact = getenv("EDUALLOC_PRELOAD_EXACT") && *getenv("EDUALLOC_PRELOAD_EXACT") == '1';
		g.quiet = getenv("EDUALLOC_PRELOAD_QUIET") != NULL;
		g.report = getenv("EDUALLOC_PRELOAD_REPORT");
		if (!open_instance()) {
			say("edualloc-preload: cannot use instance \"%s\" of %s: %s\n", g.name,
			    EDUALLOC_DEVICE, strerror(errno));
			_exit(127);
		}
		pthread_key_create(&g.key, thread_exit);
		pthread_atfork(before_fork, after_fork_parent, after_fork_child);
		g.ready = true;
	}
	pthread_mutex_unlock(&g.lock);
	in_init = false;
}

static void after_fork_child(void)
{
	struct edualloc_pages req;
	struct edualloc_page *pages = NULL;
	size_t npages = g.arena.size / PAGE;

	pthread_mutex_init(&g.lock, NULL);
	/* The used pages of the arena, to copy only those. */
	pages = mmap(NULL, npages * sizeof(*pages), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages != MAP_FAILED) {
		memset(&req, 0, sizeof(req));
		req.buf = (uint64_t)(uintptr_t)pages;
		req.max = (uint32_t)npages;
		if (xioctl(EDUALLOC_IOC_PAGES, &req) || req.count != npages) {
			munmap(pages, npages * sizeof(*pages));
			pages = NULL;
		}
	} else {
		pages = NULL;
	}
	make_private(g.arena.base, g.arena.size, pages);
	if (pages)
		munmap(pages, npages * sizeof(*pages));
	for (size_t i = 0; i < g.nr_large; i++) {
		if (!g.large[i].addr)
			continue;
		if (!g.large[i].foreign)
			make_private(g.large[i].addr, g.large[i].len, NULL);
		g.large[i].foreign = true;
	}
	if (g.nr_foreign < MAX_FOREIGN)
		g.foreign[g.nr_foreign++] = g.arena;
	memset(&g.arena, 0, sizeof(g.arena));
	/* This thread's cached slots are the parent's: forget them. */
	memset(tc.n, 0, sizeof(tc.n));
	int old = g.fd;

	g.told_full = false;
	if (!open_instance()) {
		say("edualloc-preload: child %d cannot use instance \"%s\": %s\n", (int)getpid(),
		    g.name, strerror(errno));
		_exit(127);
	}
	close(old);
}

static void flush_counters(void)
{
	__atomic_fetch_add(&g.calls, tc.calls, __ATOMIC_RELAXED);
	__atomic_fetch_add(&g.ioctls, tc.ioctls, __ATOMIC_RELAXED);
	__atomic_fetch_add(&g.hits, tc.hits, __ATOMIC_RELAXED);
	tc.calls = tc.ioctls = tc.hits = 0;
}

__attribute__((constructor)) static void preload_init(void)
{
	init();
}

__attribute__((destructor)) static void preload_fini(void)
{
	if (!g.ready || !g.report)
		return;
	flush_counters();
	int fd = open(g.report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	char line[256];
	int n = snprintf(line, sizeof(line), "pid %d calls %lu ioctls %lu cache_hits %lu mode %s\n",
			 (int)getpid(), g.calls, g.ioctls, g.hits, g.exact ? "exact" : "cached");

	if (write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}

/* ---- the kernel's side: small blocks ---------------------------------- */

static void note_class(uint64_t off, unsigned int cls)
{
	size_t first = off / PAGE, last = (off + class_size(cls) - 1) / PAGE;

	for (size_t p = first; p <= last; p++)
		g.arena.page_cls[p] = (uint8_t)cls;
}

static void register_thread(void)
{
	if (!tc.registered) {
		tc.registered = true;
		pthread_setspecific(g.key, &tc);
	}
}

/* Give back the oldest n slots of class c. */
static void drain(unsigned int c, uint32_t n)
{
	struct edualloc_batch_entry e[BATCH_MAX];
	struct edualloc_batch b;

	if (n > tc.n[c])
		n = tc.n[c];
	while (n) {
		uint32_t k = n < BATCH_MAX ? n : BATCH_MAX;

		memset(e, 0, sizeof(e));
		for (uint32_t i = 0; i < k; i++) {
			e[i].op = EDUALLOC_BATCH_FREE;
			e[i].offset = tc.off[c][i];
		}
		memset(&b, 0, sizeof(b));
		b.entries = (uint64_t)(uintptr_t)e;
		b.count = k;
		xioctl(EDUALLOC_IOC_BATCH, &b);
		memmove(tc.off[c], tc.off[c] + k, (tc.n[c] - k) * sizeof(tc.off[c][0]));
		tc.n[c] -= k;
		n -= k;
	}
}

static void thread_exit(void *unused)
{
	(void)unused;
	for (unsigned int c = 0; c < NCLS; c++)
		drain(c, tc.n[c]);
	flush_counters();
}

/* Take slots of class c from the kernel into the cache; 0 or -errno. */
static int refill(unsigned int c)
{
	struct edualloc_batch_entry e[BATCH_MAX];
	struct edualloc_batch b;
	size_t sz = class_size(c);
	uint32_t want = (uint32_t)(65536 / sz);
	int err = -ENOMEM;

	if (want > BATCH_MAX)
		want = BATCH_MAX;
	if (want < 1)
		want = 1;
	memset(e, 0, sizeof(e));
	for (uint32_t i = 0; i < want; i++) {
		e[i].op = EDUALLOC_BATCH_ALLOC;
		e[i].size = sz;
	}
	memset(&b, 0, sizeof(b));
	b.entries = (uint64_t)(uintptr_t)e;
	b.count = want;
	int r = xioctl(EDUALLOC_IOC_BATCH, &b);

	if (r)
		return r;
	for (uint32_t i = 0; i < want; i++) {
		if (e[i].err) {
			err = e[i].err;
			continue;
		}
		note_class(e[i].offset, c);
		tc.off[c][tc.n[c]++] = e[i].offset;
	}
	register_thread();
	return tc.n[c] ? 0 : err;
}

/* One ALLOC of the device: 0 and *a filled, or -errno. */
static int dev_alloc(size_t size, struct edualloc_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	return xioctl(EDUALLOC_IOC_ALLOC, a);
}

/* One small block of class c, or NULL (errno set). */
static void *small_alloc(size_t size, unsigned int c)
{
	if (g.exact) {
		struct edualloc_alloc a;
		int err = dev_alloc(size, &a);

		if (err)
			return out_of_memory(size, err);
		note_class(a.info.offset, a.info.cls);
		return g.arena.base + a.info.offset;
	}
	if (!tc.n[c]) {
		int err = refill(c);

		if (err)
			return out_of_memory(size, err);
	} else {
		tc.hits++;
	}
	return g.arena.base + tc.off[c][--tc.n[c]];
}

static void small_free(unsigned char *p)
{
	uint64_t off = (uint64_t)(p - g.arena.base);

	if (g.exact) {
		struct edualloc_free f;

		memset(&f, 0, sizeof(f));
		f.flags = EDUALLOC_FREE_BY_OFFSET;
		f.offset = off;
		xioctl(EDUALLOC_IOC_FREE, &f);
		return;
	}
	unsigned int c = g.arena.page_cls[off / PAGE];

	if (tc.n[c] == CACHE_MAX)
		drain(c, CACHE_MAX / 2);
	tc.off[c][tc.n[c]++] = off;
	tc.hits++;
	register_thread();
}

/* ---- large blocks ------------------------------------------------------ */

static struct large *large_find(const void *p)
{
	for (size_t i = 0; i < g.nr_large; i++)
		if (g.large[i].addr == p)
			return &g.large[i];
	return NULL;
}

static bool large_add(const struct large *l)
{
	for (size_t i = 0; i < g.nr_large; i++) {
		if (!g.large[i].addr) {
			g.large[i] = *l;
			return true;
		}
	}
	if (g.nr_large == g.cap_large) {
		size_t cap = g.cap_large ? g.cap_large * 2 : 64;
		struct large *t = mmap(NULL, cap * sizeof(*t), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (t == MAP_FAILED)
			return false;
		if (g.large) {
			memcpy(t, g.large, g.nr_large * sizeof(*t));
			munmap(g.large, g.cap_large * sizeof(*t));
		}
		g.large = t;
		g.cap_large = cap;
	}
	g.large[g.nr_large++] = *l;
	return true;
}

static void *large_alloc(size_t size, size_t align)
{
	struct edualloc_alloc a;
	struct large l;
	int err = dev_alloc(size, &a);

	if (err)
		return out_of_memory(size, err);
	l.len = (size_t)a.info.class_size;
	l.addr = map_aligned(g.fd, a.info.offset, l.len, align < PAGE ? PAGE : align);
	l.size = size;
	l.id = a.info.id;
	l.foreign = false;
	pthread_mutex_lock(&g.lock);
	bool ok = l.addr && large_add(&l);

	pthread_mutex_unlock(&g.lock);
	if (!ok) {
		struct edualloc_free f = { .id = a.info.id, .flags = EDUALLOC_FREE_BY_ID };

		if (l.addr)
			munmap(l.addr, l.len);
		xioctl(EDUALLOC_IOC_FREE, &f);
		errno = ENOMEM;
		return NULL;
	}
	return l.addr;
}

/* ---- what a pointer is ------------------------------------------------- */

enum kind { K_NONE, K_SMALL, K_FOREIGN_SMALL, K_LARGE };

static bool in(const struct arena *a, const void *p)
{
	return a->base && (const unsigned char *)p >= a->base &&
	       (const unsigned char *)p < a->base + a->size;
}

static enum kind kind_of(const void *p, const struct arena **fa)
{
	if (in(&g.arena, p))
		return K_SMALL;
	for (int i = 0; i < g.nr_foreign; i++) {
		if (in(&g.foreign[i], p)) {
			*fa = &g.foreign[i];
			return K_FOREIGN_SMALL;
		}
	}
	return K_LARGE;
}

/* The bytes the program may use in block p (0 if p is not ours). */
static size_t usable(const void *p)
{
	const struct arena *fa = NULL;

	switch (kind_of(p, &fa)) {
	case K_SMALL:
		if (g.exact) {
			struct edualloc_lookup lk;

			memset(&lk, 0, sizeof(lk));
			lk.flags = EDUALLOC_LOOKUP_BY_OFFSET;
			lk.offset = (uint64_t)((const unsigned char *)p - g.arena.base);
			return xioctl(EDUALLOC_IOC_LOOKUP, &lk) ? 0 : (size_t)lk.info.size;
		}
		return class_size(g.arena.page_cls[((const unsigned char *)p - g.arena.base) / PAGE]);
	case K_FOREIGN_SMALL:
		return class_size(fa->page_cls[((const unsigned char *)p - fa->base) / PAGE]);
	default: {
		pthread_mutex_lock(&g.lock);
		struct large *l = large_find(p);
		size_t n = l ? l->size : 0;

		pthread_mutex_unlock(&g.lock);
		return n;
	}
	}
}

/* ---- the C library's functions ------------------------------------------ */

static void *alloc_aligned(size_t size, size_t align)
{
	if (!g.ready)
		init();
	tc.calls++;
	if (size < MIN_REQ)
		size = MIN_REQ;
	if (size < align)
		size = align;	/* a class of 2^k bytes is 2^k-aligned */
	if (size > EDUALLOC_SMALL_MAX || align > EDUALLOC_SMALL_MAX)
		return large_alloc(size, align);
	return small_alloc(size, class_of(size));
}

EXPORT void *malloc(size_t size)
{
	return alloc_aligned(size, 0);
}

static void free_block(void *p, const struct arena *fa);

EXPORT void free(void *p)
{
	const struct arena *fa = NULL;

	if (!p)
		return;
	tc.calls++;
	int saved = errno;	/* free() keeps errno, as the C library's does */

	free_block(p, fa);
	errno = saved;
}

static void free_block(void *p, const struct arena *fa)
{
	switch (kind_of(p, &fa)) {
	case K_SMALL:
		small_free(p);
		return;
	case K_FOREIGN_SMALL:
		return;		/* the parent's block */
	default:
		break;
	}
	pthread_mutex_lock(&g.lock);
	struct large *l = large_find(p);
	struct large copy = { 0 };

	if (l) {
		copy = *l;
		l->addr = NULL;
	}
	pthread_mutex_unlock(&g.lock);
	if (!copy.addr)
		return;		/* not ours (memory from before we started) */
	munmap(copy.addr, copy.len);
	if (!copy.foreign) {
		struct edualloc_free f;

		memset(&f, 0, sizeof(f));
		f.id = copy.id;
		f.flags = EDUALLOC_FREE_BY_ID;
		xioctl(EDUALLOC_IOC_FREE, &f);
	}
}

EXPORT void *calloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = malloc(bytes);

	if (p)
		memset(p, 0, bytes);
	return p;
}

EXPORT void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (!size) {
		free(p);
		return NULL;
	}
	const struct arena *fa = NULL;

	if (g.exact && kind_of(p, &fa) == K_SMALL && size <= EDUALLOC_SMALL_MAX) {
		struct edualloc_lookup lk;
		struct edualloc_realloc re;

		tc.calls++;
		memset(&lk, 0, sizeof(lk));
		lk.flags = EDUALLOC_LOOKUP_BY_OFFSET;
		lk.offset = (uint64_t)((unsigned char *)p - g.arena.base);
		memset(&re, 0, sizeof(re));
		int err = xioctl(EDUALLOC_IOC_LOOKUP, &lk);

		re.id = lk.info.id;
		re.size = size < MIN_REQ ? MIN_REQ : size;
		if (!err)
			err = xioctl(EDUALLOC_IOC_REALLOC, &re);
		if (err == -ENOMEM || err == -E2BIG || err == -ENOSPC)
			return out_of_memory(size, err);
		if (!err) {
			note_class(re.info.offset, re.info.cls);
			return g.arena.base + re.info.offset;
		}
		/* not a block start: fall through to copy what we can */
	}
	size_t old = usable(p);

	if (!g.exact && old >= size && kind_of(p, &fa) == K_SMALL && (size > old / 2 || old <= MIN_REQ))
		return p;	/* it still fits, and not much room is lost */
	void *q = malloc(size);

	if (!q)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	free(p);
	return q;
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, bytes);
}

static bool power_of_two(size_t a)
{
	return a && !(a & (a - 1));
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (!power_of_two(align) || align % sizeof(void *))
		return EINVAL;
	int saved = errno;
	void *p = alloc_aligned(size, align);

	if (!p) {
		errno = saved;
		return ENOMEM;
	}
	*out = p;
	return 0;
}

/* glibc rounds an alignment that is not a power of two up to one. */
static size_t round_align(size_t align)
{
	size_t a = MIN_REQ;

	while (a < align && a)
		a <<= 1;
	return a;
}

EXPORT void *memalign(size_t align, size_t size)
{
	if (align > SIZE_MAX / 2 + 1) {
		errno = EINVAL;
		return NULL;
	}
	return alloc_aligned(size, round_align(align));
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 38)
	if (!power_of_two(align)) {	/* glibc 2.38 and later */
		errno = EINVAL;
		return NULL;
	}
#endif
	return memalign(align, size);
}

EXPORT void *valloc(size_t size)
{
	return alloc_aligned(size, PAGE);
}

EXPORT void *pvalloc(size_t size)
{
	size_t up;

	if (__builtin_add_overflow(size, PAGE - 1, &up)) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc_aligned(up & ~(PAGE - 1) ? up & ~(PAGE - 1) : PAGE, PAGE);
}

EXPORT size_t malloc_usable_size(void *p)
{
	return p ? usable(p) : 0;
}
