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
	static const struct option opts[] = { COMMON_OPTIONS, { 0 } };
	int opt = verb_getopt(c, argc, argv, COMMON_SHORT, opts);

	if (opt != -1)
		return opt_done(opt);
	if (!want_operands("help", argc - optind, 0, 1))
		return EXIT_USAGE;
	if (optind == argc) {
		help_overview(stdout, c->verbs, c->nr_verbs);
		return 0;
	}
	if (!verb_find(c, argv[optind]) || !help_verb(stdout, argv[optind]))
		return usage_error("help", "no verb '%s'", argv[optind]);
	return 0;
}
