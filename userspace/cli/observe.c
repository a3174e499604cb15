// SPDX-License-Identifier: GPL-2.0
/*
 * Watching the allocator: stats and classes (from the STATS ioctl), the map
 * and the log (from debugfs, /sys/kernel/debug/edualloc/).
 *
 * The debugfs files are text, one record per line: '#' lines are headers,
 * the last one names the columns, columns are separated by blanks. The
 * parsers below find columns by name, and all the knowledge of each file's
 * layout sits in one function per file (parse_map, the log's column
 * header), so a change of format is a change in one place.
 */
#include "cli.h"
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* ---- stats and classes -------------------------------------------------- */

static void json_stats(struct json *j, const struct edualloc_stats *st)
{
	json_strn(j, "name", st->name, strnlen(st->name, sizeof(st->name)));
	json_u64(j, "inst_id", st->inst_id);
	json_str(j, "kind", eau_kind_name(st->kind));
	json_bool(j, "debug", st->inst_flags & EDUALLOC_INST_DEBUG);
	json_u64(j, "capacity", st->capacity);
	json_u64(j, "pages_total", st->pages_total);
	json_u64(j, "pages_used", st->pages_used);
	json_u64(j, "pages_free", st->pages_free);
	json_u64(j, "largest_free", st->largest_free);
	json_u64(j, "live_allocs", st->live_allocs);
	json_u64(j, "live_requested", st->live_requested);
	json_u64(j, "live_allocated", st->live_allocated);
	json_u64(j, "internal_frag", st->internal_frag);
	json_u64(j, "internal_frag_pct", st->internal_frag_pct);
	json_u64(j, "external_frag_pct", st->external_frag_pct);
	json_u64(j, "peak_requested", st->peak_requested);
	json_u64(j, "peak_allocated", st->peak_allocated);
	json_u64(j, "used_bytes", st->used_bytes);
	json_u64(j, "peak_used", st->peak_used);
	json_u64(j, "avail_bytes", st->avail_bytes);
	json_u64(j, "allocs", st->allocs);
	json_u64(j, "frees", st->frees);
	json_u64(j, "reallocs", st->reallocs);
	json_u64(j, "failed_allocs", st->failed_allocs);
	json_u64(j, "large_count", st->large_count);
	json_u64(j, "large_bytes", st->large_bytes);
	json_u64(j, "alloc_ns", st->alloc_ns);
	json_u64(j, "free_ns", st->free_ns);
	json_u64(j, "corruptions", st->corruptions);
	json_u64(j, "bitset_bits", st->bitset_bits);
	json_u64(j, "next_id", st->next_id);
	json_object(j, "errors");
	for (unsigned int k = 0; k < EDUALLOC_ERR_SLOTS; k++) {
		char key[24];
		const char *name = eau_error_kind_key(k);

		if (!name) {	/* a kind newer than this CLI: keep its count */
			if (!st->errors[k])
				continue;
			snprintf(key, sizeof(key), "kind_%u", k);
			name = key;
		}
		json_u64(j, name, st->errors[k]);
	}
	json_end(j);
}

static void json_classes(struct json *j, const struct edualloc_stats *st, bool all)
{
	json_array(j, "classes");
	for (unsigned int k = 0; k < st->nr_classes && k < EDUALLOC_NR_CLASSES; k++) {
		const struct edualloc_class_stats *cs = &st->cls[k];

		if (!all && !cs->allocs && !cs->failures && !cs->slabs)
			continue;
		json_object(j, NULL);
		json_u64(j, "class", k);
		json_u64(j, "size", cs->size);
		json_u64(j, "slabs", cs->slabs);
		json_u64(j, "slots_used", cs->slots_used);
		json_u64(j, "slots_total", cs->slots_total);
		json_u64(j, "allocs", cs->allocs);
		json_u64(j, "frees", cs->frees);
		json_u64(j, "failures", cs->failures);
		json_u64(j, "waste", cs->waste);
		json_end(j);
	}
	json_end(j);
}

int verb_stats(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "times", no_argument, NULL, 't' },
		COMMON_OPTIONS, { 0 },
	};
	bool times = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "t", opts)) != -1) {
		if (opt != 't')
			return opt_done(opt);
		times = true;
	}
	if (!want_operands(argv[0], argc - optind, 0, 0))
		return EXIT_USAGE;
	int rc = dev_open(c);

	if (rc)
		return rc;

	struct edualloc_stats st;
	int err = dev_stats(c, &st);

	if (err)
		return fail_op(c, OP_STATS, -err, "stats %s", c->attached);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "stats");
		json_stats(&j, &st);
		json_classes(&j, &st, false);
		json_end(&j);
		return 0;
	}
	eau_print_stats(stdout, &st, times);
	return 0;
}

int verb_classes(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		COMMON_OPTIONS, { 0 },
	};
	bool all = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "A", opts)) != -1) {
		if (opt != 'A')
			return opt_done(opt);
		all = true;
	}
	if (!want_operands(argv[0], argc - optind, 0, 0))
		return EXIT_USAGE;
	int rc = dev_open(c);

	if (rc)
		return rc;

	struct edualloc_stats st;
	int err = dev_stats(c, &st);

	if (err)
		return fail_op(c, OP_STATS, -err, "classes %s", c->attached);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "classes");
		json_strn(&j, "instance", st.name, strnlen(st.name, sizeof(st.name)));
		json_classes(&j, &st, all);
		json_end(&j);
		return 0;
	}
	eau_print_classes(stdout, &st, all);
	return 0;
}

/* ---- reading debugfs files ------------------------------------------------ */

/* Read a debugfs file of this module; NULL after reporting why. */
static char *read_debugfs(struct cli *c, const char *verb, const char *path)
{
	if (debugfs_missing(c, verb, path))
		return NULL;
	char *text = read_text_file(path);

	if (!text)
		fail(c, "%s: cannot read %s: %s", verb, path, strerror(errno));
	return text;
}

/* ---- map ---------------------------------------------------------------- */

#define MAP_MAX_LARGE 64
#define MAP_MAX_FIGURES 32

/* A large allocation, as the map lists it (text, as read). */
struct map_large {
	char id[16], offset[24], size[24], reserved[24], owner[16];
};

/* The map file, parsed. */
struct heap_map {
	char instance[EDUALLOC_NAME_MAX];
	uint64_t pages, page_size, per_cell;
	char *cells, *fill;	/* one char per cell, NUL-terminated, malloc'd */
	size_t nr_cells;
	struct map_large large[MAP_MAX_LARGE];
	int nr_large;
	struct { char key[32]; uint64_t value; } figures[MAP_MAX_FIGURES];
	int nr_figures;
};

static bool append(char **s, size_t *len, const char *more, size_t n)
{
	char *p = realloc(*s, *len + n + 1);

	if (!p)
		return false;
	memcpy(p + *len, more, n);
	p[*len + n] = '\0';
	*s = p;
	*len += n;
	return true;
}

/*
 * The format (edualloc_obs.c): "# map of NAME: N pages of P bytes, K
 * page(s) per cell, ..." then rows "0xOFFSET CELLS FILL", "large ID OFFSET
 * SIZE RESERVED OWNER" lines and "key value" figures.
 */
static bool parse_map(char *text, struct heap_map *m)
{
	size_t fill_len = 0;

	memset(m, 0, sizeof(*m));
	m->per_cell = 1;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w[8];
		unsigned long long pages, psize, per;
		char name[EDUALLOC_NAME_MAX];

		if (sscanf(line, "# map of %31[^:]: %llu pages of %llu bytes, %llu page",
			   name, &pages, &psize, &per) == 4) {
			snprintf(m->instance, sizeof(m->instance), "%s", name);
			m->pages = pages;
			m->page_size = psize;
			m->per_cell = per ? per : 1;
			continue;
		}
		if (line[0] == '#')
			continue;
		int n = split_words(line, w, 8);

		if (n == 3 && !strncmp(w[0], "0x", 2) && strlen(w[1]) == strlen(w[2])) {
			if (!append(&m->cells, &m->nr_cells, w[1], strlen(w[1])) ||
			    !append(&m->fill, &fill_len, w[2], strlen(w[2])))
				return false;
		} else if (n == 6 && !strcmp(w[0], "large") && m->nr_large < MAP_MAX_LARGE) {
			struct map_large *l = &m->large[m->nr_large++];

			snprintf(l->id, sizeof(l->id), "%s", w[1]);
			snprintf(l->offset, sizeof(l->offset), "%s", w[2]);
			snprintf(l->size, sizeof(l->size), "%s", w[3]);
			snprintf(l->reserved, sizeof(l->reserved), "%s", w[4]);
			snprintf(l->owner, sizeof(l->owner), "%s", w[5]);
		} else if (n == 2 && m->nr_figures < MAP_MAX_FIGURES) {
			snprintf(m->figures[m->nr_figures].key, sizeof(m->figures[0].key), "%s", w[0]);
			m->figures[m->nr_figures++].value = strtoull(w[1], NULL, 10);
		}
	}
	return m->cells && m->pages;
}

static uint64_t figure(const struct heap_map *m, const char *key)
{
	for (int i = 0; i < m->nr_figures; i++)
		if (!strcmp(m->figures[i].key, key))
			return m->figures[i].value;
	return 0;
}

/* A colour per class letter: small classes green ... big ones magenta. */
static const char *cell_color(char cell, const struct colors *k)
{
	char lower = cell | 0x20;

	if (cell == '.')
		return k->dim;
	if (lower < 'a' || lower > 'p')
		return "";
	static const char *const by_quarter[4] = { "\033[32m", "\033[36m", "\033[34m", "\033[35m" };

	return *k->reset ? by_quarter[(lower - 'a') / 4] : "";
}

static int terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void print_map(struct cli *c, const struct heap_map *m, size_t width)
{
	struct colors k = colors(c->color);
	uint64_t cell_bytes = m->per_cell * m->page_size;

	printf("map of \"%s\": %" PRIu64 " pages of %" PRIu64 " bytes, %" PRIu64 " page%s per cell\n",
	       m->instance, m->pages, m->page_size, m->per_cell, m->per_cell == 1 ? "" : "s");
	printf("  cells: . free page; a letter per size class, UPPER CASE when the slab is full:\n  ");
	for (int cls = 0; cls < EDUALLOC_NR_CLASSES; cls++) {
		uint64_t size = 8ULL << cls;
		char letter = (char)('a' + cls);

		printf(" %s%c%s=%" PRIu64 "%s", cell_color(letter, &k), letter, k.reset,
		       size >= 1024 ? size >> 10 : size, size >= 1024 ? "K" : "");
	}
	printf("\n  fill:  . free; 0-9 tenths of the slots in use; * full\n\n");
	printf("  %-10s %-*s  %s\n", "offset", (int)width, "cells", "fill");
	for (size_t row = 0; row * width < m->nr_cells; row++) {
		size_t first = row * width;
		size_t n = m->nr_cells - first < width ? m->nr_cells - first : width;

		printf("  0x%08" PRIx64 " ", (uint64_t)first * cell_bytes);
		for (size_t i = 0; i < n; i++) {
			char cell = m->cells[first + i];
			bool full = cell >= 'A' && cell <= 'Z';

			printf("%s%s%c%s", full ? k.bold : "", cell_color(cell, &k), cell, k.reset);
		}
		printf("%*s  %.*s\n", (int)(width - n), "", (int)n, m->fill + first);
	}
	printf("\nlarge allocations, outside the arena: %d\n", m->nr_large);
	for (int i = 0; i < m->nr_large; i++)
		printf("  ID %s at %s: %s bytes (%s reserved), owner pid %s\n", m->large[i].id,
		       m->large[i].offset, m->large[i].size, m->large[i].reserved, m->large[i].owner);
	printf("pages: %" PRIu64 " used, %" PRIu64 " free; largest free block %" PRIu64 " bytes\n",
	       figure(m, "pages_used"), figure(m, "pages_free"), figure(m, "largest_free"));
	printf("fragmentation: internal %" PRIu64 " bytes (%" PRIu64 "%%), external %" PRIu64 "%%\n",
	       figure(m, "internal_frag"), figure(m, "internal_frag_pct"),
	       figure(m, "external_frag_pct"));
}

static void json_map(const struct heap_map *m)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", "map");
	json_str(&j, "instance", m->instance);
	json_u64(&j, "pages", m->pages);
	json_u64(&j, "page_size", m->page_size);
	json_u64(&j, "pages_per_cell", m->per_cell);
	json_str(&j, "cells", m->cells);
	json_str(&j, "fill", m->fill);
	json_array(&j, "large");
	for (int i = 0; i < m->nr_large; i++) {
		json_object(&j, NULL);
		json_u64(&j, "id", strtoull(m->large[i].id, NULL, 10));
		json_u64(&j, "offset", strtoull(m->large[i].offset, NULL, 16));
		json_u64(&j, "size", strtoull(m->large[i].size, NULL, 10));
		json_u64(&j, "reserved", strtoull(m->large[i].reserved, NULL, 10));
		json_u64(&j, "owner_pid", strtoull(m->large[i].owner, NULL, 10));
		json_end(&j);
	}
	json_end(&j);
	json_object(&j, "figures");
	for (int i = 0; i < m->nr_figures; i++)
		json_u64(&j, m->figures[i].key, m->figures[i].value);
	json_end(&j);
	json_end(&j);
}

int verb_map(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "width", required_argument, NULL, 'w' },
		{ "raw", no_argument, NULL, 'r' },
		COMMON_OPTIONS, { 0 },
	};
	bool raw = false;
	uint64_t width = 0;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "w:r", opts)) != -1) {
		switch (opt) {
		case 'w':
			if (!parse_u64(optarg, &width) || width < 1 || width > 1024)
				return usage_error(argv[0], "--width wants 1 to 1024 cells, not '%s'", optarg);
			break;
		case 'r':
			raw = true;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, 0, 0))
		return EXIT_USAGE;
	int rc = dev_open(c);

	if (rc)
		return rc;

	/* The debugfs directory is named after the instance, as STATS says. */
	struct edualloc_stats st;
	int err = dev_stats(c, &st);

	if (err)
		return fail_op(c, OP_STATS, -err, "map %s", c->attached);

	char path[128];

	snprintf(path, sizeof(path), DEBUGFS_DIR "/instances/%.*s/map", EDUALLOC_NAME_MAX, st.name);
	char *text = read_debugfs(c, "map", path);

	if (!text)
		return EXIT_FAIL;
	if (raw) {
		fputs(text, stdout);
		free(text);
		return 0;
	}

	struct heap_map m;
	bool ok = parse_map(text, &m);

	free(text);
	if (!ok) {
		free(m.cells);
		free(m.fill);
		return fail(c, "map: %s is not in the format this CLI knows (try map --raw)", path);
	}
	if (c->json) {
		json_map(&m);
	} else {
		if (!width) {	/* fit the terminal, in steps of 8 cells */
			int room = c->color ? (terminal_width() - 16) / 2 : 32;

			width = room >= 64 ? 64 : room >= 8 ? (uint64_t)(room / 8 * 8) : 8;
			if (!c->color)
				width = 32;
		}
		print_map(c, &m, width);
	}
	free(m.cells);
	free(m.fill);
	return 0;
}

/* ---- log ---------------------------------------------------------------- */

#define LOG_MAX_COLS 16

static const char *const level_names[] = { "off", "errors", "ops", "explain" };

/* The log's columns, from its last '#' header line. */
struct log_columns {
	char *name[LOG_MAX_COLS];
	int n;
	int seq, instance;	/* their indexes, -1 if absent */
};

static void log_find_columns(char *header, struct log_columns *cols)
{
	cols->n = split_words(header + 1, cols->name, LOG_MAX_COLS);
	cols->seq = cols->instance = -1;
	for (int i = 0; i < cols->n; i++) {
		if (!strcmp(cols->name[i], "seq"))
			cols->seq = i;
		if (!strcmp(cols->name[i], "instance"))
			cols->instance = i;
	}
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void json_log_record(struct json *j, const struct log_columns *cols, char **w, int n)
{
	json_object(j, NULL);
	for (int i = 0; i < n && i < cols->n; i++) {
		if (!strcmp(w[i], "-"))
			continue;	/* does not apply */
		if (all_digits(w[i]))
			json_u64(j, cols->name[i], strtoull(w[i], NULL, 10));
		else
			json_str(j, cols->name[i], w[i]);
	}
	json_end(j);
}

/* One pass over the log file: print the records after *last_seq. */
struct log_view {
	bool follow, only_this, json, headers;
	uint64_t last_n;	/* 0: all */
	const char *instance;
	uint64_t last_seq;	/* the newest seq printed */
};

static int log_print(struct cli *c, struct log_view *v, const char *path)
{
	char *text = read_debugfs(c, "log", path);

	if (!text)
		return EXIT_FAIL;

	/* Lines, as pointers into text. */
	size_t nr = 0, cap = 64;
	char **lines = malloc(cap * sizeof(*lines));

	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && lines;
	     l = strtok_r(NULL, "\n", &save)) {
		if (nr == cap) {
			char **more = realloc(lines, 2 * cap * sizeof(*lines));

			if (!more) {
				free(lines);
				lines = NULL;
				break;
			}
			lines = more;
			cap *= 2;
		}
		lines[nr++] = l;
	}
	if (!lines) {
		free(text);
		return fail(c, "log: out of memory");
	}

	/* Keep the headers aside, and which records to show. */
	char *summary = NULL, *header = NULL, header_copy[512] = "";
	struct log_columns cols = { .n = 0, .seq = -1, .instance = -1 };
	size_t first_rec = nr;

	for (size_t i = 0; i < nr; i++) {
		if (lines[i][0] != '#') {
			if (first_rec == nr)
				first_rec = i;
			continue;
		}
		if (!summary)
			summary = lines[i];
		header = lines[i];
	}
	if (header) {
		snprintf(header_copy, sizeof(header_copy), "%s", header);
		log_find_columns(header_copy, &cols);
	}

	/* Which records pass the filters; -n keeps the last N of those. */
	char *words[LOG_MAX_COLS];
	bool *show = calloc(nr ? nr : 1, sizeof(*show));
	size_t passing = 0;

	for (size_t i = first_rec; show && i < nr; i++) {
		if (lines[i][0] == '#')
			continue;
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", lines[i]);
		int n = split_words(copy, words, LOG_MAX_COLS);
		uint64_t seq = cols.seq >= 0 && cols.seq < n ? strtoull(words[cols.seq], NULL, 10) : 0;

		if (v->follow && v->last_seq && seq <= v->last_seq)
			continue;
		if (v->only_this && cols.instance >= 0 &&
		    (cols.instance >= n || strcmp(words[cols.instance], v->instance)))
			continue;
		show[i] = true;
		passing++;
		if (seq > v->last_seq)
			v->last_seq = seq;
	}
	size_t skip = v->last_n && passing > v->last_n ? passing - v->last_n : 0;
	struct json j;	/* without --follow: one object, the records in an array */

	if (c->json && !v->follow) {
		unsigned long long size = 0, held = 0, lost = 0, next = 0, level = 0;

		if (summary)
			sscanf(summary, "# log size=%llu held=%llu lost=%llu next=%llu verbosity=%llu",
			       &size, &held, &lost, &next, &level);
		json_begin(&j, stdout);
		json_str(&j, "op", "log");
		json_u64(&j, "size", size);
		json_u64(&j, "held", held);
		json_u64(&j, "lost", lost);
		json_u64(&j, "next", next);
		json_u64(&j, "verbosity", level);
		json_array(&j, "records");
	}
	if (!c->json && v->headers) {
		if (summary && summary != header)
			printf("%s\n", summary);
		if (header)
			printf("%s\n", header);
	}
	for (size_t i = first_rec; show && i < nr; i++) {
		if (!show[i] || (skip && skip--))
			continue;
		if (!c->json) {
			printf("%s\n", lines[i]);
			continue;
		}
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", lines[i]);
		int n = split_words(copy, words, LOG_MAX_COLS);

		if (v->follow) {	/* one object per record and line */
			json_begin(&j, stdout);
			json_str(&j, "op", "log");
			json_array(&j, "records");
			json_log_record(&j, &cols, words, n);
			json_end(&j);
			json_end(&j);
		} else {
			json_log_record(&j, &cols, words, n);
		}
	}
	if (c->json && !v->follow) {
		json_end(&j);	/* records */
		json_end(&j);
	}
	fflush(stdout);
	free(show);
	free(lines);
	free(text);
	return 0;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int log_level(struct cli *c, int argc, char **argv)
{
	const char *path = DEBUGFS_DIR "/verbosity";

	if (debugfs_missing(c, "log level", path))
		return EXIT_FAIL;
	if (argc > 1) {
		const char *want = argv[1];
		int level = -1;

		for (int i = 0; i < 4; i++)
			if (!strcmp(want, level_names[i]) || (want[0] == '0' + i && !want[1]))
				level = i;
		if (level < 0)
			return usage_error("log", "level is 0-3 or off, errors, ops, explain; not '%s'", want);
		FILE *f = fopen(path, "w");

		if (!f || fprintf(f, "%d\n", level) < 0 || fclose(f) == EOF) {
			int err = errno;

			return fail(c, "log level %s: cannot write %s: %s", want, path,
				    err == EACCES || err == EPERM ? "only root may change it" : strerror(err));
		}
	}
	char *text = read_text_file(path);

	if (!text)
		return fail(c, "log level: cannot read %s: %s", path, strerror(errno));
	int level = atoi(text);

	free(text);
	static const char *const meaning[] = {
		"nothing is logged", "errors only", "every operation",
		"every operation and the allocator's decisions",
	};
	if (level < 0 || level > 3)
		level = 0;
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "log level");
		json_u64(&j, "level", (uint64_t)level);
		json_str(&j, "name", level_names[level]);
		json_end(&j);
	} else {
		printf("log level: %d (%s: %s)\n", level, level_names[level], meaning[level]);
	}
	return 0;
}

int verb_log(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "lines", required_argument, NULL, 'n' },
		{ "this", no_argument, NULL, 'I' },
		COMMON_OPTIONS, { 0 },
	};
	struct log_view v = { .headers = true };
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "fn:I", opts)) != -1) {
		switch (opt) {
		case 'f':
			v.follow = true;
			break;
		case 'n':
			if (!parse_u64(optarg, &v.last_n))
				return usage_error(argv[0], "--lines wants a number, not '%s'", optarg);
			break;
		case 'I':
			v.only_this = true;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (optind < argc && !strcmp(argv[optind], "level")) {
		if (!want_operands(argv[0], argc - optind, 1, 2))
			return EXIT_USAGE;
		return log_level(c, argc - optind, argv + optind);
	}
	if (!want_operands(argv[0], argc - optind, 0, 0))
		return EXIT_USAGE;

	if (v.only_this) {	/* the instance's name as the log shows it */
		struct edualloc_stats st;
		int rc = dev_open(c);

		if (rc)
			return rc;
		int err = dev_stats(c, &st);

		if (err)
			return fail_op(c, OP_STATS, -err, "log --this");
		memcpy(c->attached, st.name, sizeof(c->attached));
		c->attached[sizeof(c->attached) - 1] = '\0';
		v.instance = c->attached;
	}

	const char *path = DEBUGFS_DIR "/log";
	int rc = log_print(c, &v, path);

	if (rc || !v.follow)
		return rc;

	/* Follow: the file is a snapshot per open, so open it again and again. */
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	v.headers = false;
	v.last_n = 0;
	while (!interrupted) {
		struct timespec pause = { .tv_nsec = 250 * 1000 * 1000 };

		nanosleep(&pause, NULL);
		if (!interrupted && (rc = log_print(c, &v, path)))
			return rc;
	}
	return 0;
}
