// SPDX-License-Identifier: GPL-2.0
/*
 * mtstress: a multi-threaded allocation stress test for `make bench`
 * (edualloc run against glibc). THREADS threads each make ROUNDS
 * allocations of 16..1024 bytes (a few of 4..64 KiB), keep a window of
 * 256 live, touch the first and last byte of each, and free in a shuffled
 * order; a checksum of what they read is printed so that no work is
 * optimised away and every allocator gives the same output.
 *   mtstress [THREADS [ROUNDS]]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define WINDOW 256

static long rounds = 200000;

static void *worker(void *arg)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL ^ (uintptr_t)arg, sum = 0;
	unsigned char *live[WINDOW] = { 0 };
	size_t size[WINDOW] = { 0 };

	for (long r = 0; r < rounds; r++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		unsigned int i = (unsigned int)(s >> 40) % WINDOW;

		if (live[i]) {
			sum += live[i][0] + live[i][size[i] - 1];
			free(live[i]);
		}
		size[i] = (s >> 20) % 64 == 0 ? 4096 + (s >> 8) % 61440 : 16 + (s >> 8) % 1009;
		live[i] = malloc(size[i]);
		if (!live[i]) {
			fprintf(stderr, "mtstress: malloc(%zu) failed\n", size[i]);
			exit(1);
		}
		live[i][0] = (unsigned char)r;
		live[i][size[i] - 1] = (unsigned char)(r >> 8);
	}
	for (int i = 0; i < WINDOW; i++)
		free(live[i]);
	return (void *)(uintptr_t)sum;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t t[64];
	uint64_t sum = 0;

	if (argc > 2)
		rounds = atol(argv[2]);
	if (threads < 1 || threads > 64 || rounds < 1) {
		fprintf(stderr, "usage: mtstress [THREADS 1-64 [ROUNDS]]\n");
		return 2;
	}
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < threads; i++) {
		void *r;

		pthread_join(t[i], &r);
		sum += (uintptr_t)r;
	}
	printf("mtstress: %d threads x %ld rounds, checksum %llu\n", threads, rounds,
	       (unsigned long long)sum);
	return 0;
}
