// SPDX-License-Identifier: GPL-2.0
/*
 * Watching the allocator: stats and classes (the STATS ioctl), the map (the
 * PAGES and ALLOCS ioctls) and the log (debugfs, /sys/kernel/debug/edualloc/).
 *
 * The debugfs files are text, one record per line: '#' lines are headers,
 * the last one names the columns, columns are separated by blanks. The log
 * is parsed by column name (from its last header line), so that a change
 * of its format is a change in one place.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"
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
#define JSON_FIELD(bits, name)	json_u64(j, #name, st->name);
	EDUALLOC_STATS_SCALARS(JSON_FIELD)
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
#define JSON_CLASS_FIELD(bits, name)	json_u64(j, #name, cs->name);
		EDUALLOC_CLASS_STATS(JSON_CLASS_FIELD)
		json_end(j);
	}
	json_end(j);
}

/*
 * The start of stats and classes: the common options and one flag of
 * their own (--LONG, -SHORT), no operand, then the figures. -1 to go on,
 * else the exit status the verb returns.
 */
static int stats_begin(struct cli *c, int argc, char **argv, const char *flag_long,
		       char flag_short, bool *flag, struct edualloc_stats *st)
{
	const struct option opts[] = {
		{ flag_long, no_argument, NULL, flag_short },
		COMMON_OPTIONS, { 0 },
	};
	char shortopts[sizeof(COMMON_SHORT) + 1];
	int opt;

	snprintf(shortopts, sizeof(shortopts), "%s%c", COMMON_SHORT, flag_short);
	while ((opt = verb_getopt(c, argc, argv, shortopts, opts)) != -1) {
		if (opt != flag_short)
			return opt_done(opt);
		*flag = true;
	}
	int done = verb_open(c, argc, argv, 0, 0);

	if (done >= 0)
		return done;
	int err = dev_stats(c, st);

	return err ? fail_op(c, OP_STATS, -err, "%s %s", argv[0], c->attached) : -1;
}

/* stats --json (every figure) and classes --json (the instance's name only). */
static void print_stats_json(const char *op, const struct edualloc_stats *st, bool figures,
			     bool all_classes)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", op);
	if (figures)
		json_stats(&j, st);
	else
		json_strn(&j, "instance", st->name, strnlen(st->name, sizeof(st->name)));
	json_classes(&j, st, all_classes);
	json_end(&j);
}

/* stats [--times] and classes [--all]: the same figures, two views. */
static int stats_or_classes(struct cli *c, int argc, char **argv, bool classes)
{
	struct edualloc_stats st;
	bool flag = false;	/* --times, or --all */
	int done = stats_begin(c, argc, argv, classes ? "all" : "times", classes ? 'A' : 't',
			       &flag, &st);

	if (done >= 0)
		return done;
	if (c->json)
		print_stats_json(classes ? "classes" : "stats", &st, !classes, classes && flag);
	else if (classes)
		eau_print_classes(stdout, &st, flag);
	else
		eau_print_stats(stdout, &st, flag);
	return 0;
}

int verb_stats(struct cli *c, int argc, char **argv)
{
	return stats_or_classes(c, argc, argv, false);
}

int verb_classes(struct cli *c, int argc, char **argv)
{
	return stats_or_classes(c, argc, argv, true);
}

/* ---- reading debugfs files ------------------------------------------------ */

/* The whole file, NUL-terminated, malloc'd (debugfs files have no size). */
char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (!f || !buf) {
		int saved = errno;

		if (f)
			fclose(f);
		free(buf);
		errno = saved;
		return NULL;
	}
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0)
			break;
		if (cap - len - 1 == 0) {
			char *more = realloc(buf, cap * 2);

			if (!more) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = more;
			cap *= 2;
		}
	}
	bool bad = ferror(f);

	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* Split 'line' in place into at most 'max' blank-separated words. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;

	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w && n < max;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return n;
}


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

/*
 * The map is drawn from the PAGES ioctl (the arena page by page) and the
 * ALLOCS ioctl (for the large allocations), so any user of the device sees
 * it; it draws what debugfs's instances/NAME/map draws, cell for cell
 * (`map --raw` prints that file).
 */
#define MAP_ROWS_MAX	64	/* more pages than 32 x 64: several pages per cell */
#define MAP_COLS	32

struct heap_map {
	uint64_t pages, page_size, per_cell;
	char *cells, *fill;		/* one char per cell, NUL-terminated, malloc'd */
	size_t nr_cells;
	struct edualloc_alloc_info *large;	/* the large allocations, malloc'd */
	size_t nr_large;
};

static void free_map(struct heap_map *m)
{
	free(m->cells);
	free(m->fill);
	free(m->large);
}

/*
 * One cell: the class most of its pages belong to (upper case when every
 * slab is full), '.' if all are free; fill: tenths of the slots in use.
 * The same arithmetic as the kernel's drawing (edualloc_obs.c), so that
 * both show the same picture.
 */
static void map_cell(const struct edualloc_page *p, size_t n, char *cell, char *fill)
{
	unsigned int count[EDUALLOC_NR_CLASSES] = { 0 }, best = 0;
	uint64_t used = 0, one = 1024;	/* a whole page, in the 'used' sums */
	bool any = false, full = true;

	for (size_t i = 0; i < n; i++) {
		if (p[i].kind == EDUALLOC_PAGE_SLAB) {
			if (p[i].total)
				used += (uint64_t)p[i].used * one / p[i].total;
			if (p[i].used < p[i].total)
				full = false;
		} else if (p[i].kind == EDUALLOC_PAGE_BLOCK || p[i].kind == EDUALLOC_PAGE_BLOCK_TAIL) {
			used += one;
		} else {
			full = false;
			continue;
		}
		any = true;
		if (p[i].cls < EDUALLOC_NR_CLASSES)
			count[p[i].cls]++;
	}
	if (!any) {
		*cell = *fill = '.';
		return;
	}
	for (unsigned int k = 1; k < EDUALLOC_NR_CLASSES; k++)
		if (count[k] > count[best])
			best = k;
	*cell = (char)((full ? 'A' : 'a') + best);
	/* Tenths, but a slab with anything in it shows at least 1. */
	uint64_t tenths = used * 10 / (n * one);

	if (full)
		*fill = '*';
	else if (!used)
		*fill = '0';
	else
		*fill = (char)('0' + (tenths < 1 ? 1 : tenths > 9 ? 9 : tenths));
}

/* Ask the device for the pages and the large allocations; 0 or -errno. */
static int build_map(struct cli *c, struct heap_map *m)
{
	struct edualloc_pages req = { 0 };
	int err = dev_ioctl(c, EDUALLOC_IOC_PAGES, &req);	/* max 0: the count */

	memset(m, 0, sizeof(*m));
	if (err)
		return err;
	struct edualloc_page *pages = calloc(req.total ? req.total : 1, sizeof(*pages));

	if (!pages)
		return -ENOMEM;
	req.buf = (uint64_t)(uintptr_t)pages;
	req.max = req.total;
	err = dev_ioctl(c, EDUALLOC_IOC_PAGES, &req);

	m->pages = err ? 0 : req.count;
	m->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	m->per_cell = (m->pages + MAP_COLS * MAP_ROWS_MAX - 1) / (MAP_COLS * MAP_ROWS_MAX);
	if (m->per_cell == 0)
		m->per_cell = 1;
	m->nr_cells = (m->pages + m->per_cell - 1) / m->per_cell;
	m->cells = calloc(m->nr_cells + 1, 1);
	m->fill = calloc(m->nr_cells + 1, 1);
	if (!err && (!m->cells || !m->fill))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < m->nr_cells; i++) {
		size_t first = i * m->per_cell;
		size_t n = m->pages - first < m->per_cell ? m->pages - first : m->per_cell;

		map_cell(pages + first, n, &m->cells[i], &m->fill[i]);
	}
	free(pages);

	/* The large allocations live outside the arena: list them apart. */
	struct edualloc_alloc_info batch[256];
	struct edualloc_allocs list = { .start_id = 0 };

	while (!err) {
		list.buf = (uint64_t)(uintptr_t)batch;
		list.max = sizeof(batch) / sizeof(batch[0]);
		err = dev_ioctl(c, EDUALLOC_IOC_ALLOCS, &list);
		for (uint32_t i = 0; !err && i < list.count; i++) {
			if (batch[i].cls != EDUALLOC_CLASS_LARGE)
				continue;
			struct edualloc_alloc_info *more = realloc(m->large, (m->nr_large + 1) * sizeof(*more));

			if (!more) {
				err = -ENOMEM;
				break;
			}
			m->large = more;
			m->large[m->nr_large++] = batch[i];
		}
		if (err || list.count < list.max)
			break;
		list.start_id = batch[list.count - 1].id + 1;
	}
	if (err)
		free_map(m);
	return err;
}

/* A colour per class letter: small classes green ... big ones magenta. */
static const char *cell_color(char cell, const struct colors *k)
{
	static const char *const by_quarter[4] = { "\033[32m", "\033[36m", "\033[34m", "\033[35m" };
	char lower = cell | 0x20;

	if (cell == '.')
		return k->dim;
	if (!*k->reset || lower < 'a' || lower > 'p')
		return "";
	return by_quarter[(lower - 'a') / 4];
}

static int terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void print_map(struct cli *c, const struct heap_map *m, const struct edualloc_stats *st,
		      size_t width)
{
	struct colors k = colors(c->color);
	uint64_t cell_bytes = m->per_cell * m->page_size;

	printf("map of \"%.*s\": %" PRIu64 " pages of %" PRIu64 " bytes, %" PRIu64 " page%s per cell\n",
	       EDUALLOC_NAME_MAX, st->name, m->pages, m->page_size, m->per_cell,
	       m->per_cell == 1 ? "" : "s");
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
	printf("\nlarge allocations, outside the arena: %zu\n", m->nr_large);
	for (size_t i = 0; i < m->nr_large; i++)
		printf("  ID %d at 0x%" PRIx64 ": %" PRIu64 " bytes (%" PRIu64 " reserved), owner pid %u\n",
		       m->large[i].id, (uint64_t)m->large[i].offset, (uint64_t)m->large[i].size,
		       (uint64_t)m->large[i].class_size, m->large[i].owner_pid);
	printf("pages: %" PRIu64 " used, %" PRIu64 " free; largest free block %" PRIu64 " bytes\n",
	       (uint64_t)st->pages_used, (uint64_t)st->pages_free, (uint64_t)st->largest_free);
	printf("fragmentation: internal %" PRIu64 " bytes (%u%%), external %u%%\n",
	       (uint64_t)st->internal_frag, st->internal_frag_pct, st->external_frag_pct);
}

static void json_map(const struct heap_map *m, const struct edualloc_stats *st)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", "map");
	json_strn(&j, "instance", st->name, strnlen(st->name, sizeof(st->name)));
	json_u64(&j, "pages", m->pages);
	json_u64(&j, "page_size", m->page_size);
	json_u64(&j, "pages_per_cell", m->per_cell);
	json_str(&j, "cells", m->cells);
	json_str(&j, "fill", m->fill);
	json_array(&j, "large");
	for (size_t i = 0; i < m->nr_large; i++) {
		json_object(&j, NULL);
		json_alloc_info(&j, &m->large[i]);
		json_end(&j);
	}
	json_end(&j);
	json_object(&j, "figures");
	json_u64(&j, "pages_total", st->pages_total);
	json_u64(&j, "pages_used", st->pages_used);
	json_u64(&j, "pages_free", st->pages_free);
	json_u64(&j, "largest_free", st->largest_free);
	json_u64(&j, "used_bytes", st->used_bytes);
	json_u64(&j, "internal_frag", st->internal_frag);
	json_u64(&j, "internal_frag_pct", st->internal_frag_pct);
	json_u64(&j, "external_frag_pct", st->external_frag_pct);
	json_u64(&j, "large_count", st->large_count);
	json_u64(&j, "large_bytes", st->large_bytes);
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
	int done = verb_open(c, argc, argv, 0, 0);

	if (done >= 0)
		return done;

	struct edualloc_stats st;
	int err = dev_stats(c, &st);

	if (err)
		return fail_op(c, OP_STATS, -err, "map %s", c->attached);
	if (raw) {	/* the kernel's own drawing, from debugfs */
		char path[128];

		snprintf(path, sizeof(path), DEBUGFS_DIR "/instances/%.*s/map", EDUALLOC_NAME_MAX,
			 st.name);
		char *text = read_debugfs(c, "map --raw", path);

		if (!text)
			return EXIT_FAIL;
		fputs(text, stdout);
		free(text);
		return 0;
	}

	struct heap_map m;

	err = build_map(c, &m);
	if (err)
		return fail_op(c, OP_STATS, -err, "map %s", c->attached);
	if (c->json) {
		json_map(&m, &st);
	} else {
		if (!width) {	/* 32 cells, or what fits a terminal, in steps of 8 */
			int room = (terminal_width() - 16) / 2;

			width = !c->color ? MAP_COLS : room >= 64 ? 64 : room >= 8 ? (uint64_t)(room / 8 * 8) : 8;
		}
		print_map(c, &m, &st, width);
	}
	free_map(&m);
	return 0;
}

/* ---- log ---------------------------------------------------------------- */

#define LOG_MAX_COLS 16

#define LEVEL_NAME(NAME, name)	#name,
static const char *const level_names[] = { EDUALLOC_LOG_LEVELS(LEVEL_NAME) };

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
	bool follow, only_this, headers;
	uint64_t last_n;	/* 0: all */
	const char *instance;
	uint64_t last_seq;	/* the newest seq printed */
};

/* One reading of the log file: its lines, headers, and the records to show. */
struct log_snapshot {
	char *text;		/* the file, cut into lines in place */
	char **lines;
	size_t nr, first_rec;	/* lines; the first that is a record */
	const char *summary;	/* the first '#' line ("# log size=..."), or NULL */
	const char *header;	/* the last '#' line: the column names, or NULL */
	struct log_columns cols;
	char header_copy[512];	/* what cols points into */
	bool *show;		/* per line: a record to print */
};

static void log_snapshot_free(struct log_snapshot *s)
{
	free(s->show);
	free(s->lines);
	free(s->text);
}

/* Cut s->text into lines. */
static bool log_lines(struct log_snapshot *s)
{
	size_t cap = 64;

	s->lines = malloc(cap * sizeof(*s->lines));
	for (char *save = NULL, *l = strtok_r(s->text, "\n", &save); l && s->lines;
	     l = strtok_r(NULL, "\n", &save)) {
		if (s->nr == cap) {
			char **more = realloc(s->lines, 2 * cap * sizeof(*s->lines));

			if (!more) {
				free(s->lines);
				s->lines = NULL;
				break;
			}
			s->lines = more;
			cap *= 2;
		}
		s->lines[s->nr++] = l;
	}
	return s->lines != NULL;
}

/* Which records pass v's filters; -n keeps the last N of those. */
static void log_choose(struct log_snapshot *s, struct log_view *v)
{
	char *words[LOG_MAX_COLS];
	size_t passing = 0;

	for (size_t i = s->first_rec; i < s->nr; i++) {
		if (s->lines[i][0] == '#')
			continue;
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", s->lines[i]);
		int n = split_words(copy, words, LOG_MAX_COLS);
		int seq_col = s->cols.seq, inst_col = s->cols.instance;
		uint64_t seq = seq_col >= 0 && seq_col < n ? strtoull(words[seq_col], NULL, 10) : 0;

		if (v->follow && v->last_seq && seq <= v->last_seq)
			continue;
		if (v->only_this && inst_col >= 0 &&
		    (inst_col >= n || strcmp(words[inst_col], v->instance)))
			continue;
		s->show[i] = true;
		passing++;
		if (seq > v->last_seq)
			v->last_seq = seq;
	}
	size_t skip = v->last_n && passing > v->last_n ? passing - v->last_n : 0;

	for (size_t i = s->first_rec; i < s->nr && skip; i++)
		if (s->show[i]) {	/* not among the last N */
			s->show[i] = false;
			skip--;
		}
}

/* Read the log and choose what to show: 0, or the exit status of a failure. */
static int log_read(struct cli *c, struct log_view *v, const char *path,
		    struct log_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->cols = (struct log_columns){ .n = 0, .seq = -1, .instance = -1 };
	s->text = read_debugfs(c, "log", path);
	if (!s->text)
		return EXIT_FAIL;
	if (!log_lines(s))
		return fail(c, "log: out of memory");

	/* Keep the headers aside. */
	s->first_rec = s->nr;
	for (size_t i = 0; i < s->nr; i++) {
		if (s->lines[i][0] != '#') {
			if (s->first_rec == s->nr)
				s->first_rec = i;
			continue;
		}
		if (!s->summary)
			s->summary = s->lines[i];
		s->header = s->lines[i];
	}
	if (s->header) {
		snprintf(s->header_copy, sizeof(s->header_copy), "%s", s->header);
		log_find_columns(s->header_copy, &s->cols);
	}
	s->show = calloc(s->nr ? s->nr : 1, sizeof(*s->show));
	if (!s->show)
		return fail(c, "log: out of memory");
	log_choose(s, v);
	return 0;
}

static void print_log_text(const struct log_snapshot *s, const struct log_view *v)
{
	if (v->headers) {
		if (s->summary && s->summary != s->header)
			printf("%s\n", s->summary);
		if (s->header)
			printf("%s\n", s->header);
	}
	for (size_t i = s->first_rec; i < s->nr; i++)
		if (s->show[i])
			printf("%s\n", s->lines[i]);
}

/* Without --follow one object, the records in an array; with it, one per record. */
static void print_log_json(const struct log_snapshot *s, const struct log_view *v)
{
	char *words[LOG_MAX_COLS];
	struct json j;

	if (!v->follow) {
		unsigned long long size = 0, held = 0, lost = 0, next = 0, level = 0;

		if (s->summary)
			sscanf(s->summary, "# log size=%llu held=%llu lost=%llu next=%llu verbosity=%llu",
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
	for (size_t i = s->first_rec; i < s->nr; i++) {
		if (!s->show[i])
			continue;
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", s->lines[i]);
		int n = split_words(copy, words, LOG_MAX_COLS);

		if (v->follow) {
			json_begin(&j, stdout);
			json_str(&j, "op", "log");
			json_array(&j, "records");
		}
		json_log_record(&j, &s->cols, words, n);
		if (v->follow) {
			json_end(&j);
			json_end(&j);
		}
	}
	if (!v->follow) {
		json_end(&j);	/* records */
		json_end(&j);
	}
}

static int log_print(struct cli *c, struct log_view *v, const char *path)
{
	struct log_snapshot s;
	int rc = log_read(c, v, path, &s);

	if (!rc && c->json)
		print_log_json(&s, v);
	else if (!rc)
		print_log_text(&s, v);
	fflush(stdout);
	log_snapshot_free(&s);
	return rc;
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
