/* SPDX-License-Identifier: GPL-2.0 */
/* verbs.c: every verb of the CLI. */
#ifndef EDUALLOC_CLI_VERBS_H
#define EDUALLOC_CLI_VERBS_H

#include "cli.h"

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
/* run.c, record.c, html.c */
int verb_run_prog(struct cli *c, int argc, char **argv);
int verb_record(struct cli *c, int argc, char **argv);
int verb_top(struct cli *c, int argc, char **argv);
bool replay_visual_wanted(int argc, char **argv);	/* --html, --steps, --engine */
int verb_replay_visual(struct cli *c, int argc, char **argv);


/* The table, in the order `edualloc help` lists them. */
extern const struct verb verb_table[];
extern const size_t verb_table_len;

#endif
