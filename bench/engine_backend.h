/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The edualloc engine's userspace build (module/ea_engine.c over the shim in
 * tests/engine/shim) behind a plain C interface, so that the replay driver
 * never mixes the shim's kernel headers with the C library's.
 */
#ifndef BENCH_ENGINE_BACKEND_H
#define BENCH_ENGINE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct engine;

/* A fresh instance of 'capacity' bytes; NULL and *err = -errno on failure. */
struct engine *engine_new(uint64_t capacity, bool debug, int *err);
void engine_delete(struct engine *e);
/* Drop everything and start again (IDs, statistics, peaks). */
void engine_reset(struct engine *e);

/* 0 and *id, or -errno. 'addr' (may be NULL) gets the payload's address. */
int engine_alloc(struct engine *e, uint64_t size, int *id, unsigned char **addr);
/*
 * Always a new ID; the same place when the size class allows it (the
 * instance reallocates in place); the contents kept up to the smaller size.
 */
int engine_realloc(struct engine *e, int id, uint64_t size, int *new_id,
		   unsigned char **addr);
int engine_free(struct engine *e, int id);

/* Arena pages in use plus large areas, bytes: now and the highest yet. */
uint64_t engine_used(struct engine *e);
uint64_t engine_peak_used(struct engine *e);
/* Bookkeeping bytes, all outside the arena (ea_stats.meta_bytes). */
uint64_t engine_meta(struct engine *e);
uint64_t engine_page_size(void);
uint64_t engine_small_max(void);

#endif
