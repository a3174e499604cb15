// SPDX-License-Identifier: GPL-2.0
/*
 * preload-batch-abi: EDUALLOC_IOC_BATCH, every documented behaviour and
 * every error path one at a time, each checked to change nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/edualloc.h>

static int failures;

#define CHECK(cond, ...) do { if (cond) { printf("ok   "); } else { printf("FAIL "); failures++; } \
	printf(__VA_ARGS__); printf("\n"); } while (0)

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static struct edualloc_stats stats(int fd)
{
	struct edualloc_stats st;

	memset(&st, 0, sizeof(st));
	if (xioctl(fd, EDUALLOC_IOC_STATS, &st))
		printf("STATS failed\n");
	return st;
}

static int batch(int fd, struct edualloc_batch_entry *e, unsigned int n, struct edualloc_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->entries = (unsigned long)e;
	b->count = n;
	return xioctl(fd, EDUALLOC_IOC_BATCH, b);
}

static int open_private(unsigned long capacity)
{
	int fd = open(EDUALLOC_DEVICE, O_RDWR | O_CLOEXEC);
	struct edualloc_create c;

	if (fd < 0) {
		perror(EDUALLOC_DEVICE);
		exit(1);
	}
	memset(&c, 0, sizeof(c));
	c.capacity = capacity;
	if (xioctl(fd, EDUALLOC_IOC_CREATE, &c)) {
		perror("CREATE");
		exit(1);
	}
	return fd;
}

/* A rejected call must change nothing: same counters, same next ID. */
static void unchanged(int fd, const struct edualloc_stats *before, const char *what)
{
	struct edualloc_stats now = stats(fd);

	CHECK(now.allocs == before->allocs && now.frees == before->frees &&
	      now.next_id == before->next_id && now.live_allocs == before->live_allocs &&
	      now.failed_allocs == before->failed_allocs,
	      "%s changed nothing (allocs %llu, frees %llu, next ID %u)", what,
	      (unsigned long long)now.allocs, (unsigned long long)now.frees, now.next_id);
}

int main(void)
{
	struct edualloc_batch_entry e[EDUALLOC_BATCH_MAX + 1];
	struct edualloc_batch b;
	struct edualloc_version v;
	struct edualloc_stats st;
	int fd = open_private(1 << 20), err;

	memset(&v, 0, sizeof(v));
	xioctl(fd, EDUALLOC_IOC_VERSION, &v);
	CHECK(v.features & EDUALLOC_FEAT_BATCH, "VERSION announces BATCH (features %#llx)",
	      (unsigned long long)v.features);

	/* Three allocations in one call. */
	memset(e, 0, sizeof(e));
	for (int i = 0; i < 3; i++) {
		e[i].op = EDUALLOC_BATCH_ALLOC;
		e[i].size = 100 + i;
		e[i].id = -5;		/* out fields: ignored */
		e[i].err = 77;
	}
	err = batch(fd, e, 3, &b);
	CHECK(!err && b.done == 3 && b.failed == 0, "3 ALLOCs in one call: done 3, failed 0 (err %d)",
	      err);
	CHECK(e[0].id == 1 && e[1].id == 2 && e[2].id == 3 && !e[0].err && !e[2].err,
	      "IDs 1, 2, 3 in order, err 0 (%d %d %d)", e[0].id, e[1].id, e[2].id);
	CHECK(e[0].cls == 4 && e[0].offset != e[1].offset, "class 4 (128 bytes), distinct offsets");
	st = stats(fd);
	CHECK(st.allocs == 3 && st.live_allocs == 3 && st.live_requested == 303,
	      "STATS count them as 3 ALLOCs (allocs %llu, live %llu, requested %llu)",
	      (unsigned long long)st.allocs, (unsigned long long)st.live_allocs,
	      (unsigned long long)st.live_requested);

	/* Frees: by ID, by offset, by both. */
	unsigned long long off1 = e[1].offset, off2 = e[2].offset;

	memset(e, 0, sizeof(e));
	e[0].op = EDUALLOC_BATCH_FREE;
	e[0].id = 1;
	e[1].op = EDUALLOC_BATCH_FREE;
	e[1].offset = off1;
	e[2].op = EDUALLOC_BATCH_FREE;
	e[2].id = 3;
	e[2].offset = off2;
	err = batch(fd, e, 3, &b);
	CHECK(!err && b.done == 3 && e[0].cls == 4 && e[1].cls == 4,
	      "3 FREEs (by ID, by offset, by both): done %u", b.done);
	st = stats(fd);
	CHECK(st.frees == 3 && st.live_allocs == 0, "STATS count 3 FREEs, nothing live");

	/* Per-entry errors: the others still happen. */
	memset(e, 0, sizeof(e));
	e[0].op = EDUALLOC_BATCH_ALLOC;	e[0].size = 0;		/* -EINVAL */
	e[1].op = EDUALLOC_BATCH_ALLOC;	e[1].size = 64;
	e[2].op = EDUALLOC_BATCH_FREE;	e[2].id = 999;		/* -ENOENT */
	e[3].op = EDUALLOC_BATCH_FREE;	e[3].id = 1;		/* -EALREADY */
	e[4].op = EDUALLOC_BATCH_ALLOC;	e[4].size = 1ULL << 30;	/* -E2BIG */
	e[5].op = EDUALLOC_BATCH_FREE;	e[5].id = -3;		/* -ENOENT */
	e[6].op = EDUALLOC_BATCH_FREE;	e[6].id = 2;	e[6].offset = off1 + 8;	/* -ESTALE */
	err = batch(fd, e, 7, &b);
	CHECK(!err && b.done == 1 && b.failed == 6, "a batch with 6 failing entries: done 1, failed %u",
	      b.failed);
	CHECK(e[0].err == -EINVAL, "ALLOC of 0 bytes: -EINVAL (%d)", e[0].err);
	CHECK(e[1].err == 0 && e[1].id == 4, "the good ALLOC beside them: ID 4 (%d)", e[1].id);
	CHECK(e[2].err == -ENOENT, "FREE of an ID never issued: -ENOENT (%d)", e[2].err);
	CHECK(e[3].err == -EALREADY, "FREE of a freed ID: -EALREADY (%d)", e[3].err);
	CHECK(e[4].err == -E2BIG, "ALLOC above the capacity: -E2BIG (%d)", e[4].err);
	CHECK(e[5].err == -ENOENT, "FREE of a negative ID: -ENOENT (%d)", e[5].err);
	CHECK(e[6].err == -ESTALE || e[6].err == -EALREADY || e[6].err == -EINVAL,
	      "FREE by an ID and an offset that disagree: refused (%d)", e[6].err);

	/* -ENOMEM per entry when full. */
	memset(e, 0, sizeof(e));
	for (int i = 0; i < 32; i++) {
		e[i].op = EDUALLOC_BATCH_ALLOC;
		e[i].size = 65536;
	}
	err = batch(fd, e, 32, &b);
	CHECK(!err && b.done >= 1 && b.failed >= 1 && e[31].err == -ENOMEM,
	      "32 x 64 KiB in 1 MiB: some done (%u), the rest -ENOMEM (%d)", b.done, e[31].err);

	/* Errors of the call, one at a time: nothing done. */
	st = stats(fd);
	memset(e, 0, sizeof(e));
	e[0].op = EDUALLOC_BATCH_ALLOC;
	e[0].size = 8;
	e[1].op = EDUALLOC_BATCH_ALLOC;
	e[1].size = 8;
	err = batch(fd, e, 0, &b);
	CHECK(err == EINVAL, "count 0: EINVAL (%d)", err);
	unchanged(fd, &st, "count 0");
	for (int i = 0; i <= EDUALLOC_BATCH_MAX; i++) {
		e[i].op = EDUALLOC_BATCH_ALLOC;
		e[i].size = 8;
	}
	err = batch(fd, e, EDUALLOC_BATCH_MAX + 1, &b);
	CHECK(err == EINVAL, "count %d: EINVAL (%d)", EDUALLOC_BATCH_MAX + 1, err);
	unchanged(fd, &st, "count above the maximum");
	memset(&b, 0, sizeof(b));
	b.entries = (unsigned long)e;
	b.count = 2;
	b.flags = 1;
	err = xioctl(fd, EDUALLOC_IOC_BATCH, &b);
	CHECK(err == EINVAL, "flags 1: EINVAL (%d)", err);
	unchanged(fd, &st, "flags 1");
	e[1].op = 3;
	err = batch(fd, e, 2, &b);
	CHECK(err == EINVAL, "an unknown op in the second entry: EINVAL (%d)", err);
	unchanged(fd, &st, "an unknown op (the first entry not done either)");
	e[1].op = 0;
	err = batch(fd, e, 2, &b);
	CHECK(err == EINVAL, "op 0: EINVAL (%d)", err);
	e[1].op = EDUALLOC_BATCH_FREE;
	e[1].size = 8;
	e[1].id = 4;
	err = batch(fd, e, 2, &b);
	CHECK(err == EINVAL, "a FREE with a non-zero size: EINVAL (%d)", err);
	unchanged(fd, &st, "a FREE with a size");

	/* -EFAULT: unreadable entries, read-only entries, a bad argument. */
	err = batch(fd, NULL, 2, &b);
	CHECK(err == EFAULT, "entries NULL: EFAULT (%d)", err);
	struct edualloc_batch_entry *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ro[0].op = EDUALLOC_BATCH_ALLOC;
	ro[0].size = 8;
	mprotect(ro, 4096, PROT_READ);
	err = batch(fd, ro, 1, &b);
	CHECK(err == EFAULT, "entries in read-only memory: EFAULT (%d)", err);
	unchanged(fd, &st, "read-only entries");
	err = xioctl(fd, EDUALLOC_IOC_BATCH, (void *)8);
	CHECK(err == EFAULT, "the argument at a bad address: EFAULT (%d)", err);
	unchanged(fd, &st, "a bad argument");

	/* -EIDRM: the attached instance destroyed under us. */
	int f2 = open(EDUALLOC_DEVICE, O_RDWR | O_CLOEXEC);
	struct edualloc_create cn;
	struct edualloc_destroy d;

	memset(&cn, 0, sizeof(cn));
	snprintf(cn.name, sizeof(cn.name), "batch-%d", (int)getpid());
	cn.capacity = 1 << 16;
	err = xioctl(f2, EDUALLOC_IOC_CREATE, &cn);
	memset(&d, 0, sizeof(d));
	memcpy(d.name, cn.name, sizeof(d.name));
	if (!err)
		err = xioctl(fd, EDUALLOC_IOC_DESTROY, &d);
	e[0].op = EDUALLOC_BATCH_ALLOC;
	e[0].size = 8;
	err = err ? err : batch(f2, e, 1, &b);
	CHECK(err == EIDRM, "the instance destroyed: EIDRM (%d)", err);
	close(f2);

	printf("%s: %d failure%s\n", failures ? "FAIL" : "PASS", failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
