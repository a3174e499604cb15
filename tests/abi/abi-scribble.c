// SPDX-License-Identifier: GPL-2.0
/*
 * The arena scribble test: userspace writes random bytes over the whole
 * mapped arena (and its large allocations) between operations. The kernel
 * never follows anything stored there, so every call keeps working and the
 * bookkeeping stays consistent (VALIDATE); the debug checks find the damage
 * and count it (red zones on free, poison on reuse), and nothing crashes.
 */
#include "abi.h"

#define KiB 1024ULL
#define MAXA 400

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned long long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void scribble(unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		unsigned long long v = next_rand();

		memcpy(p + i, &v, 8);
	}
}

struct live {
	struct edualloc_alloc_info info;
	unsigned char *map;	/* large allocations: their own mapping */
};

static struct live live[MAXA];
static int nlive;

static unsigned long long pick_size(void)
{
	switch (next_rand() % 8) {
	case 0:
		return 1 + next_rand() % 8;
	case 1:
	case 2:
		return 1 + next_rand() % 256;
	case 3:
	case 4:
		return 1 + next_rand() % 4096;
	case 5:
		return 4096 + next_rand() % 28672;
	case 6:
		return 32768 + next_rand() % 98304;
	default:
		return 262145 + next_rand() % 100000;	/* large */
	}
}

static int fill(int fd, int n, int *refused)
{
	int made = 0, r;

	while (nlive < MAXA && n--) {
		struct live *l = &live[nlive];

		r = do_alloc(fd, pick_size(), &l->info);
		if (r) {
			if (r != -ENOMEM)
				(*refused)++;
			continue;
		}
		l->map = NULL;
		if (l->info.cls == EDUALLOC_CLASS_LARGE) {
			l->map = mmap(NULL, l->info.class_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				      fd, (off_t)l->info.offset);
			if (l->map == MAP_FAILED)
				l->map = NULL;
		}
		nlive++;
		made++;
	}
	return made;
}

static int drop_some(int fd, int every, int *bad)
{
	int i, freed = 0, r;

	for (i = nlive - 1; i >= 0; i--) {
		if (next_rand() % every)
			continue;
		r = do_free_id(fd, live[i].info.id);
		if (r)
			(*bad)++;
		if (live[i].map)
			munmap(live[i].map, live[i].info.class_size);
		live[i] = live[--nlive];
		freed++;
	}
	return freed;
}

static void round_(int fd, unsigned char *arena, unsigned long long cap, int round)
{
	struct edualloc_stats s;
	char why[128];
	int i, refused = 0, bad = 0, made, freed, rw_bad = 0;
	unsigned char buf[64];

	made = fill(fd, 120, &refused);
	scribble(arena, cap);
	for (i = 0; i < nlive; i++)
		if (live[i].map)
			scribble(live[i].map, live[i].info.class_size);
	freed = drop_some(fd, 3, &bad);
	scribble(arena, cap);
	made += fill(fd, 120, &refused);

	/* Everything still answers, with the values it should. */
	for (i = 0; i < nlive; i++) {
		struct edualloc_alloc_info l;
		struct edualloc_lookup lk;

		if (do_lookup_id(fd, live[i].info.id, &l) || l.offset != live[i].info.offset ||
		    l.size != live[i].info.size)
			rw_bad++;
		memset(&lk, 0, sizeof(lk));
		lk.flags = EDUALLOC_LOOKUP_BY_OFFSET;
		lk.offset = live[i].info.offset + live[i].info.size - 1;
		if (xioctl(fd, EDUALLOC_IOC_LOOKUP, &lk) || lk.info.id != live[i].info.id)
			rw_bad++;
		if (do_rw(fd, 1, live[i].info.id, 0, "ok", live[i].info.size < 2 ? 1 : 2) ||
		    do_rw(fd, 0, live[i].info.id, 0, buf, 1) || buf[0] != 'o')
			rw_bad++;
	}
	check(!refused && !bad && !rw_bad,
	      "round %d: %d allocated, %d freed, %d live; LOOKUP/READ/WRITE all right (%d %d %d)",
	      round, made, freed, nlive, refused, bad, rw_bad);
	EXPECT(0, do_validate(fd, why, sizeof(why)), "round %d: VALIDATE (%s)", round, why);
	do_stats(fd, &s);
	check(s.live_allocs == (unsigned long long)nlive, "round %d: STATS live_allocs %llu = %d",
	      round, (unsigned long long)s.live_allocs, nlive);
}

int main(int argc, char **argv)
{
	struct edualloc_inst_info info;
	struct edualloc_stats s;
	unsigned char *arena;
	int fd, i, rounds = argc > 1 ? atoi(argv[1]) : 6, bad = 0;
	char why[128];

	abi_init("abi-scribble");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	if (argc > 2)
		rng = strtoull(argv[2], NULL, 0) | 1;
	printf("abi-scribble: seed %#llx, %d rounds\n", rng, rounds);

	/* QUIET: the damage is on purpose; keep it off the console. */
	fd = open_private(4096 * KiB, 256, EDUALLOC_CREATE_DEBUG_ON | EDUALLOC_CREATE_QUIET, &info);
	arena = mmap(NULL, info.capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (arena == MAP_FAILED) {
		check(0, "mmap the arena: %s", strerror(errno));
		return abi_done();
	}
	for (i = 1; i <= rounds; i++)
		round_(fd, arena, info.capacity, i);

	do_stats(fd, &s);
	check(s.errors[EDUALLOC_ERR_REDZONE] > 0, "red zone damage found and counted: %llu",
	      (unsigned long long)s.errors[EDUALLOC_ERR_REDZONE]);
	check(s.errors[EDUALLOC_ERR_USE_AFTER_FREE] > 0, "write-after-free found and counted: %llu",
	      (unsigned long long)s.errors[EDUALLOC_ERR_USE_AFTER_FREE]);
	check(s.corruptions == s.errors[EDUALLOC_ERR_REDZONE] + s.errors[EDUALLOC_ERR_USE_AFTER_FREE],
	      "corruptions = red zone + use after free (%llu)", (unsigned long long)s.corruptions);
	check(s.allocs - s.frees == s.live_allocs, "allocs - frees = live (%llu - %llu = %llu)",
	      (unsigned long long)s.allocs, (unsigned long long)s.frees,
	      (unsigned long long)s.live_allocs);

	/* Free everything, damage and all; then the instance is as good as new. */
	while (nlive) {
		nlive--;
		if (do_free_id(fd, live[nlive].info.id))
			bad++;
		if (live[nlive].map)
			munmap(live[nlive].map, live[nlive].info.class_size);
	}
	check(!bad, "every allocation freed despite the damage");
	do_stats(fd, &s);
	{
		unsigned long long spares = 0;
		int c, ok = 1;

		for (c = 0; c < EDUALLOC_NR_CLASSES; c++) {
			ok &= !s.cls[c].slots_used && s.cls[c].slabs <= (s.cls[c].size < 4096);
			spares += s.cls[c].slabs;
		}
		check(ok && s.live_allocs == 0 && s.large_count == 0 &&
		      s.pages_free + spares == s.pages_total,
		      "nothing live; every page free but one spare slab per class (%llu + %llu of %llu)",
		      (unsigned long long)s.pages_free, spares, (unsigned long long)s.pages_total);
	}
	EXPECT(0, do_validate(fd, why, sizeof(why)), "VALIDATE after freeing all (%s)", why);
	scribble(arena, info.capacity);
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, &(struct edualloc_reset){ 0 }), "RESET a scribbled arena");
	{
		struct edualloc_alloc_info a = { 0 };

		EXPECT(0, do_alloc(fd, 100, &a), "ALLOC after RESET");
		check(a.id == 1 && a.offset == 0, "  ID 1 at offset 0, as new");
	}
	EXPECT(0, do_validate(fd, why, sizeof(why)), "VALIDATE at the end (%s)", why);
	munmap(arena, info.capacity);
	close(fd);
	return abi_done();
}
