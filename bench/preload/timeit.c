// SPDX-License-Identifier: GPL-2.0
/*
 * timeit: run a command REPS times (output to /dev/null), print the wall
 * times in nanoseconds: "min=N median=N reps=R status=S" (status: the last
 * run's exit status; a non-zero one fails the measurement).
 *   timeit REPS COMMAND [ARGS...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int reps = argc > 2 ? atoi(argv[1]) : 0, status = 0, done = 0;
	long long t[64];

	if (reps < 1 || reps > 64) {
		fprintf(stderr, "usage: timeit REPS(1-64) COMMAND [ARGS...]\n");
		return 2;
	}
	for (int i = 0; i < reps; i++) {
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		pid_t pid = fork();

		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[done++] = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			break;
	}
	qsort(t, (size_t)done, sizeof(t[0]), cmp);
	printf("min=%lld median=%lld reps=%d status=%d\n", t[0], t[done / 2], done,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}
