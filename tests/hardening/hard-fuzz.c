// SPDX-License-Identifier: GPL-2.0
/*
 * hard-fuzz: a seedable ioctl fuzzer for /dev/edualloc.
 *
 *   hard-fuzz [-s SEED|random] [-n CALLS] [-d SECONDS] [-j THREADS] [-v]
 *
 * Phase A (model), deterministic for a seed: one thread drives several
 * files and instances (private ones with and without a bitset, with debug
 * checks on and off, one whose IDs run out; named ones created, attached
 * and destroyed; the shared one) with every command, valid and invalid:
 * unknown command numbers and sizes; sizes 0, 1, each class edge, huge
 * and "negative"; random flags and reserved bytes; IDs live, freed, never
 * issued and negative; offsets inside, outside and unaligned; argument
 * and buffer pointers NULL, unmapped, read-only, straddling a hole and in
 * the kernel half; mmap, mremap, mprotect and munmap of random ranges,
 * with random bytes scribbled through the mappings. A model of every
 * instance it made predicts each result: the errno must be one the
 * header allows for that call, and a success must return what the model
 * says (IDs, offsets, sizes, contents read back, through READ and through
 * the mappings, bits, statistics, the ALLOCS list). A prefix of the phase
 * is then replayed with the same seed and must give the same results.
 *
 * Phase B (races): several threads on one file, children forked with the
 * file shared, files closed and replaced (dup2) under calls made on them,
 * a named instance destroyed and made again under its users. Each call
 * must end in success or an errno its races allow; afterwards every
 * instance must VALIDATE and its statistics add up.
 *
 * It prints the seed, the number of calls and the count of each errno,
 * and one line per check. Everything it makes it destroys. In the debug
 * kernel, KASAN, lockdep and kmemleak watch it all (the harness scans the
 * console after the run).
 */
#include "hard.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>

#define PROG "hard-fuzz"

/* ---- Options and shared counters ------------------------------------- */

static uint64_t opt_seed = 0xeda110c8f022ULL;
static long opt_calls = 200000;
static double opt_secs;		/* > 0: run rounds until this long has passed */
static int opt_threads = 4;
static int opt_verbose;

struct shared {
	struct tally t;			/* every call to the device */
	long unexpected;
	long reports;
	long phase_b_calls;
	long forks;
	long model_checks;		/* results compared with the model */
};
static struct shared *sh;

#define MAX_REPORTS 30

static uint64_t cur_seed;
static long cur_call;

__attribute__((format(printf, 1, 2)))
static void unexpected(const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&sh->unexpected, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&sh->reports, 1, __ATOMIC_RELAXED) > MAX_REPORTS)
		return;
	printf("%s: UNEXPECTED (seed %#llx, call %ld): ", PROG,
	       (unsigned long long)cur_seed, cur_call);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- Errno sets -------------------------------------------------------- */

typedef unsigned __int128 eset;
#define E(e)	((eset)1 << (e))
#define OK	E(0)			/* success allowed */

static const char *eset_str(eset s, char *buf, size_t len)
{
	size_t n = 0;
	int e;

	buf[0] = 0;
	for (e = 0; e < 128 && n < len; e++)
		if (s & E(e))
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      e ? ename(e) : "ok");
	return buf;
}

/* ---- The commands ------------------------------------------------------- */

/* The commands, from the uapi header's list: C_VERSION ... C_BATCH. */
#define C_ENUM(NAME, type)	C_##NAME,
enum { EDUALLOC_COMMANDS(C_ENUM) NR_CMDS };

#define C_ROW(NAME, type)	[C_##NAME] = { #NAME, EDUALLOC_IOC_##NAME },
static const struct {
	const char *name;
	unsigned long cmd;
} cmds[NR_CMDS] = { EDUALLOC_COMMANDS(C_ROW) };

/* _IOR/_IOWR: the call writes its argument back, a read-only one fails. */
static bool writes_back(int k)
{
	return _IOC_DIR(cmds[k].cmd) & _IOC_READ;
}

/*
 * Everything the header allows each command, races included: its
 * "Errors:" block and the rules for every ioctl, read from the header at
 * build time (cmd_errs.py makes ERRS_<command>). Not here: -ENOTTY (every
 * number we send as a command is one) and -EBADF (our files are open
 * read-write; b_call() allows it on VICTIM).
 */
#include "cmd-errs.h"

#define NOT_HERE		(E(ENOTTY) | E(EBADF))
#define C_ERRS(NAME, type)	[C_##NAME] = ERRS_##NAME & ~NOT_HERE,
static const eset cmd_errs[NR_CMDS] = { EDUALLOC_COMMANDS(C_ERRS) };

/* Calls per command, and the other syscalls on the device. */
enum { K_UNKNOWN = NR_CMDS, K_MMAP, K_MUNMAP, K_MPROTECT, K_MREMAP, K_OPEN,
	K_CLOSE, NR_KINDS };
static const char *const kind_names[NR_KINDS - NR_CMDS] = {
	"unknown-cmd", "mmap", "munmap", "mprotect", "mremap", "open", "close",
};
static long *per_kind;		/* NR_KINDS counters, in shared memory */

static void count(int kind, int err)
{
	tally_add(&sh->t, err);
	__atomic_add_fetch(&per_kind[kind], 1, __ATOMIC_RELAXED);
}

/* ---- Per-thread context: PRNG and the bad pointers ---------------------- */

enum { P_OK, P_NULL, P_UNMAPPED, P_KADDR, P_MINUS8, P_RO, P_STRADDLE, NR_PTRS };
static const char *const ptr_names[NR_PTRS] = {
	"ok", "NULL", "unmapped", "kernel", "-8", "read-only", "straddling",
};

struct ctx {
	struct rng r;
	unsigned char *ro;		/* a page we make read-only after filling it */
	unsigned char *strad;		/* a page followed by an inaccessible one */
	void *unmapped;
	unsigned char *buf;		/* a 2 MiB scratch buffer for READ/WRITE */
	unsigned char *buf2;
};

#define BUFSZ (2 * MiB)

static void ctx_init(struct ctx *c, uint64_t seed)
{
	rng_seed(&c->r, seed);
	/* Two pages we fill and make read-only, then a guard page. */
	c->ro = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->strad = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->ro == MAP_FAILED || c->strad == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	/* Guard pages, not holes: a later mmap() could fill a hole. */
	mprotect(c->strad + 4096, 4096, PROT_NONE);
	mprotect(c->ro + 8192, 4096, PROT_NONE);
	c->unmapped = unmapped_page();
	c->buf = malloc(BUFSZ);
	c->buf2 = malloc(BUFSZ);
	if (!c->buf || !c->buf2)
		exit(1);
	memset(c->buf, 0, BUFSZ);
	memset(c->buf2, 0, BUFSZ);
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->ro, 3 * 4096);
	munmap(c->strad, 8192);
	free(c->buf);
	free(c->buf2);
}

/* Where a pointer of kind @k to @len bytes like @src points. */
static void *bad_ptr(struct ctx *c, int k, const void *src, size_t len)
{
	switch (k) {
	case P_NULL:
		return NULL;
	case P_UNMAPPED:
		return c->unmapped;
	case P_KADDR:
		return KADDR;
	case P_MINUS8:
		return (void *)(uintptr_t)-8;
	case P_RO:
		mprotect(c->ro, 8192, PROT_READ | PROT_WRITE);
		if (src)
			memcpy(c->ro, src, len > 8192 ? 8192 : len);
		mprotect(c->ro, 8192, PROT_READ);
		return c->ro;
	case P_STRADDLE:
		if (len < 2)
			return c->strad + 4096;	/* the hole itself */
		if (src)
			memcpy(c->strad + 4096 - len / 2, src, len / 2);
		return c->strad + 4096 - len / 2;
	default:
		return (void *)src;
	}
}

/* Mostly good pointers; sometimes each kind of bad one. */
static int pick_ptr(struct ctx *c, unsigned int pct_bad)
{
	if (!chance(&c->r, pct_bad))
		return P_OK;
	return 1 + below(&c->r, NR_PTRS - 1);
}

/* ioctl, counted; returns 0 or a positive errno. */
static int dev_ioctl(int fd, int k, unsigned long cmd, void *arg)
{
	int r = ioctl(fd, cmd, arg) < 0 ? errno : 0;

	count(k, r);
	return r;
}

/* ---- The model ----------------------------------------------------------- */

#define MAXLIVE		256
#define MAXINST		24
#define NFILES		4
#define MAXMAPS		10
#define INTMAX		0x7fffffffU

struct ment {
	int id;
	unsigned int cls;
	uint64_t size, off, csize;
	uint64_t serial;	/* unique per allocation made, for mappings */
	unsigned char *shadow;	/* what the allocation holds */
	bool clean;		/* false once scribbled over through a mapping */
};

struct minst {
	bool used;		/* slot taken */
	bool alive;		/* not destroyed */
	bool known;		/* made by us: fully modelled */
	int kind;
	char name[EDUALLOC_NAME_MAX];
	uint64_t cap;
	uint32_t bits, first_id, next_id;
	bool debug;
	uint64_t errs;		/* refusals the engine counted in errors[] */
	uint64_t failed;	/* refused allocations (failed_allocs) */
	unsigned char *bitset;	/* one byte per bit */
	int nlive;
	struct ment live[MAXLIVE];
};

struct mfile {
	int fd;
	int inst;		/* attached to */
	int priv;		/* owned private instance, -1 if none */
};

struct mmapping {
	bool used;
	int inst;
	unsigned char *addr;
	size_t len;
	uint64_t off;		/* device offset of addr */
	uint64_t serial;	/* large: the allocation mapped; 0: the arena */
	bool writable;
};

struct model {
	struct ctx c;
	struct minst inst[MAXINST];
	struct mfile f[NFILES];
	struct mmapping map[MAXMAPS];
	uint64_t serial;
	uint64_t digest;
	long calls;		/* device calls made by this phase */
	bool default_debug;
	struct edualloc_version v;
	uint32_t base_instances;
	uint64_t base_total;
	int named_seq;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0x100000001b3ULL;
}

/* Record a result of a known instance in the determinism digest. */
static void digest(struct model *m, uint64_t a, uint64_t b)
{
	m->digest = mix(mix(m->digest, a), b);
}

static char last_what[160];
static int last_r;

/* Is @r (0 or an errno) one @allowed? If not, say so. */
static bool check_allowed(const char *what, int r, eset allowed)
{
	char a[160];

	snprintf(last_what, sizeof(last_what), "%s", what);
	last_r = r;
	__atomic_add_fetch(&sh->model_checks, 1, __ATOMIC_RELAXED);
	if (r < 128 && allowed & E(r))
		return true;
	unexpected("%s -> %s, expected %s", what, r ? ename(r) : "ok",
		   eset_str(allowed, a, sizeof(a)));
	return false;
}

/* A device call's result: one more call of the phase, checked. */
static bool check_result(struct model *m, const char *what, int r, eset allowed)
{
	m->calls++;
	cur_call = m->calls;
	return check_allowed(what, r, allowed);
}

static struct minst *M(struct model *m, int i)
{
	return &m->inst[i];
}

static int new_inst(struct model *m)
{
	int i;

	for (i = 1; i < MAXINST; i++)
		if (!m->inst[i].used)
			break;
	if (i == MAXINST) {
		/* Recycle a dead slot: mappings that named it become anonymous. */
		for (i = 1; i < MAXINST; i++) {
			int k;

			if (m->inst[i].alive)
				continue;
			for (k = 0; k < NFILES; k++)
				if (m->f[k].inst == i || m->f[k].priv == i)
					break;
			if (k == NFILES)
				break;
		}
		if (i == MAXINST)
			return -1;
		for (int k = 0; k < MAXMAPS; k++)
			if (m->map[k].used && m->map[k].inst == i)
				m->map[k].inst = -1;
	}
	for (int k = 0; k < m->inst[i].nlive; k++)
		free(m->inst[i].live[k].shadow);
	free(m->inst[i].bitset);
	memset(&m->inst[i], 0, sizeof(m->inst[i]));
	m->inst[i].used = true;
	return i;
}

static void inst_clear(struct minst *x)
{
	int k;

	for (k = 0; k < x->nlive; k++)
		free(x->live[k].shadow);
	x->nlive = 0;
	if (x->bitset)
		memset(x->bitset, 0, x->bits);
	x->next_id = x->first_id;
	x->errs = x->failed = 0;
}

static void inst_kill(struct model *m, int i)
{
	struct minst *x = M(m, i);

	inst_clear(x);
	x->alive = false;
}

static struct ment *find_live(struct minst *x, int id)
{
	int k;

	for (k = 0; k < x->nlive; k++)
		if (x->live[k].id == id)
			return &x->live[k];
	return NULL;
}

static void drop_live(struct minst *x, struct ment *e)
{
	free(e->shadow);
	*e = x->live[--x->nlive];
}

static bool issued(const struct minst *x, int64_t id)
{
	return id > 0 && id >= x->first_id && id < x->next_id;
}

static uint64_t large_off(int id)
{
	return EDUALLOC_LARGE_BASE + ((uint64_t)id << EDUALLOC_LARGE_SHIFT);
}

static uint64_t page_align(uint64_t x)
{
	return (x + 4095) & ~4095ULL;
}

/* The live allocation that starts at @off, if any. */
static struct ment *live_at(struct minst *x, uint64_t off)
{
	int k;

	for (k = 0; k < x->nlive; k++)
		if (x->live[k].off == off)
			return &x->live[k];
	return NULL;
}

/* The live allocation whose reserved bytes hold @off, if any. */
static struct ment *live_holding(struct minst *x, uint64_t off)
{
	int k;

	for (k = 0; k < x->nlive; k++) {
		struct ment *e = &x->live[k];

		if (off >= e->off && off - e->off < e->csize)
			return e;
	}
	return NULL;
}

/*
 * Count a refusal in the model's figures if it came from the engine: the
 * call got past the device's own checks (@pre empty, the argument read)
 * and failed with one of the errors the engine gives at that point
 * (@eng). Each such refusal counts one error kind; @alloc ones also one
 * failed allocation.
 */
static void count_refusal(struct minst *x, int r, int ptr, eset pre, eset eng, eset alloc)
{
	if (!r || r >= 128 || pre || !x->known || !x->alive || (ptr != P_OK && ptr != P_RO))
		return;
	if (eng & E(r))
		x->errs++;
	if (alloc & E(r)) {
		x->errs++;
		x->failed++;
	}
}

/* ---- Picking arguments ----------------------------------------------------- */

static uint64_t pick_size(struct ctx *c, uint64_t cap)
{
	static const uint64_t huge[] = {
		1ULL << 30, (1ULL << 30) + 1, 1ULL << 32, 1ULL << 40, 1ULL << 63,
		~0ULL, ~0ULL - 4095, ~0ULL >> 1, 0x80000000ULL, 0xffffffffULL,
	};
	struct rng *r = &c->r;
	unsigned int k;

	switch (below(r, 20)) {
	case 0:
		return 0;
	case 1:
		return 1 + below(r, 8);
	case 2: case 3: case 4:
		return 1 + below(r, 256);
	case 5: case 6:
		k = below(r, 19);
		return (1ULL << k) - 1 + below(r, 3);	/* a class edge, +-1 */
	case 7: case 8: case 9:
		return 1 + below(r, 4096);
	case 10:
		return 4096 + below(r, 61440);
	case 11:
		return 65536 + below(r, 196609);
	case 12:
		return EDUALLOC_SMALL_MAX - 1 + below(r, 3);
	case 13:
		return EDUALLOC_SMALL_MAX + 1 + below(r, cap > 2 * MiB ? 2 * MiB : cap);
	case 14:
		return cap - 1 + below(r, 3);
	case 15:
		return huge[below(r, sizeof(huge) / sizeof(huge[0]))];
	default:
		return 1 + below(r, 1024);
	}
}

/* An ID: live, freed, never issued, or nonsense. */
static int pick_id(struct ctx *c, const struct minst *x)
{
	struct rng *r = &c->r;

	switch (below(r, 12)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6:
		if (x->nlive)
			return x->live[below(r, x->nlive)].id;
		/* fall through */
	case 7:
		if (x->next_id > x->first_id)
			return x->first_id + below(r, x->next_id - x->first_id);
		/* fall through */
	case 8:
		return (int)(x->next_id + below(r, 50));
	case 9:
		return -(int)below(r, 3);
	case 10:
		return (int)0x80000000U;
	default:
		return below(r, 2) ? INT32_MAX : (int)rnd(r);
	}
}

/* An offset: a live start, inside one, unaligned, outside, in the large range. */
static uint64_t pick_off(struct ctx *c, const struct minst *x)
{
	struct rng *r = &c->r;
	const struct ment *e = x->nlive ? &x->live[below(r, x->nlive)] : NULL;

	switch (below(r, 10)) {
	case 0: case 1: case 2: case 3:
		if (e)
			return e->off;
		/* fall through */
	case 4:
		if (e)
			return e->off + below(r, e->csize + 8);
		/* fall through */
	case 5:
		return below(r, x->cap + 8192);
	case 6:
		return below(r, x->cap / 8) * 8;
	case 7:
		return large_off(x->next_id > 1 ? 1 + below(r, x->next_id) : 1) +
		       (below(r, 3) ? 0 : below(r, 1 << 20));
	case 8:
		return x->cap + below(r, 3);
	default:
		return rnd(r);
	}
}

/* A name: valid (one of ours), "shared", or broken in each way. */
static void pick_name(struct ctx *c, char *name, int *which)
{
	struct rng *r = &c->r;

	memset(name, 0, EDUALLOC_NAME_MAX);
	*which = -1;
	switch (below(r, 12)) {
	case 0:
		strcpy(name, "shared");
		break;
	case 1:
		break;						/* "" */
	case 2:
		strcpy(name, "Hfz-Upper");
		break;
	case 3:
		memset(name, 'a', EDUALLOC_NAME_MAX);		/* no NUL */
		break;
	case 4:
		strcpy(name, "hfz-0");
		name[10] = 'x';					/* junk after the NUL */
		break;
	case 5:
		strcpy(name, "hfz.dot");
		break;
	case 6:
		memset(name, 'z', EDUALLOC_NAME_MAX - 1);	/* 31: the longest */
		*which = 9;
		break;
	default:
		*which = below(r, 3);
		snprintf(name, EDUALLOC_NAME_MAX, "hfz-%d", *which);
		break;
	}
}

static bool name_valid(const char *name, bool may_be_empty)
{
	size_t len = strnlen(name, EDUALLOC_NAME_MAX), i;

	if (len == EDUALLOC_NAME_MAX)
		return false;
	for (i = len; i < EDUALLOC_NAME_MAX; i++)
		if (name[i])
			return false;
	if (!len)
		return may_be_empty;
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* The alive named instance called @name, or -1. */
static int find_named(struct model *m, const char *name)
{
	int i;

	for (i = 1; i < MAXINST; i++)
		if (m->inst[i].used && m->inst[i].alive && m->inst[i].kind == EDUALLOC_KIND_NAMED &&
		    !strncmp(m->inst[i].name, name, EDUALLOC_NAME_MAX))
			return i;
	return -1;
}

static int count_alive(struct model *m, uint64_t *bytes)
{
	int i, n = 0;

	*bytes = 0;
	for (i = 1; i < MAXINST; i++)
		if (m->inst[i].used && m->inst[i].alive && m->inst[i].known) {
			n++;
			*bytes += m->inst[i].cap;
		}
	return n;
}

/*
 * A mutation of the argument: a bad pointer (kind in *ptr), or a bit set
 * in a flags or reserved field (at @flag_off, known bits @known; the
 * reserved field at @pad_off, -1 if none). Returns true if one was made.
 */
struct mut {
	int ptr;		/* P_* */
	bool field;		/* a flags or reserved field broken */
};

static void mutate(struct ctx *c, void *arg, size_t len, int flag_off, uint32_t known,
		   int pad_off, struct mut *mu)
{
	struct rng *r = &c->r;

	mu->ptr = P_OK;
	mu->field = false;
	(void)len;
	switch (below(r, 14)) {
	case 0:
		mu->ptr = 1 + below(r, NR_PTRS - 1);
		break;
	case 1:
		if (flag_off >= 0) {
			uint32_t bit;

			do
				bit = 1U << below(r, 32);
			while (bit & known);
			*(uint32_t *)((char *)arg + flag_off) |= bit;
			mu->field = true;
		} else if (pad_off >= 0) {
			*(uint32_t *)((char *)arg + pad_off) = 1 + below(r, 0xffffffff);
			mu->field = true;
		}
		break;
	case 2:
		if (pad_off >= 0) {
			*(uint32_t *)((char *)arg + pad_off) = 1U << below(r, 32);
			mu->field = true;
		}
		break;
	default:
		break;
	}
}

/*
 * The result a call must give, in the device's order: the argument is
 * copied in first (a bad pointer fails there, a read-only one does not);
 * then the checks made before anything changes (@pre, 0 if they pass);
 * then a command that writes back either probes the argument first
 * (@probe: a read-only one fails before any change) or writes it once at
 * the end (its errors stand, its success becomes EFAULT); then @post.
 */
static eset expect_ptr(int cmd, int ptr, eset pre, eset post, bool probe)
{
	if (ptr != P_OK && ptr != P_RO)
		return E(EFAULT);
	if (pre)
		return pre;
	if (ptr == P_RO && writes_back(cmd)) {
		if (probe)
			return E(EFAULT);
		return (post & ~OK) | (post & OK ? E(EFAULT) : 0);
	}
	return post;
}

/* ---- Phase A: operations ----------------------------------------------------- */

static struct mfile *pick_file(struct model *m)
{
	return &m->f[below(&m->c.r, NFILES)];
}

static void fill_pattern(unsigned char *p, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			seed = mix(seed, i);
		p[i] = (unsigned char)(seed >> ((i & 7) * 8));
	}
}

/* Mark the allocations a write to [off, off + len) of instance @i damaged. */
static void dirty_range(struct model *m, int i, uint64_t off, uint64_t len, uint64_t serial)
{
	struct minst *x;
	int k;

	if (i < 0 || !M(m, i)->alive)
		return;
	x = M(m, i);
	for (k = 0; k < x->nlive; k++) {
		struct ment *e = &x->live[k];

		if (serial ? e->serial == serial :
		    (e->cls != EDUALLOC_CLASS_LARGE && off < e->off + e->csize && e->off < off + len))
			e->clean = false;
	}
}

static void op_version(struct model *m, struct mfile *f)
{
	struct edualloc_version v;
	struct mut mu;
	int r;

	memset(&v, 0xa5, sizeof(v));
	mutate(&m->c, &v, sizeof(v), -1, 0, -1, &mu);
	r = dev_ioctl(f->fd, C_VERSION, EDUALLOC_IOC_VERSION, bad_ptr(&m->c, mu.ptr, &v, sizeof(v)));
	if (!check_result(m, "VERSION", r, expect_ptr(C_VERSION, mu.ptr, 0, OK, false)) || r)
		return;
	if (v.abi_version != EDUALLOC_ABI_VERSION || v.page_size != 4096 ||
	    v.features != EDUALLOC_FEATURES || v.nr_classes != EDUALLOC_NR_CLASSES ||
	    v.large_base != EDUALLOC_LARGE_BASE || v.min_capacity != EDUALLOC_MIN_CAPACITY)
		unexpected("VERSION: abi %u page %u features %#llx classes %u", v.abi_version,
			   v.page_size, (unsigned long long)v.features, v.nr_classes);
}

static void op_create(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct edualloc_create a;
	struct mut mu;
	char what[112];
	eset pre = 0, post;
	int which, r, slot, n;
	uint64_t total, cap;
	bool priv;

	memset(&a, 0, sizeof(a));
	if (chance(&c->r, 40)) {
		priv = true;
	} else {
		pick_name(c, a.name, &which);
		priv = !a.name[0];
	}
	a.capacity = below(&c->r, 8) ? 64 * KiB << below(&c->r, 4) : pick_size(c, 4 * MiB);
	if (chance(&c->r, 10))
		a.capacity += below(&c->r, 4096);		/* rounded up to pages */
	a.bitset_bits = below(&c->r, 3) ? below(&c->r, 5000) :
			(below(&c->r, 2) ? EDUALLOC_MAX_BITSET_BITS + below(&c->r, 2) : 0);
	a.first_id = below(&c->r, 5) ? 0 : (below(&c->r, 2) ? INTMAX - below(&c->r, 50) :
					   INTMAX + below(&c->r, 3));
	a.flags = EDUALLOC_CREATE_QUIET |
		  (below(&c->r, 2) ? EDUALLOC_CREATE_DEBUG_ON : EDUALLOC_CREATE_DEBUG_OFF);
	if (chance(&c->r, 5))
		a.flags |= EDUALLOC_CREATE_DEBUG_ON | EDUALLOC_CREATE_DEBUG_OFF;
	/* REALLOC_IN_PLACE and PERCPU are known but not modelled: never set here. */
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_create, flags),
	       7 | EDUALLOC_CREATE_REALLOC_IN_PLACE | EDUALLOC_CREATE_PERCPU,
	       offsetof(struct edualloc_create, __pad), &mu);

	n = count_alive(m, &total);
	cap = page_align(a.capacity);
	if (mu.field || (a.flags & EDUALLOC_CREATE_DEBUG_ON && a.flags & EDUALLOC_CREATE_DEBUG_OFF) ||
	    !name_valid(a.name, true) || a.capacity < EDUALLOC_MIN_CAPACITY ||
	    a.bitset_bits > EDUALLOC_MAX_BITSET_BITS || a.first_id > INTMAX)
		pre = E(EINVAL);
	else if (a.capacity > m->v.max_capacity)
		pre = E(EDQUOT);
	if (priv && f->priv >= 0)
		post = E(EEXIST);
	else if (!priv && (!strcmp(a.name, "shared") || find_named(m, a.name) >= 0))
		post = E(EEXIST);
	else if (cap > m->v.max_capacity || m->base_instances + n >= m->v.max_instances ||
		 m->base_total + total + cap > m->v.max_total_bytes)
		post = E(EDQUOT);
	else
		post = OK | E(ENOMEM);
	r = dev_ioctl(f->fd, C_CREATE, EDUALLOC_IOC_CREATE, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "CREATE \"%.31s\" capacity %llu bits %u first %u flags %#x ptr %s",
		 a.name, (unsigned long long)a.capacity, a.bitset_bits, a.first_id, a.flags,
		 ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_CREATE, mu.ptr, pre, post, true)) || r)
		return;

	slot = new_inst(m);
	if (slot < 0) {
		unexpected("model: out of instance slots");
		return;
	}
	{
		struct minst *x = M(m, slot);

		x->alive = x->known = true;
		x->kind = priv ? EDUALLOC_KIND_PRIVATE : EDUALLOC_KIND_NAMED;
		memcpy(x->name, a.info.name, sizeof(x->name));
		x->cap = cap;
		x->bits = a.bitset_bits;
		x->first_id = x->next_id = a.first_id ? a.first_id : 1;
		x->debug = a.flags & EDUALLOC_CREATE_DEBUG_ON;
		x->bitset = calloc(x->bits + 1, 1);
		digest(m, 1000 + x->kind, x->cap);
		if (a.info.kind != (uint32_t)x->kind || a.info.capacity != cap ||
		    a.info.bitset_bits != x->bits || a.info.live_allocs || a.info.nr_attached != 1 ||
		    a.info.creator_pid != (uint32_t)getpid() || a.info.owner_uid != getuid() ||
		    !(a.info.flags & EDUALLOC_INST_ATTACHED) ||
		    !!(a.info.flags & EDUALLOC_INST_DEBUG) != x->debug ||
		    !!(a.info.flags & EDUALLOC_INST_BITSET) != !!x->bits)
			unexpected("CREATE: info kind %u capacity %llu bits %u live %llu attached %u flags %#x",
				   a.info.kind, (unsigned long long)a.info.capacity, a.info.bitset_bits,
				   (unsigned long long)a.info.live_allocs, a.info.nr_attached,
				   a.info.flags);
		if (!priv && strncmp(a.info.name, a.name, EDUALLOC_NAME_MAX))
			unexpected("CREATE: name %.32s for %.32s", a.info.name, a.name);
		if (priv && strncmp(a.info.name, "pid", 3))
			unexpected("CREATE: private name %.32s", a.info.name);
	}
	f->inst = slot;
	if (priv)
		f->priv = slot;
}

static void op_attach(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct edualloc_attach a;
	struct mut mu;
	char what[96];
	eset pre = 0, post;
	int which, r, target = -1;

	memset(&a, 0, sizeof(a));
	if (chance(&c->r, 30))
		a.flags = EDUALLOC_ATTACH_PRIVATE;
	if (!a.flags || chance(&c->r, 10))
		pick_name(c, a.name, &which);
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_attach, flags), 1,
	       offsetof(struct edualloc_attach, __pad), &mu);
	if (mu.field || !name_valid(a.name, true) ||
	    !!a.name[0] == !!(a.flags & EDUALLOC_ATTACH_PRIVATE)) {
		pre = E(EINVAL);
		post = 0;
	} else if (a.flags & EDUALLOC_ATTACH_PRIVATE) {
		target = f->priv;
		post = target >= 0 ? OK | E(ENOMEM) : E(ENOENT);
	} else if (!strcmp(a.name, "shared")) {
		target = 0;
		post = OK | E(ENOMEM);
	} else {
		target = find_named(m, a.name);
		post = target >= 0 ? OK | E(ENOMEM) : E(ENOENT);
	}
	r = dev_ioctl(f->fd, C_ATTACH, EDUALLOC_IOC_ATTACH, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "ATTACH \"%.31s\" flags %#x ptr %s", a.name, a.flags,
		 ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_ATTACH, mu.ptr, pre, post, true)) || r)
		return;
	f->inst = target;
	if (!(a.info.flags & EDUALLOC_INST_ATTACHED) ||
	    (M(m, target)->known && (a.info.capacity != M(m, target)->cap ||
				     a.info.live_allocs != (uint64_t)M(m, target)->nlive)))
		unexpected("ATTACH: info flags %#x capacity %llu live %llu", a.info.flags,
			   (unsigned long long)a.info.capacity,
			   (unsigned long long)a.info.live_allocs);
}

static void op_destroy(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct edualloc_destroy a;
	struct mut mu;
	char what[96];
	eset pre = 0, post = 0;
	int which, r, target = -1;

	memset(&a, 0, sizeof(a));
	pick_name(c, a.name, &which);
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_destroy, flags), 0,
	       offsetof(struct edualloc_destroy, __pad), &mu);
	if (mu.field || !name_valid(a.name, false)) {
		pre = E(EINVAL);
	} else if (!strcmp(a.name, "shared")) {
		post = E(EPERM);
	} else {
		target = find_named(m, a.name);
		post = target >= 0 ? OK : E(ENOENT);
	}
	r = dev_ioctl(f->fd, C_DESTROY, EDUALLOC_IOC_DESTROY, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "DESTROY \"%.31s\" ptr %s", a.name, ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_DESTROY, mu.ptr, pre, post, false)) || r)
		return;
	digest(m, 2000, target);
	inst_kill(m, target);
}

static void op_list(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	static struct edualloc_inst_info infos[80];
	struct edualloc_list a;
	struct mut mu;
	int bptr = P_OK, r, i, k;
	eset post;
	char what[80];

	memset(&a, 0, sizeof(a));
	a.max = below(&c->r, 4) ? 80 : (below(&c->r, 2) ? below(&c->r, 3) : 0xffffffff);
	a.buf = (uintptr_t)infos;
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_list, flags), 0, -1, &mu);
	if (!mu.ptr && !mu.field && chance(&c->r, 10)) {
		bptr = 1 + below(&c->r, NR_PTRS - 1);
		a.buf = (uintptr_t)bad_ptr(c, bptr, NULL, 0);
	}
	/* Instances exist (the shared one at least): a bad buffer always fails. */
	post = bptr != P_OK && a.max ? E(EFAULT) | E(ENOMEM) : OK | E(ENOMEM);
	r = dev_ioctl(f->fd, C_LIST, EDUALLOC_IOC_LIST, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "LIST max %u buf %s ptr %s", a.max, ptr_names[bptr],
		 ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_LIST, mu.ptr, mu.field ? E(EINVAL) : 0, post,
						 false)) || r)
		return;
	if (a.count != (a.max < a.total ? a.max : a.total))
		unexpected("LIST: count %u of max %u total %u", a.count, a.max, a.total);
	if (a.count < a.total || bptr != P_OK)
		return;
	/* Every instance we know of is listed once, as we know it. */
	for (i = 1; i < MAXINST; i++) {
		struct minst *x = M(m, i);
		int seen = 0;

		if (!x->used || !x->alive || !x->known)
			continue;
		for (k = 0; k < (int)a.count; k++) {
			if (strncmp(infos[k].name, x->name, EDUALLOC_NAME_MAX))
				continue;
			seen++;
			if (infos[k].capacity != x->cap || infos[k].live_allocs != (uint64_t)x->nlive ||
			    infos[k].kind != (uint32_t)x->kind || infos[k].bitset_bits != x->bits)
				unexpected("LIST: %.32s capacity %llu live %llu kind %u bits %u",
					   x->name, (unsigned long long)infos[k].capacity,
					   (unsigned long long)infos[k].live_allocs, infos[k].kind,
					   infos[k].bitset_bits);
		}
		if (seen != 1)
			unexpected("LIST: %.32s listed %d times", x->name, seen);
	}
}

/* Check a successful ALLOC's (or REALLOC's) result against the model. */
static bool check_new(struct minst *x, const struct edualloc_alloc_info *in, uint64_t size,
		      const char *what)
{
	unsigned int cls = class_of(size);
	uint64_t csize = cls == EDUALLOC_CLASS_LARGE ? page_align(size) : 8ULL << cls;
	uint64_t align = csize < 4096 ? csize : 4096;
	int k;

	if (in->id != (int)x->next_id || in->size != size || in->cls != cls ||
	    in->class_size != csize || in->owner_pid != (uint32_t)getpid()) {
		unexpected("%s: id %d (want %u) size %llu cls %u class_size %llu owner %u", what,
			   in->id, x->next_id, (unsigned long long)in->size, in->cls,
			   (unsigned long long)in->class_size, in->owner_pid);
		return false;
	}
	if (cls == EDUALLOC_CLASS_LARGE) {
		if (in->offset != large_off(in->id)) {
			unexpected("%s: large offset %#llx", what, (unsigned long long)in->offset);
			return false;
		}
		return true;
	}
	if (in->offset % align || in->offset + csize > x->cap) {
		unexpected("%s: offset %#llx class size %llu capacity %llu", what,
			   (unsigned long long)in->offset, (unsigned long long)csize,
			   (unsigned long long)x->cap);
		return false;
	}
	for (k = 0; k < x->nlive; k++) {
		struct ment *e = &x->live[k];

		if (e->cls != EDUALLOC_CLASS_LARGE && in->offset < e->off + e->csize &&
		    e->off < in->offset + csize) {
			unexpected("%s: [%#llx, +%llu) overlaps ID %d at [%#llx, +%llu)", what,
				   (unsigned long long)in->offset, (unsigned long long)csize,
				   e->id, (unsigned long long)e->off, (unsigned long long)e->csize);
			return false;
		}
	}
	return true;
}

static struct ment *add_live(struct model *m, struct minst *x, const struct edualloc_alloc_info *in)
{
	struct ment *e;

	x->next_id = in->id + 1;
	if (x->nlive == MAXLIVE)
		return NULL;
	e = &x->live[x->nlive++];
	e->id = in->id;
	e->cls = in->cls;
	e->size = in->size;
	e->off = in->offset;
	e->csize = in->class_size;
	e->serial = ++m->serial;
	e->shadow = calloc(1, e->size);
	e->clean = true;
	return e;
}

/* READ @len bytes of @e at @pos and compare them with the model. */
static void verify_read(struct model *m, struct mfile *f, struct ment *e, uint64_t pos, uint64_t len)
{
	struct ctx *c = &m->c;
	struct edualloc_rw rw = { .id = e->id, .pos = pos, .len = len, .buf = (uintptr_t)c->buf };
	int r = dev_ioctl(f->fd, C_READ, EDUALLOC_IOC_READ, &rw);

	if (!check_result(m, "READ (verify)", r, OK))
		return;
	if (e->clean && memcmp(c->buf, e->shadow + pos, len)) {
		size_t i = 0;

		while (i < len && c->buf[i] == e->shadow[pos + i])
			i++;
		unexpected("READ ID %d: byte %llu is %#x, want %#x", e->id,
			   (unsigned long long)(pos + i), c->buf[i], e->shadow[pos + i]);
	}
}

/* What the engine answers an allocation of @size in @x that passed the device. */
static eset alloc_result(const struct minst *x, uint64_t size)
{
	if (!size)
		return E(EINVAL);
	if (size > x->cap)
		return E(E2BIG);
	if (x->next_id > INTMAX)
		return E(ENOSPC);
	return OK | E(ENOMEM);
}

static void op_alloc(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_alloc a;
	struct ment *e;
	struct mut mu;
	char what[80];
	eset post;
	int r;

	memset(&a, 0, sizeof(a));
	a.size = pick_size(c, x->cap);
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_alloc, flags), 0,
	       offsetof(struct edualloc_alloc, __pad), &mu);
	post = !x->alive ? E(EIDRM) : alloc_result(x, a.size);
	r = dev_ioctl(f->fd, C_ALLOC, EDUALLOC_IOC_ALLOC, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "ALLOC %llu ptr %s", (unsigned long long)a.size,
		 ptr_names[mu.ptr]);
	/* No probe: a read-only argument meets the engine's refusal first. */
	count_refusal(x, r, mu.ptr, mu.field ? E(EINVAL) : 0, 0,
		      E(EINVAL) | E(E2BIG) | E(ENOSPC) | E(ENOMEM));
	if (!check_result(m, what, r, expect_ptr(C_ALLOC, mu.ptr, mu.field ? E(EINVAL) : 0, post,
						 false)) || r)
		return;
	if (!check_new(x, &a.info, a.size, "ALLOC"))
		return;
	digest(m, a.info.id, a.info.offset);
	e = add_live(m, x, &a.info);
	if (!e) {
		struct edualloc_free fr = { .id = a.info.id, .flags = EDUALLOC_FREE_BY_ID };

		check_result(m, "FREE (model full)",
			     dev_ioctl(f->fd, C_FREE, EDUALLOC_IOC_FREE, &fr), OK);
		return;
	}
	/* New allocations are zeroed: nothing passes from one to the next. */
	if (chance(&c->r, 50))
		verify_read(m, f, e, 0, e->size < 4096 ? e->size : 4096);
}

static void op_free(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_free a;
	struct ment *e = NULL, *l;
	struct mut mu;
	char what[96];
	eset pre = 0, post;
	int r;

	memset(&a, 0, sizeof(a));
	a.flags = below(&c->r, 6) ? (below(&c->r, 3) ? EDUALLOC_FREE_BY_ID : EDUALLOC_FREE_BY_OFFSET) :
		  (below(&c->r, 2) ? EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET : 0);
	a.id = pick_id(c, x);
	a.offset = pick_off(c, x);
	if (a.flags == (EDUALLOC_FREE_BY_ID | EDUALLOC_FREE_BY_OFFSET) && chance(&c->r, 50)) {
		l = find_live(x, a.id);
		a.offset = l && below(&c->r, 4) ? l->off : (below(&c->r, 2) ? 0 : a.offset);
	}
	/* The field whose flag is clear must be zero: mostly it is. */
	if (a.flags == EDUALLOC_FREE_BY_ID && !chance(&c->r, 10))
		a.offset = 0;
	if (a.flags == EDUALLOC_FREE_BY_OFFSET && !chance(&c->r, 10))
		a.id = 0;
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_free, flags), 3, -1, &mu);

	l = find_live(x, a.id);
	if (mu.field || !a.flags || a.flags & ~3U ||
	    (!(a.flags & EDUALLOC_FREE_BY_ID) && a.id) ||
	    (!(a.flags & EDUALLOC_FREE_BY_OFFSET) && a.offset)) {
		pre = E(EINVAL);
		post = 0;
	} else if (a.flags & EDUALLOC_FREE_BY_ID && !a.id) {
		pre = E(ENOENT);	/* ID 0 is never issued: refused before the engine */
		post = 0;
	} else if (!x->alive) {
		post = E(EIDRM);
	} else if (a.flags == EDUALLOC_FREE_BY_ID) {
		e = l;
		post = e ? OK : issued(x, a.id) ? E(EALREADY) : E(ENOENT);
	} else if (a.flags == EDUALLOC_FREE_BY_OFFSET) {
		e = live_at(x, a.offset);
		if (e) {
			post = OK;
		} else if (live_holding(x, a.offset)) {
			post = E(EINVAL);
		} else if (a.offset >= EDUALLOC_LARGE_BASE) {
			uint64_t id = (a.offset - EDUALLOC_LARGE_BASE) >> EDUALLOC_LARGE_SHIFT;

			/* The start of a freed allocation's large slot reads as freed. */
			post = id <= INTMAX && issued(x, id) && !find_live(x, id) &&
			       a.offset == large_off(id) ? E(EALREADY) : E(EINVAL);
		} else if (a.offset >= x->cap) {
			post = E(EINVAL);
		} else {
			post = E(EINVAL) | E(EALREADY);	/* a free slot's start, or nothing */
		}
	} else if (!issued(x, a.id)) {		/* both: offset 0 is an offset too */
		post = E(ENOENT);
	} else if (!l) {
		post = live_at(x, a.offset) ? E(ESTALE) : E(EALREADY);
	} else {
		post = l->off == a.offset ? OK : E(ESTALE);
		e = l;
	}
	r = dev_ioctl(f->fd, C_FREE, EDUALLOC_IOC_FREE, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "FREE id %d offset %#llx flags %#x ptr %s", a.id,
		 (unsigned long long)a.offset, a.flags, ptr_names[mu.ptr]);
	count_refusal(x, r, mu.ptr, pre, E(ENOENT) | E(EALREADY) | E(ESTALE) | E(EINVAL), 0);
	if (!check_result(m, what, r, expect_ptr(C_FREE, mu.ptr, pre, post, false)) || r)
		return;
	if (!e) {
		unexpected("FREE id %d offset %#llx: freed something the model did not expect",
			   a.id, (unsigned long long)a.offset);
		return;
	}
	digest(m, 3000, e->id);
	drop_live(x, e);
}

static void op_lookup(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_lookup a;
	struct ment *e = NULL;
	struct mut mu;
	char what[96];
	eset pre = 0, post;
	int r, k;

	memset(&a, 0, sizeof(a));
	a.flags = below(&c->r, 10) ? 1 + below(&c->r, 2) : below(&c->r, 4);
	a.id = pick_id(c, x);
	a.offset = pick_off(c, x);
	if (a.flags == EDUALLOC_LOOKUP_BY_OFFSET && x->nlive && chance(&c->r, 30)) {
		struct ment *l = &x->live[below(&c->r, x->nlive)];

		a.offset = l->off + below(&c->r, l->size + 1);	/* inside, or just past */
	}
	/* The field of the other way must be zero: mostly it is. */
	if (a.flags == EDUALLOC_LOOKUP_BY_ID && !chance(&c->r, 10))
		a.offset = 0;
	if (a.flags == EDUALLOC_LOOKUP_BY_OFFSET && !chance(&c->r, 10))
		a.id = 0;
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_lookup, flags), 3, -1, &mu);
	if ((a.flags != EDUALLOC_LOOKUP_BY_ID || a.offset) &&
	    (a.flags != EDUALLOC_LOOKUP_BY_OFFSET || a.id)) {
		pre = E(EINVAL);
		post = 0;
	} else if (!x->alive) {
		post = E(EIDRM);
	} else if (!x->known) {
		post = cmd_errs[C_LOOKUP] | OK;
	} else if (a.flags == EDUALLOC_LOOKUP_BY_ID) {
		e = find_live(x, a.id);
		post = e ? OK : issued(x, a.id) ? E(EALREADY) : E(ENOENT);
	} else {
		for (k = 0; k < x->nlive; k++) {
			struct ment *l = &x->live[k];

			if (a.offset >= l->off && a.offset - l->off < l->size)
				e = l;
		}
		post = e ? OK : E(ENOENT);
	}
	r = dev_ioctl(f->fd, C_LOOKUP, EDUALLOC_IOC_LOOKUP, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "LOOKUP id %d offset %#llx flags %#x ptr %s", a.id,
		 (unsigned long long)a.offset, a.flags, ptr_names[mu.ptr]);
	count_refusal(x, r, mu.ptr, pre, E(ENOENT) | E(EALREADY), 0);
	if (!check_result(m, what, r, expect_ptr(C_LOOKUP, mu.ptr, pre, post, false)) || r ||
	    !x->known)
		return;
	if (a.info.id != e->id || a.info.offset != e->off || a.info.size != e->size ||
	    a.info.cls != e->cls || a.info.class_size != e->csize)
		unexpected("LOOKUP: id %d offset %#llx size %llu, model ID %d at %#llx size %llu",
			   a.info.id, (unsigned long long)a.info.offset,
			   (unsigned long long)a.info.size, e->id, (unsigned long long)e->off,
			   (unsigned long long)e->size);
}

/* Whether the kernel can read (@write false: write) @len bytes at a buffer of kind @k. */
static bool buf_ok(int k, uint64_t len, bool kernel_writes)
{
	if (!len || k == P_OK)
		return true;
	if (k == P_RO)
		return !kernel_writes && len <= 8192;
	return false;
}

static void op_rw(struct model *m, struct mfile *f, bool write)
{
	struct ctx *c = &m->c;
	struct rng *r = &c->r;
	struct minst *x = M(m, f->inst);
	struct edualloc_rw a;
	struct ment *e;
	struct mut mu;
	int bptr = P_OK, res, cmd = write ? C_WRITE : C_READ;
	uint64_t size;
	char what[112];
	eset pre = 0, post;

	memset(&a, 0, sizeof(a));
	a.id = pick_id(c, x);
	e = x->known ? find_live(x, a.id) : NULL;
	size = e ? e->size : 1 + below(r, 4096);
	switch (below(r, 10)) {
	case 0:
		a.pos = 0;
		a.len = size;
		break;
	case 1:
		a.pos = below(r, size + 1);
		a.len = size - a.pos;
		break;
	case 2:
		a.pos = below(r, size + 1);
		a.len = size - a.pos + 1;		/* one past the end */
		break;
	case 3:
		a.pos = size;
		a.len = below(r, 2);
		break;
	case 4:
		a.pos = below(r, 2) ? ~0ULL - below(r, 8) : below(r, 1ULL << 40);
		a.len = below(r, 64);
		break;
	case 5:
		a.pos = 0;
		a.len = below(r, 2) ? ~0ULL : (x->cap + 1 + below(r, 4096));
		break;
	case 6:
		a.pos = 0;
		a.len = 0;
		break;
	default:
		a.pos = below(r, size);
		a.len = 1 + below(r, (size - a.pos) < 2048 ? size - a.pos : 2048);
		break;
	}
	if (a.len > BUFSZ && a.len <= x->cap)
		a.len = BUFSZ;
	a.buf = (uintptr_t)c->buf;
	if (write && a.len <= BUFSZ)
		fill_pattern(c->buf, a.len, rnd(r));
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_rw, flags), 0, -1, &mu);
	if (!mu.ptr && !mu.field && chance(r, 8)) {
		bptr = 1 + below(r, NR_PTRS - 1);
		a.buf = (uintptr_t)bad_ptr(c, bptr, c->buf, a.len < 4096 ? a.len : 4096);
	}
	/* The device: flags, then the lengths against the arena, then the buffer (WRITE). */
	if (mu.field || a.len > x->cap || a.pos > x->cap)
		pre = E(EINVAL);
	else if (write && !buf_ok(bptr, a.len, false))
		pre = E(EFAULT);
	/* Then the engine: the ID and the range; then the buffer (READ). */
	if (!x->alive)
		post = E(EIDRM);
	else if (!x->known)
		post = cmd_errs[cmd] | OK;
	else if (!e)
		post = issued(x, a.id) ? E(EALREADY) : E(ENOENT);
	else if (a.pos > e->size || a.len > e->size - a.pos)
		post = E(EINVAL);
	else if (!write && !buf_ok(bptr, a.len, true))
		post = E(EFAULT);
	else
		post = OK;
	res = dev_ioctl(f->fd, cmd, write ? EDUALLOC_IOC_WRITE : EDUALLOC_IOC_READ,
			bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "%s id %d pos %#llx len %#llx buf %s ptr %s",
		 write ? "WRITE" : "READ", a.id, (unsigned long long)a.pos,
		 (unsigned long long)a.len, ptr_names[bptr], ptr_names[mu.ptr]);
	count_refusal(x, res, mu.ptr, pre, E(ENOENT) | E(EALREADY) | E(EINVAL), 0);
	if (!check_result(m, what, res, expect_ptr(cmd, mu.ptr, pre, post, false)) || res ||
	    !x->known || !e)
		return;
	if (write) {
		memcpy(e->shadow + a.pos, bptr == P_RO ? c->ro : c->buf, a.len);
		if (!a.pos && a.len == e->size)
			e->clean = true;
		digest(m, 4000 + e->id, a.len);
	} else if (e->clean && a.len && memcmp(c->buf, e->shadow + a.pos, a.len)) {
		unexpected("READ ID %d [%llu, +%llu): not what was written", e->id,
			   (unsigned long long)a.pos, (unsigned long long)a.len);
	}
}

static void op_realloc(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_realloc a;
	struct ment *e, *n;
	struct mut mu;
	char what[96];
	eset post;
	int r;

	memset(&a, 0, sizeof(a));
	a.id = pick_id(c, x);
	a.size = pick_size(c, x->cap);
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_realloc, flags), 0, -1, &mu);
	e = find_live(x, a.id);
	if (!x->alive)
		post = E(EIDRM);
	else if (!e)
		post = issued(x, a.id) ? E(EALREADY) : E(ENOENT);
	else
		post = alloc_result(x, a.size);
	r = dev_ioctl(f->fd, C_REALLOC, EDUALLOC_IOC_REALLOC, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "REALLOC id %d size %llu ptr %s", a.id,
		 (unsigned long long)a.size, ptr_names[mu.ptr]);
	count_refusal(x, r, mu.ptr, mu.field ? E(EINVAL) : 0, E(ENOENT) | E(EALREADY),
		      E(EINVAL) | E(E2BIG) | E(ENOSPC) | E(ENOMEM));
	if (!check_result(m, what, r, expect_ptr(C_REALLOC, mu.ptr, mu.field ? E(EINVAL) : 0,
						 post, false)) || r)
		return;
	if (!check_new(x, &a.info, a.size, "REALLOC"))
		return;
	digest(m, a.info.id, a.info.offset);
	{
		unsigned char *old = e->shadow;
		bool clean = e->clean;
		uint64_t keep = e->size < a.size ? e->size : a.size;

		e->shadow = NULL;
		drop_live(x, e);
		n = add_live(m, x, &a.info);
		if (n) {
			memcpy(n->shadow, old, keep);	/* the rest of a larger one is zero */
			n->clean = clean;
			if (chance(&c->r, 50))
				verify_read(m, f, n, 0, a.size < 8192 ? a.size : 8192);
		}
		free(old);
	}
}

static void op_bit(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_bit a;
	struct mut mu;
	char what[80];
	eset pre = 0, post;
	uint32_t expect_val = 0;
	int r;

	memset(&a, 0, sizeof(a));
	a.op = below(&c->r, 12) ? 1 + below(&c->r, 5) : below(&c->r, 2) ? 0 : rnd(&c->r);
	if (!x->known)
		a.op = below(&c->r, 2) ? EDUALLOC_BIT_GET : EDUALLOC_BIT_FIND;
	switch (below(&c->r, 6)) {
	case 0:
		a.bit = x->bits ? x->bits - 1 + below(&c->r, 3) : below(&c->r, 2);
		break;
	case 1:
		a.bit = rnd(&c->r);
		break;
	default:
		a.bit = x->bits ? below(&c->r, x->bits) : below(&c->r, 64);
		break;
	}
	if (a.op == EDUALLOC_BIT_CLEAR_ALL && below(&c->r, 4))
		a.bit = 0;
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_bit, flags), 0, -1, &mu);
	if (mu.field || a.op < 1 || a.op > 5 || (a.op == EDUALLOC_BIT_CLEAR_ALL && a.bit)) {
		pre = E(EINVAL);
		post = 0;
	} else if (!x->alive) {
		post = E(EIDRM);
	} else if (!x->known) {
		post = cmd_errs[C_BIT] | OK;
	} else if (!x->bits) {
		post = E(EOPNOTSUPP);
	} else if (a.op == EDUALLOC_BIT_CLEAR_ALL) {
		post = OK;
	} else if (a.op == EDUALLOC_BIT_FIND) {
		uint32_t b;

		if (a.bit > x->bits) {
			post = E(EINVAL);
		} else {
			for (b = a.bit; b < x->bits && !x->bitset[b]; b++)
				;
			post = b < x->bits ? OK : E(ENOENT);
			expect_val = b;
		}
	} else if (a.bit >= x->bits) {
		post = E(EINVAL);
	} else {
		post = OK;
		expect_val = x->bitset[a.bit];
	}
	r = dev_ioctl(f->fd, C_BIT, EDUALLOC_IOC_BIT, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "BIT op %u bit %u ptr %s", a.op, a.bit, ptr_names[mu.ptr]);
	if (mu.ptr != P_RO)	/* FIND's ENOENT is an answer: not counted */
		count_refusal(x, r, mu.ptr, pre, E(EOPNOTSUPP) | E(EINVAL), 0);
	if (!check_result(m, what, r, expect_ptr(C_BIT, mu.ptr, pre, post, true)) || r ||
	    !x->known)
		return;
	switch (a.op) {
	case EDUALLOC_BIT_SET:
		x->bitset[a.bit] = 1;
		break;
	case EDUALLOC_BIT_CLEAR:
		x->bitset[a.bit] = 0;
		break;
	case EDUALLOC_BIT_CLEAR_ALL:
		memset(x->bitset, 0, x->bits);
		break;
	default:
		if (a.value != expect_val)
			unexpected("BIT op %u bit %u: value %u, model %u", a.op, a.bit, a.value,
				   expect_val);
	}
	digest(m, 5000 + a.op, a.value);
}

static void check_stats(struct model *m, struct minst *x, const struct edualloc_stats *s)
{
	uint64_t req = 0, large = 0;
	int k;

	if (s->allocs - s->frees != s->live_allocs)
		unexpected("STATS: allocs %llu - frees %llu != live %llu",
			   (unsigned long long)s->allocs, (unsigned long long)s->frees,
			   (unsigned long long)s->live_allocs);
	if (!x->known)
		return;
	for (k = 0; k < x->nlive; k++) {
		req += x->live[k].size;
		large += x->live[k].cls == EDUALLOC_CLASS_LARGE;
	}
	{
		uint64_t errs = 0;
		unsigned int i;

		for (i = 0; i < EDUALLOC_NR_ERR; i++)
			if (i != EDUALLOC_ERR_REDZONE && i != EDUALLOC_ERR_USE_AFTER_FREE)
				errs += s->errors[i];
		if (errs != x->errs || s->failed_allocs != x->failed) {
			unexpected("STATS of %.32s: %llu refusals counted, %llu failed allocations; the model made %llu and %llu",
				   x->name, (unsigned long long)errs,
				   (unsigned long long)s->failed_allocs,
				   (unsigned long long)x->errs, (unsigned long long)x->failed);
			x->errs = errs;		/* report it once */
			x->failed = s->failed_allocs;
		}
	}
	if (s->live_allocs != (uint64_t)x->nlive || s->live_requested != req ||
	    s->next_id != x->next_id || s->large_count != large || s->capacity != x->cap ||
	    s->bitset_bits != x->bits || s->kind != (uint32_t)x->kind ||
	    !!(s->inst_flags & EDUALLOC_INST_DEBUG) != x->debug ||
	    s->used_bytes + s->avail_bytes != s->capacity)
		unexpected("STATS of %.32s: live %llu/%d requested %llu/%llu next %u/%u large %llu/%llu debug %u/%d",
			   x->name, (unsigned long long)s->live_allocs, x->nlive,
			   (unsigned long long)s->live_requested, (unsigned long long)req,
			   s->next_id, x->next_id, (unsigned long long)s->large_count,
			   (unsigned long long)large, !!(s->inst_flags & EDUALLOC_INST_DEBUG),
			   x->debug);
	digest(m, s->live_allocs, s->used_bytes);
}

static void op_stats(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_stats s;
	struct mut mu;
	char what[64];
	int r;

	memset(&s, 0, sizeof(s));
	mutate(c, &s, sizeof(s), offsetof(struct edualloc_stats, flags), 0,
	       offsetof(struct edualloc_stats, __pad), &mu);
	r = dev_ioctl(f->fd, C_STATS, EDUALLOC_IOC_STATS, bad_ptr(c, mu.ptr, &s, sizeof(s)));
	snprintf(what, sizeof(what), "STATS ptr %s", ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_STATS, mu.ptr, mu.field ? E(EINVAL) : 0,
						 !x->alive ? E(EIDRM) : OK | E(ENOMEM), false)) || r)
		return;
	check_stats(m, x, &s);
}

static void op_reset(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_reset a;
	struct mut mu;
	char what[64];
	int r;

	memset(&a, 0, sizeof(a));
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_reset, flags), 0,
	       offsetof(struct edualloc_reset, __pad), &mu);
	r = dev_ioctl(f->fd, C_RESET, EDUALLOC_IOC_RESET, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "RESET ptr %s", ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_RESET, mu.ptr, mu.field ? E(EINVAL) : 0,
						 !x->alive ? E(EIDRM) : OK, false)) || r)
		return;
	inst_clear(x);
	digest(m, 6000, 0);
}

static void op_config(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_config a;
	struct mut mu;
	char what[96];
	bool sd, sf;
	eset pre;
	int r;

	memset(&a, 0, sizeof(a));
	a.flags = below(&c->r, 4);
	a.debug = a.flags & EDUALLOC_CONFIG_SET_DEBUG ? below(&c->r, 2) : 0;
	a.fail_nth = a.flags & EDUALLOC_CONFIG_SET_FAIL_NTH ? below(&c->r, 3) : 0;
	if (chance(&c->r, 10))
		a.debug = 2 + below(&c->r, 3);
	if (chance(&c->r, 10))
		a.fail_nth = 1 + below(&c->r, 5);
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_config, flags), 3,
	       offsetof(struct edualloc_config, __pad), &mu);
	sd = a.flags & EDUALLOC_CONFIG_SET_DEBUG;
	sf = a.flags & EDUALLOC_CONFIG_SET_FAIL_NTH;
	pre = mu.field || a.flags & ~3U || a.debug > (sd ? 1U : 0U) || (!sf && a.fail_nth) ?
	      E(EINVAL) : 0;
	snprintf(what, sizeof(what), "CONFIG flags %#x debug %u fail_nth %u ptr %s", a.flags,
		 a.debug, a.fail_nth, ptr_names[mu.ptr]);
	if (sd)
		sd = a.debug;		/* debug is in/out: keep what we asked for */
	r = dev_ioctl(f->fd, C_CONFIG, EDUALLOC_IOC_CONFIG, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	if (!check_result(m, what, r, expect_ptr(C_CONFIG, mu.ptr, pre,
						 !x->alive ? E(EIDRM) : OK, true)) || r)
		return;
	if (a.flags & EDUALLOC_CONFIG_SET_DEBUG)
		x->debug = sd;
	if (a.debug != x->debug)
		unexpected("CONFIG: debug reads %u, model %d", a.debug, x->debug);
	digest(m, 7000 + a.flags, a.debug);
}

static void op_validate(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_validate a;
	struct mut mu;
	char what[64];
	int r;

	memset(&a, 0, sizeof(a));
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_validate, flags), 0, -1, &mu);
	r = dev_ioctl(f->fd, C_VALIDATE, EDUALLOC_IOC_VALIDATE, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "VALIDATE ptr %s", ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_VALIDATE, mu.ptr, mu.field ? E(EINVAL) : 0,
						 !x->alive ? E(EIDRM) : OK, false)) || r)
		return;
	if (a.consistent != 1)
		unexpected("VALIDATE of %.32s: inconsistent: %.120s", x->name, a.why);
}

static void op_pages(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_pages a;
	struct mut mu;
	int bptr = P_OK, r;
	uint32_t total = x->cap / 4096;
	char what[80];
	eset post;

	memset(&a, 0, sizeof(a));
	a.max = below(&c->r, 3) ? BUFSZ / sizeof(struct edualloc_page) : below(&c->r, 20);
	a.buf = (uintptr_t)c->buf;
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_pages, flags), 0, -1, &mu);
	if (!mu.ptr && !mu.field && chance(&c->r, 10)) {
		bptr = 1 + below(&c->r, NR_PTRS - 1);
		a.buf = (uintptr_t)bad_ptr(c, bptr, NULL, 0);
	}
	if (!x->alive)
		post = E(EIDRM) | E(ENOMEM);
	else if (bptr != P_OK && a.max)
		post = E(EFAULT) | E(ENOMEM);
	else
		post = OK | E(ENOMEM);
	r = dev_ioctl(f->fd, C_PAGES, EDUALLOC_IOC_PAGES, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "PAGES max %u buf %s ptr %s", a.max, ptr_names[bptr],
		 ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_PAGES, mu.ptr, mu.field ? E(EINVAL) : 0, post,
						 false)) || r)
		return;
	if (a.total != total || a.count != (a.max < total ? a.max : total))
		unexpected("PAGES: total %u count %u (max %u), want total %u", a.total, a.count,
			   a.max, total);
}

static void op_allocs(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_allocs a;
	struct edualloc_alloc_info *out = (void *)c->buf;
	struct mut mu;
	int bptr = P_OK, r, k, n;
	uint32_t maxw;
	char what[96];
	eset post;

	memset(&a, 0, sizeof(a));
	a.max = below(&c->r, 4) ? EDUALLOC_ALLOCS_MAX : below(&c->r, 2) ? below(&c->r, 8) : ~0U;
	a.start_id = below(&c->r, 3) ? 0 : pick_id(c, x);
	a.buf = (uintptr_t)c->buf;
	mutate(c, &a, sizeof(a), offsetof(struct edualloc_allocs, flags), 0, -1, &mu);
	if (!mu.ptr && !mu.field && chance(&c->r, 10)) {
		bptr = 1 + below(&c->r, NR_PTRS - 1);
		a.buf = (uintptr_t)bad_ptr(c, bptr, NULL, 0);
	}
	maxw = a.max < EDUALLOC_ALLOCS_MAX ? a.max : EDUALLOC_ALLOCS_MAX;
	for (k = 0, n = 0; k < x->nlive; k++)
		n += x->live[k].id >= a.start_id;
	if (!x->alive)
		post = E(EIDRM) | E(ENOMEM);
	else if (!x->known)
		post = cmd_errs[C_ALLOCS] | OK;
	else if (bptr != P_OK && maxw && n)
		post = E(EFAULT) | E(ENOMEM);
	else
		post = OK | E(ENOMEM);
	r = dev_ioctl(f->fd, C_ALLOCS, EDUALLOC_IOC_ALLOCS, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "ALLOCS max %u start %d buf %s ptr %s", a.max, a.start_id,
		 ptr_names[bptr], ptr_names[mu.ptr]);
	if (!check_result(m, what, r, expect_ptr(C_ALLOCS, mu.ptr, mu.field ? E(EINVAL) : 0, post,
						 false)) || r || !x->known)
		return;
	if (a.total != (uint64_t)x->nlive || a.count != (uint32_t)(n < (int)maxw ? n : (int)maxw)) {
		unexpected("ALLOCS from %d: count %u total %llu, model %d of %d", a.start_id,
			   a.count, (unsigned long long)a.total, n, x->nlive);
		return;
	}
	if (bptr != P_OK)
		return;
	for (k = 0; k < (int)a.count; k++) {
		struct ment *e = find_live(x, out[k].id);

		if (!e || (k && out[k].id <= out[k - 1].id) || out[k].id < a.start_id ||
		    out[k].offset != e->off || out[k].size != e->size) {
			unexpected("ALLOCS[%d]: ID %d at %#llx size %llu: not the model's", k,
				   out[k].id, (unsigned long long)out[k].offset,
				   (unsigned long long)out[k].size);
			return;
		}
	}
}

/* An ioctl number that is not one of ours: another size, direction or number. */
static void op_unknown(struct model *m, struct mfile *f)
{
	struct rng *r = &m->c.r;
	unsigned long cmd;
	char what[64];
	int i, res;

	switch (below(r, 4)) {
	case 0: {		/* ours with the size or direction changed */
		unsigned long base = cmds[below(r, NR_CMDS)].cmd;

		cmd = below(r, 2) ? (base ^ ((1 + below(r, 0x3fff)) << _IOC_SIZESHIFT)) :
				    (base ^ ((1 + below(r, 3)) << _IOC_DIRSHIFT));
		break;
	}
	case 1:			/* our type, numbers we never gave out */
		cmd = _IOC(below(r, 4), EDUALLOC_IOC_MAGIC, 0x1e + below(r, 0xe1), below(r, 2048));
		break;
	default: {		/* anything, but not the type bytes the VFS answers itself */
		unsigned int type;

		do
			type = below(r, 256);
		while (type == 0 || type == 'T' || type == 'X' || type == 'f' || type == 0x94 ||
		       type == 0x15 || type == EDUALLOC_IOC_MAGIC);
		cmd = (uint32_t)((rnd(r) & ~(0xffUL << _IOC_TYPESHIFT)) | (type << _IOC_TYPESHIFT));
		break;
	}
	}
	for (i = 0; i < NR_CMDS; i++)
		if (cmd == cmds[i].cmd)
			return;
	res = dev_ioctl(f->fd, K_UNKNOWN, cmd, bad_ptr(&m->c, pick_ptr(&m->c, 50), m->c.buf, 64));
	snprintf(what, sizeof(what), "ioctl %#lx (not ours)", cmd);
	check_result(m, what, res, E(ENOTTY));
}

/* Commands that change an instance: never on one we do not model (the shared one). */
static bool may_change(struct model *m, struct mfile *f)
{
	return M(m, f->inst)->known;
}

/*
 * A BATCH that runs, on an instance we model: ALLOCs of picked sizes and
 * FREEs by ID (live, freed, never issued), each entry predicted as its
 * ALLOC or FREE would be, in order, and the model updated as it goes.
 */
static void op_batch_run(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct minst *x = M(m, f->inst);
	struct edualloc_batch_entry e[16];
	unsigned int i, n = 1 + below(&c->r, 16), done = 0;
	struct edualloc_batch a = { .entries = (uintptr_t)e, .count = n };
	char what[96];
	int r;

	memset(e, 0, sizeof(e));
	for (i = 0; i < n; i++) {
		if (below(&c->r, 2)) {
			e[i].op = EDUALLOC_BATCH_ALLOC;
			e[i].size = pick_size(c, x->cap);
		} else {
			e[i].op = EDUALLOC_BATCH_FREE;
			e[i].id = pick_id(c, x);
			if (e[i].id <= 0)	/* ID 0 frees by offset: not here */
				e[i].id = x->next_id + below(&c->r, 3);
		}
	}
	r = dev_ioctl(f->fd, C_BATCH, EDUALLOC_IOC_BATCH, &a);
	snprintf(what, sizeof(what), "BATCH of %u entries", n);
	if (!check_result(m, what, r, !x->alive ? E(EIDRM) : OK) || r)
		return;
	for (i = 0; i < n; i++) {
		struct edualloc_batch_entry *b = &e[i];
		int err = b->err <= 0 ? -b->err : 128;
		struct ment *l = NULL;
		eset want;

		if (b->op == EDUALLOC_BATCH_ALLOC) {
			want = alloc_result(x, b->size);
		} else {
			l = find_live(x, b->id);
			want = l ? OK : issued(x, b->id) ? E(EALREADY) : E(ENOENT);
		}
		snprintf(what, sizeof(what), "BATCH entry %u: %s %llu", i,
			 b->op == EDUALLOC_BATCH_ALLOC ? "ALLOC" : "FREE",
			 b->op == EDUALLOC_BATCH_ALLOC ? (unsigned long long)b->size :
			 (unsigned long long)b->id);
		count_refusal(x, err, P_OK, 0, b->op == EDUALLOC_BATCH_FREE ? want : 0,
			      b->op == EDUALLOC_BATCH_ALLOC ? want & ~OK : 0);
		if (!check_allowed(what, err, want) || err)
			continue;
		done++;
		if (b->op == EDUALLOC_BATCH_FREE) {
			digest(m, 3000, l->id);
			drop_live(x, l);
		} else {
			unsigned int cls = class_of(b->size);
			struct edualloc_alloc_info in = {
				.id = b->id, .cls = b->cls, .offset = b->offset, .size = b->size,
				.class_size = cls == EDUALLOC_CLASS_LARGE ? page_align(b->size) :
					      8ULL << cls,
				.owner_pid = (uint32_t)getpid(),
			};

			if (!check_new(x, &in, b->size, what))
				continue;
			digest(m, in.id, in.offset);
			if (!add_live(m, x, &in)) {
				struct edualloc_free fr = { .id = in.id, .flags = EDUALLOC_FREE_BY_ID };

				check_result(m, "FREE (model full)",
					     dev_ioctl(f->fd, C_FREE, EDUALLOC_IOC_FREE, &fr), OK);
			}
		}
	}
	if (opt_verbose > 1)
		for (i = 0; i < n; i++)
			printf("%s: BATCH entry %u: op %u id %d size %llu -> %d\n", PROG, i, e[i].op,
			       e[i].id, (unsigned long long)e[i].size, e[i].err);
	if (a.done != done || a.failed != n - done)
		unexpected("BATCH of %u: done %u failed %u, the entries say %u and %u", n, a.done,
			   a.failed, done, n - done);
}

/*
 * BATCH, refused as a whole before anything is done: count 0 or above
 * EDUALLOC_BATCH_MAX, flags set, the entries behind a bad pointer, an
 * entry with an unknown op or a FREE with a size; the argument itself
 * may be behind a bad pointer too. The engine is not entered: nothing is
 * counted, and the model stays as it is.
 */
static void op_batch(struct model *m, struct mfile *f)
{
	static const char *const hows[] = {
		"count 0", "count above the maximum", "flags", "entries pointer",
		"unknown op", "FREE with a size",
	};
	struct ctx *c = &m->c;
	struct edualloc_batch_entry e[8];
	unsigned int i, n = 1 + below(&c->r, 8), how = below(&c->r, 6);
	struct edualloc_batch a;
	int eptr = P_OK, r;
	struct mut mu;
	char what[96];
	eset pre = E(EINVAL);

	if (may_change(m, f) && below(&c->r, 2)) {
		op_batch_run(m, f);
		return;
	}
	for (i = 0; i < n; i++)
		e[i] = (struct edualloc_batch_entry){ .op = EDUALLOC_BATCH_ALLOC,
						      .size = 1 + below(&c->r, 4096) };
	memset(&a, 0, sizeof(a));
	a.count = n;
	switch (how) {
	case 0:
		a.count = 0;
		break;
	case 1:
		a.count = EDUALLOC_BATCH_MAX + 1 + below(&c->r, 1000);
		break;
	case 2:
		a.flags = 1U << below(&c->r, 32);
		break;
	case 3:
		eptr = 1 + below(&c->r, NR_PTRS - 1);
		pre = E(EFAULT);	/* read-only entries: the write-back test */
		break;
	case 4:
		e[below(&c->r, n)].op = below(&c->r, 2) ? 0 : 3 + below(&c->r, 1000);
		break;
	default:
		i = below(&c->r, n);
		e[i] = (struct edualloc_batch_entry){ .op = EDUALLOC_BATCH_FREE, .id = 1,
						      .size = 1 + below(&c->r, 4096) };
		break;
	}
	a.entries = (uintptr_t)bad_ptr(c, eptr, e, n * sizeof(e[0]));
	if (how == 3)		/* the bad pointers' pages hold the entries */
		mu = (struct mut){ .ptr = P_OK };
	else
		mutate(c, &a, sizeof(a), -1, 0, -1, &mu);
	r = dev_ioctl(f->fd, C_BATCH, EDUALLOC_IOC_BATCH, bad_ptr(c, mu.ptr, &a, sizeof(a)));
	snprintf(what, sizeof(what), "BATCH of %u, %s (%s) ptr %s", n, hows[how],
		 ptr_names[eptr], ptr_names[mu.ptr]);
	check_result(m, what, r, expect_ptr(C_BATCH, mu.ptr, pre, OK, false));
}

/* ---- Phase A: mappings --------------------------------------------------------- */

static void map_forget(struct model *m, struct mmapping *mp)
{
	(void)m;
	memset(mp, 0, sizeof(*mp));
}

/* Compare what a mapping shows with the model, for clean allocations in it. */
static void map_verify(struct model *m, struct mmapping *mp)
{
	struct minst *x;
	int k;

	if (mp->inst < 0 || !M(m, mp->inst)->alive || !M(m, mp->inst)->known)
		return;
	x = M(m, mp->inst);
	for (k = 0; k < x->nlive; k++) {
		struct ment *e = &x->live[k];
		uint64_t start = mp->serial ? large_off(e->id) : e->off;

		if (!e->clean || (mp->serial ? e->serial != mp->serial : e->cls == EDUALLOC_CLASS_LARGE))
			continue;
		if (start < mp->off || start + e->size > mp->off + mp->len)
			continue;
		if (memcmp(mp->addr + (start - mp->off), e->shadow, e->size)) {
			unexpected("mapping of %.32s: ID %d at %#llx differs from what was written",
				   x->name, e->id, (unsigned long long)start);
			e->clean = false;
		}
	}
}

static void op_mmap(struct model *m, struct mfile *f)
{
	struct ctx *c = &m->c;
	struct rng *r = &c->r;
	struct minst *x = M(m, f->inst);
	struct mmapping *mp = NULL;
	uint64_t off = 0, len, serial = 0;
	int prot, flags, k, res;
	struct ment *e = NULL;
	char what[112];
	eset want;
	void *p;

	for (k = 0; k < MAXMAPS; k++)
		if (!m->map[k].used)
			mp = &m->map[k];
	if (!mp) {			/* full: drop one */
		mp = &m->map[below(r, MAXMAPS)];
		res = munmap(mp->addr, mp->len) ? errno : 0;
		count(K_MUNMAP, res);
		check_result(m, "munmap (full)", res, OK);
		map_forget(m, mp);
	}
	switch (below(r, 8)) {
	case 0: case 1: case 2:		/* the arena, or part of it */
		off = below(r, 4) ? 0 : below(r, x->cap / 4096 + 2) * 4096;
		len = below(r, 3) ? x->cap - (off < x->cap ? off : x->cap) : below(r, 8) * 4096 + 1;
		if (!len)
			len = 4096;
		break;
	case 3: case 4:			/* a large allocation */
		for (k = 0; k < x->nlive && x->known; k++)
			if (x->live[k].cls == EDUALLOC_CLASS_LARGE && (!e || below(r, 2)))
				e = &x->live[k];
		if (e) {
			off = large_off(e->id) + (below(r, 4) ? 0 : below(r, e->csize / 4096 + 1) * 4096);
			len = below(r, 3) ? e->csize - (off - large_off(e->id)) : 4096;
			if (!len)
				len = 4096;
			serial = e->serial;
			break;
		}
		/* fall through */
	case 5:
		off = large_off(1 + below(r, x->next_id + 2));
		len = 4096 * (1 + below(r, 4));
		break;
	default:
		off = pick_off(c, x) & ~4095ULL;
		len = 4096 * (1 + below(r, 16));
		break;
	}
	prot = below(r, 10) ? PROT_READ | PROT_WRITE : below(r, 2) ? PROT_READ :
	       PROT_READ | PROT_WRITE | PROT_EXEC;
	if (!x->known && !(prot & PROT_EXEC))
		prot = PROT_READ;	/* the shared instance: look, never touch */
	flags = below(r, 12) ? MAP_SHARED : MAP_PRIVATE;
	if (flags == MAP_PRIVATE || prot & PROT_EXEC) {
		want = E(EINVAL) | E(EPERM);
	} else if (!x->alive) {
		want = E(EIDRM);
	} else if (!x->known) {
		want = E(EINVAL) | OK;
	} else if (off < EDUALLOC_LARGE_BASE) {
		want = off < x->cap && page_align(len) <= x->cap - off ? OK : E(EINVAL);
	} else {
		uint64_t id = (off - EDUALLOC_LARGE_BASE) >> EDUALLOC_LARGE_SHIFT;
		uint64_t start = large_off(id);
		struct ment *l = id <= INTMAX ? find_live(x, id) : NULL;

		if (!l || l->cls != EDUALLOC_CLASS_LARGE)
			want = E(EINVAL);
		else
			want = off - start < l->csize && page_align(len) <= l->csize - (off - start) ?
			       OK : E(EINVAL);
		serial = l ? l->serial : 0;
	}
	p = mmap(NULL, len, prot, flags, f->fd, off);
	res = p == MAP_FAILED ? errno : 0;
	count(K_MMAP, res);
	snprintf(what, sizeof(what), "mmap offset %#llx length %#llx prot %#x flags %#x of %.32s",
		 (unsigned long long)off, (unsigned long long)len, prot, flags, x->name);
	if (!check_result(m, what, res, want) || res)
		return;
	mp->used = true;
	mp->inst = x->known ? f->inst : -1;
	mp->addr = p;
	mp->len = page_align(len);
	mp->off = off;
	mp->serial = off >= EDUALLOC_LARGE_BASE ? serial : 0;
	mp->writable = prot & PROT_WRITE;
	map_verify(m, mp);
}

/* Use a mapping: verify, scribble, mprotect, mremap, unmap part or all. */
static void op_map_use(struct model *m)
{
	struct ctx *c = &m->c;
	struct rng *r = &c->r;
	struct mmapping *mp = &m->map[below(r, MAXMAPS)];
	uint64_t a, n;
	char what[80];
	void *p;
	int res;

	if (!mp->used)
		return;
	switch (below(r, 10)) {
	case 0: case 1: case 2:		/* scribble random bytes */
		if (!mp->writable)
			break;
		a = below(r, mp->len);
		n = 1 + below(r, mp->len - a < 8192 ? mp->len - a : 8192);
		fill_pattern(mp->addr + a, n, rnd(r));
		if (mp->inst >= 0 && M(m, mp->inst)->kind != EDUALLOC_KIND_SHARED)
			dirty_range(m, mp->inst, mp->off + a, n, mp->serial);
		break;
	case 3: case 4:
		map_verify(m, mp);
		break;
	case 5:				/* PROT_EXEC is refused */
		res = mprotect(mp->addr, 4096, PROT_READ | PROT_EXEC) ? errno : 0;
		count(K_MPROTECT, res);
		check_result(m, "mprotect PROT_EXEC", res, E(EACCES));
		break;
	case 6:				/* read-only, then back */
		res = mprotect(mp->addr, mp->len, PROT_READ) ? errno : 0;
		count(K_MPROTECT, res);
		if (check_result(m, "mprotect PROT_READ", res, OK))
			mp->writable = false;
		break;
	case 7:				/* no growing (VM_DONTEXPAND); shrinking is fine */
		n = mp->len + 4096 * (1 + below(r, 4));
		p = mremap(mp->addr, mp->len, n, 0);
		res = p == MAP_FAILED ? errno : 0;
		count(K_MREMAP, res);
		snprintf(what, sizeof(what), "mremap grow %#zx", mp->len);
		if (check_result(m, what, res, E(EFAULT) | E(ENOMEM)) && !res)
			mp->len = n;
		if (mp->len > 4096) {
			n = page_align(below(r, mp->len - 4096) + 1);
			p = mremap(mp->addr, mp->len, n, 0);
			res = p == MAP_FAILED ? errno : 0;
			count(K_MREMAP, res);
			if (check_result(m, "mremap shrink", res, OK))
				mp->len = n;
		}
		break;
	case 8:				/* unmap the tail */
		if (mp->len > 4096) {
			n = page_align(below(r, mp->len - 4096) + 1);
			res = munmap(mp->addr + n, mp->len - n) ? errno : 0;
			count(K_MUNMAP, res);
			if (check_result(m, "munmap tail", res, OK))
				mp->len = n;
			break;
		}
		/* fall through */
	default:
		res = munmap(mp->addr, mp->len) ? errno : 0;
		count(K_MUNMAP, res);
		check_result(m, "munmap", res, OK);
		map_forget(m, mp);
		break;
	}
}

/* Close a file (its private instance goes) and open a new one in its place. */
static void op_reopen(struct model *m, struct mfile *f)
{
	int res;

	res = close(f->fd) ? errno : 0;
	count(K_CLOSE, res);
	check_result(m, "close", res, OK);
	if (f->priv >= 0)
		inst_kill(m, f->priv);
	f->priv = -1;
	f->fd = open(DEV, O_RDWR | O_CLOEXEC);
	res = f->fd < 0 ? errno : 0;
	count(K_OPEN, res);
	check_result(m, "open", res, OK);
	f->inst = 0;
}

/* ---- Phase A: the run ----------------------------------------------------------- */

static void model_create(struct model *m, struct mfile *f, const char *name, uint64_t cap,
			 uint32_t bits, uint32_t first_id, bool debug)
{
	struct edualloc_create a;
	int r, slot;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.capacity = cap;
	a.bitset_bits = bits;
	a.first_id = first_id;
	a.flags = EDUALLOC_CREATE_QUIET | (debug ? EDUALLOC_CREATE_DEBUG_ON : EDUALLOC_CREATE_DEBUG_OFF);
	r = dev_ioctl(f->fd, C_CREATE, EDUALLOC_IOC_CREATE, &a);
	if (!check_result(m, "CREATE (setup)", r, OK))
		return;
	slot = new_inst(m);
	M(m, slot)->alive = M(m, slot)->known = true;
	M(m, slot)->kind = name[0] ? EDUALLOC_KIND_NAMED : EDUALLOC_KIND_PRIVATE;
	memcpy(M(m, slot)->name, a.info.name, EDUALLOC_NAME_MAX);
	M(m, slot)->cap = cap;
	M(m, slot)->bits = bits;
	M(m, slot)->first_id = M(m, slot)->next_id = first_id ? first_id : 1;
	M(m, slot)->debug = debug;
	M(m, slot)->bitset = calloc(bits + 1, 1);
	f->inst = slot;
	if (!name[0])
		f->priv = slot;
}

/* Destroy the named instances we may have left, quietly. */
static void destroy_ours(int fd)
{
	static const char *const names[] = { "hfz-0", "hfz-1", "hfz-2", "hfz-b",
					     "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" };
	struct edualloc_destroy d;
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&d, 0, sizeof(d));
		strcpy(d.name, names[i]);
		ioctl(fd, EDUALLOC_IOC_DESTROY, &d);
	}
}

/*
 * Run @ncalls model-checked calls from @seed; returns the digest of the
 * first @digest_at calls' results (0: of all of them).
 */
static uint64_t run_model(uint64_t seed, long ncalls, long digest_at)
{
	struct model *m = calloc(1, sizeof(*m));
	uint64_t d = 0;
	int i, k;

	cur_seed = seed;
	ctx_init(&m->c, seed);
	for (i = 0; i < NFILES; i++) {
		m->f[i].fd = open(DEV, O_RDWR | O_CLOEXEC);
		count(K_OPEN, m->f[i].fd < 0 ? errno : 0);
		m->f[i].priv = -1;
		m->f[i].inst = 0;
	}
	destroy_ours(m->f[0].fd);
	do_version(m->f[0].fd, &m->v);
	m->base_instances = m->v.nr_instances;
	m->base_total = m->v.total_bytes;
	m->inst[0].used = m->inst[0].alive = true;
	m->inst[0].kind = EDUALLOC_KIND_SHARED;
	strcpy(m->inst[0].name, "shared");
	{
		struct edualloc_stats s;

		do_stats(m->f[0].fd, &s);
		m->inst[0].cap = s.capacity;
		m->inst[0].bits = s.bitset_bits;
		m->inst[0].next_id = s.next_id;
		m->inst[0].first_id = 1;
	}
	model_create(m, &m->f[0], "", 256 * KiB, 1000, 0, true);
	model_create(m, &m->f[1], "", 64 * KiB, 0, 0, false);
	model_create(m, &m->f[2], "", 1 * MiB, 64, INTMAX - 300, true);
	model_create(m, &m->f[3], "hfz-0", 512 * KiB, 4096, 0, true);

	while (m->calls < ncalls) {
		struct mfile *f = pick_file(m);
		unsigned int op = below(&m->c.r, 1000);

		if (digest_at && m->calls >= digest_at && !d)
			d = m->digest | 1;
		/* Attached to the shared instance: only look (it is other tests' too). */
		if (!may_change(m, f) && (op < 430 || (op >= 510 && op < 660) ||
					  (op >= 805 && op < 818)))
			op = below(&m->c.r, 2) ? 720 : 840;	/* STATS, or ATTACH elsewhere */
		if (op < 230)
			op_alloc(m, f);
		else if (op < 380)
			op_free(m, f);
		else if (op < 430)
			op_lookup(m, f);
		else if (op < 510)
			op_rw(m, f, false);
		else if (op < 600)
			op_rw(m, f, true);
		else if (op < 660)
			op_realloc(m, f);
		else if (op < 710)
			op_bit(m, f);
		else if (op < 740)
			op_stats(m, f);
		else if (op < 755)
			op_validate(m, f);
		else if (op < 770)
			op_pages(m, f);
		else if (op < 790)
			op_allocs(m, f);
		else if (op < 800)
			op_list(m, f);
		else if (op < 805)
			op_version(m, f);
		else if (op < 815)
			op_config(m, f);
		else if (op < 818)
			op_reset(m, f);
		else if (op < 833)
			op_create(m, f);
		else if (op < 853)
			op_attach(m, f);
		else if (op < 860)
			op_destroy(m, f);
		else if (op < 890)
			op_unknown(m, f);
		else if (op < 920)
			op_mmap(m, f);
		else if (op < 990)
			op_map_use(m);
		else if (op < 993)
			op_reopen(m, f);
		else if (op < 997)
			op_batch(m, f);
		else
			op_stats(m, f);
		if (opt_verbose > 1 && M(m, f->inst)->known && M(m, f->inst)->alive) {
			/* Debugging the model: compare the counters after every call. */
			struct edualloc_stats st;
			struct minst *x = M(m, f->inst);
			uint64_t errs = 0;
			unsigned int i;

			if (!do_stats(f->fd, &st)) {
				for (i = 0; i < EDUALLOC_NR_ERR; i++)
					if (i != EDUALLOC_ERR_REDZONE && i != EDUALLOC_ERR_USE_AFTER_FREE)
						errs += st.errors[i];
				if (errs != x->errs || st.failed_allocs != x->failed) {
					printf("%s: after %s -> %s: errors %llu (model %llu), failed %llu (model %llu)\n",
					       PROG, last_what, ename(last_r), (unsigned long long)errs,
					       (unsigned long long)x->errs,
					       (unsigned long long)st.failed_allocs,
					       (unsigned long long)x->failed);
					for (i = 0; i < EDUALLOC_NR_ERR; i++)
						if (st.errors[i])
							printf(" [%u]=%llu", i, (unsigned long long)st.errors[i]);
					printf("\n");
					x->errs = errs;
					x->failed = st.failed_allocs;
				}
			}
		}
	}
	if (!d)
		d = m->digest | 1;

	/* Every instance still there must be consistent and add up. */
	for (i = 0; i < NFILES; i++) {
		struct minst *x = M(m, m->f[i].inst);
		struct edualloc_stats s;
		char why[128];

		if (!x->alive)
			continue;
		if (do_validate(m->f[i].fd, why, sizeof(why)))
			unexpected("end: VALIDATE of %.32s: %s", x->name, why);
		if (!do_stats(m->f[i].fd, &s))
			check_stats(m, x, &s);
	}
	for (k = 0; k < MAXMAPS; k++)
		if (m->map[k].used)
			munmap(m->map[k].addr, m->map[k].len);
	destroy_ours(m->f[0].fd);
	for (i = 0; i < NFILES; i++)
		close(m->f[i].fd);
	for (i = 0; i < MAXINST; i++) {
		for (k = 0; k < m->inst[i].nlive; k++)
			free(m->inst[i].live[k].shadow);
		free(m->inst[i].bitset);
	}
	ctx_fini(&m->c);
	free(m);
	return d;
}

/* ---- Phase B: races ------------------------------------------------------------ */

#define VICTIM 200		/* only dup2() puts files there */
#define NB_IDS 64

static int b_fd;
static volatile int b_stop;
static long b_budget;

static bool b_done(void)
{
	return b_stop || (b_budget && sh->phase_b_calls >= b_budget);
}

/* A call in phase B: any errno the command allows (or EBADF on VICTIM). */
static int b_call(int fd, int k, unsigned long cmd, void *arg, const char *what)
{
	int r = dev_ioctl(fd, k, cmd, arg);
	eset ok = (k < NR_CMDS ? cmd_errs[k] : E(ENOTTY)) | OK;

	__atomic_add_fetch(&sh->phase_b_calls, 1, __ATOMIC_RELAXED);
	if (fd == VICTIM)
		ok |= E(EBADF);
	if (r >= 128 || !(ok & E(r)))
		unexpected("phase B: %s -> %s", what, ename(r));
	return r;
}

struct bworker {
	struct ctx c;
	int ids[NB_IDS];
	int nids;
	int id;
};

static void b_op(struct bworker *w, int fd)
{
	struct ctx *c = &w->c;
	struct rng *r = &c->r;
	union {
		struct edualloc_alloc a;
		struct edualloc_free f;
		struct edualloc_rw rw;
		struct edualloc_realloc re;
		struct edualloc_lookup l;
		struct edualloc_stats s;
		struct edualloc_validate v;
		struct edualloc_bit b;
		struct edualloc_allocs al;
		struct edualloc_attach at;
		struct edualloc_create cr;
		struct edualloc_config cf;
		struct edualloc_reset rs;
		unsigned char raw[2048];
	} u;
	int ptr = pick_ptr(c, 4), id, res;
	unsigned int op = below(r, 100);
	void *arg = &u;

	memset(&u, 0, sizeof(u));
	id = w->nids && below(r, 4) ? w->ids[below(r, w->nids)] : (int)below(r, 2000);
	if (op < 30) {
		u.a.size = pick_size(c, 256 * KiB);
		if (u.a.size > 512 * KiB)
			u.a.size = 1 + below(r, 512);
		if (chance(r, 3))
			u.a.flags = 1U << below(r, 32);
		res = b_call(fd, C_ALLOC, EDUALLOC_IOC_ALLOC, bad_ptr(c, ptr, arg, sizeof(u.a)), "ALLOC");
		if (!res && ptr == P_OK && w->nids < NB_IDS)
			w->ids[w->nids++] = u.a.info.id;
	} else if (op < 50) {
		u.f.id = id;
		u.f.flags = below(r, 8) ? EDUALLOC_FREE_BY_ID : below(r, 4);
		res = b_call(fd, C_FREE, EDUALLOC_IOC_FREE, bad_ptr(c, ptr, arg, sizeof(u.f)), "FREE");
		if (w->nids && id == w->ids[w->nids - 1])
			w->nids--;
	} else if (op < 65) {
		bool wr = below(r, 2);

		u.rw.id = id;
		u.rw.len = below(r, 4) ? below(r, 64) : below(r, 70000);
		u.rw.pos = below(r, 4) ? 0 : below(r, 512);
		u.rw.buf = (uintptr_t)(below(r, 20) ? (void *)c->buf :
				       bad_ptr(c, 1 + below(r, NR_PTRS - 1), c->buf, 64));
		b_call(fd, wr ? C_WRITE : C_READ, wr ? EDUALLOC_IOC_WRITE : EDUALLOC_IOC_READ,
		       bad_ptr(c, ptr, arg, sizeof(u.rw)), wr ? "WRITE" : "READ");
	} else if (op < 72) {
		u.re.id = id;
		u.re.size = 1 + below(r, below(r, 8) ? 4096 : 300000);
		res = b_call(fd, C_REALLOC, EDUALLOC_IOC_REALLOC, bad_ptr(c, ptr, arg, sizeof(u.re)),
			     "REALLOC");
		if (!res && ptr == P_OK && w->nids < NB_IDS)
			w->ids[w->nids++] = u.re.info.id;
	} else if (op < 77) {
		u.l.id = id;
		u.l.offset = below(r, 1 << 20);
		u.l.flags = 1 + below(r, 2);
		b_call(fd, C_LOOKUP, EDUALLOC_IOC_LOOKUP, bad_ptr(c, ptr, arg, sizeof(u.l)), "LOOKUP");
	} else if (op < 82) {
		res = b_call(fd, C_STATS, EDUALLOC_IOC_STATS, bad_ptr(c, ptr, arg, sizeof(u.s)),
			     "STATS");
		if (!res && ptr == P_OK && u.s.allocs - u.s.frees != u.s.live_allocs)
			unexpected("phase B: STATS allocs %llu - frees %llu != live %llu",
				   (unsigned long long)u.s.allocs, (unsigned long long)u.s.frees,
				   (unsigned long long)u.s.live_allocs);
	} else if (op < 85) {
		res = b_call(fd, C_VALIDATE, EDUALLOC_IOC_VALIDATE, bad_ptr(c, ptr, arg, sizeof(u.v)),
			     "VALIDATE");
		if (!res && ptr == P_OK && !u.v.consistent)
			unexpected("phase B: VALIDATE: %.120s", u.v.why);
	} else if (op < 88) {
		u.b.op = 1 + below(r, 5);
		u.b.bit = u.b.op == EDUALLOC_BIT_CLEAR_ALL ? 0 : below(r, 5000);
		b_call(fd, C_BIT, EDUALLOC_IOC_BIT, bad_ptr(c, ptr, arg, sizeof(u.b)), "BIT");
	} else if (op < 90) {
		u.al.max = below(r, 100);
		u.al.buf = (uintptr_t)c->buf;
		b_call(fd, C_ALLOCS, EDUALLOC_IOC_ALLOCS, bad_ptr(c, ptr, arg, sizeof(u.al)), "ALLOCS");
	} else if (op < 93) {		/* switch between the private and the named instance */
		if (below(r, 2))
			u.at.flags = EDUALLOC_ATTACH_PRIVATE;
		else
			strcpy(u.at.name, "hfz-b");
		b_call(fd, C_ATTACH, EDUALLOC_IOC_ATTACH, bad_ptr(c, ptr, arg, sizeof(u.at)), "ATTACH");
	} else if (op < 94) {
		u.cf.flags = EDUALLOC_CONFIG_SET_DEBUG;
		u.cf.debug = below(r, 2);
		b_call(fd, C_CONFIG, EDUALLOC_IOC_CONFIG, bad_ptr(c, ptr, arg, sizeof(u.cf)), "CONFIG");
	} else if (op < 95) {
		if (!below(r, 5))
			b_call(fd, C_RESET, EDUALLOC_IOC_RESET, bad_ptr(c, ptr, arg, sizeof(u.rs)),
			       "RESET");
	} else if (op < 97) {		/* map the arena, scribble, unmap */
		size_t len = 4096 * (1 + below(r, 64));
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
					below(r, 4) ? 0 : 4096 * below(r, 300));

		res = p == MAP_FAILED ? errno : 0;
		count(K_MMAP, res);
		__atomic_add_fetch(&sh->phase_b_calls, 1, __ATOMIC_RELAXED);
		if (!(E(res) & (OK | E(EINVAL) | E(EIDRM) | (fd == VICTIM ? E(EBADF) : 0))))
			unexpected("phase B: mmap -> %s", ename(res));
		if (!res) {
			fill_pattern(p + below(r, len - 64), 64, rnd(r));
			munmap(p, len);
		}
	} else {
		unsigned long cmd = _IOC(below(r, 4), EDUALLOC_IOC_MAGIC, 0x30 + below(r, 0xcf),
					 below(r, 256));

		b_call(fd, K_UNKNOWN, cmd, c->buf, "unknown");
	}
}

static void *b_worker(void *arg)
{
	struct bworker *w = arg;

	while (!b_done())
		b_op(w, below(&w->c.r, 10) ? b_fd : VICTIM);
	return NULL;
}

/* Put new files at VICTIM (dup2 closes the one there) and close them. */
static void *b_closer(void *arg)
{
	struct rng r;
	unsigned int n = 0;

	rng_seed(&r, (uintptr_t)arg);
	while (!b_done()) {
		struct edualloc_create cr;
		int fd = open(DEV, O_RDWR | O_CLOEXEC);

		count(K_OPEN, fd < 0 ? errno : 0);
		if (fd < 0) {
			unexpected("phase B: open: %s", ename(errno));
			break;
		}
		/* A private instance: the calls on VICTIM never reach the shared one. */
		memset(&cr, 0, sizeof(cr));
		cr.capacity = 64 * KiB << below(&r, 3);
		cr.flags = EDUALLOC_CREATE_QUIET;
		if (b_call(fd, C_CREATE, EDUALLOC_IOC_CREATE, &cr, "CREATE (closer)")) {
			close(fd);
			continue;
		}
		dup2(fd, VICTIM);
		close(fd);
		count(K_CLOSE, 0);
		usleep(100 + below(&r, 500));
		if (++n % 3 == 0) {
			close(VICTIM);
			count(K_CLOSE, 0);
		}
	}
	return NULL;
}

/* Destroy the named instance under its users, and make it again. */
static void *b_destroyer(void *arg)
{
	struct rng r;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	rng_seed(&r, (uintptr_t)arg);
	while (!b_done()) {
		struct edualloc_create cr;
		struct edualloc_destroy d;

		memset(&cr, 0, sizeof(cr));
		strcpy(cr.name, "hfz-b");
		cr.capacity = 128 * KiB;
		cr.bitset_bits = 100;
		cr.flags = EDUALLOC_CREATE_QUIET;
		b_call(fd, C_CREATE, EDUALLOC_IOC_CREATE, &cr, "CREATE hfz-b");
		usleep(2000 + below(&r, 20000));
		memset(&d, 0, sizeof(d));
		strcpy(d.name, "hfz-b");
		b_call(fd, C_DESTROY, EDUALLOC_IOC_DESTROY, &d, "DESTROY hfz-b");
	}
	close(fd);
	return NULL;
}

/* Children that share b_fd (and VICTIM) and call on it, then exit. */
static void *b_forker(void *arg)
{
	uint64_t seed = (uintptr_t)arg;

	while (!b_done()) {
		pid_t pid = fork();

		if (pid < 0) {
			unexpected("phase B: fork: %s", strerror(errno));
			break;
		}
		if (!pid) {
			struct bworker w;
			int i;

			memset(&w, 0, sizeof(w));
			ctx_init(&w.c, seed);
			for (i = 0; i < 300 && !b_done(); i++)
				b_op(&w, below(&w.c.r, 10) ? b_fd : VICTIM);
			/* Exit with a mapping up: the file outlives the process's fd. */
			mmap(NULL, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, b_fd, 0);
			_exit(0);
		}
		__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
		waitpid(pid, NULL, 0);
		seed = mix(seed, pid);
	}
	return NULL;
}

static void run_races(uint64_t seed, long budget, double secs, int nthreads)
{
	struct bworker *w = calloc(nthreads, sizeof(*w));
	pthread_t th[nthreads + 3];
	struct edualloc_create cr;
	struct edualloc_stats s;
	struct edualloc_attach at;
	char why[128];
	double t0 = now_s();
	int i;

	cur_seed = seed;
	b_stop = 0;
	b_budget = budget;
	sh->phase_b_calls = 0;
	b_fd = open(DEV, O_RDWR | O_CLOEXEC);
	memset(&cr, 0, sizeof(cr));
	cr.capacity = 1 * MiB;
	cr.bitset_bits = 4096;
	cr.flags = EDUALLOC_CREATE_QUIET;
	if (xioctl(b_fd, EDUALLOC_IOC_CREATE, &cr))
		unexpected("phase B: CREATE private");
	for (i = 0; i < nthreads; i++) {
		ctx_init(&w[i].c, mix(seed, i + 1));
		w[i].id = i;
		pthread_create(&th[i], NULL, b_worker, &w[i]);
	}
	pthread_create(&th[nthreads], NULL, b_closer, (void *)(uintptr_t)mix(seed, 100));
	pthread_create(&th[nthreads + 1], NULL, b_destroyer, (void *)(uintptr_t)mix(seed, 101));
	pthread_create(&th[nthreads + 2], NULL, b_forker, (void *)(uintptr_t)mix(seed, 102));
	while (!b_done()) {
		usleep(20000);
		if (secs > 0 && now_s() - t0 > secs)
			b_stop = 1;
	}
	b_stop = 1;
	for (i = 0; i < nthreads + 3; i++)
		pthread_join(th[i], NULL);

	/* Both instances the file used must be consistent and add up. */
	memset(&at, 0, sizeof(at));
	at.flags = EDUALLOC_ATTACH_PRIVATE;
	for (i = 0; i < 2; i++) {
		if (i == 1) {
			memset(&at, 0, sizeof(at));
			strcpy(at.name, "hfz-b");
		}
		if (xioctl(b_fd, EDUALLOC_IOC_ATTACH, &at))
			continue;
		if (do_validate(b_fd, why, sizeof(why)))
			unexpected("phase B: VALIDATE of %s: %s", at.info.name, why);
		if (do_stats(b_fd, &s) || s.allocs - s.frees != s.live_allocs)
			unexpected("phase B: STATS of %s: allocs %llu - frees %llu != live %llu",
				   at.info.name, (unsigned long long)s.allocs,
				   (unsigned long long)s.frees, (unsigned long long)s.live_allocs);
	}
	close(b_fd);
	close(VICTIM);
	i = open(DEV, O_RDWR | O_CLOEXEC);
	destroy_ours(i);
	close(i);
	for (i = 0; i < nthreads; i++)
		ctx_fini(&w[i].c);
	free(w);
}

/* ---- Main ----------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: %s [-s SEED|random] [-n CALLS] [-d SECONDS] [-j THREADS] [-v]\n",
		PROG);
	exit(2);
}

int main(int argc, char **argv)
{
	struct edualloc_version v0, v1;
	long a_calls, replay_calls, b_calls_budget, before;
	double t0 = now_s(), ta, tb;
	uint64_t d1, d2, seed;
	int opt, fd, round = 0, i;
	char seedstr[32];

	abi_init(PROG);
	while ((opt = getopt(argc, argv, "s:n:d:j:v")) != -1) {
		switch (opt) {
		case 's':
			opt_seed = parse_seed(optarg);
			break;
		case 'n':
			opt_calls = atol(optarg);
			break;
		case 'd':
			opt_secs = atof(optarg);
			break;
		case 'j':
			opt_threads = atoi(optarg);
			break;
		case 'v':
			opt_verbose++;
			break;
		default:
			usage();
		}
	}
	if (access(DEV, F_OK))
		hard_skip(DEV " does not exist");
	if (geteuid())
		hard_skip("needs root (CONFIG, DESTROY of any name)");
	sh = mmap(NULL, sizeof(*sh) + NR_KINDS * sizeof(long), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	per_kind = (long *)(sh + 1);
	snprintf(seedstr, sizeof(seedstr), "%#llx", (unsigned long long)opt_seed);
	printf("%s: seed %s (replay: %s -s %s%s%s)\n", PROG, seedstr, PROG, seedstr,
	       opt_secs > 0 ? " -d " : "", opt_secs > 0 ? "SECONDS" : "");
	fd = dev_open();
	destroy_ours(fd);
	do_version(fd, &v0);

	/* Budget: 70% model, 10% replayed, 20% races (at least 1000 each). */
	a_calls = opt_calls * 7 / 10;
	replay_calls = opt_calls / 10;
	b_calls_budget = opt_calls - a_calls - replay_calls;
	if (a_calls < 1000)
		a_calls = 1000;
	if (replay_calls < 1000)
		replay_calls = 1000;
	if (b_calls_budget < 1000)
		b_calls_budget = 1000;

	do {
		seed = round ? mix(opt_seed, round) : opt_seed;
		before = sh->t.calls;
		ta = now_s();
		d1 = run_model(seed, a_calls, replay_calls);
		ta = now_s() - ta;
		if (!round || opt_verbose)
			printf("%s: round %d: phase A (model), seed %#llx: %ld calls in %.1f s\n",
			       PROG, round, (unsigned long long)seed, sh->t.calls - before, ta);
		before = sh->t.calls;
		d2 = run_model(seed, replay_calls, replay_calls);
		if (d1 != d2)
			unexpected("seed %#llx: the replay of the first %ld calls gave other results",
				   (unsigned long long)seed, replay_calls);
		if (!round || opt_verbose)
			printf("%s: round %d: replay of the first %ld model calls: %s (%ld calls)\n",
			       PROG, round, replay_calls, d1 == d2 ? "same results" : "DIFFERENT",
			       sh->t.calls - before);
		before = sh->t.calls;
		tb = now_s();
		run_races(mix(seed, 0xb), opt_secs > 0 ? 0 : b_calls_budget,
			  opt_secs > 0 ? (opt_secs / 10 > 20 ? 20 : opt_secs / 10 + 1) : 0,
			  opt_threads);
		tb = now_s() - tb;
		if (!round || opt_verbose)
			printf("%s: round %d: phase B (races), %d threads, a closer, a destroyer and a forker: %ld calls in %.1f s\n",
			       PROG, round, opt_threads, sh->t.calls - before, tb);
		round++;
	} while (opt_secs > 0 && now_s() - t0 < opt_secs && !sh->unexpected);

	/* Nothing of ours is left behind. */
	do_version(fd, &v1);
	close(fd);
	printf("%s: seed %s, %d round%s, %ld calls in %.1f s (%ld checked against the model), %ld child processes\n",
	       PROG, seedstr, round, round == 1 ? "" : "s", sh->t.calls, now_s() - t0,
	       sh->model_checks, sh->forks);
	printf("%s: calls by command:", PROG);
	for (i = 0; i < NR_KINDS; i++)
		if (per_kind[i])
			printf(" %s %ld", i < NR_CMDS ? cmds[i].name : kind_names[i - NR_CMDS],
			       per_kind[i]);
	printf("\n");
	tally_print(PROG, &sh->t);
	check(sh->t.calls >= opt_calls || opt_secs > 0, "at least %ld calls made (%ld)", opt_calls,
	      sh->t.calls);
	check(!sh->unexpected, "every call gave a result the header and the model allow (%ld unexpected)",
	      sh->unexpected);
	check(v1.nr_instances == v0.nr_instances && v1.total_bytes == v0.total_bytes,
	      "no instance left behind (%u instances, %llu bytes; before: %u, %llu)",
	      v1.nr_instances, (unsigned long long)v1.total_bytes, v0.nr_instances,
	      (unsigned long long)v0.total_bytes);
	return hard_done();
}
