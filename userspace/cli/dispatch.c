// SPDX-License-Identifier: GPL-2.0
/*
 * Running a verb: main() and the shell both come here, with the table in
 * c->verbs (verbs.c), so that nothing here depends on the verbs' files.
 */
#include "dispatch.h"
#include "help.h"
#include "opts.h"

#include <string.h>
#include <unistd.h>

const struct verb *verb_find(const struct cli *c, const char *name)
{
	for (size_t i = 0; i < c->nr_verbs; i++)
		if (!strcmp(c->verbs[i].name, name))
			return &c->verbs[i];
	return NULL;
}

int verb_run(struct cli *c, int argc, char **argv)
{
	const struct verb *v = verb_find(c, argv[0]);

	if (!v) {
		fprintf(stderr, "%s: no such verb\n", argv[0]);
		fprintf(stderr, "see: edualloc help\n");
		return EXIT_USAGE;
	}
	optind = 0;	/* getopt starts afresh on this argv (glibc) */
	return v->run(c, argc, argv);
}

int verb_help(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 0, 1);

	if (done >= 0)
		return done;
	if (optind == argc) {
		help_overview(stdout, c->verbs, c->nr_verbs);
		return 0;
	}
	if (!verb_find(c, argv[optind]) || !help_verb(stdout, argv[optind]))
		return usage_error("help", "no verb '%s'", argv[optind]);
	return 0;
}
