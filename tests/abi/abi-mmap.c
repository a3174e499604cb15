// SPDX-License-Identifier: GPL-2.0
/*
 * mmap: the arena at offset 0 and each large allocation at its offset;
 * bytes visible both ways (mapping <-> READ/WRITE); the debug patterns;
 * what is refused; and mappings that outlive free, reset, destroy and
 * close staying safe to use.
 */
#include "abi.h"

#include <setjmp.h>
#include <signal.h>

#define KiB 1024ULL
#define MiB (1024 * KiB)

static sigjmp_buf probe_env;

static void probe_fault(int sig)
{
	siglongjmp(probe_env, sig);
}

/* Read and write every byte of [p, p + len): 0 if no fault, else the signal. */
static int probe(void *p, size_t len)
{
	struct sigaction sa, old_segv, old_bus;
	volatile unsigned char *b = p;
	int sig;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_fault;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(probe_env, 1);
	if (!sig) {
		for (i = 0; i < len; i += 64)
			b[i] = b[i];
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

static void *map(int fd, unsigned long long off, size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, flags, fd, (off_t)off);
}

static int map_err(int fd, unsigned long long off, size_t len, int prot, int flags)
{
	void *p = map(fd, off, len, prot, flags);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return 0;
	}
	return -errno;
}

static int all(const unsigned char *p, size_t len, unsigned char v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int dev_noexec(void)
{
	char line[512];
	FILE *f = fopen("/proc/mounts", "r");
	int noexec = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char dev[128], dir[128], type[64], opts[256];

		if (sscanf(line, "%127s %127s %63s %255s", dev, dir, type, opts) == 4 &&
		    !strcmp(dir, "/dev"))
			noexec = !!strstr(opts, "noexec");
	}
	if (f)
		fclose(f);
	return noexec;
}

static void test_arena(int fd, unsigned char *arena)
{
	struct edualloc_alloc_info a, b;
	char buf[128];

	check(all(arena + 512 * KiB, 4096, EDUALLOC_POISON_FREE),
	      "a free page reads as poison (%#x)", EDUALLOC_POISON_FREE);
	EXPECT(0, do_alloc(fd, 100, &a), "ALLOC 100");
	check(all(arena + a.offset, 100, 0), "  its 100 bytes read as zero through the mapping");
	check(all(arena + a.offset + 100, 28, EDUALLOC_RED_ZONE),
	      "  the 28 bytes of slack are the red zone (%#x)", EDUALLOC_RED_ZONE);
	strcpy((char *)arena + a.offset, "written through the mapping");
	memset(buf, 0, sizeof(buf));
	EXPECT(0, do_rw(fd, 0, a.id, 0, buf, 28), "READ it");
	check(!strcmp(buf, "written through the mapping"), "  READ sees the mapping's bytes");
	EXPECT(0, do_rw(fd, 1, a.id, 50, "written by WRITE", 17), "WRITE at 50");
	check(!strcmp((char *)arena + a.offset + 50, "written by WRITE"),
	      "  the mapping sees WRITE's bytes");
	EXPECT(0, do_alloc(fd, 100, &b), "ALLOC 100 more");
	check(b.offset == a.offset + 128, "  the next slot");
	EXPECT(0, do_free_id(fd, a.id), "FREE the first");
	check(all(arena + a.offset, 128, EDUALLOC_POISON_FREE), "  its slot is poisoned");
	do_free_id(fd, b.id);
}

static void test_large(int fd)
{
	struct edualloc_alloc_info big, big2;
	unsigned char *m, *m2, *part;
	char buf[64];

	EXPECT(0, do_alloc(fd, 300000, &big), "ALLOC 300000 (large)");
	m = map(fd, big.offset, big.class_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	check(m != MAP_FAILED, "mmap it at its offset %#llx, %llu bytes",
	      (unsigned long long)big.offset, (unsigned long long)big.class_size);
	if (m == MAP_FAILED)
		return;
	check(all(m, 300000, 0) && all(m + 300000, big.class_size - 300000, EDUALLOC_RED_ZONE),
	      "  zeroed, the page slack red-zoned");
	strcpy((char *)m + 123456, "deep in a large allocation");
	EXPECT(0, do_rw(fd, 0, big.id, 123456, buf, 27), "READ at 123456");
	check(!strcmp(buf, "deep in a large allocation"), "  READ sees the mapping's bytes");
	EXPECT(0, do_rw(fd, 1, big.id, 299990, "last bytes", 10), "WRITE the last 10 bytes");
	check(!memcmp(m + 299990, "last bytes", 10), "  the mapping sees them");

	part = map(fd, big.offset + 122880, 4096, PROT_READ, MAP_SHARED);
	check(part != MAP_FAILED && !strcmp((char *)part + 576, "deep in a large allocation"),
	      "mmap one page inside it (offset + 122880): the same bytes");
	if (part != MAP_FAILED)
		munmap(part, 4096);
	EXPECT(EINVAL, map_err(fd, big.offset, big.class_size + 4096, PROT_READ, MAP_SHARED),
	       "mmap it one page too long");
	EXPECT(EINVAL, map_err(fd, big.offset + big.class_size, 4096, PROT_READ, MAP_SHARED),
	       "mmap just past its end");
	EXPECT(EINVAL, map_err(fd, EDUALLOC_LARGE_BASE + (1000ULL << EDUALLOC_LARGE_SHIFT), 4096,
			       PROT_READ, MAP_SHARED), "mmap the slot of an ID never issued");
	EXPECT(EINVAL, map_err(fd, EDUALLOC_LARGE_BASE, 4096, PROT_READ, MAP_SHARED),
	       "mmap the slot of ID 0");

	/* Free it while mapped: the pages stay until munmap. */
	EXPECT(0, do_free_id(fd, big.id), "FREE it while mapped");
	check(!probe(m, big.class_size), "  the mapping is still readable and writable");
	check(!strcmp((char *)m + 123456, "deep in a large allocation"), "  and holds its bytes");
	EXPECT(EALREADY, do_rw(fd, 0, big.id, 0, buf, 1), "  READ of the freed ID");
	EXPECT(EINVAL, map_err(fd, big.offset, 4096, PROT_READ, MAP_SHARED), "  mmap it again");
	EXPECT(0, do_alloc(fd, 300000, &big2), "ALLOC another large");
	check(big2.offset != big.offset, "  at another offset");
	memset(m, 0xee, big.class_size);
	memset(buf, 1, sizeof(buf));
	EXPECT(0, do_rw(fd, 0, big2.id, 0, buf, 64), "  READ it");
	check(all((unsigned char *)buf, 64, 0), "  writes to the old mapping do not reach it");
	m2 = map(fd, big2.offset, big2.class_size, PROT_READ, MAP_SHARED);
	check(m2 != MAP_FAILED && all(m2, 300000, 0), "  its own mapping reads zero");
	if (m2 != MAP_FAILED)
		munmap(m2, big2.class_size);
	munmap(m, big.class_size);

	/* Reset while mapped. */
	m = map(fd, big2.offset, big2.class_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 }), "RESET with a large mapping");
	check(m != MAP_FAILED && !probe(m, big2.class_size), "  the mapping is still usable");
	if (m != MAP_FAILED)
		munmap(m, big2.class_size);
}

static void test_refusals(int fd, unsigned long long cap)
{
	struct edualloc_alloc_info a;
	void *p;

	EXPECT(EINVAL, map_err(fd, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE),
	       "mmap MAP_PRIVATE");
	EXPECT(dev_noexec() ? EPERM : EINVAL,
	       map_err(fd, 0, 4096, PROT_READ | PROT_EXEC, MAP_SHARED), "mmap PROT_EXEC");
	EXPECT(EINVAL, map_err(fd, 0, cap + 4096, PROT_READ, MAP_SHARED),
	       "mmap the arena one page too long");
	EXPECT(EINVAL, map_err(fd, 4096, cap, PROT_READ, MAP_SHARED),
	       "mmap from page 1 with the arena's length");
	EXPECT(EINVAL, map_err(fd, cap, 4096, PROT_READ, MAP_SHARED), "mmap just past the arena");
	EXPECT(EINVAL, map_err(fd, EDUALLOC_LARGE_BASE - 4096, 4096, PROT_READ, MAP_SHARED),
	       "mmap between the arena and the large slots");
	do_alloc(fd, 64, &a);
	EXPECT(EINVAL, map_err(fd, EDUALLOC_LARGE_BASE + ((unsigned long long)a.id << EDUALLOC_LARGE_SHIFT),
			       4096, PROT_READ, MAP_SHARED), "mmap the large slot of a small allocation");
	do_free_id(fd, a.id);
	EXPECT(0, map_err(fd, 8192, 4096, PROT_READ, MAP_SHARED), "mmap one page inside the arena");
	EXPECT(0, map_err(fd, 0, cap, PROT_READ, MAP_SHARED), "mmap the arena read-only");

	p = map(fd, 0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (p == MAP_FAILED) {
		check(0, "mmap 2 pages");
		return;
	}
	check(mprotect(p, 8192, PROT_READ | PROT_EXEC) < 0 && errno == EACCES,
	      "mprotect(PROT_EXEC) on a mapping -> EACCES");
	check(mremap(p, 8192, 16384, 0) == MAP_FAILED, "mremap cannot grow a mapping");
	check(mprotect(p, 4096, PROT_READ) == 0, "mprotect(PROT_READ) is allowed");
	munmap(p, 8192);

	/* A file opened read-only maps MAP_SHARED, for reading only. */
	{
		int ro = open(DEV, O_RDONLY | O_CLOEXEC);
		struct edualloc_attach at = { .name = "shared" };
		struct edualloc_stats s;

		xioctl(ro, EDUALLOC_IOC_ATTACH, &at);
		do_stats(ro, &s);
		EXPECT(0, map_err(ro, 0, s.capacity, PROT_READ, MAP_SHARED),
		       "mmap PROT_READ, MAP_SHARED of an O_RDONLY file");
		EXPECT(EACCES, map_err(ro, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED),
		       "mmap PROT_WRITE, MAP_SHARED of an O_RDONLY file");
		close(ro);
	}
}

static void test_destroy_close(void)
{
	struct edualloc_create c;
	struct edualloc_destroy d;
	struct edualloc_alloc_info a;
	struct edualloc_inst_info info;
	struct edualloc_list l;
	struct edualloc_inst_info all_[64];
	unsigned char *m;
	int fd = dev_open(), other = dev_open(), i, found;
	char name[40];

	memset(&d, 0, sizeof(d));
	strcpy(d.name, "abi-mmap");
	xioctl(other, EDUALLOC_IOC_DESTROY, &d);
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "abi-mmap");
	c.capacity = 256 * KiB;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CREATE, &c), "CREATE \"abi-mmap\"");
	m = map(fd, 0, 256 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED);
	check(m != MAP_FAILED, "mmap its arena");
	do_alloc(fd, 1000, &a);
	EXPECT(0, xioctl(other, EDUALLOC_IOC_DESTROY, &d), "DESTROY it from another file");
	check(m != MAP_FAILED && !probe(m, 256 * KiB), "  the whole mapping is still usable");
	if (m != MAP_FAILED) {
		memset(m, 0xa5, 256 * KiB);
		check(all(m, 256 * KiB, 0xa5), "  and keeps what is written");
		munmap(m, 256 * KiB);
	}
	EXPECT(EIDRM, map_err(fd, 0, 4096, PROT_READ, MAP_SHARED), "mmap after DESTROY");
	close(fd);

	/* A private instance lives while a mapping holds its file. */
	fd = open_private(128 * KiB, 0, 0, &info);
	snprintf(name, sizeof(name), "%s", info.name);
	do_alloc(fd, 10, &a);
	m = map(fd, 0, 128 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED);
	strcpy((char *)m + a.offset, "kept");
	close(fd);
	memset(&l, 0, sizeof(l));
	l.buf = (uintptr_t)all_;
	l.max = 64;
	xioctl(other, EDUALLOC_IOC_LIST, &l);
	for (i = 0, found = 0; i < (int)l.count; i++)
		found |= !strcmp(all_[i].name, name);
	check(found, "close() with a mapping left: %s still exists", name);
	check(!strcmp((char *)m + a.offset, "kept"), "  the mapping still works");
	munmap(m, 128 * KiB);
	xioctl(other, EDUALLOC_IOC_LIST, &l);
	for (i = 0, found = 0; i < (int)l.count; i++)
		found |= !strcmp(all_[i].name, name);
	check(!found, "after munmap: %s is gone", name);
	close(other);
}

static void test_shared_two_files(void)
{
	int f1 = dev_open(), f2 = dev_open();
	struct edualloc_stats s;
	struct edualloc_alloc_info a;
	unsigned char *m1, *m2;

	do_stats(f1, &s);
	m1 = map(f1, 0, s.capacity, PROT_READ | PROT_WRITE, MAP_SHARED);
	m2 = map(f2, 0, s.capacity, PROT_READ, MAP_SHARED);
	check(m1 != MAP_FAILED && m2 != MAP_FAILED, "two files map the shared arena");
	if (m1 == MAP_FAILED || m2 == MAP_FAILED)
		return;
	EXPECT(0, do_alloc(f1, 40, &a), "ALLOC 40 in the shared instance");
	strcpy((char *)m1 + a.offset, "class heap");
	check(!strcmp((char *)m2 + a.offset, "class heap"), "  the other file's mapping sees it");

	/* And a forked child's writes. */
	if (!fork()) {
		strcpy((char *)m1 + a.offset, "from the child");
		_exit(0);
	}
	wait(NULL);
	{
		char buf[16] = "";

		do_rw(f2, 0, a.id, 0, buf, 15);
		check(!strcmp(buf, "from the child"), "a child's write through the inherited mapping: \"%s\"",
		      buf);
	}
	do_free_id(f2, a.id);
	munmap(m1, s.capacity);
	munmap(m2, s.capacity);
	close(f1);
	close(f2);
}

int main(void)
{
	struct edualloc_inst_info info;
	unsigned char *arena;
	int fd;

	abi_init("abi-mmap");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	fd = open_private(MiB, 0, EDUALLOC_CREATE_DEBUG_ON, &info);
	arena = map(fd, 0, info.capacity, PROT_READ | PROT_WRITE, MAP_SHARED);
	check(arena != MAP_FAILED, "mmap the arena: offset 0, %llu bytes, shared",
	      (unsigned long long)info.capacity);
	if (arena == MAP_FAILED)
		return abi_done();
	test_arena(fd, arena);
	test_large(fd);
	test_refusals(fd, info.capacity);
	EXPECT(0, do_validate(fd, NULL, 0), "VALIDATE");
	munmap(arena, info.capacity);
	close(fd);
	test_destroy_close();
	test_shared_two_files();
	return abi_done();
}
