// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit userspace on the 64-bit kernel: the same structs (no compat
 * translation, .compat_ioctl = compat_ptr_ioctl) and the user pointers
 * inside them, mmap at offsets past 4 GiB. Built with -m32 (where the
 * build host can link 32-bit static programs) as .abi-compat32-i386, run
 * by abi-compat32 (abi-compat32-run.c).
 */
#define _FILE_OFFSET_BITS 64
#include "abi.h"

#define KiB 1024ULL

int main(void)
{
	struct edualloc_inst_info info = { 0 }, infos[8];
	struct edualloc_alloc_info a = { 0 }, big = { 0 }, l = { 0 };
	struct edualloc_version v;
	struct edualloc_stats s = { 0 };
	struct edualloc_list li;
	struct edualloc_bit b;
	unsigned char *arena, *m;
	char buf[32];
	int fd;

	abi_init("abi-compat32");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");
	check(sizeof(void *) == 4, "a 32-bit process (pointers of %zu bytes)", sizeof(void *));

	fd = open_private(1024 * KiB, 128, EDUALLOC_CREATE_DEBUG_ON, &info);
	EXPECT(0, do_version(fd, &v), "VERSION");
	check(v.abi_version == EDUALLOC_ABI_VERSION && v.large_base == EDUALLOC_LARGE_BASE,
	      "  the same values as 64-bit");
	check(info.capacity == 1024 * KiB && info.kind == EDUALLOC_KIND_PRIVATE, "CREATE private");

	EXPECT(0, do_alloc(fd, 100, &a), "ALLOC 100");
	check(a.id == 1 && a.offset == 0 && a.class_size == 128, "  ID 1 at 0, 128 bytes");
	EXPECT(0, do_rw(fd, 1, a.id, 0, "thirty-two", 11), "WRITE through a 32-bit pointer");
	EXPECT(0, do_rw(fd, 0, a.id, 0, buf, 11), "READ through a 32-bit pointer");
	check(!strcmp(buf, "thirty-two"), "  \"%s\"", buf);
	EXPECT(0, do_lookup_id(fd, a.id, &l), "LOOKUP");
	check(l.offset == a.offset && l.size == 100, "  same allocation");

	memset(&li, 0, sizeof(li));
	li.buf = (uintptr_t)infos;
	li.max = 8;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_LIST, &li), "LIST into a 32-bit buffer");
	check(li.count >= 2 && !strcmp(infos[0].name, "shared"), "  %u entries, shared first", li.count);

	memset(&b, 0, sizeof(b));
	b.op = EDUALLOC_BIT_SET;
	b.bit = 100;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_BIT, &b), "BIT SET 100");
	b.op = EDUALLOC_BIT_FIND;
	b.bit = 0;
	EXPECT(0, xioctl(fd, EDUALLOC_IOC_BIT, &b), "BIT FIND");
	check(b.value == 100, "  100");

	arena = mmap(NULL, info.capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(arena != MAP_FAILED && !strcmp((char *)arena + a.offset, "thirty-two"),
	      "mmap the arena: the bytes are there");
	EXPECT(0, do_alloc(fd, 300000, &big), "ALLOC a large one");
	m = mmap(NULL, big.class_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)big.offset);
	check(m != MAP_FAILED, "mmap it at offset %#llx (past 4 GiB)", (unsigned long long)big.offset);
	if (m != MAP_FAILED) {
		strcpy((char *)m + 1000, "large");
		do_rw(fd, 0, big.id, 1000, buf, 6);
		check(!strcmp(buf, "large"), "  READ sees the mapping's bytes");
		munmap(m, big.class_size);
	}
	EXPECT(0, do_stats(fd, &s), "STATS");
	check(s.live_allocs == 2 && s.large_count == 1 && s.cls[4].slots_used == 1,
	      "  2 live, 1 large, 1 in class 4");
	EXPECT(EFAULT, xioctl(fd, EDUALLOC_IOC_STATS, NULL), "STATS into NULL");
	EXPECT(ENOTTY, xioctl(fd, _IOWR(0xEA, 0x7f, struct edualloc_alloc), buf), "an unknown command");
	EXPECT(0, do_free_id(fd, a.id), "FREE");
	EXPECT(0, do_validate(fd, NULL, 0), "VALIDATE");
	close(fd);
	return abi_done();
}
