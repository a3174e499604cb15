/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the multi-user suite: running a function as another user
 * (and in new namespaces), the module's parameters, instance calls.
 */
#ifndef MU_H
#define MU_H

#include "abi.h"

#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GROUP 100	/* the device's group (edualloc in the guest's /etc/group) */

static inline unsigned long long param(const char *name)
{
	char path[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/edualloc/parameters/%s", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	return v;
}

static inline int set_param(const char *name, unsigned long long v)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/module/edualloc/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return 0;
	ok = fprintf(f, "%llu\n", v) > 0;
	return !fclose(f) && ok;
}

/* Become @uid, in group @uid, with the device's group or not. */
static inline int become(uid_t uid, int member)
{
	gid_t g = GROUP;

	if (setgroups(member, &g) || setgid(uid) || setuid(uid))
		return -1;
	/* A changed uid makes a process undumpable: its /proc files root's. */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* Memory shared with the children. */
static inline void *shared_mem(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(77);
	}
	return p;
}

/* Run @fn(@arg) in a child as @uid; wait for it. */
static inline void as_uid(uid_t uid, int member, void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (become(uid, member)) {
			check(0, "become uid %u: %s", uid, strerror(errno));
			_exit(1);
		}
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		check(0, "child as uid %u ended badly", uid);
}

static inline int mu_open(int flags)
{
	int fd = open(DEV, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline int create(int fd, const char *name, unsigned long long cap,
			 struct edualloc_inst_info *info)
{
	struct edualloc_create c;
	int r;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.capacity = cap;
	c.flags = EDUALLOC_CREATE_DEBUG_OFF;
	r = xioctl(fd, EDUALLOC_IOC_CREATE, &c);
	if (!r && info)
		*info = c.info;
	return r;
}

static inline int attach(int fd, const char *name)
{
	struct edualloc_attach a;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	return xioctl(fd, EDUALLOC_IOC_ATTACH, &a);
}

static inline int destroy(int fd, const char *name)
{
	struct edualloc_destroy d;

	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "%s", name);
	return xioctl(fd, EDUALLOC_IOC_DESTROY, &d);
}

static inline int reset(int fd)
{
	struct edualloc_reset r = { 0, 0 };

	return xioctl(fd, EDUALLOC_IOC_RESET, &r);
}

/* Touching memory that may SIGBUS. */
static sigjmp_buf mu_jmp;

static inline void mu_sigbus(int sig)
{
	siglongjmp(mu_jmp, sig);
}

/* Read one byte at @p: 0..255, or -1 on SIGBUS. */
static inline int peek(volatile unsigned char *p)
{
	struct sigaction sa, old;
	int v;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mu_sigbus;
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(mu_jmp, 1))
		v = -1;
	else
		v = *p;
	sigaction(SIGBUS, &old, NULL);
	return v;
}

#endif /* MU_H */
