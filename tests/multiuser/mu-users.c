// SPDX-License-Identifier: GPL-2.0
/*
 * mu-users: /dev/edualloc shared by unprivileged users (issue 14). Root
 * only sets the stage (the device's group 100, smaller per-uid limits);
 * every check runs as uid 1000 or 1001 (group members) or 1002 (not).
 *
 *  - a file opened O_RDONLY changes nothing (-EBADF), and may still look;
 *  - "shared" is one heap for the group: any member may allocate and
 *    free there, nobody but CAP_SYS_ADMIN may RESET it or change its
 *    settings, and its other users' allocations survive the attempt;
 *  - another uid's named instance: no ATTACH, DESTROY (nor RESET);
 *  - fail_nth needs CAP_SYS_ADMIN, even on one's own instance;
 *  - CREATE, mmap, DESTROY in a loop hits the per-uid byte limit (mapped
 *    bytes stay charged), and munmap gives them back; the same for large
 *    allocations freed while mapped;
 *  - one uid at every per-uid limit (instances, bytes, bookkeeping of
 *    8-byte allocations) while another still creates a private instance;
 *  - user and PID namespaces: PIDs as the caller sees them (no host PID
 *    in LIST), and root of a user namespace is no root of the device;
 *  - MADV_DONTNEED across FREE and DESTROY;
 *  - a 32-bit process maps a large allocation with a high ID, and gets
 *    -EOVERFLOW where its mmap offset could not reach one.
 */
#include "mu.h"

#include <linux/sched.h>

#define A 1000		/* a student */
#define B 1001		/* another student */
#define OUTSIDER 1002	/* not in the device's group */

static long page;

static unsigned long long user_bytes(int fd, unsigned int *instances)
{
	struct edualloc_version v;

	do_version(fd, &v);
	if (instances)
		*instances = v.user_instances;
	return v.user_bytes;
}

/* ---- the write and admin rules -------------------------------------------- */

static void readonly_file(void *arg)
{
	struct edualloc_stats st0, st1;
	struct edualloc_alloc_info a = { 0 };
	struct edualloc_bit b;
	struct edualloc_config c;
	struct edualloc_realloc r;
	char buf[8] = "abc";
	int rw = mu_open(O_RDWR), ro = mu_open(O_RDONLY);
	void *m;

	(void)arg;
	if (!check(rw >= 0 && ro >= 0, "uid %u opens " DEV " read-write and read-only", getuid()))
		return;
	EXPECT(0, do_alloc(rw, 100, &a), "ALLOC 100 bytes through the read-write file");
	do_stats(ro, &st0);
	EXPECT(EBADF, do_alloc(ro, 100, NULL), "read-only: ALLOC");
	EXPECT(EBADF, do_free_id(ro, a.id), "read-only: FREE");
	EXPECT(EBADF, do_rw(ro, 1, a.id, 0, buf, 3), "read-only: WRITE");
	memset(&r, 0, sizeof(r));
	r.id = a.id;
	r.size = 200;
	EXPECT(EBADF, xioctl(ro, EDUALLOC_IOC_REALLOC, &r), "read-only: REALLOC");
	EXPECT(EBADF, reset(ro), "read-only: RESET");
	EXPECT(EBADF, create(ro, "", 64 * KiB, NULL), "read-only: CREATE");
	EXPECT(EBADF, destroy(ro, "mu-nothing"), "read-only: DESTROY");
	memset(&b, 0, sizeof(b));
	b.op = EDUALLOC_BIT_SET;
	b.bit = 3;
	EXPECT(EBADF, xioctl(ro, EDUALLOC_IOC_BIT, &b), "read-only: BIT SET");
	b.op = EDUALLOC_BIT_CLEAR_ALL;
	b.bit = 0;
	EXPECT(EBADF, xioctl(ro, EDUALLOC_IOC_BIT, &b), "read-only: BIT CLEAR_ALL");
	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_DEBUG;
	EXPECT(EBADF, xioctl(ro, EDUALLOC_IOC_CONFIG, &c), "read-only: CONFIG SET_DEBUG");
	do_stats(ro, &st1);
	check(st1.allocs == st0.allocs && st1.frees == st0.frees &&
	      st1.live_allocs == st0.live_allocs && st1.next_id == st0.next_id,
	      "  nothing changed (allocs %llu, frees %llu, next_id %u)",
	      (unsigned long long)st1.allocs, (unsigned long long)st1.frees, st1.next_id);
	/* Looking is fine. */
	EXPECT(0, do_lookup_id(ro, a.id, NULL), "read-only: LOOKUP");
	EXPECT(0, do_rw(ro, 0, a.id, 0, buf, 3), "read-only: READ");
	b.op = EDUALLOC_BIT_GET;
	b.bit = 3;
	EXPECT(0, xioctl(ro, EDUALLOC_IOC_BIT, &b), "read-only: BIT GET");
	memset(&c, 0, sizeof(c));
	EXPECT(0, xioctl(ro, EDUALLOC_IOC_CONFIG, &c), "read-only: CONFIG read");
	EXPECT(0, attach(ro, "shared"), "read-only: ATTACH \"shared\"");
	m = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
	check(m != MAP_FAILED, "read-only: mmap PROT_READ");
	if (m != MAP_FAILED)
		munmap(m, page);
	EXPECT(0, do_free_id(rw, a.id), "FREE through the read-write file");
	close(ro);
	close(rw);
}

struct shared_arg {
	int id;			/* B's allocation in "shared" */
};

static void shared_b_allocs(void *arg)
{
	struct shared_arg *s = arg;
	struct edualloc_alloc_info a = { 0 };
	int fd = mu_open(O_RDWR);

	EXPECT(0, do_alloc(fd, 48, &a), "uid %u ALLOCs 48 bytes in \"shared\"", getuid());
	s->id = a.id;
	close(fd);
}

static void shared_a_resets(void *arg)
{
	struct shared_arg *s = arg;
	struct edualloc_alloc_info a = { 0 };
	struct edualloc_config c;
	int fd = mu_open(O_RDWR);

	EXPECT(EPERM, reset(fd), "uid %u RESETs \"shared\"", getuid());
	EXPECT(0, do_lookup_id(fd, s->id, &a), "  uid 1001's allocation %d is still there", s->id);
	check(a.size == 48, "  with its 48 bytes");
	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_DEBUG;
	c.debug = 1;
	EXPECT(EPERM, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "uid %u CONFIG SET_DEBUG of \"shared\"",
	       getuid());
	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_FAIL_NTH;
	c.fail_nth = 1;
	EXPECT(EPERM, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "uid %u CONFIG SET_FAIL_NTH of \"shared\"",
	       getuid());
	EXPECT(EPERM, destroy(fd, "shared"), "uid %u DESTROYs \"shared\"", getuid());
	/* A group member may free another's block in the one shared heap. */
	EXPECT(0, do_free_id(fd, s->id), "uid %u FREEs uid 1001's block (one heap for the group)",
	       getuid());
	/* fail_nth on its own instance: still root's. */
	EXPECT(0, create(fd, "", 64 * KiB, NULL), "uid %u CREATEs a private instance", getuid());
	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_FAIL_NTH;
	c.fail_nth = 1;
	EXPECT(EPERM, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "uid %u CONFIG SET_FAIL_NTH of its own",
	       getuid());
	memset(&c, 0, sizeof(c));
	c.flags = EDUALLOC_CONFIG_SET_DEBUG;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CONFIG, &c), "uid %u CONFIG SET_DEBUG of its own", getuid());
	EXPECT(0, reset(fd), "uid %u RESETs its own", getuid());
	close(fd);
}

static void named_a(void *arg)
{
	int fd = mu_open(O_RDWR);

	(void)arg;
	EXPECT(0, create(fd, "mu-a", 64 * KiB, NULL), "uid %u CREATEs \"mu-a\"", getuid());
	close(fd);
}

static void named_b(void *arg)
{
	int fd = mu_open(O_RDWR);

	(void)arg;
	EXPECT(EPERM, attach(fd, "mu-a"), "uid %u ATTACHes uid 1000's \"mu-a\"", getuid());
	EXPECT(EPERM, destroy(fd, "mu-a"), "uid %u DESTROYs uid 1000's \"mu-a\"", getuid());
	close(fd);
}

static void named_a_cleans(void *arg)
{
	int fd = mu_open(O_RDWR);

	(void)arg;
	EXPECT(0, attach(fd, "mu-a"), "uid %u ATTACHes its own", getuid());
	EXPECT(0, reset(fd), "uid %u RESETs its own", getuid());
	EXPECT(0, destroy(fd, "mu-a"), "uid %u DESTROYs its own", getuid());
	close(fd);
}

static void outsider(void *arg)
{
	(void)arg;
	EXPECT(EACCES, mu_open(O_RDWR), "uid %u (not in the group) opens " DEV, getuid());
}

/* ---- limits ------------------------------------------------------------------- */

#define LOOP_MAX 64

static void mapped_destroy_loop(void *arg)
{
	void *maps[LOOP_MAX];
	unsigned long long before;
	int fd = mu_open(O_RDWR), n, r = 0, i;
	char name[32];

	(void)arg;
	before = user_bytes(fd, NULL);
	for (n = 0; n < LOOP_MAX; n++) {
		snprintf(name, sizeof(name), "mu-loop%d", n);
		r = create(fd, name, 4 * MiB, NULL);
		if (r)
			break;
		maps[n] = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (maps[n] == MAP_FAILED) {
			destroy(fd, name);
			r = -errno;
			break;
		}
		destroy(fd, name);
	}
	check(r == -EDQUOT && n >= 2 && n <= 4,
	      "CREATE 4 MiB, mmap, DESTROY in a loop: EDQUOT after %d rounds (16 MiB per uid; got %s)",
	      n, ename(r));
	check(user_bytes(fd, NULL) > before + (unsigned long long)n * 4 * MiB,
	      "  the destroyed instances' bytes stay charged while mapped");
	for (i = 0; i < n; i++)
		munmap(maps[i], 4 * MiB);
	check(user_bytes(fd, NULL) == before, "  munmap gives them back (%llu bytes, was %llu)",
	      user_bytes(fd, NULL), before);
	EXPECT(0, create(fd, "mu-loop-after", 4 * MiB, NULL), "  and CREATE works again");
	destroy(fd, "mu-loop-after");
	close(fd);
}

static void mapped_free_loop(void *arg)
{
	struct edualloc_alloc_info a = { 0 };
	void *maps[LOOP_MAX];
	int fd = mu_open(O_RDWR), n, r = 0, i;
	unsigned long long before;

	(void)arg;
	EXPECT(0, create(fd, "", 4 * MiB, NULL), "uid %u CREATEs a private 4 MiB instance", getuid());
	/* The first ALLOC charges a batch of bookkeeping, for good: before it. */
	do_alloc(fd, 8, &a);
	do_free_id(fd, a.id);
	before = user_bytes(fd, NULL);
	for (n = 0; n < LOOP_MAX; n++) {
		r = do_alloc(fd, 2 * MiB, &a);
		if (r)
			break;
		maps[n] = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.offset);
		if (maps[n] == MAP_FAILED) {
			r = -errno;
			do_free_id(fd, a.id);
			break;
		}
		do_free_id(fd, a.id);
	}
	check(r == -EDQUOT && n >= 2 && n <= 6,
	      "ALLOC 2 MiB, mmap, FREE in a loop: mmap EDQUOT after %d rounds (got %s)", n, ename(r));
	for (i = 0; i < n; i++)
		munmap(maps[i], 2 * MiB);
	check(user_bytes(fd, NULL) == before, "  munmap gives the pinned bytes back");
	close(fd);
}

static void b_creates(void *arg)
{
	int fd = mu_open(O_RDWR);

	(void)arg;
	EXPECT(0, create(fd, "", 64 * KiB, NULL),
	       "  meanwhile uid %u still CREATEs a private instance", getuid());
	close(fd);
}

/* A's half of a limit test holds its instances until B has had its turn. */
struct hold {
	volatile int ready, done;
	unsigned int max;
};

static void hold_on(struct hold *h)
{
	h->ready = 1;
	while (!h->done)
		usleep(1000);
}

static void fill_instances(void *arg)
{
	struct hold *h = arg;
	unsigned int have;
	int fds[16], r = 0, n, i;

	fds[0] = mu_open(O_RDWR);
	user_bytes(fds[0], &have);
	close(fds[0]);
	for (n = 0; n < 16; n++) {
		fds[n] = mu_open(O_RDWR);
		r = create(fds[n], "", 64 * KiB, NULL);
		if (r) {
			close(fds[n]);
			break;
		}
	}
	check(r == -EDQUOT && (unsigned int)n + have == h->max,
	      "uid %u CREATEs private instances until EDQUOT: %d (+%u) = max_user_instances %u",
	      getuid(), n, have, h->max);
	hold_on(h);
	for (i = 0; i < n; i++)
		close(fds[i]);
}

static void fill_bytes(void *arg)
{
	int fd = mu_open(O_RDWR), fd2 = mu_open(O_RDWR);

	EXPECT(EDQUOT, create(fd, "", 17 * MiB, NULL), "uid %u CREATEs 17 MiB (16 MiB per uid)",
	       getuid());
	EXPECT(0, create(fd, "", 12 * MiB, NULL), "uid %u CREATEs 12 MiB", getuid());
	EXPECT(EDQUOT, create(fd2, "", 4 * MiB, NULL), "  then 4 MiB more: EDQUOT (bookkeeping counts)");
	hold_on(arg);
	close(fd2);
	close(fd);
}

/* A fills a limit in a child and holds it while B creates. */
static void a_full_b_creates(void (*fill)(void *), unsigned int max)
{
	struct hold *h = shared_mem(sizeof(*h));
	pid_t pid;

	h->max = max;
	pid = fork();
	if (pid == 0) {
		if (become(A, 1))
			_exit(1);
		fill(h);
		_exit(0);
	}
	while (!h->ready)
		usleep(1000);
	as_uid(B, 1, b_creates, NULL);
	h->done = 1;
	waitpid(pid, NULL, 0);
	munmap(h, sizeof(*h));
}

static void fill_bookkeeping(void *arg)
{
	struct edualloc_stats st;
	int fd = mu_open(O_RDWR), r = 0, n;

	(void)arg;
	EXPECT(0, create(fd, "", 256 * KiB, NULL), "uid %u CREATEs 256 KiB", getuid());
	for (n = 0; n < 40000; n++) {
		r = do_alloc(fd, 8, NULL);
		if (r)
			break;
	}
	do_stats(fd, &st);
	check(r == -EDQUOT && st.avail_bytes > 0,
	      "  8-byte ALLOCs hit EDQUOT after %d, with arena bytes left (%llu): bookkeeping counts",
	      n, (unsigned long long)st.avail_bytes);
	close(fd);
}

/* ---- namespaces -------------------------------------------------------------- */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return 0;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok;
}

static void in_namespaces(void *arg)
{
	struct edualloc_inst_info infos[64], info;
	struct edualloc_alloc_info a = { 0 };
	struct edualloc_list l;
	char map[64];
	int fd, st, i, host_pids = 0;
	pid_t pid;

	(void)arg;
	/* A private instance made here, outside the namespaces, kept open. */
	fd = mu_open(O_RDWR);
	create(fd, "", 64 * KiB, NULL);
	if (unshare(CLONE_NEWUSER | CLONE_NEWPID)) {
		printf("mu-users: SKIP namespaces: unshare: %s\n", strerror(errno));
		return;
	}
	snprintf(map, sizeof(map), "0 %u 1", A);
	write_file("/proc/self/setgroups", "deny");
	if (!check(write_file("/proc/self/uid_map", map), "uid %u: a user namespace, root in it (%s)",
		   A, strerror(errno)))
		return;
	pid = fork();
	if (pid == 0) {
		close(fd);
		fd = mu_open(O_RDWR);
		check(getpid() == 1 && getuid() == 0, "  and a PID namespace: pid %d, uid %d",
		      getpid(), getuid());
		EXPECT(EPERM, destroy(fd, "mu-b"), "  userns root DESTROYs uid 1001's instance");
		EXPECT(EPERM, attach(fd, "mu-b"), "  userns root ATTACHes uid 1001's instance");
		EXPECT(EPERM, reset(fd), "  userns root RESETs \"shared\"");
		EXPECT(0, create(fd, "", 64 * KiB, &info), "  CREATE a private instance");
		check(info.creator_pid == 1 && !strncmp(info.name, "pid1.", 5) && info.owner_uid == 0,
		      "  creator_pid %u, name %s, owner %u: as this namespace sees them",
		      info.creator_pid, info.name, info.owner_uid);
		EXPECT(0, do_alloc(fd, 10, &a), "  ALLOC");
		check(a.owner_pid == 1, "  owner_pid %u (1)", a.owner_pid);
		memset(&l, 0, sizeof(l));
		l.buf = (uintptr_t)infos;
		l.max = 64;
		EXPECT(0, xioctl(fd, EDUALLOC_IOC_LIST, &l), "  LIST");
		for (i = 0; i < (int)l.count; i++) {
			if (infos[i].creator_pid > 1 ||
			    (infos[i].kind == EDUALLOC_KIND_PRIVATE &&
			     strncmp(infos[i].name, "pid0.", 5) && strncmp(infos[i].name, "pid1.", 5)))
				host_pids++;
		}
		check(l.count >= 3 && !host_pids,
		      "  no PID of the host in LIST (%u instances, %d with one)", l.count, host_pids);
		for (i = 0; i < (int)l.count; i++) {
			if (infos[i].kind == EDUALLOC_KIND_PRIVATE && infos[i].id != info.id)
				break;
		}
		check(i < (int)l.count && !strncmp(infos[i].name, "pid0.", 5) &&
		      !infos[i].creator_pid, "  another's private instance: %s, creator_pid %u",
		      i < (int)l.count ? infos[i].name : "-", i < (int)l.count ? infos[i].creator_pid : 0);
		close(fd);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	close(fd);
}

static void b_named(void *arg)
{
	int fd = mu_open(O_RDWR);

	(void)arg;
	EXPECT(0, create(fd, "mu-b", 64 * KiB, NULL), "uid %u CREATEs \"mu-b\"", getuid());
	close(fd);
}

static void b_destroys(void *arg)
{
	int fd = mu_open(O_RDWR);

	(void)arg;
	EXPECT(0, destroy(fd, "mu-b"), "uid %u DESTROYs \"mu-b\"", getuid());
	close(fd);
}

/* ---- MADV_DONTNEED -------------------------------------------------------------- */

static void dontneed(void *arg)
{
	struct edualloc_alloc_info s = { 0 }, l = { 0 };
	unsigned char *arena, *big, *named;
	int fd = mu_open(O_RDWR), fd2 = mu_open(O_RDWR);

	(void)arg;
	EXPECT(0, create(fd, "", 1 * MiB, NULL), "uid %u CREATEs a private 1 MiB instance", getuid());
	do_alloc(fd, 100, &s);
	do_alloc(fd, 300 * KiB, &l);
	arena = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	big = mmap(NULL, l.class_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, l.offset);
	if (!check(arena != MAP_FAILED && big != MAP_FAILED, "mmap the arena and a large allocation"))
		return;
	arena[s.offset] = 0x5a;
	big[5000] = 0xa5;
	check(!madvise(arena, page, MADV_DONTNEED) && !madvise(big, l.class_size, MADV_DONTNEED),
	      "MADV_DONTNEED both");
	check(peek(arena + s.offset) == 0x5a && peek(big + 5000) == 0xa5,
	      "  the next access maps the same bytes again");
	EXPECT(0, do_free_id(fd, l.id), "FREE the large allocation");
	check(peek(big + 5000) == 0xa5, "  its mapped pages stay valid until munmap");
	madvise(big, l.class_size, MADV_DONTNEED);
	check(peek(big + 5000) == -1, "  after MADV_DONTNEED: SIGBUS (nothing to map again)");
	munmap(big, l.class_size);
	EXPECT(0, do_free_id(fd, s.id), "FREE the small one");
	madvise(arena, page, MADV_DONTNEED);
	check(peek(arena + s.offset) == 0x5a, "  the arena's page still maps (the arena lives on)");
	munmap(arena, page);

	EXPECT(0, create(fd2, "mu-dn", 64 * KiB, NULL), "CREATE \"mu-dn\"");
	named = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	if (!check(named != MAP_FAILED, "mmap its arena"))
		return;
	named[10] = 7;
	named[page + 10] = 8;
	EXPECT(0, destroy(fd2, "mu-dn"), "DESTROY it");
	check(peek(named + 10) == 7, "  the mapping stays valid");
	madvise(named, page, MADV_DONTNEED);
	check(peek(named + 10) == -1 && peek(named + page + 10) == 8,
	      "  after MADV_DONTNEED of one page: SIGBUS there, the other page intact");
	munmap(named, 2 * page);
	close(fd2);
	close(fd);
}

/* ---- 32-bit --------------------------------------------------------------------------- */

static void compat32(void *arg)
{
	const char *prog = "/usr/libexec/edualloc/tests/.mu-compat32-i386";
	int st;
	pid_t pid;

	(void)arg;
	if (access(prog, X_OK)) {
		printf("mu-users: SKIP 32-bit: %s not built (no gcc-multilib)\n", prog);
		return;
	}
	pid = fork();
	if (pid == 0) {
		execl(prog, prog, (char *)NULL);
		_exit(126);
	}
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		printf("mu-users: SKIP 32-bit: no IA32 emulation\n");
	else
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the 32-bit checks passed (status %#x)", st);
}

int main(void)
{
	unsigned long long ub = param("max_user_bytes"), ui = param("max_user_instances");
	struct shared_arg *sa = shared_mem(sizeof(*sa));
	unsigned int max_inst = 4;
	struct stat sb0;

	abi_init("mu-users");
	page = sysconf(_SC_PAGESIZE);
	if (access(DEV, F_OK) || stat(DEV, &sb0))
		abi_skip(DEV " does not exist");
	if (getuid())
		abi_skip("must start as root (to set the stage)");
	/* The stage: the device's group, as udev would set it on a lab machine. */
	if (!check(!chown(DEV, 0, GROUP) && !chmod(DEV, 0660), "chgrp %d, chmod 0660 " DEV, GROUP))
		return abi_done();
	check(set_param("max_user_bytes", 16 * MiB) && set_param("max_user_instances", max_inst),
	      "per-uid limits: 16 MiB, %u instances", max_inst);

	as_uid(A, 1, readonly_file, NULL);
	as_uid(B, 1, shared_b_allocs, sa);
	as_uid(A, 1, shared_a_resets, sa);
	as_uid(A, 1, named_a, NULL);
	as_uid(B, 1, named_b, NULL);
	as_uid(A, 1, named_a_cleans, NULL);
	as_uid(OUTSIDER, 0, outsider, NULL);
	as_uid(A, 1, mapped_destroy_loop, NULL);
	as_uid(A, 1, mapped_free_loop, NULL);
	a_full_b_creates(fill_bytes, max_inst);
	a_full_b_creates(fill_instances, max_inst);
	set_param("max_user_bytes", 768 * KiB);
	as_uid(A, 1, fill_bookkeeping, NULL);
	set_param("max_user_bytes", 16 * MiB);
	as_uid(B, 1, b_named, NULL);
	as_uid(A, 1, in_namespaces, NULL);
	as_uid(B, 1, b_destroys, NULL);
	as_uid(A, 1, dontneed, NULL);
	as_uid(A, 1, compat32, NULL);

	check(set_param("max_user_bytes", ub) && set_param("max_user_instances", ui),
	      "per-uid limits restored");
	check(!chown(DEV, sb0.st_uid, sb0.st_gid) && !chmod(DEV, sb0.st_mode & 07777),
	      "restore " DEV "'s owner and mode");
	return abi_done();
}
