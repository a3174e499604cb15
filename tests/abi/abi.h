/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ABI test programs. Each program runs as root in
 * the test guest with the module loaded, prints one line per check and
 * ends with "abi: N passed, M failed"; it exits 0 if nothing failed, 1 if
 * something did, 77 if it could not run at all.
 *
 * Counters live in a shared anonymous mapping so that checks made by a
 * forked child (after setuid, say) count too.
 */
#ifndef ABI_H
#define ABI_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/edualloc.h>

#define DEV EDUALLOC_DEVICE
/* An address in the kernel half: never a valid user pointer on x86-64. */
#define KADDR ((void *)(uintptr_t)(sizeof(void *) == 8 ? 0xffffffff81000000ULL : 0xc1000000UL))

struct abi_counters {
	int pass;
	int fail;
};

static struct abi_counters *abi_c;
static const char *abi_prog;

static inline void abi_init(const char *prog)
{
	abi_prog = prog;
	setvbuf(stdout, NULL, _IOLBF, 0);
	abi_c = mmap(NULL, sizeof(*abi_c), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (abi_c == MAP_FAILED) {
		perror("mmap");
		exit(77);
	}
}

static inline void abi_skip(const char *why)
{
	printf("%s: SKIP: %s\n", abi_prog, why);
	printf("abi: 0 passed, 0 failed\n");
	exit(77);
}

static inline int abi_done(void)
{
	printf("abi: %d passed, %d failed\n", abi_c->pass, abi_c->fail);
	return abi_c->fail ? 1 : 0;
}

__attribute__((format(printf, 2, 3)))
static inline int check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		__atomic_add_fetch(&abi_c->pass, 1, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&abi_c->fail, 1, __ATOMIC_SEQ_CST);
	printf("%s %s: ", ok ? "ok  " : "FAIL", abi_prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ok;
}

static inline const char *ename(int e)
{
	const char *n;

	if (e == 0)
		return "0";
	n = strerrorname_np(e < 0 ? -e : e);
	return n ? n : "?";
}

/* ioctl returning 0 or -errno. */
static inline int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* Check that a call fails with exactly -err (or succeeds, err 0). */
#define EXPECT(err, call, what, ...) ({					\
	int __r = (call);						\
	check(__r == -(err), what " -> %s (got %s)", ##__VA_ARGS__,	\
	      ename(err), ename(__r));					\
})

static inline int dev_open(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("%s: cannot open %s: %s\n", abi_prog, DEV, strerror(errno));
		exit(abi_c->pass || abi_c->fail ? 1 : 77);
	}
	return fd;
}

/* A fresh private instance on a fresh file: the usual starting point. */
static inline int open_private(unsigned long long capacity, unsigned int bits, unsigned int flags,
			struct edualloc_inst_info *info)
{
	struct edualloc_create c;
	int fd = dev_open();
	int r;

	memset(&c, 0, sizeof(c));
	c.capacity = capacity;
	c.bitset_bits = bits;
	c.flags = flags;
	r = xioctl(fd, EDUALLOC_IOC_CREATE, &c);
	if (r) {
		check(0, "create private instance of %llu bytes: %s", capacity, ename(r));
		exit(abi_done());
	}
	if (info)
		*info = c.info;
	return fd;
}

static inline int do_alloc(int fd, unsigned long long size, struct edualloc_alloc_info *info)
{
	struct edualloc_alloc a;
	int r;

	memset(&a, 0, sizeof(a));
	a.size = size;
	r = xioctl(fd, EDUALLOC_IOC_ALLOC, &a);
	if (!r && info)
		*info = a.info;
	return r;
}

static inline int do_free_id(int fd, int id)
{
	struct edualloc_free f = { .id = id, .flags = EDUALLOC_FREE_BY_ID };

	return xioctl(fd, EDUALLOC_IOC_FREE, &f);
}

static inline int do_rw(int fd, int write, int id, unsigned long long pos, void *buf,
		 unsigned long long len)
{
	struct edualloc_rw rw;

	memset(&rw, 0, sizeof(rw));
	rw.id = id;
	rw.pos = pos;
	rw.len = len;
	rw.buf = (uintptr_t)buf;
	return xioctl(fd, write ? EDUALLOC_IOC_WRITE : EDUALLOC_IOC_READ, &rw);
}

static inline int do_stats(int fd, struct edualloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	return xioctl(fd, EDUALLOC_IOC_STATS, st);
}

static inline int do_version(int fd, struct edualloc_version *v)
{
	memset(v, 0, sizeof(*v));
	return xioctl(fd, EDUALLOC_IOC_VERSION, v);
}

static inline int do_lookup_id(int fd, int id, struct edualloc_alloc_info *info)
{
	struct edualloc_lookup l;
	int r;

	memset(&l, 0, sizeof(l));
	l.id = id;
	l.flags = EDUALLOC_LOOKUP_BY_ID;
	r = xioctl(fd, EDUALLOC_IOC_LOOKUP, &l);
	if (!r && info)
		*info = l.info;
	return r;
}

static inline int do_validate(int fd, char *why, size_t len)
{
	struct edualloc_validate v;
	int r;

	memset(&v, 0, sizeof(v));
	r = xioctl(fd, EDUALLOC_IOC_VALIDATE, &v);
	if (r)
		return r;
	if (why)
		snprintf(why, len, "%s", v.why);
	return v.consistent ? 0 : -EUCLEAN;
}

/* Run fn in a child (e.g. after dropping privileges); its checks count. */
static inline void in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		check(0, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child exited cleanly (status %#x)", status);
}

/* A page that cannot be written, and one that is not mapped at all. */
static inline void *ro_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Far from where mmap() puts things (it works down from below the stack),
 * so nothing the test maps later lands there: a page mapped once and
 * unmapped again stays a hole.
 */
static inline void *unmapped_page(void)
{
	uintptr_t want = sizeof(void *) == 8 ? (uintptr_t)0x500000000000ULL : 0x30000000UL;
	void *p = mmap((void *)want, 4096, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return (void *)want;	/* something is there: a test will say so */
	munmap(p, 4096);
	return p;
}

#endif /* ABI_H */
