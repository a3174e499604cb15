// SPDX-License-Identifier: GPL-2.0
/*
 * mu-scale: DESTROY of an instance with a million live allocations (a
 * leak report each) while another user (uid 1000) keeps creating and
 * closing private instances: theirs must complete within a bound, since
 * no lock of the device is held over the per-allocation work: within
 * 2 s each, or a tenth of the DESTROY's time if that is longer (the debug
 * kernel's sanitizers). The debug kernel (KASAN, lockdep, kmemleak: about
 * a millisecond per leak report) takes 64 K allocations instead of 1 M, so
 * that its DESTROY lasts a minute, not thirteen; the property tested (no
 * device lock held over the per-allocation walk) is the same.
 */
#include "mu.h"

#include <time.h>

#define NALLOC_FULL (1 << 20)
#define NALLOC_SANITIZED (1 << 16)
#define BOUND_S 2.0

struct shm {
	volatile int done;
	volatile int started;
	double worst;
	long rounds;
	int errors;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void other_user(struct shm *sh)
{
	double t0, t;
	int fd;

	while (!sh->done || sh->rounds < 3) {
		t0 = now();
		fd = mu_open(O_RDWR);
		if (fd < 0 || create(fd, "", 64 * KiB, NULL))
			sh->errors++;
		if (fd >= 0)
			close(fd);
		t = now() - t0;
		if (t > sh->worst)
			sh->worst = t;
		sh->rounds++;
		sh->started = 1;
	}
}

int main(void)
{
	struct edualloc_stats st;
	struct shm *sh;
	struct stat sb0;
	double t0, tdestroy, talloc, bound;
	unsigned long long verbosity;
	int fd, i, r = 0, nalloc;
	pid_t pid;

	abi_init("mu-scale");
	if (access(DEV, F_OK) || stat(DEV, &sb0))
		abi_skip(DEV " does not exist");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = dev_open();
	if (!check(!create(fd, "mu-big", 12 * MiB, NULL), "CREATE \"mu-big\" of 12 MiB"))
		return abi_done();
	/* The event log off while filling (the DESTROY logs its leaks again). */
	verbosity = param("verbosity");
	set_param("verbosity", 0);
	/* kmemleak is only in the sanitizer kernel. */
	nalloc = access("/sys/kernel/debug/kmemleak", F_OK) ? NALLOC_FULL : NALLOC_SANITIZED;
	t0 = now();
	for (i = 0; i < nalloc; i++) {
		r = do_alloc(fd, 8, NULL);
		if (r)
			break;
	}
	talloc = now() - t0;
	set_param("verbosity", verbosity);
	do_stats(fd, &st);
	check(!r && st.live_allocs == (unsigned long long)nalloc, "%d 8-byte allocations live (%.1f s; %s)",
	      (int)st.live_allocs, talloc, ename(r));

	chown(DEV, 0, GROUP);
	chmod(DEV, 0660);
	pid = fork();
	if (pid == 0) {
		if (become(1000, 1))
			_exit(1);
		other_user(sh);
		_exit(0);
	}
	while (!sh->started)
		usleep(1000);
	t0 = now();
	EXPECT(0, destroy(fd, "mu-big"), "DESTROY it (a leak report per allocation)");
	tdestroy = now() - t0;
	sh->done = 1;
	waitpid(pid, NULL, 0);
	printf("mu-scale: DESTROY took %.2f s; uid 1000 made %ld CREATE/close rounds meanwhile, the slowest %.3f s\n",
	       tdestroy, sh->rounds, sh->worst);
	check(!sh->errors && sh->rounds >= 3, "uid 1000's CREATE/close rounds all succeeded (%ld)",
	      sh->rounds);
	/*
	 * The bound: 2 s, or a tenth of the DESTROY where the sanitizers make
	 * everything slow. A round that waited for the DESTROY (a lock held
	 * over its per-allocation work) would take as long as it.
	 */
	bound = tdestroy / 10 > BOUND_S ? tdestroy / 10 : BOUND_S;
	check(sh->worst < bound, "  each within %.1f s (slowest %.3f s, DESTROY %.2f s)", bound,
	      sh->worst, tdestroy);
	chown(DEV, sb0.st_uid, sb0.st_gid);
	chmod(DEV, sb0.st_mode & 07777);
	close(fd);
	return abi_done();
}
