// SPDX-License-Identifier: GPL-2.0
/*
 * mu-lockorder: the lock order with the VFS, for lockdep (debug kernel).
 * For a few seconds at once: instances created and closed, named ones
 * created and destroyed (their debugfs directories come and go); a
 * mapping touched after MADV_DONTNEED (the fault handler, under
 * mmap_lock); the debugfs files of every instance read into a buffer
 * that is such a mapping (a fault under the seq_file lock while the
 * files are being removed); LIST all the while. Every call must succeed
 * or fail as its race allows; lockdep and KASAN reports on the console
 * fail the run.
 */
#include "mu.h"

#include <dirent.h>
#include <pthread.h>

#define DBG "/sys/kernel/debug/edualloc/instances"

static volatile int stop;
static long unexpected, reads;

static void tally(int r, int ok1, int ok2)
{
	if (r && r != -ok1 && r != -ok2 && __atomic_add_fetch(&unexpected, 1, __ATOMIC_RELAXED) <= 10)
		printf("mu-lockorder: unexpected %s\n", ename(r));
}

static void *creator(void *arg)
{
	unsigned int n = 0;

	(void)arg;
	while (!stop) {
		int fd = mu_open(O_RDWR);

		tally(create(fd, "", 64 * KiB, NULL), 0, 0);
		do_alloc(fd, 100 + n % 300, NULL);
		if (n++ % 2)
			tally(create(fd, "mu-lo", 64 * KiB, NULL), EEXIST, 0);
		else
			tally(destroy(fd, "mu-lo"), ENOENT, 0);
		close(fd);
	}
	return NULL;
}

/* A buffer in a mapping of the device whose page is dropped first. */
static unsigned char *faulting_buffer(int fd, long page)
{
	unsigned char *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		return NULL;
	madvise(m, page, MADV_DONTNEED);
	return m;
}

static void *mapper(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = mu_open(O_RDWR);

	(void)arg;
	create(fd, "", 256 * KiB, NULL);
	while (!stop) {
		unsigned char *m = faulting_buffer(fd, page);

		if (!m) {
			tally(-errno, 0, 0);
			continue;
		}
		m[1] = 1;	/* the fault handler, under mmap_lock */
		munmap(m, page);
	}
	close(fd);
	return NULL;
}

static void *reader(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = mu_open(O_RDWR);

	(void)arg;
	create(fd, "", 256 * KiB, NULL);
	while (!stop) {
		unsigned char *buf = faulting_buffer(fd, page);
		struct dirent *d;
		DIR *dir = opendir(DBG);
		char path[512];

		if (!buf || !dir) {
			if (buf)
				munmap(buf, page);
			if (dir)
				closedir(dir);
			continue;
		}
		while ((d = readdir(dir))) {
			static const char *const files[] = { "stats", "map", "allocations", "classes" };
			unsigned int i;

			if (d->d_name[0] == '.')
				continue;
			for (i = 0; i < 4; i++) {
				int f;

				snprintf(path, sizeof(path), DBG "/%s/%s", d->d_name, files[i]);
				f = open(path, O_RDONLY);
				if (f < 0)
					continue;
				/* read() copies out under the seq_file lock: into our mapping. */
				while (read(f, buf, page) > 0)
					madvise(buf, page, MADV_DONTNEED);
				close(f);
				__atomic_add_fetch(&reads, 1, __ATOMIC_RELAXED);
			}
		}
		closedir(dir);
		munmap(buf, page);
	}
	close(fd);
	return NULL;
}

static void *lister(void *arg)
{
	struct edualloc_inst_info infos[64];
	struct edualloc_list l;
	int fd = mu_open(O_RDWR);

	(void)arg;
	while (!stop) {
		memset(&l, 0, sizeof(l));
		l.buf = (uintptr_t)infos;
		l.max = 64;
		tally(xioctl(fd, EDUALLOC_IOC_LIST, &l), 0, 0);
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	void *(*fns[])(void *) = { creator, creator, mapper, reader, reader, lister };
	pthread_t th[sizeof(fns) / sizeof(fns[0])];
	int secs = argc > 1 ? atoi(argv[1]) : 6;
	unsigned int i;
	int fd;

	abi_init("mu-lockorder");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	if (access(DBG, R_OK))
		abi_skip("no debugfs at " DBG);
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		pthread_create(&th[i], NULL, fns[i], NULL);
	sleep(secs);
	stop = 1;
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		pthread_join(th[i], NULL);
	fd = dev_open();
	destroy(fd, "mu-lo");
	close(fd);
	check(reads > 0, "debugfs files read into faulting buffers meanwhile (%ld)", reads);
	check(!unexpected, "every call succeeded or failed as its race allows (%ld unexpected)",
	      unexpected);
	return abi_done();
}
