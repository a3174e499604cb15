/* SPDX-License-Identifier: GPL-2.0 */
/* out.c: output: a JSON writer, colours, hexdump. Knows no other CLI file. */
#ifndef EDUALLOC_CLI_OUT_H
#define EDUALLOC_CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/edualloc.h>

/* --- out.c: output ---------------------------------------------------- */

/* A JSON writer: one compact object per report, then a newline. */
#define JSON_MAX_DEPTH 8
struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no member written yet at this depth */
	char closer[JSON_MAX_DEPTH];	/* '}' or ']' for what is open there */
};

void json_begin(struct json *j, FILE *f);	/* the top-level object: { */
void json_end(struct json *j);			/* close the innermost; } + \n at the top */
void json_object(struct json *j, const char *key);	/* key: NULL inside arrays */
void json_array(struct json *j, const char *key);
void json_str(struct json *j, const char *key, const char *s);
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_double(struct json *j, const char *key, double v);
void json_hex(struct json *j, const char *key, const unsigned char *buf, size_t n);
/* The fields of an allocation, an instance. */
void json_alloc_info(struct json *j, const struct edualloc_alloc_info *a);
void json_inst_info(struct json *j, const struct edualloc_inst_info *in);

/* Colours (empty strings when off). */
struct colors {
	const char *reset, *bold, *dim, *red, *green, *yellow, *blue, *magenta, *cyan;
};
struct colors colors(bool on);

/*
 * Hexdump 'len' bytes with addresses from 'base'; bytes from 'mark' on are
 * the red zone ('|' before the first, coloured on a terminal, and a byte
 * that is not EDUALLOC_RED_ZONE is damage). mark >= len: no red zone.
 * Identical lines are folded into one '*', as hexdump(1) does.
 */
void hexdump(FILE *f, const unsigned char *buf, size_t len, uint64_t base, size_t mark,
	     bool color);

#endif
