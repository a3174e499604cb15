/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine inside the CLI: module/ea_engine.c compiled unchanged in
 * userspace (over tests/engine/shim, as the engine tests and the bench
 * build it), behind a plain C interface so that the CLI never mixes the
 * shim's kernel headers with the C library's.
 *
 * `edualloc replay --html` and `replay --engine` run a trace here: the
 * same allocator, deterministic, so a page built on a laptop without the
 * module shows what the kernel would do (the guest tests check that it
 * does: the same figures at every step asked).
 */
#ifndef EDUALLOC_MODEL_H
#define EDUALLOC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct edualloc_stats;

struct model_alloc {
	int id;
	unsigned int cls;	/* 0..15, or 16: large */
	uint64_t offset, size, class_size;
};

/* As struct edualloc_page (the PAGES ioctl). */
struct model_page {
	uint8_t kind, cls, order, head;
	uint16_t used, total;
};

/* Each decision of the engine, as one line of text (the explain log's). */
typedef void (*model_event_fn)(void *priv, const char *text);

/*
 * @realloc_in_place: as EDUALLOC_CREATE_REALLOC_IN_PLACE (replay's
 * instances ask for it, so a realloc that fits stays where it is).
 */
struct model *model_new(uint64_t capacity, bool realloc_in_place, model_event_fn fn,
			void *priv, int *err);
void model_delete(struct model *m);
int model_alloc(struct model *m, uint64_t size, struct model_alloc *out);
int model_realloc(struct model *m, int id, uint64_t size, struct model_alloc *out);
int model_free(struct model *m, int id);
/* The figures of STATS (the header and name left zero). */
void model_stats(struct model *m, struct edualloc_stats *st);
size_t model_pages(struct model *m, struct model_page *pages, size_t max);
uint64_t model_page_size(void);

#endif
