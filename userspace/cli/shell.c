// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc shell: many verbs on one open file, so that a private instance
 * (`create` without a name) lives for the whole session.
 */
#include "cli.h"
#include "dev.h"
#include "dispatch.h"
#include "opts.h"
#include "verbs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHELL_MAX_WORDS 64

/*
 * Split a line into words, in place: blanks separate words, '...' and
 * "..." quote (a backslash escapes the next character outside single
 * quotes), '#' at the start of a word begins a comment. Returns the word
 * count, or -1 for an unterminated quote.
 */
static int tokenize(char *line, char **words, int max)
{
	int n = 0;
	char *in = line, *out = line;

	for (;;) {
		while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
			in++;
		if (!*in || *in == '#')
			return n;
		if (n == max)
			return -1;
		words[n++] = out;
		char quote = 0;

		for (; *in; in++) {
			if (quote == '\'' && *in == '\'') {
				quote = 0;
			} else if (quote == '\'') {
				*out++ = *in;
			} else if (*in == '\\' && in[1]) {
				*out++ = *++in;
			} else if (quote == '"' && *in == '"') {
				quote = 0;
			} else if (!quote && (*in == '\'' || *in == '"')) {
				quote = *in;
			} else if (!quote && (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')) {
				break;
			} else {
				*out++ = *in;
			}
		}
		if (quote)
			return -1;
		bool more = *in != '\0';

		*out++ = '\0';	/* may overwrite the blank at *in: we copied before it */
		if (!more)
			return n;
		in++;
	}
}

int verb_shell(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "echo", no_argument, NULL, 'x' },
		{ "errexit", no_argument, NULL, 'e' },
		COMMON_OPTIONS, { 0 },
	};
	bool echo = false, errexit = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "xe", opts)) != -1) {
		switch (opt) {
		case 'x':
			echo = true;
			break;
		case 'e':
			errexit = true;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (c->in_shell)
		return fail(c, "shell: already in a shell");
	if (!want_operands(argv[0], argc - optind, 0, 1))
		return EXIT_USAGE;

	const char *script = optind < argc ? argv[optind] : NULL;
	FILE *in = stdin;

	if (script && strcmp(script, "-")) {
		in = fopen(script, "r");
		if (!in)
			return fail(c, "shell: cannot open %s: %s", script, strerror(errno));
	}
	bool interactive = in == stdin && isatty(STDIN_FILENO);
	int rc = dev_open(c);

	if (rc) {
		if (in != stdin)
			fclose(in);
		return rc;
	}
	if (interactive)
		printf("edualloc shell on instance \"%s\": verbs as on the command line, "
		       "`help`, `quit`\n", c->attached);

	c->in_shell = true;
	char *line = NULL;
	size_t cap = 0;
	unsigned long line_no = 0;
	int status = 0;

	for (;;) {
		if (interactive) {
			printf("edualloc:%s> ", c->attached);
			fflush(stdout);
		}
		if (getline(&line, &cap, in) < 0)
			break;
		line_no++;
		if (echo) {
			printf("> %s", line);
			if (!strchr(line, '\n'))
				printf("\n");
		}

		char *words[SHELL_MAX_WORDS + 1];
		int n = tokenize(line, words, SHELL_MAX_WORDS);

		if (n < 0) {
			fprintf(stderr, "%s:%lu: unterminated quote or too many words\n",
				script ? script : "stdin", line_no);
			status = EXIT_USAGE;
			if (errexit)
				break;
			continue;
		}
		if (n == 0)
			continue;
		if (!strcmp(words[0], "quit") || !strcmp(words[0], "exit"))
			break;
		words[n] = NULL;

		/* --json or --color on a line are for that line only. */
		bool json = c->json, color = c->color;
		int r = verb_run(c, n, words);

		c->json = json;
		c->color = color;
		fflush(stdout);
		if (r) {
			status = r;
			if (errexit)
				break;
		}
	}
	if (interactive)
		printf("\n");
	free(line);
	if (in != stdin)
		fclose(in);
	c->in_shell = false;
	return status;
}
