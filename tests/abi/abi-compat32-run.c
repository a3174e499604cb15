// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the 32-bit ABI test (.abi-compat32-i386, beside this program and
 * hidden from the harness's glob) where it can run: it is missing when the
 * build host had no 32-bit toolchain, and the kernel refuses it (ENOEXEC)
 * without IA32 emulation, as our minimal debug kernel. Both are skips.
 */
#include "abi.h"

#include <libgen.h>

int main(int argc, char **argv)
{
	char path[4096], self[4096];
	char *args[] = { path, NULL };
	int status, pipefd[2], err = 0;
	ssize_t n;
	pid_t pid;

	(void)argc;
	abi_init("abi-compat32");
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(path, sizeof(path), "%s/.abi-compat32-i386", dirname(self));
	if (access(path, X_OK))
		abi_skip("not built: no 32-bit static toolchain (gcc-multilib) on the build host");

	/* The child reports a failed exec through a close-on-exec pipe. */
	if (pipe2(pipefd, O_CLOEXEC))
		abi_skip("pipe2 failed");
	pid = fork();
	if (!pid) {
		close(pipefd[0]);
		execv(path, args);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(126);
	}
	close(pipefd[1]);
	n = read(pipefd[0], &err, sizeof(err));
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (n == sizeof(err)) {
		if (err == ENOEXEC)
			abi_skip("this kernel does not run 32-bit programs (no IA32 emulation)");
		printf("abi-compat32: cannot run %s: %s\n", path, strerror(err));
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
