/* SPDX-License-Identifier: GPL-2.0 */
/* dev.c: the device as the verbs use it, and its errors in words. */
#ifndef EDUALLOC_CLI_DEV_H
#define EDUALLOC_CLI_DEV_H

#include "cli.h"

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
/* fail() with the errno (positive) named in the JSON error object. */
int fail_errno(struct cli *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Open the device and attach to -i NAME if given; reports, EXIT_FAIL. */
int dev_open(struct cli *c);
void dev_close(struct cli *c);
/*
 * After a verb's options: min..max operands (max -1: any), then the device
 * opened. -1 to go on, else the exit status the verb returns at once.
 */
int verb_open(struct cli *c, int argc, char **argv, int min, int max);
/* The same for a verb with no options of its own (verb_plain_args()). */
int verb_plain_open(struct cli *c, int argc, char **argv, int min, int max);
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
/* A whole (debugfs) file, NUL-terminated and malloc'd; NULL with errno. */
char *read_text_file(const char *path);

#endif
