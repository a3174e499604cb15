// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc: a command line for /dev/edualloc, the kernel's teaching
 * allocator.  `edualloc help` lists the verbs; `edualloc help VERB` tells
 * one in full.
 *
 * This file holds main() (the verbs: verbs.c, their help: help.c). Each
 * invocation opens the device once, attaches to the instance -i names (the
 * shared one by default), runs one verb and exits; `edualloc shell` runs
 * many verbs on one open file.
 */
#include "cli.h"
#include "dev.h"
#include "dispatch.h"
#include "help.h"
#include "opts.h"
#include "verbs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct cli c = {
		.fd = -1, .color = color_wanted("auto", NULL),
		.verbs = verb_table, .nr_verbs = verb_table_len,
	};
	int opt;

	/* Global options stop at the verb ('+'): the verb parses the rest. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+hi:V", opts, NULL)) != -1) {
		if (opt == 'V') {
			printf("edualloc %s (ABI %d)\n", EDUALLOC_VERSION, EDUALLOC_ABI_VERSION);
			return 0;
		}
		if (opt == 'h') {
			help_overview(stdout, c.verbs, c.nr_verbs);
			return 0;
		}
		if (opt == '?') {
			fprintf(stderr, "edualloc: unknown option '%s'\n", argv[optind - 1]);
			fprintf(stderr, "see: edualloc help\n");
			return EXIT_USAGE;
		}
		if (!common_option(&c, opt, optarg, NULL))
			return EXIT_USAGE;
	}
	if (optind == argc) {
		help_overview(stderr, c.verbs, c.nr_verbs);
		return EXIT_USAGE;
	}

	int rc = verb_run(&c, argc - optind, argv + optind);

	dev_close(&c);
	if (fflush(stdout) == EOF && rc == 0) {
		perror("edualloc: writing the output");
		rc = EXIT_FAIL;
	}
	return rc;
}
