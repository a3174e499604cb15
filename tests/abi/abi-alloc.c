// SPDX-License-Identifier: GPL-2.0
/*
 * The allocation commands on a private instance: ALLOC, FREE, LOOKUP,
 * READ, WRITE, REALLOC, BIT, STATS, RESET, CONFIG, VALIDATE. Every success
 * with its values, every error path on its own (the rest of the argument
 * valid), and the statistics that each leaves behind.
 */
#include "abi.h"

#include <limits.h>

#define MiB (1024ULL * 1024)

static int fd;

static void st(struct edualloc_stats *s)
{
	if (do_stats(fd, s))
		check(0, "STATS failed");
}

static void test_alloc(void)
{
	struct edualloc_alloc_info a1, a2, a3, big, inf;
	struct edualloc_alloc a;
	struct edualloc_stats s;
	int fd2;

	EXPECT(0, do_alloc(fd, 100, &a1), "ALLOC 100");
	check(a1.id == 1 && a1.cls == 4 && a1.offset == 0 && a1.size == 100 &&
	      a1.class_size == 128 && a1.owner_pid == (unsigned int)getpid() && !a1.__pad,
	      "ALLOC 100: id 1, class 4 (128 B), offset 0, owner this pid (got id %d cls %u off %llu cs %llu pid %u)",
	      a1.id, a1.cls, (unsigned long long)a1.offset, (unsigned long long)a1.class_size,
	      a1.owner_pid);
	EXPECT(0, do_alloc(fd, 100, &a2), "ALLOC 100 again");
	check(a2.id == 2 && a2.offset == 128, "second slot of the slab: id 2, offset 128 (got %d, %llu)",
	      a2.id, (unsigned long long)a2.offset);
	EXPECT(0, do_alloc(fd, 200, &a3), "ALLOC 200");
	check(a3.id == 3 && a3.cls == 5 && a3.class_size == 256 && a3.offset == 4096,
	      "ALLOC 200: id 3, class 5, a new slab page at 4096 (got cls %u off %llu)",
	      a3.cls, (unsigned long long)a3.offset);
	EXPECT(0, do_alloc(fd, 1, &inf), "ALLOC 1");
	check(inf.cls == 0 && inf.class_size == 8, "ALLOC 1: class 0 (8 B)");
	EXPECT(0, do_alloc(fd, 4096, &inf), "ALLOC 4096");
	check(inf.cls == 9 && inf.class_size == 4096 && inf.offset % 4096 == 0,
	      "ALLOC 4096: class 9, page-aligned (offset %llu)", (unsigned long long)inf.offset);
	EXPECT(0, do_alloc(fd, EDUALLOC_SMALL_MAX, &inf), "ALLOC 256 KiB (largest class)");
	check(inf.cls == 15 && inf.class_size == EDUALLOC_SMALL_MAX && inf.offset < MiB,
	      "ALLOC 256 KiB: class 15, in the arena");
	EXPECT(0, do_alloc(fd, EDUALLOC_SMALL_MAX + 1, &big), "ALLOC 256 KiB + 1 (large)");
	check(big.cls == EDUALLOC_CLASS_LARGE &&
	      big.offset == EDUALLOC_LARGE_BASE + ((unsigned long long)big.id << EDUALLOC_LARGE_SHIFT) &&
	      big.class_size == EDUALLOC_SMALL_MAX + 4096,
	      "large: class %u, offset LARGE_BASE + id << LARGE_SHIFT, page-rounded (%llu)",
	      big.cls, (unsigned long long)big.class_size);

	/* Errors, one at a time. */
	EXPECT(EINVAL, do_alloc(fd, 0, NULL), "ALLOC 0 bytes");
	EXPECT(E2BIG, do_alloc(fd, MiB + 1, NULL), "ALLOC more than the capacity");
	EXPECT(E2BIG, do_alloc(fd, ~0ULL, NULL), "ALLOC 2^64 - 1 bytes");
	EXPECT(ENOMEM, do_alloc(fd, MiB, NULL), "ALLOC the whole capacity when some is used");
	memset(&a, 0, sizeof(a));
	a.size = 8;
	a.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_ALLOC, &a), "ALLOC with flags 1");
	a.flags = 0x80000000;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_ALLOC, &a), "ALLOC with flags bit 31");
	a.flags = 0;
	a.__pad = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_ALLOC, &a), "ALLOC with non-zero __pad");
	a.__pad = 0;
	memset(&a.info, 0xff, sizeof(a.info));
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOC, &a), "ALLOC ignores garbage in the out fields");
	check(a.info.size == 8 && a.info.__pad == 0 && a.size == 8 && !a.flags && !a.__pad,
	      "ALLOC result: in fields echoed, padding zeroed");
	do_free_id(fd, a.info.id);

	st(&s);
	check(s.errors[EDUALLOC_ERR_ZERO_SIZE] == 1 && s.errors[EDUALLOC_ERR_TOO_BIG] == 2 &&
	      s.errors[EDUALLOC_ERR_NO_SPACE] == 1 && s.failed_allocs == 4,
	      "STATS counts the refusals: zero 1, too big 2, no space 1, failed 4 (%llu %llu %llu %llu)",
	      (unsigned long long)s.errors[EDUALLOC_ERR_ZERO_SIZE],
	      (unsigned long long)s.errors[EDUALLOC_ERR_TOO_BIG],
	      (unsigned long long)s.errors[EDUALLOC_ERR_NO_SPACE],
	      (unsigned long long)s.failed_allocs);
	check(s.allocs == 8 && s.frees == 1 && s.live_allocs == 7 && s.large_count == 1 &&
	      s.large_bytes == big.class_size,
	      "STATS: 8 allocs, 1 free, 7 live, 1 large (%llu %llu %llu %llu)",
	      (unsigned long long)s.allocs, (unsigned long long)s.frees,
	      (unsigned long long)s.live_allocs, (unsigned long long)s.large_count);
	check(s.live_requested == 100 + 100 + 200 + 1 + 4096 + EDUALLOC_SMALL_MAX + EDUALLOC_SMALL_MAX + 1,
	      "STATS live_requested %llu", (unsigned long long)s.live_requested);
	check(s.live_allocated == 128 + 128 + 256 + 8 + 4096 + EDUALLOC_SMALL_MAX + big.class_size,
	      "STATS live_allocated %llu", (unsigned long long)s.live_allocated);
	check(s.internal_frag == s.live_allocated - s.live_requested,
	      "STATS internal_frag = allocated - requested");
	check(s.cls[4].slots_used == 2 && s.cls[4].allocs == 2 && s.cls[4].size == 128 &&
	      s.cls[4].slabs == 1 && s.cls[4].slots_total == 32 && s.cls[4].waste == 56,
	      "STATS class 4: 1 slab of 32 slots, 2 used, waste 56 (slabs %llu total %llu waste %llu)",
	      (unsigned long long)s.cls[4].slabs, (unsigned long long)s.cls[4].slots_total,
	      (unsigned long long)s.cls[4].waste);
	check(s.next_id == 9, "STATS next_id 9 (got %u)", s.next_id);

	/* The ID counter ends: -ENOSPC. */
	{
		struct edualloc_create c;
		struct edualloc_alloc_info x;

		fd2 = dev_open();
		memset(&c, 0, sizeof(c));
		c.capacity = 64 * 1024;
		c.first_id = INT_MAX;
		EXPECT(0, xioctl(fd2, EDUALLOC_IOC_CREATE, &c), "CREATE with first_id INT_MAX");
		EXPECT(0, do_alloc(fd2, 8, &x), "ALLOC the last ID");
		check(x.id == INT_MAX, "its ID is INT_MAX (%d)", x.id);
		EXPECT(ENOSPC, do_alloc(fd2, 8, NULL), "ALLOC after the last ID");
		EXPECT(0, do_free_id(fd2, INT_MAX), "FREE INT_MAX");
		close(fd2);
	}

	/* The capacity ends: -ENOMEM, then room again after a free. */
	{
		struct edualloc_alloc_info x;

		fd2 = open_private(64 * 1024, 0, 0, NULL);
		EXPECT(0, do_alloc(fd2, 64 * 1024, &x), "ALLOC all 64 KiB of a 64 KiB instance");
		EXPECT(ENOMEM, do_alloc(fd2, 8, NULL), "ALLOC 8 more");
		EXPECT(0, do_free_id(fd2, x.id), "FREE it");
		EXPECT(0, do_alloc(fd2, 8, NULL), "ALLOC 8 now fits");
		close(fd2);
	}
}

static void test_free_lookup(void)
{
	struct edualloc_alloc_info a, b, c, l;
	struct edualloc_lookup lk;
	struct edualloc_free f;
	struct edualloc_stats s0, s1;

	xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 });
	do_alloc(fd, 100, &a);
	do_alloc(fd, 100, &b);
	do_alloc(fd, 300, &c);

	/* LOOKUP */
	EXPECT(0, do_lookup_id(fd, b.id, &l), "LOOKUP by ID");
	check(!memcmp(&l, &b, sizeof(l)), "LOOKUP by ID returns what ALLOC did");
	memset(&lk, 0, sizeof(lk));
	lk.flags = EDUALLOC_LOOKUP_BY_OFFSET;
	lk.offset = b.offset;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP by offset (first byte)");
	check(lk.info.id == b.id, "  -> ID %d", lk.info.id);
	lk.offset = b.offset + 99;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP by offset (last byte)");
	check(lk.info.id == b.id && lk.info.offset == b.offset, "  -> ID %d at its start", lk.info.id);
	lk.offset = b.offset + 100;
	EXPECT(ENOENT, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP by offset in the slack");
	lk.offset = 512 * 1024;
	EXPECT(ENOENT, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP by offset in free memory");
	lk.offset = ~0ULL;
	EXPECT(ENOENT, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP by offset 2^64 - 1");
	EXPECT(ENOENT, do_lookup_id(fd, 1000, NULL), "LOOKUP an ID never issued");
	EXPECT(ENOENT, do_lookup_id(fd, 0, NULL), "LOOKUP ID 0");
	EXPECT(ENOENT, do_lookup_id(fd, -1, NULL), "LOOKUP ID -1");
	lk.flags = 0;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP without a flag");
	lk.flags = EDUALLOC_LOOKUP_BY_ID | EDUALLOC_LOOKUP_BY_OFFSET;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP with both flags");
	lk.flags = EDUALLOC_LOOKUP_BY_ID | 4;
	lk.id = a.id;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP with an unknown flag");
	lk.flags = EDUALLOC_LOOKUP_BY_ID;
	lk.offset = b.offset;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP BY_ID with an offset (unused: must be 0)");
	lk.flags = EDUALLOC_LOOKUP_BY_OFFSET;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk), "LOOKUP BY_OFFSET with an ID (unused: must be 0)");

	/* FREE: the errors first, on live allocations (nothing may change). */
	st(&s0);
	memset(&f, 0, sizeof(f));
	f.id = a.id;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE without a flag");
	f.flags = EDUALLOC_FREE_BY_ID | 4;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE with an unknown flag");
	f.flags = EDUALLOC_FREE_BY_OFFSET;
	f.offset = a.offset;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE BY_OFFSET with an ID beside it (unused: must be 0)");
	f.flags = EDUALLOC_FREE_BY_ID;
	f.offset = b.offset;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE BY_ID with an offset beside it (unused: must be 0)");
	f.id = 0;
	f.flags = EDUALLOC_FREE_BY_OFFSET;
	f.offset = a.offset + 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by an offset inside an allocation");
	f.offset = 700 * 1024;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by an offset in free memory");
	f.flags = EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET;
	f.id = a.id;
	f.offset = b.offset;
	EXPECT(ESTALE, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by ID and another's offset");
	f.id = b.id;
	f.offset = 0;
	EXPECT(ESTALE, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by ID and offset 0 (another's)");
	EXPECT(ENOENT, do_free_id(fd, 1000), "FREE an ID never issued");
	EXPECT(ENOENT, do_free_id(fd, 0), "FREE ID 0");
	EXPECT(ENOENT, do_free_id(fd, -7), "FREE ID -7");
	st(&s1);
	check(s1.live_allocs == s0.live_allocs && s1.frees == s0.frees &&
	      s1.live_requested == s0.live_requested,
	      "refused FREEs changed no allocation");
	/* Each refusal the engine makes counts once; ID 0 is refused before it. */
	check(s1.errors[EDUALLOC_ERR_UNKNOWN_ID] == s0.errors[EDUALLOC_ERR_UNKNOWN_ID] + 2 &&
	      s1.errors[EDUALLOC_ERR_STALE_ID] == s0.errors[EDUALLOC_ERR_STALE_ID] + 2 &&
	      s1.errors[EDUALLOC_ERR_BAD_OFFSET] == s0.errors[EDUALLOC_ERR_BAD_OFFSET] + 2,
	      "refused FREEs counted by kind (unknown +%llu, stale +%llu, bad offset +%llu)",
	      (unsigned long long)(s1.errors[EDUALLOC_ERR_UNKNOWN_ID] - s0.errors[EDUALLOC_ERR_UNKNOWN_ID]),
	      (unsigned long long)(s1.errors[EDUALLOC_ERR_STALE_ID] - s0.errors[EDUALLOC_ERR_STALE_ID]),
	      (unsigned long long)(s1.errors[EDUALLOC_ERR_BAD_OFFSET] - s0.errors[EDUALLOC_ERR_BAD_OFFSET]));

	/* Successes, each way. */
	EXPECT(0, do_free_id(fd, a.id), "FREE by ID");
	EXPECT(EALREADY, do_free_id(fd, a.id), "FREE the same ID again (double free)");
	EXPECT(EALREADY, do_lookup_id(fd, a.id, NULL), "LOOKUP a freed ID");
	f.id = 0;
	f.flags = EDUALLOC_FREE_BY_OFFSET;
	f.offset = a.offset;
	EXPECT(EALREADY, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by the offset of a freed allocation");
	f.offset = b.offset;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by offset");
	EXPECT(EALREADY, do_lookup_id(fd, b.id, NULL), "  its ID reads as freed");
	f.flags = EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET;
	f.id = c.id;
	f.offset = c.offset;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_FREE, &f), "FREE by ID and offset together");
	/* A freed ID whose place went to someone else: stale. */
	{
		struct edualloc_alloc_info n;

		do_alloc(fd, 100, &n);
		check(n.offset == b.offset, "LIFO: the next 100 B go where the last freed were (%llu)",
		      (unsigned long long)n.offset);
		f.id = b.id;
		f.offset = n.offset;
		EXPECT(ESTALE, xioctl(fd, EDUALLOC_IOC_FREE, &f),
		       "FREE a freed ID with the offset now reused");
		do_free_id(fd, n.id);
	}
	st(&s1);
	check(s1.errors[EDUALLOC_ERR_DOUBLE_FREE] == s0.errors[EDUALLOC_ERR_DOUBLE_FREE] + 2 &&
	      s1.errors[EDUALLOC_ERR_FREED_ID] >= s0.errors[EDUALLOC_ERR_FREED_ID] + 2,
	      "double frees and uses of freed IDs counted");
	check(s1.live_allocs == 0 && s1.frees == s1.allocs, "all freed: live 0, frees = allocs");
}

static void test_rw(void)
{
	struct edualloc_alloc_info a, big;
	struct edualloc_rw rw;
	char buf[512], zero[512];
	unsigned char *lbuf;
	size_t i;

	memset(zero, 0, sizeof(zero));
	do_alloc(fd, 100, &a);
	memset(buf, 0x55, sizeof(buf));
	EXPECT(0, do_rw(fd, 0, a.id, 0, buf, 100), "READ a new allocation");
	check(!memcmp(buf, zero, 100), "  it is zeroed");
	EXPECT(0, do_rw(fd, 1, a.id, 0, "hello, kernel", 14), "WRITE 14 bytes at 0");
	memset(buf, 0, sizeof(buf));
	EXPECT(0, do_rw(fd, 0, a.id, 0, buf, 14), "READ them back");
	check(!strcmp(buf, "hello, kernel"), "  \"%s\"", buf);
	EXPECT(0, do_rw(fd, 1, a.id, 90, "0123456789", 10), "WRITE the last 10 bytes");
	EXPECT(0, do_rw(fd, 0, a.id, 7, buf, 7), "READ at pos 7");
	check(!memcmp(buf, "kernel", 7), "  \"%s\"", buf);
	EXPECT(0, do_rw(fd, 0, a.id, 90, buf, 10), "READ the last 10 bytes");
	check(!memcmp(buf, "0123456789", 10), "  \"%.10s\"", buf);
	EXPECT(0, do_rw(fd, 0, a.id, 100, buf, 0), "READ 0 bytes at the end");
	EXPECT(0, do_rw(fd, 1, a.id, 0, NULL, 0), "WRITE 0 bytes from NULL");
	EXPECT(EINVAL, do_rw(fd, 0, a.id, 0, buf, 101), "READ one byte past the size");
	EXPECT(EINVAL, do_rw(fd, 1, a.id, 91, buf, 10), "WRITE one byte past the size");
	EXPECT(EINVAL, do_rw(fd, 0, a.id, 101, buf, 0), "READ at pos past the size");
	EXPECT(EINVAL, do_rw(fd, 0, a.id, ~0ULL, buf, 2), "READ at pos 2^64 - 1 (wraps)");
	EXPECT(EINVAL, do_rw(fd, 0, a.id, 1, buf, ~0ULL), "READ 2^64 - 1 bytes");
	EXPECT(EINVAL, do_rw(fd, 1, a.id, 0, buf, 4 * MiB), "WRITE more than the capacity");
	EXPECT(ENOENT, do_rw(fd, 0, 999, 0, buf, 1), "READ an ID never issued");
	EXPECT(ENOENT, do_rw(fd, 1, 0, 0, buf, 1), "WRITE ID 0");
	memset(&rw, 0, sizeof(rw));
	rw.id = a.id;
	rw.len = 1;
	rw.buf = (uintptr_t)buf;
	rw.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_READ, &rw), "READ with flags 1");
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_WRITE, &rw), "WRITE with flags 1");
	EXPECT(0, do_rw(fd, 0, a.id, 0, buf, 14), "nothing refused changed the bytes");
	check(!strcmp(buf, "hello, kernel"), "  still \"%s\"", buf);
	do_free_id(fd, a.id);
	EXPECT(EALREADY, do_rw(fd, 0, a.id, 0, buf, 1), "READ a freed ID");
	EXPECT(EALREADY, do_rw(fd, 1, a.id, 0, buf, 1), "WRITE a freed ID");

	/* A large allocation, written and read whole. */
	lbuf = malloc(300000);
	EXPECT(0, do_alloc(fd, 300000, &big), "ALLOC 300000 (large)");
	for (i = 0; i < 300000; i++)
		lbuf[i] = (unsigned char)(i * 7 + 3);
	EXPECT(0, do_rw(fd, 1, big.id, 0, lbuf, 300000), "WRITE 300000 bytes");
	memset(lbuf, 0, 300000);
	EXPECT(0, do_rw(fd, 0, big.id, 0, lbuf, 300000), "READ 300000 bytes");
	for (i = 0; i < 300000 && lbuf[i] == (unsigned char)(i * 7 + 3); i++)
		;
	check(i == 300000, "  all 300000 bytes as written (first difference at %zu)", i);
	do_free_id(fd, big.id);
	free(lbuf);
}

static void test_realloc(void)
{
	struct edualloc_alloc_info a, b, c;
	struct edualloc_realloc r;
	struct edualloc_stats s0, s1;
	char buf[400];
	int i;

	xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 });
	do_alloc(fd, 100, &a);
	for (i = 0; i < 100; i++)
		buf[i] = (char)i;
	do_rw(fd, 1, a.id, 0, buf, 100);
	st(&s0);

	memset(&r, 0, sizeof(r));
	r.id = a.id;
	r.size = 300;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC 100 -> 300");
	b = r.info;
	check(b.id != a.id && b.id == a.id + 1 && b.size == 300 && b.cls == 6 && b.offset != a.offset,
	      "  a new ID (%d), class 6, a new place", b.id);
	memset(buf, 0, sizeof(buf));
	do_rw(fd, 0, b.id, 0, buf, 300);
	for (i = 0; i < 100 && buf[i] == (char)i; i++)
		;
	check(i == 100, "  the first 100 bytes kept");
	for (i = 100; i < 300 && !buf[i]; i++)
		;
	check(i == 300, "  the other 200 zeroed");
	EXPECT(EALREADY, do_lookup_id(fd, a.id, NULL), "  the old ID reads as freed");

	r.id = b.id;
	r.size = 10;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC 300 -> 10");
	c = r.info;
	memset(buf, 0x55, sizeof(buf));
	EXPECT(0, do_rw(fd, 0, c.id, 0, buf, 10), "  READ the 10");
	for (i = 0; i < 10 && buf[i] == (char)i; i++)
		;
	check(i == 10 && c.cls == 1, "  kept up to the new size, class 1");
	EXPECT(EINVAL, do_rw(fd, 0, c.id, 0, buf, 11), "  and no more");
	st(&s1);
	check(s1.reallocs == s0.reallocs + 2 && s1.allocs == s0.allocs + 2 &&
	      s1.frees == s0.frees + 2 && s1.live_allocs == s0.live_allocs,
	      "STATS: 2 reallocs, each one alloc and one free");

	r.id = c.id;
	r.size = 0;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC to 0 bytes");
	r.size = 2 * MiB;
	EXPECT(E2BIG, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC beyond the capacity");
	r.size = 600 * 1024;
	{
		struct edualloc_alloc_info hog;

		do_alloc(fd, 512 * 1024, &hog);
		EXPECT(ENOMEM, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC with no room for both");
		do_free_id(fd, hog.id);
	}
	EXPECT(0, do_rw(fd, 0, c.id, 0, buf, 10), "  the allocation survived the refusals");
	r.size = 16;
	r.id = a.id;
	EXPECT(EALREADY, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC a freed ID");
	r.id = 5000;
	EXPECT(ENOENT, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC an ID never issued");
	r.id = c.id;
	r.flags = 2;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_REALLOC, &r), "REALLOC with flags 2");
	do_free_id(fd, c.id);
}

static int bit(int f, unsigned int op, unsigned int b, unsigned int *value)
{
	struct edualloc_bit x = { .op = op, .bit = b };
	int r = xioctl(f, EDUALLOC_IOC_BIT, &x);

	if (value)
		*value = x.value;
	return r;
}

static void test_bits(void)
{
	struct edualloc_bit x;
	unsigned int v = 99;
	int nobits;

	EXPECT(0, bit(fd, EDUALLOC_BIT_SET, 42, NULL), "BIT SET 42");
	EXPECT(0, bit(fd, EDUALLOC_BIT_GET, 42, &v), "BIT GET 42");
	check(v == 1, "  is 1");
	EXPECT(0, bit(fd, EDUALLOC_BIT_GET, 43, &v), "BIT GET 43");
	check(v == 0, "  is 0");
	EXPECT(0, bit(fd, EDUALLOC_BIT_FIND, 0, &v), "BIT FIND from 0");
	check(v == 42, "  finds 42 (%u)", v);
	EXPECT(0, bit(fd, EDUALLOC_BIT_FIND, 42, &v), "BIT FIND from 42");
	check(v == 42, "  finds 42 itself");
	EXPECT(ENOENT, bit(fd, EDUALLOC_BIT_FIND, 43, NULL), "BIT FIND from 43: none");
	EXPECT(0, bit(fd, EDUALLOC_BIT_SET, 4095, NULL), "BIT SET 4095 (the last)");
	EXPECT(0, bit(fd, EDUALLOC_BIT_FIND, 43, &v), "BIT FIND from 43");
	check(v == 4095, "  finds 4095");
	EXPECT(0, bit(fd, EDUALLOC_BIT_CLEAR, 42, NULL), "BIT CLEAR 42");
	EXPECT(0, bit(fd, EDUALLOC_BIT_GET, 42, &v), "BIT GET 42");
	check(v == 0, "  is 0 again");
	EXPECT(0, bit(fd, EDUALLOC_BIT_CLEAR_ALL, 0, NULL), "BIT CLEAR_ALL");
	EXPECT(ENOENT, bit(fd, EDUALLOC_BIT_FIND, 0, NULL), "  then FIND finds nothing");

	EXPECT(EINVAL, bit(fd, EDUALLOC_BIT_SET, 4096, NULL), "BIT SET 4096 (one past)");
	EXPECT(EINVAL, bit(fd, EDUALLOC_BIT_GET, 0xffffffff, NULL), "BIT GET 2^32 - 1");
	EXPECT(EINVAL, bit(fd, EDUALLOC_BIT_CLEAR, 5000, NULL), "BIT CLEAR 5000");
	EXPECT(EINVAL, bit(fd, EDUALLOC_BIT_CLEAR_ALL, 1, NULL), "BIT CLEAR_ALL with bit 1");
	EXPECT(EINVAL, bit(fd, 0, 1, NULL), "BIT op 0");
	EXPECT(EINVAL, bit(fd, 6, 1, NULL), "BIT op 6");
	memset(&x, 0, sizeof(x));
	x.op = EDUALLOC_BIT_GET;
	x.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_BIT, &x), "BIT with flags 1");

	nobits = open_private(64 * 1024, 0, 0, NULL);
	EXPECT(EOPNOTSUPP, bit(nobits, EDUALLOC_BIT_SET, 1, NULL), "BIT SET without a bitset");
	EXPECT(EOPNOTSUPP, bit(nobits, EDUALLOC_BIT_CLEAR, 1, NULL), "BIT CLEAR without a bitset");
	EXPECT(EOPNOTSUPP, bit(nobits, EDUALLOC_BIT_GET, 1, NULL), "BIT GET without a bitset");
	EXPECT(EOPNOTSUPP, bit(nobits, EDUALLOC_BIT_FIND, 0, NULL), "BIT FIND without a bitset");
	EXPECT(EOPNOTSUPP, bit(nobits, EDUALLOC_BIT_CLEAR_ALL, 0, NULL),
	       "BIT CLEAR_ALL without a bitset");
	close(nobits);
}

static void test_stats_reset(void)
{
	struct edualloc_alloc_info a, again;
	struct edualloc_reset rs;
	struct edualloc_stats s;
	char name[64];
	unsigned int v;

	EXPECT(0, do_stats(fd, &s), "STATS");
	snprintf(name, sizeof(name), "pid%d.", getpid());
	check(!strncmp(s.name, name, strlen(name)), "STATS name \"%s\" starts \"%s\"", s.name, name);
	check(s.kind == EDUALLOC_KIND_PRIVATE &&
	      s.inst_flags == (EDUALLOC_INST_DEBUG | EDUALLOC_INST_BITSET | EDUALLOC_INST_ATTACHED),
	      "STATS kind private, flags debug|bitset|attached (%u, %#x)", s.kind, s.inst_flags);
	check(s.capacity == MiB && s.pages_total == MiB / 4096 &&
	      s.pages_used + s.pages_free == s.pages_total && s.nr_classes == 16 &&
	      s.bitset_bits == 4096, "STATS capacity 1 MiB, 256 pages, 16 classes, 4096 bits");
	check(s.used_bytes + s.avail_bytes == s.capacity, "STATS used + avail = capacity");
	check(!s.__pad && !s.flags, "STATS padding zeroed");
	{
		int i, ok = 1;

		for (i = 0; i < 16; i++)
			ok &= s.cls[i].size == 8ULL << i;
		for (i = EDUALLOC_NR_ERR; i < EDUALLOC_ERR_SLOTS; i++)
			ok &= !s.errors[i];
		check(ok, "STATS class sizes 8 << c, unused error slots 0");
	}
	/* meta_bytes: the instance and its page descriptors at least. */
	check(s.meta_bytes >= s.pages_total * 8, "STATS meta_bytes %llu (bookkeeping)",
	      (unsigned long long)s.meta_bytes);
	{
		/* The first STATS (1536 bytes, no meta_bytes) is still answered. */
		unsigned char old[EDUALLOC_STATS_SIZE_V1 + 8];

		memset(old, 0, EDUALLOC_STATS_SIZE_V1);
		memset(old + EDUALLOC_STATS_SIZE_V1, 0xa5, 8);
		EXPECT(0, xioctl(fd, EDUALLOC_IOC_STATS_V1, old),
		       "STATS_V1 (the first, 1536-byte STATS) is still answered");
		check(!memcmp(old + 8, (unsigned char *)&s + 8, 48) &&
		      old[EDUALLOC_STATS_SIZE_V1] == 0xa5,
		      "  its 1536 bytes, the same instance, nothing written past them");
	}
	s.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_STATS, &s), "STATS with flags 1");
	s.flags = 0;
	s.__pad = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_STATS, &s), "STATS with non-zero __pad");

	/* RESET: as new, and deterministic. */
	memset(&rs, 0, sizeof(rs));
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, &rs), "RESET");
	do_alloc(fd, 100, &a);
	do_alloc(fd, 5000, NULL);
	bit(fd, EDUALLOC_BIT_SET, 7, NULL);
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, &rs), "RESET with live allocations");
	do_stats(fd, &s);
	check(s.live_allocs == 0 && s.allocs == 0 && s.frees == 0 && s.next_id == 1 &&
	      s.pages_free == s.pages_total && s.errors[EDUALLOC_ERR_ZERO_SIZE] == 0,
	      "after RESET: nothing live, counters zeroed, next_id 1");
	EXPECT(0, bit(fd, EDUALLOC_BIT_GET, 7, &v), "BIT GET 7 after RESET");
	check(v == 0, "  cleared");
	EXPECT(ENOENT, do_lookup_id(fd, a.id, NULL), "after RESET the old ID was never issued");
	do_alloc(fd, 100, &again);
	check(again.id == a.id && again.offset == a.offset,
	      "the same calls give the same ID and offset (%d at %llu)",
	      again.id, (unsigned long long)again.offset);
	rs.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_RESET, &rs), "RESET with flags 1");
	rs.flags = 0;
	rs.__pad = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_RESET, &rs), "RESET with non-zero __pad");
	do_stats(fd, &s);
	check(s.live_allocs == 1, "refused RESETs did nothing");
}

static void test_config_validate(void)
{
	struct edualloc_config c;
	struct edualloc_validate v;
	struct edualloc_stats s0, s1;
	struct edualloc_alloc_info a;
	char why[128];

	memset(&c, 0, sizeof(c));
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG (read)");
	check(c.debug == 1, "  debug is on");
	c.flags = EDUALLOC_CONFIG_SET_DEBUG;
	c.debug = 0;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG SET_DEBUG 0");
	memset(&c, 0, sizeof(c));
	xioctl(fd, EDUALLOC_IOC_CONFIG, &c);
	check(c.debug == 0, "  debug is off");
	do_stats(fd, &s0);
	check(!(s0.inst_flags & EDUALLOC_INST_DEBUG), "  STATS flags agree");
	c.flags = EDUALLOC_CONFIG_SET_DEBUG;
	c.debug = 1;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG SET_DEBUG 1");
	check(c.debug == 1, "  debug is on again");

	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_DEBUG;
	c.debug = 2;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG SET_DEBUG 2");
	c.flags = 0;
	c.debug = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG debug 1 without SET_DEBUG");
	c.debug = 0;
	c.fail_nth = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG fail_nth without SET_FAIL_NTH");
	c.fail_nth = 0;
	c.flags = 4;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG with an unknown flag");
	c.flags = 0;
	c.__pad = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG with non-zero __pad");

	/* The engine's fault injection: a failed kernel allocation changes nothing. */
	xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 });
	do_stats(fd, &s0);
	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_FAIL_NTH;
	c.fail_nth = 1;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "CONFIG SET_FAIL_NTH 1");
	EXPECT(ENOMEM, do_alloc(fd, 100, NULL), "  the next ALLOC fails for kernel memory");
	do_stats(fd, &s1);
	check(s1.errors[EDUALLOC_ERR_KMEM] == s0.errors[EDUALLOC_ERR_KMEM] + 1 &&
	      s1.allocs == s0.allocs && s1.next_id == s0.next_id &&
	      s1.pages_free == s0.pages_free && s1.cls[4].slabs == s0.cls[4].slabs,
	      "  counted as KMEM, nothing else changed");
	EXPECT(0, do_alloc(fd, 100, &a), "  the one after succeeds");
	check(a.id == 1, "  with ID 1");
	EXPECT(0, do_validate(fd, why, sizeof(why)), "VALIDATE after the injected failure");

	memset(&v, 0, sizeof(v));
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_VALIDATE, &v), "VALIDATE");
	check(v.consistent == 1 && !v.why[0] && !v.flags, "  consistent, no reason");
	v.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_VALIDATE, &v), "VALIDATE with flags 1");
}

static void test_pages_allocs(void)
{
	struct edualloc_alloc_info a, b, c, d, got[8], *many;
	struct edualloc_page pages[300];
	struct edualloc_pages pg;
	struct edualloc_allocs al;
	struct edualloc_stats s0, s1;
	unsigned int i, nfree = 0;
	int f2, ok;

	xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 });
	do_alloc(fd, 100, &a);
	do_alloc(fd, 100, &b);
	do_alloc(fd, 5000, &c);
	do_alloc(fd, 300000, &d);

	/* PAGES */
	memset(&pg, 0, sizeof(pg));
	memset(pages, 0x77, sizeof(pages));
	pg.buf = (uintptr_t)pages;
	pg.max = 300;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_PAGES, &pg), "PAGES");
	check(pg.count == 256 && pg.total == 256 && pages[256].kind == 0x77,
	      "  256 records of 256 pages, none past them (%u, %u)", pg.count, pg.total);
	check(pages[0].kind == EDUALLOC_PAGE_SLAB && pages[0].cls == 4 && pages[0].used == 2 &&
	      pages[0].total == 32 && pages[0].head == 1,
	      "  page 0: a slab of class 4, 2 of 32 slots used (kind %u cls %u %u/%u)",
	      pages[0].kind, pages[0].cls, pages[0].used, pages[0].total);
	i = c.offset / 4096;
	check(pages[i].kind == EDUALLOC_PAGE_BLOCK && pages[i].cls == 10 && pages[i].order == 1 &&
	      pages[i].used == 1 && pages[i + 1].kind == EDUALLOC_PAGE_BLOCK_TAIL,
	      "  page %u: a block of class 10, order 1, then its tail", i);
	do_stats(fd, &s0);
	for (i = 0; i < 256; i++)
		nfree += pages[i].kind == EDUALLOC_PAGE_FREE;
	check(nfree == s0.pages_free, "  %u free pages, as STATS says", nfree);
	pg.max = 0;
	pg.buf = 0;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_PAGES, &pg), "PAGES max 0");
	check(pg.count == 0 && pg.total == 256, "  count 0, total 256");
	pg.max = 1;
	pg.buf = (uintptr_t)pages;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_PAGES, &pg), "PAGES max 1");
	check(pg.count == 1, "  count 1");
	pg.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_PAGES, &pg), "PAGES with flags 1");

	/* ALLOCS */
	memset(&al, 0, sizeof(al));
	al.buf = (uintptr_t)got;
	al.max = 8;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS");
	check(al.count == 4 && al.total == 4 && !memcmp(&got[0], &a, sizeof(a)) &&
	      !memcmp(&got[1], &b, sizeof(b)) && !memcmp(&got[2], &c, sizeof(c)) &&
	      !memcmp(&got[3], &d, sizeof(d)), "  the 4 allocations, in ID order, as ALLOC said");
	al.start_id = b.id;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS from ID %d", b.id);
	check(al.count == 3 && al.total == 4 && got[0].id == b.id, "  3 of 4, from %d", b.id);
	al.start_id = d.id + 1;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS past the last ID");
	check(al.count == 0 && al.total == 4, "  none of 4");
	al.start_id = 0;
	al.max = 2;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS max 2");
	check(al.count == 2 && got[1].id == b.id, "  the first 2");
	al.max = 0;
	al.buf = 0;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS max 0");
	check(al.count == 0 && al.total == 4, "  count 0, total 4");
	al.flags = 1;
	EXPECT(EINVAL, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS with flags 1");

	/* Looking for a freed ID this way counts no error. */
	do_free_id(fd, b.id);
	do_stats(fd, &s0);
	memset(&al, 0, sizeof(al));
	al.buf = (uintptr_t)got;
	al.max = 1;
	al.start_id = b.id;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS from a freed ID");
	check(al.count == 1 && got[0].id == c.id, "  finds the next live one (%d)", got[0].id);
	do_stats(fd, &s1);
	for (i = 0, ok = 1; i < EDUALLOC_ERR_SLOTS; i++)
		ok &= s1.errors[i] == s0.errors[i];
	check(ok, "  and counts no error");

	/* At most EDUALLOC_ALLOCS_MAX a call; continue from the last ID + 1. */
	f2 = open_private(256 * 1024, 0, 0, NULL);
	for (i = 0; i < EDUALLOC_ALLOCS_MAX + 5; i++)
		if (do_alloc(f2, 8, NULL))
			break;
	check(i == EDUALLOC_ALLOCS_MAX + 5, "%u allocations of 8 bytes", i);
	many = calloc(EDUALLOC_ALLOCS_MAX + 10, sizeof(*many));
	memset(&al, 0, sizeof(al));
	al.buf = (uintptr_t)many;
	al.max = EDUALLOC_ALLOCS_MAX + 10;
	EXPECT(0, xioctl(f2, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS max %u", al.max);
	check(al.count == EDUALLOC_ALLOCS_MAX && al.total == EDUALLOC_ALLOCS_MAX + 5,
	      "  %u of %llu: capped at EDUALLOC_ALLOCS_MAX", al.count, (unsigned long long)al.total);
	al.start_id = many[al.count - 1].id + 1;
	EXPECT(0, xioctl(f2, EDUALLOC_IOC_ALLOCS, &al), "ALLOCS from the last ID + 1");
	check(al.count == 5 && many[4].id == EDUALLOC_ALLOCS_MAX + 5, "  the other 5");
	free(many);
	close(f2);
	xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 });
}

int main(void)
{
	struct edualloc_inst_info info;

	abi_init("abi-alloc");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	fd = open_private(MiB, 4096, EDUALLOC_CREATE_DEBUG_ON, &info);
	check(info.capacity == MiB && info.bitset_bits == 4096, "a private instance of 1 MiB");

	test_alloc();
	xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 });
	test_free_lookup();
	test_rw();
	test_realloc();
	test_bits();
	test_stats_reset();
	test_config_validate();
	test_pages_allocs();
	EXPECT(0, do_validate(fd, NULL, 0), "VALIDATE at the end");
	close(fd);
	return abi_done();
}
