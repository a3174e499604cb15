// SPDX-License-Identifier: GPL-2.0
/*
 * obs-views: the per-instance debugfs files (instances/NAME/{stats,
 * classes,allocations,map,bitset}) and the module-wide stats file, after
 * known sequences on fresh private instances: the map's cells, the classes
 * table's rows, the live allocations, the figures, the bitset.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "obs.h"

#define MiB (1024ULL * 1024)
#define MAXL 256

static char *inst_file(const struct dev *d, const char *file)
{
	char path[160];
	char *text;

	snprintf(path, sizeof(path), DEBUGFS "/instances/%s/%s", d->info.name, file);
	text = slurp(path);
	if (!text)
		fatal("read %s: %s", path, strerror(errno));
	return text;
}

/* Data line @i of @file must be @want. */
static void expect_rows(const char *title, char *text, const char * const *want, int n)
{
	char *lines[MAXL];
	int got = data_lines(text, lines, MAXL), i;

	check(got == n, "%s: %d rows (got %d)", title, n, got);
	for (i = 0; i < n; i++)
		check_str(i < got ? lines[i] : NULL, want[i], "%s row %d: %s", title,
			  i + 1, want[i]);
}


#define DOTS32	"................................"

/* A map row: @cells and @fill padded with free cells to 32. */
static char *maprow(unsigned long long offset, const char *cells, const char *fill)
{
	return fmt("0x%08llx %s%s %s%s", offset, cells, DOTS32 + strlen(cells),
		   fill, DOTS32 + strlen(fill));
}

static void test_one_mib(void)
{
	struct edualloc_alloc_info a;
	char *text;
	long long large_off = EDUALLOC_LARGE_BASE + (5LL << EDUALLOC_LARGE_SHIFT);
	int pid = getpid(), i;
	struct dev d;

	dev_open(&d);
	dev_create(&d, MiB, 64);
	/* IDs 1-6 at 0x0 0x80 0x1000 0x2000, large, 0x4000 (see obs-log). */
	dev_alloc(&d, 100, NULL);
	dev_alloc(&d, 100, NULL);
	dev_alloc(&d, 3000, NULL);
	dev_alloc(&d, 5000, NULL);
	dev_alloc(&d, 300000, NULL);
	check(!dev_alloc(&d, 200, &a) && a.id == 6 && a.offset == 0x4000,
	      "six allocations in place (the 200-byte one: ID 6 at 0x4000)");
	dev_bit(&d, EDUALLOC_BIT_SET, 5);
	dev_bit(&d, EDUALLOC_BIT_SET, 6);
	dev_bit(&d, EDUALLOC_BIT_SET, 9);
	dev_bit(&d, EDUALLOC_BIT_SET, 63);

	/* The map: 256 pages, 8 rows of 32 cells. */
	text = inst_file(&d, "map");
	check(strstr(text, "# map of ") && strstr(text, ": 256 pages of 4096 bytes, 1 page per cell, 32 cells per row\n"),
	      "map header: 256 pages, 1 page per cell, 32 cells per row");
	check(strstr(text, "\n#   a=8 b=16 c=32 d=64 e=128 f=256 g=512 h=1K\n"
			 "#   i=2K j=4K k=8K l=16K m=32K n=64K o=128K p=256K\n") != NULL,
	      "map legend names the classes by letter");
	{
		const char *p = text, *nl;
		int wide = 0;

		/* The header holds the instance's name, as long as it is. */
		for (; (nl = strchr(p, '\n')); p = nl + 1)
			wide += nl - p > 80 && strncmp(p, "# map of ", 9);
		check(!wide, "every line of the 1 MiB map fits 80 columns (%d do not)", wide);
	}
	{
		const char *want[] = {
			NULL,
			"0x00020000 " DOTS32 " " DOTS32,
			"0x00040000 " DOTS32 " " DOTS32,
			"0x00060000 " DOTS32 " " DOTS32,
			"0x00080000 " DOTS32 " " DOTS32,
			"0x000a0000 " DOTS32 " " DOTS32,
			"0x000c0000 " DOTS32 " " DOTS32,
			"0x000e0000 " DOTS32 " " DOTS32,
			NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		};
		char *lines[MAXL];
		int n = data_lines(text, lines, MAXL);

		/* slab of 128 (2/32 used), 4K block, 8K block, slab of 256 (1/16) */
		want[0] = maprow(0, "eJKKf", "1***1");
		want[8] = fmt("large 5 0x%llx 300000 303104 %d", large_off, pid);
		want[9] = "pages_total 256";
		want[10] = "pages_used 5";
		want[11] = "pages_free 251";
		want[12] = "free_bytes 1028096";
		want[13] = "largest_free 262144";
		want[14] = "used_bytes 323584";
		want[15] = "internal_frag 7504";
		want[16] = "internal_frag_pct 2";
		want[17] = "external_frag_pct 0";	/* free space beyond one 256 KiB block does not count */
		want[18] = "large_count 1";
		want[19] = "large_bytes 303104";
		check(n == 20, "map: 8 rows, 1 large allocation, 11 figures (got %d lines)", n);
		for (i = 0; i < 20; i++)
			check_str(i < n ? lines[i] : NULL, want[i], "map line %d", i + 1);
	}
	free(text);

	/* The classes table. */
	text = inst_file(&d, "classes");
	{
		const char *hdr = "# class map slabs slots_used slots_total allocs frees failures waste\n";

		check(!strncmp(squeeze(text), hdr, strlen(hdr) - 1),
		      "classes header names the columns");
	}
	{
		static const char * const want[16] = {
			"8 a 0 0 0 0 0 0 0",
			"16 b 0 0 0 0 0 0 0",
			"32 c 0 0 0 0 0 0 0",
			"64 d 0 0 0 0 0 0 0",
			"128 e 1 2 32 2 0 0 56",
			"256 f 1 1 16 1 0 0 56",
			"512 g 0 0 0 0 0 0 0",
			"1024 h 0 0 0 0 0 0 0",
			"2048 i 0 0 0 0 0 0 0",
			"4096 j 1 1 1 1 0 0 1096",
			"8192 k 1 1 1 1 0 0 3192",
			"16384 l 0 0 0 0 0 0 0",
			"32768 m 0 0 0 0 0 0 0",
			"65536 n 0 0 0 0 0 0 0",
			"131072 o 0 0 0 0 0 0 0",
			"262144 p 0 0 0 0 0 0 0",
		};

		expect_rows("classes", text, want, 16);
	}
	free(text);

	/* Live allocations, in ID order. */
	text = inst_file(&d, "allocations");
	check(!strncmp(text, "# id offset size class reserved owner_pid\n", 42),
	      "allocations header names the columns");
	{
		const char *want[6];

		want[0] = fmt("1 0x0 100 128 128 %d", pid);
		want[1] = fmt("2 0x80 100 128 128 %d", pid);
		want[2] = fmt("3 0x1000 3000 4096 4096 %d", pid);
		want[3] = fmt("4 0x2000 5000 8192 8192 %d", pid);
		want[4] = fmt("5 0x%llx 300000 large 303104 %d", large_off, pid);
		want[5] = fmt("6 0x4000 200 256 256 %d", pid);
		expect_rows("allocations", text, want, 6);
	}
	free(text);

	/* The bitset, as a list of ranges (the kernel's %*pbl). */
	text = inst_file(&d, "bitset");
	check(strstr(text, ": 64 bits\n") != NULL, "bitset header: 64 bits");
	{
		static const char * const want[] = { "5-6,9,63" };

		expect_rows("bitset", text, want, 1);
	}
	free(text);

	/* Figures. */
	dev_alloc(&d, 0, NULL);
	dev_free(&d, 77);
	text = inst_file(&d, "stats");
	check(keyval(text, "live_allocs") == 6 && keyval(text, "allocs") == 6 &&
	      keyval(text, "pages_used") == 5 && keyval(text, "bitset_bits") == 64 &&
	      keyval(text, "next_id") == 7 && keyval(text, "large_count") == 1 &&
	      keyval(text, "capacity") == (long long)MiB,
	      "stats: live_allocs 6, allocs 6, pages_used 5, bitset_bits 64, next_id 7, large_count 1");
	check(keyval(text, "error_zero_size") == 1 && keyval(text, "error_unknown_id") == 1 &&
	      keyval(text, "failed_allocs") == 1,
	      "stats: error_zero_size 1, error_unknown_id 1, failed_allocs 1");
	check(keyval(text, "creator_pid") == pid && strstr(text, "\nkind private\n") &&
	      strstr(text, fmt("\nname %s\n", d.info.name)) &&
	      keyval(text, "id") == d.info.id,
	      "stats: name, id, kind private, creator_pid");
	free(text);

	/* The module-wide figures count this instance. */
	text = slurp(DEBUGFS "/stats");
	{
		DIR *dir = opendir(DEBUGFS "/instances");
		struct dirent *e;
		int dirs = 0;

		while (dir && (e = readdir(dir)))
			dirs += e->d_name[0] != '.';
		if (dir)
			closedir(dir);
		check(text && keyval(text, "instances") == dirs && dirs >= 2,
		      "stats: instances = the %d directories under instances/", dirs);
	}
	check(text && keyval(text, "live_allocs") >= 6 && keyval(text, "allocs") >= 6 &&
	      keyval(text, "errors") >= 2 && keyval(text, "log_size") > 0 &&
	      keyval(text, "event_alloc") >= 6,
	      "stats: module-wide allocations, errors, log figures, event counts");
	free(text);
	dev_close(&d);
}

/* A small arena: a partial row, a failure counted in its class. */
static void test_small(void)
{
	char *text;
	struct dev d;

	dev_open(&d);
	dev_create(&d, 64 * 1024, 0);
	check(!dev_alloc(&d, 65536, NULL), "64 KiB arena: alloc 65536 takes it all");
	check(dev_alloc(&d, 100, NULL) == -ENOMEM, "then alloc 100 fails with ENOMEM");

	text = inst_file(&d, "map");
	{
		char *lines[MAXL];
		int n = data_lines(text, lines, MAXL);

		check(n >= 1, "small map has a row");
		check_str(n ? lines[0] : NULL, "0x00000000 NNNNNNNNNNNNNNNN ****************",
			  "small map: 16 pages of one full 64 KiB block");
	}
	free(text);

	text = inst_file(&d, "classes");
	{
		char *lines[MAXL];
		int n = data_lines(text, lines, MAXL);

		check(n == 16, "16 classes");
		if (n == 16) {
			check_str(lines[4], "128 e 0 0 0 0 0 1 0",
				  "classes: the failed 100-byte request counts in class 128");
			check_str(lines[13], "65536 n 1 1 1 1 0 0 0",
				  "classes: one 64 KiB block in use");
		}
	}
	free(text);

	text = inst_file(&d, "bitset");
	check(!strcmp(text, fmt("# bitset %s: none\n", d.info.name)),
	      "bitset of an instance without one: a header alone");
	free(text);
	dev_close(&d);
}

/* A large arena is scaled: at most 64 rows. */
static void test_scaled(void)
{
	char *text, *lines[MAXL];
	int n, rows = 0, i;
	struct dev d;

	dev_open(&d);
	dev_create(&d, 16 * MiB, 0);
	check(!dev_alloc(&d, 5000, NULL), "16 MiB arena: alloc 5000");
	text = inst_file(&d, "map");
	check(strstr(text, ": 4096 pages of 4096 bytes, 2 pages per cell, 32 cells per row\n") != NULL,
	      "16 MiB map: 2 pages per cell");
	n = data_lines(text, lines, MAXL);
	for (i = 0; i < n; i++)
		rows += !strncmp(lines[i], "0x", 2);
	check(rows == 64, "16 MiB map: 64 rows (got %d)", rows);
	check_str(n ? lines[0] : NULL, maprow(0, "K", "*"),
		  "16 MiB map: the 8 KiB block is one full cell");
	check_str(n > 1 ? lines[1] : NULL, "0x00040000 " DOTS32 " " DOTS32,
		  "16 MiB map: rows step by 64 pages");
	free(text);
	dev_close(&d);
}

/* A file held open across the instance's destruction reads as an error. */
static void test_gone(void)
{
	static const char * const files[] = { "stats", "classes", "allocations", "map", "bitset" };
	int fds[5], i, ok = 0;
	char path[160], buf[256];
	struct dev d;

	dev_open(&d);
	dev_create(&d, MiB, 64);
	dev_alloc(&d, 100, NULL);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), DEBUGFS "/instances/%s/%s", d.info.name, files[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	dev_close(&d);
	for (i = 0; i < 5; i++) {
		ssize_t n = fds[i] < 0 ? 0 : read(fds[i], buf, sizeof(buf));

		ok += fds[i] >= 0 && n < 0 && errno == EIO;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	check(ok == 5, "files held open across destroy: read fails with EIO (%d of 5)", ok);
}

/* Read every instance's files while other processes make and destroy them. */
static void test_race(void)
{
	static const char * const files[] = { "stats", "classes", "allocations", "map", "bitset" };
	pid_t kids[2];
	int reads = 0, errors = 0, k, round, status;

	for (k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] < 0)
			fatal("fork: %s", strerror(errno));
		if (!kids[k]) {
			for (;;) {
				struct dev d;
				int i;

				dev_open(&d);
				dev_create(&d, MiB, 128);
				for (i = 0; i < 20; i++)
					dev_alloc(&d, 100 + 700 * i, NULL);
				dev_bit(&d, EDUALLOC_BIT_SET, 7);
				dev_close(&d);
			}
		}
	}
	for (round = 0; round < 200; round++) {
		DIR *dir = opendir(DEBUGFS "/instances");
		struct dirent *e;

		while (dir && (e = readdir(dir))) {
			char path[320];
			char *text;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), DEBUGFS "/instances/%s/%s", e->d_name,
				 files[round % 5]);
			text = slurp(path);
			if (text)
				reads++;
			else if (errno != ENOENT && errno != EIO)
				errors++;
			free(text);
		}
		if (dir)
			closedir(dir);
	}
	for (k = 0; k < 2; k++) {
		kill(kids[k], SIGKILL);
		waitpid(kids[k], &status, 0);
	}
	check(!errors && reads > 0,
	      "reads racing with create/destroy: %d read, %d failed other than ENOENT/EIO",
	      reads, errors);
}

int main(void)
{
	test_init("obs-views");
	test_one_mib();
	test_small();
	test_scaled();
	test_gone();
	test_race();
	return test_done();
}
