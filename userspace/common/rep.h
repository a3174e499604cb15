/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CS:APP malloc-lab trace format (.rep), read once for every program
 * that replays one: `edualloc replay` and bench/replay.c.
 *
 * A trace is a header of numbers, then one request per line:
 *
 *	20000		suggested heap size   (Autolab copies: weight)
 *	3		number of IDs
 *	5		number of operations
 *	1		weight                (Autolab copies: peak live bytes)
 *	a 0 512		allocate 512 bytes as ID 0
 *	r 0 1024	resize ID 0 to 1024 bytes
 *	a 1 128
 *	f 0		free ID 0             (f -1: free(NULL), nothing to do)
 *	f 1
 *
 * Some copies carry only the ID and operation counts; the numbers may
 * share a line. Blank lines and '#' comments are skipped; reading stops
 * after the stated number of operations. A malformed line, an ID
 * allocated twice or a free of an ID that is not live is refused with its
 * line number. A 0-byte `a` or `r` is a request of 0 bytes (the replayers
 * allocate nothing for it) and `r ID 0` of a live block frees it.
 *
 * The loader takes its memory from mmap(), never malloc(): bench/replay.c
 * measures the C library's allocator and must not disturb it.
 */
#ifndef EDUALLOC_REP_H
#define EDUALLOC_REP_H

#include <stddef.h>
#include <stdint.h>

struct rep_op {
	char kind;		/* 'a', 'r' or 'f' */
	int id;			/* 0..nr_ids-1; -1: free(NULL) */
	uint64_t size;
	unsigned long line;	/* in the file, for messages */
};

struct rep_trace {
	const char *path;
	const char *name;	/* the file name without directories */
	uint64_t nr_ids, nr_ops;
	struct rep_op *ops;	/* nr_ops of them */
	char error[512];	/* after a failure: "PATH[:LINE]: what is wrong" */
};

/* Read and check trace 'path': 0, or -1 with t->error set (and nothing held). */
int rep_load(const char *path, struct rep_trace *t);
/* Give back what rep_load() took. */
void rep_free(struct rep_trace *t);

/* Memory that is not malloc()'s (private anonymous pages): NULL if none. */
void *rep_map(size_t bytes);
void rep_unmap(void *p, size_t bytes);

#endif /* EDUALLOC_REP_H */
