// SPDX-License-Identifier: GPL-2.0
/*
 * Events and refusals: what the engine tells its listener.
 *
 * The engine knows no log, debugfs or tracepoint: it hands each event to
 * the notify callback the device gave at creation (struct ea_params), and
 * the observability layer turns it into a log line or a tracepoint. Explain
 * events (a class chosen, a split, a merge, a slab refilled...) narrate one
 * operation's decisions; ALLOC, FREE and REALLOC close it; a refused
 * request is one EA_EV_ERROR, counted in errors[] by kind.
 *
 * The names of the error kinds, operations and events live here too, with
 * the errno each error kind returns.
 *
 * Invariants: every refusal is counted exactly once, in errors[kind].
 * Locking: called with the instance lock held; the callback runs under it
 * and must neither sleep on user memory nor call the engine back.
 */

static const struct {
	int err;
	const char *name;
} ea_errors[EA_NR_ERR] = {
	[EA_ERR_ZERO_SIZE]	= { -EINVAL,	 "zero_size" },
	[EA_ERR_TOO_BIG]	= { -E2BIG,	 "too_big" },
	[EA_ERR_NO_SPACE]	= { -ENOMEM,	 "no_space" },
	[EA_ERR_UNKNOWN_ID]	= { -ENOENT,	 "unknown_id" },
	[EA_ERR_DOUBLE_FREE]	= { -EALREADY,	 "double_free" },
	[EA_ERR_STALE_ID]	= { -ESTALE,	 "stale_id" },
	[EA_ERR_BAD_OFFSET]	= { -EINVAL,	 "bad_offset" },
	[EA_ERR_NO_ALLOC]	= { -ENOENT,	 "no_alloc" },
	[EA_ERR_BAD_RANGE]	= { -EINVAL,	 "bad_range" },
	[EA_ERR_BAD_BIT]	= { -EINVAL,	 "bad_bit" },
	[EA_ERR_NO_BITSET]	= { -EOPNOTSUPP, "no_bitset" },
	[EA_ERR_NO_IDS]		= { -ENOSPC,	 "no_ids" },
	[EA_ERR_KMEM]		= { -ENOMEM,	 "kmem" },
	[EA_ERR_REDZONE]	= { -EFAULT,	 "redzone" },
	[EA_ERR_USE_AFTER_FREE]	= { -EFAULT,	 "use_after_free" },
	[EA_ERR_FREED_ID]	= { -EALREADY,	 "freed_id" },
};

static const char * const ea_op_names[EA_NR_OPS] = {
	[EA_OP_NONE]	= "none",
	[EA_OP_CREATE]	= "create",
	[EA_OP_ALLOC]	= "alloc",
	[EA_OP_FREE]	= "free",
	[EA_OP_REALLOC]	= "realloc",
	[EA_OP_LOOKUP]	= "lookup",
	[EA_OP_READ]	= "read",
	[EA_OP_WRITE]	= "write",
	[EA_OP_BIT]	= "bit",
	[EA_OP_RESET]	= "reset",
	[EA_OP_DESTROY]	= "destroy",
	[EA_OP_DEBUG]	= "debug",
};

static const char * const ea_event_names[EA_NR_EVENTS] = {
	[EA_EV_ALLOC]		= "alloc",
	[EA_EV_FREE]		= "free",
	[EA_EV_REALLOC]		= "realloc",
	[EA_EV_CLASS]		= "class",
	[EA_EV_FREELIST_HIT]	= "freelist_hit",
	[EA_EV_SLAB_REFILL]	= "slab_refill",
	[EA_EV_SLAB_SPARE]	= "slab_spare",
	[EA_EV_SLAB_RELEASE]	= "slab_release",
	[EA_EV_BUDDY_SPLIT]	= "buddy_split",
	[EA_EV_BUDDY_MERGE]	= "buddy_merge",
	[EA_EV_LARGE_MAP]	= "large_map",
	[EA_EV_CORRUPT]		= "corrupt",
	[EA_EV_ERROR]		= "error",
	[EA_EV_LEAK]		= "leak",
	[EA_EV_RESET]		= "reset",
	[EA_EV_UNDO]		= "undo",
};

/**
 * ea_errno() - the errno of an error kind
 * @kind: error kind
 *
 * Return: the negative errno the engine returns for @kind; the detectors
 * (which refuse nothing) map to -EFAULT, unknown kinds to -EINVAL.
 */
int ea_errno(enum ea_err_kind kind)
{
	if ((unsigned int)kind >= EA_NR_ERR)
		return -EINVAL;
	return ea_errors[kind].err;
}

/**
 * ea_err_name() - the name of an error kind
 * @kind: error kind
 *
 * Return: a short lower-case name, e.g. "double_free", or "?".
 */
const char *ea_err_name(enum ea_err_kind kind)
{
	if ((unsigned int)kind >= EA_NR_ERR)
		return "?";
	return ea_errors[kind].name;
}

/**
 * ea_op_name() - the name of an operation
 * @op: operation
 *
 * Return: a short lower-case name, e.g. "alloc", or "?".
 */
const char *ea_op_name(enum ea_op op)
{
	if ((unsigned int)op >= EA_NR_OPS)
		return "?";
	return ea_op_names[op];
}

/**
 * ea_event_name() - the name of an event type
 * @type: event type
 *
 * Return: a short lower-case name, e.g. "buddy_split", or "?".
 */
const char *ea_event_name(enum ea_event_type type)
{
	if ((unsigned int)type >= EA_NR_EVENTS)
		return "?";
	return ea_event_names[type];
}

static void ea_emit(struct ea_instance *inst, struct ea_event *ev)
{
	lockdep_assert_held(&inst->lock);
	ev->op = inst->op;
	if (inst->notify)
		inst->notify(inst->priv, ev);
}

/* An explain-level event: one of the engine's decisions. */
static void ea_explain(struct ea_instance *inst, enum ea_event_type type,
		       unsigned int cls, unsigned int order, u64 offset,
		       u64 aux)
{
	struct ea_event ev = {
		.type = type,
		.cls = cls,
		.order = order,
		.offset = offset,
		.aux = aux,
	};

	ea_emit(inst, &ev);
}

/* Refuse a request: count it, tell the listener, return its errno. */
static int ea_refuse(struct ea_instance *inst, const struct ea_req *req,
		     enum ea_err_kind kind)
{
	struct ea_event ev = {
		.type = EA_EV_ERROR,
		.id = req->id,
		.err = ea_errno(kind),
		.cls = req->cls < EA_NO_CLASS ? req->cls : 0,
		.size = req->size,
		.offset = req->offset,
		.aux = kind,
	};

	inst->st.errors[kind]++;
	ea_emit(inst, &ev);
	return ev.err;
}

/* Refuse a request about an ID: never issued or already freed. */
static int ea_refuse_id(struct ea_instance *inst, int id, int err)
{
	struct ea_req req = { .id = id, .cls = EA_NO_CLASS };

	return ea_refuse(inst, &req, err == -EALREADY ? EA_ERR_FREED_ID :
			 EA_ERR_UNKNOWN_ID);
}

static void ea_emit_loc(struct ea_instance *inst, enum ea_event_type type,
			const struct ea_loc *loc, u64 aux)
{
	struct ea_event ev = {
		.type = type,
		.id = loc->id,
		.cls = loc->cls,
		.size = loc->size,
		.offset = loc->offset,
		.aux = aux,
	};

	ea_emit(inst, &ev);
}
