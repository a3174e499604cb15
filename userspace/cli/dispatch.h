/* SPDX-License-Identifier: GPL-2.0 */
/* dispatch.c: find and run a verb of c->verbs; the `help` verb. */
#ifndef EDUALLOC_CLI_DISPATCH_H
#define EDUALLOC_CLI_DISPATCH_H

#include "cli.h"

const struct verb *verb_find(const struct cli *c, const char *name);
/* Run the verb argv[0] names (getopt afresh): its exit status. */
int verb_run(struct cli *c, int argc, char **argv);
int verb_help(struct cli *c, int argc, char **argv);

#endif
