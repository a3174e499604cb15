// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's messages for a user who is not root: without the device's
 * group (cannot open it), and with it (cannot touch root's named instance
 * nor the log's verbosity). Runs the CLI as uid 1000 in a child process.
 */
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define USER_ID 1000

static int passed, failed;

/* Run 'cmd' with sh as uid/gid 1000 and the given supplementary group (or none). */
static int run_as_user(const char *cmd, gid_t group, bool with_group, char *out, size_t len)
{
	int pipefd[2];

	if (pipe(pipefd))
		return -1;
	pid_t pid = fork();

	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		if (setgroups(with_group ? 1 : 0, &group) || setgid(USER_ID) || setuid(USER_ID)) {
			perror("dropping root");
			_exit(126);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(pipefd[0], out + n, len - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(pipefd[0]);

	int status;

	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect(const char *name, const char *cmd, gid_t group, bool with_group,
		   int want_status, const char *want_out)
{
	char out[4096];
	int status = run_as_user(cmd, group, with_group, out, sizeof(out));
	bool ok = status == want_status && !strcmp(out, want_out);

	printf("%s %s\n", ok ? "ok  " : "FAIL", name);
	if (!ok)
		printf("    exit status %d (want %d)\n    got:  %s    want: %s", status, want_status,
		       out, want_out);
	if (ok)
		passed++;
	else
		failed++;
}

int main(void)
{
	struct stat st;

	if (stat("/dev/edualloc", &st) || system("command -v edualloc >/dev/null")) {
		printf("skip: no /dev/edualloc or no edualloc CLI\n");
		return 77;
	}
	if (getuid() != 0) {
		printf("skip: must run as root (to become another user)\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The harness makes the guest's / 0755, as a real system has it. */
	struct stat root;

	if (stat("/", &root) || !(root.st_mode & S_IXOTH)) {
		printf("FAIL / is not searchable by other users\n0 passed, 1 failed\n");
		return 1;
	}

	/* Root's named instance, for the user to be refused. */
	if (system("edualloc destroy rootonly >/dev/null 2>&1; "
		   "edualloc create rootonly --capacity 64K >/dev/null")) {
		printf("FAIL cannot create the instance 'rootonly'\n0 passed, 1 failed\n");
		return 1;
	}

	/* The device is 0660: a user outside its group cannot open it. */
	if (!(st.st_mode & S_IROTH))
		expect("open without the device's group", "edualloc info", 0, false, 1,
		       "open /dev/edualloc: permission denied: you need to be root or in the "
		       "device's group\n");
	else
		printf("ok   open without the device's group: the device is world-readable here\n");

	/* With the group: the device works, but not on root's things. */
	expect("attach to root's named instance", "edualloc -i rootonly stats", st.st_gid, true, 1,
	       "instance 'rootonly': that instance belongs to another user\n");
	expect("destroy root's named instance", "edualloc destroy rootonly", st.st_gid, true, 1,
	       "destroy rootonly: not yours to destroy (and the shared instance never is)\n");
	expect("the log's verbosity (debugfs is root's)", "edualloc log level 3", st.st_gid, true, 1,
	       "log level: cannot read /sys/kernel/debug/edualloc/verbosity: debugfs is root's "
	       "(try as root)\n");
	expect("the map needs no debugfs (PAGES, ALLOCS)",
	       "edualloc map >/dev/null && echo fine", st.st_gid, true, 0, "fine\n");
	expect("a private instance is anyone's",
	       "printf 'create --capacity 64K\\nalloc 8\\n' | edualloc shell >/dev/null && echo fine",
	       st.st_gid, true, 0, "fine\n");

	if (system("edualloc destroy rootonly >/dev/null 2>&1"))
		printf("(could not destroy 'rootonly')\n");
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
