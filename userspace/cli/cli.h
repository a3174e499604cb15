/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The edualloc CLI: the types its files share. Each file has a header of
 * its own; the arrows are "uses", and there is no circle:
 *
 *   edualloc.c   main(): global options            -> verbs, dispatch, opts, help
 *   verbs.c      the table of verbs                -> every verb's file
 *   dispatch.c   find and run a verb; `help`       -> opts, help
 *   shell.c      shell                             -> dispatch, opts, dev
 *   inst.c       info, create, attach, destroy, list, reset
 *   alloc.c      alloc, free, realloc, id, ptr, write, read, dump, bit
 *   observe.c    stats, classes (STATS); map, log (debugfs)
 *   replay.c     replay (CS:APP malloc-lab traces, ../common/rep.c)
 *                (the verbs' files)                -> opts, dev, out
 *   opts.c       option parsing, numbers and sizes -> help
 *   dev.c        the device, errors in words       -> opts, out, ../lib/eadev.c
 *   help.c       the help texts (a leaf)
 *   out.c        JSON writer, hexdump, colours (a leaf)
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

	/* The verbs (verbs.c), for the dispatcher, `help` and the shell */
	const struct verb *verbs;
	size_t nr_verbs;
};

/* A verb: its name and the function that runs it (the table: verbs.c). */
struct verb {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
};

#endif /* EDUALLOC_CLI_H */
