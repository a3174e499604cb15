/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edualloc tracepoints: the allocator's events for the kernel's tracing
 * tools. Enable them in tracefs and read the records back:
 *
 *	echo 1 > /sys/kernel/tracing/events/edualloc/enable
 *	echo 'inst == "shared" && size > 1000' \
 *		> /sys/kernel/tracing/events/edualloc/edualloc_alloc/filter
 *	cat /sys/kernel/tracing/trace_pipe
 *
 * or with trace-cmd: trace-cmd record -e edualloc. Each event carries the
 * instance's number (inst_id) and name (inst, a fixed char array, so that
 * filters can match it) and the fields a student would filter on. The
 * caller's pid and comm are in every record's common fields already.
 *
 * No event has a __string() field: __assign_str() changed its arguments
 * in 6.10 and this header builds unchanged on 5.15 to 6.12. Numbers that
 * stand for names (operation, error kind, errno) are printed with
 * __print_symbolic(), so filters use the numbers and the text shows names.
 *
 * Disabled tracepoints cost a static branch (a no-op) at the call site.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edualloc

#if !defined(_EDUALLOC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDUALLOC_TRACE_H

#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "ea_engine.h"
#include "edualloc_obs.h"

/* Helpers, defined once however often this header is read. */
#ifndef _EDUALLOC_TRACE_HELPERS
#define _EDUALLOC_TRACE_HELPERS

/* Bytes an allocation reserves: its class size, or page-rounded if large. */
static inline u64 ea_trace_reserved(const struct ea_event *ev)
{
	if (ev->cls < EA_NR_CLASSES)
		return 1ULL << (ev->cls + EA_MIN_SHIFT);
	return PAGE_ALIGN(ev->size);
}

#endif /* _EDUALLOC_TRACE_HELPERS */

/* Let userspace tools see the numbers behind the enum names below. */
TRACE_DEFINE_ENUM(EA_OP_NONE);
TRACE_DEFINE_ENUM(EA_OP_CREATE);
TRACE_DEFINE_ENUM(EA_OP_ALLOC);
TRACE_DEFINE_ENUM(EA_OP_FREE);
TRACE_DEFINE_ENUM(EA_OP_REALLOC);
TRACE_DEFINE_ENUM(EA_OP_LOOKUP);
TRACE_DEFINE_ENUM(EA_OP_READ);
TRACE_DEFINE_ENUM(EA_OP_WRITE);
TRACE_DEFINE_ENUM(EA_OP_BIT);
TRACE_DEFINE_ENUM(EA_OP_RESET);
TRACE_DEFINE_ENUM(EA_OP_DESTROY);
TRACE_DEFINE_ENUM(EA_OP_DEBUG);

TRACE_DEFINE_ENUM(EA_ERR_ZERO_SIZE);
TRACE_DEFINE_ENUM(EA_ERR_TOO_BIG);
TRACE_DEFINE_ENUM(EA_ERR_NO_SPACE);
TRACE_DEFINE_ENUM(EA_ERR_UNKNOWN_ID);
TRACE_DEFINE_ENUM(EA_ERR_DOUBLE_FREE);
TRACE_DEFINE_ENUM(EA_ERR_STALE_ID);
TRACE_DEFINE_ENUM(EA_ERR_BAD_OFFSET);
TRACE_DEFINE_ENUM(EA_ERR_NO_ALLOC);
TRACE_DEFINE_ENUM(EA_ERR_BAD_RANGE);
TRACE_DEFINE_ENUM(EA_ERR_BAD_BIT);
TRACE_DEFINE_ENUM(EA_ERR_NO_BITSET);
TRACE_DEFINE_ENUM(EA_ERR_NO_IDS);
TRACE_DEFINE_ENUM(EA_ERR_KMEM);
TRACE_DEFINE_ENUM(EA_ERR_REDZONE);
TRACE_DEFINE_ENUM(EA_ERR_USE_AFTER_FREE);
TRACE_DEFINE_ENUM(EA_ERR_FREED_ID);

/*
 * Every event: the same prototype, and the instance's number and name
 * first in its record (EA_TRACE_INST_*, expanded anew at each reading of
 * this header). Each event has a register and an unregister function (the
 * _FN forms), with which the observability layer learns that it is
 * switched on or off: the engine builds only the events someone wants.
 */
#define EA_TRACE_PROTO							\
	TP_PROTO(const struct ea_obs_inst *oi, const struct ea_event *ev)
#define EA_TRACE_INST_ENTRY						\
	__field(u32, inst_id)						\
	__array(char, inst, EDUALLOC_NAME_MAX)
#define EA_TRACE_INST_ASSIGN						\
	__entry->inst_id = oi->id;					\
	strscpy_pad(__entry->inst, oi->name, EDUALLOC_NAME_MAX);

/*
 * edualloc_alloc: a successful allocation, or the new half of a realloc
 * (old_id is then the ID it replaced, else 0). cls is the class index
 * (0: 8 B ... 15: 256 KiB, 16: large); reserved the bytes it takes.
 * edualloc_free: a successful free, or an allocation taken back because
 * its result could not be written to userspace (the log says "undo");
 * the same fields (old_id 0).
 */
DECLARE_EVENT_CLASS(edualloc_block,
		    EA_TRACE_PROTO,
		    TP_ARGS(oi, ev),
		    TP_STRUCT__entry(EA_TRACE_INST_ENTRY
				     __field(int, id)
				     __field(int, old_id)
				     __field(u32, cls)
				     __field(u64, size)
				     __field(u64, reserved)
				     __field(u64, offset)),
		    TP_fast_assign(EA_TRACE_INST_ASSIGN
				   __entry->id = ev->id;
				   __entry->old_id = ev->type == EA_EV_REALLOC ? (int)ev->aux : 0;
				   __entry->cls = ev->cls;
				   __entry->size = ev->size;
				   __entry->reserved = ea_trace_reserved(ev);
				   __entry->offset = ev->offset;),
		    TP_printk("inst=%s id=%d size=%llu cls=%u reserved=%llu offset=0x%llx old_id=%d",
			      __entry->inst, __entry->id, __entry->size, __entry->cls,
			      __entry->reserved, __entry->offset, __entry->old_id));

DEFINE_EVENT_FN(edualloc_block, edualloc_alloc, EA_TRACE_PROTO, TP_ARGS(oi, ev),
		ea_tp_alloc_reg, ea_tp_alloc_unreg);

DEFINE_EVENT_FN(edualloc_block, edualloc_free, EA_TRACE_PROTO, TP_ARGS(oi, ev),
		ea_tp_free_reg, ea_tp_free_unreg);

/* The names of ops and error kinds: the uapi header's lists. */
#define EA_TRACE_OP(NAME, name)			{ EA_OP_##NAME, #name },
#define EA_TRACE_ERR(NAME, name, err, words)	{ EA_ERR_##NAME, #name },

/*
 * edualloc_error: a refused request (err is its errno) or a corruption the
 * debug checks found (err 0: nothing was refused; offset is the first bad
 * byte). kind says which, as in the stats' error counters; op is the call.
 */
TRACE_EVENT_FN(edualloc_error,
	       EA_TRACE_PROTO,
	       TP_ARGS(oi, ev),
	       TP_STRUCT__entry(EA_TRACE_INST_ENTRY
				__field(u32, op)
				__field(u32, kind)
				__field(int, err)
				__field(int, id)
				__field(u64, size)
				__field(u64, offset)),
	       TP_fast_assign(EA_TRACE_INST_ASSIGN
			      __entry->op = ev->op;
			      __entry->kind = ev->type == EA_EV_CORRUPT ? ev->err : ev->aux;
			      __entry->err = ev->type == EA_EV_CORRUPT ? 0 : ev->err;
			      __entry->id = ev->id;
			      __entry->size = ev->size;
			      __entry->offset = ev->offset;),
	       TP_printk("inst=%s op=%s kind=%s err=%s id=%d size=%llu offset=0x%llx",
			 __entry->inst,
			 __print_symbolic(__entry->op, EDUALLOC_OPS(EA_TRACE_OP)
					  { EA_NR_OPS, "?" }),
			 __print_symbolic(__entry->kind, EDUALLOC_ERRORS(EA_TRACE_ERR)
					  { EA_NR_ERR, "?" }),
			 __print_symbolic(__entry->err,
					  { 0, "0" },
					  { -EINVAL, "EINVAL" },
					  { -E2BIG, "E2BIG" },
					  { -ENOMEM, "ENOMEM" },
					  { -ENOENT, "ENOENT" },
					  { -EALREADY, "EALREADY" },
					  { -ESTALE, "ESTALE" },
					  { -EOPNOTSUPP, "EOPNOTSUPP" },
					  { -ENOSPC, "ENOSPC" },
					  { -EFAULT, "EFAULT" }),
			 __entry->id, __entry->size, __entry->offset),
	       ea_tp_error_reg, ea_tp_error_unreg);

/*
 * edualloc_buddy: the buddy allocator split a free block of 2^order pages
 * at offset into two halves (merge 0), or merged two buddies into the
 * block of 2^order pages at offset (merge 1). bytes is the block's size.
 */
TRACE_EVENT_FN(edualloc_buddy,
	       EA_TRACE_PROTO,
	       TP_ARGS(oi, ev),
	       TP_STRUCT__entry(EA_TRACE_INST_ENTRY
				__field(u32, merge)
				__field(u32, order)
				__field(u64, bytes)
				__field(u64, offset)),
	       TP_fast_assign(EA_TRACE_INST_ASSIGN
			      __entry->merge = ev->type == EA_EV_BUDDY_MERGE;
			      __entry->order = ev->order;
			      __entry->bytes = (u64)PAGE_SIZE << ev->order;
			      __entry->offset = ev->offset;),
	       TP_printk("inst=%s %s order=%u bytes=%llu offset=0x%llx",
			 __entry->inst,
			 __print_symbolic(__entry->merge, { 0, "split" }, { 1, "merge" }),
			 __entry->order, __entry->bytes, __entry->offset),
	       ea_tp_buddy_reg, ea_tp_buddy_unreg);

#endif /* _EDUALLOC_TRACE_H */

/* This part must be outside the guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE edualloc_trace
#include <trace/define_trace.h>
