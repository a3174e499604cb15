// SPDX-License-Identifier: GPL-2.0
/*
 * The device's lifetime rules under contention, for a few seconds: a named
 * instance created, attached, mapped, used and destroyed by different
 * threads at once; files closed while other threads call on them; LIST
 * walking all the while; children that exit with private instances and
 * mappings still up. Every call must end in success or one of the errors
 * its race allows, the shared instance must stay consistent, and (in the
 * debug kernel) lockdep and KASAN must stay quiet. The thorough fuzzing
 * and stress are tests/ of the hardening issue; this is the device's own
 * smoke test.
 */
#include "abi.h"

#include <pthread.h>
#include <time.h>

#define NAME "abi-race"

static volatile int stop;
static int shared_fd;
#define VICTIM 200	/* a number open() never picks: only dup2() puts files there */
static long calls, unexpected;

static void tally(int r, const int *allowed)
{
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (!r)
		return;
	for (; *allowed; allowed++)
		if (r == -*allowed)
			return;
	if (__atomic_add_fetch(&unexpected, 1, __ATOMIC_RELAXED) <= 10)
		printf("abi-race: unexpected %s\n", ename(r));
}

static int named_op(int fd, unsigned long cmd)
{
	union {
		struct edualloc_create c;
		struct edualloc_attach a;
		struct edualloc_destroy d;
	} u;

	memset(&u, 0, sizeof(u));
	strcpy(u.c.name, NAME);
	if (cmd == EDUALLOC_IOC_CREATE) {
		u.c.capacity = 128 * 1024;
		u.c.flags = EDUALLOC_CREATE_QUIET;	/* worker_named scribbles */
	}
	return xioctl(fd, cmd, &u);
}

/* Allocate, write, read back, free, on the shared instance. */
static void *worker_shared(void *arg)
{
	static const int ok[] = { ENOMEM, 0 };
	char buf[64], want[64];
	unsigned int n = 0;

	(void)arg;
	while (!stop) {
		struct edualloc_alloc_info a;
		int r = do_alloc(shared_fd, 1 + n++ % 200, &a);

		tally(r, ok);
		if (r)
			continue;
		snprintf(want, sizeof(want), "t%lu-%u", (unsigned long)pthread_self(), n);
		tally(do_rw(shared_fd, 1, a.id, 0, want, a.size < 40 ? a.size : 40), ok);
		tally(do_rw(shared_fd, 0, a.id, 0, buf, a.size < 40 ? a.size : 40), ok);
		if (memcmp(buf, want, a.size < 40 ? a.size : 40) &&
		    __atomic_add_fetch(&unexpected, 1, __ATOMIC_RELAXED) <= 10)
			printf("abi-race: READ gave other bytes than WRITE\n");
		tally(do_free_id(shared_fd, a.id), ok);
	}
	return NULL;
}

/* Create or attach the named instance, use it, map it. */
static void *worker_named(void *arg)
{
	static const int ok[] = { EEXIST, ENOENT, EIDRM, ENOMEM, 0 };
	int fd = dev_open();

	(void)arg;
	while (!stop) {
		struct edualloc_alloc_info a = { 0 };
		void *m;
		int r = named_op(fd, EDUALLOC_IOC_CREATE);

		if (r == -EEXIST)
			r = named_op(fd, EDUALLOC_IOC_ATTACH);
		tally(r, ok);
		/*
		 * Created, or destroyed between our CREATE and ATTACH: then
		 * this file is still on the instance it was on ("shared" at
		 * first), which is no place to scribble on.
		 */
		if (r)
			continue;
		r = do_alloc(fd, 100, &a);
		tally(r, ok);
		m = mmap(NULL, 128 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			memset(m, 0x42, 128 * 1024);
			munmap(m, 128 * 1024);
		} else {
			tally(-errno, ok);
		}
		if (!r)
			tally(do_rw(fd, 1, a.id, 0, "x", 1), ok);
	}
	close(fd);
	return NULL;
}

static void *worker_destroy(void *arg)
{
	static const int ok[] = { ENOENT, 0 };
	int fd = dev_open();

	(void)arg;
	while (!stop) {
		tally(named_op(fd, EDUALLOC_IOC_DESTROY), ok);
		usleep(500);
	}
	close(fd);
	return NULL;
}

static void *worker_list(void *arg)
{
	static const int ok[] = { 0 };
	struct edualloc_inst_info infos[128];
	struct edualloc_version v;
	struct edualloc_list l;

	(void)arg;
	while (!stop) {
		memset(&l, 0, sizeof(l));
		l.buf = (uintptr_t)infos;
		l.max = 128;
		tally(xioctl(shared_fd, EDUALLOC_IOC_LIST, &l), ok);
		tally(do_version(shared_fd, &v), ok);
	}
	return NULL;
}

/*
 * Files with a private instance put at VICTIM by dup2() (which closes the
 * one there), sometimes closed outright, while another thread calls on
 * whatever VICTIM is.
 */
static void *worker_closer(void *arg)
{
	unsigned int n = 0;

	(void)arg;
	while (!stop) {
		struct edualloc_create c;
		int fd = dev_open(), r;

		memset(&c, 0, sizeof(c));
		c.capacity = 64 * 1024;
		r = xioctl(fd, EDUALLOC_IOC_CREATE, &c);
		if (r && __atomic_add_fetch(&unexpected, 1, __ATOMIC_RELAXED) <= 10)
			printf("abi-race: unexpected %s from a private CREATE\n", ename(r));
		dup2(fd, VICTIM);
		close(fd);
		usleep(200);
		if (++n % 3 == 0)
			close(VICTIM);
	}
	close(VICTIM);
	return NULL;
}

static void *worker_victim(void *arg)
{
	static const int ok[] = { EBADF, ENOMEM, 0 };
	struct edualloc_stats s;

	(void)arg;
	while (!stop) {
		tally(do_alloc(VICTIM, 24, NULL), ok);
		tally(do_stats(VICTIM, &s), ok);
		if (!do_stats(VICTIM, &s) && s.kind != EDUALLOC_KIND_PRIVATE &&
		    __atomic_add_fetch(&unexpected, 1, __ATOMIC_RELAXED) <= 10)
			printf("abi-race: the victim file on a %u instance\n", s.kind);
	}
	return NULL;
}

/* Children that exit with a private instance and a mapping. */
static void *worker_forker(void *arg)
{
	(void)arg;
	while (!stop) {
		pid_t pid = fork();

		if (!pid) {
			int fd = open(DEV, O_RDWR);
			struct edualloc_create c;

			memset(&c, 0, sizeof(c));
			c.capacity = 64 * 1024;
			if (fd >= 0 && !xioctl(fd, EDUALLOC_IOC_CREATE, &c)) {
				do_alloc(fd, 300, NULL);
				mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			}
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	void *(*fns[])(void *) = { worker_shared, worker_shared, worker_named, worker_named,
				   worker_destroy, worker_list, worker_closer, worker_victim,
				   worker_forker };
	pthread_t th[sizeof(fns) / sizeof(fns[0])];
	int secs = argc > 1 ? atoi(argv[1]) : 3;
	struct edualloc_stats s0, s1;
	char why[128];
	unsigned int i;

	abi_init("abi-race");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	shared_fd = dev_open();
	named_op(shared_fd, EDUALLOC_IOC_DESTROY);
	do_stats(shared_fd, &s0);

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		pthread_create(&th[i], NULL, fns[i], NULL);
	sleep(secs);
	stop = 1;
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		pthread_join(th[i], NULL);

	printf("abi-race: %ld calls in %d s, %d threads\n", calls, secs,
	       (int)(sizeof(fns) / sizeof(fns[0])));
	check(calls > 1000, "more than 1000 calls made (%ld)", calls);
	check(!unexpected, "every call succeeded or failed as its race allows (%ld unexpected)",
	      unexpected);
	do_stats(shared_fd, &s1);
	check(s1.live_allocs == s0.live_allocs && s1.allocs - s0.allocs == s1.frees - s0.frees,
	      "the shared instance: every allocation freed (%llu allocs, %llu frees)",
	      (unsigned long long)(s1.allocs - s0.allocs), (unsigned long long)(s1.frees - s0.frees));
	EXPECT(0, do_validate(shared_fd, why, sizeof(why)), "VALIDATE the shared instance (%s)", why);
	named_op(shared_fd, EDUALLOC_IOC_DESTROY);
	close(shared_fd);
	return abi_done();
}
