// SPDX-License-Identifier: GPL-2.0
/*
 * Output helpers: a small JSON writer, terminal colours and a hexdump that
 * shows red zones.
 */
#include "out.h"
#include "report.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

/* ---- JSON ------------------------------------------------------------ */

/* A JSON string: quotes, and escapes for what JSON needs escaped. */
static void json_quote(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);	/* UTF-8 passes through */
		}
	}
	fputc('"', f);
}

/* Before a member: the comma, and the key if inside an object. */
static void json_member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		json_quote(j->f, key, strlen(key));
		fputc(':', j->f);
	}
}

static void json_open(struct json *j, const char *key, char open, char close)
{
	json_member(j, key);
	fputc(open, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)	/* deeper is a bug in the caller */
		j->depth++;
	j->first[j->depth] = true;
	j->closer[j->depth] = close;
}

void json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	json_open(j, NULL, '{', '}');
}

void json_object(struct json *j, const char *key)
{
	json_open(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	json_open(j, key, '[', ']');
}

void json_end(struct json *j)
{
	if (j->depth == 0)
		return;
	fputc(j->closer[j->depth], j->f);
	j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	json_member(j, key);
	json_quote(j->f, s, n);
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_strn(j, key, s, strlen(s));
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_double(struct json *j, const char *key, double v)
{
	json_member(j, key);
	fprintf(j->f, "%.4f", v);
}

void json_hex(struct json *j, const char *key, const unsigned char *buf, size_t n)
{
	json_member(j, key);
	fputc('"', j->f);
	for (size_t i = 0; i < n; i++)
		fprintf(j->f, "%02x", buf[i]);
	fputc('"', j->f);
}

void json_alloc_info(struct json *j, const struct edualloc_alloc_info *a)
{
	json_i64(j, "id", a->id);
	json_u64(j, "offset", a->offset);
	json_u64(j, "size", a->size);
	json_u64(j, "class", a->cls);
	json_u64(j, "class_size", a->class_size);
	json_bool(j, "large", a->cls == EDUALLOC_CLASS_LARGE);
	json_u64(j, "owner_pid", a->owner_pid);
}

void json_inst_info(struct json *j, const struct edualloc_inst_info *in)
{
	json_strn(j, "name", in->name, strnlen(in->name, sizeof(in->name)));
	json_u64(j, "id", in->id);
	json_str(j, "kind", eau_kind_name(in->kind));
	json_u64(j, "owner_uid", in->owner_uid);
	json_u64(j, "capacity", in->capacity);
	json_u64(j, "used_bytes", in->used_bytes);
	json_u64(j, "live_allocs", in->live_allocs);
	json_u64(j, "live_requested", in->live_requested);
	json_u64(j, "bitset_bits", in->bitset_bits);
	json_u64(j, "nr_attached", in->nr_attached);
	json_u64(j, "creator_pid", in->creator_pid);
	json_bool(j, "debug", in->flags & EDUALLOC_INST_DEBUG);
	json_bool(j, "attached", in->flags & EDUALLOC_INST_ATTACHED);
	json_bool(j, "percpu", in->flags & EDUALLOC_INST_PERCPU);
}

/* ---- colours ---------------------------------------------------------- */

struct colors colors(bool on)
{
	if (!on)
		return (struct colors){ "", "", "", "", "", "", "", "", "" };
	return (struct colors){
		.reset = "\033[0m", .bold = "\033[1m", .dim = "\033[2m",
		.red = "\033[31m", .green = "\033[32m", .yellow = "\033[33m",
		.blue = "\033[34m", .magenta = "\033[35m", .cyan = "\033[36m",
	};
}

/* ---- hexdump ---------------------------------------------------------- */

static void hexdump_line(FILE *f, const unsigned char *p, size_t n, size_t start,
			 uint64_t base, size_t mark, const struct colors *k)
{
	fprintf(f, "  %08" PRIx64 " ", base + start);
	for (size_t i = 0; i < 16; i++) {
		size_t at = start + i;

		if (i == 8)
			fputc(' ', f);
		fputc(at == mark && i < n ? '|' : ' ', f);	/* the red zone begins */
		if (i >= n)
			fputs("  ", f);
		else if (at < mark)
			fprintf(f, "%02x", p[i]);
		else if (p[i] == EDUALLOC_RED_ZONE)
			fprintf(f, "%s%02x%s", k->yellow, p[i], k->reset);
		else
			fprintf(f, "%s%s%02x%s", k->bold, k->red, p[i], k->reset);
	}
	fputs("  ", f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];
		bool rz = start + i >= mark;

		if (rz)
			fputs(ch == EDUALLOC_RED_ZONE ? k->yellow : k->red, f);
		fputc(isprint(ch) ? ch : '.', f);
		if (rz)
			fputs(k->reset, f);
	}
	fputc('\n', f);
}

void hexdump(FILE *f, const unsigned char *buf, size_t len, uint64_t base, size_t mark,
	     bool color)
{
	struct colors k = colors(color);
	bool folded = false;

	for (size_t start = 0; start < len; start += 16) {
		size_t n = len - start < 16 ? len - start : 16;
		bool mark_here = mark >= start && mark < start + 16;

		/* A full line equal to the one before, with no boundary in it: fold. */
		if (start >= 16 && n == 16 && !mark_here && start + 16 < len &&
		    !memcmp(buf + start, buf + start - 16, 16)) {
			if (!folded)
				fputs("  *\n", f);
			folded = true;
			continue;
		}
		folded = false;
		hexdump_line(f, buf + start, n, start, base, mark, &k);
	}
}
