// SPDX-License-Identifier: GPL-2.0
/*
 * Slabs: one page cut into the equal slots of one class.
 *
 * A class smaller than a page takes a page (a *slab*) from the buddy
 * allocator and cuts it into PAGE_SIZE / class size slots, aligned to
 * their size because the page is. Each slab keeps a LIFO free list of its
 * slots, linked by slot index, out of band: the slot freed last is the one
 * handed out next (its cache lines are warm, and a student can predict
 * where the next allocation lands). A class keeps its slabs with a free
 * slot on a list and allocates from the first one; full slabs sit on no
 * list and join it again, at its head, when a slot is freed. A slab that
 * becomes empty goes back to the buddy allocator, except one spare per
 * class, kept so that a program that frees and allocates one object in a
 * loop does not make the page go back and forth (SLUB keeps min_partial
 * slabs for the same reason). The spare waits at the tail of the list:
 * it serves a request only when no partly used slab can, and an alloc+free
 * loop touches no list at all. A released slab's descriptor is kept for
 * the class's next slab (ea_slab_desc_put(), within a bound).
 * inst->slab_of[] names each page's slab (NULL for other pages), as
 * the page descriptor does, in 8 bytes a page: a free that comes from the
 * ID map (ea_free_fast()) finds its slab there, in an array small enough
 * to stay in the caches and the TLB when the page descriptors do not.
 *
 * Invariants: a slot is free iff its size is 0; a free slot keeps the ID
 * of its last occupant (to blame a write after free on it); a slab is on
 * its class's partial list iff it has a free slot; an empty slab is its
 * class's spare, the last on that list; slab_of[page] is the slab a page
 * holds, NULL if none.
 * Locking: the instance lock.
 */

static u64 ea_slot_offset(const struct ea_slab *slab, unsigned int slot)
{
	return ea_page_offset(slab->page) +
	       ((u64)slot << (slab->cls + EA_MIN_SHIFT));
}

/* Prepare, before the lock: the out-of-band part of a new slab. */
static struct ea_slab *ea_slab_alloc(struct ea_instance *inst,
				     unsigned int cls)
{
	struct ea_slab *slab;
	unsigned int nr = ea_slots_per_slab(cls);

	slab = ea_kmalloc(inst, struct_size(slab, slots, nr));
	if (slab) {
		slab->cls = cls;
		slab->nr_slots = nr;
	}
	return slab;
}

/*
 * The descriptor of a released slab is kept for the class's next slab
 * (ea_slab_quick() takes it: no kmalloc(), no kfree() each time a program
 * empties and fills slabs), up to EA_DESCS_SHIFT: the kept descriptors
 * take at most 1/2^EA_DESCS_SHIFT of the arena's size. They stay in
 * meta_bytes, as the kernel memory the instance holds; ea_release_all()
 * frees them.
 */
#define EA_DESCS_SHIFT	6

static void ea_slab_desc_put(struct ea_instance *inst, struct ea_slab *slab)
{
	size_t size = struct_size(slab, slots, slab->nr_slots);

	if (inst->descs_bytes + size <= inst->arena_size >> EA_DESCS_SHIFT) {
		inst->descs_bytes += size;
		list_add(&slab->node, &inst->classes[slab->cls].descs);
		return;
	}
	inst->st.meta_bytes -= size;
	kfree(slab);
}

/* A kept descriptor for a new slab of class @cls, or NULL. */
static struct ea_slab *ea_slab_desc_get(struct ea_instance *inst,
					unsigned int cls)
{
	struct ea_slab *slab;

	slab = list_first_entry_or_null(&inst->classes[cls].descs,
					struct ea_slab, node);
	if (slab) {
		list_del(&slab->node);
		inst->descs_bytes -= struct_size(slab, slots, slab->nr_slots);
		/* ea_slab_init() counts it again. */
		inst->st.meta_bytes -= struct_size(slab, slots, slab->nr_slots);
	}
	return slab;
}

/* Free the kept descriptors (instance reset or destroyed). */
static void ea_slab_descs_free(struct ea_instance *inst)
{
	struct ea_slab *slab;
	unsigned int cls;

	for (cls = 0; cls < EA_NR_CLASSES; cls++) {
		while ((slab = list_first_entry_or_null(&inst->classes[cls].descs,
							struct ea_slab, node))) {
			list_del(&slab->node);
			kfree(slab);
		}
	}
	inst->descs_bytes = 0;
}

/* Commit: give @slab a page and thread all its slots on its free list. */
static void ea_slab_init(struct ea_instance *inst, struct ea_slab *slab)
{
	struct ea_page *pg;
	unsigned int i;

	INIT_LIST_HEAD(&slab->node);
	slab->page = ea_buddy_alloc(inst, 0);
	slab->inuse = 0;
	slab->free = 0;
	for (i = 0; i < slab->nr_slots; i++) {
		slab->slots[i] = (struct ea_slot) {
			.next = i + 1 < slab->nr_slots ? i + 1 : EA_SLOT_END,
		};
	}
	pg = &inst->pages[slab->page];
	pg->kind = EA_PAGE_SLAB;
	pg->cls = slab->cls;
	pg->head = 1;
	pg->slab = slab;
	inst->slab_of[slab->page] = slab;
	inst->st.cls[slab->cls].slabs++;
	inst->st.cls[slab->cls].slots_total += slab->nr_slots;
	inst->st.meta_bytes += struct_size(slab, slots, slab->nr_slots);
}

/*
 * An empty slab goes back to the buddy allocator; its page's last_id
 * becomes @last_id (0: a slab's page blames nobody; or EA_KEEP_LAST_ID).
 */
static void ea_slab_release(struct ea_instance *inst, struct ea_slab *slab,
			    int last_id)
{
	unsigned int i, cls = slab->cls;
	u64 size = ea_class_size(cls);

	ea_explain(inst, EA_EV_SLAB_RELEASE, cls, 0,
		   ea_page_offset(slab->page), 0);
	if (inst->debug) {
		/* Last chance to blame a write after free on its slot's ID. */
		for (i = 0; i < slab->nr_slots; i++)
			ea_check_fill(inst, ea_page_mem(inst, slab->page) + i * size,
				      ea_slot_offset(slab, i), size,
				      EA_POISON_FREE, EA_ERR_USE_AFTER_FREE,
				      slab->slots[i].id);
	}
	inst->st.cls[cls].slabs--;
	inst->st.cls[cls].slots_total -= slab->nr_slots;
	inst->slab_of[slab->page] = NULL;
	ea_buddy_free(inst, slab->page, 0, last_id);
	ea_slab_desc_put(inst, slab);
}

static void ea_loc_slot(struct ea_instance *inst, struct ea_slab *slab,
			unsigned int slot, struct ea_loc *loc)
{
	const struct ea_slot *s = &slab->slots[slot];

	*loc = (struct ea_loc) {
		.id = s->id,
		.owner = s->owner,
		.cls = slab->cls,
		.offset = ea_slot_offset(slab, slot),
		.size = s->size,
		.class_size = ea_class_size(slab->cls),
		.slab = slab,
		.slot = slot,
		.page = slab->page,
	};
	loc->mem = inst->arena + loc->offset;
}

/* A slot from the class's first partial slab (the spare last) or a new slab. */
static int ea_alloc_slot(struct ea_instance *inst, struct ea_req *req,
			 u32 owner, struct ea_loc *loc)
{
	struct ea_class *c = &inst->classes[req->cls];
	struct ea_slab *slab, *fresh = NULL;
	struct ea_slot *s;
	unsigned int slot;
	int last_id;

	slab = list_first_entry_or_null(&c->partial, struct ea_slab, node);
	if (!slab) {
		if (!ea_buddy_can_alloc(inst, 0))
			return ea_refuse(inst, req, EA_ERR_NO_SPACE);
		/*
		 * Its descriptor was allocated before the lock (ea_prepare()),
		 * or is one kept from a released slab.
		 */
		fresh = req->prep->slab;
		if (!fresh || req->prep->slab_cls != req->cls) {
			fresh = list_first_entry_or_null(&c->descs,
							 struct ea_slab, node);
			if (!fresh)
				return ea_refuse(inst, req, EA_ERR_KMEM);
		}
	}
	if (!ea_id_ready(inst, req->prep))
		return ea_refuse(inst, req, EA_ERR_KMEM);

	/* Commit: nothing below can fail. */
	if (slab && slab->inuse) {
		if (ea_wants(inst, EA_EV_FREELIST_HIT))
			ea_explain(inst, EA_EV_FREELIST_HIT, req->cls, 0,
				   ea_slot_offset(slab, slab->free), 0);
	} else if (slab) {
		c->spare = NULL;	/* the spare (the only slab listed) */
		ea_explain(inst, EA_EV_SLAB_REFILL, req->cls, 0,
			   ea_page_offset(slab->page), 1);
	} else {
		if (fresh == req->prep->slab)
			req->prep->slab = NULL;
		else
			ea_slab_desc_get(inst, req->cls);	/* fresh */
		slab = fresh;
		ea_slab_init(inst, slab);
		ea_explain(inst, EA_EV_SLAB_REFILL, req->cls, 0,
			   ea_page_offset(slab->page), 0);
		list_add(&slab->node, &c->partial);
	}

	slot = slab->free;
	s = &slab->slots[slot];
	slab->free = s->next;
	if (++slab->inuse == slab->nr_slots)
		list_del_init(&slab->node);

	req->slot_prev_id = s->id;
	req->fresh_slab = fresh;
	last_id = s->id ? s->id : inst->pages[slab->page].last_id;
	s->id = inst->next_id;
	s->owner = owner;
	s->size = req->size;
	ea_loc_slot(inst, slab, slot, loc);
	ea_fill_new(inst, loc, true, last_id);
	return 0;
}

/*
 * Put a slot back on its slab's free list. A slab left empty becomes its
 * class's spare if there is none, unless @no_spare; else it is released,
 * its page's last_id becoming @last_id.
 */
static void ea_free_slot(struct ea_instance *inst, struct ea_loc *loc,
			 bool no_spare, int last_id)
{
	struct ea_slab *slab = loc->slab;
	struct ea_class *c = &inst->classes[slab->cls];
	struct ea_slot *s = &slab->slots[loc->slot];

	s->size = 0;
	s->owner = 0;
	s->next = slab->free;
	slab->free = loc->slot;
	slab->inuse--;

	if (slab->inuse) {
		if (list_empty(&slab->node))	/* it was full */
			list_add(&slab->node, &c->partial);
		return;
	}
	if (!c->spare && !no_spare) {
		c->spare = slab;
		if (list_empty(&slab->node))	/* a slab of one slot */
			list_add_tail(&slab->node, &c->partial);
		else if (!list_is_last(&slab->node, &c->partial))
			list_move_tail(&slab->node, &c->partial);
		ea_explain(inst, EA_EV_SLAB_SPARE, slab->cls, 0,
			   ea_page_offset(slab->page), 0);
	} else {
		list_del_init(&slab->node);
		ea_slab_release(inst, slab, last_id);
	}
}
