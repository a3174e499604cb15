// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime: an open file, or a mapping whose file is closed, holds the
 * module; once both are gone the module unloads, destroying the named
 * instances left (with their leak reports), and loads again with the
 * same parameters: a fresh shared instance, no named ones.
 *
 * It unloads and reloads the module the other tests use, so it checks
 * first that it can load it again (the harness's /lib/modules/edualloc.ko
 * and the parameters in /etc/edualloc/env), and skips otherwise.
 */
#include "abi.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#define KO "/lib/modules/edualloc.ko"
#define ENVF "/etc/edualloc/env"

static char params[640];

static void read_params(void)
{
	char line[600];
	FILE *f = fopen(ENVF, "r");

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

static long unload(void)
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

int main(void)
{
	struct edualloc_create c;
	struct edualloc_attach at;
	struct edualloc_stats s;
	struct edualloc_alloc_info a = { 0 };
	unsigned char *m;
	int fd, r;

	abi_init("abi-unload");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	if (geteuid())
		abi_skip("needs root");
	if (access(KO, R_OK) || access(ENVF, R_OK))
		abi_skip("not in the test guest (no " KO " to load again)");
	read_params();
	printf("abi-unload: module parameters \"%s\"\n", params);

	fd = dev_open();
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "abi-unload");
	c.capacity = 128 * 1024;
	memset(&at, 0, sizeof(at));
	strcpy(at.name, "abi-unload");
	if (xioctl(fd, EDUALLOC_IOC_CREATE, &c) == -EEXIST)
		xioctl(fd, EDUALLOC_IOC_ATTACH, &at);
	EXPECT(0, do_alloc(fd, 500, &a), "ALLOC in \"abi-unload\" (a leak, on purpose)");
	EXPECT(EWOULDBLOCK, unload(), "unload with a file open");
	m = mmap(NULL, 128 * 1024, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "mmap its arena");
	close(fd);
	EXPECT(EWOULDBLOCK, unload(), "unload with the file closed but mapped");
	if (m != MAP_FAILED) {
		strcpy((char *)m + a.offset, "still here");
		check(!strcmp((char *)m + a.offset, "still here"), "the mapping works");
		munmap(m, 128 * 1024);
	}

	r = unload();
	check(!r, "unload once nothing holds it -> 0 (got %s)", ename(r));
	if (r)
		return abi_done();
	check(access(DEV, F_OK) && errno == ENOENT, DEV " is gone");
	r = load();
	check(!r, "load again -> 0 (got %s)", ename(r));
	if (r) {
		printf("abi-unload: THE MODULE IS NOT LOADED: the tests after this one will fail\n");
		return abi_done();
	}
	check(!access(DEV, F_OK), DEV " is back");

	fd = dev_open();
	EXPECT(ENOENT, xioctl(fd, EDUALLOC_IOC_ATTACH, &at), "\"abi-unload\" did not survive the unload");
	EXPECT(0, do_stats(fd, &s), "STATS of the new shared instance");
	check(s.inst_id == 1 && s.allocs == 0 && s.live_allocs == 0,
	      "  a fresh shared instance: ID 1, no allocations");
	close(fd);
	return abi_done();
}
