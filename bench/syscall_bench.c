// SPDX-License-Identifier: GPL-2.0
/*
 * syscall-bench: what the allocator adds on top of the system call.
 *
 * From userspace in the guest, on a private instance of /dev/edualloc:
 *  version_pair     two EDUALLOC_IOC_VERSION calls: an ioctl that does next
 *                   to nothing (the baseline: entry, dispatch, copy out)
 *  alloc_free_pair  EDUALLOC_IOC_ALLOC of 64 bytes and EDUALLOC_IOC_FREE of
 *                   it by ID, with the debug checks off; again with 1024
 *                   other allocations live (live=1024), and with the checks
 *                   on (debug=1)
 *  getppid_pair     two getppid() system calls: the bare system call
 * Each is timed in --reps (21) repeats of about --repeat-us (2000) of
 * guest time, the number of pairs in one calibrated per measurement: the
 * host takes the emulated CPU away now and then for a whole time slice, and
 * repeats of equal, short length run the same risk of it whatever they
 * time; the median ignores the few that suffer. The repeats of the
 * measurements take turns (one of each per round), so that a busy spell
 * of the host falls on all of them. One line per measurement:
 *   op=alloc_free_pair size=64 live=0 debug=0 iters=812 reps=21 ns=2345.6
 *   min=... max=... status=ok
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/edualloc.h>

#define MAX_REPS	63
#define LIVE		1024
#define SIZE		64

static unsigned int repeat_us = 2000, reps = 21;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A private instance on a file of its own (closing it destroys it). */
static int open_instance(int debug)
{
	struct edualloc_create c;
	int fd = open(EDUALLOC_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("syscall-bench: " EDUALLOC_DEVICE);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.capacity = 4 << 20;
	c.flags = debug ? EDUALLOC_CREATE_DEBUG_ON : EDUALLOC_CREATE_DEBUG_OFF;
	if (ioctl(fd, EDUALLOC_IOC_CREATE, &c)) {
		perror("syscall-bench: CREATE");
		close(fd);
		return -1;
	}
	return fd;
}

static int version_pair(int fd)
{
	struct edualloc_version v;

	return ioctl(fd, EDUALLOC_IOC_VERSION, &v) | ioctl(fd, EDUALLOC_IOC_VERSION, &v);
}

static int alloc_free_pair(int fd)
{
	struct edualloc_alloc a = { .size = SIZE };
	struct edualloc_free f = { .flags = EDUALLOC_FREE_BY_ID };

	if (ioctl(fd, EDUALLOC_IOC_ALLOC, &a))
		return -1;
	f.id = a.info.id;
	return ioctl(fd, EDUALLOC_IOC_FREE, &f);
}

static int getppid_pair(int fd)
{
	(void)fd;
	return getppid() < 0 || getppid() < 0;
}

static int run(int (*pair)(int), int fd, unsigned int n, double *ns)
{
	double t0 = now_ns();

	for (unsigned int i = 0; i < n; i++)
		if (pair(fd))
			return -1;
	*ns = now_ns() - t0;
	return 0;
}

/* One measurement: what it times, on which instance, and its repeats. */
struct meas {
	const char *what;
	int (*pair)(int);
	int fd;
	unsigned int live;
	int debug;
	unsigned int n;		/* pairs per repeat, calibrated */
	double t[MAX_REPS];	/* ns per pair, per repeat */
	int err;
};

/* Calibrate: 4 times more until a quarter of a repeat, then the fastest of 3. */
static int calibrate(struct meas *m)
{
	double ns, best, target = repeat_us * 1e3;
	unsigned int n = 16, r;
	int err;

	while (!(err = run(m->pair, m->fd, n, &ns)) && ns < target / 4 && n < (1u << 24))
		n *= 4;
	best = ns;
	for (r = 0; r < 3 && !err; r++) {
		err = run(m->pair, m->fd, n, &ns);
		best = ns < best ? ns : best;
	}
	m->n = (unsigned int)(n * target / (best > 1 ? best : 1)) + 1;
	return err;
}

static int report(struct meas *m)
{
	if (m->err) {
		fprintf(stderr, "syscall-bench: %s: %s\n", m->what, strerror(m->err));
		printf("op=%s status=failed\n", m->what);
		return 1;
	}
	qsort(m->t, reps, sizeof(m->t[0]), cmp);
	printf("op=%s size=%d live=%u debug=%d iters=%u reps=%u ns=%.1f min=%.1f max=%.1f "
	       "status=ok\n", m->what, m->pair == alloc_free_pair ? SIZE : 0, m->live, m->debug,
	       m->n, reps, reps % 2 ? m->t[reps / 2] : (m->t[reps / 2 - 1] + m->t[reps / 2]) / 2,
	       m->t[0], m->t[reps - 1]);
	return 0;
}

/*
 * Every measurement is calibrated first; then the repeats go round the
 * measurements, one repeat of each per round, so that whatever the host
 * does to the guest meanwhile falls on all of them alike: their ratios are
 * measured side by side, not minutes apart.
 */
static int measure_all(struct meas *ms, unsigned int nr)
{
	unsigned int i, r;
	double ns;
	int rc = 0;

	for (i = 0; i < nr; i++)
		if (calibrate(&ms[i]))
			ms[i].err = errno;
	for (r = 0; r < reps; r++) {
		for (i = 0; i < nr; i++) {
			if (ms[i].err)
				continue;
			if (run(ms[i].pair, ms[i].fd, ms[i].n, &ns))
				ms[i].err = errno;
			ms[i].t[r] = ns / ms[i].n;
		}
	}
	for (i = 0; i < nr; i++)
		rc |= report(&ms[i]);
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	int fd, fd_debug, fd_live, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repeat-us") && i + 1 < argc) {
			repeat_us = (unsigned int)atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			reps = (unsigned int)atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: syscall-bench [--repeat-us N] [--reps N]\n");
			return 2;
		}
	}
	if (repeat_us < 100)
		repeat_us = 100;
	if (reps < 1 || reps > MAX_REPS)
		reps = reps < 1 ? 1 : MAX_REPS;

	fd = open_instance(0);
	fd_debug = open_instance(1);
	fd_live = open_instance(0);
	if (fd < 0 || fd_debug < 0 || fd_live < 0)
		return 1;
	/* 1024 other allocations live in an instance of their own. */
	for (unsigned int i = 0; i < LIVE; i++) {
		struct edualloc_alloc a = { .size = SIZE };

		if (ioctl(fd_live, EDUALLOC_IOC_ALLOC, &a)) {
			perror("syscall-bench: ALLOC");
			return 1;
		}
	}
	{
		struct meas ms[] = {
#define M(op, f, l, d)	{ .what = #op, .pair = op, .fd = f, .live = l, .debug = d }
			M(getppid_pair, fd, 0, 0),
			M(version_pair, fd, 0, 0),
			M(alloc_free_pair, fd, 0, 0),
			M(alloc_free_pair, fd_debug, 0, 1),
			M(alloc_free_pair, fd_live, LIVE, 0),
#undef M
		};

		rc = measure_all(ms, sizeof(ms) / sizeof(ms[0]));
	}
	/* What is live is not a leak to report: drop it before the close. */
	struct edualloc_reset reset = { 0 };

	ioctl(fd_live, EDUALLOC_IOC_RESET, &reset);
	close(fd_live);
	close(fd_debug);
	close(fd);
	return rc;
}
