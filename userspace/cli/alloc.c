// SPDX-License-Identifier: GPL-2.0
/*
 * Verbs about allocations: alloc, free, realloc, id, ptr, write, read,
 * dump, and the bitset.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "verbs.h"
#include "eadev.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Default cap on what `read` shows of a big block. */
#define READ_DEFAULT_MAX 4096

/* One line about where an allocation lives: "at offset 0x1000, class 3 (64-byte slots)". */
static void describe(const struct edualloc_alloc_info *a)
{
	printf("ID %d at offset 0x%" PRIx64 ", ", a->id, (uint64_t)a->offset);
	if (a->cls == EDUALLOC_CLASS_LARGE) {
		char sz[32];
		uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

		printf("large: %" PRIu64 " pages of its own (%s)", (uint64_t)(a->class_size / page),
		       human_size(a->class_size, sz, sizeof(sz)));
	} else {
		printf("class %u (%" PRIu64 "-byte slots)", a->cls, (uint64_t)a->class_size);
	}
}

/* Where the red zone of allocation 'a' is first damaged: its index, or -1. */
static int64_t first_bad_redzone(const unsigned char *block, const struct edualloc_alloc_info *a)
{
	for (uint64_t i = a->size; i < a->class_size; i++)
		if (block[i] != EDUALLOC_RED_ZONE)
			return (int64_t)i;
	return -1;
}

int verb_alloc(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, -1);

	if (done >= 0)
		return done;

	uint64_t *sizes = calloc((size_t)(argc - optind), sizeof(*sizes));

	if (!sizes)
		return fail(c, "alloc: out of memory");
	for (int i = optind; i < argc; i++) {
		if (!parse_size(argv[i], &sizes[i - optind])) {
			free(sizes);
			return usage_error(argv[0], "'%s' is not a size (e.g. 64, 4K, 1M)", argv[i]);
		}
	}
	int rc = dev_open(c);

	for (int i = optind; i < argc && !rc; i++) {
		uint64_t size = sizes[i - optind];
		struct edualloc_alloc req = { .size = size };
		struct edualloc_stats before, after;
		bool counted = dev_stats(c, &before) == 0;
		int err = dev_ioctl(c, EDUALLOC_IOC_ALLOC, &req);

		if (err) {
			rc = fail_op(c, OP_ALLOC, -err, "alloc %" PRIu64, size);
			break;
		}
		/* Taking a freed slot checks its poison: was it written after free? */
		bool uaf = counted && dev_stats(c, &after) == 0 &&
			   after.errors[EDUALLOC_ERR_USE_AFTER_FREE] >
			   before.errors[EDUALLOC_ERR_USE_AFTER_FREE];

		char msg[256] = "";

		if (uaf)
			snprintf(msg, sizeof(msg), "alloc %" PRIu64 ": use after free caught: the slot "
				 "it got (offset 0x%" PRIx64 ") had been written after it was freed",
				 size, (uint64_t)req.info.offset);
		if (c->json) {
			struct json j;

			json_begin(&j, stdout);
			json_str(&j, "op", "alloc");
			json_alloc_info(&j, &req.info);
			json_bool(&j, "use_after_free_found", uaf);
			if (*msg)
				json_str(&j, "error", msg);
			json_end(&j);
		} else {
			printf("alloc %" PRIu64 ": ", size);
			describe(&req.info);
			if (req.info.class_size > req.info.size)
				printf(", %" PRIu64 " bytes of slack", (uint64_t)(req.info.class_size - req.info.size));
			printf("\n");
		}
		if (*msg) {
			fflush(stdout);
			fprintf(stderr, "%s\n", msg);
			rc = EXIT_FAIL;
		}
	}
	free(sizes);
	return rc;
}

/* What `free` did to one ID. */
struct free_result {
	int id;
	bool known;		/* info holds what was freed (it was live) */
	struct edualloc_alloc_info info;
	bool caught;		/* the allocator counted a red zone overwritten */
	int64_t bad;		/* our own look: the first damaged red-zone byte, or -1 */
	unsigned char bad_byte;
};

/* Is the module's event log off (verbosity 0)? Its parameter is world-readable. */
static bool log_is_off(void)
{
	FILE *f = fopen("/sys/module/edualloc/parameters/verbosity", "r");
	unsigned int level = 1;

	if (f) {
		if (fscanf(f, "%u", &level) != 1)
			level = 1;
		fclose(f);
	}
	return level == 0;
}

/* Where the module's log record of what just failed is: "see the log: CMD". */
static const char *where_logged(const struct cli *c, char *buf, size_t len)
{
	if (log_is_off())
		snprintf(buf, len, "the event log is off: `edualloc log level errors` records them");
	else if (c->in_shell)
		snprintf(buf, len, "see the log: log --this -n 1");
	else if (!strcmp(c->attached, "shared"))
		snprintf(buf, len, "see the log: edualloc log --this -n 1");
	else
		snprintf(buf, len, "see the log: edualloc -i %s log --this -n 1", c->attached);
	return buf;
}

/* Free allocation id; a failure of the free itself is reported here. */
static int free_one(struct cli *c, int id, struct free_result *r)
{
	struct edualloc_stats before, after;

	*r = (struct free_result){ .id = id, .bad = -1 };

	/* Look first, to say what is freed and to see its red zone. */
	r->known = dev_peek_alloc(c, id, &r->info) == 0;
	bool counted = dev_stats(c, &before) == 0;
	bool debug = counted && (before.inst_flags & EDUALLOC_INST_DEBUG);

	if (r->known && debug) {
		struct mapping tmp;
		unsigned char *block = dev_map_alloc(c, &r->info, &tmp);

		if (block) {
			r->bad = first_bad_redzone(block, &r->info);
			if (r->bad >= 0)
				r->bad_byte = block[r->bad];
		}
		dev_unmap(&tmp);
	}

	/* The kernel has the last word, and logs it: double frees too. */
	int err = eadev_free_id(c->fd, id);

	if (err == -EALREADY) {	/* the seed's headline detector: say so, show the record */
		char cmd[EDUALLOC_NAME_MAX + 64];

		return fail_errno(c, EALREADY, "free %d: double free: ID %d was already freed "
				  "(refused; %s)", id, id, where_logged(c, cmd, sizeof(cmd)));
	}
	if (err)
		return fail_op(c, OP_FREE, -err, "free %d", id);
	r->caught = counted && dev_stats(c, &after) == 0 &&
		    after.errors[EDUALLOC_ERR_REDZONE] > before.errors[EDUALLOC_ERR_REDZONE];
	return 0;
}

/* Freed, but with a damaged red zone: the message, else "". */
static void free_damage(const struct free_result *r, char *msg, size_t len)
{
	*msg = '\0';
	if (r->bad >= 0)
		snprintf(msg, len, "free %d: heap overflow caught: the red zone past its %" PRIu64
			 " bytes was overwritten (byte %" PRId64 " is 0x%02x, not 0x%02x)%s", r->id,
			 (uint64_t)r->info.size, r->bad, r->bad_byte, EDUALLOC_RED_ZONE,
			 r->caught ? "; the allocator counted it too" : "");
	else if (r->caught)
		snprintf(msg, len, "free %d: heap overflow caught: the allocator found its red "
			 "zone overwritten", r->id);
}

static void print_free_json(const struct free_result *r, const char *damage)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", "free");
	if (r->known)
		json_alloc_info(&j, &r->info);
	else
		json_i64(&j, "id", r->id);
	json_bool(&j, "redzone_damaged", r->caught || r->bad >= 0);
	json_i64(&j, "redzone_first_bad", r->bad);
	if (*damage)	/* freed, but a failure to look at: one object says both */
		json_str(&j, "error", damage);
	json_end(&j);
}

static void print_free_text(const struct free_result *r)
{
	if (!r->known) {
		printf("free %d: freed\n", r->id);
		return;
	}
	printf("free %d: freed %" PRIu64 " bytes at offset 0x%" PRIx64, r->id,
	       (uint64_t)r->info.size, (uint64_t)r->info.offset);
	if (r->info.cls == EDUALLOC_CLASS_LARGE)
		printf(" (large: its pages go back)\n");
	else
		printf(" (class %u: the slot goes back to its slab)\n", r->info.cls);
}

int verb_free(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, -1);

	if (done >= 0)
		return done;
	for (int i = optind; i < argc; i++) {
		int id;

		if (!parse_id(argv[i], &id))
			return usage_error(argv[0], "'%s' is not an allocation ID", argv[i]);
	}
	int rc = dev_open(c);

	for (int i = optind; i < argc && !rc; i++) {
		struct free_result r;
		char damage[256];
		int id;

		parse_id(argv[i], &id);
		rc = free_one(c, id, &r);
		if (rc)
			break;
		free_damage(&r, damage, sizeof(damage));
		if (c->json)
			print_free_json(&r, damage);
		else
			print_free_text(&r);
		if (*damage) {
			fflush(stdout);
			fprintf(stderr, "%s\n", damage);
			rc = EXIT_FAIL;
		}
	}
	return rc;
}

int verb_realloc(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 2, 2);
	int id;
	uint64_t size;

	if (done >= 0)
		return done;
	if (!parse_id(argv[optind], &id))
		return usage_error(argv[0], "'%s' is not an allocation ID", argv[optind]);
	if (!parse_size(argv[optind + 1], &size))
		return usage_error(argv[0], "'%s' is not a size", argv[optind + 1]);
	int rc = dev_open(c);

	if (rc)
		return rc;

	struct edualloc_alloc_info old = { 0 };
	bool known = dev_peek_alloc(c, id, &old) == 0;
	struct edualloc_realloc r = { .id = id, .size = size };
	int err = dev_ioctl(c, EDUALLOC_IOC_REALLOC, &r);

	if (err)
		return fail_op(c, OP_REALLOC, -err, "realloc %d %" PRIu64, id, size);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "realloc");
		json_i64(&j, "old_id", id);
		json_alloc_info(&j, &r.info);
		json_u64(&j, "copied", known ? (old.size < size ? old.size : size) : 0);
		json_end(&j);
		return 0;
	}
	printf("realloc %d %" PRIu64 ": now ", id, size);
	describe(&r.info);
	if (known)
		printf("; %" PRIu64 " bytes copied, ID %d freed",
		       old.size < size ? (uint64_t)old.size : size, id);
	printf("\n");
	return 0;
}

int verb_id(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, 1);
	struct edualloc_lookup l = { .flags = EDUALLOC_LOOKUP_BY_OFFSET };
	uint64_t offset;

	if (done >= 0)
		return done;
	if (!parse_u64(argv[optind], &offset))
		return usage_error(argv[0], "'%s' is not an offset (decimal or 0x hex)", argv[optind]);
	int rc = dev_open(c);

	if (rc)
		return rc;
	l.offset = offset;
	int err = dev_ioctl(c, EDUALLOC_IOC_LOOKUP, &l);

	if (err)
		return fail_op(c, OP_LOOKUP_OFFSET, -err, "id 0x%" PRIx64, (uint64_t)l.offset);
	uint64_t inside = l.offset - l.info.offset;

	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "id");
		json_u64(&j, "query", l.offset);
		json_u64(&j, "byte", inside);
		json_alloc_info(&j, &l.info);
		json_end(&j);
		return 0;
	}
	printf("id 0x%" PRIx64 ": ID %d, byte %" PRIu64 " of its %" PRIu64
	       " (it starts at offset 0x%" PRIx64 ")\n", (uint64_t)l.offset, l.info.id, inside,
	       (uint64_t)l.info.size, (uint64_t)l.info.offset);
	return 0;
}

int verb_ptr(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, 1);
	int id;

	if (done >= 0)
		return done;
	if (!parse_id(argv[optind], &id))
		return usage_error(argv[0], "'%s' is not an allocation ID", argv[optind]);
	int rc = dev_open(c);

	if (rc)
		return rc;

	struct edualloc_alloc_info info;
	int err = dev_lookup_id(c, id, &info);

	if (err)
		return fail_op(c, OP_LOOKUP_ID, -err, "ptr %d", id);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "ptr");
		json_alloc_info(&j, &info);
		json_end(&j);
		return 0;
	}
	printf("ptr %d: offset 0x%" PRIx64 ", %" PRIu64 " bytes", id, (uint64_t)info.offset,
	       (uint64_t)info.size);
	if (info.cls == EDUALLOC_CLASS_LARGE)
		printf(", large: mmap the device at that offset to see it\n");
	else
		printf(" in a %" PRIu64 "-byte slot of class %u: at arena + 0x%" PRIx64
		       " in a program that maps the arena\n", (uint64_t)info.class_size, info.cls,
		       (uint64_t)info.offset);
	return 0;
}

/* "48 65 6c" or "48656c" into bytes; false on a bad digit or odd count. */
static bool parse_hex(const char *s, unsigned char *out, size_t *len)
{
	size_t n = 0;
	int half = -1;

	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == ':')
			continue;
		if (!isxdigit((unsigned char)*s))
			return false;
		int v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;

		if (half < 0) {
			half = v;
		} else {
			out[n++] = (unsigned char)(half << 4 | v);
			half = -1;
		}
	}
	*len = n;
	return half < 0;
}

/* What `write` did. */
struct write_result {
	int id;
	uint64_t pos, len;
	bool mmap;		/* through the mapping, unchecked */
	uint64_t past_size;	/* mmap: bytes written past the requested size */
	uint64_t past_slot;	/* mmap: ... and past the slot, into the neighbour */
	uint64_t size, class_size;	/* mmap: the allocation's */
};

/* The device's WRITE: bounds-checked, all or nothing. */
static int write_checked(struct cli *c, const unsigned char *bytes, struct write_result *w)
{
	struct edualloc_rw rw = { .id = w->id, .pos = w->pos, .len = w->len,
				  .buf = (uint64_t)(uintptr_t)bytes };
	int err = dev_ioctl(c, EDUALLOC_IOC_WRITE, &rw);

	return err ? fail_op(c, OP_WRITE, -err, "write %d", w->id) : 0;
}

/* Through the mapping: what a program's pointer does, unchecked. */
static int write_mapped(struct cli *c, const unsigned char *bytes, struct write_result *w)
{
	struct edualloc_alloc_info info;
	struct mapping tmp;
	int err = dev_lookup_id(c, w->id, &info);

	if (err)
		return fail_op(c, OP_LOOKUP_ID, -err, "write %d", w->id);
	unsigned char *block = dev_map_alloc(c, &info, &tmp);

	if (!block)
		return fail_op(c, OP_MMAP, errno, "write %d --mmap", w->id);
	/* Our own mapping ends at the arena's (or the large block's) end. */
	uint64_t room = info.cls == EDUALLOC_CLASS_LARGE ? tmp.len : c->arena.len - info.offset;

	if (w->pos + w->len > room) {
		dev_unmap(&tmp);
		return fail(c, "write %d --mmap: %" PRIu64 " bytes at byte %" PRIu64 " would go past "
			    "the end of the mapping (a real program would get SIGSEGV)", w->id,
			    w->len, w->pos);
	}
	memcpy(block + w->pos, bytes, w->len);
	dev_unmap(&tmp);

	uint64_t end = w->pos + w->len;

	w->size = info.size;
	w->class_size = info.class_size;
	w->past_size = end > info.size ? end - (w->pos > info.size ? w->pos : info.size) : 0;
	w->past_slot = end > info.class_size ?
		       end - (w->pos > info.class_size ? w->pos : info.class_size) : 0;
	return 0;
}

static void print_write_json(const struct write_result *w)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", "write");
	json_i64(&j, "id", w->id);
	json_u64(&j, "pos", w->pos);
	json_u64(&j, "len", w->len);
	json_bool(&j, "mmap", w->mmap);
	if (w->mmap) {
		json_u64(&j, "past_size", w->past_size);
		json_u64(&j, "past_slot", w->past_slot);
	}
	json_end(&j);
}

static void print_write_text(const struct write_result *w)
{
	printf("write %d: %" PRIu64 " bytes at byte %" PRIu64 "%s", w->id, w->len, w->pos,
	       w->mmap ? " through the mapping" : "");
	if (w->past_slot)
		printf("; %" PRIu64 " of them past its %" PRIu64 "-byte slot, into its neighbour",
		       w->past_slot, w->class_size);
	else if (w->past_size)
		printf("; %" PRIu64 " of them past its %" PRIu64 " bytes, into the red zone "
		       "(free will notice)", w->past_size, w->size);
	printf("\n");
}

int verb_write(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hex", no_argument, NULL, 'x' },
		{ "at", required_argument, NULL, 'a' },
		{ "mmap", no_argument, NULL, 'm' },
		COMMON_OPTIONS, { 0 },
	};
	struct write_result w = { 0 };
	bool hex = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "xa:m", opts)) != -1) {
		switch (opt) {
		case 'x':
			hex = true;
			break;
		case 'm':
			w.mmap = true;
			break;
		case 'a':
			if (!parse_size(optarg, &w.pos))
				return usage_error(argv[0], "--at wants a byte position, not '%s'", optarg);
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, 2, 2))
		return EXIT_USAGE;
	if (!parse_id(argv[optind], &w.id))
		return usage_error(argv[0], "'%s' is not an allocation ID", argv[optind]);

	const char *text = argv[optind + 1];
	size_t len = strlen(text);
	unsigned char *bytes = malloc(len + 1);

	if (!bytes)
		return fail(c, "write: out of memory");
	if (hex && !parse_hex(text, bytes, &len)) {
		free(bytes);
		return usage_error(argv[0], "--hex wants pairs of hex digits, like \"48 65 6c\"");
	}
	if (!hex)
		memcpy(bytes, text, len);
	w.len = len;

	int rc = dev_open(c);

	if (!rc)
		rc = w.mmap ? write_mapped(c, bytes, &w) : write_checked(c, bytes, &w);
	free(bytes);
	if (!rc && c->json)
		print_write_json(&w);
	else if (!rc)
		print_write_text(&w);
	return rc;
}

/* What `read` found: the bytes asked for, then the slack the mapping shows. */
struct read_result {
	int id;
	struct edualloc_alloc_info info;
	bool debug;		/* the instance's debug checks are on */
	uint64_t pos, len;	/* the requested bytes shown: [pos, pos + len) */
	bool to_end;		/* they reach the end of the requested size */
	uint64_t slack;		/* bytes of the red zone after them, in buf */
	int64_t bad;		/* the first damaged red-zone byte (offset in the block), -1 */
	unsigned char *buf;	/* len + slack bytes, malloc'd */
};

/* Read [pos, pos + len) of allocation id (len 0 and !len_given: to the end). */
static int read_alloc(struct cli *c, int id, uint64_t pos, uint64_t len, bool len_given,
		      bool all, struct read_result *r)
{
	struct edualloc_stats st;

	*r = (struct read_result){ .id = id, .pos = pos, .bad = -1 };
	int err = dev_lookup_id(c, id, &r->info);

	if (err)
		return fail_op(c, OP_READ, -err, "read %d", id);
	err = dev_stats(c, &st);
	if (err)
		return fail_op(c, OP_STATS, -err, "read %d", id);
	r->debug = st.inst_flags & EDUALLOC_INST_DEBUG;
	if (pos > r->info.size)
		return fail_op(c, OP_READ, EINVAL, "read %d --at %" PRIu64, id, pos);
	if (!len_given) {
		len = r->info.size - pos;
		if (!all && len > READ_DEFAULT_MAX)
			len = READ_DEFAULT_MAX;
	}
	r->len = len;

	/* The requested bytes through the device's READ ... */
	r->to_end = pos + len >= r->info.size;
	r->slack = r->to_end ? r->info.class_size - r->info.size : 0;
	r->buf = malloc(len + r->slack + 1);
	if (!r->buf)
		return fail(c, "read %d: out of memory", id);
	struct edualloc_rw rw = { .id = id, .pos = pos, .len = len,
				  .buf = (uint64_t)(uintptr_t)r->buf };

	err = dev_ioctl(c, EDUALLOC_IOC_READ, &rw);
	if (err)
		return fail_op(c, OP_READ, -err, "read %d", id);

	/* ... and the red zone after them, which only a mapping shows. */
	bool have_slack = false;

	if (r->slack) {
		struct mapping tmp;
		unsigned char *block = dev_map_alloc(c, &r->info, &tmp);

		if (block) {
			memcpy(r->buf + len, block + r->info.size, r->slack);
			have_slack = true;
		}
		dev_unmap(&tmp);
	}
	if (!have_slack)
		r->slack = 0;
	for (uint64_t i = 0; i < r->slack && r->bad < 0; i++)
		if (r->buf[len + i] != EDUALLOC_RED_ZONE)
			r->bad = (int64_t)(r->info.size + i);
	return 0;
}

static void print_read_json(const struct read_result *r)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "op", "read");
	json_alloc_info(&j, &r->info);
	json_u64(&j, "pos", r->pos);
	json_u64(&j, "len", r->len);
	json_hex(&j, "data", r->buf, r->len);
	json_hex(&j, "redzone", r->buf + r->len, r->slack);
	json_bool(&j, "debug", r->debug);
	json_bool(&j, "redzone_intact", r->debug && r->bad < 0);
	json_i64(&j, "redzone_first_bad", r->bad);
	json_end(&j);
}

static void print_read_text(const struct read_result *r, bool color)
{
	const struct edualloc_alloc_info *info = &r->info;
	bool large = info->cls == EDUALLOC_CLASS_LARGE;
	struct colors k = colors(color);

	printf("read %d: %" PRIu64 " bytes requested, in a %" PRIu64 "-byte %s at offset 0x%"
	       PRIx64 "\n", r->id, (uint64_t)info->size, (uint64_t)info->class_size,
	       large ? "run of pages" : "slot", (uint64_t)info->offset);
	hexdump(stdout, r->buf, r->len + r->slack, info->offset + r->pos, r->len, color);
	if (r->pos + r->len < info->size)
		printf("  ... %" PRIu64 " more bytes (--all shows them)\n",
		       (uint64_t)(info->size - r->pos - r->len));
	if (!r->slack && r->to_end)
		printf("  (no slack after it: the requested size fills the %s)\n",
		       large ? "pages" : "slot");
	else if (!r->slack)
		;	/* the red zone is past what was asked for */
	else if (!r->debug)
		printf("  after '|': %" PRIu64 " bytes of slack, unguarded (the debug checks are off)\n",
		       r->slack);
	else if (r->bad < 0)
		printf("  after '|': the red zone, %" PRIu64 " bytes, %sintact%s (all 0x%02x)\n",
		       r->slack, k.green, k.reset, EDUALLOC_RED_ZONE);
	else
		printf("  after '|': the red zone, %" PRIu64 " bytes, %sDAMAGED%s: byte %" PRId64
		       " is 0x%02x, not 0x%02x: something wrote past the end (free will report it)\n",
		       r->slack, k.red, k.reset, r->bad,
		       r->buf[r->len + (uint64_t)r->bad - info->size], EDUALLOC_RED_ZONE);
}

int verb_read(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "at", required_argument, NULL, 'a' },
		{ "len", required_argument, NULL, 'n' },
		COMMON_OPTIONS, { 0 },
	};
	bool all = false, len_given = false;
	uint64_t pos = 0, len = 0;
	int opt, id;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "Aa:n:", opts)) != -1) {
		switch (opt) {
		case 'A':
			all = true;
			break;
		case 'a':
			if (!parse_size(optarg, &pos))
				return usage_error(argv[0], "--at wants a byte position, not '%s'", optarg);
			break;
		case 'n':
			if (!parse_size(optarg, &len))
				return usage_error(argv[0], "--len wants a byte count, not '%s'", optarg);
			len_given = true;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, 1, 1))
		return EXIT_USAGE;
	if (!parse_id(argv[optind], &id))
		return usage_error(argv[0], "'%s' is not an allocation ID", argv[optind]);
	int rc = dev_open(c);
	struct read_result r = { .buf = NULL };

	if (!rc)
		rc = read_alloc(c, id, pos, len, len_given, all, &r);
	if (!rc && c->json)
		print_read_json(&r);
	else if (!rc)
		print_read_text(&r, c->color);
	free(r.buf);
	return rc;
}

int verb_dump(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, 2);
	uint64_t offset, len = 64;

	if (done >= 0)
		return done;
	if (!parse_u64(argv[optind], &offset))
		return usage_error(argv[0], "'%s' is not an offset (decimal or 0x hex)", argv[optind]);
	if (optind + 1 < argc && !parse_size(argv[optind + 1], &len))
		return usage_error(argv[0], "'%s' is not a length", argv[optind + 1]);
	int rc = dev_open(c);

	if (rc)
		return rc;
	unsigned char *arena = dev_map_arena(c);

	if (!arena)
		return fail_op(c, OP_MMAP, errno, "dump: mapping the arena");
	if (offset >= c->arena.len || len > c->arena.len - offset)
		return fail(c, "dump 0x%" PRIx64 ": past the end of the arena (%zu bytes; "
			    "large allocations: use read)", offset, c->arena.len);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "dump");
		json_u64(&j, "offset", offset);
		json_u64(&j, "len", len);
		json_hex(&j, "data", arena + offset, len);
		json_end(&j);
		return 0;
	}
	printf("dump 0x%" PRIx64 ": %" PRIu64 " bytes of the arena, as a program sees them\n",
	       offset, len);
	hexdump(stdout, arena + offset, len, offset, len, c->color);
	return 0;
}

/* The BIT subcommands: their op and how many operands (-1: optional). */
static const struct bit_cmd {
	const char *name;
	unsigned int op;
	int operands;
} bit_cmds[] = {
	{ "set", EDUALLOC_BIT_SET, 1 },		{ "clear", EDUALLOC_BIT_CLEAR, 1 },
	{ "get", EDUALLOC_BIT_GET, 1 },		{ "find", EDUALLOC_BIT_FIND, -1 },
	{ "clear-all", EDUALLOC_BIT_CLEAR_ALL, 0 },
};

/* What `bit` did: get's value, find's bit (-1: none set from 'index' on). */
struct bit_result {
	const struct bit_cmd *cmd;
	uint64_t index;
	int64_t value;
};

static void print_bit_json(const struct bit_result *r)
{
	unsigned int op = r->cmd->op;
	struct json j;
	char name[32];

	snprintf(name, sizeof(name), "bit %s", r->cmd->name);
	json_begin(&j, stdout);
	json_str(&j, "op", name);
	if (op != EDUALLOC_BIT_CLEAR_ALL)
		json_u64(&j, op == EDUALLOC_BIT_FIND ? "from" : "bit", r->index);
	if (op == EDUALLOC_BIT_GET)
		json_u64(&j, "value", (uint64_t)r->value);
	if (op == EDUALLOC_BIT_FIND)
		json_i64(&j, "found", r->value);
	json_end(&j);
}

static void print_bit_text(const struct bit_result *r)
{
	switch (r->cmd->op) {
	case EDUALLOC_BIT_SET:
		printf("bit set %" PRIu64 ": it is 1\n", r->index);
		break;
	case EDUALLOC_BIT_CLEAR:
		printf("bit clear %" PRIu64 ": it is 0\n", r->index);
		break;
	case EDUALLOC_BIT_GET:
		printf("bit %" PRIu64 ": %" PRId64 "\n", r->index, r->value);
		break;
	case EDUALLOC_BIT_FIND:
		if (r->value < 0)
			printf("bit find %" PRIu64 ": no bit is set from there on\n", r->index);
		else
			printf("bit find %" PRIu64 ": the first set bit from there is %" PRId64 "\n",
			       r->index, r->value);
		break;
	default:
		printf("bit clear-all: every bit is 0\n");
	}
}

int verb_bit(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, 2);

	if (done >= 0)
		return done;

	const char *sub = argv[optind];
	struct bit_result r = { .cmd = NULL };

	for (size_t k = 0; k < sizeof(bit_cmds) / sizeof(bit_cmds[0]); k++)
		if (!strcmp(bit_cmds[k].name, sub))
			r.cmd = &bit_cmds[k];
	if (!r.cmd)
		return usage_error(argv[0], "'%s' is not one of set, clear, get, find, clear-all", sub);

	int have = argc - optind - 1;

	if ((r.cmd->operands == 1 && have != 1) || (r.cmd->operands == 0 && have != 0))
		return usage_error(argv[0], "bit %s %s", sub, r.cmd->operands ? "wants a bit index"
									 : "takes no index");
	if (have && (!parse_u64(argv[optind + 1], &r.index) || r.index > UINT32_MAX))
		return usage_error(argv[0], "'%s' is not a bit index", argv[optind + 1]);

	int rc = dev_open(c);

	if (rc)
		return rc;
	struct edualloc_bit b = { .op = r.cmd->op, .bit = (uint32_t)r.index };
	int err = dev_ioctl(c, EDUALLOC_IOC_BIT, &b);

	r.value = b.value;
	if (err == -ENOENT && b.op == EDUALLOC_BIT_FIND) {
		err = 0;	/* not an error: the answer is "none" */
		r.value = -1;
	}
	if (err)
		return fail_op(c, OP_BIT, -err, "bit %s%s%s", sub, have ? " " : "",
			       have ? argv[optind + 1] : "");
	if (c->json)
		print_bit_json(&r);
	else
		print_bit_text(&r);
	return 0;
}
