// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc top [-i NAME]: a live view of an instance, refreshed a few
 * times a second: its figures, its map, the size-class table and the last
 * lines of the event log that concern it. For watching a program run
 * (`edualloc run -i NAME`), or a whole class on the shared instance.
 *
 * On a terminal: the alternate screen, redrawn in place; keys q (quit),
 * space or p (pause), n / Tab and N (next and previous instance: shared
 * and the named ones; private instances belong to their file), + and -
 * (faster, slower). Not on a terminal (or --plain): frames printed one
 * after the other, plain text, --count of them (default 1), for scripts
 * and tests.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TOP_MAP_ROWS	12
#define TOP_LOG_LINES	8

static volatile sig_atomic_t top_stop, top_resized;

static void top_on_signal(int sig)
{
	if (sig == SIGWINCH)
		top_resized = 1;
	else
		top_stop = 1;
}

static int screen_cols(bool tty)
{
	struct winsize ws;

	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* The class letter of a group of pages, as the map draws it. */
static char top_cell(const struct edualloc_page *p, size_t n, unsigned int *fill)
{
	unsigned int count[EDUALLOC_NR_CLASSES] = { 0 }, best = 0, used = 0, total = 0;
	bool any = false, full = true;

	for (size_t i = 0; i < n; i++) {
		if (p[i].kind == EDUALLOC_PAGE_FREE) {
			full = false;
			continue;
		}
		any = true;
		if (p[i].cls < EDUALLOC_NR_CLASSES)
			count[p[i].cls]++;
		if (p[i].kind == EDUALLOC_PAGE_SLAB) {
			used += p[i].used;
			total += p[i].total;
			if (p[i].used < p[i].total)
				full = false;
		}
	}
	*fill = total ? used * 10 / total : 10;
	if (!any)
		return '.';
	for (unsigned int k = 1; k < EDUALLOC_NR_CLASSES; k++)
		if (count[k] > count[best])
			best = k;
	return (char)((full ? 'A' : 'a') + best);
}

static void draw_map(FILE *f, struct cli *c, const struct edualloc_page *pages, size_t np,
		     int cols, const struct colors *k)
{
	static const char *const hue[4] = { "\033[32m", "\033[36m", "\033[34m", "\033[35m" };
	int width = cols - 14 > 64 ? 64 : cols - 14;
	size_t per = (np + (size_t)width * TOP_MAP_ROWS - 1) / ((size_t)width * TOP_MAP_ROWS);
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (!per)
		per = 1;
	fprintf(f, "map: %zu pages, %zu per cell (. free, a-p class 8 B..256 KiB, upper case full)\n",
		np, per);
	for (size_t cell = 0, row = 0; cell * per < np; row++) {
		fprintf(f, "  0x%08" PRIx64 " ", (uint64_t)(cell * per) * page);
		for (int i = 0; i < width && cell * per < np; i++, cell++) {
			size_t first = cell * per, n = np - first < per ? np - first : per;
			unsigned int fill;
			char ch = top_cell(pages + first, n, &fill);

			if (c->color && ch != '.')
				fprintf(f, "%s%s%c%s", hue[((ch | 0x20) - 'a') / 4], ch < 'a' ? k->bold : "",
					ch, k->reset);
			else if (c->color)
				fprintf(f, "%s.%s", k->dim, k->reset);
			else
				fputc(ch, f);
		}
		fputc('\n', f);
	}
}

/* The last n log lines of instance 'name' (debugfs), or why there are none. */
static void draw_log(FILE *f, const char *name, int cols, int n)
{
	FILE *in = fopen(DEBUGFS_DIR "/log", "r");
	char (*ring)[256] = calloc((size_t)n, sizeof(*ring));
	char line[512], pat[EDUALLOC_NAME_MAX + 2];
	int held = 0, next = 0;

	if (!in || !ring) {
		fprintf(f, "log: %s\n", in ? "out of memory" :
			"not readable (debugfs, root only: sudo edualloc top)");
		if (in)
			fclose(in);
		free(ring);
		return;
	}
	snprintf(pat, sizeof(pat), " %s ", name);
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == '#')
			continue;
		/* The instance is the third column: " NAME " after seq and time. */
		char *sp = strchr(line, ' ');

		sp = sp ? strchr(sp + 1, ' ') : NULL;
		if (!sp || strncmp(sp, pat, strlen(pat)))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(ring[next], sizeof(ring[next]), "%.*s", cols - 3 > 255 ? 255 : cols - 3, line);
		next = (next + 1) % n;
		if (held < n)
			held++;
	}
	fclose(in);
	fprintf(f, "log: the last %d event%s of \"%s\" (edualloc log -I for all)\n", held,
		held == 1 ? "" : "s", name);
	for (int i = 0; i < held; i++)
		fprintf(f, "  %s\n", ring[(next - held + i + n) % n]);
	free(ring);
}

/* One frame into a string; NULL with errno on failure. */
static char *frame(struct cli *c, bool tty, bool paused, double delay, int *err)
{
	struct edualloc_stats st;
	struct colors k = colors(c->color);
	char *buf = NULL, cap[32], live[32], used[32], peak[32];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int cols = screen_cols(tty);

	*err = 0;
	if (!f)
		return NULL;
	*err = dev_stats(c, &st);
	if (*err) {
		fclose(f);
		free(buf);
		return NULL;
	}
	time_t now = time(NULL);
	struct tm tm;
	char when[16];

	strftime(when, sizeof(when), "%H:%M:%S", localtime_r(&now, &tm));
	fprintf(f, "%sedualloc top%s  instance \"%.*s\" (%s)  %s%s\n", k.bold, k.reset,
		EDUALLOC_NAME_MAX, st.name, eau_kind_name(st.kind), when,
		paused ? "  [paused]" : "");
	fprintf(f, "capacity %s  pages %" PRIu64 " used / %" PRIu64 " free  footprint %s (peak %s)\n",
		human_size(st.capacity, cap, sizeof(cap)), (uint64_t)st.pages_used,
		(uint64_t)st.pages_free, human_size(st.used_bytes, used, sizeof(used)),
		human_size(st.peak_used, peak, sizeof(peak)));
	fprintf(f, "live %" PRIu64 " allocations, %s requested  large %" PRIu64
		"  fragmentation: internal %u%%, external %u%%\n", (uint64_t)st.live_allocs,
		human_size(st.live_requested, live, sizeof(live)), (uint64_t)st.large_count,
		st.internal_frag_pct, st.external_frag_pct);
	uint64_t errors = 0;

	for (int i = 0; i < EDUALLOC_ERR_SLOTS; i++)
		errors += st.errors[i];
	fprintf(f, "allocs %" PRIu64 "  frees %" PRIu64 "  reallocs %" PRIu64 "  failed %" PRIu64
		"  errors caught %" PRIu64 "  corruptions %s%" PRIu64 "%s\n\n", (uint64_t)st.allocs,
		(uint64_t)st.frees, (uint64_t)st.reallocs, (uint64_t)st.failed_allocs, errors,
		st.corruptions ? k.red : "", (uint64_t)st.corruptions, st.corruptions ? k.reset : "");

	struct edualloc_pages req = { 0 };
	struct edualloc_page *pages = NULL;

	if (!dev_ioctl(c, EDUALLOC_IOC_PAGES, &req) && req.total &&
	    (pages = calloc(req.total, sizeof(*pages)))) {
		req.buf = (uint64_t)(uintptr_t)pages;
		req.max = req.total;
		if (!dev_ioctl(c, EDUALLOC_IOC_PAGES, &req))
			draw_map(f, c, pages, req.count, cols, &k);
		free(pages);
	}
	fputc('\n', f);
	eau_print_classes(f, &st, false);
	fputc('\n', f);
	draw_log(f, st.name, cols, TOP_LOG_LINES);
	if (tty)
		fprintf(f, "\n%sq quit  space pause  n/N next/previous instance  +/- refresh (%.2f s)%s\n",
			k.dim, delay, k.reset);
	if (fclose(f)) {
		free(buf);
		*err = -ENOMEM;
		return NULL;
	}
	return buf;
}

/* Attach to the next (dir 1) or previous (-1) shared or named instance. */
static void switch_instance(struct cli *c, int dir)
{
	struct edualloc_inst_info *list = NULL;
	unsigned int n = 0, at = 0;

	if (dev_list(c, &list, &n) || !n) {
		free(list);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		if (!strncmp(list[i].name, c->attached, sizeof(list[i].name)))
			at = i;
	for (unsigned int step = 1; step < n; step++) {
		unsigned int i = (at + n + (unsigned int)dir * step) % n;

		if (list[i].kind == EDUALLOC_KIND_PRIVATE)
			continue;
		if (!dev_attach(c, list[i].name, false, NULL)) {
			memcpy(c->attached, list[i].name, sizeof(c->attached));
			c->attached[sizeof(c->attached) - 1] = '\0';
			break;
		}
	}
	free(list);
}

int verb_top(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "plain", no_argument, NULL, 'P' },
		COMMON_OPTIONS, { 0 },
	};
	uint64_t count = 0;
	double delay = 0.25;
	bool plain = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "n:d:P", opts)) != -1) {
		switch (opt) {
		case 'n':
			if (!parse_u64(optarg, &count) || !count)
				return usage_error(argv[0], "--count wants a number of frames, not '%s'",
						   optarg);
			break;
		case 'd': {
			char *end;

			delay = strtod(optarg, &end);
			if (*end || !(delay >= 0.05 && delay <= 60))
				return usage_error(argv[0], "--delay wants 0.05 to 60 seconds, not '%s'",
						   optarg);
			break;
		}
		case 'P':
			plain = true;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, 0, 0))
		return EXIT_USAGE;
	if (c->json)
		return usage_error(argv[0], "a live view has no --json: use stats, map or log --json");
	int rc = dev_open(c);

	if (rc)
		return rc;
	bool tty = !plain && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);

	if (!count && !tty)
		count = 1;

	struct termios saved, raw;
	bool raw_on = false;
	struct sigaction sa = { .sa_handler = top_on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tty) {
		sigaction(SIGWINCH, &sa, NULL);
		if (tcgetattr(STDIN_FILENO, &saved) == 0) {
			raw = saved;
			raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
			raw.c_cc[VMIN] = 0;
			raw.c_cc[VTIME] = 0;
			raw_on = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		}
		fputs("\033[?1049h\033[?25l", stdout);	/* alternate screen, no cursor */
	}
	bool paused = false;
	char *last = NULL;

	for (uint64_t shown = 0; !top_stop && (!count || shown < count); shown++) {
		int err;
		char *text = paused && last ? last : frame(c, tty, paused, delay, &err);

		if (!text) {
			rc = fail_op(c, OP_STATS, -err, "top %s", c->attached);
			break;
		}
		if (tty) {
			fputs("\033[H", stdout);
			for (char *line = text, *nl; *line; line = nl + 1) {	/* clear each line's end */
				nl = strchr(line, '\n');
				if (!nl) {
					fputs(line, stdout);
					break;
				}
				fwrite(line, 1, (size_t)(nl - line), stdout);
				fputs("\033[K\n", stdout);
			}
			fputs("\033[J", stdout);
		} else {
			if (shown)
				fputs("\n", stdout);
			fputs(text, stdout);
		}
		fflush(stdout);
		if (text != last) {
			free(last);
			last = text;
		}
		if (count && shown + 1 == count)
			break;

		/* Wait for the next frame, or a key. */
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int ms = (int)(delay * 1000);

		if (!tty) {
			struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if (poll(&pfd, 1, ms) > 0) {
			char key = 0;

			if (read(STDIN_FILENO, &key, 1) == 1) {
				if (key == 'q' || key == 'Q')
					break;
				if (key == ' ' || key == 'p') {
					paused = !paused;
					free(last);	/* one frame that says so */
					last = NULL;
				}
				if (key == 'n' || key == '\t')
					switch_instance(c, 1);
				if (key == 'N')
					switch_instance(c, -1);
				if (key == '+' && delay > 0.1)
					delay /= 2;
				if (key == '-' && delay < 8)
					delay *= 2;
				if (key != ' ' && key != 'p')
					paused = false;
			}
		}
		top_resized = 0;
	}
	free(last);
	if (tty) {
		fputs("\033[?25h\033[?1049l", stdout);
		fflush(stdout);
		if (raw_on)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	}
	return rc;
}
