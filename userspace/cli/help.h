/* SPDX-License-Identifier: GPL-2.0 */
/*
 * help.c: the verbs' help texts, printed. Depends on no other CLI file.
 */
#ifndef EDUALLOC_CLI_HELP_H
#define EDUALLOC_CLI_HELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct verb_help {
	const char *name;
	const char *usage;	/* its arguments, e.g. "ID TEXT [--hex]" */
	const char *summary;	/* one line, for `edualloc help` */
	const char *help;	/* the rest of `edualloc help VERB` */
};

struct verb;

/* `edualloc help`: the usage, then the n verbs with their summaries. */
void help_overview(FILE *f, const struct verb *verbs, size_t n);
/* `edualloc help VERB`; false if VERB has no help text. */
bool help_verb(FILE *f, const char *verb);
/* On stderr: "usage: edualloc VERB ARGS  (see: edualloc help VERB)". */
void help_usage_hint(const char *verb);

#endif
