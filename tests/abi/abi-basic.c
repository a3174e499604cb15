// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI's shape: command numbers, struct layout, VERSION's values, and
 * -ENOTTY for everything that is not an edualloc command.
 */
#include "abi.h"

static unsigned long long param(const char *name)
{
	char path[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/edualloc/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return ~0ULL;
	if (fscanf(f, "%llu", &v) != 1)
		v = ~0ULL;
	fclose(f);
	return v;
}

struct cmd {
	const char *name;
	unsigned long cmd;
	unsigned int dir, nr, size;
};

#define CMD(n, d, nr, t) { #n, EDUALLOC_IOC_##n, d, nr, sizeof(t) }

static const struct cmd cmds[] = {
	CMD(VERSION, _IOC_READ, 0x00, struct edualloc_version),
	CMD(CREATE, _IOC_READ | _IOC_WRITE, 0x01, struct edualloc_create),
	CMD(ATTACH, _IOC_READ | _IOC_WRITE, 0x02, struct edualloc_attach),
	CMD(DESTROY, _IOC_WRITE, 0x03, struct edualloc_destroy),
	CMD(LIST, _IOC_READ | _IOC_WRITE, 0x04, struct edualloc_list),
	CMD(ALLOC, _IOC_READ | _IOC_WRITE, 0x10, struct edualloc_alloc),
	CMD(FREE, _IOC_WRITE, 0x11, struct edualloc_free),
	CMD(LOOKUP, _IOC_READ | _IOC_WRITE, 0x12, struct edualloc_lookup),
	CMD(READ, _IOC_WRITE, 0x13, struct edualloc_rw),
	CMD(WRITE, _IOC_WRITE, 0x14, struct edualloc_rw),
	CMD(REALLOC, _IOC_READ | _IOC_WRITE, 0x15, struct edualloc_realloc),
	CMD(BIT, _IOC_READ | _IOC_WRITE, 0x16, struct edualloc_bit),
	CMD(STATS, _IOC_READ | _IOC_WRITE, 0x17, struct edualloc_stats),
	CMD(RESET, _IOC_WRITE, 0x18, struct edualloc_reset),
	CMD(CONFIG, _IOC_READ | _IOC_WRITE, 0x19, struct edualloc_config),
	CMD(VALIDATE, _IOC_READ | _IOC_WRITE, 0x1a, struct edualloc_validate),
	CMD(PAGES, _IOC_READ | _IOC_WRITE, 0x1b, struct edualloc_pages),
	CMD(ALLOCS, _IOC_READ | _IOC_WRITE, 0x1c, struct edualloc_allocs),
};

/* The sizes are the ABI: the same numbers on every architecture. */
static const struct {
	const char *name;
	size_t size, want;
} sizes[] = {
	{ "edualloc_version", sizeof(struct edualloc_version), 112 },
	{ "edualloc_inst_info", sizeof(struct edualloc_inst_info), 96 },
	{ "edualloc_create", sizeof(struct edualloc_create), 152 },
	{ "edualloc_attach", sizeof(struct edualloc_attach), 136 },
	{ "edualloc_destroy", sizeof(struct edualloc_destroy), 40 },
	{ "edualloc_list", sizeof(struct edualloc_list), 24 },
	{ "edualloc_alloc_info", sizeof(struct edualloc_alloc_info), 40 },
	{ "edualloc_alloc", sizeof(struct edualloc_alloc), 56 },
	{ "edualloc_free", sizeof(struct edualloc_free), 16 },
	{ "edualloc_lookup", sizeof(struct edualloc_lookup), 56 },
	{ "edualloc_rw", sizeof(struct edualloc_rw), 32 },
	{ "edualloc_realloc", sizeof(struct edualloc_realloc), 56 },
	{ "edualloc_bit", sizeof(struct edualloc_bit), 16 },
	{ "edualloc_class_stats", sizeof(struct edualloc_class_stats), 64 },
	{ "edualloc_stats", sizeof(struct edualloc_stats), 1544 },
	{ "edualloc_reset", sizeof(struct edualloc_reset), 8 },
	{ "edualloc_config", sizeof(struct edualloc_config), 16 },
	{ "edualloc_validate", sizeof(struct edualloc_validate), 128 },
	{ "edualloc_page", sizeof(struct edualloc_page), 8 },
	{ "edualloc_pages", sizeof(struct edualloc_pages), 24 },
	{ "edualloc_allocs", sizeof(struct edualloc_allocs), 32 },
};

int main(void)
{
	struct edualloc_version v;
	unsigned long long shared_cap;
	unsigned char buf[8192];
	unsigned int i;
	int fd;

	abi_init("abi-basic");
	if (access(DEV, F_OK))
		abi_skip(DEV " does not exist");

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check(sizes[i].size == sizes[i].want, "sizeof(struct %s) == %zu (is %zu)",
		      sizes[i].name, sizes[i].want, sizes[i].size);

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd *c = &cmds[i];

		check(_IOC_TYPE(c->cmd) == 0xEA && _IOC_NR(c->cmd) == c->nr &&
		      _IOC_DIR(c->cmd) == c->dir && _IOC_SIZE(c->cmd) == c->size,
		      "EDUALLOC_IOC_%s is type 0xEA nr %#x dir %u size %u (%#lx)",
		      c->name, c->nr, c->dir, c->size, c->cmd);
	}

	fd = dev_open();

	/* VERSION */
	EXPECT(0, do_version(fd, &v), "VERSION");
	check(v.abi_version == EDUALLOC_ABI_VERSION, "VERSION abi_version %u", v.abi_version);
	check(v.page_size == (unsigned int)sysconf(_SC_PAGESIZE), "VERSION page_size %u", v.page_size);
	check(v.features == EDUALLOC_FEATURES &&
	      (v.features & EDUALLOC_FEATURES_V1) == EDUALLOC_FEATURES_V1, "VERSION features %#llx",
	      (unsigned long long)v.features);
	check(v.nr_classes == EDUALLOC_NR_CLASSES && v.min_shift == EDUALLOC_MIN_SHIFT &&
	      v.max_shift == EDUALLOC_MAX_SHIFT, "VERSION classes %u, shifts %u..%u",
	      v.nr_classes, v.min_shift, v.max_shift);
	check(v.large_base == EDUALLOC_LARGE_BASE && v.large_shift == EDUALLOC_LARGE_SHIFT,
	      "VERSION large_base %#llx large_shift %u",
	      (unsigned long long)v.large_base, v.large_shift);
	check(v.min_capacity == EDUALLOC_MIN_CAPACITY, "VERSION min_capacity %llu",
	      (unsigned long long)v.min_capacity);
	check(v.def_bitset_bits == EDUALLOC_DEF_BITSET_BITS &&
	      v.max_bitset_bits == EDUALLOC_MAX_BITSET_BITS,
	      "VERSION bitset bits default %u max %u", v.def_bitset_bits, v.max_bitset_bits);
	check(v.max_capacity == param("max_capacity"), "VERSION max_capacity %llu = parameter",
	      (unsigned long long)v.max_capacity);
	check(v.max_total_bytes == param("max_total_bytes"),
	      "VERSION max_total_bytes %llu = parameter", (unsigned long long)v.max_total_bytes);
	check(v.max_instances == param("max_instances"), "VERSION max_instances %u = parameter",
	      v.max_instances);
	shared_cap = param("shared_capacity");
	check(v.nr_instances >= 1 && v.nr_instances <= v.max_instances,
	      "VERSION nr_instances %u (the shared one at least)", v.nr_instances);
	check(v.total_bytes >= shared_cap && v.total_bytes <= v.max_total_bytes,
	      "VERSION total_bytes %llu >= shared capacity %llu",
	      (unsigned long long)v.total_bytes, shared_cap);
	check(v.max_user_bytes == param("max_user_bytes") &&
	      v.max_user_instances == param("max_user_instances"),
	      "VERSION max_user_bytes %llu, max_user_instances %u = parameters",
	      (unsigned long long)v.max_user_bytes, v.max_user_instances);
	check(v.user_instances <= v.nr_instances && v.user_bytes <= v.max_total_bytes * 4,
	      "VERSION user_instances %u, user_bytes %llu (root's)", v.user_instances,
	      (unsigned long long)v.user_bytes);
	{
		unsigned char old[EDUALLOC_VERSION_SIZE_V1 + 8];

		memset(old, 0xa5, sizeof(old));
		EXPECT(0, xioctl(fd, EDUALLOC_IOC_VERSION_V1, old),
		       "VERSION_V1 (the first, 88-byte VERSION) is still answered");
		check(!memcmp(old, &v, 32) && old[EDUALLOC_VERSION_SIZE_V1] == 0xa5,
		      "  its 88 bytes, the same values, nothing written past them");
	}
	check(param("dev_mode") == 0660 || param("dev_mode") != ~0ULL,
	      "dev_mode parameter readable (%#llo)", param("dev_mode"));

	/* Anything else: -ENOTTY, never a guess. */
	memset(buf, 0, sizeof(buf));
	EXPECT(ENOTTY, xioctl(fd, _IOR('x', 0x00, struct edualloc_version), buf),
	       "another type byte");
	EXPECT(ENOTTY, xioctl(fd, _IOWR(0xEA, 0x7f, struct edualloc_alloc), buf),
	       "an unknown command number");
	EXPECT(ENOTTY, xioctl(fd, _IOWR(0xEA, 0x20, struct edualloc_alloc), buf),
	       "a reserved command number (0x20)");
	EXPECT(ENOTTY, xioctl(fd, _IOR(0xEA, 0x00, __u64), buf),
	       "VERSION's number with another size");
	EXPECT(ENOTTY, xioctl(fd, _IOWR(0xEA, 0x00, struct edualloc_version), buf),
	       "VERSION's number with another direction");
	EXPECT(ENOTTY, xioctl(fd, _IOR(0xEA, 0x10, struct edualloc_alloc), buf),
	       "ALLOC as _IOR");
	EXPECT(ENOTTY, xioctl(fd, _IOWR(0xEA, 0x10, struct edualloc_free), buf),
	       "ALLOC with FREE's struct size");
	EXPECT(ENOTTY, xioctl(fd, _IO(0xEA, 0x18), NULL), "RESET as _IO");
	EXPECT(ENOTTY, xioctl(fd, 0, NULL), "command 0");
	EXPECT(ENOTTY, xioctl(fd, TCGETS, buf), "TCGETS (a tty ioctl)");
	EXPECT(ENOTTY, xioctl(fd, FIONREAD, buf), "FIONREAD");

	/* Not a seekable or readable file: only ioctl and mmap. */
	check(lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE, "lseek -> ESPIPE");
	check(read(fd, buf, 16) < 0 && errno == EINVAL, "read() -> EINVAL");

	close(fd);
	return abi_done();
}
