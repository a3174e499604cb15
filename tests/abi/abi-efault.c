// SPDX-License-Identifier: GPL-2.0
/*
 * Bad user pointers, for every command: NULL, unmapped, read-only (where
 * the command writes back) and a kernel address give -EFAULT, and the
 * refused call leaves no trace. Also the pointers inside arguments (LIST's
 * buffer, READ's and WRITE's), and no kernel address in any output.
 */
#include "abi.h"

#define KiB 1024ULL

struct cmdinfo {
	const char *name;
	unsigned long cmd;
};

/* Every command, from the uapi header's list. */
#define CMD_ROW(NAME, type)	{ #NAME, EDUALLOC_IOC_##NAME },
static const struct cmdinfo cmds[] = { EDUALLOC_COMMANDS(CMD_ROW) };

/* _IOR/_IOWR: the call writes its argument back, a read-only one must fail. */
static int writes_back(unsigned long cmd)
{
	return !!(_IOC_DIR(cmd) & _IOC_READ);
}

/* A read-only copy of @len bytes. */
static void *ro_copy(const void *src, size_t len)
{
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, src, len);
	mprotect(p, 8192, PROT_READ);
	return p;
}

/* @len bytes ending 8 bytes into an unmapped page: the copy must fault. */
static void *straddle(const void *src, size_t len)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + 4096, 4096);
	memcpy(p + 4096 - (len - 8), src, len - 8);
	return p + 4096 - (len - 8);
}

/* A valid argument for @cmd, in a read-only page. */
static void *valid_ro(unsigned long cmd, int id)
{
	union {
		struct edualloc_create c;
		struct edualloc_attach at;
		struct edualloc_alloc a;
		struct edualloc_lookup l;
		struct edualloc_realloc r;
		struct edualloc_bit b;
		struct edualloc_batch ba;
		unsigned char raw[2048];
	} u;
	static struct edualloc_batch_entry one;

	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case EDUALLOC_IOC_CREATE:
		u.c.capacity = 64 * KiB;
		break;
	case EDUALLOC_IOC_ATTACH:
		strcpy(u.at.name, "shared");
		break;
	case EDUALLOC_IOC_ALLOC:
		u.a.size = 8;
		break;
	case EDUALLOC_IOC_LOOKUP:
		u.l.flags = EDUALLOC_LOOKUP_BY_ID;
		u.l.id = id;
		break;
	case EDUALLOC_IOC_REALLOC:
		u.r.id = id;
		u.r.size = 8;
		break;
	case EDUALLOC_IOC_BIT:
		u.b.op = EDUALLOC_BIT_GET;
		break;
	case EDUALLOC_IOC_BATCH:
		one = (struct edualloc_batch_entry){ .op = EDUALLOC_BATCH_ALLOC, .size = 8 };
		u.ba.entries = (uintptr_t)&one;
		u.ba.count = 1;
		break;
	}
	return ro_copy(&u, sizeof(u));
}

static void test_args(int fd)
{
	struct edualloc_alloc_info a;
	unsigned int i;
	void *unm = unmapped_page();

	do_alloc(fd, 16, &a);

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmdinfo *c = &cmds[i];

		EXPECT(EFAULT, xioctl(fd, c->cmd, NULL), "%s with a NULL argument", c->name);
		EXPECT(EFAULT, xioctl(fd, c->cmd, unm), "%s with an unmapped argument", c->name);
		EXPECT(EFAULT, xioctl(fd, c->cmd, KADDR), "%s with a kernel address", c->name);
		EXPECT(EFAULT, xioctl(fd, c->cmd, (void *)(uintptr_t)-8), "%s with address -8",
		       c->name);
		if (writes_back(c->cmd))
			EXPECT(EFAULT, xioctl(fd, c->cmd, valid_ro(c->cmd, a.id)),
			       "%s with a valid argument in a read-only page", c->name);
	}
}

/* A read-only argument that is otherwise valid: the call must do nothing. */
static void test_readonly(int fd)
{
	struct edualloc_stats s0, s1;
	struct edualloc_version v0, v1;
	struct edualloc_alloc_info a;
	void *p;

	do_alloc(fd, 64, &a);
	do_stats(fd, &s0);
	{
		struct edualloc_alloc x = { .size = 64 };

		p = ro_copy(&x, sizeof(x));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_ALLOC, p), "ALLOC from a read-only struct");
		p = straddle(&x, sizeof(x));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_ALLOC, p), "ALLOC from a struct running off its page");
	}
	{
		struct edualloc_realloc x = { .id = a.id, .size = 1000 };

		p = ro_copy(&x, sizeof(x));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_REALLOC, p), "REALLOC from a read-only struct");
	}
	{
		struct edualloc_bit x = { .op = EDUALLOC_BIT_SET, .bit = 3 };
		struct edualloc_bit g = { .op = EDUALLOC_BIT_GET, .bit = 3 };

		p = ro_copy(&x, sizeof(x));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_BIT, p), "BIT SET from a read-only struct");
		xioctl(fd, EDUALLOC_IOC_BIT, &g);
		check(g.value == 0, "  the bit stayed clear");
	}
	{
		struct edualloc_config x = { .flags = EDUALLOC_CONFIG_SET_DEBUG, .debug = 0 };
		struct edualloc_config g = { 0 };

		p = ro_copy(&x, sizeof(x));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_CONFIG, p), "CONFIG SET_DEBUG from a read-only struct");
		xioctl(fd, EDUALLOC_IOC_CONFIG, &g);
		check(g.debug == 1, "  debug stayed on");
		x.flags = EDUALLOC_CONFIG_SET_FAIL_NTH;
		x.fail_nth = 1;
		p = ro_copy(&x, sizeof(x));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_CONFIG, p), "CONFIG SET_FAIL_NTH from a read-only struct");
	}
	do_stats(fd, &s1);
	check(s1.allocs == s0.allocs && s1.frees == s0.frees && s1.next_id == s0.next_id &&
	      s1.live_allocs == s0.live_allocs && s1.failed_allocs == s0.failed_allocs &&
	      s1.reallocs == s0.reallocs,
	      "no allocation, free or failure happened (allocs %llu, next_id %u)",
	      (unsigned long long)s1.allocs, s1.next_id);
	EXPECT(0, do_lookup_id(fd, a.id, NULL), "the allocation REALLOC was refused on is live");
	EXPECT(0, do_alloc(fd, 64, NULL), "and fail_nth was not armed: ALLOC works");

	/* _IOW commands read their argument only: read-only is fine. */
	{
		struct edualloc_free f = { .id = a.id, .flags = EDUALLOC_FREE_BY_ID };

		p = ro_copy(&f, sizeof(f));
		EXPECT(0, xioctl(fd, EDUALLOC_IOC_FREE, p), "FREE from a read-only struct");
	}
	{
		struct edualloc_reset r = { 0 };

		p = ro_copy(&r, sizeof(r));
		EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, p), "RESET from a read-only struct");
	}

	/* Instances. */
	{
		struct edualloc_create c = { .name = "abi-efault", .capacity = 64 * KiB };
		struct edualloc_attach at = { .name = "shared" };
		struct edualloc_stats s;
		int f2 = dev_open();

		do_version(f2, &v0);
		p = ro_copy(&c, sizeof(c));
		EXPECT(EFAULT, xioctl(f2, EDUALLOC_IOC_CREATE, p), "CREATE named from a read-only struct");
		memset(c.name, 0, sizeof(c.name));
		p = ro_copy(&c, sizeof(c));
		EXPECT(EFAULT, xioctl(f2, EDUALLOC_IOC_CREATE, p), "CREATE private from a read-only struct");
		do_version(f2, &v1);
		check(v1.nr_instances == v0.nr_instances && v1.total_bytes == v0.total_bytes,
		      "  no instance made");
		EXPECT(0, do_stats(f2, &s), "the file is still on \"shared\"");
		check(s.kind == EDUALLOC_KIND_SHARED, "  kind shared");
		{
			struct edualloc_attach ap = { .flags = EDUALLOC_ATTACH_PRIVATE };

			EXPECT(ENOENT, xioctl(f2, EDUALLOC_IOC_ATTACH, &ap), "  and owns no private instance");
		}
		close(f2);

		p = ro_copy(&at, sizeof(at));
		EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_ATTACH, p), "ATTACH from a read-only struct");
		EXPECT(0, do_stats(fd, &s), "the file stayed where it was");
		check(s.kind == EDUALLOC_KIND_PRIVATE, "  on its private instance");
	}
}

/*
 * The commands whose argument holds a user pointer (a "user pointer" field
 * of the uapi header: tests/style/uapi_lists.py checks that each such
 * command has its INNER row).
 */
struct inner {
	const char *name;
	unsigned long cmd;
	size_t elem;		/* bytes of one element at the pointer */
	const void *proto;	/* what each element holds (NULL: zeros) */
	int written;		/* the call writes through the pointer */
};

#define RW_ELEM 64		/* READ's and WRITE's element: 64 bytes */

/* Point @cmd's argument @arg at @n elements at @p (for live allocation @id). */
static void point(unsigned long cmd, void *arg, uint64_t p, uint32_t n, int id)
{
	union {
		struct edualloc_list l;
		struct edualloc_pages pg;
		struct edualloc_allocs al;
		struct edualloc_rw rw;
		struct edualloc_batch b;
	} *u = arg;

	memset(u, 0, sizeof(*u));
	switch (cmd) {
	case EDUALLOC_IOC_LIST:
		u->l.buf = p;
		u->l.max = n;
		break;
	case EDUALLOC_IOC_PAGES:
		u->pg.buf = p;
		u->pg.max = n;
		break;
	case EDUALLOC_IOC_ALLOCS:
		u->al.buf = p;
		u->al.max = n;
		break;
	case EDUALLOC_IOC_READ:
	case EDUALLOC_IOC_WRITE:
		u->rw = (struct edualloc_rw){ .id = id, .len = n * RW_ELEM, .buf = p };
		break;
	case EDUALLOC_IOC_BATCH:
		u->b.entries = p;
		u->b.count = n;
		break;
	}
}

static const struct edualloc_batch_entry batch_alloc = { .op = EDUALLOC_BATCH_ALLOC, .size = 8 };

#define INNER(NAME, elem, proto, written)	{ #NAME, EDUALLOC_IOC_##NAME, elem, proto, written }
static const struct inner inners[] = {
	INNER(LIST, sizeof(struct edualloc_inst_info), NULL, 1),
	INNER(READ, RW_ELEM, NULL, 1),
	INNER(WRITE, RW_ELEM, NULL, 0),
	INNER(PAGES, sizeof(struct edualloc_page), NULL, 1),
	INNER(ALLOCS, sizeof(struct edualloc_alloc_info), NULL, 1),
	INNER(BATCH, sizeof(struct edualloc_batch_entry), &batch_alloc, 1),
};

/* @n elements like @in's, at @buf. */
static void *fill(const struct inner *in, unsigned char *buf, unsigned int n)
{
	unsigned int i;

	memset(buf, 0, n * in->elem);
	for (i = 0; in->proto && i < n; i++)
		memcpy(buf + i * in->elem, in->proto, in->elem);
	return buf;
}

/*
 * Each command's inner pointer NULL, unmapped, in the kernel, read-only
 * (where the call writes through it) and running off its page: EFAULT,
 * and nothing allocated, freed or written.
 */
static void test_inner(int fd, int id)
{
	struct edualloc_stats s0, s1;
	uint64_t arg[32];	/* an argument, aligned as any is */
	unsigned int i;
	void *unm = unmapped_page();

	do_stats(fd, &s0);
	for (i = 0; i < sizeof(inners) / sizeof(inners[0]); i++) {
		const struct inner *in = &inners[i];
		unsigned char two[2 * 4096];

		point(in->cmd, arg, 0, 1, id);
		EXPECT(EFAULT, xioctl(fd, in->cmd, arg), "%s through a NULL pointer", in->name);
		point(in->cmd, arg, (uintptr_t)unm, 1, id);
		EXPECT(EFAULT, xioctl(fd, in->cmd, arg), "%s through an unmapped pointer", in->name);
		point(in->cmd, arg, (uintptr_t)KADDR, 1, id);
		EXPECT(EFAULT, xioctl(fd, in->cmd, arg), "%s through a kernel address", in->name);
		if (in->written) {
			point(in->cmd, arg, (uintptr_t)ro_copy(fill(in, two, 1), in->elem), 1, id);
			EXPECT(EFAULT, xioctl(fd, in->cmd, arg), "%s through a read-only pointer",
			       in->name);
		}
		/* Two elements, the second on an unmapped page. */
		point(in->cmd, arg, (uintptr_t)straddle(fill(in, two, 2), in->elem + 8), 2, id);
		EXPECT(EFAULT, xioctl(fd, in->cmd, arg), "%s through a pointer running off its page",
		       in->name);
	}
	do_stats(fd, &s1);
	check(s1.allocs == s0.allocs && s1.frees == s0.frees && s1.next_id == s0.next_id &&
	      s1.live_allocs == s0.live_allocs && s1.live_requested == s0.live_requested,
	      "the refused calls allocated and freed nothing (allocs %llu, next_id %u)",
	      (unsigned long long)s1.allocs, s1.next_id);
}

static void test_buffers(int fd)
{
	struct edualloc_alloc_info a;
	struct edualloc_list l;
	char buf[256], *edge, *ro = ro_page();
	int i;

	/* Two live allocations at least, so that ALLOCS writes two. */
	do_alloc(fd, 8, NULL);
	do_alloc(fd, 200, &a);
	for (i = 0; i < 200; i++)
		buf[i] = (char)i;
	do_rw(fd, 1, a.id, 0, buf, 200);
	test_inner(fd, a.id);

	memset(&l, 0, sizeof(l));
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_LIST, &l), "LIST max 0 with a NULL buffer is fine");

	/* READ's and WRITE's buffers, byte by byte. */
	edge = straddle(buf, 200);
	memset(edge, 0x77, 192);
	EXPECT(EFAULT, do_rw(fd, 1, a.id, 0, edge, 200), "WRITE from a buffer running off its page");
	EXPECT(EFAULT, do_rw(fd, 0, a.id, 0, edge, 200), "READ into a buffer running off its page");
	memset(buf, 0, sizeof(buf));
	do_rw(fd, 0, a.id, 0, buf, 200);
	for (i = 0; i < 200 && buf[i] == (char)i; i++)
		;
	check(i == 200, "refused WRITEs left every byte as it was (first change at %d)", i);
	EXPECT(0, do_rw(fd, 1, a.id, 0, ro, 10), "WRITE from a read-only buffer is fine");
}

/* Nothing that looks like a kernel address in what the device returns. */
static int has_kaddr(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i + 8 <= len; i += 4) {
		unsigned long long v;

		memcpy(&v, b + i, 8);
		if (v >= 0xffff800000000000ULL && v != ~0ULL)
			return 1;
	}
	return 0;
}

static void test_no_kaddr(int fd)
{
	struct edualloc_inst_info infos[64];
	struct edualloc_version v;
	struct edualloc_stats s;
	struct edualloc_alloc_info a;
	struct edualloc_list l;
	struct edualloc_validate val;

	do_version(fd, &v);
	do_stats(fd, &s);
	do_alloc(fd, 500000, &a);
	memset(&l, 0, sizeof(l));
	l.buf = (uintptr_t)infos;
	l.max = 64;
	xioctl(fd, EDUALLOC_IOC_LIST, &l);
	memset(&val, 0, sizeof(val));
	xioctl(fd, EDUALLOC_IOC_VALIDATE, &val);
	check(!has_kaddr(&v, sizeof(v)) && !has_kaddr(&s, sizeof(s)) && !has_kaddr(&a, sizeof(a)) &&
	      !has_kaddr(infos, l.count * sizeof(infos[0])) && !has_kaddr(&val, sizeof(val)),
	      "no kernel address in VERSION, STATS, ALLOC, LIST, VALIDATE");
}

int main(void)
{
	int fd;

	abi_init("abi-efault");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	fd = open_private(1024 * KiB, 64, EDUALLOC_CREATE_DEBUG_ON, NULL);
	test_args(fd);
	test_readonly(fd);
	test_buffers(fd);
	test_no_kaddr(fd);
	EXPECT(0, do_validate(fd, NULL, 0), "VALIDATE at the end");
	close(fd);
	return abi_done();
}
