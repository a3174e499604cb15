// SPDX-License-Identifier: GPL-2.0
/*
 * EDUALLOC_CREATE_PERCPU through the device: the feature bit, the flag
 * reported back, and a threaded workload (threads on every CPU sharing one
 * file attached to a private per-CPU instance) whose every byte, count and
 * detector must come out exact: each thread's data reads back as written,
 * a double free is refused, the counters add up, VALIDATE finds the
 * instance consistent and RESET empties every CPU's cache (the first
 * allocation after it is the first one ever made). Run at the log level
 * "errors", then at the module's default again (where the per-CPU paths
 * report every ALLOC and FREE to the log themselves).
 */
#include "abi.h"

#include <pthread.h>

#define THREADS	4
#define OPS	20000
#define SLOTS	32

static int fd;
static long bad;

static void *worker(void *arg)
{
	unsigned long seed = (uintptr_t)arg * 2654435761UL + 1;
	int ids[SLOTS] = { 0 };
	unsigned char sz[SLOTS];
	char buf[64], want[64];
	unsigned int i, k;

	for (i = 0; i < OPS; i++) {
		struct edualloc_alloc_info a;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		k = (seed >> 33) % SLOTS;
		if (ids[k]) {
			memset(want, (int)(uintptr_t)arg + k, sz[k]);
			if (do_rw(fd, 0, ids[k], 0, buf, sz[k]) || memcmp(buf, want, sz[k]))
				__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
			if (do_free_id(fd, ids[k]))
				__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
			ids[k] = 0;
			continue;
		}
		sz[k] = 1 + (seed >> 40) % 64;
		if (do_alloc(fd, sz[k], &a)) {
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		memset(want, (int)(uintptr_t)arg + k, sz[k]);
		if (do_rw(fd, 1, a.id, 0, want, sz[k]))
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		ids[k] = a.id;
	}
	for (k = 0; k < SLOTS; k++)
		if (ids[k] && do_free_id(fd, ids[k]))
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void set_verbosity(const char *level)
{
	FILE *f = fopen("/sys/module/edualloc/parameters/verbosity", "w");

	if (f) {
		fputs(level, f);
		fclose(f);
	}
}

static void workload(void)
{
	struct edualloc_alloc_info a, b;
	struct edualloc_reset rs = { 0 };
	struct edualloc_stats st;
	pthread_t th[THREADS];
	char why[128];
	unsigned int i;

	bad = 0;
	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	check(bad == 0, "%d threads x %d operations: every byte read back, every call succeeded "
	      "(%ld failures)", THREADS, OPS, bad);
	EXPECT(0, do_stats(fd, &st), "STATS");
	check(st.allocs == st.frees && st.live_allocs == 0 && st.live_requested == 0 &&
	      st.allocs > 0, "counters summed over the CPUs: %llu allocs, %llu frees, %llu live",
	      (unsigned long long)st.allocs, (unsigned long long)st.frees,
	      (unsigned long long)st.live_allocs);
	check(st.inst_flags & EDUALLOC_INST_PERCPU, "STATS inst_flags has INST_PERCPU (%#x)",
	      st.inst_flags);
	EXPECT(0, do_validate(fd, why, sizeof(why)), "VALIDATE after the threads (%s)", why);

	EXPECT(0, do_alloc(fd, 40, &a), "ALLOC 40");
	EXPECT(0, do_free_id(fd, a.id), "FREE it");
	EXPECT(EALREADY, do_free_id(fd, a.id), "FREE it again: a double free");
	EXPECT(EALREADY, do_lookup_id(fd, a.id, NULL), "LOOKUP the freed ID");

	EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, &rs), "RESET");
	EXPECT(0, do_stats(fd, &st), "STATS after RESET");
	check(st.allocs == 0 && st.live_allocs == 0 && st.pages_used == 0 && st.next_id == 1,
	      "RESET emptied every CPU's cache: %llu allocs, %llu pages used, next ID %llu",
	      (unsigned long long)st.allocs, (unsigned long long)st.pages_used,
	      (unsigned long long)st.next_id);
	EXPECT(0, do_alloc(fd, 8, &b), "ALLOC 8 after RESET");
	check(b.id == 1 && b.offset == 0, "the first allocation again: ID %d at offset %#llx",
	      b.id, (unsigned long long)b.offset);
	EXPECT(0, do_free_id(fd, b.id), "FREE it");
}

int main(void)
{
	struct edualloc_inst_info info;
	struct edualloc_version v;
	struct edualloc_create c;
	int probe;

	abi_init("abi-percpu");
	probe = dev_open();
	EXPECT(0, do_version(probe, &v), "VERSION");
	if (!(v.features & EDUALLOC_FEAT_PERCPU))
		abi_skip("the module has no EDUALLOC_FEAT_PERCPU");
	check(v.features & EDUALLOC_FEAT_PERCPU, "VERSION features has FEAT_PERCPU");
	memset(&c, 0, sizeof(c));
	c.capacity = 1 << 20;
	c.flags = EDUALLOC_CREATE_PERCPU | (1U << 6);
	EXPECT(EINVAL, xioctl(probe, EDUALLOC_IOC_CREATE, &c), "CREATE with PERCPU and an unknown flag");
	close(probe);

	fd = open_private(4 << 20, 0, EDUALLOC_CREATE_PERCPU | EDUALLOC_CREATE_DEBUG_OFF, &info);
	check((info.flags & EDUALLOC_INST_PERCPU) && !(info.flags & EDUALLOC_INST_DEBUG),
	      "CREATE_PERCPU: the instance says INST_PERCPU, debug off (flags %#x)", info.flags);

	set_verbosity("errors");
	workload();
	set_verbosity("ops");
	workload();
	close(fd);

	fd = open_private(1 << 20, 0, 0, &info);
	check(!(info.flags & EDUALLOC_INST_PERCPU), "the default: no INST_PERCPU (flags %#x)",
	      info.flags);
	close(fd);
	return abi_done();
}
