// SPDX-License-Identifier: GPL-2.0
/*
 * .mu-compat32-i386: the 32-bit half of mu-users, run by it as uid 1000.
 * A 32-bit process passes mmap offsets in pages, in 32 bits: a large
 * allocation with ID 15000 (offset 2^40 + 15000 * 2^30) can be mapped by
 * it; one whose offset would lie past 2^44 bytes is refused at ALLOC with
 * -EOVERFLOW and changes nothing (edualloc(4)).
 */
#define _FILE_OFFSET_BITS 64
#include "mu.h"

int main(void)
{
	struct edualloc_alloc_info big = { 0 }, small = { 0 };
	struct edualloc_stats s0, s1;
	struct edualloc_create c;
	unsigned char *m;
	char buf[8];
	int fd;

	abi_init("mu-compat32");
	if (sizeof(void *) != 4)
		abi_skip("not a 32-bit build");
	fd = mu_open(O_RDWR);
	if (fd < 0)
		abi_skip("cannot open " DEV);
	memset(&c, 0, sizeof(c));
	c.capacity = 1 * MiB;
	c.first_id = 15000;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CREATE, &c), "32-bit: CREATE, IDs from 15000");
	EXPECT(0, do_alloc(fd, 300 * KiB, &big), "32-bit: ALLOC 300 KiB");
	check(big.id == 15000 && big.offset > (1ULL << 43),
	      "  ID %d at offset %#llx, past 2^43", big.id, (unsigned long long)big.offset);
	m = mmap(NULL, big.class_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)big.offset);
	if (check(m != MAP_FAILED, "32-bit: mmap it")) {
		memcpy(m + 1000, "high", 5);
		EXPECT(0, do_rw(fd, 0, big.id, 1000, buf, 5), "32-bit: READ it back");
		check(!strcmp(buf, "high"), "  \"%s\"", buf);
		munmap(m, big.class_size);
	}
	close(fd);

	fd = mu_open(O_RDWR);
	c.first_id = 20000;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_CREATE, &c), "32-bit: CREATE, IDs from 20000");
	do_stats(fd, &s0);
	EXPECT(EOVERFLOW, do_alloc(fd, 300 * KiB, NULL),
	       "32-bit: ALLOC 300 KiB as ID 20000 (its offset is past 2^44)");
	do_stats(fd, &s1);
	check(s1.allocs == s0.allocs && s1.next_id == s0.next_id && s1.large_count == 0,
	      "  nothing changed (allocs %llu, next_id %u)", (unsigned long long)s1.allocs,
	      s1.next_id);
	EXPECT(0, do_alloc(fd, 100, &small), "32-bit: ALLOC 100 bytes (in the arena)");
	check(small.id == 20000, "  gets ID 20000");
	close(fd);
	return abi_done();
}
