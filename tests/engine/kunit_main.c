// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the KUnit suites compiled against the userspace shim: every case
 * (every parameter of the parameterised ones) with the suite's init and
 * exit, output in KTAP, a summary line at the end, exit status 1 on any
 * failure. A case also fails if it leaves engine memory allocated.
 *
 * Usage: kunit-host [substring]   runs only the cases whose name contains it
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kunit/test.h>
#include "shim/shim.h"

#define MAX_SUITES	16

struct kunit_mem {
	struct kunit_mem *next;
	void *ptr;
};

static struct kunit_suite *suites[MAX_SUITES];
static unsigned int nr_suites;

void shim_kunit_register(struct kunit_suite *suite)
{
	if (nr_suites == MAX_SUITES)
		abort();
	suites[nr_suites++] = suite;
}

void shim_kunit_fail(struct kunit *test, bool assert, const char *file,
		     int line, const char *fmt, ...)
{
	va_list ap;

	test->failures++;
	printf("    # %s: %s failed at %s:%d\n    # ", test->name,
	       assert ? "ASSERTION" : "EXPECTATION", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (assert)
		longjmp(*test->abort, 1);
}

/* Test-managed memory is not subject to fault injection. */
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  gfp_t gfp)
{
	struct kunit_mem *m = malloc(sizeof(*m));
	size_t bytes;

	if (!m || __builtin_mul_overflow(n, size, &bytes)) {
		free(m);
		return NULL;
	}
	m->ptr = (gfp & __GFP_ZERO) ? calloc(1, bytes ? bytes : 1) :
				      malloc(bytes ? bytes : 1);
	if (!m->ptr) {
		free(m);
		return NULL;
	}
	m->next = test->mem;
	test->mem = m;
	return m->ptr;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	struct kunit_mem **pm, *m;

	for (pm = &test->mem; (m = *pm); pm = &m->next) {
		if (m->ptr == ptr) {
			*pm = m->next;
			free(m->ptr);
			free(m);
			return;
		}
	}
	shim_kunit_fail(test, false, __FILE__, __LINE__,
			"kunit_kfree of unknown %p", ptr);
}

static void free_all(struct kunit *test)
{
	while (test->mem)
		kunit_kfree(test, test->mem->ptr);
}

/* Run one case (one parameter); 0 if it passed. */
static int run_one(struct kunit_suite *suite, struct kunit_case *c,
		   const void *param, const char *name)
{
	struct kunit test = { .name = name, .param_value = param };
	long live = shim_live_objects;
	jmp_buf abort_buf;
	volatile int inited = 0;

	test.abort = &abort_buf;
	shim_fail_nth = 0;
	if (!setjmp(abort_buf)) {
		if (suite->init && suite->init(&test)) {
			shim_kunit_fail(&test, false, __FILE__, __LINE__,
					"init failed");
		} else {
			inited = 1;
			c->run_case(&test);
		}
	}
	if (inited && suite->exit && !setjmp(abort_buf))
		suite->exit(&test);
	free_all(&test);
	if (shim_live_objects != live) {
		test.failures++;
		printf("    # %s: %ld engine objects leaked\n", name,
		       shim_live_objects - live);
		shim_live_objects = live;
	}
	return test.failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int s, cases = 0, runs = 0, failed = 0;
	struct timespec t0, t1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("KTAP version 1\n1..%u\n", nr_suites);
	for (s = 0; s < nr_suites; s++) {
		struct kunit_suite *suite = suites[s];
		struct kunit_case *c;
		unsigned int n = 0, suite_failed = 0;

		printf("    KTAP version 1\n    # Subtest: %s\n", suite->name);
		for (c = suite->test_cases; c->run_case; c++) {
			int bad = 0;

			if (filter && !strstr(c->name, filter))
				continue;
			cases++;
			if (c->generate_params) {
				char desc[KUNIT_PARAM_DESC_SIZE];
				const void *p = NULL;
				unsigned int k = 0;

				while ((desc[0] = 0,
					p = c->generate_params(p, desc))) {
					int r = run_one(suite, c, p, c->name);

					printf("        %s %u %s\n", r ? "not ok" : "ok",
					       ++k, desc);
					bad |= r;
					runs++;
				}
			} else {
				bad = run_one(suite, c, NULL, c->name);
				runs++;
			}
			printf("    %s %u %s\n", bad ? "not ok" : "ok", ++n, c->name);
			suite_failed += bad;
		}
		printf("%s %u %s\n", suite_failed ? "not ok" : "ok", s + 1,
		       suite->name);
		failed += suite_failed;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("kunit-host: %u suites, %u cases (%u runs with parameters), %u failed, %.1f s\n",
	       nr_suites, cases, runs, failed,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return failed ? 1 : 0;
}
