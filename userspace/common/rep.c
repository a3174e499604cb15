// SPDX-License-Identifier: GPL-2.0
/*
 * The .rep trace loader (see rep.h): parse the file, then check that the
 * requests make sense in order, before anything is replayed.
 */
#define _GNU_SOURCE
#include "rep.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest request and counts we accept: room to spare, no overflow. */
#define REP_MAX_SIZE	(1ULL << 40)
#define REP_MAX_IDS	INT32_MAX
#define REP_MAX_OPS	(1ULL << 32)

void *rep_map(size_t bytes)
{
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void rep_unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes ? bytes : 1);
}

static __attribute__((format(printf, 2, 3))) int refuse(struct rep_trace *t,
							 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	return -1;
}

static bool parse_num(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s && !*end && !errno;
}

/* The whole file in an mmap'ed buffer, NUL-terminated; NULL with errno. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;

	if (fd < 0 || fstat(fd, &st)) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		errno = saved;
		return NULL;
	}
	*len = (size_t)st.st_size + 1;
	buf = rep_map(*len);
	while (buf && n + 1 < *len && (r = read(fd, buf + n, *len - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* The header's numbers are done: take the counts from them. */
static int header_end(struct rep_trace *t, const long long *header, int nr_header,
		      unsigned long line_no)
{
	if (nr_header != 2 && nr_header != 4)
		return refuse(t, "%s:%lu: the header has %d numbers: want 4 (heap size, IDs, "
			      "operations, weight) or 2 (IDs, operations)", t->path, line_no,
			      nr_header);
	t->nr_ids = (uint64_t)header[nr_header == 4 ? 1 : 0];
	t->nr_ops = (uint64_t)header[nr_header == 4 ? 2 : 1];
	if (t->nr_ids > REP_MAX_IDS || t->nr_ops > REP_MAX_OPS)
		return refuse(t, "%s:%lu: %" PRIu64 " IDs and %" PRIu64 " operations: too many",
			      t->path, line_no, t->nr_ids, t->nr_ops);
	t->ops = rep_map(t->nr_ops * sizeof(*t->ops));
	if (!t->ops)
		return refuse(t, "%s: out of memory for %" PRIu64 " operations", t->path,
			      t->nr_ops);
	return 0;
}

/* One request line, its words in w[0..nw-1]: a ID SIZE | r ID SIZE | f ID */
static int parse_op(struct rep_trace *t, char **w, int nw, unsigned long line_no,
		    struct rep_op *op)
{
	long long id, size = 0;
	bool sized = w[0][0] == 'a' || w[0][0] == 'r';

	if (strlen(w[0]) != 1 || !strchr("arf", w[0][0]) || nw != (sized ? 3 : 2) ||
	    !parse_num(w[1], &id) || (sized && !parse_num(w[2], &size)))
		return refuse(t, "%s:%lu: expected 'a ID SIZE', 'r ID SIZE' or 'f ID'",
			      t->path, line_no);
	if (id < (w[0][0] == 'f' ? -1 : 0) || (id >= 0 && (uint64_t)id >= t->nr_ids))
		return refuse(t, "%s:%lu: ID %lld is outside 0..%" PRIu64 " (the header says %"
			      PRIu64 " IDs)", t->path, line_no, id, t->nr_ids ? t->nr_ids - 1 : 0,
			      t->nr_ids);
	if (size < 0 || (uint64_t)size > REP_MAX_SIZE)
		return refuse(t, "%s:%lu: size %lld is out of range", t->path, line_no, size);
	*op = (struct rep_op){ .kind = w[0][0], .id = (int)id, .size = (uint64_t)size,
			       .line = line_no };
	return 0;
}

static int parse(struct rep_trace *t, char *buf)
{
	unsigned long line_no = 0;
	long long header[4];
	int nr_header = 0;
	bool in_header = true;
	uint64_t n = 0;
	char *next;

	for (char *line = buf; line && (in_header || n < t->nr_ops); line = next) {
		char *w[4], *save = NULL;
		int nw = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		for (char *tok = strtok_r(line, " \t\r", &save); tok;
		     tok = strtok_r(NULL, " \t\r", &save)) {
			if (nw == 4) {	/* one word too many: refused below */
				nw++;
				break;
			}
			w[nw++] = tok;
		}
		if (nw == 0 || w[0][0] == '#')
			continue;

		long long v;

		if (in_header && parse_num(w[0], &v)) {	/* more header numbers */
			for (int i = 0; i < nw; i++)
				if (i == 4 || !parse_num(w[i], &v) || v < 0 || nr_header == 4)
					return refuse(t, "%s:%lu: the header wants 2 or 4 "
						      "non-negative numbers", t->path, line_no);
				else
					header[nr_header++] = v;
			continue;
		}
		if (in_header) {
			if (header_end(t, header, nr_header, line_no))
				return -1;
			in_header = false;
			if (t->nr_ops == 0)
				break;
		}
		if (parse_op(t, w, nw, line_no, &t->ops[n]))
			return -1;
		n++;
	}
	if (in_header)
		return refuse(t, "%s: no operations after the header", t->path);
	if (n < t->nr_ops)
		return refuse(t, "%s: the header promises %" PRIu64 " operations but only %"
			      PRIu64 " follow", t->path, t->nr_ops, n);
	return 0;
}

/*
 * The sequence itself: no allocation of a live ID, no free of an ID that
 * is not live (realloc(NULL, n) allocates, realloc(p, 0) frees).
 */
static int check_sequence(struct rep_trace *t)
{
	uint64_t *size = rep_map(t->nr_ids * sizeof(*size));
	bool *live = rep_map(t->nr_ids);
	int rc = 0;

	if (!live || !size)
		rc = refuse(t, "%s: out of memory", t->path);
	for (uint64_t i = 0; i < t->nr_ops && !rc; i++) {
		const struct rep_op *op = &t->ops[i];
		int id = op->id;

		if (id < 0)
			continue;
		if (op->kind == 'a' && live[id])
			rc = refuse(t, "%s:%lu: ID %d is allocated again without a free",
				    t->path, op->line, id);
		else if (op->kind == 'f' && !live[id])
			rc = refuse(t, "%s:%lu: f %d frees an ID that is not allocated",
				    t->path, op->line, id);
		if (op->kind == 'f' || (op->kind == 'r' && live[id] && size[id] && !op->size))
			live[id] = false;
		else
			live[id] = true;
		size[id] = op->size;
	}
	rep_unmap(live, t->nr_ids);
	rep_unmap(size, t->nr_ids * sizeof(*size));
	return rc;
}

int rep_load(const char *path, struct rep_trace *t)
{
	size_t len = 0;
	char *buf;
	int rc;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	buf = read_file(path, &len);
	if (!buf)
		return refuse(t, "%s: %s", path, strerror(errno));
	rc = parse(t, buf);
	rep_unmap(buf, len);
	if (!rc)
		rc = check_sequence(t);
	if (rc) {
		char error[sizeof(t->error)];

		memcpy(error, t->error, sizeof(error));
		rep_free(t);
		memcpy(t->error, error, sizeof(error));
	}
	return rc;
}

void rep_free(struct rep_trace *t)
{
	rep_unmap(t->ops, t->nr_ops * sizeof(*t->ops));
	t->ops = NULL;
}
