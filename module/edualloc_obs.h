/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks through which the device (edualloc_main.c) tells the
 * observability layer (event log, debugfs, tracepoints; edualloc_obs.c)
 * what happens. The file formats are described at the top of
 * edualloc_obs.c.
 *
 * Contract:
 *  - ea_obs_init() runs at module load before any instance exists (a
 *    failure fails the load); ea_obs_exit() at unload after all are gone.
 *  - ea_obs_inst_add() runs once an instance is fully made and listed,
 *    ea_obs_inst_del() when it is being destroyed, before the engine
 *    instance is: after del returns, nothing may touch oi->ea (debugfs
 *    readers included). Both run in process context holding no lock of
 *    the device's (debugfs work waits for readers, who may fault under
 *    mmap_lock); they may sleep but must not call back into the device.
 *  - Every instance is created with ea_obs_event() as its engine's notify
 *    callback (priv: its struct ea_obs_inst) and ea_obs_events() as the
 *    event types it wants (struct ea_params): the layer asks only for what
 *    its log level or an enabled tracepoint shows, and for the rare kinds
 *    its stats file counts, and changes that set as they change.
 *  - ea_obs_event() runs for each event the engine reports: under the
 *    instance's engine lock (a spinlock), in the context of the task that
 *    made the call (current is the caller; pid and comm are meaningful).
 *    It may come before add (none do today) and after del (leak reports
 *    at destroy), so it must use only oi's constant fields and its own
 *    state. It must not sleep nor call the engine.
 *  - ea_obs_count() counts the device's successful operations (the stats
 *    file's allocs, frees, reallocs): per CPU, from any process context.
 *  - struct ea_obs_inst's fields are constant from add to the last event,
 *    but for 'priv', which is the layer's own.
 */
#ifndef _EDUALLOC_OBS_H
#define _EDUALLOC_OBS_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <uapi/linux/edualloc.h>

#include "ea_engine.h"

struct ea_obs_inst {
	char name[EDUALLOC_NAME_MAX];	/* "shared", a user's name, or "pid<P>.<N>" */
	u32 id;				/* unique per module load */
	u32 kind;			/* EDUALLOC_KIND_* */
	u32 creator_pid;		/* 0 for the shared instance */
	struct ea_instance *ea;		/* valid from add to del */
	void *priv;			/* the observability layer's own */
};

/* What ea_obs_count() counts: successful calls through the device. */
enum ea_obs_counter {
	EA_OBS_ALLOCS,		/* ALLOCs delivered (BATCH's too) */
	EA_OBS_FREES,		/* FREEs (BATCH's too) */
	EA_OBS_REALLOCS,	/* REALLOCs delivered */
	EA_OBS_NR_COUNTERS
};

DECLARE_PER_CPU(u64 [EA_OBS_NR_COUNTERS], ea_obs_counters);

static inline void ea_obs_count(enum ea_obs_counter what, unsigned int n)
{
	this_cpu_add(ea_obs_counters[what], n);
}

/*
 * ALLOC and FREE records: below the explain level (and with their
 * tracepoint off) the engine does not report these events, and the device
 * logs its own successful ALLOCs and FREEs (BATCH's too) as each returns
 * from the engine: ea_obs_op(), a test of a global word unless the level
 * wants them.
 */
extern unsigned long ea_obs_dev_log;
void ea_obs_log_op(const struct ea_obs_inst *oi, enum ea_event_type type,
		   const struct ea_alloc_info *a);

static inline void ea_obs_op(const struct ea_obs_inst *oi, enum ea_event_type type,
			     const struct ea_alloc_info *a)
{
	if (unlikely(READ_ONCE(ea_obs_dev_log) & BIT(type)))
		ea_obs_log_op(oi, type, a);
}

int ea_obs_init(void);
void ea_obs_exit(void);
void ea_obs_inst_add(struct ea_obs_inst *oi);
void ea_obs_inst_del(struct ea_obs_inst *oi);
const unsigned long *ea_obs_events(void);
void ea_obs_event(void *priv, const struct ea_event *ev);

#endif /* _EDUALLOC_OBS_H */
