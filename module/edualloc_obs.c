// SPDX-License-Identifier: GPL-2.0
/*
 * edualloc_obs.c - watching the allocator work: the event log, the debugfs
 * tree and the tracepoints.
 *
 * Files
 * =====
 *
 * Under /sys/kernel/debug/edualloc/: log, verbosity, stats and
 * instances/NAME/{stats,classes,allocations,map,bitset}. Their formats
 * are specified in edualloc(4), DEBUGFS; each show function below names
 * its file. Tracepoints: edualloc_trace.h.
 *
 * Design
 * ======
 *
 * Where events come from. The engine reports what it does through one
 * callback, ea_obs_event(), struct ea_event by struct ea_event, with the
 * instance's constant description (struct ea_obs_inst) as its argument,
 * and only the types this layer asks for (ea_wanted, every instance's
 * ea_params.events): what the verbosity logs, what an enabled tracepoint
 * shows (each tracepoint's register and unregister functions keep
 * ea_tp_on), and the rare kinds the stats file counts. An ALLOC with
 * nobody watching thus builds no event at all and takes the engine's
 * fast path. So does one at the default level: below explain, the device
 * logs its own ALLOCs and FREEs (ea_obs_log_op()) as each call returns
 * from the engine, one direct call instead of the engine's event (two
 * calls deep, one indirect); records of two threads' calls on one
 * instance may then come in either order. The callback runs in the
 * caller's process context, under the engine's per-instance spinlock: it
 * must be quick, must not sleep or call the engine back, and sees current
 * as the process that made the call, which is what the log wants to show.
 * Everything that answers a question about an instance's state (stats,
 * classes, map...) is asked of the engine when a file is read instead:
 * the engine already keeps those figures under its lock, and copying them
 * on every event would cost every allocation.
 *
 * Each event goes three ways: a counter bump (the module-wide stats), a
 * tracepoint call (a patched-out static branch unless someone enabled it
 * in tracefs) and, when the verbosity asks for its kind, a log record. At
 * verbosity 0 no lock is taken. The device counts its successful calls
 * itself (ea_obs_count(), per CPU): allocs and frees need no event.
 *
 * The log is a ring of fixed-size binary records, written in place. A
 * record holds numbers, the instance's name and the caller's comm: nothing
 * that points elsewhere, so a record outlives its instance and its
 * process, and formatting (the expensive part) happens only when someone
 * reads. A full ring overwrites its oldest record and counts it as lost,
 * as the kernel's printk and trace buffers do: a runaway program cannot
 * make the log use more memory, and the reader learns that something was
 * dropped. The ring's size is fixed at load (module parameter log_size).
 *
 * One spinlock guards the ring. The writers are engine callbacks, which
 * already hold the instance's spinlock and may run on every CPU at once;
 * each writes its record (about 100 bytes; its seq is implied by its place)
 * straight into its slot under the spinlock and leaves. A reader wants a consistent
 * view while events keep arriving: opening the file copies the whole ring
 * into a private snapshot under the same lock (a memcpy of at most
 * log_size records), and seq_file then formats from the snapshot at its
 * own pace. So a reader never sees a record half written, a seq number
 * twice or a gap that the lost count does not explain, and writers never
 * wait for a slow reader.
 *
 * debugfs. Every file is a seq_file. The per-instance directory is made
 * when the device lists an instance and removed, recursively, before the
 * device destroys it: debugfs_remove_recursive() waits for every read in
 * progress in those files and makes later reads of files held open fail
 * with -EIO, so no reader can reach an engine instance that is gone. The
 * readers call the engine, which takes the instance's lock: they hold no
 * lock of ours meanwhile, except the module-wide stats file, which holds
 * ea_obs_lock to walk the instance list (lock order: ea_obs_lock, the
 * engine's instance lock, ea_log_lock; the device calls in holding none
 * of its locks, so debugfs removal never waits inside one). ea_wanted_lock
 * (a mutex: verbosity writes, and the tracepoint functions, which the
 * tracing core calls under its own mutex) nests in nothing of ours.
 *
 * The console is left alone: the engine reports corruption there itself
 * (rate-limited), the device reports load and unload, and this file
 * prints nothing: the detail goes to the log and the tracepoints.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <uapi/linux/edualloc.h>

#include "ea_engine.h"
#include "edualloc_obs.h"

/* Called as a tracepoint is switched on or off (see ea_tp_switch()). */
static int ea_tp_alloc_reg(void);
static void ea_tp_alloc_unreg(void);
static int ea_tp_free_reg(void);
static void ea_tp_free_unreg(void);
static int ea_tp_error_reg(void);
static void ea_tp_error_unreg(void);
static int ea_tp_buddy_reg(void);
static void ea_tp_buddy_unreg(void);

#define CREATE_TRACE_POINTS
#include "edualloc_trace.h"

/* ---- Parameters ----------------------------------------------------------- */

#define EA_LOG_MIN	16
#define EA_LOG_MAX	65536
#define EA_LOG_DEF	2048

static unsigned int log_size = EA_LOG_DEF;
module_param(log_size, uint, 0444);
MODULE_PARM_DESC(log_size, "Records in the event log ring (16..65536, default 2048)");

/* The log levels: the uapi's list (EDUALLOC_LOG_LEVELS says what each logs). */
#define EA_V_ENUM(NAME, name)	EA_V_##NAME,
#define EA_V_NAME(NAME, name)	#name,
enum ea_verbosity { EDUALLOC_LOG_LEVELS(EA_V_ENUM) EA_V_MAX = EA_V_EXPLAIN };

static const char * const ea_verbosity_names[] = { EDUALLOC_LOG_LEVELS(EA_V_NAME) };
#undef EA_V_ENUM
#undef EA_V_NAME

/* Read locklessly by every event; a stale value only logs one event more or less. */
static unsigned int ea_verbosity = EA_V_OPS;

static void ea_update_wanted(void);

/* A new level: store it, then tell the engine which events it now wants. */
static void ea_set_verbosity(unsigned int v)
{
	WRITE_ONCE(ea_verbosity, v);
	ea_update_wanted();
}

/* "0".."3" or a level's name; returns the level or -EINVAL. */
static int ea_parse_verbosity(const char *s)
{
	unsigned int v;
	int i;

	i = sysfs_match_string(ea_verbosity_names, s);
	if (i >= 0)
		return i;
	if (kstrtouint(s, 0, &v) || v > EA_V_MAX)
		return -EINVAL;
	return v;
}

static int ea_verbosity_param_set(const char *val, const struct kernel_param *kp)
{
	int v = ea_parse_verbosity(val);

	if (v < 0)
		return v;
	ea_set_verbosity(v);
	return 0;
}

static int ea_verbosity_param_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%u\n", READ_ONCE(ea_verbosity));
}

static const struct kernel_param_ops ea_verbosity_ops = {
	.set = ea_verbosity_param_set,
	.get = ea_verbosity_param_get,
};

module_param_cb(verbosity, &ea_verbosity_ops, NULL, 0644);
MODULE_PARM_DESC(verbosity, "Event log level: 0 off, 1 errors, 2 operations (default), 3 explain");

/* ---- Names ------------------------------------------------------------------ */

/* Records of our own, after the engine's event types. */
#define EA_LOG_CREATE	EA_NR_EVENTS
#define EA_LOG_DESTROY	(EA_NR_EVENTS + 1)

/* The lowest verbosity at which each event type is logged (the uapi's list). */
#define EA_EVENT_LEVEL(NAME, name, level)	EA_V_##level,
static const u8 ea_event_level[EA_NR_EVENTS] = { EDUALLOC_EVENTS(EA_EVENT_LEVEL) };
#undef EA_EVENT_LEVEL

/* The level that logs @type: a kind new to this table only at explain. */
static unsigned int ea_type_level(unsigned int type)
{
	return ea_event_level[type] ?: EA_V_EXPLAIN;
}

/* ---- Which events the engine reports ---------------------------------------- */

/* The tracepoints, as bits of ea_tp_on. */
enum { EA_TP_ALLOC, EA_TP_FREE, EA_TP_ERROR, EA_TP_BUDDY };

/* The tracepoint that shows events of @type, or -1. */
static int ea_type_tp(unsigned int type)
{
	switch (type) {
	case EA_EV_ALLOC:
	case EA_EV_REALLOC:
		return EA_TP_ALLOC;
	case EA_EV_FREE:
	case EA_EV_UNDO:
		return EA_TP_FREE;
	case EA_EV_ERROR:
	case EA_EV_CORRUPT:
		return EA_TP_ERROR;
	case EA_EV_BUDDY_SPLIT:
	case EA_EV_BUDDY_MERGE:
		return EA_TP_BUDDY;
	}
	return -1;
}

/*
 * ea_wanted: the event types every engine instance is asked to report
 * (struct ea_params.events), read by the engine before it builds an
 * event; ea_tp_on: the tracepoints enabled now. ea_wanted_lock serialises
 * their updates (ea_update_wanted()), so that the last one computes from
 * the last verbosity and tracepoint states; readers take no lock (a
 * change reaches a call in flight or the next one).
 */
static DECLARE_BITMAP(ea_wanted, EA_NR_EVENTS);
static unsigned long ea_tp_on;
static DEFINE_MUTEX(ea_wanted_lock);

/* Whether the log's level records events of @type. */
static bool ea_type_logged(unsigned int type, unsigned int verbosity)
{
	return verbosity && ea_type_level(type) <= verbosity;
}

/*
 * Wanted: what the log's level records, what an enabled tracepoint shows,
 * and always the rare kinds the stats file counts (errors, corruptions,
 * leaks, resets), which no fast path serves. But for the log, ALLOC and
 * FREE are wanted only at explain, where they close their operation's
 * decisions: below it the device logs its own (ea_obs_dev_log).
 */
static bool ea_type_wanted(unsigned int type, unsigned int verbosity)
{
	int tp = ea_type_tp(type);

	switch (type) {
	case EA_EV_ERROR:
	case EA_EV_CORRUPT:
	case EA_EV_LEAK:
	case EA_EV_RESET:
		return true;
	case EA_EV_ALLOC:
	case EA_EV_FREE:
		if (verbosity < EA_V_EXPLAIN)
			break;
		fallthrough;
	default:
		if (ea_type_logged(type, verbosity))
			return true;
	}
	return tp >= 0 && test_bit(tp, &ea_tp_on);
}

/*
 * ea_obs_dev_log: the ALLOC and FREE records the device writes itself
 * (ea_obs_op()): those the level logs and the engine does not report.
 * Read locklessly, as ea_wanted is: a change made while a call is in
 * flight logs its event once more or not at all.
 */
unsigned long ea_obs_dev_log;

static void ea_update_wanted_locked(void)
{
	unsigned int type, verbosity = READ_ONCE(ea_verbosity);
	unsigned long dev = 0;

	lockdep_assert_held(&ea_wanted_lock);
	for (type = 0; type < EA_NR_EVENTS; type++)
		assign_bit(type, ea_wanted, ea_type_wanted(type, verbosity));
	if (ea_type_logged(EA_EV_ALLOC, verbosity) && !test_bit(EA_EV_ALLOC, ea_wanted))
		dev |= BIT(EA_EV_ALLOC);
	if (ea_type_logged(EA_EV_FREE, verbosity) && !test_bit(EA_EV_FREE, ea_wanted))
		dev |= BIT(EA_EV_FREE);
	WRITE_ONCE(ea_obs_dev_log, dev);
}

static void ea_update_wanted(void)
{
	mutex_lock(&ea_wanted_lock);
	ea_update_wanted_locked();
	mutex_unlock(&ea_wanted_lock);
}

/*
 * A tracepoint's first probe is being added (@on) or its last removed:
 * from its regfunc/unregfunc, which the tracing core calls under its own
 * mutex before it enables the tracepoint's static key and before it
 * disables it. The key itself cannot say "switching off" yet, hence the
 * bit of our own.
 */
static void ea_tp_switch(unsigned int tp, bool on)
{
	mutex_lock(&ea_wanted_lock);
	__assign_bit(tp, &ea_tp_on, on);
	ea_update_wanted_locked();
	mutex_unlock(&ea_wanted_lock);
}

#define EA_TP_SWITCH(name, bit)						\
static int ea_tp_##name##_reg(void)					\
{									\
	ea_tp_switch(bit, true);					\
	return 0;							\
}									\
static void ea_tp_##name##_unreg(void)					\
{									\
	ea_tp_switch(bit, false);					\
}

EA_TP_SWITCH(alloc, EA_TP_ALLOC)
EA_TP_SWITCH(free, EA_TP_FREE)
EA_TP_SWITCH(error, EA_TP_ERROR)
EA_TP_SWITCH(buddy, EA_TP_BUDDY)
#undef EA_TP_SWITCH

/**
 * ea_obs_events() - the event types the layer wants reported
 *
 * For struct ea_params.events of every instance: a bitmap of EA_NR_EVENTS
 * bits, which this layer changes as the log level changes or a tracepoint
 * is switched on or off. It lives as long as the module.
 *
 * Return: the bitmap.
 */
const unsigned long *ea_obs_events(void)
{
	return ea_wanted;
}

/* The uapi header's list of instance kinds, by value. */
#define EA_KIND_NAME(NAME, name)	\
	[EDUALLOC_KIND_##NAME] = #name,

static const char * const ea_kind_names[] = { EDUALLOC_KINDS(EA_KIND_NAME) };

static const char *ea_kind_name(u32 kind)
{
	if (kind < ARRAY_SIZE(ea_kind_names) && ea_kind_names[kind])
		return ea_kind_names[kind];
	return "?";
}

/* The errnos the engine returns, by name; NULL for others. */
static const char *ea_errno_name(int err)
{
	switch (-err) {
	case EINVAL:
		return "EINVAL";
	case E2BIG:
		return "E2BIG";
	case ENOMEM:
		return "ENOMEM";
	case ENOENT:
		return "ENOENT";
	case EALREADY:
		return "EALREADY";
	case ESTALE:
		return "ESTALE";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case ENOSPC:
		return "ENOSPC";
	case EFAULT:
		return "EFAULT";
	}
	return NULL;
}

/* ---- The event log ---------------------------------------------------------- */

/*
 * One logged event. Self-contained (no pointers), so that it outlives its
 * instance and its process. The event's fields are kept as the engine gave
 * them; ea_log_show_rec() decides which ones mean something. Its seq is
 * where it stands in the ring: the ring's records are numbered without
 * gaps, oldest first, up to ea_log.next_seq - 1.
 */
struct ea_log_rec {
	u64 time;			/* local_clock(), ns */
	u64 size;
	u64 offset;
	u64 aux;
	u32 inst_id;
	u32 pid;			/* the caller's tgid */
	s32 id;
	s32 err;			/* CORRUPT: the error kind; create: the instance kind */
	u8 type;			/* enum ea_event_type, EA_LOG_CREATE, EA_LOG_DESTROY */
	u8 op;				/* enum ea_op */
	u8 cls;
	u8 order;
	char inst[EDUALLOC_NAME_MAX];
	char comm[TASK_COMM_LEN];
};

/*
 * ea_log_lock protects every field of ea_log but ring and size, which are
 * set at init before any instance exists and cleared at exit after the
 * last one is gone, and the records the ring holds. Taken by the engine's
 * notify callback (process context, under the engine's instance spinlock),
 * by ea_obs_log_op() (the device's calls, holding no lock) and by readers
 * and writers of the log file; never from interrupts. A leaf: nothing is
 * taken under it.
 */
static DEFINE_SPINLOCK(ea_log_lock);

static struct {
	struct ea_log_rec *ring;	/* size records */
	unsigned int size;
	unsigned int head;		/* where the next record goes */
	unsigned int held;		/* records in the ring, <= size */
	u64 next_seq;			/* seq of the next record */
	u64 lost;			/* overwritten since load or clear */
} ea_log;

/* The events reported since load, by type (the stats file). */
static DEFINE_PER_CPU(u64 [EA_NR_EVENTS], ea_event_count);

/* The device's successful calls since load (ea_obs_count()). */
DEFINE_PER_CPU(u64 [EA_OBS_NR_COUNTERS], ea_obs_counters);

/* Element @i of a per-CPU array of counters, @first its element 0, over all CPUs. */
static u64 ea_percpu_sum(const u64 __percpu *first, unsigned int i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(first + i, cpu);
	return sum;
}

static s64 ea_event_total(unsigned int type)
{
	return ea_percpu_sum(ea_event_count, type);
}

static u64 ea_counter_total(enum ea_obs_counter what)
{
	return ea_percpu_sum(ea_obs_counters, what);
}

/*
 * Append @ev, which happened in @oi, with the caller and the time: written
 * in place, in the slot it takes, under ea_log_lock (the record is about
 * 100 bytes: cheaper than building it aside and copying it in). Plain
 * copies, as tracepoints make: the comm is read without the task lock (a
 * racing prctl(PR_SET_NAME) gives a mix of the two names) and made
 * printable when the log is read.
 */
static __always_inline void ea_log_append(const struct ea_obs_inst *oi,
					  const struct ea_event *ev)
{
	u32 pid = task_tgid_nr(current);
	struct ea_log_rec *r;

	spin_lock(&ea_log_lock);
	if (unlikely(!ea_log.ring))
		goto out;
	r = &ea_log.ring[ea_log.head];
	r->time = local_clock();
	r->size = ev->size;
	r->offset = ev->offset;
	r->aux = ev->aux;
	r->inst_id = oi->id;
	r->pid = pid;
	r->id = ev->id;
	r->err = ev->err;
	r->type = ev->type;
	r->op = ev->op;
	r->cls = min_t(unsigned int, ev->cls, U8_MAX);
	r->order = min_t(unsigned int, ev->order, U8_MAX);
	memcpy(r->inst, oi->name, sizeof(r->inst));
	memcpy(r->comm, current->comm, sizeof(r->comm));
	ea_log.next_seq++;
	if (++ea_log.head == ea_log.size)
		ea_log.head = 0;
	if (ea_log.held < ea_log.size)
		ea_log.held++;
	else
		ea_log.lost++;
out:
	spin_unlock(&ea_log_lock);
}

static void ea_trace_event(const struct ea_obs_inst *oi, const struct ea_event *ev)
{
	switch (ev->type) {
	case EA_EV_ALLOC:
	case EA_EV_REALLOC:
		trace_edualloc_alloc(oi, ev);
		break;
	case EA_EV_FREE:
	case EA_EV_UNDO:
		trace_edualloc_free(oi, ev);
		break;
	case EA_EV_ERROR:
	case EA_EV_CORRUPT:
		trace_edualloc_error(oi, ev);
		break;
	case EA_EV_BUDDY_SPLIT:
	case EA_EV_BUDDY_MERGE:
		trace_edualloc_buddy(oi, ev);
		break;
	default:
		break;
	}
}

/**
 * ea_obs_event() - take in one engine event
 * @priv: the instance it happened in (struct ea_obs_inst; only its
 *	constant fields are used)
 * @ev: the event
 *
 * The engine's notify callback: counts the event, fires its tracepoint if
 * that is enabled, and logs it if the verbosity asks for its kind. The
 * engine reports only the types ea_obs_events() asks for.
 *
 * Context: Process context, the caller's; called under the engine's
 * instance spinlock. Takes ea_log_lock (a spinlock) when logging.
 */
void ea_obs_event(void *priv, const struct ea_event *ev)
{
	unsigned int verbosity = READ_ONCE(ea_verbosity);
	const struct ea_obs_inst *oi = priv;

	if ((unsigned int)ev->type >= EA_NR_EVENTS)
		return;
	this_cpu_inc(ea_event_count[ev->type]);
	ea_trace_event(oi, ev);
	if (verbosity && ea_type_level(ev->type) <= verbosity)
		ea_log_append(oi, ev);
}

/**
 * ea_obs_log_op() - log an ALLOC or a FREE that the engine does not report
 * @oi: the instance it happened in
 * @type: EA_EV_ALLOC or EA_EV_FREE
 * @a: the allocation made or freed
 *
 * Called through ea_obs_op(), when ea_obs_dev_log has @type: counts the
 * event and writes the record the engine's event would have made.
 *
 * Context: Process context, the caller's; takes ea_log_lock.
 */
void ea_obs_log_op(const struct ea_obs_inst *oi, enum ea_event_type type,
		   const struct ea_alloc_info *a)
{
	struct ea_event ev = {
		.type = type,
		.op = type == EA_EV_ALLOC ? EA_OP_ALLOC : EA_OP_FREE,
		.id = a->id,
		.cls = a->cls,
		.size = a->size,
		.offset = a->offset,
		.aux = a->owner,
	};

	this_cpu_inc(ea_event_count[type]);
	ea_log_append(oi, &ev);
}

/* A create or destroy record, made by this layer (verbosity 2 and up). */
static void ea_log_instance(struct ea_obs_inst *oi, u8 type)
{
	struct ea_stats *st;
	struct ea_event ev = {
		.type = type,
		.op = type == EA_LOG_CREATE ? EA_OP_CREATE : EA_OP_DESTROY,
		.err = oi->kind,
		.aux = U64_MAX,
	};

	if (READ_ONCE(ea_verbosity) < EA_V_OPS)
		return;
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (st && oi->ea) {
		ea_get_stats(oi->ea, st);
		ev.size = st->capacity;
		ev.aux = type == EA_LOG_CREATE ? st->bitset_bits : st->live_allocs;
	}
	kfree(st);
	ea_log_append(oi, &ev);
}

/* A snapshot of the ring, taken when the log file is opened for reading. */
struct ea_log_snap {
	u64 next_seq;
	u64 lost;
	unsigned int size;
	unsigned int held;
	unsigned int verbosity;
	struct ea_log_rec rec[];
};

static void *ea_log_start(struct seq_file *m, loff_t *pos)
{
	struct ea_log_snap *s = m->private;

	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos > s->held)
		return NULL;
	return &s->rec[*pos - 1];
}

static void *ea_log_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return ea_log_start(m, pos);
}

static void ea_log_stop(struct seq_file *m, void *v)
{
}

/* A class as the files show it: its size in bytes, or "large". */
static void ea_fmt_class(char *buf, size_t len, unsigned int cls)
{
	if (cls < EA_NR_CLASSES)
		scnprintf(buf, len, "%llu", ea_class_size(cls));
	else
		strscpy(buf, "large", len);
}

/* The columns a record fills; the others show "-". */
#define EA_COL_ID	BIT(0)
#define EA_COL_SIZE	BIT(1)
#define EA_COL_CLASS	BIT(2)
#define EA_COL_OFFSET	BIT(3)
#define EA_COL_ALLOC	(EA_COL_ID | EA_COL_SIZE | EA_COL_CLASS | EA_COL_OFFSET)

struct ea_log_cols {
	unsigned int have;		/* EA_COL_* */
	const char *result;
	char detail[64];
};

static void ea_error_cols(const struct ea_log_rec *r, struct ea_log_cols *c)
{
	enum ea_err_kind kind = r->aux;
	const char *name = ea_errno_name(r->err);
	int n;

	c->result = name ? name : "error";
	if (r->id)
		c->have |= EA_COL_ID;
	n = scnprintf(c->detail, sizeof(c->detail), "kind=%s", ea_err_name(kind));
	switch (r->op) {
	case EA_OP_ALLOC:
	case EA_OP_REALLOC:
		/* A realloc of a bad ID is refused before its size is looked at. */
		if (r->size || kind == EA_ERR_ZERO_SIZE)
			c->have |= EA_COL_SIZE;
		if (r->size)
			c->have |= EA_COL_CLASS;
		break;
	case EA_OP_FREE:
	case EA_OP_LOOKUP:
		/* By offset (no ID), or both given. */
		if (r->offset || !r->id)
			c->have |= EA_COL_OFFSET;
		break;
	case EA_OP_READ:
	case EA_OP_WRITE:
		if (kind == EA_ERR_BAD_RANGE)
			scnprintf(c->detail + n, sizeof(c->detail) - n,
				  ",pos=%llu,len=%llu", r->offset, r->size);
		break;
	case EA_OP_BIT:
		scnprintf(c->detail + n, sizeof(c->detail) - n, ",bit=%llu",
			  r->offset);
		break;
	default:
		break;
	}
}

static void ea_record_cols(const struct ea_log_rec *r, struct ea_log_cols *c)
{
	c->have = 0;
	c->result = "-";
	strscpy(c->detail, "-", sizeof(c->detail));

	switch (r->type) {
	case EA_EV_ALLOC:
	case EA_EV_FREE:
		c->have = EA_COL_ALLOC;
		c->result = "ok";
		break;
	case EA_EV_REALLOC:
		c->have = EA_COL_ALLOC;
		c->result = "ok";
		scnprintf(c->detail, sizeof(c->detail), "old_id=%llu", r->aux);
		break;
	case EA_EV_UNDO:
		c->have = EA_COL_ALLOC;
		c->result = "undone";
		break;
	case EA_EV_LEAK:
		c->have = EA_COL_ALLOC;
		c->result = "leak";
		scnprintf(c->detail, sizeof(c->detail), "owner=%llu", r->aux);
		break;
	case EA_EV_CLASS:
		c->have = EA_COL_SIZE | EA_COL_CLASS;
		scnprintf(c->detail, sizeof(c->detail), "waste=%llu", r->aux);
		break;
	case EA_EV_FREELIST_HIT:
	case EA_EV_SLAB_SPARE:
	case EA_EV_SLAB_RELEASE:
		c->have = EA_COL_CLASS | EA_COL_OFFSET;
		break;
	case EA_EV_SLAB_REFILL:
		c->have = EA_COL_CLASS | EA_COL_OFFSET;
		strscpy(c->detail, r->aux ? "from=spare" : "from=buddy",
			sizeof(c->detail));
		break;
	case EA_EV_BUDDY_SPLIT:
	case EA_EV_BUDDY_MERGE:
		c->have = EA_COL_SIZE | EA_COL_OFFSET;
		scnprintf(c->detail, sizeof(c->detail), "order=%u", r->order);
		break;
	case EA_EV_LARGE_MAP:
		c->have = EA_COL_ALLOC;
		break;
	case EA_EV_CORRUPT:
		c->have = EA_COL_ID | EA_COL_OFFSET;
		c->result = "corrupt";
		scnprintf(c->detail, sizeof(c->detail), "kind=%s,byte=0x%02llx",
			  ea_err_name(r->err), r->aux & 0xff);
		break;
	case EA_EV_ERROR:
		ea_error_cols(r, c);
		break;
	case EA_EV_RESET:
		c->result = "ok";
		scnprintf(c->detail, sizeof(c->detail), "dropped=%llu", r->aux);
		break;
	case EA_LOG_CREATE:
	case EA_LOG_DESTROY:
		c->result = "ok";
		if (r->aux == U64_MAX)	/* no figures: kmalloc failed */
			break;
		c->have = EA_COL_SIZE;
		if (r->type == EA_LOG_CREATE)
			scnprintf(c->detail, sizeof(c->detail), "kind=%s,bitset=%llu",
				  ea_kind_name(r->err), r->aux);
		else
			scnprintf(c->detail, sizeof(c->detail), "live=%llu", r->aux);
		break;
	}
}

static const char *ea_record_event_name(const struct ea_log_rec *r)
{
	if (r->type == EA_LOG_CREATE)
		return "create";
	if (r->type == EA_LOG_DESTROY)
		return "destroy";
	return ea_event_name(r->type);
}

/* One line per record, columns separated by one blank. */
#define EA_LOG_TAIL	" %s %s %s %s %s %s %s %s %s %s %s %s\n"

static void ea_log_show_rec(struct seq_file *m, const struct ea_log_rec *r, u64 nr)
{
	char seq[24], time[24], pid[12], id[12], size[24], cls[12], off[24];
	char comm[TASK_COMM_LEN], *p;
	struct ea_log_cols c;
	u64 sec = r->time;
	u32 ns = do_div(sec, NSEC_PER_SEC);
	u64 bytes = r->size;

	if (r->type == EA_EV_BUDDY_SPLIT || r->type == EA_EV_BUDDY_MERGE)
		bytes = (u64)PAGE_SIZE << r->order;
	ea_record_cols(r, &c);

	/* Blanks and unprintable bytes as '_': one column. */
	strscpy(comm, r->comm, sizeof(comm));
	for (p = comm; *p; p++) {
		if (!isgraph(*p))
			*p = '_';
	}
	if (!comm[0])
		strscpy(comm, "-", sizeof(comm));
	scnprintf(seq, sizeof(seq), "%llu", nr);
	scnprintf(time, sizeof(time), "%llu.%06u", sec, ns / 1000);
	scnprintf(pid, sizeof(pid), "%u", r->pid);
	strscpy(id, "-", sizeof(id));
	strscpy(size, "-", sizeof(size));
	strscpy(cls, "-", sizeof(cls));
	strscpy(off, "-", sizeof(off));
	if (c.have & EA_COL_ID)
		scnprintf(id, sizeof(id), "%d", r->id);
	if (c.have & EA_COL_SIZE)
		scnprintf(size, sizeof(size), "%llu", bytes);
	if (c.have & EA_COL_CLASS)
		ea_fmt_class(cls, sizeof(cls), r->cls);
	if (c.have & EA_COL_OFFSET)
		scnprintf(off, sizeof(off), "0x%llx", r->offset);

	seq_printf(m, "%s" EA_LOG_TAIL, seq, time, r->inst, pid, comm,
		   ea_op_name(r->op), ea_record_event_name(r), id, size, cls,
		   off, c.result, c.detail);
}

static int ea_log_show(struct seq_file *m, void *v)
{
	struct ea_log_snap *s = m->private;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# log size=%u held=%u lost=%llu next=%llu verbosity=%u\n",
			   s->size, s->held, s->lost, s->next_seq, s->verbosity);
		seq_printf(m, "# %s" EA_LOG_TAIL, "seq", "time", "instance",
			   "pid", "comm", "op", "event", "id", "size", "class",
			   "offset", "result", "detail");
		return 0;
	}
	/* The snapshot's records are numbered next_seq - held, ... */
	ea_log_show_rec(m, v, s->next_seq - s->held + ((struct ea_log_rec *)v - s->rec));
	return 0;
}

static const struct seq_operations ea_log_seq_ops = {
	.start = ea_log_start,
	.next = ea_log_next,
	.stop = ea_log_stop,
	.show = ea_log_show,
};

static int ea_log_open(struct inode *inode, struct file *file)
{
	struct ea_log_snap *s;
	unsigned int first, n;
	int ret;

	if (!(file->f_mode & FMODE_READ))
		return 0;	/* a writer only clears */

	s = kvmalloc(struct_size(s, rec, ea_log.size), GFP_KERNEL);
	if (!s)
		return -ENOMEM;

	spin_lock(&ea_log_lock);
	s->size = ea_log.size;
	s->held = ea_log.held;
	s->lost = ea_log.lost;
	s->next_seq = ea_log.next_seq;
	first = (ea_log.head + ea_log.size - ea_log.held) % ea_log.size;
	n = min(s->held, ea_log.size - first);
	memcpy(s->rec, ea_log.ring + first, n * sizeof(*s->rec));
	memcpy(s->rec + n, ea_log.ring, (s->held - n) * sizeof(*s->rec));
	spin_unlock(&ea_log_lock);
	s->verbosity = READ_ONCE(ea_verbosity);

	ret = seq_open(file, &ea_log_seq_ops);
	if (ret) {
		kvfree(s);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = s;
	return 0;
}

static int ea_log_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	if (!m)
		return 0;
	kvfree(m->private);
	return seq_release(inode, file);
}

static ssize_t ea_log_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	if (!file->private_data)
		return -EBADF;
	return seq_read(file, buf, len, ppos);
}

/* Any write empties the ring; seq numbers go on. */
static ssize_t ea_log_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	spin_lock(&ea_log_lock);
	ea_log.head = 0;
	ea_log.held = 0;
	ea_log.lost = 0;
	spin_unlock(&ea_log_lock);
	return len;
}

static loff_t ea_log_llseek(struct file *file, loff_t offset, int whence)
{
	if (!file->private_data)
		return noop_llseek(file, offset, whence);
	return seq_lseek(file, offset, whence);
}

static const struct file_operations ea_log_fops = {
	.owner = THIS_MODULE,
	.open = ea_log_open,
	.read = ea_log_read,
	.write = ea_log_write,
	.llseek = ea_log_llseek,
	.release = ea_log_release,
};

/* ---- debugfs: module-wide files -------------------------------------------- */

/* An instance's files, from ea_obs_inst_add() to ea_obs_inst_del(). */
struct ea_obs_priv {
	struct list_head node;		/* in ea_obs_instances */
	struct ea_obs_inst *oi;
	struct dentry *dir;		/* instances/NAME */
};

/*
 * ea_obs_lock protects ea_obs_instances and the node of every struct
 * ea_obs_priv on it. Held by the module-wide stats file while it asks each
 * listed instance's engine for its figures: an instance leaves the list
 * under it before ea_obs_inst_del() returns. Taken outside the engine's
 * instance locks; the device holds none of its own around it.
 */
static DEFINE_MUTEX(ea_obs_lock);
static LIST_HEAD(ea_obs_instances);

static struct dentry *ea_debugfs_root;		/* edualloc/ */
static struct dentry *ea_debugfs_instances;	/* edualloc/instances/ */

static int ea_verbosity_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%u\n", READ_ONCE(ea_verbosity));
	return 0;
}

static int ea_verbosity_open(struct inode *inode, struct file *file)
{
	return single_open(file, ea_verbosity_show, NULL);
}

static ssize_t ea_verbosity_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	char buf[16];
	int v;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	v = ea_parse_verbosity(strim(buf));
	if (v < 0)
		return v;
	ea_set_verbosity(v);
	return len;
}

static const struct file_operations ea_verbosity_fops = {
	.owner = THIS_MODULE,
	.open = ea_verbosity_open,
	.read = seq_read,
	.write = ea_verbosity_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int ea_global_stats_show(struct seq_file *m, void *v)
{
	u64 capacity = 0, used = 0, live = 0, requested = 0;
	unsigned int instances = 0, held, size, type;
	struct ea_obs_priv *p;
	struct ea_stats *st;
	u64 lost, next, reallocs;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	mutex_lock(&ea_obs_lock);
	list_for_each_entry(p, &ea_obs_instances, node) {
		ea_get_stats(p->oi->ea, st);
		instances++;
		capacity += st->capacity;
		used += st->used_bytes;
		live += st->live_allocs;
		requested += st->live_requested;
	}
	mutex_unlock(&ea_obs_lock);
	kfree(st);

	spin_lock(&ea_log_lock);
	size = ea_log.size;
	held = ea_log.held;
	lost = ea_log.lost;
	next = ea_log.next_seq;
	spin_unlock(&ea_log_lock);

	seq_puts(m, "# key value\n");
	seq_printf(m, "instances %u\n", instances);
	seq_printf(m, "capacity %llu\n", capacity);
	seq_printf(m, "used_bytes %llu\n", used);
	seq_printf(m, "live_allocs %llu\n", live);
	seq_printf(m, "live_requested %llu\n", requested);
	/* A realloc is an allocation and a free too, as in the engine's figures. */
	reallocs = ea_counter_total(EA_OBS_REALLOCS);
	seq_printf(m, "allocs %llu\n", ea_counter_total(EA_OBS_ALLOCS) + reallocs);
	seq_printf(m, "frees %llu\n", ea_counter_total(EA_OBS_FREES) + reallocs);
	seq_printf(m, "reallocs %llu\n", reallocs);
	seq_printf(m, "errors %lld\n", ea_event_total(EA_EV_ERROR));
	seq_printf(m, "corruptions %lld\n", ea_event_total(EA_EV_CORRUPT));
	seq_printf(m, "leaks %lld\n", ea_event_total(EA_EV_LEAK));
	seq_printf(m, "log_size %u\n", size);
	seq_printf(m, "log_held %u\n", held);
	seq_printf(m, "log_lost %llu\n", lost);
	seq_printf(m, "log_next_seq %llu\n", next);
	seq_printf(m, "verbosity %u\n", READ_ONCE(ea_verbosity));
	for (type = 0; type < EA_NR_EVENTS; type++)
		seq_printf(m, "event_%s %lld\n", ea_event_name(type),
			   ea_event_total(type));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(ea_global_stats);

/* ---- debugfs: per-instance files ---------------------------------------- */

/*
 * The per-instance files' data is the struct ea_obs_inst. debugfs keeps
 * each file operation from running once the file is removed, which
 * ea_obs_inst_del() does before the engine instance goes away.
 */

/* An instance's figures, in memory of their own (kfree() them); NULL: -ENOMEM. */
static struct ea_stats *ea_obs_stats(struct ea_obs_inst *oi)
{
	struct ea_stats *st = kmalloc(sizeof(*st), GFP_KERNEL);

	if (st)
		ea_get_stats(oi->ea, st);
	return st;
}

/* instances/NAME/stats */
static int ea_inst_stats_show(struct seq_file *m, void *v)
{
	struct ea_obs_inst *oi = m->private;
	struct ea_stats *st = ea_obs_stats(oi);
	unsigned int k;

	if (!st)
		return -ENOMEM;

	seq_puts(m, "# key value\n");
	seq_printf(m, "name %s\n", oi->name);
	seq_printf(m, "id %u\n", oi->id);
	seq_printf(m, "kind %s\n", ea_kind_name(oi->kind));
	seq_printf(m, "creator_pid %u\n", oi->creator_pid);
#define EA_STAT_LINE(bits, name)	seq_printf(m, #name " %llu\n", (u64)st->name);
	EDUALLOC_STATS_SCALARS(EA_STAT_LINE)
#undef EA_STAT_LINE
	seq_printf(m, "debug %llu\n", (u64)st->debug);
	for (k = 0; k < EA_NR_ERR; k++)
		seq_printf(m, "error_%s %llu\n", ea_err_name(k), st->errors[k]);
	kfree(st);
	return 0;
}

/* The letter of a class in the map: a for 8 B ... p for 256 KiB. */
static char ea_class_letter(unsigned int cls)
{
	return 'a' + cls;
}

/* instances/NAME/classes */
static int ea_classes_show(struct seq_file *m, void *v)
{
	struct ea_obs_inst *oi = m->private;
	struct ea_stats *st = ea_obs_stats(oi);
	unsigned int k;

	if (!st)
		return -ENOMEM;
	seq_puts(m, "#  class map  slabs slots_used slots_total   allocs    frees failures    waste\n");
	for (k = 0; k < EA_NR_CLASSES; k++) {
		const struct ea_class_stats *c = &st->cls[k];

		seq_printf(m, "%8llu   %c %6llu %10llu %11llu %8llu %8llu %8llu %8llu\n",
			   ea_class_size(k), ea_class_letter(k), c->slabs,
			   c->slots_used, c->slots_total, c->allocs, c->frees,
			   c->failures, c->waste);
	}
	kfree(st);
	return 0;
}

/* ea_for_each_alloc() callbacks: run under the engine's instance lock. */
static int ea_allocations_one(void *priv, const struct ea_alloc_info *a)
{
	struct seq_file *m = priv;
	char cls[12];

	ea_fmt_class(cls, sizeof(cls), a->cls);
	seq_printf(m, "%d 0x%llx %llu %s %llu %u\n", a->id, a->offset, a->size,
		   cls, a->class_size, a->owner);
	return seq_has_overflowed(m);	/* seq_read retries with more room */
}

static int ea_allocations_show(struct seq_file *m, void *v)
{
	struct ea_obs_inst *oi = m->private;

	seq_puts(m, "# id offset size class reserved owner_pid\n");
	ea_for_each_alloc(oi->ea, ea_allocations_one, m);
	return 0;
}

static int ea_large_one(void *priv, const struct ea_alloc_info *a)
{
	struct seq_file *m = priv;

	if (a->cls == EA_CLASS_LARGE)
		seq_printf(m, "large %d 0x%llx %llu %llu %u\n", a->id, a->offset,
			   a->size, a->class_size, a->owner);
	return seq_has_overflowed(m);
}

#define EA_MAP_COLS	32
#define EA_MAP_ROWS	64
#define EA_MAP_ONE	1024	/* a full page, in the fill sums */

/* One cell of the map: @n pages described by @p. */
static void ea_map_cell(const struct ea_page_info *p, unsigned long n,
			char *cell, char *fill)
{
	unsigned int count[EA_NR_CLASSES] = { 0 };
	unsigned int best = 0, k;
	bool any = false, full = true;
	u64 used = 0;
	unsigned long i;

	for (i = 0; i < n; i++) {
		switch (p[i].kind) {
		case EA_PAGE_SLAB:
			if (p[i].total)
				used += (u64)p[i].used * EA_MAP_ONE / p[i].total;
			if (p[i].used < p[i].total)
				full = false;
			break;
		case EA_PAGE_BLOCK:
		case EA_PAGE_BLOCK_TAIL:
			used += EA_MAP_ONE;
			break;
		default:
			full = false;
			continue;
		}
		any = true;
		if (p[i].cls < EA_NR_CLASSES)
			count[p[i].cls]++;
	}
	if (!any) {
		*cell = '.';
		*fill = '.';
		return;
	}
	for (k = 1; k < EA_NR_CLASSES; k++) {
		if (count[k] > count[best])
			best = k;
	}
	*cell = ea_class_letter(best);
	if (full) {
		*cell = toupper(*cell);
		*fill = '*';
	} else if (!used) {
		*fill = '0';
	} else {
		/* 1..9: a slab with one object is not shown as empty */
		*fill = '0' + clamp_t(u64, div64_u64(used * 10, (u64)n * EA_MAP_ONE), 1, 9);
	}
}

static void ea_map_rows(struct seq_file *m, const struct ea_page_info *pages,
			unsigned long n, unsigned long per_cell)
{
	unsigned long cells = DIV_ROUND_UP(n, per_cell);
	unsigned long row, col, cell, first;
	char cbuf[EA_MAP_COLS + 1], fbuf[EA_MAP_COLS + 1];

	for (row = 0; row * EA_MAP_COLS < cells; row++) {
		for (col = 0; col < EA_MAP_COLS; col++) {
			cell = row * EA_MAP_COLS + col;
			if (cell >= cells)
				break;
			first = cell * per_cell;
			ea_map_cell(pages + first, min(per_cell, n - first),
				    &cbuf[col], &fbuf[col]);
		}
		cbuf[col] = '\0';
		fbuf[col] = '\0';
		seq_printf(m, "0x%08llx %-*s  %s\n",
			   (u64)row * EA_MAP_COLS * per_cell * PAGE_SIZE,
			   EA_MAP_COLS, cbuf, fbuf);
	}
}

static int ea_map_show(struct seq_file *m, void *v)
{
	struct ea_obs_inst *oi = m->private;
	struct ea_page_info *pages;
	unsigned long n, per_cell;
	struct ea_stats *st;
	unsigned int k;
	int ret = -ENOMEM;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	n = ea_page_map(oi->ea, NULL, 0);
	pages = kvmalloc_array(max(n, 1UL), sizeof(*pages), GFP_KERNEL);
	if (!st || !pages)
		goto out;
	n = ea_page_map(oi->ea, pages, n);
	per_cell = max(1UL, DIV_ROUND_UP(n, EA_MAP_COLS * EA_MAP_ROWS));

	seq_printf(m, "# map of %s: %lu pages of %lu bytes, %lu page%s per cell, %u cells per row\n",
		   oi->name, n, PAGE_SIZE, per_cell, per_cell == 1 ? "" : "s",
		   EA_MAP_COLS);
	seq_puts(m, "# cells: . free; a-p a size class, upper case when full:");
	for (k = 0; k < EA_NR_CLASSES; k++) {
		u64 size = ea_class_size(k);

		if (!(k % (EA_NR_CLASSES / 2)))
			seq_puts(m, "\n#  ");
		if (size >= 1024)
			seq_printf(m, " %c=%lluK", ea_class_letter(k), size >> 10);
		else
			seq_printf(m, " %c=%llu", ea_class_letter(k), size);
	}
	seq_puts(m, "\n# fill: . free; 0 empty slab; 1-9 tenths in use; * full\n");
	seq_printf(m, "# %-8s %-*s  %s\n", "offset", EA_MAP_COLS, "cells", "fill");
	ea_map_rows(m, pages, n, per_cell);

	ea_get_stats(oi->ea, st);
	seq_printf(m, "# large allocations, outside the arena: %llu\n", st->large_count);
	if (st->large_count) {
		seq_puts(m, "# large id offset size reserved owner_pid\n");
		ea_for_each_alloc(oi->ea, ea_large_one, m);
	}
	seq_puts(m, "# fragmentation\n");
	seq_printf(m, "pages_total %llu\n", st->pages_total);
	seq_printf(m, "pages_used %llu\n", st->pages_used);
	seq_printf(m, "pages_free %llu\n", st->pages_free);
	seq_printf(m, "free_bytes %llu\n", st->pages_free * PAGE_SIZE);
	seq_printf(m, "largest_free %llu\n", st->largest_free);
	seq_printf(m, "used_bytes %llu\n", st->used_bytes);
	seq_printf(m, "internal_frag %llu\n", st->internal_frag);
	seq_printf(m, "internal_frag_pct %u\n", st->internal_frag_pct);
	seq_printf(m, "external_frag_pct %u\n", st->external_frag_pct);
	seq_printf(m, "large_count %llu\n", st->large_count);
	seq_printf(m, "large_bytes %llu\n", st->large_bytes);
	ret = 0;
out:
	kvfree(pages);
	kfree(st);
	return ret;
}

/* "# bitset NAME: BITS bits", then the set bits as a list: 5-6,9,63. */
static int ea_bitset_show(struct seq_file *m, void *v)
{
	struct ea_obs_inst *oi = m->private;
	struct ea_stats *st = ea_obs_stats(oi);
	u32 bits, from = 0, bit;
	unsigned long *map;

	if (!st)
		return -ENOMEM;
	bits = st->bitset_bits;
	kfree(st);

	if (!bits) {
		seq_printf(m, "# bitset %s: none\n", oi->name);
		return 0;
	}
	map = bitmap_zalloc(bits, GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	/* In range, these calls are answers, not refused requests: no events. */
	while (from < bits && !ea_bit_find(oi->ea, from, &bit)) {
		__set_bit(bit, map);
		from = bit + 1;
		cond_resched();
	}
	seq_printf(m, "# bitset %s: %u bits\n%*pbl\n", oi->name, bits, bits, map);
	bitmap_free(map);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(ea_inst_stats);
DEFINE_SHOW_ATTRIBUTE(ea_classes);
DEFINE_SHOW_ATTRIBUTE(ea_allocations);
DEFINE_SHOW_ATTRIBUTE(ea_map);
DEFINE_SHOW_ATTRIBUTE(ea_bitset);

/* ---- The hooks ------------------------------------------------------------ */

/**
 * ea_obs_inst_add() - an instance now exists
 * @oi: its description, constant until its last event
 *
 * Logs its creation and makes its debugfs directory. A failure here costs
 * the instance its directory, nothing else.
 *
 * Context: Process context, holding no lock of the device's; may sleep.
 */
void ea_obs_inst_add(struct ea_obs_inst *oi)
{
	struct ea_obs_priv *p;

	ea_log_instance(oi, EA_LOG_CREATE);

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return;
	p->oi = oi;
	p->dir = debugfs_create_dir(oi->name, ea_debugfs_instances);
	debugfs_create_file("stats", 0444, p->dir, oi, &ea_inst_stats_fops);
	debugfs_create_file("classes", 0444, p->dir, oi, &ea_classes_fops);
	debugfs_create_file("allocations", 0444, p->dir, oi, &ea_allocations_fops);
	debugfs_create_file("map", 0444, p->dir, oi, &ea_map_fops);
	debugfs_create_file("bitset", 0444, p->dir, oi, &ea_bitset_fops);

	mutex_lock(&ea_obs_lock);
	list_add_tail(&p->node, &ea_obs_instances);
	mutex_unlock(&ea_obs_lock);
	oi->priv = p;
}

/**
 * ea_obs_inst_del() - an instance is about to be destroyed
 * @oi: its description
 *
 * Logs the destruction and removes the instance's debugfs directory,
 * waiting for reads in progress there: once this returns, nothing here
 * touches @oi->ea. Its leak reports may still follow, as events.
 *
 * Context: Process context, holding no lock of the device's; may sleep.
 */
void ea_obs_inst_del(struct ea_obs_inst *oi)
{
	struct ea_obs_priv *p = oi->priv;

	if (p) {
		mutex_lock(&ea_obs_lock);
		list_del(&p->node);
		mutex_unlock(&ea_obs_lock);
		debugfs_remove_recursive(p->dir);
		kfree(p);
		oi->priv = NULL;
	}
	ea_log_instance(oi, EA_LOG_DESTROY);
}

/**
 * ea_obs_init() - set up the log and the debugfs tree
 *
 * Context: Process context, at module load, before any instance exists.
 * Return: 0, or -ENOMEM if the log ring cannot be allocated. A missing
 * debugfs is not an error: the files are then simply not there.
 */
int ea_obs_init(void)
{
	struct ea_log_rec *ring;
	unsigned int size = clamp(log_size, EA_LOG_MIN, EA_LOG_MAX);

	BUILD_BUG_ON(EA_NR_EVENTS + 2 > U8_MAX);
	BUILD_BUG_ON(EA_NR_OPS > U8_MAX);

	ring = vmalloc(array_size(size, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	log_size = size;
	ea_update_wanted();
	spin_lock(&ea_log_lock);
	ea_log.ring = ring;
	ea_log.size = size;
	ea_log.head = 0;
	ea_log.held = 0;
	ea_log.lost = 0;
	ea_log.next_seq = 1;
	spin_unlock(&ea_log_lock);

	ea_debugfs_root = debugfs_create_dir("edualloc", NULL);
	debugfs_create_file("log", 0644, ea_debugfs_root, NULL, &ea_log_fops);
	debugfs_create_file("verbosity", 0644, ea_debugfs_root, NULL,
			    &ea_verbosity_fops);
	debugfs_create_file("stats", 0444, ea_debugfs_root, NULL,
			    &ea_global_stats_fops);
	ea_debugfs_instances = debugfs_create_dir("instances", ea_debugfs_root);
	return 0;
}

/**
 * ea_obs_exit() - remove the debugfs tree and free the log
 *
 * Context: Process context, at module unload, after every instance is gone.
 */
void ea_obs_exit(void)
{
	struct ea_log_rec *ring;

	debugfs_remove_recursive(ea_debugfs_root);
	ea_debugfs_root = NULL;
	ea_debugfs_instances = NULL;

	spin_lock(&ea_log_lock);
	ring = ea_log.ring;
	ea_log.ring = NULL;
	ea_log.size = 0;
	ea_log.held = 0;
	spin_unlock(&ea_log_lock);
	vfree(ring);
}
