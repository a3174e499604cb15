// SPDX-License-Identifier: GPL-2.0
/*
 * obs-trace: the tracepoints edualloc:edualloc_alloc, edualloc_free,
 * edualloc_error and edualloc_buddy, read back through tracefs.
 *
 * Enables the edualloc events with a filter on the instance's name (a
 * string filter on the fixed-size inst field), drives a known sequence on
 * a fresh private instance and asserts the exact records; then that
 * disabled events record nothing, and that the engine reports only the
 * events a tracepoint or the log's level wants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "obs.h"

#define EVENTS	TRACEFS "/events/edualloc"
#define MAXR	64

static void clear_trace(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		fatal("clear " TRACEFS "/trace: %s", strerror(errno));
	close(fd);
}

static void must_write(const char *path, const char *text)
{
	int err = spit(path, text);

	if (err)
		fatal("write '%s' to %s: %s", text, path, strerror(-err));
}

/* The edualloc records in the trace buffer: "edualloc_x: fields". */
static int trace_records(char **recs, int max, int *foreign)
{
	char *text = slurp(TRACEFS "/trace"), *save, *l, pidtag[32];
	int n = 0;

	if (!text)
		fatal("read " TRACEFS "/trace: %s", strerror(errno));
	snprintf(pidtag, sizeof(pidtag), "-%d ", getpid());
	*foreign = 0;
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *ev = strstr(l, ": edualloc_");

		if (l[0] == '#' || !ev)
			continue;
		*ev = '\0';
		if (!strstr(l, pidtag))	/* the TASK-PID column */
			(*foreign)++;
		if (n < max)
			recs[n] = squeeze(ev + 2);
		n++;
	}
	free(text);
	return n;
}

/* The module-wide figures of the stats file we look at. */
struct counts {
	long long allocs, frees, event_alloc, event_free;
};

static struct counts counts(void)
{
	char *text = slurp(DEBUGFS "/stats");
	struct counts c;

	if (!text)
		fatal("read " DEBUGFS "/stats: %s", strerror(errno));
	c.allocs = keyval(text, "allocs");
	c.frees = keyval(text, "frees");
	c.event_alloc = keyval(text, "event_alloc");
	c.event_free = keyval(text, "event_free");
	free(text);
	return c;
}

/* What @n allocations and frees of 64 bytes in @d add to the stats file's counts. */
static struct counts alloc_free(struct dev *d, int n)
{
	struct counts a = counts(), b;
	struct edualloc_alloc_info info;

	while (n--)
		if (dev_alloc(d, 64, &info) || dev_free(d, info.id))
			fatal("alloc and free 64 bytes");
	b = counts();
	return (struct counts){
		.allocs = b.allocs - a.allocs, .frees = b.frees - a.frees,
		.event_alloc = b.event_alloc - a.event_alloc,
		.event_free = b.event_free - a.event_free,
	};
}

/*
 * The engine reports only what someone watches: with the log off and the
 * tracepoints disabled, allocations and frees build no event (the stats
 * file's allocs and frees, counted by the device, still count them);
 * enabling one tracepoint brings back its events alone; the log's level
 * brings back what it logs.
 */
static void test_wanted(struct dev *d)
{
	int verbosity = get_verbosity(), n, foreign;
	char *got[MAXR];
	struct counts c;

	set_verbosity(0);
	c = alloc_free(d, 10);
	check(c.allocs == 10 && c.frees == 10,
	      "log off, tracepoints off: allocs and frees count 10 each (%lld, %lld)",
	      c.allocs, c.frees);
	check(c.event_alloc == 0 && c.event_free == 0,
	      "... and the engine reported no alloc or free event (%lld, %lld)",
	      c.event_alloc, c.event_free);

	clear_trace();
	must_write(EVENTS "/edualloc_alloc/enable", "1");
	c = alloc_free(d, 3);
	must_write(EVENTS "/edualloc_alloc/enable", "0");
	n = trace_records(got, MAXR, &foreign);
	check(c.event_alloc == 3 && c.event_free == 0,
	      "edualloc_alloc enabled: 3 alloc events, no free event (%lld, %lld)",
	      c.event_alloc, c.event_free);
	check(n == 3 && !strncmp(got[0], "edualloc_alloc: ", 16),
	      "... and 3 edualloc_alloc records (got %d)", n);

	c = alloc_free(d, 3);
	check(c.event_alloc == 0, "edualloc_alloc disabled again: no alloc event (%lld)",
	      c.event_alloc);

	set_verbosity(2);
	c = alloc_free(d, 4);
	check(c.event_alloc == 4 && c.event_free == 4,
	      "verbosity 2: 4 alloc and 4 free events, logged (%lld, %lld)",
	      c.event_alloc, c.event_free);
	set_verbosity(verbosity);
}

int main(void)
{
	static const char * const events[] = {
		"edualloc_alloc", "edualloc_free", "edualloc_error", "edualloc_buddy",
	};
	struct edualloc_alloc_info c1, c2, c3;
	char *want[MAXR], *got[MAXR], path[160], *text;
	int nw = 0, n, i, foreign;
	unsigned int order;
	struct dev d;
	const char *name;

	test_init("obs-trace");
	if (!exists(TRACEFS "/trace"))
		skip("tracefs is not mounted at " TRACEFS);
	if (!exists(EVENTS))
		skip("no edualloc events in tracefs (kernel without tracing?)");

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), EVENTS "/%s/format", events[i]);
		text = slurp(path);
		check(text && strstr(text, "field:char inst[32];") &&
		      strstr(text, "field:u32 inst_id;"),
		      "%s exists, with the inst name and inst_id fields", events[i]);
		free(text);
	}

	must_write(TRACEFS "/tracing_on", "1");
	dev_open(&d);
	dev_create_flags(&d, 1024 * 1024, 0, EDUALLOC_CREATE_QUIET);
	name = d.info.name;
	must_write(EVENTS "/filter", fmt("inst == \"%s\"", name));
	clear_trace();
	must_write(EVENTS "/enable", "1");

	check(!dev_alloc(&d, 5000, &c1), "alloc 5000");
	check(!dev_free(&d, c1.id), "free it");
	check(!dev_alloc(&d, 100, &c2), "alloc 100");
	check(dev_free(&d, 99) == -ENOENT, "free ID 99: ENOENT");
	check(dev_alloc(&d, 0, NULL) == -EINVAL, "alloc 0: EINVAL");
	check(!dev_realloc(&d, c2.id, 300, &c3), "realloc the 100 bytes to 300");

	must_write(EVENTS "/enable", "0");

	for (order = 6; order >= 2; order--)
		want[nw++] = fmt("edualloc_buddy: inst=%s split order=%u bytes=%lu offset=0x0",
				 name, order, 4096UL << order);
	want[nw++] = fmt("edualloc_alloc: inst=%s id=%d size=5000 cls=10 reserved=8192 offset=0x%llx old_id=0",
			 name, c1.id, c1.offset);
	for (order = 2; order <= 6; order++)
		want[nw++] = fmt("edualloc_buddy: inst=%s merge order=%u bytes=%lu offset=0x0",
				 name, order, 4096UL << order);
	want[nw++] = fmt("edualloc_free: inst=%s id=%d size=5000 cls=10 reserved=8192 offset=0x%llx old_id=0",
			 name, c1.id, c1.offset);
	for (order = 6; order >= 1; order--)
		want[nw++] = fmt("edualloc_buddy: inst=%s split order=%u bytes=%lu offset=0x0",
				 name, order, 4096UL << order);
	want[nw++] = fmt("edualloc_alloc: inst=%s id=%d size=100 cls=4 reserved=128 offset=0x%llx old_id=0",
			 name, c2.id, c2.offset);
	want[nw++] = fmt("edualloc_error: inst=%s op=free kind=unknown_id err=ENOENT id=99 size=0 offset=0x0",
			 name);
	want[nw++] = fmt("edualloc_error: inst=%s op=alloc kind=zero_size err=EINVAL id=0 size=0 offset=0x0",
			 name);
	want[nw++] = fmt("edualloc_alloc: inst=%s id=%d size=300 cls=6 reserved=512 offset=0x%llx old_id=%d",
			 name, c3.id, c3.offset, c2.id);

	n = trace_records(got, MAXR, &foreign);
	check(n == nw, "%d records in the trace buffer (got %d)", nw, n);
	for (i = 0; i < nw; i++)
		check_str(i < n ? got[i] : NULL, want[i], "record %d: %.40s...", i + 1,
			  want[i]);
	check(!foreign, "every record names this process in its TASK-PID column");

	/* Disabled: nothing is recorded. */
	clear_trace();
	check(!dev_alloc(&d, 5000, NULL) && dev_alloc(&d, 0, NULL) == -EINVAL,
	      "alloc and a refused alloc with the events disabled");
	n = trace_records(got, MAXR, &foreign);
	check(n == 0, "disabled events record nothing (got %d records)", n);

	/* The filter is on the name: another instance's events stay out. */
	{
		struct dev other;

		dev_open(&other);
		dev_create(&other, 1024 * 1024, 0);
		must_write(EVENTS "/enable", "1");
		dev_alloc(&other, 64, NULL);
		dev_alloc(&d, 64, &c1);
		must_write(EVENTS "/enable", "0");
		char *mine = fmt("inst=%s ", name), *alloc = fmt("edualloc_alloc: inst=%s id=%d ",
								 name, c1.id);
		int others = 0, found = 0;

		n = trace_records(got, MAXR, &foreign);
		for (i = 0; i < n && i < MAXR; i++) {
			others += !strstr(got[i], mine);
			found += !strncmp(got[i], alloc, strlen(alloc));
		}
		check(found == 1 && !others,
		      "the name filter keeps %s's records only (%d records, %d of others)",
		      name, n, others);
		dev_close(&other);
	}

	/* A corruption the debug checks find: an error record with err 0. */
	{
		char *arena = mmap(NULL, 1024 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED,
				   d.fd, 0);
		char *rec = NULL;
		int errors = 0;

		if (arena == MAP_FAILED)
			fatal("mmap the arena: %s", strerror(errno));
		check(!dev_alloc(&d, 100, &c1), "alloc 100 to damage its red zone");
		clear_trace();
		must_write(EVENTS "/enable", "1");
		arena[c1.offset + 100] = 'A';
		dev_free(&d, c1.id);
		must_write(EVENTS "/enable", "0");
		munmap(arena, 1024 * 1024);
		n = trace_records(got, MAXR, &foreign);
		for (i = 0; i < n && i < MAXR; i++) {
			if (!strncmp(got[i], "edualloc_error:", 15)) {
				errors++;
				rec = got[i];
			}
		}
		check(errors == 1, "one error record for the damaged red zone (got %d)", errors);
		check_str(rec, fmt("edualloc_error: inst=%s op=free kind=redzone err=0 id=%d size=0 offset=0x%llx",
				   name, c1.id, c1.offset + 100), "the corruption's record");
	}

	must_write(EVENTS "/filter", "0");
	clear_trace();
	test_wanted(&d);
	dev_close(&d);
	return test_done();
}
