/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edualloc_batch.h - EDUALLOC_IOC_BATCH: many ALLOCs and FREEs in one
 * call. The device (edualloc_main.c) enters the attached instance around
 * ea_batch_run() and ea_batch_settle(); everything else (copying,
 * checking, the entries' results) lives in edualloc_batch.c.
 */
#ifndef _EDUALLOC_BATCH_H
#define _EDUALLOC_BATCH_H

#include <linux/types.h>
#include <uapi/linux/edualloc.h>

#include "ea_engine.h"
#include "edualloc_obs.h"

/**
 * struct ea_batch - one BATCH call in progress
 * @arg: the call's argument, as copied in
 * @ent: a kernel copy of its entries
 * @txn: per entry, the pending allocation of an ALLOC that succeeded
 */
struct ea_batch {
	struct edualloc_batch arg;
	struct edualloc_batch_entry *ent;
	struct ea_txn *txn;
};

int ea_batch_begin(struct ea_batch *b, void __user *uarg);
void ea_batch_run(struct ea_instance *ea, const struct ea_obs_inst *oi,
		  struct ea_batch *b, u32 owner);
int ea_batch_finish(struct ea_batch *b, void __user *uarg);
void ea_batch_settle(struct ea_instance *ea, struct ea_batch *b, bool delivered);
void ea_batch_end(struct ea_batch *b);

#endif /* _EDUALLOC_BATCH_H */
