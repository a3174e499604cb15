// SPDX-License-Identifier: GPL-2.0
/*
 * Lab 4 on the host: your ea_policy.c linked with the engine, built in
 * userspace (the engine compiles unchanged against tests/engine/shim), with
 * AddressSanitizer and UBSan, in a second. Built and run by ./hosttest.
 *
 *   host POLICY "N: ID..." ...   a scenario: N pages of 4 KiB, free those
 *                                IDs in order, one more page; prints its
 *                                offset (as the checker's scenarios do)
 *   host POLICY -t TRACE         replay a CS:APP trace: ok or fail, and
 *                                largest_free, external_frag_pct
 *   LAB_CAPACITY=BYTES           the heap's capacity (default 1 MiB)
 *
 * POLICY is a number (0 the engine's LIFO, then your ea_lab_policies[]).
 * After every operation the engine's own validation (ea_validate(): every
 * list, every counter) runs: a policy that loses or duplicates a block
 * stops here, with the reason, where gdb can look at it.
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "shim/shim.h"
#include "ea_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int policy;

static struct ea_instance *fresh(void)
{
	const char *cap = getenv("LAB_CAPACITY");	/* bytes; default 1 MiB */
	struct ea_params p = { .capacity = cap ? strtoull(cap, NULL, 0) : 1 << 20,
			       .max_capacity = 1ULL << 32,
			       .debug = true, .quiet = true, .policy = policy + 1 };
	struct ea_instance *inst = ea_create(&p, NULL);

	if (!inst) {
		fprintf(stderr, "host: ea_create failed (no policy %u?)\n", policy);
		exit(2);
	}
	return inst;
}

static void valid(struct ea_instance *inst, const char *after)
{
	char why[256];

	if (ea_validate(inst, why, sizeof(why))) {
		fprintf(stderr, "host: the engine is inconsistent after %s: %s\n", after, why);
		abort();	/* under gdb: bt */
	}
}

static void scenario(const char *spec)
{
	struct ea_instance *inst = fresh();
	struct ea_alloc_info a;
	char what[64];
	const char *p;
	int n = atoi(spec), id;

	for (int i = 0; i < n; i++) {
		if (ea_alloc(inst, 4096, 0, NULL)) {
			fprintf(stderr, "host: alloc %d failed\n", i + 1);
			exit(1);
		}
		valid(inst, "an alloc");
	}
	p = strchr(spec, ':');
	while (p && *++p) {
		char *end;

		id = strtol(p, &end, 10);
		if (end == p)
			break;
		p = end - 1;
		if (ea_free(inst, id, 0, NULL)) {
			fprintf(stderr, "host: free %d failed\n", id);
			exit(1);
		}
		snprintf(what, sizeof(what), "free %d", id);
		valid(inst, what);
	}
	ea_alloc(inst, 4096, 0, &a);
	valid(inst, "the last alloc");
	printf("%s -> %#llx\n", spec, (unsigned long long)a.offset);
	ea_destroy(inst);
}

static int replay(const char *path)
{
	FILE *f = fopen(path, "r");
	struct ea_instance *inst;
	struct ea_stats st;
	long long h[4];
	char line[128];
	int *id, n = 0, ok = 1;

	if (!f) {
		perror(path);
		exit(2);
	}
	for (int i = 0; i < 4; i++)
		if (fscanf(f, "%lld", &h[i]) != 1)
			exit(2);
	id = calloc(h[1], sizeof(*id));
	inst = fresh();
	while (ok && n < h[2] && fgets(line, sizeof(line), f)) {
		struct ea_alloc_info a;
		unsigned long long s = 0;
		char k;
		int t;

		if (sscanf(line, " %c %d %llu", &k, &t, &s) < 2)
			continue;
		n++;
		if (k == 'a') {
			ok = !ea_alloc(inst, s, 0, &a);
			id[t] = a.id;
		} else if (k == 'f' && t >= 0) {
			ok = !ea_free(inst, id[t], 0, NULL);
		} else if (k == 'r') {
			ok = !ea_realloc(inst, id[t], s, 0, &a);
			id[t] = a.id;
		}
		valid(inst, line);
	}
	ea_get_stats(inst, &st);
	printf("%s: %s after %d operations; largest_free %llu, external_frag_pct %u\n", path,
	       ok ? "ok" : "fail", n, (unsigned long long)st.largest_free,
	       (unsigned int)st.external_frag_pct);
	ea_destroy(inst);
	free(id);
	fclose(f);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: host POLICY \"N: ID...\"... | host POLICY -t TRACE\n");
		return 2;
	}
	policy = atoi(argv[1]);
	if (!strcmp(argv[2], "-t"))
		return argc > 3 && replay(argv[3]) ? 0 : 1;
	for (int i = 2; i < argc; i++)
		scenario(argv[i]);
	return 0;
}
