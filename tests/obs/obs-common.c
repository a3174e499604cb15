// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the observability tests: see obs.h. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "obs.h"

const char *test_name = "obs";
static int passed, failed;

void test_init(const char *name)
{
	test_name = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0)
		skip("needs root (debugfs)");
	if (!exists("/dev/edualloc"))
		skip("/dev/edualloc is missing: module not loaded");
	if (!exists(DEBUGFS "/log"))
		skip(DEBUGFS " is missing (no debugfs?)");
}

static bool vreport(bool ok, const char *fmt, va_list ap)
{
	printf("%s: ", ok ? "PASS" : "FAIL");
	vprintf(fmt, ap);
	putchar('\n');
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ok, fmt, ap);
	va_end(ap);
	return ok;
}

bool check_str(const char *got, const char *want, const char *fmt, ...)
{
	char *g = squeeze(got ? got : "(none)"), *w = squeeze(want);
	bool ok = !strcmp(g, w);
	va_list ap;

	va_start(ap, fmt);
	vreport(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("    got:  %s\n    want: %s\n", g, w);
	free(g);
	free(w);
	return ok;
}

int test_done(void)
{
	printf("%s: %d passed, %d failed\n", test_name, passed, failed);
	return failed ? 1 : 0;
}

void skip(const char *why)
{
	printf("%s: SKIP: %s\n", test_name, why);
	exit(77);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n%s: %d passed, %d failed (stopped early)\n", test_name, passed,
	       failed + 1);
	exit(1);
}

char *slurp(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

int spit(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	return s;
}

char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	bool blank = false;

	if (!out)
		fatal("out of memory");
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			blank = true;
			continue;
		}
		if (blank)
			*o++ = ' ';
		blank = false;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

int data_lines(char *text, char **lines, int max)
{
	int n = 0;
	char *save, *l;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		if (n < max)
			lines[n] = l;
		n++;
	}
	return n;
}

long long keyval(const char *text, const char *key)
{
	size_t k = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ' ')
			return strtoll(p + k + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

void dev_open(struct dev *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		fatal("open /dev/edualloc: %s", strerror(errno));
}

void dev_create(struct dev *d, unsigned long long capacity, unsigned int bits)
{
	dev_create_flags(d, capacity, bits, 0);
}

void dev_create_flags(struct dev *d, unsigned long long capacity, unsigned int bits,
		      unsigned int flags)
{
	struct edualloc_create c = {
		.capacity = capacity, .bitset_bits = bits, .flags = flags,
	};

	if (ioctl(d->fd, EDUALLOC_IOC_CREATE, &c))
		fatal("CREATE %llu bytes: %s", capacity, strerror(errno));
	d->info = c.info;
}

void dev_close(struct dev *d)
{
	close(d->fd);
	d->fd = -1;
}

int dev_alloc(struct dev *d, unsigned long long size, struct edualloc_alloc_info *out)
{
	struct edualloc_alloc a = { .size = size };

	if (ioctl(d->fd, EDUALLOC_IOC_ALLOC, &a))
		return -errno;
	if (out)
		*out = a.info;
	return 0;
}

int dev_free(struct dev *d, int id)
{
	struct edualloc_free f = { .id = id, .flags = EDUALLOC_FREE_BY_ID };

	return ioctl(d->fd, EDUALLOC_IOC_FREE, &f) ? -errno : 0;
}

int dev_free_offset(struct dev *d, unsigned long long offset)
{
	struct edualloc_free f = { .offset = offset, .flags = EDUALLOC_FREE_BY_OFFSET };

	return ioctl(d->fd, EDUALLOC_IOC_FREE, &f) ? -errno : 0;
}

int dev_realloc(struct dev *d, int id, unsigned long long size,
		struct edualloc_alloc_info *out)
{
	struct edualloc_realloc r = { .id = id, .size = size };

	if (ioctl(d->fd, EDUALLOC_IOC_REALLOC, &r))
		return -errno;
	if (out)
		*out = r.info;
	return 0;
}

int dev_bit(struct dev *d, unsigned int op, unsigned int bit)
{
	struct edualloc_bit b = { .op = op, .bit = bit };

	if (ioctl(d->fd, EDUALLOC_IOC_BIT, &b))
		return -errno;
	return b.value;
}

unsigned long long log_next_seq(void)
{
	char *text = slurp(DEBUGFS "/log"), *p;
	unsigned long long next;

	if (!text)
		fatal("read " DEBUGFS "/log: %s", strerror(errno));
	p = strstr(text, " next=");
	if (!p)
		fatal("no next= in the log's header");
	next = strtoull(p + 6, NULL, 10);
	free(text);
	return next;
}

void log_clear(void)
{
	int err = spit(DEBUGFS "/log", "\n");

	if (err)
		fatal("clear the log: %s", strerror(-err));
}

void set_verbosity(int v)
{
	char buf[16];
	int err;

	snprintf(buf, sizeof(buf), "%d\n", v);
	err = spit(DEBUGFS "/verbosity", buf);
	if (err)
		fatal("set verbosity %d: %s", v, strerror(-err));
}

int get_verbosity(void)
{
	char *t = slurp(DEBUGFS "/verbosity");
	int v;

	if (!t)
		fatal("read verbosity: %s", strerror(errno));
	v = atoi(t);
	free(t);
	return v;
}

int log_records(unsigned long long from, const char *inst, char ***recs)
{
	char *text = slurp(DEBUGFS "/log"), *save, *l;
	char **out = NULL;
	int n = 0;

	if (!text)
		fatal("read " DEBUGFS "/log: %s", strerror(errno));
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char seq[32], time[32], name[64], rest[512], *line;

		if (l[0] == '#')
			continue;
		if (sscanf(l, "%31s %31s %63s %511[^\n]", seq, time, name, rest) != 4)
			continue;
		if (strtoull(seq, NULL, 10) < from)
			continue;
		if (inst && strcmp(name, inst))
			continue;
		if (asprintf(&line, "%s %s %s", seq, name, rest) < 0)
			fatal("out of memory");
		out = realloc(out, (n + 1) * sizeof(*out));
		if (!out)
			fatal("out of memory");
		out[n++] = squeeze(line);
		free(line);
	}
	free(text);
	*recs = out;
	return n;
}

const char *my_comm(void)
{
	static char comm[17];
	char *c;

	if (!comm[0]) {
		prctl(PR_GET_NAME, comm, 0, 0, 0);
		for (c = comm; *c; c++) {
			if (!isgraph((unsigned char)*c))
				*c = '_';
		}
	}
	return comm;
}
