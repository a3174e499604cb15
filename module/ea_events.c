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
 * and must neither sleep on user memory nor call the engine back (the
 * per-CPU caches report their ALLOC and FREE without it: ea_emit_loc_op()).
 */

/* The uapi header's lists, as tables in the order of their enums. */
#define EA_ERR_ROW(NAME, name, err, words)	{ -(err), #name },
#define EA_NAME_ROW(NAME, name, ...)		#name,

static const struct {
	int err;
	const char *name;
} ea_errors[EA_NR_ERR] = { EDUALLOC_ERRORS(EA_ERR_ROW) };

static const char * const ea_op_names[EA_NR_OPS] = { EDUALLOC_OPS(EA_NAME_ROW) };

static const char * const ea_event_names[EA_NR_EVENTS] = { EDUALLOC_EVENTS(EA_NAME_ROW) };

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

/*
 * Whether anyone wants events of @type: build an event only then. The
 * observability layer says which it wants (struct ea_params.events); with
 * no listener, none is built.
 */
static bool ea_wants(struct ea_instance *inst, enum ea_event_type type)
{
	return inst->notify && (!inst->events || test_bit(type, inst->events));
}

static void ea_emit(struct ea_instance *inst, struct ea_event *ev)
{
	lockdep_assert_held(&inst->lock);
	ev->op = inst->op;
	if (ea_wants(inst, ev->type))
		inst->notify(inst->priv, ev);
}

/* ea_explain()'s event, built and sent out of line. */
static noinline void ea_explain_emit(struct ea_instance *inst,
				     enum ea_event_type type, unsigned int cls,
				     unsigned int order, u64 offset, u64 aux)
{
	struct ea_event ev;

	ev = (struct ea_event) {
		.type = type,
		.cls = cls,
		.order = order,
		.offset = offset,
		.aux = aux,
	};
	ea_emit(inst, &ev);
}

/*
 * An explain-level event: one of the engine's decisions. Inline, so that
 * a decision nobody listens to costs a test.
 */
static __always_inline void ea_explain(struct ea_instance *inst,
				       enum ea_event_type type,
				       unsigned int cls, unsigned int order,
				       u64 offset, u64 aux)
{
	if (unlikely(ea_wants(inst, type)))
		ea_explain_emit(inst, type, cls, order, offset, aux);
}

/* Refuse a request: count it, tell the listener, return its errno. */
static int ea_refuse(struct ea_instance *inst, const struct ea_req *req,
		     enum ea_err_kind kind)
{
	inst->st.errors[kind]++;
	if (ea_wants(inst, EA_EV_ERROR)) {
		struct ea_event ev = {
			.type = EA_EV_ERROR,
			.id = req->id,
			.err = ea_errno(kind),
			.cls = req->cls < EA_NO_CLASS ? req->cls : 0,
			.size = req->size,
			.offset = req->offset,
			.aux = kind,
		};

		ea_emit(inst, &ev);
	}
	return ea_errno(kind);
}

/* Refuse a request about an ID: never issued or already freed. */
static int ea_refuse_id(struct ea_instance *inst, int id, int err)
{
	struct ea_req req = { .id = id, .cls = EA_NO_CLASS };

	return ea_refuse(inst, &req, err == -EALREADY ? EA_ERR_FREED_ID :
			 EA_ERR_UNKNOWN_ID);
}

/*
 * An event about allocation @loc, of operation @op: without the lock too
 * (the ALLOC and FREE of the per-CPU caches, ea_fast_emit()).
 */
static void ea_emit_loc_op(struct ea_instance *inst, enum ea_event_type type,
			   const struct ea_loc *loc, u64 aux, enum ea_op op)
{
	struct ea_event ev;

	if (!ea_wants(inst, type))
		return;
	ev = (struct ea_event) {
		.type = type,
		.id = loc->id,
		.cls = loc->cls,
		.size = loc->size,
		.offset = loc->offset,
		.aux = aux,
		.op = op,
	};
	inst->notify(inst->priv, &ev);
}

static void ea_emit_loc(struct ea_instance *inst, enum ea_event_type type,
			const struct ea_loc *loc, u64 aux)
{
	lockdep_assert_held(&inst->lock);
	ea_emit_loc_op(inst, type, loc, aux, inst->op);
}
