// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: CREATE, ATTACH, DESTROY and LIST; the shared, named and
 * private kinds; the module's limits; destroy while attached (-EIDRM);
 * permissions between users; the module reference an open file holds.
 */
#include "abi.h"

#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define KiB 1024ULL

static const char *const mine[] = {
	"abi-n1", "abi-n2", "abi-child", "abi-root", "abi-u1000", "abi-lim1", "abi-lim2",
	"abi-lim3", "abi-lim4", "abi-lim5", "abi-lim6",
	"abcdefghijklmnopqrstuvwxyz01234",
};

static int create(int fd, const char *name, unsigned long long cap, unsigned int bits,
		  unsigned int flags, struct edualloc_inst_info *info)
{
	struct edualloc_create c;
	int r;

	memset(&c, 0, sizeof(c));
	memcpy(c.name, name, strnlen(name, sizeof(c.name)));
	c.capacity = cap;
	c.bitset_bits = bits;
	c.flags = flags;
	r = xioctl(fd, EDUALLOC_IOC_CREATE, &c);
	if (!r && info)
		*info = c.info;
	return r;
}

static int create_raw(int fd, struct edualloc_create *c)
{
	return xioctl(fd, EDUALLOC_IOC_CREATE, c);
}

static int attach(int fd, const char *name, unsigned int flags, struct edualloc_inst_info *info)
{
	struct edualloc_attach a;
	int r;

	memset(&a, 0, sizeof(a));
	memcpy(a.name, name, strnlen(name, sizeof(a.name)));
	a.flags = flags;
	r = xioctl(fd, EDUALLOC_IOC_ATTACH, &a);
	if (!r && info)
		*info = a.info;
	return r;
}

static int destroy(int fd, const char *name)
{
	struct edualloc_destroy d;

	memset(&d, 0, sizeof(d));
	memcpy(d.name, name, strnlen(name, sizeof(d.name)));
	return xioctl(fd, EDUALLOC_IOC_DESTROY, &d);
}

/* LIST into a buffer; returns the count, or -errno. */
static int list(int fd, struct edualloc_inst_info *buf, unsigned int max, unsigned int *total)
{
	struct edualloc_list l;
	int r;

	memset(&l, 0, sizeof(l));
	l.buf = (uintptr_t)buf;
	l.max = max;
	r = xioctl(fd, EDUALLOC_IOC_LIST, &l);
	if (r)
		return r;
	if (total)
		*total = l.total;
	return l.count;
}

static int find(int fd, const char *name, struct edualloc_inst_info *out)
{
	static struct edualloc_inst_info all[256];
	int n = list(fd, all, 256, NULL), i;

	for (i = 0; i < n; i++) {
		if (!strcmp(all[i].name, name)) {
			if (out)
				*out = all[i];
			return 1;
		}
	}
	return 0;
}

static unsigned long long param(const char *name)
{
	char path[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/edualloc/parameters/%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	return v;
}

static int set_param(const char *name, unsigned long long v)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/module/edualloc/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return 0;
	ok = fprintf(f, "%llu\n", v) > 0;
	return !fclose(f) && ok;
}

static void test_create_errors(int fd)
{
	struct edualloc_create c;
	struct edualloc_version v0, v1;

	do_version(fd, &v0);
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "abi-n1");
	c.capacity = 64 * KiB;

	c.capacity = 0;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE capacity 0");
	c.capacity = 64 * KiB - 1;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE capacity below the minimum");
	c.capacity = 64 * KiB;
	c.bitset_bits = EDUALLOC_MAX_BITSET_BITS + 1;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE bitset_bits over the maximum");
	c.bitset_bits = 0;
	c.first_id = 0x80000000u;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE first_id over INT_MAX");
	c.first_id = 0;
	c.flags = 1U << 3;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE with an unknown flag");
	c.flags = EDUALLOC_CREATE_DEBUG_ON | EDUALLOC_CREATE_DEBUG_OFF;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE with DEBUG_ON and DEBUG_OFF");
	c.flags = 0;
	c.__pad = 1;
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE with non-zero __pad");
	c.__pad = 0;
	c.capacity = v0.max_capacity + 4096;
	EXPECT(EDQUOT, create_raw(fd, &c), "CREATE over max_capacity (%llu)",
	       (unsigned long long)v0.max_capacity);
	c.capacity = ~0ULL;
	EXPECT(EDQUOT, create_raw(fd, &c), "CREATE capacity 2^64 - 1");
	c.capacity = 64 * KiB;

	/* Names: a-z 0-9 _ -, 1 to 31 characters, NUL-terminated, zero-padded. */
	EXPECT(EINVAL, create(fd, "Abc", 64 * KiB, 0, 0, NULL), "CREATE name with a capital");
	EXPECT(EINVAL, create(fd, "a b", 64 * KiB, 0, 0, NULL), "CREATE name with a space");
	EXPECT(EINVAL, create(fd, "a.b", 64 * KiB, 0, 0, NULL), "CREATE name with a dot");
	EXPECT(EINVAL, create(fd, "a/b", 64 * KiB, 0, 0, NULL), "CREATE name with a slash");
	EXPECT(EINVAL, create(fd, "caf\xc3\xa9", 64 * KiB, 0, 0, NULL), "CREATE name in UTF-8");
	memset(c.name, 'a', sizeof(c.name));
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE name of 32 characters (no NUL)");
	memset(c.name, 0, sizeof(c.name));
	strcpy(c.name, "abi-n1");
	c.name[10] = 'x';
	EXPECT(EINVAL, create_raw(fd, &c), "CREATE name with garbage after the NUL");
	EXPECT(EEXIST, create(fd, "shared", 64 * KiB, 0, 0, NULL), "CREATE \"shared\"");

	do_version(fd, &v1);
	check(v1.nr_instances == v0.nr_instances && v1.total_bytes == v0.total_bytes,
	      "refused CREATEs made nothing (%u instances, %llu bytes)", v1.nr_instances,
	      (unsigned long long)v1.total_bytes);
}

static void test_named(int fd)
{
	struct edualloc_inst_info i1, i2, l;
	struct edualloc_alloc_info a;
	struct edualloc_version v0, v1;
	int fd2, fd3;
	char buf[16];
	void *p;

	do_version(fd, &v0);
	EXPECT(0, create(fd, "abi-n1", 100000, 0, EDUALLOC_CREATE_DEBUG_OFF, &i1),
	       "CREATE named \"abi-n1\" of 100000 bytes");
	check(!strcmp(i1.name, "abi-n1") && i1.kind == EDUALLOC_KIND_NAMED &&
	      i1.flags == EDUALLOC_INST_ATTACHED && i1.owner_uid == 0 &&
	      i1.capacity == 102400 && i1.used_bytes == 0 && i1.live_allocs == 0 &&
	      i1.bitset_bits == 0 && i1.nr_attached == 1 && i1.creator_pid == (unsigned int)getpid() &&
	      !i1.__pad,
	      "  named, attached, no debug, no bitset, owner 0, 102400 bytes, 1 file (kind %u flags %#x cap %llu)",
	      i1.kind, i1.flags, (unsigned long long)i1.capacity);
	check(i1.id > 1, "  instance ID %u", i1.id);
	do_version(fd, &v1);
	check(v1.nr_instances == v0.nr_instances + 1 && v1.total_bytes == v0.total_bytes + 102400,
	      "  VERSION counts it: %u instances, %llu bytes", v1.nr_instances,
	      (unsigned long long)v1.total_bytes);
	EXPECT(0, do_alloc(fd, 10, &a), "ALLOC in it");
	EXPECT(0, do_rw(fd, 1, a.id, 0, "named", 6), "WRITE in it");
	EXPECT(EEXIST, create(fd, "abi-n1", 64 * KiB, 0, 0, NULL), "CREATE \"abi-n1\" again");

	fd2 = dev_open();
	EXPECT(0, attach(fd2, "abi-n1", 0, &i2), "ATTACH \"abi-n1\" from another file");
	check(i2.id == i1.id && i2.nr_attached == 2 && i2.live_allocs == 1 && i2.used_bytes == 4096,
	      "  the same instance, 2 files, 1 allocation, 1 page used");
	EXPECT(0, do_rw(fd2, 0, a.id, 0, buf, 6), "READ through the other file");
	check(!strcmp(buf, "named"), "  \"%s\"", buf);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	check(p != MAP_FAILED, "mmap its arena");

	/* Destroy while another file is attached and has a mapping. */
	fd3 = dev_open();
	EXPECT(0, destroy(fd3, "abi-n1"), "DESTROY \"abi-n1\" from a third file");
	check(!find(fd3, "abi-n1", NULL), "  LIST no longer shows it");
	do_version(fd, &v1);
	check(v1.nr_instances == v0.nr_instances + 1 && v1.total_bytes == v0.total_bytes + 102400,
	      "  its bytes stay charged while a mapping of it lives (%u instances, %llu bytes)",
	      v1.nr_instances, (unsigned long long)v1.total_bytes);
	EXPECT(EIDRM, do_alloc(fd2, 8, NULL), "ALLOC on a destroyed instance");
	EXPECT(EIDRM, do_free_id(fd2, a.id), "FREE on a destroyed instance");
	EXPECT(EIDRM, do_lookup_id(fd2, a.id, NULL), "LOOKUP on a destroyed instance");
	EXPECT(EIDRM, do_rw(fd2, 0, a.id, 0, buf, 1), "READ on a destroyed instance");
	EXPECT(EIDRM, do_rw(fd2, 1, a.id, 0, buf, 1), "WRITE on a destroyed instance");
	{
		struct edualloc_realloc r = { .id = a.id, .size = 20 };
		struct edualloc_bit b = { .op = EDUALLOC_BIT_GET };
		struct edualloc_stats s;
		struct edualloc_reset rs = { 0 };
		struct edualloc_config c = { 0 };

		EXPECT(EIDRM, xioctl(fd2, EDUALLOC_IOC_REALLOC, &r), "REALLOC on a destroyed instance");
		EXPECT(EIDRM, xioctl(fd2, EDUALLOC_IOC_BIT, &b), "BIT on a destroyed instance");
		EXPECT(EIDRM, do_stats(fd2, &s), "STATS on a destroyed instance");
		EXPECT(EIDRM, xioctl(fd2, EDUALLOC_IOC_RESET, &rs), "RESET on a destroyed instance");
		EXPECT(EIDRM, xioctl(fd2, EDUALLOC_IOC_CONFIG, &c), "CONFIG on a destroyed instance");
		EXPECT(EIDRM, do_validate(fd2, NULL, 0), "VALIDATE on a destroyed instance");
		{
			struct edualloc_pages pg = { 0 };
			struct edualloc_allocs al = { 0 };

			EXPECT(EIDRM, xioctl(fd2, EDUALLOC_IOC_PAGES, &pg), "PAGES on a destroyed instance");
			EXPECT(EIDRM, xioctl(fd2, EDUALLOC_IOC_ALLOCS, &al),
			       "ALLOCS on a destroyed instance");
		}
	}
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 0) == MAP_FAILED && errno == EIDRM,
	      "mmap on a destroyed instance -> EIDRM");
	if (p != MAP_FAILED) {
		memset(p, 0x5a, 4096);
		check(((unsigned char *)p)[4095] == 0x5a, "the old mapping is still usable");
		munmap(p, 4096);
	}
	EXPECT(0, do_version(fd2, &v1), "VERSION still works");
	check(v1.nr_instances == v0.nr_instances && v1.total_bytes == v0.total_bytes,
	      "  after munmap its bytes are given back");
	EXPECT(ENOENT, destroy(fd3, "abi-n1"), "DESTROY it again");
	EXPECT(ENOENT, attach(fd3, "abi-n1", 0, NULL), "ATTACH it again");
	EXPECT(0, attach(fd2, "shared", 0, &i2), "the orphaned file ATTACHes \"shared\"");
	check(i2.kind == EDUALLOC_KIND_SHARED, "  and works again");
	EXPECT(0, do_alloc(fd2, 8, &a), "  ALLOC");
	do_free_id(fd2, a.id);
	EXPECT(0, create(fd3, "abi-n1", 64 * KiB, 0, 0, &i2), "the name can be used again");
	check(i2.id != i1.id, "  by a new instance (ID %u)", i2.id);
	EXPECT(0, destroy(fd3, "abi-n1"), "DESTROY it");
	close(fd2);
	close(fd3);

	/* A named instance outlives the process that made it. */
	{
		pid_t pid = fork();
		int status;

		if (!pid) {
			int c = dev_open();

			if (create(c, "abi-child", 64 * KiB, 64, 0, NULL) || do_alloc(c, 33, NULL))
				_exit(1);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		check(WIFEXITED(status) && !WEXITSTATUS(status), "a child CREATEs \"abi-child\" and exits");
		fd2 = dev_open();
		EXPECT(0, attach(fd2, "abi-child", 0, &l), "ATTACH it after the child is gone");
		check(l.live_allocs == 1 && l.live_requested == 33 && l.creator_pid == (unsigned int)pid &&
		      l.bitset_bits == 64 && (l.flags & EDUALLOC_INST_BITSET),
		      "  its allocation and bitset are there, made by pid %u", l.creator_pid);
		EXPECT(0, destroy(fd2, "abi-child"), "DESTROY \"abi-child\" (leak report)");
		EXPECT(EIDRM, do_alloc(fd2, 8, NULL), "  the destroying file is left detached");
		close(fd2);
	}

	/* ATTACH errors. */
	EXPECT(ENOENT, attach(fd, "abi-none", 0, NULL), "ATTACH a name nobody made");
	EXPECT(EINVAL, attach(fd, "", 0, NULL), "ATTACH \"\" without PRIVATE");
	EXPECT(EINVAL, attach(fd, "shared", EDUALLOC_ATTACH_PRIVATE, NULL), "ATTACH PRIVATE with a name");
	EXPECT(EINVAL, attach(fd, "Shared", 0, NULL), "ATTACH a bad name");
	EXPECT(EINVAL, attach(fd, "shared", 2, NULL), "ATTACH with an unknown flag");
	{
		struct edualloc_attach at;

		memset(&at, 0, sizeof(at));
		strcpy(at.name, "shared");
		at.__pad = 1;
		EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_ATTACH, &at), "ATTACH with non-zero __pad");
	}

	/* DESTROY errors. */
	EXPECT(EINVAL, destroy(fd, ""), "DESTROY \"\"");
	EXPECT(EINVAL, destroy(fd, "Abc"), "DESTROY a bad name");
	EXPECT(EPERM, destroy(fd, "shared"), "DESTROY \"shared\" (even root)");
	EXPECT(ENOENT, destroy(fd, "abi-none"), "DESTROY a name nobody made");
	{
		struct edualloc_destroy d;

		memset(&d, 0, sizeof(d));
		strcpy(d.name, "abi-none");
		d.flags = 1;
		EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_DESTROY, &d), "DESTROY with flags 1");
		d.flags = 0;
		d.__pad = 1;
		EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_DESTROY, &d), "DESTROY with non-zero __pad");
	}
	EXPECT(0, create(fd, "abcdefghijklmnopqrstuvwxyz01234", 64 * KiB, 0, 0, &l),
	       "CREATE a name of 31 characters");
	EXPECT(0, destroy(fd, "abcdefghijklmnopqrstuvwxyz01234"), "DESTROY it");
}

static void test_private(void)
{
	struct edualloc_inst_info p, l, s;
	struct edualloc_version v0, v1;
	struct edualloc_alloc_info a;
	char name[40];
	int fd, fd2, dupfd, other;

	other = dev_open();
	do_version(other, &v0);
	fd = dev_open();
	EXPECT(0, create(fd, "", 256 * KiB, 16, EDUALLOC_CREATE_DEBUG_ON, &p), "CREATE private");
	snprintf(name, sizeof(name), "pid%d.%u", getpid(), p.id);
	check(!strcmp(p.name, name) && p.kind == EDUALLOC_KIND_PRIVATE &&
	      p.flags == (EDUALLOC_INST_ATTACHED | EDUALLOC_INST_DEBUG | EDUALLOC_INST_BITSET) &&
	      p.capacity == 256 * KiB && p.nr_attached == 1,
	      "  named \"%s\", private, attached, debug, bitset", p.name);
	EXPECT(EEXIST, create(fd, "", 64 * KiB, 0, 0, NULL), "CREATE a second private on the same file");
	check(find(other, name, &l) && l.kind == EDUALLOC_KIND_PRIVATE && l.owner_uid == 0 &&
	      !(l.flags & EDUALLOC_INST_ATTACHED),
	      "LIST from another file shows it, not attached there");
	EXPECT(EINVAL, attach(other, name, 0, NULL), "ATTACH another file's private instance by name");
	EXPECT(EINVAL, destroy(other, name), "DESTROY it by name");
	EXPECT(ENOENT, attach(other, "", EDUALLOC_ATTACH_PRIVATE, NULL),
	       "ATTACH PRIVATE from a file that owns none");

	EXPECT(0, do_alloc(fd, 40, &a), "ALLOC in the private instance");
	EXPECT(0, attach(fd, "shared", 0, &s), "ATTACH \"shared\": the private one stays");
	check(s.kind == EDUALLOC_KIND_SHARED, "  attached to the shared instance");
	check(find(other, name, &l) && l.live_allocs == 1, "  the private one still exists");
	EXPECT(0, attach(fd, "", EDUALLOC_ATTACH_PRIVATE, &l), "ATTACH PRIVATE: back to it");
	check(l.id == p.id && l.live_allocs == 1, "  the same instance, its allocation there");
	EXPECT(0, do_lookup_id(fd, a.id, NULL), "  LOOKUP the allocation");

	/* It lives as long as the file: dup keeps it, the last close ends it. */
	dupfd = dup(fd);
	close(fd);
	check(find(other, name, NULL), "after close(fd) with a dup open: still listed");
	EXPECT(0, do_lookup_id(dupfd, a.id, NULL), "  usable through the dup");
	close(dupfd);
	check(!find(other, name, NULL), "after the last close: gone (leak report)");
	do_version(other, &v1);
	check(v1.nr_instances == v0.nr_instances && v1.total_bytes == v0.total_bytes,
	      "  its instance and bytes are given back");

	/* Two files, two private instances, no interference. */
	fd = open_private(64 * KiB, 0, 0, NULL);
	fd2 = open_private(64 * KiB, 0, 0, NULL);
	do_alloc(fd, 8, &a);
	check(a.id == 1, "first private instance: ID 1");
	do_alloc(fd2, 8, &a);
	check(a.id == 1, "second private instance: its own ID 1");
	close(fd);
	close(fd2);
	close(other);
}

static void test_shared(void)
{
	struct edualloc_alloc_info a, b;
	struct edualloc_inst_info sh;
	struct edualloc_stats s1, s2;
	int fd1 = dev_open(), fd2 = dev_open();
	char buf[32];

	memset(&sh, 0, sizeof(sh));
	EXPECT(0, do_stats(fd1, &s1), "STATS of a new file");
	check(s1.kind == EDUALLOC_KIND_SHARED && !strcmp(s1.name, "shared") && s1.inst_id == 1,
	      "a new file is attached to \"shared\" (ID 1)");
	check(s1.capacity == ((param("shared_capacity") + 4095) & ~4095ULL) &&
	      s1.bitset_bits == param("shared_bitset_bits"),
	      "  with the module parameters' capacity and bitset (%llu, %u)",
	      (unsigned long long)s1.capacity, s1.bitset_bits);
	check(find(fd1, "shared", &sh) && sh.kind == EDUALLOC_KIND_SHARED && sh.owner_uid == 0 &&
	      sh.creator_pid == 0 && sh.nr_attached >= 2 && (sh.flags & EDUALLOC_INST_ATTACHED),
	      "LIST: shared, root's, made by the module, %u files attached", sh.nr_attached);

	EXPECT(0, do_alloc(fd1, 24, &a), "ALLOC on one file");
	EXPECT(0, do_lookup_id(fd2, a.id, &b), "LOOKUP it on another");
	check(!memcmp(&a, &b, sizeof(a)), "  the same allocation: one heap");
	EXPECT(0, do_rw(fd2, 1, a.id, 0, "shared heap", 12), "WRITE on the other file");
	EXPECT(0, do_rw(fd1, 0, a.id, 0, buf, 12), "READ on the first");
	check(!strcmp(buf, "shared heap"), "  \"%s\"", buf);
	do_stats(fd2, &s2);
	check(s2.allocs >= s1.allocs + 1 && s2.live_allocs >= 1, "STATS on either file counts it");
	EXPECT(0, do_free_id(fd2, a.id), "FREE it on the other file");
	EXPECT(EALREADY, do_lookup_id(fd1, a.id, NULL), "  gone for the first");
	close(fd1);
	close(fd2);
}

static void test_list(int fd)
{
	struct edualloc_inst_info all[256], one[2];
	struct edualloc_version v;
	struct edualloc_list l;
	unsigned int total = 0;
	int n, i, attached = 0;

	do_version(fd, &v);
	n = list(fd, NULL, 0, &total);
	check(n == 0 && total == v.nr_instances, "LIST max 0: count 0, total %u = VERSION's", total);
	n = list(fd, all, 256, &total);
	check(n == (int)total && n >= 1, "LIST all: %d entries", n);
	check(n >= 1 && !strcmp(all[0].name, "shared") && all[0].id == 1 &&
	      all[0].kind == EDUALLOC_KIND_SHARED, "  the shared instance first");
	for (i = 0; i < n; i++) {
		attached += !!(all[i].flags & EDUALLOC_INST_ATTACHED);
		if (i)
			check(all[i].id > all[i - 1].id, "  in creation order: %s (%u)",
			      all[i].name, all[i].id);
	}
	check(attached == 1, "  exactly one marked attached (%d)", attached);
	memset(one, 0x77, sizeof(one));
	n = list(fd, one, 1, &total);
	check(n == 1 && total >= 1 && !strcmp(one[0].name, "shared") &&
	      one[1].id == 0x77777777, "LIST max 1: one entry written, no more");
	memset(&l, 0, sizeof(l));
	l.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_LIST, &l), "LIST with flags 1");
}

static void test_limits(int fd)
{
	unsigned long long max_inst = param("max_instances"), max_total = param("max_total_bytes");
	unsigned long long max_cap = param("max_capacity");
	struct edualloc_version v0, v1;
	int fdp, fdq;

	if (!max_inst || !max_total || !max_cap) {
		check(0, "module parameters readable");
		return;
	}
	do_version(fd, &v0);

	/* Number of instances. */
	check(set_param("max_instances", v0.nr_instances + 2), "max_instances := %u",
	      v0.nr_instances + 2);
	EXPECT(0, create(fd, "abi-lim1", 64 * KiB, 0, 0, NULL), "CREATE up to the limit - 1");
	fdp = open_private(64 * KiB, 0, 0, NULL);
	check(1, "CREATE private up to the limit");
	EXPECT(EDQUOT, create(fd, "abi-lim2", 64 * KiB, 0, 0, NULL), "CREATE named over max_instances");
	fdq = dev_open();
	EXPECT(EDQUOT, create(fdq, "", 64 * KiB, 0, 0, NULL), "CREATE private over max_instances");
	check(!find(fd, "abi-lim2", NULL), "  nothing made");
	close(fdp);
	EXPECT(0, create(fdq, "", 64 * KiB, 0, 0, NULL), "a private instance closed makes room");
	close(fdq);
	destroy(fd, "abi-lim1");
	set_param("max_instances", max_inst);

	/* Total bytes. */
	do_version(fd, &v0);
	check(set_param("max_total_bytes", v0.total_bytes + 192 * KiB), "max_total_bytes := now + 192 KiB");
	EXPECT(0, create(fd, "abi-lim3", 128 * KiB, 0, 0, NULL), "CREATE 128 KiB");
	EXPECT(EDQUOT, create(fd, "abi-lim4", 128 * KiB, 0, 0, NULL), "CREATE 128 KiB more: over the total");
	EXPECT(0, create(fd, "abi-lim4", 64 * KiB, 0, 0, NULL), "CREATE 64 KiB: exactly the total");
	do_version(fd, &v1);
	check(v1.total_bytes == v1.max_total_bytes, "  VERSION total_bytes = max_total_bytes");
	EXPECT(EDQUOT, create(fd, "abi-lim5", 64 * KiB, 0, 0, NULL), "CREATE anything more");
	destroy(fd, "abi-lim3");
	destroy(fd, "abi-lim4");
	set_param("max_total_bytes", max_total);

	/* Capacity of one instance. */
	check(set_param("max_capacity", 128 * KiB), "max_capacity := 128 KiB");
	EXPECT(EDQUOT, create(fd, "abi-lim6", 128 * KiB + 1, 0, 0, NULL), "CREATE 128 KiB + 1");
	EXPECT(0, create(fd, "abi-lim6", 128 * KiB, 0, 0, NULL), "CREATE 128 KiB");
	destroy(fd, "abi-lim6");
	set_param("max_capacity", max_cap);

	do_version(fd, &v1);
	check(v1.max_instances == max_inst && v1.max_total_bytes == max_total &&
	      v1.max_capacity == max_cap, "limits restored");
}

/* Permissions: another uid cannot touch root's named instance, and so on. */
struct perm_arg {
	int fd;			/* opened by root before fork */
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[1];
	int expect_open;	/* errno expected from open(), 0 for success */
	int stage;
};

static int drop(struct perm_arg *p)
{
	return setgroups(p->ngroups, p->groups) || setgid(p->gid) || setuid(p->uid);
}

static void as_user(void *arg)
{
	struct perm_arg *p = arg;
	struct edualloc_inst_info info;
	struct edualloc_config c;
	int fd;

	if (drop(p)) {
		check(0, "drop to uid %u: %s", p->uid, strerror(errno));
		return;
	}
	fd = open(DEV, O_RDWR);
	if (!check(fd < 0 ? errno == p->expect_open : !p->expect_open,
		   "uid %u gid %u open " DEV " -> %s (got %s)", p->uid, p->gid,
		   ename(p->expect_open), fd < 0 ? ename(errno) : "0")) {
		struct stat sb;
		gid_t g[8];
		int n = getgroups(8, g);

		memset(&sb, 0, sizeof(sb));
		if (stat(DEV, &sb))
			printf("  stat " DEV ": %s\n", strerror(errno));
		printf("  device %u:%u mode %o; me %u:%u, %d groups (first %u)\n",
		       sb.st_uid, sb.st_gid, sb.st_mode & 07777, getuid(), getgid(), n,
		       n > 0 ? g[0] : 0);
		if (!stat("/dev", &sb))
			printf("  /dev %u:%u mode %o\n", sb.st_uid, sb.st_gid, sb.st_mode & 07777);
	}
	if (fd >= 0)
		close(fd);

	switch (p->stage) {
	case 1:
		EXPECT(EPERM, attach(p->fd, "abi-root", 0, NULL), "uid %u ATTACH root's instance", p->uid);
		EXPECT(EPERM, destroy(p->fd, "abi-root"), "uid %u DESTROY root's instance", p->uid);
		EXPECT(EPERM, destroy(p->fd, "shared"), "uid %u DESTROY \"shared\"", p->uid);
		memset(&c, 0, sizeof(c));
		c.flags = EDUALLOC_CONFIG_SET_DEBUG;
		c.debug = 1;
		EXPECT(EPERM, xioctl(p->fd, EDUALLOC_IOC_CONFIG, &c),
		       "uid %u CONFIG SET_DEBUG on \"shared\"", p->uid);
		c.flags = EDUALLOC_CONFIG_SET_FAIL_NTH;
		c.debug = 0;
		c.fail_nth = 1;
		EXPECT(EPERM, xioctl(p->fd, EDUALLOC_IOC_CONFIG, &c),
		       "uid %u CONFIG SET_FAIL_NTH on \"shared\"", p->uid);
		memset(&c, 0, sizeof(c));
		EXPECT(0, xioctl(p->fd, EDUALLOC_IOC_CONFIG, &c), "uid %u CONFIG read on \"shared\"",
		       p->uid);
		{
			struct edualloc_alloc_info a = { 0 };

			EXPECT(0, do_alloc(p->fd, 8, &a), "uid %u ALLOC on \"shared\"", p->uid);
			EXPECT(0, do_free_id(p->fd, a.id), "uid %u FREE on \"shared\"", p->uid);
		}
		EXPECT(0, create(p->fd, "abi-u1000", 64 * KiB, 0, 0, &info), "uid %u CREATE its own",
		       p->uid);
		check(info.owner_uid == p->uid, "  owned by %u (%u)", p->uid, info.owner_uid);
		EXPECT(0, attach(p->fd, "shared", 0, NULL), "uid %u ATTACH \"shared\"", p->uid);
		EXPECT(0, attach(p->fd, "abi-u1000", 0, NULL), "uid %u ATTACH its own", p->uid);
		memset(&c, 0, sizeof(c));
		c.flags = EDUALLOC_CONFIG_SET_DEBUG;
		c.debug = 0;
		EXPECT(0, xioctl(p->fd, EDUALLOC_IOC_CONFIG, &c), "uid %u CONFIG its own", p->uid);
		break;
	case 2:
		EXPECT(EPERM, attach(p->fd, "abi-u1000", 0, NULL), "uid %u ATTACH uid 1000's", p->uid);
		EXPECT(EPERM, destroy(p->fd, "abi-u1000"), "uid %u DESTROY uid 1000's", p->uid);
		EXPECT(0, create(p->fd, "", 64 * KiB, 0, 0, &info), "uid %u CREATE private", p->uid);
		check(info.owner_uid == p->uid, "  owned by %u", p->uid);
		break;
	}
}

static void test_perms(int fd)
{
	struct perm_arg p = { .uid = 1000, .gid = 1000, .ngroups = 0, .stage = 1 };
	struct edualloc_inst_info info;
	struct stat sb, sb0;
	int open_err;

	if (stat(DEV, &sb0)) {
		check(0, "stat " DEV);
		return;
	}
	/* Other users must reach the device node for the test to mean anything. */
	check(!stat("/", &sb) && (sb.st_mode & 0001), "/ is searchable by other users (mode %o)",
	      sb.st_mode & 07777);
	check((sb0.st_mode & 0777) == param("dev_mode"), DEV " has mode %#o = dev_mode",
	      sb0.st_mode & 0777);
	open_err = (sb0.st_mode & 0006) == 0006 ? 0 : EACCES;

	EXPECT(0, create(fd, "abi-root", 64 * KiB, 0, 0, NULL), "root CREATEs \"abi-root\"");
	p.fd = dev_open();
	p.expect_open = open_err;
	in_child(as_user, &p);
	close(p.fd);

	/* With the device's group, the same user may open it. */
	if (chown(DEV, 0, 100) == 0 && chmod(DEV, 0660) == 0) {
		p.fd = dev_open();
		p.stage = 2;
		p.uid = 1001;
		p.gid = 1001;
		p.ngroups = 1;
		p.groups[0] = 100;
		p.expect_open = 0;
		in_child(as_user, &p);
		p.ngroups = 0;
		p.expect_open = EACCES;
		p.stage = 3;
		in_child(as_user, &p);
		close(p.fd);
		check(!chown(DEV, sb0.st_uid, sb0.st_gid) && !chmod(DEV, sb0.st_mode & 07777),
		      "restore " DEV "'s owner and mode");
	} else {
		check(0, "chgrp " DEV ": %s", strerror(errno));
	}
	stat(DEV, &sb);
	check(sb.st_gid == sb0.st_gid && sb.st_mode == sb0.st_mode, DEV " as it was");

	EXPECT(0, attach(fd, "abi-u1000", 0, &info), "root ATTACHes uid 1000's instance");
	check(info.owner_uid == 1000 && !(info.flags & EDUALLOC_INST_DEBUG),
	      "  owner 1000, its CONFIG applied");
	EXPECT(0, attach(fd, "shared", 0, NULL), "root ATTACHes \"shared\" again");
	EXPECT(0, destroy(fd, "abi-u1000"), "root DESTROYs uid 1000's instance");
	EXPECT(0, destroy(fd, "abi-root"), "root DESTROYs its own");
}

static void test_module_ref(void)
{
	int fd = dev_open();
	long r = syscall(SYS_delete_module, "edualloc", O_NONBLOCK);

	/* delete_module() says EWOULDBLOCK (EAGAIN) for a module in use. */
	check(r < 0 && errno == EWOULDBLOCK, "rmmod while a file is open -> EWOULDBLOCK (got %s)",
	      r < 0 ? ename(errno) : "0");
	close(fd);
}

int main(void)
{
	unsigned int i;
	int fd;

	abi_init("abi-instances");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	if (geteuid())
		abi_skip("needs root");
	fd = dev_open();
	for (i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		destroy(fd, mine[i]);	/* leftovers of an earlier run */

	test_create_errors(fd);
	test_named(fd);
	attach(fd, "shared", 0, NULL);
	test_private();
	test_shared();
	test_list(fd);
	test_limits(fd);
	test_perms(fd);
	test_module_ref();

	for (i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		check(destroy(fd, mine[i]) == -ENOENT, "nothing left: %s", mine[i]);
	close(fd);
	return abi_done();
}
