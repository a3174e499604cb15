// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc run -- PROGRAM [ARGS...]: run an unmodified, dynamically linked
 * program with its heap served by the kernel allocator, through
 * libedualloc-preload.so (userspace/preload/preload.c says how).
 *
 * Without -i, the program gets a named instance of its own, "run-PID",
 * which is destroyed when it ends (--keep keeps it); with -i NAME it uses
 * that instance (the shared one included), so that `edualloc top -i NAME`
 * and `edualloc log` show its heap while it runs.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"
#include "dispatch.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PRELOAD_NAME "libedualloc-preload.so"

#ifndef EDUALLOC_LIBDIR
#define EDUALLOC_LIBDIR "/usr/local/lib"
#endif

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The preload library: $EDUALLOC_PRELOAD_LIB, beside this program, ../lib, LIBDIR. */
static bool find_preload(char *out, size_t len)
{
	const char *env = getenv("EDUALLOC_PRELOAD_LIB");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return readable(out);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');

		if (slash) {
			*slash = '\0';
			static const char *const rel[] = {
				"/" PRELOAD_NAME, "/../lib/" PRELOAD_NAME,
				"/../lib/edualloc/" PRELOAD_NAME,
			};
			for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				snprintf(out, len, "%s%s", exe, rel[i]);
				if (readable(out))
					return true;
			}
		}
	}
	snprintf(out, len, "%s/%s", EDUALLOC_LIBDIR, PRELOAD_NAME);
	return readable(out);
}

/* Sum the library's report lines: pid P calls C ioctls I cache_hits H mode M. */
static void print_report(const char *path, bool json, struct json *j)
{
	FILE *f = fopen(path, "r");
	unsigned long calls = 0, ioctls = 0, hits = 0, procs = 0;
	char line[256], mode[16] = "?";

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int pid;
		unsigned long c, i, h;

		if (sscanf(line, "pid %d calls %lu ioctls %lu cache_hits %lu mode %15s", &pid, &c,
			   &i, &h, mode) == 5) {
			calls += c;
			ioctls += i;
			hits += h;
			procs++;
		}
	}
	fclose(f);
	if (json) {
		json_u64(j, "processes", procs);
		json_u64(j, "calls", calls);
		json_u64(j, "ioctls", ioctls);
		json_u64(j, "cache_hits", hits);
		json_str(j, "mode", mode);
		return;
	}
	if (procs)
		fprintf(stderr, "edualloc run: %lu allocation calls in %lu process%s, %lu ioctls "
			"(%s mode%s)\n", calls, procs, procs == 1 ? "" : "es", ioctls, mode,
			strcmp(mode, "cached") ? "" : ": the rest served by the per-thread caches");
}

int verb_run_prog(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "map", no_argument, NULL, 'm' },
		{ "exact", no_argument, NULL, 'x' },
		{ "keep", no_argument, NULL, 'k' },
		{ "capacity", required_argument, NULL, 'c' },
		COMMON_OPTIONS, { 0 },
	};
	bool stats = false, map = false, exact = false, keep = false;
	uint64_t capacity = 0;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, "+" COMMON_SHORT "smxkc:", opts)) != -1) {
		switch (opt) {
		case 's': stats = true; break;
		case 'm': map = true; break;
		case 'x': exact = true; break;
		case 'k': keep = true; break;
		case 'c':
			if (!parse_size(optarg, &capacity))
				return usage_error(argv[0], "--capacity wants a size like 16M, not '%s'",
						   optarg);
			break;
		default:
			return opt_done(opt);
		}
	}
	if (optind >= argc)
		return usage_error(argv[0], "which program? (edualloc run -- PROGRAM [ARGS...])");

	char lib[PATH_MAX];

	if (!find_preload(lib, sizeof(lib)))
		return fail(c, "run: cannot find %s (set EDUALLOC_PRELOAD_LIB to its path)",
			    PRELOAD_NAME);

	/* The instance: -i NAME, or a new named one. */
	bool own = !c->instance;
	char name[EDUALLOC_NAME_MAX];
	int rc;

	if (own) {
		struct cli mine = {
			.fd = -1, .json = c->json, .color = c->color,
			.verbs = c->verbs, .nr_verbs = c->nr_verbs,
		};
		struct edualloc_version v = { 0 };
		struct edualloc_create cr = { 0 };

		rc = dev_open(&mine);
		if (rc)
			return rc;
		*c = mine;
		int err = dev_ioctl(c, EDUALLOC_IOC_VERSION, &v);

		snprintf(cr.name, sizeof(cr.name), "run-%d", (int)getpid());
		cr.capacity = capacity ? capacity : v.max_capacity < (64 << 20) ? v.max_capacity :
			      (64 << 20);
		if (!err)
			err = dev_ioctl(c, EDUALLOC_IOC_CREATE, &cr);
		if (err)
			return fail_op(c, OP_CREATE, -err, "run: instance %s of %" PRIu64 " bytes",
				       cr.name, (uint64_t)cr.capacity);
		snprintf(name, sizeof(name), "%s", cr.name);
		c->instance = name;
		memcpy(c->attached, name, sizeof(c->attached));
	} else {
		rc = dev_open(c);
		if (rc)
			return rc;
		if (capacity)
			fprintf(stderr, "run: --capacity applies to a new instance, not to -i %s\n",
				c->instance);
		snprintf(name, sizeof(name), "%s", c->instance);
	}

	char report[] = "/tmp/edualloc-run-XXXXXX";
	int rfd = mkstemp(report);

	if (rfd >= 0)
		close(rfd);

	fflush(NULL);
	pid_t pid = fork();

	if (pid < 0) {
		rc = fail(c, "run: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		const char *old = getenv("LD_PRELOAD");
		char *pre = malloc(strlen(lib) + (old ? strlen(old) : 0) + 2);

		if (pre) {
			sprintf(pre, "%s%s%s", lib, old && *old ? ":" : "", old && *old ? old : "");
			setenv("LD_PRELOAD", pre, 1);
		}
		setenv("EDUALLOC_PRELOAD_INSTANCE", name, 1);
		if (exact)
			setenv("EDUALLOC_PRELOAD_EXACT", "1", 1);
		else
			unsetenv("EDUALLOC_PRELOAD_EXACT");
		if (rfd >= 0)
			setenv("EDUALLOC_PRELOAD_REPORT", report, 1);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "run: %s: %s\n", argv[optind], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}

	/* Ctrl-C goes to the program; we wait for it and report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (WIFSIGNALED(status))
		fprintf(stderr, "run: %s was killed by signal %d (%s)\n", argv[optind],
			WTERMSIG(status), strsignal(WTERMSIG(status)));

	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "run");
		json_str(&j, "instance", name);
		json_str(&j, "program", argv[optind]);
		json_i64(&j, "exit_status", rc);
		if (rfd >= 0)
			print_report(report, true, &j);
		json_end(&j);
	} else if (rfd >= 0) {
		print_report(report, false, NULL);
	}
	fflush(stdout);
	if (stats || map) {
		char *words[] = { stats ? "stats" : "map", NULL };
		int s;

		if (stats) {
			s = verb_run(c, 1, words);
			if (s && !rc)
				rc = s;
		}
		if (map) {
			words[0] = "map";
			s = verb_run(c, 1, words);
			if (s && !rc)
				rc = s;
		}
	}
out:
	if (rfd >= 0)
		unlink(report);
	if (own && !keep) {
		/* What the program left is not worth a leak report per block. */
		struct edualloc_reset reset = { 0 };
		struct edualloc_destroy d = { 0 };

		dev_ioctl(c, EDUALLOC_IOC_RESET, &reset);
		memcpy(d.name, name, sizeof(d.name));
		dev_ioctl(c, EDUALLOC_IOC_DESTROY, &d);
	} else if (own) {
		fprintf(stderr, "run: instance %s kept (edualloc destroy %s when done)\n", name, name);
	}
	return rc;
}
