// SPDX-License-Identifier: GPL-2.0
/*
 * obs-log: the event log in debugfs (/sys/kernel/debug/edualloc/log).
 *
 * Drives known sequences on fresh private instances and asserts the exact
 * log lines (seq, instance, pid, comm, operation, event, ID, size, class,
 * offset, result, detail) at each verbosity: 2 (operations), 3 (the
 * engine's decisions), 1 (errors only), 0 (nothing). Then the ring: the
 * lost-event count when it overflows, clearing, and consistent snapshots
 * while another process keeps logging. Last, that none of it reached the
 * console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "obs.h"

#define MAX_WANT	64

static int klog_lines(void);

struct want {
	int n;
	char *line[MAX_WANT];
};

static void want(struct want *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void want(struct want *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n == MAX_WANT)
		fatal("too many expected lines");
	va_start(ap, fmt);
	if (vasprintf(&w->line[w->n], fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	w->n++;
}

static void want_free(struct want *w)
{
	while (w->n)
		free(w->line[--w->n]);
}

/*
 * The instance's records from seq @from on must be exactly @w, numbered
 * @from, @from + 1, ... (nothing else logs meanwhile), each showing this
 * process as the caller.
 */
static void expect_log(const char *title, unsigned long long from,
		       const char *inst, struct want *w)
{
	char **recs, full[640], seq[32];
	int n, i;

	n = log_records(from, inst, &recs);
	check(n == w->n, "%s: %d log lines for %s (got %d)", title, w->n, inst, n);
	for (i = 0; i < w->n; i++) {
		snprintf(full, sizeof(full), "%llu %s %d %s %s", from + i, inst,
			 getpid(), my_comm(), w->line[i]);
		snprintf(seq, sizeof(seq), "%d", i + 1);
		check_str(i < n ? recs[i] : NULL, full, "%s: line %s: %s", title,
			  seq, w->line[i]);
	}
	for (i = 0; i < n; i++)
		free(recs[i]);
	free(recs);
	want_free(w);
}

#define MiB (1024ULL * 1024)

/* Verbosity 2: every operation, with its result; errors with their kind. */
static void test_operations(void)
{
	struct edualloc_alloc_info a[7];
	unsigned long long from;
	struct want w = { 0 };
	char dir[128];
	struct dev d;
	int pid = getpid();

	set_verbosity(2);
	from = log_next_seq();
	dev_open(&d);
	dev_create(&d, MiB, 64);
	snprintf(dir, sizeof(dir), DEBUGFS "/instances/%s", d.info.name);
	check(exists(dir), "instances/%s appears with the instance", d.info.name);

	check(!dev_alloc(&d, 100, &a[1]), "alloc 100");
	check(!dev_alloc(&d, 100, &a[2]), "alloc 100 again");
	check(!dev_alloc(&d, 3000, &a[3]), "alloc 3000");
	check(!dev_alloc(&d, 5000, &a[4]), "alloc 5000");
	check(!dev_alloc(&d, 300000, &a[5]), "alloc 300000 (large)");
	check(dev_alloc(&d, 0, NULL) == -EINVAL, "alloc 0 fails with EINVAL");
	check(dev_alloc(&d, 2 * MiB, NULL) == -E2BIG, "alloc 2 MiB fails with E2BIG");
	check(!dev_free(&d, a[1].id), "free the first");
	check(dev_free(&d, a[1].id) == -EALREADY, "free it again: EALREADY");
	check(dev_free(&d, -3) == -ENOENT, "free ID -3: ENOENT");
	check(!dev_realloc(&d, a[2].id, 200, &a[6]), "realloc the second to 200");
	check(dev_bit(&d, EDUALLOC_BIT_SET, 500) == -EINVAL, "set bit 500 of 64: EINVAL");
	check(dev_free_offset(&d, 0x10) == -EINVAL, "free offset 0x10: EINVAL");
	dev_close(&d);
	check(!exists(dir), "instances/%s is gone with the instance", d.info.name);

	want(&w, "create create - 1048576 - - ok kind=private,bitset=64");
	want(&w, "alloc alloc %d 100 128 0x%llx ok -", a[1].id, a[1].offset);
	want(&w, "alloc alloc %d 100 128 0x%llx ok -", a[2].id, a[2].offset);
	want(&w, "alloc alloc %d 3000 4096 0x%llx ok -", a[3].id, a[3].offset);
	want(&w, "alloc alloc %d 5000 8192 0x%llx ok -", a[4].id, a[4].offset);
	want(&w, "alloc alloc %d 300000 large 0x%llx ok -", a[5].id, a[5].offset);
	want(&w, "alloc error - 0 - - EINVAL kind=zero_size");
	want(&w, "alloc error - 2097152 large - E2BIG kind=too_big");
	want(&w, "free free %d 100 128 0x%llx ok -", a[1].id, a[1].offset);
	want(&w, "free error %d - - - EALREADY kind=double_free", a[1].id);
	want(&w, "free error -3 - - - ENOENT kind=unknown_id");
	want(&w, "realloc realloc %d 200 256 0x%llx ok old_id=%d", a[6].id,
	     a[6].offset, a[2].id);
	want(&w, "bit error - - - - EINVAL kind=bad_bit,bit=500");
	want(&w, "free error - - - 0x10 EINVAL kind=bad_offset");
	want(&w, "destroy destroy - 1048576 - - ok live=4");
	want(&w, "destroy leak %d 3000 4096 0x%llx leak owner=%d", a[3].id, a[3].offset, pid);
	want(&w, "destroy leak %d 5000 8192 0x%llx leak owner=%d", a[4].id, a[4].offset, pid);
	want(&w, "destroy leak %d 300000 large 0x%llx leak owner=%d", a[5].id,
	     a[5].offset, pid);
	want(&w, "destroy leak %d 200 256 0x%llx leak owner=%d", a[6].id, a[6].offset, pid);
	expect_log("verbosity 2", from, d.info.name, &w);

	/* The IDs and places the log showed are the engine's documented ones. */
	check(a[1].id == 1 && a[1].offset == 0 && a[2].offset == 0x80 &&
	      a[3].offset == 0x1000 && a[4].offset == 0x2000 &&
	      a[5].offset == EDUALLOC_LARGE_BASE + (5ULL << EDUALLOC_LARGE_SHIFT) &&
	      a[6].id == 6 && a[6].offset == 0x4000,
	      "fresh instance: IDs 1.. at offsets 0x0 0x80 0x1000 0x2000 large 0x4000");
}

/* Verbosity 3: the engine's decisions before each operation's line. */
static void test_explain(void)
{
	struct edualloc_alloc_info b[5];
	unsigned long long from;
	struct want w = { 0 };
	unsigned int order;
	struct dev d;

	set_verbosity(3);
	from = log_next_seq();
	dev_open(&d);
	dev_create(&d, MiB, 0);
	check(!dev_alloc(&d, 5000, &b[1]), "explain: alloc 5000");
	check(!dev_free(&d, b[1].id), "explain: free it");
	check(!dev_alloc(&d, 100, &b[2]), "explain: alloc 100");
	check(!dev_alloc(&d, 100, &b[3]), "explain: alloc 100 again");
	check(!dev_free(&d, b[2].id), "explain: free the first 100");
	check(!dev_free(&d, b[3].id), "explain: free the second 100");
	check(!dev_alloc(&d, 100, &b[4]), "explain: alloc 100 from the spare slab");
	dev_close(&d);

	want(&w, "create create - 1048576 - - ok kind=private,bitset=0");
	/* 5000 B: class 8192, a 2-page block split off the first 256 KiB one. */
	want(&w, "alloc class - 5000 8192 - - waste=3192");
	for (order = 6; order >= 2; order--)
		want(&w, "alloc buddy_split - %lu - 0x0 - order=%u", 4096UL << order, order);
	want(&w, "alloc alloc %d 5000 8192 0x0 ok -", b[1].id);
	/* Freeing it undoes every split. */
	for (order = 2; order <= 6; order++)
		want(&w, "free buddy_merge - %lu - 0x0 - order=%u", 4096UL << order, order);
	want(&w, "free free %d 5000 8192 0x0 ok -", b[1].id);
	/* 100 B: class 128, a new slab from a page split down from 256 KiB. */
	want(&w, "alloc class - 100 128 - - waste=28");
	for (order = 6; order >= 1; order--)
		want(&w, "alloc buddy_split - %lu - 0x0 - order=%u", 4096UL << order, order);
	want(&w, "alloc slab_refill - - 128 0x0 - from=buddy");
	want(&w, "alloc alloc %d 100 128 0x0 ok -", b[2].id);
	want(&w, "alloc class - 100 128 - - waste=28");
	want(&w, "alloc freelist_hit - - 128 0x%llx - -", b[3].offset);
	want(&w, "alloc alloc %d 100 128 0x%llx ok -", b[3].id, b[3].offset);
	want(&w, "free free %d 100 128 0x0 ok -", b[2].id);
	/* The slab empties: kept as the class's spare. */
	want(&w, "free slab_spare - - 128 0x0 - -");
	want(&w, "free free %d 100 128 0x%llx ok -", b[3].id, b[3].offset);
	want(&w, "alloc class - 100 128 - - waste=28");
	want(&w, "alloc slab_refill - - 128 0x0 - from=spare");
	want(&w, "alloc alloc %d 100 128 0x%llx ok -", b[4].id, b[4].offset);
	want(&w, "destroy destroy - 1048576 - - ok live=1");
	want(&w, "destroy leak %d 100 128 0x%llx leak owner=%d", b[4].id,
	     b[4].offset, getpid());
	expect_log("verbosity 3", from, d.info.name, &w);
}

/*
 * Corruption found by the debug checks: a write past the requested size
 * (red zone, found on free) and a write into a freed slot (poison, found
 * when the slot is handed out again), each logged before its operation's
 * line. A quiet instance keeps them off the console; a normal one reports
 * one line there.
 */
static void test_corruption(void)
{
	struct edualloc_alloc_info a, b, c;
	unsigned long long from;
	struct want w = { 0 };
	int console;
	char *arena;
	struct dev d;

	set_verbosity(2);
	dev_open(&d);
	dev_create_flags(&d, MiB, 0, EDUALLOC_CREATE_QUIET);
	from = log_next_seq();
	arena = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	if (arena == MAP_FAILED)
		fatal("mmap the arena: %s", strerror(errno));
	check(!dev_alloc(&d, 100, &a) && !dev_alloc(&d, 100, &b), "corruption: two allocations");
	arena[a.offset + 100] = 'A';			/* the first byte of its red zone */
	check(!dev_free(&d, a.id), "free the one with a damaged red zone: the free succeeds");
	check(!dev_free(&d, b.id), "free the other");
	arena[b.offset + 7] = 'B';			/* write after free */
	check(!dev_alloc(&d, 100, &c) && c.offset == b.offset,
	      "alloc 100 again gets the freed slot back (LIFO)");
	munmap(arena, MiB);

	want(&w, "alloc alloc %d 100 128 0x%llx ok -", a.id, a.offset);
	want(&w, "alloc alloc %d 100 128 0x%llx ok -", b.id, b.offset);
	want(&w, "free corrupt %d - - 0x%llx corrupt kind=redzone,byte=0x41", a.id,
	     a.offset + 100);
	want(&w, "free free %d 100 128 0x%llx ok -", a.id, a.offset);
	want(&w, "free free %d 100 128 0x%llx ok -", b.id, b.offset);
	want(&w, "alloc corrupt %d - - 0x%llx corrupt kind=use_after_free,byte=0x42", b.id,
	     b.offset + 7);
	want(&w, "alloc alloc %d 100 128 0x%llx ok -", c.id, c.offset);
	expect_log("corruption", from, d.info.name, &w);
	dev_close(&d);

	/* Not quiet: the fault goes to the console too, once. */
	dev_open(&d);
	dev_create(&d, MiB, 0);
	console = klog_lines();
	arena = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	if (arena == MAP_FAILED)
		fatal("mmap the arena: %s", strerror(errno));
	dev_alloc(&d, 100, &a);
	arena[a.offset + 100] = 'A';
	dev_free(&d, a.id);
	munmap(arena, MiB);
	dev_close(&d);
	check(klog_lines() == console + 1,
	      "a corruption in a non-quiet instance: one console line (%d before, %d after)",
	      console, klog_lines());
}

/* Verbosity 3: a large allocation; an empty slab beyond the spare goes back. */
static void test_explain_more(void)
{
	struct edualloc_alloc_info big, a[33];
	unsigned long long from;
	char **recs, *release;
	int n, i, found = 0;
	struct dev d;

	set_verbosity(3);
	dev_open(&d);
	dev_create(&d, MiB, 0);
	from = log_next_seq();
	check(!dev_alloc(&d, 300000, &big), "explain: alloc 300000");
	n = log_records(from, d.info.name, &recs);
	check(n == 3, "explain large: 3 lines (got %d)", n);
	if (n == 3) {
		char want[160];

		snprintf(want, sizeof(want), "%llu %s %d %s alloc class - 300000 large - - waste=3104",
			 from, d.info.name, getpid(), my_comm());
		check_str(recs[0], want, "explain large: the class, page-rounded");
		snprintf(want, sizeof(want), "%llu %s %d %s alloc large_map %d 303104 large 0x%llx - -",
			 from + 1, d.info.name, getpid(), my_comm(), big.id, big.offset);
		check_str(recs[1], want, "explain large: pages of its own");
	}
	for (i = 0; i < n; i++)
		free(recs[i]);
	free(recs);

	/* 33 objects of 128 B fill one slab (32 slots) and start a second. */
	for (i = 0; i < 33; i++)
		if (dev_alloc(&d, 100, &a[i]))
			fatal("alloc 100, number %d", i + 1);
	from = log_next_seq();
	for (i = 0; i < 33; i++)
		dev_free(&d, a[i].id);
	/* The first slab to empty is kept as the spare, the second goes back. */
	if (asprintf(&release, "free slab_release - - 128 0x%llx - -", a[32].offset & ~4095ULL) < 0)
		fatal("out of memory");
	n = log_records(from, d.info.name, &recs);
	for (i = 0; i < n; i++) {
		found += strstr(recs[i], release) != NULL;
		free(recs[i]);
	}
	free(recs);
	check(found == 1, "explain: '%s' logged once (%d)", release, found);
	free(release);
	dev_close(&d);
}

/* Verbosity 1: refused calls and leaks only. */
static void test_errors_only(void)
{
	struct edualloc_alloc_info a;
	unsigned long long from;
	struct want w = { 0 };
	struct dev d;

	set_verbosity(1);
	from = log_next_seq();
	dev_open(&d);
	dev_create(&d, MiB, 0);
	check(!dev_alloc(&d, 100, &a), "errors only: alloc 100");
	check(dev_alloc(&d, 0, NULL) == -EINVAL, "errors only: alloc 0");
	check(dev_free(&d, 99) == -ENOENT, "errors only: free ID 99");
	dev_close(&d);

	want(&w, "alloc error - 0 - - EINVAL kind=zero_size");
	want(&w, "free error 99 - - - ENOENT kind=unknown_id");
	want(&w, "destroy leak %d 100 128 0x%llx leak owner=%d", a.id, a.offset, getpid());
	expect_log("verbosity 1", from, d.info.name, &w);
}

/* Verbosity 0 writes nothing; the level is validated. */
static void test_off(void)
{
	unsigned long long before, after;
	struct dev d;

	set_verbosity(0);
	before = log_next_seq();
	dev_open(&d);
	dev_create(&d, MiB, 0);
	dev_alloc(&d, 100, NULL);
	dev_alloc(&d, 0, NULL);
	dev_free(&d, 42);
	dev_close(&d);
	after = log_next_seq();
	check(after == before, "verbosity 0: nothing logged (next seq %llu, was %llu)",
	      after, before);

	check(spit(DEBUGFS "/verbosity", "4") == -EINVAL, "verbosity 4 is refused");
	check(spit(DEBUGFS "/verbosity", "loud") == -EINVAL, "verbosity 'loud' is refused");
	check(!spit(DEBUGFS "/verbosity", "explain") && get_verbosity() == 3,
	      "verbosity 'explain' reads back as 3");
	check(!spit("/sys/module/edualloc/parameters/verbosity", "1") &&
	      get_verbosity() == 1, "the module parameter sets the same level");
}

struct header {
	unsigned long long size, held, lost, next;
};

static struct header log_header(const char *text)
{
	struct header h = { 0 };

	if (sscanf(text, "# log size=%llu held=%llu lost=%llu next=%llu", &h.size,
		   &h.held, &h.lost, &h.next) != 4)
		fatal("bad log header: %.80s", text);
	return h;
}

/*
 * A snapshot is consistent: as many records as the header says it holds,
 * numbered without gaps up to next - 1.
 */
static bool snapshot_ok(const char *text, struct header *hp, char *why, size_t len)
{
	struct header h = log_header(text);
	unsigned long long expect = h.next - h.held, n = 0;
	const char *p = text;

	while ((p = strchr(p, '\n')) && *++p) {
		if (*p == '#')
			continue;
		if (strtoull(p, NULL, 10) != expect) {
			snprintf(why, len, "record %llu has seq %llu, want %llu", n,
				 strtoull(p, NULL, 10), expect);
			return false;
		}
		expect++;
		n++;
	}
	*hp = h;
	if (n != h.held) {
		snprintf(why, len, "%llu records, header says %llu", n, h.held);
		return false;
	}
	return true;
}

/* Overflow: the oldest go, counted as lost; the rest stay in order. */
static void test_lost(void)
{
	unsigned long long start, total, size, i;
	struct header h;
	char why[128];
	struct dev d;
	char *text;

	text = slurp("/sys/module/edualloc/parameters/log_size");
	if (!text)
		fatal("read the log_size parameter");
	size = strtoull(text, NULL, 10);
	free(text);

	set_verbosity(2);
	start = log_next_seq();
	log_clear();
	text = slurp(DEBUGFS "/log");
	h = log_header(text);
	free(text);
	check(h.held == 0 && h.lost == 0 && h.next == start && h.size == size,
	      "cleared: held=0 lost=0, next seq kept (%llu), size=%llu", start, size);

	dev_open(&d);
	dev_create(&d, MiB, 0);
	for (i = 0; i < size / 2 + 100; i++) {
		struct edualloc_alloc_info a;

		if (dev_alloc(&d, 8, &a) || dev_free(&d, a.id))
			fatal("alloc/free 8 bytes, round %llu", i);
	}
	dev_close(&d);

	text = slurp(DEBUGFS "/log");
	h = log_header(text);
	total = h.next - start;
	check(total == 2 + 2 * (size / 2 + 100), "%llu events logged since the clear",
	      total);
	check(h.held == size, "the ring is full: held=%llu of %llu", h.held, size);
	check(h.lost == total - size, "lost=%llu: every overwritten event (want %llu)",
	      h.lost, total - size);
	why[0] = '\0';
	check(snapshot_ok(text, &h, why, sizeof(why)),
	      "after overflow the newest %llu records remain, seq %llu..%llu in order %s",
	      size, h.next - h.held, h.next - 1, why);
	free(text);
}

/* Readers see consistent snapshots while another process keeps logging. */
static void test_concurrent(void)
{
	int bad = 0, reads, status;
	char why[128] = "";
	struct header h;
	pid_t child;

	set_verbosity(3);
	child = fork();
	if (child < 0)
		fatal("fork: %s", strerror(errno));
	if (!child) {
		struct dev d;

		dev_open(&d);
		dev_create(&d, MiB, 0);
		for (;;) {
			struct edualloc_alloc_info a;

			if (!dev_alloc(&d, 5000, &a))
				dev_free(&d, a.id);
		}
	}
	for (reads = 0; reads < 30; reads++) {
		char *text = slurp(DEBUGFS "/log");

		if (!text || !snapshot_ok(text, &h, why, sizeof(why)))
			bad++;
		free(text);
		if (bad)
			break;
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	check(!bad, "30 reads during a storm of events: each a consistent snapshot %s", why);
}

/* How many kernel log lines mention edualloc. */
static int klog_lines(void)
{
	int len = klogctl(10, NULL, 0), n = 0;	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf, *p;

	if (len <= 0)
		return -1;
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	len = klogctl(3, buf, len);		/* SYSLOG_ACTION_READ_ALL */
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, "edualloc")); p++)
		n++;
	free(buf);
	return n;
}

int main(void)
{
	int verbosity, console;

	test_init("obs-log");
	verbosity = get_verbosity();
	check(verbosity == 2, "the default verbosity is 2 (got %d)", verbosity);
	console = klog_lines();

	test_operations();
	test_explain();
	test_explain_more();
	test_corruption();
	test_errors_only();
	test_off();
	test_lost();
	test_concurrent();

	check(console >= 0 && klog_lines() == console + 1,
	      "the console got nothing from all this but the one fault (%d edualloc lines before, %d after)",
	      console, klog_lines());
	set_verbosity(verbosity);
	return test_done();
}
