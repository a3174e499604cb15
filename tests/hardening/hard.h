/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the hardening programs (issue 8). They build on the
 * ABI tests' helpers (../abi/abi.h: check(), EXPECT(), ename(), xioctl()
 * and the do_*() wrappers) and add what the hardening programs need on
 * top: a seedable PRNG, errno tallies, the kernel's fault-injection knobs,
 * the console and kmemleak, and the device's STATS compared field by field.
 *
 * Each program prints one line per check and ends with
 * "hardening: N passed, M failed"; it exits 0 if nothing failed, 1 if
 * something did, 77 if it could not run here (see hard_skip()).
 */
#ifndef HARD_H
#define HARD_H

#include "../abi/abi.h"

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#define KiB 1024ULL
#define MiB (1024ULL * 1024)

static inline int hard_done(void)
{
	printf("hardening: %d passed, %d failed\n", abi_c->pass, abi_c->fail);
	return abi_c->fail ? 1 : 0;
}

static inline void hard_skip(const char *why)
{
	printf("%s: SKIP: %s\n", abi_prog, why);
	printf("hardening: %d passed, %d failed\n", abi_c->pass, abi_c->fail);
	exit(abi_c->fail ? 1 : 77);
}

static inline double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- A seedable PRNG: xoshiro256**, seeded through splitmix64 ---------- */

struct rng {
	uint64_t s[4];
};

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rnd(struct rng *r)
{
	uint64_t *s = r->s, res = rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return res;
}

static inline uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static inline int chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* The seed on the command line: decimal, 0x hex, or "random". */
static inline uint64_t parse_seed(const char *s)
{
	if (!strcmp(s, "random")) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		return (uint64_t)t.tv_sec * 1000000007ULL ^ (uint64_t)t.tv_nsec ^
		       ((uint64_t)getpid() << 32);
	}
	return strtoull(s, NULL, 0);
}

/* ---- Errno tallies ----------------------------------------------------- */

#define NR_ERRNO 160	/* index 0: success */

struct tally {
	long calls;
	long by_errno[NR_ERRNO];
};

static inline void tally_add(struct tally *t, int err)
{
	__atomic_add_fetch(&t->calls, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->by_errno[err > 0 && err < NR_ERRNO ? err : 0], 1,
			   __ATOMIC_RELAXED);
}

/* "ok 123, EINVAL 45, ..." sorted by count, on one line per 6 entries. */
static inline void tally_print(const char *prog, const struct tally *t)
{
	int idx[NR_ERRNO], n = 0, i, j;

	for (i = 0; i < NR_ERRNO; i++)
		if (t->by_errno[i])
			idx[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && t->by_errno[idx[j]] > t->by_errno[idx[j - 1]]; j--) {
			int x = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = x;
		}
	printf("%s: results by errno:", prog);
	for (i = 0; i < n; i++)
		printf("%s %s %ld", i ? "," : "", idx[i] ? ename(idx[i]) : "ok",
		       t->by_errno[idx[i]]);
	printf("\n");
}

/* ---- Files under /proc and /sys ------------------------------------------ */

static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The first line of a file, without its newline; "" if unreadable. */
static inline const char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* The debug kernel has KUnit's debugfs and the fault-injection files. */
static inline bool debug_kernel(void)
{
	return !access("/proc/thread-self/fail-nth", F_OK) ||
	       !access("/sys/kernel/debug/kunit", F_OK);
}

/* ---- The kernel log ---------------------------------------------------- */

/*
 * klog_mark() remembers the end of the kernel log; klog_grep() then counts
 * the lines written since that contain @needle (printing each if @show,
 * keeping the first in @first).
 */
static int klog_fd __attribute__((unused)) = -1;

static inline void klog_mark(void)
{
	if (klog_fd >= 0)
		close(klog_fd);
	klog_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (klog_fd >= 0)
		lseek(klog_fd, 0, SEEK_END);
}

static inline int klog_grep(const char *needle, bool show, char *first, size_t flen)
{
	char rec[2048];
	ssize_t n;
	int hits = 0;

	if (first && flen)
		first[0] = 0;
	if (klog_fd < 0)
		return -1;
	for (;;) {
		n = read(klog_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on from the next */
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strstr(rec, needle)) {
			char *msg = strchr(rec, ';');

			msg = msg ? msg + 1 : rec;
			msg[strcspn(msg, "\n")] = 0;
			if (!hits && first && flen) {
				size_t l = strlen(msg) < flen ? strlen(msg) : flen - 1;

				memcpy(first, msg, l);
				first[l] = 0;
			}
			if (show)
				printf("%s:   kernel: %s\n", abi_prog, msg);
			hits++;
		}
	}
	return hits;
}

/* ---- STATS, compared ----------------------------------------------------- */

/*
 * The fields that may differ between two snapshots of an instance that
 * went through the same operations: time spent, and the instance's
 * identity (an instance made again gets a new ID and a new private name).
 */
static inline void stats_mask_volatile(struct edualloc_stats *s)
{
	s->alloc_ns = 0;
	s->free_ns = 0;
	/*
	 * Kernel memory made ahead: an ID map leaf made for an allocation
	 * taken back stays for the next one (meta_bytes counts it).
	 */
	s->meta_bytes = 0;
}

/* Name the first field where two stats differ, or return NULL. */
static inline const char *stats_diff(const struct edualloc_stats *a,
				     const struct edualloc_stats *b, char *buf, size_t len)
{
#define F(f) do {							\
	if (a->f != b->f) {						\
		snprintf(buf, len, #f " %llu -> %llu",			\
			 (unsigned long long)a->f, (unsigned long long)b->f); \
		return buf;						\
	}								\
} while (0)
	unsigned int i;

	F(inst_id); F(kind); F(inst_flags); F(capacity); F(pages_total);
	F(pages_used); F(pages_free); F(largest_free); F(live_allocs);
	F(live_requested); F(live_allocated); F(internal_frag);
	F(internal_frag_pct); F(external_frag_pct); F(peak_requested);
	F(peak_allocated); F(used_bytes); F(peak_used); F(avail_bytes);
	F(allocs); F(frees); F(reallocs); F(failed_allocs); F(large_count);
	F(large_bytes); F(alloc_ns); F(free_ns); F(corruptions);
	F(bitset_bits); F(next_id);
	for (i = 0; i < EDUALLOC_ERR_SLOTS; i++)
		F(errors[i]);
	for (i = 0; i < EDUALLOC_NR_CLASSES; i++) {
		F(cls[i].size); F(cls[i].slabs); F(cls[i].slots_total);
		F(cls[i].slots_used); F(cls[i].allocs); F(cls[i].frees);
		F(cls[i].failures); F(cls[i].waste);
	}
	if (memcmp(a->name, b->name, sizeof(a->name))) {
		snprintf(buf, len, "name %.32s -> %.32s", a->name, b->name);
		return buf;
	}
#undef F
	return NULL;
}

/* Size class of a request, as the engine picks it (16: large). */
static inline unsigned int class_of(unsigned long long size)
{
	unsigned int c = 0;

	if (size > EDUALLOC_SMALL_MAX)
		return EDUALLOC_CLASS_LARGE;
	while ((8ULL << c) < size)
		c++;
	return c;
}

#endif /* HARD_H */
