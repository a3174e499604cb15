// SPDX-License-Identifier: GPL-2.0
/*
 * The engine for the replay driver: module/ea_engine.c compiled unchanged
 * in userspace (against tests/engine/shim, as the engine tests do), without
 * sanitizers and with optimisation, as a user would build it.
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "ea_engine.h"
#include "engine_backend.h"

struct engine {
	struct ea_instance *inst;
	unsigned char *arena;
};

static int arena_of(void *priv, void *area, u64 size)
{
	*(void **)priv = area;
	return 0;
}

struct engine *engine_new(uint64_t capacity, bool debug, int *err)
{
	struct ea_params p = {
		.capacity = capacity,
		.debug = debug,
		.quiet = true,
		/* What libedualloc and `edualloc replay` ask for. */
		.realloc_in_place = true,
	};
	struct engine *e = calloc(1, sizeof(*e));

	*err = -ENOMEM;
	if (!e)
		return NULL;
	e->inst = ea_create(&p, err);
	if (!e->inst) {
		free(e);
		return NULL;
	}
	ea_with_area(e->inst, 0, arena_of, &e->arena);
	return e;
}

void engine_delete(struct engine *e)
{
	if (e) {
		ea_destroy(e->inst);
		free(e);
	}
}

void engine_reset(struct engine *e)
{
	ea_reset(e->inst);
}

/* Where the payload of a live allocation is. */
static unsigned char *addr_of(struct engine *e, const struct ea_alloc_info *info)
{
	void *area = NULL;

	if (info->cls != EA_CLASS_LARGE)
		return e->arena + info->offset;
	ea_with_area(e->inst, info->offset, arena_of, &area);
	return area;
}

int engine_alloc(struct engine *e, uint64_t size, int *id, unsigned char **addr)
{
	struct ea_alloc_info info;
	int ret = ea_alloc(e->inst, size, 0, &info);

	if (ret)
		return ret;
	*id = info.id;
	if (addr)
		*addr = addr_of(e, &info);
	return 0;
}

int engine_realloc(struct engine *e, int id, uint64_t size, int *new_id,
		   unsigned char **addr)
{
	struct ea_alloc_info info;
	int ret = ea_realloc(e->inst, id, size, 0, &info);

	if (ret)
		return ret;
	*new_id = info.id;
	if (addr)
		*addr = addr_of(e, &info);
	return 0;
}

int engine_free(struct engine *e, int id)
{
	return ea_free(e->inst, id, 0, NULL);
}

uint64_t engine_used(struct engine *e)
{
	struct ea_stats st;

	ea_get_stats(e->inst, &st);
	return st.used_bytes;
}

uint64_t engine_peak_used(struct engine *e)
{
	struct ea_stats st;

	ea_get_stats(e->inst, &st);
	return st.peak_used;
}

uint64_t engine_meta(struct engine *e)
{
	struct ea_stats st;

	ea_get_stats(e->inst, &st);
	return st.meta_bytes;
}

uint64_t engine_page_size(void)
{
	return PAGE_SIZE;
}

uint64_t engine_small_max(void)
{
	return EA_SMALL_MAX;
}
