// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 4 on the host: the engine linked with a lab-4 policy file (built
 * with -DEA_LAB_POLICY, as mkmodule.sh builds the module), compiled in
 * userspace against tests/engine/shim, must give each policy's offsets in
 * the checker's three scenarios, and replay the lab's traces as the
 * solution's answers say.
 *
 *   policy_test TRACEDIR [skeleton]
 *
 * With "skeleton", it checks the opposite: that the skeleton's FIFO and
 * address-ordered policies are NOT the solution's (they fall back to LIFO).
 * Exit status: 0 when every check holds.
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "shim/shim.h"
#include "ea_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int policy;	/* 0 lifo (the engine's), then the file's */

static const char *const names[] = { "lifo", "fifo", "address", "merge" };

/* The checker's scenarios: IDs 1..n of 4 KiB, some freed, one more alloc. */
static const int scen[3][8] = {
	{ 4, 1, 3, 0 },
	{ 4, 3, 1, 0 },
	{ 6, 6, 3, 4, 1, 0 },
};

static const unsigned long want[4][3] = {
	{ 0x2000, 0x0, 0x0 },
	{ 0x0, 0x2000, 0x5000 },
	{ 0x0, 0x0, 0x0 },
	{ 0x2000, 0x0, 0x5000 },
};

static struct ea_instance *fresh(void)
{
	struct ea_params p = { .capacity = 1 << 20, .max_capacity = 1ULL << 32,
			       .debug = true, .quiet = true,
			       .policy = policy + 1 };
	struct ea_instance *inst = ea_create(&p, NULL);

	if (!inst) {
		fprintf(stderr, "ea_create failed\n");
		exit(2);
	}
	return inst;
}

static unsigned long scenario(int s)
{
	struct ea_instance *inst = fresh();
	struct ea_alloc_info a;
	int i;

	for (i = 0; i < scen[s][0]; i++)
		ea_alloc(inst, 4096, 0, NULL);
	for (i = 1; scen[s][i]; i++)
		ea_free(inst, scen[s][i], 0, NULL);
	ea_alloc(inst, 4096, 0, &a);
	ea_destroy(inst);
	return a.offset;
}

/* Replay a trace: 1 if it runs to the end. */
static int replay(const char *path)
{
	FILE *f = fopen(path, "r");
	struct ea_instance *inst;
	long long h[4];
	char line[128];
	int *id, n = 0, ok = 1, ops;

	if (!f) {
		perror(path);
		exit(2);
	}
	for (int i = 0; i < 4; i++)
		if (fscanf(f, "%lld", &h[i]) != 1)
			exit(2);
	ops = h[2];
	id = calloc(h[1], sizeof(*id));
	inst = fresh();
	while (ok && n < ops && fgets(line, sizeof(line), f)) {
		char k;
		int t;
		unsigned long long s;
		struct ea_alloc_info a;

		if (sscanf(line, " %c %d %llu", &k, &t, &s) < 2)
			continue;
		n++;
		if (k == 'a') {
			ok = !ea_alloc(inst, s, 0, &a);
			id[t] = a.id;
		} else if (k == 'f' && t >= 0) {
			ok = !ea_free(inst, id[t], 0, NULL);
		}
	}
	ea_destroy(inst);
	free(id);
	fclose(f);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct { const char *trace; int ok[4]; } traces[] = {
		{ "interleave.rep", { 0, 0, 1, 0 } },
		{ "tail.rep", { 0, 1, 0, 1 } },
	};
	int skeleton = argc > 2 && !strcmp(argv[2], "skeleton");
	int fails = 0;
	char path[4096];

	if (argc < 2)
		return 2;
	for (unsigned int p = 0; p < 4; p++) {
		int same = 1;

		policy = p;
		for (int s = 0; s < 3; s++) {
			unsigned long got = scenario(s);

			same &= got == want[p][s];
			if (!skeleton && got != want[p][s]) {
				printf("FAIL %s, scenario %d: offset %#lx, want %#lx\n", names[p],
				       s + 1, got, want[p][s]);
				fails++;
			}
		}
		if (skeleton && p && same) {
			printf("FAIL the skeleton already does %s\n", names[p]);
			fails++;
		}
		for (unsigned int t = 0; !skeleton && t < 2; t++) {
			int ok;

			snprintf(path, sizeof(path), "%s/%s", argv[1], traces[t].trace);
			ok = replay(path);
			if (ok != traces[t].ok[p]) {
				printf("FAIL %s with %s: %s, want %s\n", traces[t].trace, names[p],
				       ok ? "ok" : "fail", traces[t].ok[p] ? "ok" : "fail");
				fails++;
			}
		}
	}
	printf("policy_test%s: %s\n", skeleton ? " (skeleton)" : "", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}
