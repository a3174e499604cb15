/* SPDX-License-Identifier: GPL-2.0 */
/* opts.c: the options every verb shares, usage errors, numbers and sizes. */
#ifndef EDUALLOC_CLI_OPTS_H
#define EDUALLOC_CLI_OPTS_H

#include "cli.h"

/* --- opts.c: parsing ------------------------------------------------- */

/*
 * The options every verb accepts (--json, --color, --help, -i); a verb's
 * option table ends with COMMON_OPTIONS then {0}, its short options string
 * starts with COMMON_SHORT. verb_run() resets getopt (optind = 0) first.
 */
enum { OPT_JSON = 0x100, OPT_COLOR, OPT_NO_COLOR, OPT_FIRST_VERB_OPT };
#define COMMON_SHORT	":hi:"
#define COMMON_OPTIONS \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "color", optional_argument, NULL, OPT_COLOR }, \
	{ "colour", optional_argument, NULL, OPT_COLOR }, \
	{ "no-color", no_argument, NULL, OPT_NO_COLOR }, \
	{ "instance", required_argument, NULL, 'i' }, \
	{ "help", no_argument, NULL, 'h' }

/* Returned by verb_getopt() instead of an option: the verb returns at once. */
#define OPT_DONE_HELP	(-2)	/* --help printed: exit 0 */
#define OPT_DONE_USAGE	(-3)	/* bad option, reported: exit 2 */

/*
 * getopt_long() for verbs: handles the common options itself and returns
 * the verb's own, -1 at the end (optind is then the first operand), or
 * OPT_DONE_*. Options may come after operands ("alloc 64 --json").
 */
int verb_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
		const struct option *longopts);
/*
 * The start of a verb with no options of its own: the common options, then
 * min..max operands (max -1: any number). -1 to go on (optind is the first
 * operand), else the exit status the verb returns at once.
 */
int verb_plain_args(struct cli *c, int argc, char **argv, int min, int max);
/* What a verb returns for OPT_DONE_*: 0 after --help, else EXIT_USAGE. */
int opt_done(int opt);
/* Apply a common option; false if 'opt' is not one (global parse). */
bool common_option(struct cli *c, int opt, const char *arg, const char *verb);

/* "--color=WHEN": always, never, auto (a terminal and no NO_COLOR). */
bool color_wanted(const char *when, bool *ok);

/* Usage error: "VERB: message" and the help hint; returns EXIT_USAGE. */
int usage_error(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Check the operand count; reports and returns false if wrong. */
bool want_operands(const char *verb, int have, int min, int max);

/* 4096, 4K, 4KiB, 1M, 0x1000; false if not a size. */
bool parse_size(const char *s, uint64_t *out);
/* Decimal or 0x hex, no suffix. */
bool parse_u64(const char *s, uint64_t *out);
/* An allocation ID: 1..INT_MAX. */
bool parse_id(const char *s, int *out);

#endif
