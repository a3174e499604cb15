// SPDX-License-Identifier: GPL-2.0
/*
 * hard-stress: several threads in several processes share the shared
 * instance (the class heap) for a bounded time.
 *
 *   hard-stress [-p PROCESSES] [-t THREADS] [-d SECONDS] [-s SEED]
 *
 * Each thread is a writer with its own pattern: it allocates (small,
 * page-sized and large blocks), fills its blocks with its pattern (through
 * WRITE, or through the process's mapping of the arena), reads them back
 * (through READ, or through the mapping), looks them up, reallocates them
 * (the kept prefix must survive), frees them, and asks for STATS and
 * VALIDATE while the others do the same. It counts every allocation,
 * free, reallocation and refusal it makes, per size class.
 *
 * At the end every live block of every writer is verified once more by
 * the parent, byte by byte, and the statistics must add up exactly: the
 * instance's allocs, frees, reallocs, failed allocations, errors and the
 * per-class counters moved by what the writers counted, live allocations
 * and live bytes are what they hold, nothing was found corrupted, VALIDATE
 * agrees. Then the parent frees everything and the instance is as it was.
 * The only error a call may give is ENOMEM (the class heap is full).
 */
#include "hard.h"

#include <pthread.h>

#define PROG "hard-stress"
#define MAXBLK 24
#define MAXW 64

struct blk {
	int id;
	uint32_t size;
	uint64_t off;
};

struct wstate {
	long allocs, frees, reallocs, nomem;
	long cls_allocs[EDUALLOC_NR_CLASSES + 1], cls_frees[EDUALLOC_NR_CLASSES + 1];
	long verified, calls;
	int nlive;
	struct blk live[MAXBLK];
};

struct shm {
	struct wstate w[MAXW];
	long unexpected;
	long reports;
};

static struct shm *sh;
static int opt_procs = 3, opt_threads = 4;
static double opt_secs = 10;
static uint64_t opt_seed = 0x57e55;
static volatile int stop;

__attribute__((format(printf, 1, 2)))
static void bad(const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&sh->unexpected, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&sh->reports, 1, __ATOMIC_RELAXED) > 20)
		return;
	printf("%s: UNEXPECTED: ", PROG);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Writer @w's byte @i of block @id. */
static inline unsigned char pat(int w, int id, uint64_t i)
{
	return (unsigned char)(w * 131 + id * 17 + i * 7 + (i >> 8) * 3 + 1);
}

static void fill(unsigned char *p, int w, int id, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = pat(w, id, i);
}

static bool same(const unsigned char *p, int w, int id, uint64_t n, uint64_t *at)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pat(w, id, i)) {
			*at = i;
			return false;
		}
	return true;
}

struct worker {
	int w;			/* writer number, 1.. */
	int fd;
	unsigned char *arena;	/* the process's mapping of the arena */
	uint64_t cap;
	struct rng r;
	unsigned char *buf;
};

static void tally(struct wstate *s, int cls, bool alloc)
{
	if (alloc) {
		s->allocs++;
		s->cls_allocs[cls]++;
	} else {
		s->frees++;
		s->cls_frees[cls]++;
	}
}

/* Check the contents of @b, through READ or through the mapping. */
static void verify(struct worker *k, struct blk *b, bool via_map)
{
	struct wstate *s = &sh->w[k->w];
	uint64_t at;
	int r;

	if (via_map && b->off + b->size <= k->cap && k->arena) {
		if (!same(k->arena + b->off, k->w, b->id, b->size, &at))
			bad("writer %d: ID %d byte %llu through the mapping is %#x, want %#x", k->w,
			    b->id, (unsigned long long)at, k->arena[b->off + at],
			    pat(k->w, b->id, at));
	} else {
		r = do_rw(k->fd, 0, b->id, 0, k->buf, b->size);
		s->calls++;
		if (r) {
			bad("writer %d: READ ID %d: %s", k->w, b->id, ename(r));
			return;
		}
		if (!same(k->buf, k->w, b->id, b->size, &at))
			bad("writer %d: ID %d byte %llu through READ is %#x, want %#x", k->w, b->id,
			    (unsigned long long)at, k->buf[at], pat(k->w, b->id, at));
	}
	s->verified++;
}

/* Fill @b with the writer's pattern, through WRITE or the mapping. */
static void write_blk(struct worker *k, struct blk *b, bool via_map)
{
	int r;

	if (via_map && b->off + b->size <= k->cap && k->arena) {
		fill(k->arena + b->off, k->w, b->id, b->size);
		return;
	}
	fill(k->buf, k->w, b->id, b->size);
	r = do_rw(k->fd, 1, b->id, 0, k->buf, b->size);
	sh->w[k->w].calls++;
	if (r)
		bad("writer %d: WRITE ID %d: %s", k->w, b->id, ename(r));
}

static uint32_t pick_size(struct rng *r)
{
	switch (below(r, 20)) {
	case 0:
		return 4096 + below(r, 28672);		/* page-sized blocks */
	case 1:
		return below(r, 8) ? 1 + below(r, 4096) : 262145 + below(r, 20000);	/* large */
	default:
		return 1 + below(r, below(r, 4) ? 256 : 2048);
	}
}

static void *writer(void *arg)
{
	struct worker *k = arg;
	struct wstate *s = &sh->w[k->w];
	struct edualloc_alloc_info a = { 0 };
	struct edualloc_stats st;
	unsigned int op;
	int r, i;

	while (!stop) {
		op = below(&k->r, 100);
		s->calls++;
		if (op < 35 && s->nlive < MAXBLK) {
			uint32_t size = pick_size(&k->r);

			r = do_alloc(k->fd, size, &a);
			if (r == -ENOMEM) {
				s->nomem++;
				continue;
			}
			if (r) {
				bad("writer %d: ALLOC %u: %s", k->w, size, ename(r));
				continue;
			}
			tally(s, a.cls, true);
			s->live[s->nlive] = (struct blk){ .id = a.id, .size = size, .off = a.offset };
			write_blk(k, &s->live[s->nlive], below(&k->r, 2));
			s->nlive++;
		} else if (op < 60 && s->nlive) {
			i = below(&k->r, s->nlive);
			verify(k, &s->live[i], below(&k->r, 2));
			r = do_free_id(k->fd, s->live[i].id);
			if (r) {
				bad("writer %d: FREE ID %d: %s", k->w, s->live[i].id, ename(r));
				continue;
			}
			tally(s, class_of(s->live[i].size), false);
			s->live[i] = s->live[--s->nlive];
		} else if (op < 80 && s->nlive) {
			verify(k, &s->live[below(&k->r, s->nlive)], below(&k->r, 2));
		} else if (op < 86 && s->nlive) {
			struct edualloc_realloc re;
			struct blk *b = &s->live[below(&k->r, s->nlive)];
			uint64_t keep, at;

			memset(&re, 0, sizeof(re));
			re.id = b->id;
			re.size = pick_size(&k->r);
			r = xioctl(k->fd, EDUALLOC_IOC_REALLOC, &re);
			if (r == -ENOMEM) {
				s->nomem++;
				continue;
			}
			if (r) {
				bad("writer %d: REALLOC ID %d: %s", k->w, b->id, ename(r));
				continue;
			}
			s->reallocs++;
			tally(s, re.info.cls, true);
			tally(s, class_of(b->size), false);
			keep = b->size < re.size ? b->size : re.size;
			r = do_rw(k->fd, 0, re.info.id, 0, k->buf, keep);
			if (r || !same(k->buf, k->w, b->id, keep, &at))
				bad("writer %d: REALLOC ID %d -> %d lost the contents (%s)", k->w,
				    b->id, re.info.id, ename(r));
			*b = (struct blk){ .id = re.info.id, .size = re.size, .off = re.info.offset };
			write_blk(k, b, below(&k->r, 2));
		} else if (op < 92 && s->nlive) {
			struct blk *b = &s->live[below(&k->r, s->nlive)];

			r = do_lookup_id(k->fd, b->id, &a);
			if (r || a.offset != b->off || a.size != b->size ||
			    a.owner_pid != (uint32_t)getpid())
				bad("writer %d: LOOKUP ID %d: %s, offset %#llx size %llu owner %u",
				    k->w, b->id, ename(r), (unsigned long long)a.offset,
				    (unsigned long long)a.size, a.owner_pid);
		} else if (op < 99) {
			r = do_stats(k->fd, &st);
			if (r || st.allocs - st.frees != st.live_allocs ||
			    st.used_bytes + st.avail_bytes != st.capacity)
				bad("writer %d: STATS %s: allocs %llu - frees %llu != live %llu", k->w,
				    ename(r), (unsigned long long)st.allocs,
				    (unsigned long long)st.frees, (unsigned long long)st.live_allocs);
		} else {
			char why[128];

			r = do_validate(k->fd, why, sizeof(why));
			if (r)
				bad("writer %d: VALIDATE: %s %s", k->w, ename(r), why);
		}
	}
	/* Leave the blocks live, verified: the parent checks them again. */
	for (i = 0; i < s->nlive; i++)
		verify(k, &s->live[i], i & 1);
	return NULL;
}

static void process(int p, double deadline)
{
	struct worker k[opt_threads];
	pthread_t th[opt_threads];
	struct edualloc_stats st;
	int fd = dev_open(), i;
	unsigned char *arena;

	do_stats(fd, &st);
	arena = mmap(NULL, st.capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (arena == MAP_FAILED) {
		bad("process %d: mmap of the arena: %s", p, strerror(errno));
		arena = NULL;
	}
	for (i = 0; i < opt_threads; i++) {
		k[i].w = 1 + p * opt_threads + i;
		k[i].fd = fd;
		k[i].arena = arena;
		k[i].cap = st.capacity;
		rng_seed(&k[i].r, opt_seed ^ ((uint64_t)k[i].w << 32));
		k[i].buf = malloc(512 * KiB);
		pthread_create(&th[i], NULL, writer, &k[i]);
	}
	while (now_s() < deadline)
		usleep(50000);
	stop = 1;
	for (i = 0; i < opt_threads; i++)
		pthread_join(th[i], NULL);
	if (arena)
		munmap(arena, st.capacity);
	close(fd);
}

int main(int argc, char **argv)
{
	struct edualloc_stats s0, s1, s2;
	long allocs = 0, frees = 0, reallocs = 0, nomem = 0, verified = 0, calls = 0, live = 0;
	long cls_a[EDUALLOC_NR_CLASSES + 1] = { 0 }, cls_f[EDUALLOC_NR_CLASSES + 1] = { 0 };
	unsigned long long live_bytes = 0, errs0 = 0, errs1 = 0;
	unsigned char *buf = malloc(512 * KiB);
	double t0 = now_s(), deadline;
	int opt, fd, p, w, i, c, bad_cls = -1;
	char why[128], first[256];
	uint64_t at;

	abi_init(PROG);
	while ((opt = getopt(argc, argv, "p:t:d:s:")) != -1) {
		switch (opt) {
		case 'p':
			opt_procs = atoi(optarg);
			break;
		case 't':
			opt_threads = atoi(optarg);
			break;
		case 'd':
			opt_secs = atof(optarg);
			break;
		case 's':
			opt_seed = parse_seed(optarg);
			break;
		default:
			return 2;
		}
	}
	if (opt_procs * opt_threads >= MAXW)
		opt_threads = (MAXW - 1) / opt_procs;
	if (access(DEV, F_OK))
		hard_skip(DEV " does not exist");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	fd = dev_open();
	if (do_stats(fd, &s0) || s0.kind != EDUALLOC_KIND_SHARED)
		hard_skip("no shared instance to share");
	klog_mark();
	printf("%s: %d processes x %d threads on the shared instance (%llu bytes) for %.0f s, seed %#llx\n",
	       PROG, opt_procs, opt_threads, (unsigned long long)s0.capacity, opt_secs,
	       (unsigned long long)opt_seed);

	deadline = now_s() + opt_secs;
	for (p = 0; p < opt_procs; p++) {
		pid_t pid = fork();

		if (!pid) {
			process(p, deadline);
			fflush(stdout);
			_exit(0);
		}
	}
	for (p = 0; p < opt_procs; p++) {
		int status;

		wait(&status);
		check(WIFEXITED(status) && !WEXITSTATUS(status), "a writer process exited cleanly (%#x)",
		      status);
	}

	/* Every live block of every writer, once more, from here. */
	for (w = 1; w <= opt_procs * opt_threads; w++) {
		struct wstate *s = &sh->w[w];

		allocs += s->allocs;
		frees += s->frees;
		reallocs += s->reallocs;
		nomem += s->nomem;
		verified += s->verified;
		calls += s->calls;
		live += s->nlive;
		for (c = 0; c <= EDUALLOC_NR_CLASSES; c++) {
			cls_a[c] += s->cls_allocs[c];
			cls_f[c] += s->cls_frees[c];
		}
		for (i = 0; i < s->nlive; i++) {
			struct blk *b = &s->live[i];

			live_bytes += b->size;
			if (do_rw(fd, 0, b->id, 0, buf, b->size) || !same(buf, w, b->id, b->size, &at))
				bad("end: writer %d's ID %d does not hold its pattern", w, b->id);
		}
	}
	do_stats(fd, &s1);
	printf("%s: %ld calls by %d writers in %.1f s: %ld allocations, %ld frees, %ld reallocations, %ld refused (full), %ld blocks verified\n",
	       PROG, calls, opt_procs * opt_threads, now_s() - t0, allocs, frees, reallocs, nomem,
	       verified);
	check(!sh->unexpected, "every call succeeded (or found the heap full) and every block held its writer's pattern (%ld unexpected)",
	      sh->unexpected);
	check(allocs > 100 && frees > 50, "the writers got work done (%ld allocations, %ld frees)",
	      allocs, frees);
	check(s1.allocs - s0.allocs == (unsigned long long)allocs &&
	      s1.frees - s0.frees == (unsigned long long)frees &&
	      s1.reallocs - s0.reallocs == (unsigned long long)reallocs,
	      "STATS allocs, frees, reallocs moved by exactly what the writers did (%llu %llu %llu; writers %ld %ld %ld)",
	      s1.allocs - s0.allocs, s1.frees - s0.frees, s1.reallocs - s0.reallocs, allocs, frees,
	      reallocs);
	check(s1.live_allocs - s0.live_allocs == (unsigned long long)live &&
	      s1.live_allocs - s0.live_allocs == s1.allocs - s0.allocs - (s1.frees - s0.frees) &&
	      s1.live_requested - s0.live_requested == live_bytes,
	      "allocations - frees = live: %llu - %llu = %llu blocks, %llu bytes (writers hold %ld, %llu)",
	      s1.allocs - s0.allocs, s1.frees - s0.frees, s1.live_allocs - s0.live_allocs,
	      s1.live_requested - s0.live_requested, live, live_bytes);
	for (c = 0; c < EDUALLOC_NR_CLASSES; c++)
		if (s1.cls[c].allocs - s0.cls[c].allocs != (unsigned long long)cls_a[c] ||
		    s1.cls[c].frees - s0.cls[c].frees != (unsigned long long)cls_f[c])
			bad_cls = c;
	check(bad_cls < 0, "the per-class counters add up too (first wrong class: %d)", bad_cls);
	for (i = 0; i < EDUALLOC_NR_ERR; i++) {
		errs0 += s0.errors[i];
		errs1 += s1.errors[i];
	}
	check(s1.failed_allocs - s0.failed_allocs == (unsigned long long)nomem &&
	      s1.errors[EDUALLOC_ERR_NO_SPACE] - s0.errors[EDUALLOC_ERR_NO_SPACE] == (unsigned long long)nomem &&
	      errs1 - errs0 == (unsigned long long)nomem,
	      "refusals: %ld for a full heap, each counted once and nothing else (failed_allocs +%llu, errors +%llu)",
	      nomem, s1.failed_allocs - s0.failed_allocs, errs1 - errs0);
	check(s1.corruptions == s0.corruptions, "no corruption found (%llu)",
	      s1.corruptions - s0.corruptions);
	EXPECT(0, do_validate(fd, why, sizeof(why)), "VALIDATE the shared instance (%s)", why);

	/* Put the class heap back as it was. */
	for (w = 1; w <= opt_procs * opt_threads; w++)
		for (i = 0; i < sh->w[w].nlive; i++)
			do_free_id(fd, sh->w[w].live[i].id);
	do_stats(fd, &s2);
	check(s2.live_allocs == s0.live_allocs && s2.live_requested == s0.live_requested,
	      "after freeing them all: %llu live allocations as before (%llu)", s2.live_allocs,
	      s0.live_allocs);
	/* The engine's corruption reports say "first bad byte". */
	c = klog_grep("first bad byte", true, first, sizeof(first));
	check(c <= 0, "no corruption report in the kernel log (%d)", c < 0 ? 0 : c);
	close(fd);
	return hard_done();
}
