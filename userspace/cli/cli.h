/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The edualloc CLI: what its files share.
 *
 *   edualloc.c   main(): global options, the verb table, help
 *   opts.c       option parsing for verbs, numbers and sizes
 *   dev.c        the device: open, attach, ioctls, mappings, errors in words
 *   out.c        output: JSON writer, hexdump, colours
 *   inst.c       info, create, attach, destroy, list, reset
 *   alloc.c      alloc, free, id, ptr, write, read, dump, bit
 *   observe.c    stats, classes (STATS); map, log (debugfs)
 *   shell.c      shell
 *   replay.c     replay (CS:APP malloc-lab traces)
 *
 * Every verb is a function  int verb_X(struct cli *c, int argc, char **argv)
 * with argv[0] the verb's name, returning the exit status: 0, EXIT_FAIL
 * (the operation failed, the message says why) or EXIT_USAGE.
 */
#ifndef EDUALLOC_CLI_H
#define EDUALLOC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/edualloc.h>

#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define DEBUGFS_DIR	"/sys/kernel/debug/edualloc"

/* A mapping of part of an instance (the arena, or one large allocation). */
struct mapping {
	unsigned char *addr;	/* NULL: not mapped */
	size_t len;
	uint64_t offset;	/* its mmap offset in the instance */
};

/* Everything one run of the CLI (or one shell session) works with. */
struct cli {
	/* Output */
	bool json;		/* --json: one JSON object per report */
	bool color;		/* colours on stdout (a terminal, unless --color=never) */
	bool in_shell;		/* running a shell session's line */

	/* The device */
	const char *instance;	/* -i NAME; NULL: the shared instance */
	int fd;			/* /dev/edualloc, -1 until opened */
	struct mapping arena;	/* the attached instance's arena, mapped on demand */
	char attached[EDUALLOC_NAME_MAX];	/* name of the attached instance */
};

/* A verb, as the table in edualloc.c lists it. */
struct verb {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *usage;	/* its arguments, e.g. "ID TEXT [--hex]" */
	const char *summary;	/* one line, for `edualloc help` */
	const char *help;	/* the rest of `edualloc help VERB` */
};

const struct verb *verb_find(const char *name);
int verb_run(struct cli *c, int argc, char **argv);	/* dispatch one verb */
void verb_usage_hint(const char *verb);		/* "usage: ... (see: edualloc help VERB)" */
void print_help_for(const char *verb);		/* `edualloc help VERB` */

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

/* --- dev.c: the device ------------------------------------------------ */

/* The operations whose errors we put in words. */
enum dev_op {
	OP_OPEN, OP_VERSION, OP_CREATE, OP_ATTACH, OP_DESTROY, OP_LIST,
	OP_ALLOC, OP_FREE, OP_LOOKUP_ID, OP_LOOKUP_OFFSET, OP_READ, OP_WRITE,
	OP_REALLOC, OP_BIT, OP_STATS, OP_RESET, OP_CONFIG, OP_MMAP,
};

/* The cause of error 'err' (a positive errno) of operation 'op', in words. */
const char *dev_explain(enum dev_op op, int err);
/* "EALREADY" for EALREADY, ... ("E?" if unknown). */
const char *errno_name(int err);

/*
 * Report a failure: prints "WHAT: CAUSE" on stderr (and, with --json, an
 * error object on stdout) and returns EXIT_FAIL. fail_op() words the cause
 * of a device error; fail() takes the whole message.
 */
int fail_op(struct cli *c, enum dev_op op, int err, const char *what_fmt, ...)
	__attribute__((format(printf, 4, 5)));
int fail(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open the device and attach to -i NAME if given; reports, EXIT_FAIL. */
int dev_open(struct cli *c);
void dev_close(struct cli *c);
/* ioctl(): 0, or a negative errno. */
int dev_ioctl(struct cli *c, unsigned long cmd, void *arg);
/* Attach the open file to instance 'name' ("" + private: its own). */
int dev_attach(struct cli *c, const char *name, bool private_inst,
	       struct edualloc_inst_info *info);
int dev_stats(struct cli *c, struct edualloc_stats *st);
int dev_lookup_id(struct cli *c, int id, struct edualloc_alloc_info *info);
/* The same, but a miss is no error the module counts or logs (ALLOCS). */
int dev_peek_alloc(struct cli *c, int id, struct edualloc_alloc_info *info);
/* Every instance; *list is malloc'd. 0 or a negative errno. */
int dev_list(struct cli *c, struct edualloc_inst_info **list, unsigned int *count);

/*
 * A pointer to the first byte of allocation 'a' through a mapping, as a
 * program sees it: the arena (kept mapped in c->arena) or, for a large
 * allocation, a mapping of its own put in *tmp (dev_unmap() it after).
 * NULL with errno set on failure.
 */
unsigned char *dev_map_alloc(struct cli *c, const struct edualloc_alloc_info *a,
			     struct mapping *tmp);
/* The arena mapped whole (c->arena); NULL with errno set on failure. */
unsigned char *dev_map_arena(struct cli *c);
void dev_unmap(struct mapping *m);

/* "pid123.1" kind names; "root" for uid 0 (from /etc/passwd) or the number. */
const char *user_name(uint32_t uid, char *buf, size_t len);
/* "64 B", "4 KiB", "1.5 MiB": for reading, the exact number is in --json. */
const char *human_size(uint64_t bytes, char *buf, size_t len);

/* Does the debugfs file exist? Else report which and how to fix: EXIT_FAIL. */
int debugfs_missing(struct cli *c, const char *verb, const char *path);

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

/* --- the verbs ------------------------------------------------------- */

int verb_info(struct cli *c, int argc, char **argv);
int verb_create(struct cli *c, int argc, char **argv);
int verb_attach(struct cli *c, int argc, char **argv);
int verb_destroy(struct cli *c, int argc, char **argv);
int verb_list(struct cli *c, int argc, char **argv);
int verb_reset(struct cli *c, int argc, char **argv);
int verb_alloc(struct cli *c, int argc, char **argv);
int verb_free(struct cli *c, int argc, char **argv);
int verb_realloc(struct cli *c, int argc, char **argv);
int verb_id(struct cli *c, int argc, char **argv);
int verb_ptr(struct cli *c, int argc, char **argv);
int verb_write(struct cli *c, int argc, char **argv);
int verb_read(struct cli *c, int argc, char **argv);
int verb_dump(struct cli *c, int argc, char **argv);
int verb_bit(struct cli *c, int argc, char **argv);
int verb_stats(struct cli *c, int argc, char **argv);
int verb_classes(struct cli *c, int argc, char **argv);
int verb_map(struct cli *c, int argc, char **argv);
int verb_log(struct cli *c, int argc, char **argv);
int verb_check(struct cli *c, int argc, char **argv);
int verb_shell(struct cli *c, int argc, char **argv);
int verb_replay(struct cli *c, int argc, char **argv);
/* run.c, top.c, record.c, html.c (issue 16) */
int verb_run_prog(struct cli *c, int argc, char **argv);
int verb_record(struct cli *c, int argc, char **argv);
int verb_top(struct cli *c, int argc, char **argv);
bool replay_visual_wanted(int argc, char **argv);	/* --html, --steps, --engine */
int verb_replay_visual(struct cli *c, int argc, char **argv);
int verb_help(struct cli *c, int argc, char **argv);

#endif /* EDUALLOC_CLI_H */
