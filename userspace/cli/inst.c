// SPDX-License-Identifier: GPL-2.0
/*
 * Verbs about the module and its instances: info, create, attach, destroy,
 * list, reset, check.
 */
#include "cli.h"
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "report.h"
#include "verbs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The uapi's list of VERSION's feature bits, with their names. */
#define FEATURE_ROW(NAME, name) { EDUALLOC_FEAT_##NAME, #name },
static const struct {
	uint64_t bit;
	const char *name;
} features[] = { EDUALLOC_FEATURE_NAMES(FEATURE_ROW) };
#define NR_FEATURES (sizeof(features) / sizeof(features[0]))

/* The list and the bits agree: each bit in its place, all of them. */
#define FEATURE_INDEX(NAME, name) FEATURE_INDEX_##NAME,
enum { EDUALLOC_FEATURE_NAMES(FEATURE_INDEX) FEATURE_COUNT };
#define FEATURE_CHECK(NAME, name)					\
	_Static_assert(EDUALLOC_FEAT_##NAME == 1ULL << FEATURE_INDEX_##NAME,	\
		       "EDUALLOC_FEATURE_NAMES: " #NAME " out of bit order");
EDUALLOC_FEATURE_NAMES(FEATURE_CHECK)
_Static_assert(EDUALLOC_FEATURES == (1ULL << FEATURE_COUNT) - 1,
	       "EDUALLOC_FEATURES and EDUALLOC_FEATURE_NAMES differ");

/* What `info` shows: the module (VERSION), the attached instance, debugfs. */
struct info_result {
	struct edualloc_version v;
	struct edualloc_stats st;
	bool debugfs;
};

static void print_info_json(const struct info_result *r)
{
	const struct edualloc_version *v = &r->v;
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "device", EDUALLOC_DEVICE);
	json_u64(&j, "abi_version", v->abi_version);
	json_u64(&j, "page_size", v->page_size);
	json_array(&j, "features");
	for (size_t i = 0; i < NR_FEATURES; i++)
		if (v->features & features[i].bit)
			json_str(&j, NULL, features[i].name);
	json_end(&j);
	json_u64(&j, "features_mask", v->features);
	json_u64(&j, "nr_classes", v->nr_classes);
	json_u64(&j, "smallest_class", 1ULL << v->min_shift);
	json_u64(&j, "largest_class", 1ULL << v->max_shift);
	json_u64(&j, "large_base", v->large_base);
	json_u64(&j, "large_shift", v->large_shift);
	json_u64(&j, "min_capacity", v->min_capacity);
	json_u64(&j, "max_capacity", v->max_capacity);
	json_u64(&j, "max_total_bytes", v->max_total_bytes);
	json_u64(&j, "total_bytes", v->total_bytes);
	json_u64(&j, "max_instances", v->max_instances);
	json_u64(&j, "max_user_instances", v->max_user_instances);
	json_u64(&j, "user_instances", v->user_instances);
	json_u64(&j, "max_user_bytes", v->max_user_bytes);
	json_u64(&j, "user_bytes", v->user_bytes);
	json_u64(&j, "nr_instances", v->nr_instances);
	json_u64(&j, "max_user_instances", v->max_user_instances);
	json_u64(&j, "user_instances", v->user_instances);
	json_u64(&j, "max_user_bytes", v->max_user_bytes);
	json_u64(&j, "user_bytes", v->user_bytes);
	json_u64(&j, "def_bitset_bits", v->def_bitset_bits);
	json_u64(&j, "max_bitset_bits", v->max_bitset_bits);
	json_bool(&j, "debugfs", r->debugfs);
	json_strn(&j, "attached", r->st.name, strnlen(r->st.name, sizeof(r->st.name)));
	json_end(&j);
}

/* "  features        shared named ...", wrapped under itself at 80 columns. */
static void print_features(uint64_t mask)
{
	int col = printf("  features       ");

	for (size_t i = 0; i < NR_FEATURES; i++) {
		if (!(mask & features[i].bit))
			continue;
		if (col + 1 + (int)strlen(features[i].name) > 80) {
			printf("\n");
			col = printf("%17s", "");
		}
		col += printf(" %s", features[i].name);
	}
	printf("\n");
}

static void print_info_text(const struct info_result *r)
{
	const struct edualloc_version *v = &r->v;
	char a[32], b[32], d[32], e[32];

	printf("edualloc module, ABI version %u (this CLI: %s)\n", v->abi_version, EDUALLOC_VERSION);
	printf("  device          %s\n", EDUALLOC_DEVICE);
	printf("  page size       %u bytes\n", v->page_size);
	printf("  size classes    %u, from %s to %s (larger requests get pages of their own)\n",
	       v->nr_classes, human_size(1ULL << v->min_shift, a, sizeof(a)),
	       human_size(1ULL << v->max_shift, b, sizeof(b)));
	print_features(v->features);
	printf("  instances       %u of at most %u\n", v->nr_instances, v->max_instances);
	printf("  arena bytes     %s in all, of at most %s (at most %s per instance, at least %s)\n",
	       human_size(v->total_bytes, a, sizeof(a)), human_size(v->max_total_bytes, b, sizeof(b)),
	       human_size(v->max_capacity, d, sizeof(d)), human_size(v->min_capacity, e, sizeof(e)));
	printf("  your uid        %u of at most %u instances, %s of at most %s (bookkeeping included)\n",
	       v->user_instances, v->max_user_instances, human_size(v->user_bytes, a, sizeof(a)),
	       human_size(v->max_user_bytes, b, sizeof(b)));
	printf("  bitset          %u bits by default, at most %u\n", v->def_bitset_bits,
	       v->max_bitset_bits);
	printf("  debugfs         %s%s\n", DEBUGFS_DIR,
	       r->debugfs ? "" : " (absent: mount debugfs as root)");
	printf("  attached to     \"%.*s\" (%s, %s)\n", EDUALLOC_NAME_MAX, r->st.name,
	       eau_kind_name(r->st.kind), human_size(r->st.capacity, a, sizeof(a)));
}

int verb_info(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_open(c, argc, argv, 0, 0);

	if (done >= 0)
		return done;

	struct info_result r = { .v = { 0 } };
	struct stat sb;
	int err = dev_ioctl(c, EDUALLOC_IOC_VERSION, &r.v);

	if (err)
		return fail_op(c, OP_VERSION, -err, "info");
	err = dev_stats(c, &r.st);
	if (err)
		return fail_op(c, OP_STATS, -err, "info: instance '%s'", c->attached);
	r.debugfs = stat(DEBUGFS_DIR, &sb) == 0;
	if (c->json)
		print_info_json(&r);
	else
		print_info_text(&r);
	return 0;
}

static void print_inst(struct cli *c, const char *verb, const struct edualloc_inst_info *in)
{
	char cap[32], who[64];

	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", verb);
		json_object(&j, "instance");
		json_inst_info(&j, in);
		json_end(&j);
		json_end(&j);
		return;
	}
	printf("%s: instance \"%.*s\" (%s, owner %s): %s arena, ", verb, EDUALLOC_NAME_MAX,
	       in->name, eau_kind_name(in->kind),
	       user_name(in->owner_uid, who, sizeof(who)), human_size(in->capacity, cap, sizeof(cap)));
	if (in->bitset_bits)
		printf("bitset of %u bits, ", in->bitset_bits);
	else
		printf("no bitset, ");
	printf("debug checks %s", in->flags & EDUALLOC_INST_DEBUG ? "on" : "off");
	if (in->flags & EDUALLOC_INST_PERCPU)
		printf(", per-CPU caches (not deterministic)");
	if (in->live_allocs)
		printf("; %" PRIu64 " live allocation%s", (uint64_t)in->live_allocs,
		       in->live_allocs == 1 ? "" : "s");
	printf("\n");
}

/* @name into an ABI name field (NUL-padded), then the device opened. */
static int open_named(struct cli *c, const char *verb, char dst[EDUALLOC_NAME_MAX],
		      const char *name)
{
	if (strlen(name) >= EDUALLOC_NAME_MAX)
		return usage_error(verb, "a name has at most %d characters", EDUALLOC_NAME_MAX - 1);
	strncpy(dst, name, EDUALLOC_NAME_MAX);
	return dev_open(c);
}

int verb_create(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "bitset", required_argument, NULL, 'b' },
		{ "debug", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "percpu", no_argument, NULL, 'p' },
		COMMON_OPTIONS, { 0 },
	};
	struct edualloc_create cr = { .capacity = 1 << 20 };
	bool bitset_given = false;
	uint64_t n;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "c:b:d:qp", opts)) != -1) {
		switch (opt) {
		case 'c':
			if (!parse_size(optarg, &n))
				return usage_error(argv[0], "--capacity wants a size like 1M, not '%s'", optarg);
			cr.capacity = n;
			break;
		case 'b':
			if (!parse_size(optarg, &n) || n > UINT32_MAX)
				return usage_error(argv[0], "--bitset wants a number of bits, not '%s'", optarg);
			cr.bitset_bits = (uint32_t)n;
			bitset_given = true;
			break;
		case 'd':
			cr.flags &= ~(EDUALLOC_CREATE_DEBUG_ON | EDUALLOC_CREATE_DEBUG_OFF);
			if (!strcmp(optarg, "on"))
				cr.flags |= EDUALLOC_CREATE_DEBUG_ON;
			else if (!strcmp(optarg, "off"))
				cr.flags |= EDUALLOC_CREATE_DEBUG_OFF;
			else
				return usage_error(argv[0], "--debug takes on or off, not '%s'", optarg);
			break;
		case 'q':
			cr.flags |= EDUALLOC_CREATE_QUIET;
			break;
		case 'p':
			cr.flags |= EDUALLOC_CREATE_PERCPU;
			break;
		default:
			return opt_done(opt);
		}
	}
	if (!want_operands(argv[0], argc - optind, c->in_shell ? 0 : 1, 1))
		return EXIT_USAGE;
	const char *name = optind < argc ? argv[optind] : "";

	int rc = open_named(c, argv[0], cr.name, name);

	if (rc)
		return rc;
	if (!bitset_given) {
		struct edualloc_version v = { 0 };

		if (dev_ioctl(c, EDUALLOC_IOC_VERSION, &v) == 0)
			cr.bitset_bits = v.def_bitset_bits;
	}
	int err = dev_ioctl(c, EDUALLOC_IOC_CREATE, &cr);

	if (err == -EEXIST && !*name)
		return fail(c, "create: this session already has its private instance "
			    "(`attach --private` to use it)");
	if (err == -EINVAL && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(name))
		return fail(c, "create %s: bad name: 1 to 31 characters of a-z 0-9 _ -", name);
	if (err == -EINVAL && cr.capacity < EDUALLOC_MIN_CAPACITY)
		return fail(c, "create %s: a capacity of %" PRIu64 " bytes is below the minimum, %llu",
			    *name ? name : "(private)", (uint64_t)cr.capacity, EDUALLOC_MIN_CAPACITY);
	if (err)
		return fail_op(c, OP_CREATE, -err, "create %s", *name ? name : "(private)");
	/* CREATE attached us to the new instance. */
	dev_unmap(&c->arena);
	memcpy(c->attached, cr.info.name, sizeof(c->attached));
	c->attached[sizeof(c->attached) - 1] = '\0';
	print_inst(c, "create", &cr.info);
	if (!c->json && !c->in_shell)
		printf("use it with: edualloc -i %s VERB...   (destroy it with: edualloc destroy %s)\n",
		       name, name);
	return 0;
}

int verb_attach(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "private", no_argument, NULL, 'p' },
		COMMON_OPTIONS, { 0 },
	};
	bool private_inst = false;
	int opt;

	while ((opt = verb_getopt(c, argc, argv, COMMON_SHORT "p", opts)) != -1) {
		if (opt != 'p')
			return opt_done(opt);
		private_inst = true;
	}
	if (!want_operands(argv[0], argc - optind, private_inst ? 0 : 1, private_inst ? 0 : 1))
		return EXIT_USAGE;
	const char *name = private_inst ? "" : argv[optind];
	int rc = dev_open(c);

	if (rc)
		return rc;

	struct edualloc_inst_info info;
	int err = dev_attach(c, name, private_inst, &info);

	if (err == -ENOENT && private_inst)
		return fail(c, "attach --private: this session has no private instance (`create` makes one)");
	if (err)
		return fail_op(c, OP_ATTACH, -err, "attach %s", private_inst ? "--private" : name);
	print_inst(c, "attach", &info);
	if (!c->in_shell && !c->json)
		printf("(each edualloc command attaches anew: use -i %s, or `edualloc shell`)\n",
		       info.name);
	return 0;
}

/* The instance named 'name', from LIST; false if there is none. */
static bool find_inst(struct cli *c, const char *name, struct edualloc_inst_info *out)
{
	struct edualloc_inst_info *list;
	unsigned int count;
	bool found = false;

	if (dev_list(c, &list, &count))
		return false;
	for (unsigned int i = 0; i < count && !found; i++) {
		if (!strncmp(list[i].name, name, sizeof(list[i].name))) {
			*out = list[i];
			found = true;
		}
	}
	free(list);
	return found;
}

int verb_destroy(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_args(c, argc, argv, 1, 1);

	if (done >= 0)
		return done;
	const char *name = argv[optind];
	struct edualloc_destroy d = { 0 };

	int rc = open_named(c, argv[0], d.name, name);

	if (rc)
		return rc;

	/* What is still live now will be leaked: say so. */
	struct edualloc_inst_info before = { 0 };
	bool known = find_inst(c, name, &before);
	int err = dev_ioctl(c, EDUALLOC_IOC_DESTROY, &d);

	if (err)
		return fail_op(c, OP_DESTROY, -err, "destroy %s", name);
	if (!strcmp(c->attached, name))
		dev_unmap(&c->arena);	/* ours is gone: its pages stay until munmap */
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "destroy");
		json_str(&j, "name", name);
		json_u64(&j, "leaked_allocs", known ? before.live_allocs : 0);
		json_u64(&j, "leaked_bytes", known ? before.live_requested : 0);
		json_end(&j);
		return 0;
	}
	printf("destroy: instance \"%s\" is gone", name);
	if (known && before.live_allocs)
		printf("; %" PRIu64 " allocation%s (%" PRIu64 " bytes) %s still live: "
		       "leaks, each reported in the log", (uint64_t)before.live_allocs,
		       before.live_allocs == 1 ? "" : "s", (uint64_t)before.live_requested,
		       before.live_allocs == 1 ? "was" : "were");
	printf("\n");
	return 0;
}

int verb_list(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_open(c, argc, argv, 0, 0);

	if (done >= 0)
		return done;

	struct edualloc_inst_info *list;
	unsigned int count;
	int err = dev_list(c, &list, &count);

	if (err)
		return fail_op(c, OP_LIST, -err, "list");
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_array(&j, "instances");
		for (unsigned int i = 0; i < count; i++) {
			json_object(&j, NULL);
			json_inst_info(&j, &list[i]);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
		free(list);
		return 0;
	}
	printf("  %-20s %-8s %-8s %10s %10s %6s %8s %6s %s\n", "NAME", "KIND", "OWNER",
	       "CAPACITY", "USED", "LIVE", "BITSET", "FILES", "DEBUG");
	for (unsigned int i = 0; i < count; i++) {
		const struct edualloc_inst_info *in = &list[i];
		char who[64], cap[32], used[32];

		printf("%c %-20.*s %-8s %-8s %10s %10s %6" PRIu64 " %8u %6u %s\n",
		       in->flags & EDUALLOC_INST_ATTACHED ? '*' : ' ',
		       EDUALLOC_NAME_MAX, in->name,
		       eau_kind_name(in->kind),
		       user_name(in->owner_uid, who, sizeof(who)),
		       human_size(in->capacity, cap, sizeof(cap)),
		       human_size(in->used_bytes, used, sizeof(used)),
		       (uint64_t)in->live_allocs, in->bitset_bits, in->nr_attached,
		       in->flags & EDUALLOC_INST_DEBUG ? "on" : "off");
	}
	free(list);
	return 0;
}

int verb_reset(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_open(c, argc, argv, 0, 0);

	if (done >= 0)
		return done;

	struct edualloc_stats st;
	struct edualloc_reset r = { 0 };
	int err = dev_stats(c, &st);

	if (!err)
		err = dev_ioctl(c, EDUALLOC_IOC_RESET, &r);
	if (err)
		return fail_op(c, OP_RESET, -err, "reset %s", c->attached);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "reset");
		json_str(&j, "instance", c->attached);
		json_u64(&j, "dropped_allocs", st.live_allocs);
		json_u64(&j, "dropped_bytes", st.live_requested);
		json_end(&j);
		return 0;
	}
	printf("reset: instance \"%s\" is as new: %" PRIu64 " allocations (%" PRIu64
	       " bytes) dropped, statistics and bitset cleared, IDs start again\n",
	       c->attached, (uint64_t)st.live_allocs, (uint64_t)st.live_requested);
	return 0;
}

int verb_check(struct cli *c, int argc, char **argv)
{
	int done = verb_plain_open(c, argc, argv, 0, 0);

	if (done >= 0)
		return done;

	struct edualloc_validate v = { 0 };
	int err = dev_ioctl(c, EDUALLOC_IOC_VALIDATE, &v);

	if (err)
		return fail_op(c, OP_STATS, -err, "check %s", c->attached);
	v.why[sizeof(v.why) - 1] = '\0';
	if (!v.consistent)
		return fail(c, "check %s: the bookkeeping is inconsistent: %s", c->attached, v.why);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "op", "check");
		json_str(&j, "instance", c->attached);
		json_bool(&j, "consistent", true);
		json_end(&j);
	} else {
		printf("check: instance \"%s\": every page, slab, free list and counter agrees\n",
		       c->attached);
	}
	return 0;
}
