// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc record [-i NAME] [--follow] OUT.rep: what a program did on an
 * instance, from the module's event log, as a CS:APP trace that replay
 * (and replay --html) runs again: a student records their own program,
 * then scrubs through it in a browser.
 *
 * The log (debugfs, verbosity 2 "ops" or more) holds every alloc, free and
 * realloc with the allocation's ID and size. Each allocation becomes a
 * trace ID; a realloc keeps its trace ID; a free of an allocation made
 * before the log's oldest record is left out (it cannot be replayed), a
 * realloc of one becomes an allocation; an alloc taken back ("undo")
 * becomes a free; a reset frees everything live. Without --follow the log
 * as it is now is read (the ring holds the last log_size events: a longer
 * run starts late, and record says so); with --follow the events from
 * now on are taken as they come, until Ctrl-C.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_COLS 16

struct rec_op {
	char kind;
	uint32_t tid;
	uint64_t size;
};

struct recorder {
	const char *instance;
	uint64_t last_seq, lost, skipped;
	struct rec_op *ops;
	size_t nr_ops, cap_ops;
	uint32_t nr_tids;
	/* allocation ID -> trace ID + 1 (0: not live), a flat map */
	uint32_t *tid_of;
	size_t cap_ids;
	uint64_t live, peak;
	uint64_t *size_of;	/* trace ID -> live size */
	size_t cap_tids;
};

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 1024;

	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);

	if (!q)
		return false;
	memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
	*p = q;
	*cap = n;
	return true;
}

static bool add_op(struct recorder *r, char kind, uint32_t tid, uint64_t size)
{
	if (!grow((void **)&r->ops, &r->cap_ops, r->nr_ops + 1, sizeof(*r->ops)) ||
	    !grow((void **)&r->size_of, &r->cap_tids, (size_t)tid + 1, sizeof(*r->size_of)))
		return false;
	r->ops[r->nr_ops++] = (struct rec_op){ kind, tid, size };
	r->live = r->live - r->size_of[tid] + (kind == 'f' ? 0 : size);
	r->size_of[tid] = kind == 'f' ? 0 : size;
	if (r->live > r->peak)
		r->peak = r->live;
	return true;
}

static bool id_room(struct recorder *r, long id)
{
	return id > 0 && grow((void **)&r->tid_of, &r->cap_ids, (size_t)id + 1, sizeof(*r->tid_of));
}

/* One record of the instance: alloc, free, realloc, undo or reset. */
static bool take(struct recorder *r, const char *event, long id, uint64_t size, long old_id)
{
	if (!strcmp(event, "alloc")) {
		if (!id_room(r, id))
			return false;
		r->tid_of[id] = ++r->nr_tids;
		return add_op(r, 'a', r->nr_tids - 1, size);
	}
	if (!strcmp(event, "free") || !strcmp(event, "undo")) {
		if (id <= 0 || (size_t)id >= r->cap_ids || !r->tid_of[id]) {
			r->skipped++;	/* made before the log's first record */
			return true;
		}
		uint32_t tid = r->tid_of[id] - 1;

		r->tid_of[id] = 0;
		return add_op(r, 'f', tid, 0);
	}
	if (!strcmp(event, "realloc")) {
		if (!id_room(r, id))
			return false;
		if (old_id > 0 && (size_t)old_id < r->cap_ids && r->tid_of[old_id]) {
			uint32_t tid = r->tid_of[old_id] - 1;

			r->tid_of[old_id] = 0;
			r->tid_of[id] = tid + 1;
			return add_op(r, 'r', tid, size);
		}
		r->tid_of[id] = ++r->nr_tids;
		return add_op(r, 'a', r->nr_tids - 1, size);
	}
	if (!strcmp(event, "reset")) {
		for (size_t i = 0; i < r->cap_ids; i++) {
			if (r->tid_of[i] && !add_op(r, 'f', r->tid_of[i] - 1, 0))
				return false;
			r->tid_of[i] = 0;
		}
	}
	return true;
}

/* Read the log once: the records of our instance after r->last_seq. */
static int read_log(struct cli *c, struct recorder *r, bool first)
{
	const char *path = DEBUGFS_DIR "/log";
	char *text = read_text_file(path), *save = NULL;
	char *cols[MAX_COLS], *w[MAX_COLS];
	int ncols = 0, col_seq = -1, col_inst = -1, col_ev = -1, col_id = -1, col_size = -1;
	int col_detail = -1;

	if (!text)
		return fail(c, "record: cannot read %s: %s", path, strerror(errno));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int n = 0;
		char *s2 = NULL;

		if (line[0] == '#') {
			unsigned long long lost;
			char *l = line + 1;

			if (sscanf(line, "# log size=%*u held=%*u lost=%llu", &lost) == 1) {
				if (first)
					r->lost = lost;
				continue;
			}
			ncols = 0;
			for (char *t = strtok_r(l, " ", &s2); t && ncols < MAX_COLS; t = strtok_r(NULL, " ", &s2))
				cols[ncols++] = t;
			for (int i = 0; i < ncols; i++) {
				col_seq = !strcmp(cols[i], "seq") ? i : col_seq;
				col_inst = !strcmp(cols[i], "instance") ? i : col_inst;
				col_ev = !strcmp(cols[i], "event") ? i : col_ev;
				col_id = !strcmp(cols[i], "id") ? i : col_id;
				col_size = !strcmp(cols[i], "size") ? i : col_size;
				col_detail = !strcmp(cols[i], "detail") ? i : col_detail;
			}
			continue;
		}
		if (col_seq < 0 || col_inst < 0 || col_ev < 0 || col_id < 0 || col_size < 0)
			continue;
		for (char *t = strtok_r(line, " ", &s2); t && n < MAX_COLS; t = strtok_r(NULL, " ", &s2))
			w[n++] = t;
		if (n <= col_ev || n <= col_size || n <= col_id)
			continue;
		uint64_t seq = strtoull(w[col_seq], NULL, 10);

		if (seq <= r->last_seq)
			continue;
		r->last_seq = seq;
		if (strcmp(w[col_inst], r->instance))
			continue;
		long id = strtol(w[col_id], NULL, 10), old = 0;
		uint64_t size = strtoull(w[col_size], NULL, 10);

		if (col_detail >= 0 && col_detail < n && !strncmp(w[col_detail], "old_id=", 7))
			old = strtol(w[col_detail] + 7, NULL, 10);
		if (!take(r, w[col_ev], id, size, old)) {
			free(text);
			return fail(c, "record: out of memory");
		}
	}
	free(text);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int verb_record(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		COMMON_OPTIONS, { 0 },
	};
	bool follow = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "f", opts)) != -1) {
		if (opt != 'f')
			return opt_done(opt);
		follow = true;
	}
	if (!want_operands(argv[0], argc - optind, 1, 1))
		return EXIT_USAGE;
	const char *out = argv[optind];

	if (debugfs_missing(c, "record", DEBUGFS_DIR "/log"))
		return EXIT_FAIL;

	struct recorder r = { .instance = c->instance ? c->instance : "shared" };
	int rc = read_log(c, &r, true);

	if (!rc && follow) {	/* from now on: forget what the log held */
		free(r.ops);
		free(r.tid_of);
		free(r.size_of);
		r = (struct recorder){ .instance = r.instance, .last_seq = r.last_seq };
	}

	if (!rc && follow) {
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (!c->json)
			fprintf(stderr, "record: recording instance \"%s\"; Ctrl-C to stop\n",
				r.instance);
		while (!stop && !rc) {
			struct timespec pause = { .tv_nsec = 200 * 1000 * 1000 };

			nanosleep(&pause, NULL);
			rc = read_log(c, &r, false);
		}
	}
	FILE *f = rc ? NULL : fopen(out, "w");

	if (!rc && !f)
		rc = fail(c, "record: cannot write %s: %s", out, strerror(errno));
	if (f) {
		fprintf(f, "# recorded by edualloc record from instance \"%s\" (the module's event log)\n",
			r.instance);
		if (r.lost)
			fprintf(f, "# the log had lost %" PRIu64 " older records: the trace starts later\n",
				r.lost);
		if (r.skipped)
			fprintf(f, "# %" PRIu64 " frees of allocations made before the first record "
				"are left out\n", r.skipped);
		fprintf(f, "%" PRIu64 "\n%u\n%zu\n1\n", r.peak, r.nr_tids, r.nr_ops);
		for (size_t i = 0; i < r.nr_ops; i++) {
			if (r.ops[i].kind == 'f')
				fprintf(f, "f %u\n", r.ops[i].tid);
			else
				fprintf(f, "%c %u %" PRIu64 "\n", r.ops[i].kind, r.ops[i].tid,
					r.ops[i].size);
		}
		if (fclose(f) == EOF)
			rc = fail(c, "record: writing %s: %s", out, strerror(errno));
	}
	if (!rc && c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "record");
		json_str(&j, "instance", r.instance);
		json_str(&j, "trace", out);
		json_u64(&j, "ops", r.nr_ops);
		json_u64(&j, "ids", r.nr_tids);
		json_u64(&j, "peak_payload", r.peak);
		json_u64(&j, "log_lost", r.lost);
		json_u64(&j, "skipped_frees", r.skipped);
		json_end(&j);
	} else if (!rc) {
		printf("record: %zu operations on %u IDs from instance \"%s\" written to %s%s\n",
		       r.nr_ops, r.nr_tids, r.instance, out,
		       r.lost ? " (the log had lost older records)" : "");
		if (r.skipped)
			printf("record: %" PRIu64 " frees of allocations made before the first record "
			       "left out\n", r.skipped);
		printf("record: draw it with  edualloc replay --html OUT.html %s\n", out);
	}
	free(r.ops);
	free(r.tid_of);
	free(r.size_of);
	return rc;
}
