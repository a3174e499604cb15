// SPDX-License-Identifier: GPL-2.0
/*
 * hard-unload: the module's lifetime under use (tests/abi/abi-unload is
 * the device's own smoke test of the same; this goes further).
 *
 *  - Mappings outlive what they map: a large allocation freed, an arena
 *    reset, a named instance destroyed, a private instance whose file is
 *    closed. Each mapping stays readable and writable, and the kernel never
 *    hands its pages to anyone else (a new allocation is zeroed, and
 *    unaffected by writes through the old mapping).
 *  - Unloading is refused while anything holds the module: an open file,
 *    a mapping alone, a child process that inherited the file, a debugfs
 *    file held open; and while other threads open, map, unmap and close
 *    files as fast as they can, a thread trying to unload all along never
 *    succeeds as long as one file stays open.
 *  - Once nothing holds it, unloading destroys the named and shared
 *    instances, each that still held allocations with a leak report on
 *    the console, and the module loads again with the same parameters.
 */
#include "hard.h"

#include <pthread.h>

#define PROG "hard-unload"
#define KO "/lib/modules/edualloc.ko"
#define ENVF "/etc/edualloc/env"
#define DBGLOG "/sys/kernel/debug/edualloc/log"

static char params[640];

static void read_params(void)
{
	char line[600];
	FILE *f = fopen(ENVF, "re");

	while (f && fgets(line, sizeof(line), f)) {
		char *v, *end;

		if (strncmp(line, "EDUALLOC_MODPARAMS=", 19))
			continue;
		v = line + 19;
		if (*v == '\'')
			v++;
		end = v + strcspn(v, "'\n");
		*end = 0;
		snprintf(params, sizeof(params), "%s", v);
	}
	if (f)
		fclose(f);
}

static int unload(void)
{
	return syscall(SYS_delete_module, "edualloc", O_NONBLOCK) < 0 ? -errno : 0;
}

static int load(void)
{
	int fd = open(KO, O_RDONLY | O_CLOEXEC), r, i;

	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, params, 0) < 0 ? -errno : 0;
	close(fd);
	for (i = 0; !r && i < 50 && access(DEV, F_OK); i++)
		usleep(100000);
	return r;
}

static int named(int fd, unsigned long cmd, const char *name, unsigned long long cap)
{
	union {
		struct edualloc_create c;
		struct edualloc_attach a;
		struct edualloc_destroy d;
	} u;

	memset(&u, 0, sizeof(u));
	strcpy(u.c.name, name);
	if (cmd == EDUALLOC_IOC_CREATE)
		u.c.capacity = cap;
	return xioctl(fd, cmd, &u);
}

static bool all(const unsigned char *p, size_t n, unsigned char v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* ---- Mappings that outlive what they map ------------------------------------- */

static void outlive_free(void)
{
	struct edualloc_alloc_info a, b;
	struct edualloc_create c = { .capacity = 2 * MiB, .flags = EDUALLOC_CREATE_QUIET };
	size_t len = 512 * KiB;
	unsigned char *m, buf[64];
	int fd = dev_open();

	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CREATE, &c), "CREATE a private instance");
	EXPECT(0, do_alloc(fd, len, &a), "ALLOC %zu bytes (large)", len);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.offset);
	if (!check(m != MAP_FAILED, "map the large allocation"))
		goto out;
	memset(m, 0x5a, len);
	EXPECT(0, do_free_id(fd, a.id), "FREE it while mapped");
	check(all(m, len, 0x5a), "the mapping still holds what was written");
	memset(m, 0xa5, len);
	check(all(m, len, 0xa5), "and can still be written");
	EXPECT(EINVAL, -(mmap(NULL, len, PROT_READ, MAP_SHARED, fd, a.offset) == MAP_FAILED ?
			 errno : 0), "a new mapping of the freed allocation");
	EXPECT(0, do_alloc(fd, len, &b), "ALLOC the same size again");
	EXPECT(0, do_rw(fd, 0, b.id, len - sizeof(buf), buf, sizeof(buf)), "READ its end");
	check(all(buf, sizeof(buf), 0), "the new allocation is zeroed: other pages than the old mapping's");
	memset(m, 0x11, len);
	EXPECT(0, do_rw(fd, 0, b.id, 0, buf, sizeof(buf)), "READ it after writing the old mapping");
	check(all(buf, sizeof(buf), 0), "writes through the old mapping do not reach it");
	munmap(m, len);
out:
	close(fd);
}

static void outlive_reset_and_destroy(void)
{
	struct edualloc_alloc_info a;
	struct edualloc_reset rs = { 0 };
	struct edualloc_stats st;
	unsigned char *m, buf[16];
	int fd = dev_open(), ctl = dev_open();

	named(ctl, EDUALLOC_IOC_DESTROY, "hu-gone", 0);
	EXPECT(0, named(fd, EDUALLOC_IOC_CREATE, "hu-gone", 256 * KiB), "CREATE \"hu-gone\"");
	EXPECT(0, do_alloc(fd, 100, &a), "ALLOC 100 bytes in it");
	m = mmap(NULL, 256 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(m != MAP_FAILED, "map its arena"))
		goto out;
	memcpy(m + a.offset, "before reset", 13);
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_RESET, &rs), "RESET it while mapped");
	EXPECT(0, do_alloc(fd, 100, &a), "ALLOC again: the same place");
	memcpy(m + a.offset, "after reset", 12);
	EXPECT(0, do_rw(fd, 0, a.id, 0, buf, 12), "READ it");
	check(!memcmp(buf, "after reset", 12), "after RESET the mapping still shows the arena both ways");
	EXPECT(0, named(ctl, EDUALLOC_IOC_DESTROY, "hu-gone", 0), "DESTROY it from another file while mapped");
	EXPECT(EIDRM, do_stats(fd, &st), "STATS on the file attached to it");
	EXPECT(EIDRM, -(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? errno : 0),
	       "a new mapping of it");
	check(!memcmp(m + a.offset, "after reset", 12), "the old mapping still reads what was there");
	memset(m, 0x77, 256 * KiB);
	check(all(m, 256 * KiB, 0x77), "and can be written all over");
	/* A mapping holds its file, hence the module: nothing else does now. */
	close(fd);
	close(ctl);
	EXPECT(EWOULDBLOCK, unload(), "unload with only the mapping of a destroyed instance");
	check(all(m, 256 * KiB, 0x77), "the mapping is still intact");
	munmap(m, 256 * KiB);
	return;
out:
	close(fd);
	close(ctl);
}

/* A private instance lives as long as a mapping of its file. */
static void outlive_close(void)
{
	struct edualloc_create c = { .capacity = 64 * KiB, .flags = EDUALLOC_CREATE_QUIET };
	struct edualloc_inst_info infos[80];
	struct edualloc_list l = { .buf = (uintptr_t)infos, .max = 80 };
	struct edualloc_version v0, v1, v2;
	struct edualloc_alloc_info a;
	unsigned char *m;
	int fd = dev_open(), ctl = dev_open();
	char name[EDUALLOC_NAME_MAX];
	unsigned int i, seen = 0;

	do_version(ctl, &v0);
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CREATE, &c), "CREATE a private instance");
	memcpy(name, c.info.name, sizeof(name));
	EXPECT(0, do_alloc(fd, 64, &a), "ALLOC 64 bytes in it");
	EXPECT(0, do_rw(fd, 1, a.id, 0, "kept by the mapping", 20), "WRITE it");
	m = mmap(NULL, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "map it");
	close(fd);
	xioctl(ctl, EDUALLOC_IOC_LIST, &l);
	for (i = 0; i < l.count; i++)
		seen += !strncmp(infos[i].name, name, sizeof(name));
	do_version(ctl, &v1);
	check(seen == 1 && v1.nr_instances == v0.nr_instances + 1,
	      "closed but mapped: %.32s still exists (%u instances)", name, v1.nr_instances);
	if (m != MAP_FAILED) {
		check(!strcmp((char *)m + a.offset, "kept by the mapping"), "its contents through the mapping");
		munmap(m, 64 * KiB);
	}
	do_version(ctl, &v2);
	check(v2.nr_instances == v0.nr_instances, "unmapped: it is gone (%u instances)",
	      v2.nr_instances);
	close(ctl);
}

/* ---- What holds the module --------------------------------------------------- */

static void holders(void)
{
	int fd, dbg, p[2];
	pid_t pid;
	char c;

	fd = dev_open();
	EXPECT(EWOULDBLOCK, unload(), "unload with a file open");
	if (pipe(p)) {
		check(0, "pipe");
		return;
	}
	pid = fork();
	if (!pid) {		/* holds the inherited file until told */
		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	close(fd);
	EXPECT(EWOULDBLOCK, unload(), "unload while a child holds the file it inherited");
	close(p[1]);
	waitpid(pid, NULL, 0);

	dbg = open(DBGLOG, O_RDONLY | O_CLOEXEC);
	if (dbg >= 0) {
		EXPECT(EWOULDBLOCK, unload(), "unload with the debugfs log open");
		close(dbg);
	}
}

static volatile int race_stop;
static long race_attempts, race_refused, race_ops;

static void *race_unloader(void *arg)
{
	(void)arg;
	while (!race_stop) {
		int r = unload();

		race_attempts++;
		usleep(50);	/* let the users through between attempts */
		if (r == -EWOULDBLOCK)
			race_refused++;
		else if (r == 0) {
			printf("%s: UNLOADED while a file was open\n", PROG);
			break;
		}
	}
	return NULL;
}

static void *race_user(void *arg)
{
	unsigned int n = (uintptr_t)arg;

	while (!race_stop) {
		int fd = open(DEV, O_RDWR | O_CLOEXEC);
		void *m;

		if (fd < 0)
			break;
		if (n++ % 2) {
			struct edualloc_create c = { .capacity = 64 * KiB };

			xioctl(fd, EDUALLOC_IOC_CREATE, &c);
		}
		m = mmap(NULL, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);		/* the mapping holds the file now */
		if (m != MAP_FAILED) {
			((volatile char *)m)[100] = 1;
			munmap(m, 64 * KiB);
		}
		__atomic_add_fetch(&race_ops, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void race(double secs)
{
	pthread_t th[4];
	int holder = dev_open(), i;

	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, race_user, (void *)(uintptr_t)i);
	pthread_create(&th[3], NULL, race_unloader, NULL);
	usleep(secs * 1e6);
	race_stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	check(race_attempts > 0 && race_refused == race_attempts && !access(DEV, F_OK),
	      "%ld unload attempts during %ld open/map/unmap/close rounds by 3 threads: all refused",
	      race_attempts, race_ops);
	close(holder);
}

/* ---- Unloading, with leaks -------------------------------------------------- */

static void unload_with_leaks(void)
{
	struct edualloc_alloc_info a;
	struct edualloc_stats st;
	struct edualloc_attach at;
	char first[256];
	int fd = dev_open(), r, i, n;

	named(fd, EDUALLOC_IOC_DESTROY, "hu-leaky", 0);
	named(fd, EDUALLOC_IOC_DESTROY, "hu-clean", 0);
	EXPECT(0, named(fd, EDUALLOC_IOC_CREATE, "hu-leaky", 128 * KiB), "CREATE \"hu-leaky\"");
	for (i = 0; i < 3; i++)
		do_alloc(fd, 100 + i, &a);
	EXPECT(0, named(fd, EDUALLOC_IOC_CREATE, "hu-clean", 64 * KiB), "CREATE \"hu-clean\"");
	EXPECT(0, do_alloc(fd, 10, &a), "ALLOC in it");
	EXPECT(0, do_free_id(fd, a.id), "and FREE it");
	memset(&at, 0, sizeof(at));
	strcpy(at.name, "shared");
	xioctl(fd, EDUALLOC_IOC_ATTACH, &at);
	do_stats(fd, &st);
	close(fd);

	klog_mark();
	r = unload();
	check(!r, "unload once nothing holds it -> 0 (got %s)", ename(r));
	if (r)
		return;
	check(access(DEV, F_OK) && errno == ENOENT, DEV " is gone");
	n = klog_grep("instance \"hu-leaky\" destroyed with 3 allocations never freed (303 bytes)",
		      true, first, sizeof(first));
	check(n == 1, "the leak report of \"hu-leaky\" (3 allocations, 303 bytes) is on the console");
	n = klog_grep("\"hu-clean\"", true, NULL, 0);
	check(n == 0, "none for \"hu-clean\", which leaked nothing");
	(void)st;
}

int main(int argc, char **argv)
{
	struct edualloc_attach at;
	struct edualloc_stats st;
	double race_secs = argc > 1 ? atof(argv[1]) : 3;
	int fd, r;

	abi_init(PROG);
	if (access(DEV, F_OK))
		hard_skip(DEV " does not exist");
	if (geteuid())
		hard_skip("needs root");
	if (access(KO, R_OK) || access(ENVF, R_OK))
		hard_skip("not in the test guest (no " KO " to load again)");
	read_params();

	outlive_free();
	outlive_reset_and_destroy();
	outlive_close();
	holders();
	race(race_secs);
	unload_with_leaks();

	r = load();
	check(!r, "load again with \"%s\" -> 0 (got %s)", params, ename(r));
	if (r) {
		printf("%s: THE MODULE IS NOT LOADED: the tests after this one will fail\n", PROG);
		return hard_done();
	}
	fd = dev_open();
	memset(&at, 0, sizeof(at));
	strcpy(at.name, "hu-leaky");
	EXPECT(ENOENT, xioctl(fd, EDUALLOC_IOC_ATTACH, &at), "\"hu-leaky\" did not survive the unload");
	EXPECT(0, do_stats(fd, &st), "STATS of the new shared instance");
	check(st.inst_id == 1 && !st.allocs && !st.live_allocs, "  a fresh shared instance");
	close(fd);
	return hard_done();
}
