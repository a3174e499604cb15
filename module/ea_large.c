// SPDX-License-Identifier: GPL-2.0
/*
 * The large path: a vmalloc'ed area of its own.
 *
 * A request over 256 KiB gets a page-rounded area of its own (as kmalloc
 * passes big requests to the page allocator, and malloc to mmap), counted
 * against the instance's capacity: arena pages in use plus large areas
 * never exceed it. Its offset is EA_LARGE_BASE + (id << EA_LARGE_SHIFT),
 * so that userspace can map it by itself and the offset names the ID.
 *
 * Invariants: large_count and large_bytes count the live large areas;
 * each area is PAGE_ALIGN(size) bytes, < EA_LARGE_MAX.
 * Locking: the instance lock; the area is allocated before it is taken
 * and freed after it is dropped (both may sleep), see ea_kmem.c.
 */

static u64 ea_large_offset(int id)
{
	return EA_LARGE_BASE + ((u64)id << EA_LARGE_SHIFT);
}

static void ea_loc_large(struct ea_large *large, struct ea_loc *loc)
{
	*loc = (struct ea_loc) {
		.id = large->id,
		.owner = large->owner,
		.cls = EA_CLASS_LARGE,
		.offset = ea_large_offset(large->id),
		.size = large->size,
		.class_size = large->area_size,
		.mem = large->area,
		.large = large,
	};
}

/* A vmalloc'ed area of its own, allocated before the lock (ea_prepare()). */
static int ea_alloc_large(struct ea_instance *inst, struct ea_req *req,
			  u32 owner, struct ea_loc *loc)
{
	u64 area_size = PAGE_ALIGN(req->size);
	struct ea_large *large = req->prep->large;

	if (area_size > EA_LARGE_MAX)
		return ea_refuse(inst, req, EA_ERR_TOO_BIG);
	if (ea_used_bytes(inst) + area_size > inst->arena_size)
		return ea_refuse(inst, req, EA_ERR_NO_SPACE);
	if (!large || large->area_size != area_size || !ea_id_ready(inst, req->prep))
		return ea_refuse(inst, req, EA_ERR_KMEM);

	/* Commit. The area is zeroed. */
	req->prep->large = NULL;
	large->id = inst->next_id;
	large->owner = owner;
	large->size = req->size;
	large->users = 1;
	large->next_dead = NULL;
	inst->st.large_count++;
	inst->st.large_bytes += area_size;
	inst->st.meta_bytes += sizeof(*large);
	ea_loc_large(large, loc);
	if (ea_wants(inst, EA_EV_LARGE_MAP)) {
		struct ea_event ev = {
			.type = EA_EV_LARGE_MAP,
			.id = large->id,
			.cls = EA_CLASS_LARGE,
			.size = area_size,
			.offset = loc->offset,
		};

		ea_emit(inst, &ev);
	}
	if (inst->debug)
		memset(loc->mem + loc->size, EA_RED_ZONE, area_size - loc->size);
	return 0;
}

/*
 * Let go of a large area: the last user (the allocation, or an
 * ea_with_area() that lent it) puts it on @prep's dead list, freed once
 * the lock is dropped (vfree() may sleep).
 */
static void ea_large_put(struct ea_instance *inst, struct ea_large *large,
			 struct ea_prep *prep)
{
	lockdep_assert_held(&inst->lock);
	if (--large->users)
		return;
	large->next_dead = prep->dead;
	prep->dead = large;
}

static void ea_free_large(struct ea_instance *inst, struct ea_loc *loc,
			  struct ea_prep *prep)
{
	inst->st.large_count--;
	inst->st.large_bytes -= loc->large->area_size;
	inst->st.meta_bytes -= sizeof(*loc->large);
	ea_large_put(inst, loc->large, prep);
}
