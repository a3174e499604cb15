// SPDX-License-Identifier: GPL-2.0
/*
 * The engine inside the CLI (model.h says why): a thin wrapper that turns
 * the engine's types and events into plain C.
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ea_engine.h"
#include "model.h"

struct model {
	struct ea_instance *inst;
	model_event_fn fn;
	void *priv;
};

static const char *class_name(unsigned int cls, char *buf, size_t len)
{
	if (cls >= EA_CLASS_LARGE)
		return "large";
	snprintf(buf, len, "%llu", (unsigned long long)ea_class_size(cls));
	return buf;
}

/* What a slab event adds to its line. */
static const char *slab_note(const struct ea_event *ev)
{
	switch (ev->type) {
	case EA_EV_SLAB_REFILL:
		return ev->aux ? " (from=spare)" : " (from=buddy)";
	case EA_EV_SLAB_SPARE:
		return " (kept empty)";
	case EA_EV_SLAB_RELEASE:
		return " (back to buddy)";
	default:
		return "";
	}
}

/* The explain-level events, worded as the log's columns are. */
static void notify(void *priv, const struct ea_event *ev)
{
	struct model *m = priv;
	char text[160], buf[24];
	const char *name = ea_event_name(ev->type);
	const char *cls = class_name(ev->cls, buf, sizeof(buf));
	unsigned long long block = (unsigned long long)PAGE_SIZE << ev->order;
	unsigned long long offset = ev->offset, size = ev->size;

	if (!m->fn)
		return;
	switch (ev->type) {
	case EA_EV_CLASS:
		snprintf(text, sizeof(text), "%s %s for %llu bytes (waste=%llu)", name, cls, size,
			 (unsigned long long)ev->aux);
		break;
	case EA_EV_FREELIST_HIT:
	case EA_EV_SLAB_REFILL:
	case EA_EV_SLAB_SPARE:
	case EA_EV_SLAB_RELEASE:
		snprintf(text, sizeof(text), "%s class %s at 0x%llx%s", name, cls, offset,
			 slab_note(ev));
		break;
	case EA_EV_BUDDY_SPLIT:
	case EA_EV_BUDDY_MERGE:
		snprintf(text, sizeof(text), "%s %llu bytes at 0x%llx (order=%u)", name, block,
			 offset, ev->order);
		break;
	case EA_EV_LARGE_MAP:
		snprintf(text, sizeof(text), "%s %llu bytes at 0x%llx", name, size, offset);
		break;
	case EA_EV_ERROR:
		snprintf(text, sizeof(text), "%s %s (%s)", name, ea_err_name(ev->aux),
			 ea_op_name(ev->op));
		break;
	default:
		return;	/* alloc, free, realloc: the operation itself */
	}
	m->fn(m->priv, text);
}

struct model *model_new(uint64_t capacity, bool realloc_in_place, model_event_fn fn,
			void *priv, int *err)
{
	struct model *m = calloc(1, sizeof(*m));
	struct ea_params p = {
		.capacity = capacity,
		.debug = false,
		.quiet = true,
		.realloc_in_place = realloc_in_place,
		.notify = notify,
	};

	*err = -ENOMEM;
	if (!m)
		return NULL;
	m->fn = fn;
	m->priv = priv;
	p.priv = m;
	m->inst = ea_create(&p, err);
	if (!m->inst) {
		free(m);
		return NULL;
	}
	return m;
}

void model_delete(struct model *m)
{
	if (m) {
		m->fn = NULL;
		ea_reset(m->inst);
		ea_destroy(m->inst);
		free(m);
	}
}

static void copy_info(const struct ea_alloc_info *in, struct model_alloc *out)
{
	out->id = in->id;
	out->cls = in->cls;
	out->offset = in->offset;
	out->size = in->size;
	out->class_size = in->class_size;
}

int model_alloc(struct model *m, uint64_t size, struct model_alloc *out)
{
	struct ea_alloc_info info;
	int ret = ea_alloc(m->inst, size, 0, &info);

	if (!ret)
		copy_info(&info, out);
	return ret;
}

int model_realloc(struct model *m, int id, uint64_t size, struct model_alloc *out)
{
	struct ea_alloc_info info;
	int ret = ea_realloc(m->inst, id, size, 0, &info);

	if (!ret)
		copy_info(&info, out);
	return ret;
}

int model_free(struct model *m, int id)
{
	int ret = ea_free(m->inst, id, 0, NULL);

	return ret > 0 ? 0 : ret;
}

void model_stats(struct model *m, struct edualloc_stats *out)
{
	struct ea_stats st;
	unsigned int i;

	ea_get_stats(m->inst, &st);
	memset(out, 0, sizeof(*out));
	out->nr_classes = EA_NR_CLASSES;
#define COPY(bits, name)	out->name = st.name;
	EDUALLOC_STATS_SCALARS(COPY)
#undef COPY
#define COPY(bits, name)	out->cls[i].name = st.cls[i].name;
	for (i = 0; i < EA_NR_CLASSES; i++) {
		EDUALLOC_CLASS_STATS(COPY)
	}
#undef COPY
	for (i = 0; i < EA_NR_ERR && i < EDUALLOC_ERR_SLOTS; i++)
		out->errors[i] = st.errors[i];
}

size_t model_pages(struct model *m, struct model_page *pages, size_t max)
{
	size_t n = ea_page_map(m->inst, NULL, 0), i;
	struct ea_page_info *all = calloc(n ? n : 1, sizeof(*all));

	if (!all)
		return 0;
	n = ea_page_map(m->inst, all, n);
	for (i = 0; i < n && i < max; i++)
		pages[i] = (struct model_page){
			.kind = all[i].kind, .cls = all[i].cls, .order = all[i].order,
			.head = all[i].head, .used = all[i].used, .total = all[i].total,
		};
	free(all);
	return i;
}

uint64_t model_page_size(void)
{
	return PAGE_SIZE;
}
