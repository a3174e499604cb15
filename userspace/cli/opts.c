// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing: the options every verb shares, usage errors, numbers and sizes.
 */
#include "help.h"
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

bool color_wanted(const char *when, bool *ok)
{
	if (ok)
		*ok = true;
	if (!when || !strcmp(when, "always") || !strcmp(when, "yes"))
		return true;
	if (!strcmp(when, "never") || !strcmp(when, "no"))
		return false;
	if (strcmp(when, "auto") && ok)
		*ok = false;
	const char *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
}

bool common_option(struct cli *c, int opt, const char *arg, const char *verb)
{
	const char *who = verb ? verb : "edualloc";
	bool ok = true;

	switch (opt) {
	case OPT_JSON:
		c->json = true;
		return true;
	case OPT_COLOR:
		c->color = color_wanted(arg, &ok);
		if (!ok)
			usage_error(verb, "--color takes always, never or auto, not '%s'", arg);
		return ok;
	case OPT_NO_COLOR:
		c->color = false;
		return true;
	case 'i':
		if (c->in_shell) {
			usage_error(verb, "in a shell, -i cannot change instance: use `attach %s`",
				    arg);
			return false;
		}
		if (c->fd >= 0 && (!c->instance || strcmp(c->instance, arg))) {
			fprintf(stderr, "%s: -i comes too late: the device is open\n", who);
			return false;
		}
		c->instance = arg;
		return true;
	default:
		return false;
	}
}

int verb_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
		const struct option *longopts)
{
	opterr = 0;	/* we word the errors ourselves */
	for (;;) {
		int opt = getopt_long(argc, argv, shortopts, longopts, NULL);

		switch (opt) {
		case -1:
			return -1;
		case 'h':
			help_verb(stdout, argv[0]);
			return OPT_DONE_HELP;
		case '?':
			if (optopt && optopt < 0x100)
				usage_error(argv[0], "unknown option -%c", optopt);
			else
				usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
			return OPT_DONE_USAGE;
		case ':':
			usage_error(argv[0], "option '%s' needs a value", argv[optind - 1]);
			return OPT_DONE_USAGE;
		case 'i':
		case OPT_JSON:
		case OPT_COLOR:
		case OPT_NO_COLOR:
			if (!common_option(c, opt, optarg, argv[0]))
				return OPT_DONE_USAGE;
			continue;
		default:
			return opt;
		}
	}
}

int verb_plain_args(struct cli *c, int argc, char **argv, int min, int max)
{
	static const struct option opts[] = { COMMON_OPTIONS, { 0 } };
	int opt = verb_getopt(c, argc, argv, COMMON_SHORT, opts);

	if (opt != -1)
		return opt_done(opt);
	if (!want_operands(argv[0], argc - optind, min, max))
		return EXIT_USAGE;
	return -1;
}

int opt_done(int opt)
{
	return opt == OPT_DONE_HELP ? 0 : EXIT_USAGE;
}

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", verb ? verb : "edualloc");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	help_usage_hint(verb);
	return EXIT_USAGE;
}

bool want_operands(const char *verb, int have, int min, int max)
{
	if (have < min) {
		usage_error(verb, "missing operand");
		return false;
	}
	if (max >= 0 && have > max) {
		usage_error(verb, "too many operands");
		return false;
	}
	return true;
}

bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);	/* 0x... is hex, 0... octal: */

	if (s[0] == '0' && isdigit((unsigned char)s[1]))	/* ...but 010 means ten */
		v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool parse_size(const char *s, uint64_t *out)
{
	static const struct { const char *suffix; unsigned int shift; } units[] = {
		{ "", 0 }, { "b", 0 },
		{ "k", 10 }, { "kb", 10 }, { "kib", 10 },
		{ "m", 20 }, { "mb", 20 }, { "mib", 20 },
		{ "g", 30 }, { "gb", 30 }, { "gib", 30 },
	};
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);

	if (errno)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].suffix))
			continue;
		if (units[i].shift && v > (UINT64_MAX >> units[i].shift))
			return false;
		*out = (uint64_t)v << units[i].shift;
		return true;
	}
	return false;
}

bool parse_id(const char *s, int *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);

	if (errno || *end || v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}
