// SPDX-License-Identifier: GPL-2.0
/*
 * pairbench: the engine's fast path, counted in instructions on the host.
 *
 * The engine's userspace build (as bench/ builds it: -O2, SHIM_FAST_LOCKS)
 * runs, for each small class size, a loop of alloc+free pairs (section 1
 * of `make bench`), and then the scale workload (section 5: free a random
 * live 64-byte object and allocate another, with N live). Each measured
 * loop is a function of its own, so that
 *
 *   valgrind --tool=callgrind --collect-atstart=no \
 *	--toggle-collect=pb_measured_pairs build/pairbench pair 64
 *
 * counts that loop alone (`make pairbench-cg` does it for every size and
 * prints instructions per pair). Without valgrind it prints ns per op,
 * for a rough look.
 */
#include <linux/kernel.h>	/* first: the shim before the C library */

#include "ea_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long pb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000UL + ts.tv_nsec;
}

/* @n pairs; inlined into each caller, which callgrind counts by name. */
static __always_inline void pb_pairs(struct ea_instance *inst, u64 size,
				     unsigned long n)
{
	struct ea_alloc_info info;
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (ea_alloc(inst, size, 0, &info))
			abort();
		ea_free(inst, info.id, 0, NULL);
	}
}

noinline void pb_measured_pairs(struct ea_instance *inst, u64 size,
				unsigned long n)
{
	pb_pairs(inst, size, n);
}

/* The warm-up's pairs, not counted (a function of their own). */
noinline void pb_warm_pairs(struct ea_instance *inst, u64 size,
			    unsigned long n)
{
	pb_pairs(inst, size, n);
}

noinline void pb_measured_scale(struct ea_instance *inst, int *ids,
				unsigned long live, const unsigned int *pick,
				unsigned long n)
{
	struct ea_alloc_info info;
	unsigned long i;

	for (i = 0; i < n; i++) {
		unsigned int k = pick[i];

		ea_free(inst, ids[k], 0, NULL);
		if (ea_alloc(inst, 64, 0, &info))
			abort();
		ids[k] = info.id;
	}
}

static bool pb_percpu;	/* pair-percpu: an instance with per-CPU caches */

static struct ea_instance *pb_create(u64 capacity)
{
	struct ea_params p = { .capacity = capacity, .quiet = true,
			       .percpu = pb_percpu };
	struct ea_instance *inst;
	int err = 0;

	inst = ea_create(&p, &err);
	if (!inst) {
		fprintf(stderr, "ea_create: %d\n", err);
		exit(1);
	}
	return inst;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 0) : 100000;
	const char *mode = argc > 1 ? argv[1] : "pair";
	unsigned long arg = argc > 2 ? strtoul(argv[2], NULL, 0) : 64;
	struct ea_instance *inst;
	unsigned long t0, t;

	pb_percpu = !strcmp(mode, "pair-percpu");
	if (!strcmp(mode, "pair") || pb_percpu) {
		inst = pb_create(1 << 20);
		pb_warm_pairs(inst, arg, 1000);
		t0 = pb_now_ns();
		pb_measured_pairs(inst, arg, n);
		t = pb_now_ns() - t0;
		printf("%s %lu B: %.1f ns per pair\n", mode, arg, (double)t / n);
	} else if (!strcmp(mode, "scale")) {
		unsigned int *pick = malloc(n * sizeof(*pick));
		int *ids = malloc(arg * sizeof(*ids));
		struct ea_alloc_info info;
		unsigned long i, seed = 88172645463325252UL;

		inst = pb_create((u64)arg * 64 * 2 + (1 << 20));
		for (i = 0; i < arg; i++) {
			if (ea_alloc(inst, 64, 0, &info))
				abort();
			ids[i] = info.id;
		}
		for (i = 0; i < n; i++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			pick[i] = seed % arg;
		}
		pb_measured_scale(inst, ids, arg, pick, n / 4);	/* warm up */
		t0 = pb_now_ns();
		pb_measured_scale(inst, ids, arg, pick, n);
		t = pb_now_ns() - t0;
		printf("scale %lu live: %.1f ns per free+alloc\n", arg,
		       (double)t / n);
		free(pick);
		free(ids);
	} else {
		fprintf(stderr, "usage: pairbench pair|pair-percpu SIZE [N] | scale LIVE [N]\n");
		return 2;
	}
	ea_destroy(inst);
	return 0;
}
