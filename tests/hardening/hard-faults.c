// SPDX-License-Identifier: GPL-2.0
/*
 * hard-faults: the fault-injection sweep.
 *
 *   hard-faults [-v] [-o NAME]   (-o: only the operations whose name has NAME)
 *
 * For every call that allocates (and every other command, since each
 * copies from or to userspace), fail each fault point the call reaches in
 * turn, and check that the call fails cleanly and leaves everything as it
 * was:
 *
 *  - the kernel's fault injection (debug kernel): /proc/thread-self/fail-nth
 *    steps through every slab allocation (FAILSLAB), page allocation
 *    (FAIL_PAGE_ALLOC, min-order 0) and user copy (FAULT_INJECTION_USERCOPY)
 *    the call makes, GFP_KERNEL ones included (ignore-gfp-wait N), inside
 *    vmalloc() too (the arena of a CREATE, the area of a large ALLOC: its
 *    page array, pages, page tables, KASAN shadow). The engine asks for
 *    those areas with __GFP_NOWARN, so a failure there is quiet; any
 *    warning would fail the run (the harness scans the console).
 *  - the engine's own fault injection (every kernel): CONFIG's fail_nth
 *    fails each kernel-memory request the engine makes, vmalloc() included.
 *
 * Before each attempt the instance is RESET and set up again, so every
 * attempt starts from the same state, and the state after it is compared,
 * field by field, with references taken without injection:
 *  - an injected failure must give ENOMEM or EFAULT (open: those or
 *    ENFILE) and leave STATS, the page map, the allocation list, the
 *    contents and bits the call touches, the instance list, the totals
 *    and the process's mappings exactly as before; when the engine refused
 *    for want of memory, exactly one failure is counted (failed_allocs,
 *    errors[KMEM] and the class's failures, one each), as its statistics
 *    promise;
 *  - a failure the kernel absorbed (a fallback took over) must give
 *    exactly the state of a call that was not injected;
 *  - ALLOC, REALLOC and CREATE whose result cannot be written back after
 *    they succeeded are taken back (the header's contract): -EFAULT and,
 *    as for every other failure, exactly the state before (no allocation
 *    nor free counted, the same next ID, the same peaks).
 * It prints the number of fault points tried and what came of them.
 */
#include "hard.h"

#define PROG "hard-faults"
#define FAILNTH "/proc/thread-self/fail-nth"
#define DBG "/sys/kernel/debug/"
#define MAXN 3000		/* fault points in one call: a runaway guard */

static int opt_verbose;
static const char *opt_only;

/* ---- The kernel's fault injection -------------------------------------------- */

static int nth_fd = -1;
static bool kernel_fi;

struct knob {
	const char *path;
	const char *value;
	char saved[64];
	bool set;
};

/* What the sweep needs; saved first and put back at the end. */
static struct knob knobs[] = {
	{ .path = DBG "failslab/ignore-gfp-wait", .value = "N" },
	{ .path = DBG "failslab/verbose", .value = "0" },
	{ .path = DBG "fail_page_alloc/ignore-gfp-wait", .value = "N" },
	{ .path = DBG "fail_page_alloc/min-order", .value = "0" },
	{ .path = DBG "fail_page_alloc/verbose", .value = "0" },
	{ .path = DBG "fail_usercopy/verbose", .value = "0" },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static bool fi_setup(void)
{
	unsigned int i;

	nth_fd = open(FAILNTH, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		return false;
	for (i = 0; i < NKNOBS; i++) {
		struct knob *k = &knobs[i];

		read_line(k->path, k->saved, sizeof(k->saved));
		if (write_file(k->path, k->value)) {
			printf("%s: cannot set %s\n", PROG, k->path);
			return false;
		}
		k->set = true;
	}
	printf("%s: kernel fault injection: FAILSLAB, FAIL_PAGE_ALLOC (min-order 0), "
	       "FAULT_INJECTION_USERCOPY, GFP_KERNEL and vmalloc's inside included\n", PROG);
	return true;
}

static void fi_restore(void)
{
	unsigned int i;

	for (i = 0; i < NKNOBS; i++)
		if (knobs[i].set && knobs[i].saved[0])
			write_file(knobs[i].path, knobs[i].saved);
}

/* Fail the @n-th fault point this thread reaches from now. */
static void arm(unsigned int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, l, 0) != l) {
		printf("%s: cannot write %s: %s\n", PROG, FAILNTH, strerror(errno));
		exit(1);
	}
}

/*
 * Disarm; true if the fault was injected. Reading fail-nth is itself a
 * user copy: with 1 left, the read fails (and uses it up); with more, it
 * reads the count; with 0, the fault was injected.
 */
static bool disarm(void)
{
	char b[16] = "";
	ssize_t n = pread(nth_fd, b, sizeof(b) - 1, 0);
	bool injected = n > 0 && atoi(b) == 0;

	pwrite(nth_fd, "0", 1, 0);
	return injected;
}

/* ---- The state: what an injected failure must leave as it was ------------------ */

#define NPAGES 256
#define NALLOCS 64
#define NLIST 64

struct snap {
	int st_err;
	struct edualloc_stats st;
	uint32_t npages;
	struct edualloc_page pages[NPAGES];
	uint32_t nallocs;
	struct edualloc_alloc_info allocs[NALLOCS];
	uint32_t nr_instances;
	uint64_t total_bytes;
	uint32_t nlist;
	struct edualloc_inst_info list[NLIST];
	int maps;
	unsigned char content[2][512];
	uint32_t bits[2];
};

struct sweep {
	int fd;			/* the file under test, owning private instance P */
	int ctl;		/* a second file, for bookkeeping */
	int g;			/* a fresh file, for CREATE and open */
	int id[2];		/* allocations made by the set-up */
	uint64_t off[2];
	uint64_t size[2];
	struct edualloc_alloc_info out;	/* what the call under test returned */
	void *map;		/* what mmap returned */
	size_t maplen;
	unsigned char pat[2][20000];
};

static int count_maps(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n++;
	if (f)
		fclose(f);
	return n;
}

static void take(struct sweep *s, struct snap *p)
{
	struct edualloc_pages pg = { .buf = (uintptr_t)p->pages, .max = NPAGES };
	struct edualloc_allocs al = { .buf = (uintptr_t)p->allocs, .max = NALLOCS };
	struct edualloc_list li = { .buf = (uintptr_t)p->list, .max = NLIST };
	struct edualloc_version v;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->st_err = do_stats(s->fd, &p->st);
	stats_mask_volatile(&p->st);
	if (!xioctl(s->fd, EDUALLOC_IOC_PAGES, &pg))
		p->npages = pg.count;
	if (!xioctl(s->fd, EDUALLOC_IOC_ALLOCS, &al))
		p->nallocs = al.count;
	if (!do_version(s->ctl, &v)) {
		p->nr_instances = v.nr_instances;
		p->total_bytes = v.total_bytes;
	}
	if (!xioctl(s->ctl, EDUALLOC_IOC_LIST, &li))
		p->nlist = li.count;
	for (i = 0; i < p->nlist; i++)
		p->list[i].id = 0;	/* an instance made again is the same to us */
	p->maps = count_maps();
	/*
	 * Only calls that cannot be refused: a refused LOOKUP, READ or BIT
	 * is counted in the statistics, and looking must not change them.
	 */
	for (i = 0; i < 2; i++) {
		struct edualloc_bit b = { .op = EDUALLOC_BIT_GET, .bit = 7 + 2 * i };
		uint32_t k;

		for (k = 0; k < p->nallocs; k++)
			if (p->allocs[k].id == s->id[i] && s->id[i] > 0)
				do_rw(s->fd, 0, s->id[i], 0, p->content[i],
				      p->allocs[k].size < 512 ? p->allocs[k].size : 512);
		if (!p->st_err && p->st.bitset_bits > b.bit && !xioctl(s->fd, EDUALLOC_IOC_BIT, &b))
			p->bits[i] = b.value;
	}
}

/* The first difference between two states, or NULL. */
static const char *diff(const struct snap *a, const struct snap *b, char *buf, size_t len)
{
	uint32_t i;

	if (a->st_err != b->st_err) {
		snprintf(buf, len, "STATS: %s -> %s", ename(a->st_err), ename(b->st_err));
		return buf;
	}
	if (stats_diff(&a->st, &b->st, buf, len))
		return buf;
	if (a->npages != b->npages || memcmp(a->pages, b->pages, a->npages * sizeof(a->pages[0]))) {
		for (i = 0; i < a->npages && !memcmp(&a->pages[i], &b->pages[i], sizeof(a->pages[0])); i++)
			;
		snprintf(buf, len, "page map: page %u (kind %u -> %u)", i, a->pages[i].kind,
			 b->pages[i].kind);
		return buf;
	}
	if (a->nallocs != b->nallocs || memcmp(a->allocs, b->allocs, a->nallocs * sizeof(a->allocs[0]))) {
		snprintf(buf, len, "allocations: %u -> %u", a->nallocs, b->nallocs);
		return buf;
	}
	if (a->nr_instances != b->nr_instances || a->total_bytes != b->total_bytes) {
		snprintf(buf, len, "instances: %u (%llu bytes) -> %u (%llu bytes)", a->nr_instances,
			 (unsigned long long)a->total_bytes, b->nr_instances,
			 (unsigned long long)b->total_bytes);
		return buf;
	}
	if (a->nlist != b->nlist || memcmp(a->list, b->list, a->nlist * sizeof(a->list[0]))) {
		snprintf(buf, len, "instance list differs (%u -> %u entries)", a->nlist, b->nlist);
		return buf;
	}
	if (a->maps != b->maps) {
		snprintf(buf, len, "mappings: %d -> %d", a->maps, b->maps);
		return buf;
	}
	if (memcmp(a->content, b->content, sizeof(a->content))) {
		snprintf(buf, len, "contents of the allocations changed");
		return buf;
	}
	if (memcmp(a->bits, b->bits, sizeof(a->bits))) {
		snprintf(buf, len, "bits 7, 9: %u %u -> %u %u", a->bits[0], a->bits[1], b->bits[0],
			 b->bits[1]);
		return buf;
	}
	return NULL;
}

/*
 * @b is @a plus exactly one refused allocation counted as the engine
 * counts a kernel-memory failure (class @cls, or none for a large one).
 */
static bool one_kmem_failure(const struct snap *a, const struct snap *b, int cls)
{
	struct snap x = *a;
	char buf[128];

	x.st.failed_allocs++;
	x.st.errors[EDUALLOC_ERR_KMEM]++;
	if (cls >= 0 && cls < EDUALLOC_NR_CLASSES)
		x.st.cls[cls].failures++;
	return !diff(&x, b, buf, sizeof(buf));
}

/* ---- The operations ------------------------------------------------------------- */

enum {
	F_ENGINE = 1,		/* also sweep the engine's own fail_nth */
	F_TAKEN_BACK = 2,	/* makes something the device takes back on EFAULT */
	F_GLOBAL = 4,		/* no reference after success: creates something new */
};

struct op {
	const char *name;
	unsigned int flags;
	int cls;		/* the class whose failures count, -1 for none */
	void (*setup)(struct sweep *s);
	int (*run)(struct sweep *s);
	void (*undo)(struct sweep *s);	/* after a success: back to before */
};

static int alloc_on(int fd, unsigned long long size, struct edualloc_alloc_info *out)
{
	return do_alloc(fd, size, out);
}

static void setup_n(struct sweep *s, int i, unsigned long long size)
{
	struct edualloc_alloc_info a;
	size_t n;

	if (alloc_on(s->fd, size, &a)) {
		printf("%s: set-up ALLOC %llu failed\n", PROG, size);
		return;
	}
	s->id[i] = a.id;
	s->off[i] = a.offset;
	s->size[i] = size;
	n = size < sizeof(s->pat[i]) ? size : sizeof(s->pat[i]);
	memset(s->pat[i], 0x30 + i, n);
	do_rw(s->fd, 1, a.id, 0, s->pat[i], n);
}

static void su_none(struct sweep *s) { (void)s; }
static void su_small(struct sweep *s) { setup_n(s, 0, 100); }
static void su_spare(struct sweep *s) { setup_n(s, 0, 100); do_free_id(s->fd, s->id[0]); s->id[0] = 0; }
static void su_large(struct sweep *s) { setup_n(s, 0, 300000); }
static void su_big(struct sweep *s) { setup_n(s, 0, 20000); }
static void su_two(struct sweep *s) { setup_n(s, 0, 100); setup_n(s, 1, 300000); }
static void su_bits(struct sweep *s)
{
	struct edualloc_bit b = { .op = EDUALLOC_BIT_SET, .bit = 9 };

	xioctl(s->fd, EDUALLOC_IOC_BIT, &b);
}

static int run_alloc(struct sweep *s, unsigned long long size)
{
	return -alloc_on(s->fd, size, &s->out);
}

static int r_alloc_slab(struct sweep *s) { return run_alloc(s, 100); }
static int r_alloc_block(struct sweep *s) { return run_alloc(s, 10000); }
static int r_alloc_large(struct sweep *s) { return run_alloc(s, 300000); }
static void u_free_out(struct sweep *s) { do_free_id(s->fd, s->out.id); }

static int r_free0(struct sweep *s) { return -do_free_id(s->fd, s->id[0]); }
static int r_free_off(struct sweep *s)
{
	struct edualloc_free f = { .flags = EDUALLOC_FREE_BY_OFFSET, .offset = s->off[0] };

	return -xioctl(s->fd, EDUALLOC_IOC_FREE, &f);
}

static int r_lookup(struct sweep *s)
{
	struct edualloc_alloc_info a;

	return -do_lookup_id(s->fd, s->id[0], &a);
}

/* (Each run function makes exactly one system call: the one under injection.) */
static int r_read(struct sweep *s)
{
	static unsigned char buf[20000];

	return -do_rw(s->fd, 0, s->id[0], 0, buf, s->size[0]);
}

static int r_write(struct sweep *s)
{
	static unsigned char buf[20000];

	memset(buf, 0xa7, sizeof(buf));
	return -do_rw(s->fd, 1, s->id[0], 0, buf, s->size[0]);
}

static int run_realloc(struct sweep *s, unsigned long long size)
{
	struct edualloc_realloc r = { .id = s->id[0], .size = size };
	int ret = xioctl(s->fd, EDUALLOC_IOC_REALLOC, &r);

	s->out = r.info;
	return -ret;
}

static int r_realloc_grow(struct sweep *s) { return run_realloc(s, 1000); }
static int r_realloc_large(struct sweep *s) { return run_realloc(s, 300000); }
static int r_realloc_small(struct sweep *s) { return run_realloc(s, 100); }

static int run_bit(struct sweep *s, unsigned int op, unsigned int bit)
{
	struct edualloc_bit b = { .op = op, .bit = bit };

	return -xioctl(s->fd, EDUALLOC_IOC_BIT, &b);
}

static int r_bit_set(struct sweep *s) { return run_bit(s, EDUALLOC_BIT_SET, 7); }
static int r_bit_clear(struct sweep *s) { return run_bit(s, EDUALLOC_BIT_CLEAR, 9); }
static int r_bit_find(struct sweep *s) { return run_bit(s, EDUALLOC_BIT_FIND, 0); }
static int r_bit_clear_all(struct sweep *s) { return run_bit(s, EDUALLOC_BIT_CLEAR_ALL, 0); }

static int r_stats(struct sweep *s)
{
	struct edualloc_stats st;

	return -do_stats(s->fd, &st);
}

static int r_validate(struct sweep *s)
{
	char why[128];

	return -do_validate(s->fd, why, sizeof(why));
}

static int r_pages(struct sweep *s)
{
	static struct edualloc_page pages[NPAGES];
	struct edualloc_pages p = { .buf = (uintptr_t)pages, .max = NPAGES };

	return -xioctl(s->fd, EDUALLOC_IOC_PAGES, &p);
}

static int r_allocs(struct sweep *s)
{
	static struct edualloc_alloc_info out[EDUALLOC_ALLOCS_MAX];
	struct edualloc_allocs a = { .buf = (uintptr_t)out, .max = EDUALLOC_ALLOCS_MAX };

	return -xioctl(s->fd, EDUALLOC_IOC_ALLOCS, &a);
}

static int r_list(struct sweep *s)
{
	static struct edualloc_inst_info infos[NLIST];
	struct edualloc_list l = { .buf = (uintptr_t)infos, .max = NLIST };

	return -xioctl(s->fd, EDUALLOC_IOC_LIST, &l);
}

static int r_version(struct sweep *s)
{
	struct edualloc_version v;

	return -do_version(s->fd, &v);
}

static int r_reset(struct sweep *s)
{
	struct edualloc_reset r = { 0 };

	return -xioctl(s->fd, EDUALLOC_IOC_RESET, &r);
}

static int r_config_read(struct sweep *s)
{
	struct edualloc_config c = { 0 };

	return -xioctl(s->fd, EDUALLOC_IOC_CONFIG, &c);
}

static int set_debug(struct sweep *s, unsigned int on)
{
	struct edualloc_config c = { .flags = EDUALLOC_CONFIG_SET_DEBUG, .debug = on };

	return -xioctl(s->fd, EDUALLOC_IOC_CONFIG, &c);
}

static int r_config_debug(struct sweep *s) { return set_debug(s, 0); }
static void u_config_debug(struct sweep *s) { set_debug(s, 1); }

static int named(int fd, unsigned long cmd, const char *name, unsigned long long cap)
{
	union {
		struct edualloc_create c;
		struct edualloc_attach a;
		struct edualloc_destroy d;
	} u;

	memset(&u, 0, sizeof(u));
	strcpy(u.c.name, name);
	if (cmd == EDUALLOC_IOC_CREATE) {
		u.c.capacity = cap;
		u.c.bitset_bits = 128;
		u.c.flags = EDUALLOC_CREATE_QUIET;
	}
	return -xioctl(fd, cmd, &u);
}

static int attach_private(int fd)
{
	struct edualloc_attach a = { .flags = EDUALLOC_ATTACH_PRIVATE };

	return -xioctl(fd, EDUALLOC_IOC_ATTACH, &a);
}

static void su_fresh(struct sweep *s)
{
	if (s->g >= 0)
		close(s->g);
	s->g = open(DEV, O_RDWR | O_CLOEXEC);
}

static int r_create_private(struct sweep *s)
{
	struct edualloc_create c = { .capacity = 64 * KiB, .bitset_bits = 128,
				     .flags = EDUALLOC_CREATE_QUIET };

	return -xioctl(s->g, EDUALLOC_IOC_CREATE, &c);
}

static void u_close_g(struct sweep *s)
{
	close(s->g);
	s->g = -1;
}

static int r_create_named(struct sweep *s) { return named(s->g, EDUALLOC_IOC_CREATE, "hf-new", 128 * KiB); }
static void u_destroy_new(struct sweep *s) { named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-new", 0); u_close_g(s); }
static int r_attach_named(struct sweep *s) { return named(s->fd, EDUALLOC_IOC_ATTACH, "hf-sweep", 0); }
static void u_attach_back(struct sweep *s) { attach_private(s->fd); }
static void su_on_shared(struct sweep *s) { named(s->fd, EDUALLOC_IOC_ATTACH, "shared", 0); }
static int r_attach_private(struct sweep *s) { return attach_private(s->fd); }
static void su_victim(struct sweep *s) { named(s->ctl, EDUALLOC_IOC_CREATE, "hf-victim", 64 * KiB); }
static int r_destroy(struct sweep *s) { return named(s->fd, EDUALLOC_IOC_DESTROY, "hf-victim", 0); }

static int r_open(struct sweep *s)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(s->g >= 0 ? s->g : -1);
	s->g = fd;
	return 0;
}

static int r_mmap_arena(struct sweep *s)
{
	s->maplen = MiB;
	s->map = mmap(NULL, s->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	return s->map == MAP_FAILED ? errno : 0;
}

static int r_mmap_large(struct sweep *s)
{
	s->maplen = 300000 + 4096 - 300000 % 4096;
	s->map = mmap(NULL, s->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
		      EDUALLOC_LARGE_BASE + ((uint64_t)s->id[0] << EDUALLOC_LARGE_SHIFT));
	return s->map == MAP_FAILED ? errno : 0;
}

static void u_munmap(struct sweep *s) { munmap(s->map, s->maplen); }

static const struct op ops[] = {
	{ "ALLOC small, new slab", F_ENGINE | F_TAKEN_BACK, 4, su_none, r_alloc_slab, u_free_out },
	{ "ALLOC small, partial slab", F_ENGINE | F_TAKEN_BACK, 4, su_small, r_alloc_slab, u_free_out },
	{ "ALLOC small, spare slab", F_ENGINE | F_TAKEN_BACK, 4, su_spare, r_alloc_slab, u_free_out },
	{ "ALLOC block", F_ENGINE | F_TAKEN_BACK, 11, su_none, r_alloc_block, u_free_out },
	{ "ALLOC large", F_ENGINE | F_TAKEN_BACK, -1, su_none, r_alloc_large, u_free_out },
	{ "REALLOC small to small", F_ENGINE | F_TAKEN_BACK, 7, su_small, r_realloc_grow, NULL },
	{ "REALLOC small to large", F_ENGINE | F_TAKEN_BACK, -1, su_small, r_realloc_large, NULL },
	{ "REALLOC large to small", F_ENGINE | F_TAKEN_BACK, 4, su_large, r_realloc_small, NULL },
	{ "FREE by ID", 0, -1, su_small, r_free0, NULL },
	{ "FREE by offset, large", 0, -1, su_large, r_free_off, NULL },
	{ "LOOKUP", 0, -1, su_small, r_lookup, NULL },
	{ "READ 100 bytes", 0, -1, su_small, r_read, NULL },
	{ "READ 20000 bytes", 0, -1, su_big, r_read, NULL },
	{ "WRITE 100 bytes", 0, -1, su_small, r_write, NULL },
	{ "WRITE 20000 bytes", 0, -1, su_big, r_write, NULL },
	{ "BIT SET", 0, -1, su_bits, r_bit_set, NULL },
	{ "BIT CLEAR", 0, -1, su_bits, r_bit_clear, NULL },
	{ "BIT FIND", 0, -1, su_bits, r_bit_find, NULL },
	{ "BIT CLEAR_ALL", 0, -1, su_bits, r_bit_clear_all, NULL },
	{ "STATS", 0, -1, su_two, r_stats, NULL },
	{ "VALIDATE", 0, -1, su_two, r_validate, NULL },
	{ "PAGES", 0, -1, su_two, r_pages, NULL },
	{ "ALLOCS", 0, -1, su_two, r_allocs, NULL },
	{ "LIST", 0, -1, su_two, r_list, NULL },
	{ "VERSION", 0, -1, su_none, r_version, NULL },
	{ "RESET", 0, -1, su_two, r_reset, NULL },
	{ "CONFIG (read)", 0, -1, su_none, r_config_read, NULL },
	{ "CONFIG debug off", 0, -1, su_small, r_config_debug, u_config_debug },
	{ "CREATE private", F_GLOBAL | F_TAKEN_BACK, -1, su_fresh, r_create_private, u_close_g },
	{ "CREATE named", F_GLOBAL | F_TAKEN_BACK, -1, su_fresh, r_create_named, u_destroy_new },
	{ "ATTACH named", 0, -1, su_small, r_attach_named, u_attach_back },
	{ "ATTACH private", 0, -1, su_on_shared, r_attach_private, NULL },
	{ "DESTROY", F_GLOBAL, -1, su_victim, r_destroy, NULL },
	{ "open", F_GLOBAL, -1, su_fresh, r_open, u_close_g },
	{ "mmap the arena", 0, -1, su_two, r_mmap_arena, u_munmap },
	{ "mmap a large allocation", 0, -1, su_large, r_mmap_large, u_munmap },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* ---- The sweep -------------------------------------------------------------------- */

struct tot {
	long points;		/* fault points tried */
	long clean;		/* clean error, state exactly as before */
	long counted;		/* clean error, the engine's one failure counted */
	long absorbed;		/* a fallback took over: as a call not injected */
	long taken_back;	/* of the clean: EFAULT from ALLOC, REALLOC, CREATE (probe or result) */
	long by_err[NR_ERRNO];
};

/* Back to the starting point of every attempt: P attached, reset, set up. */
static void restart(struct sweep *s, const struct op *op)
{
	struct edualloc_reset r = { 0 };

	attach_private(s->fd);
	set_debug(s, 1);	/* RESET keeps it: a CONFIG that stood must not leak into the next */
	xioctl(s->fd, EDUALLOC_IOC_RESET, &r);
	s->id[0] = s->id[1] = 0;
	s->off[0] = s->off[1] = 0;
	memset(&s->out, 0, sizeof(s->out));
	op->setup(s);
}

static int engine_arm(struct sweep *s, unsigned int n)
{
	struct edualloc_config c = { .flags = EDUALLOC_CONFIG_SET_FAIL_NTH, .fail_nth = n };

	return xioctl(s->fd, EDUALLOC_IOC_CONFIG, &c);
}

/*
 * Sweep one operation with one injector (@engine: CONFIG's fail_nth; else
 * /proc/thread-self/fail-nth). Returns the number of fault points.
 */
static long sweep_op(struct sweep *s, const struct op *op, bool engine, struct tot *t)
{
	struct snap *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	struct snap *s0 = malloc(sizeof(*s0)), *s1 = malloc(sizeof(*s1));
	const char *kind = engine ? "engine fail_nth" : "fail-nth";
	unsigned int n;
	long points = -1, bad = 0;
	char why[160];
	int r;

	/* References: before, and after a success. */
	restart(s, op);
	take(s, before);
	r = op->run(s);
	take(s, after);
	if (r) {
		check(0, "%s: without injection -> %s", op->name, ename(r));
		goto out;
	}
	if (op->undo)
		op->undo(s);

	for (n = 1; n <= MAXN; n++) {
		bool injected;
		const char *d;

		restart(s, op);
		take(s, s0);
		if (diff(before, s0, why, sizeof(why))) {
			check(0, "%s: %s %u: the set-up does not repeat: %s", op->name, kind, n, why);
			bad++;
			break;
		}
		if (engine) {
			engine_arm(s, n);
			r = op->run(s);
			engine_arm(s, 0);
			injected = r == ENOMEM;
		} else {
			arm(n);
			r = op->run(s);
			injected = disarm();
		}
		take(s, s1);
		if (!injected) {
			if (r || (!(op->flags & F_GLOBAL) && diff(after, s1, why, sizeof(why)))) {
				check(0, "%s: %s %u not reached: -> %s, %s", op->name, kind, n, ename(r),
				      r ? "an error" : why);
				bad++;
			}
			if (!r && op->undo)
				op->undo(s);
			points = n - 1;
			break;
		}
		t->points++;
		t->by_err[r < NR_ERRNO ? r : 0]++;
		if (!r) {		/* absorbed by a fallback */
			d = op->flags & F_GLOBAL ? NULL : diff(after, s1, why, sizeof(why));
			if (d) {
				check(0, "%s: %s %u: absorbed, but not as a success: %s", op->name, kind,
				      n, d);
				bad++;
			}
			t->absorbed++;
			if (op->undo)
				op->undo(s);
			continue;
		}
		if (r != ENOMEM && r != EFAULT && !(r == ENFILE && op->run == r_open)) {
			check(0, "%s: %s %u: -> %s, not a clean error", op->name, kind, n, ename(r));
			bad++;
			continue;
		}
		d = diff(s0, s1, why, sizeof(why));
		if (!d) {
			t->clean++;
			if (r == EFAULT && op->flags & F_TAKEN_BACK)
				t->taken_back++;
		} else if (r == ENOMEM && one_kmem_failure(s0, s1, op->cls)) {
			t->counted++;
		} else {
			check(0, "%s: %s %u: -> %s, and the state changed: %s", op->name, kind, n,
			      ename(r), d);
			bad++;
		}
		if (opt_verbose)
			printf("%s:   %s %u -> %s%s\n", PROG, kind, n, ename(r), d ? "" : " (clean)");
	}
	if (n > MAXN) {
		check(0, "%s: more than %d fault points", op->name, MAXN);
		bad++;
	}
	if (points >= 0 && !bad)
		check(1, "%s: %s: %ld fault points, each a clean failure", op->name, kind, points);
out:
	free(before);
	free(after);
	free(s0);
	free(s1);
	return points;
}

static void print_tot(const char *what, const struct tot *t)
{
	int i;

	printf("%s: %s: %ld fault points: %ld clean errors (state exactly as before; "
	       "%ld of them EFAULT from ALLOC, REALLOC or CREATE), "
	       "%ld refused with the one failure counted, %ld absorbed by a fallback\n",
	       PROG, what, t->points, t->clean, t->taken_back, t->counted, t->absorbed);
	printf("%s: %s: results:", PROG, what);
	for (i = 0; i < NR_ERRNO; i++)
		if (t->by_err[i])
			printf(" %s %ld", i ? ename(i) : "ok", t->by_err[i]);
	printf("\n");
}

/* kmemleak's verdict on everything so far; -1 if there is no kmemleak. */
static int kmemleak_scan(void)
{
	char line[512];
	FILE *f;
	int n = 0;

	if (write_file(DBG "kmemleak", "scan"))
		return -1;
	sleep(6);	/* kmemleak ignores objects younger than 5 s */
	if (write_file(DBG "kmemleak", "scan"))
		return -1;
	f = fopen(DBG "kmemleak", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "unreferenced object"))
			n++;
		if (n && n <= 3)
			printf("%s:   kmemleak: %s", PROG, line);
	}
	if (f)
		fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	struct sweep *s = calloc(1, sizeof(*s));
	struct edualloc_create c;
	struct tot kt = { 0 }, et = { 0 };
	double t0 = now_s();
	unsigned int i;
	int opt, leaks;

	abi_init(PROG);
	while ((opt = getopt(argc, argv, "vo:")) != -1) {
		if (opt == 'v')
			opt_verbose = 1;
		else if (opt == 'o')
			opt_only = optarg;
		else
			return 2;
	}
	if (access(DEV, F_OK))
		hard_skip(DEV " does not exist");
	if (geteuid())
		hard_skip("needs root");

	s->fd = dev_open();
	s->ctl = dev_open();
	s->g = -1;
	memset(&c, 0, sizeof(c));
	c.capacity = MiB;
	c.bitset_bits = 256;
	c.flags = EDUALLOC_CREATE_QUIET | EDUALLOC_CREATE_DEBUG_ON;
	if (xioctl(s->fd, EDUALLOC_IOC_CREATE, &c)) {
		check(0, "CREATE the private instance under test");
		return hard_done();
	}
	named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-sweep", 0);
	named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-new", 0);
	named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-victim", 0);
	named(s->ctl, EDUALLOC_IOC_CREATE, "hf-sweep", 64 * KiB);

	/* The engine's own injection: every kernel. */
	for (i = 0; i < NOPS; i++) {
		if (!(ops[i].flags & F_ENGINE) || (opt_only && !strstr(ops[i].name, opt_only)))
			continue;
		sweep_op(s, &ops[i], true, &et);
	}
	print_tot("engine fail_nth", &et);

	kernel_fi = fi_setup();
	if (kernel_fi) {
		for (i = 0; i < NOPS; i++) {
			if (opt_only && !strstr(ops[i].name, opt_only))
				continue;
			sweep_op(s, &ops[i], false, &kt);
		}
		fi_restore();
		print_tot("kernel fail-nth", &kt);
	}

	named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-sweep", 0);
	named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-new", 0);
	named(s->ctl, EDUALLOC_IOC_DESTROY, "hf-victim", 0);
	close(s->fd);
	close(s->ctl);
	if (s->g >= 0)
		close(s->g);
	printf("%s: %ld fault points tried (%ld kernel, %ld engine) in %.1f s\n", PROG,
	       kt.points + et.points, kt.points, et.points, now_s() - t0);

	if (!kernel_fi) {
		check(1, "engine fault injection: %ld points, all clean", et.points);
		hard_skip("no " FAILNTH " (a kernel without CONFIG_FAULT_INJECTION): "
			  "the kernel's fault injection was not swept");
	}
	leaks = kmemleak_scan();
	if (leaks >= 0)
		check(!leaks, "kmemleak after the sweep: %d unreferenced objects", leaks);
	return hard_done();
}
