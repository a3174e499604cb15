// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's --json output, parsed and checked field by field: every verb
 * on a fresh named instance, whose IDs and offsets are deterministic.
 *
 * A small JSON parser is below (objects, arrays, strings, numbers, true,
 * false, null): each report must be exactly one line that parses whole.
 * Values are then looked up by path, "classes.0.size".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/edualloc.h>

/* ---- a small JSON parser ---------------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;
	double num;
	char *str;		/* J_STR */
	size_t n;		/* J_ARR, J_OBJ: members */
	char **keys;		/* J_OBJ */
	struct jval **items;
};

static struct jval *jparse_value(const char **p, int depth);

static void skip_ws(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

static struct jval *jnew(enum jtype t)
{
	struct jval *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static void jfree(struct jval *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static char *jparse_string(const char **p)
{
	if (**p != '"')
		return NULL;
	(*p)++;
	size_t cap = 16, len = 0;
	char *s = malloc(cap);

	while (s && **p && **p != '"') {
		char ch = *(*p)++;

		if ((unsigned char)ch < 0x20)
			break;	/* raw control characters are not JSON */
		if (ch == '\\') {
			ch = *(*p)++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case '"': case '\\': case '/': break;
			case 'u': {
				unsigned int code;

				if (sscanf(*p, "%4x", &code) != 1 || code > 0x7f) {
					free(s);
					return NULL;	/* the CLI only escapes control bytes */
				}
				*p += 4;
				ch = (char)code;
				break;
			}
			default:
				free(s);
				return NULL;
			}
		}
		if (len + 2 > cap) {
			char *more = realloc(s, cap *= 2);

			if (!more) {
				free(s);
				return NULL;
			}
			s = more;
		}
		s[len++] = ch;
	}
	if (!s || **p != '"') {
		free(s);
		return NULL;
	}
	(*p)++;
	s[len] = '\0';
	return s;
}

static bool jappend(struct jval *v, char *key, struct jval *item)
{
	struct jval **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		return false;
	v->items = items;
	if (v->type == J_OBJ) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (!keys)
			return false;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return true;
}

static struct jval *jparse_container(const char **p, int depth, bool object)
{
	struct jval *v = jnew(object ? J_OBJ : J_ARR);
	char close = object ? '}' : ']';

	(*p)++;
	skip_ws(p);
	if (**p == close) {
		(*p)++;
		return v;
	}
	while (v) {
		char *key = NULL;

		skip_ws(p);
		if (object) {
			key = jparse_string(p);
			skip_ws(p);
			if (!key || *(*p)++ != ':') {
				free(key);
				break;
			}
		}
		struct jval *item = jparse_value(p, depth + 1);

		if (!item || !jappend(v, key, item)) {
			free(key);
			jfree(item);
			break;
		}
		skip_ws(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		if (**p == close) {
			(*p)++;
			return v;
		}
		break;
	}
	jfree(v);
	return NULL;
}

static struct jval *jparse_value(const char **p, int depth)
{
	struct jval *v = NULL;

	if (depth > 16)
		return NULL;
	skip_ws(p);
	if (**p == '{' || **p == '[')
		return jparse_container(p, depth, **p == '{');
	if (**p == '"') {
		char *s = jparse_string(p);

		if (s && (v = jnew(J_STR)))
			v->str = s;
		else
			free(s);
		return v;
	}
	if (!strncmp(*p, "true", 4) || !strncmp(*p, "false", 5)) {
		v = jnew(J_BOOL);
		if (v)
			v->b = **p == 't';
		*p += **p == 't' ? 4 : 5;
		return v;
	}
	if (!strncmp(*p, "null", 4)) {
		*p += 4;
		return jnew(J_NULL);
	}
	if (**p == '-' || isdigit((unsigned char)**p)) {
		char *end;
		double d = strtod(*p, &end);

		if (end == *p)
			return NULL;
		*p = end;
		v = jnew(J_NUM);
		if (v)
			v->num = d;
		return v;
	}
	return NULL;
}

/* The whole text must be one value, then nothing but a newline. */
static struct jval *jparse(const char *text)
{
	const char *p = text;
	struct jval *v = jparse_value(&p, 0);

	if (v && strcmp(p, "\n")) {
		jfree(v);
		return NULL;
	}
	return v;
}

/* "a.b.0.c": members by key, array items by index. */
static struct jval *jget(struct jval *v, const char *path)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *part = strtok_r(buf, ".", &save); v && part;
	     part = strtok_r(NULL, ".", &save)) {
		struct jval *next = NULL;

		if (v->type == J_OBJ) {
			for (size_t i = 0; i < v->n && !next; i++)
				if (!strcmp(v->keys[i], part))
					next = v->items[i];
		} else if (v->type == J_ARR && isdigit((unsigned char)*part)) {
			size_t i = strtoul(part, NULL, 10);

			next = i < v->n ? v->items[i] : NULL;
		}
		v = next;
	}
	return v;
}

/* ---- running the CLI ---------------------------------------------------- */

static int passed, failed;
static char last_cmd[512];

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "ok   " : "FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

/* Run "edualloc --json ARGS"; its stdout parsed, its exit status in *status. */
static struct jval *run(int *status, const char *fmt, ...)
{
	char args[400], out[1 << 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(last_cmd, sizeof(last_cmd), "edualloc --json %s", args);

	char cmd[600];

	snprintf(cmd, sizeof(cmd), "%s 2>/dev/null", last_cmd);
	FILE *f = popen(cmd, "r");
	size_t len = f ? fread(out, 1, sizeof(out) - 1, f) : 0;
	int st = f ? pclose(f) : -1;

	out[len] = '\0';
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;

	/* One report, one line. */
	char *nl = strchr(out, '\n');

	if (!nl || nl[1]) {
		result(false, "%s: not exactly one line of output: %.200s", last_cmd, out);
		return NULL;
	}
	struct jval *v = jparse(out);

	result(v != NULL, "%s: one line of valid JSON", last_cmd);
	if (!v)
		printf("    %.300s", out);
	return v;
}

static void expect_num(struct jval *root, const char *path, double want)
{
	struct jval *v = jget(root, path);

	if (v && v->type == J_NUM && v->num == want)
		result(true, "  %s = %.0f", path, want);
	else if (v && v->type == J_NUM)
		result(false, "  %s = %.0f, want %.0f", path, v->num, want);
	else
		result(false, "  %s: missing or not a number, want %.0f", path, want);
}

static void expect_str(struct jval *root, const char *path, const char *want)
{
	struct jval *v = jget(root, path);

	if (v && v->type == J_STR && !strcmp(v->str, want))
		result(true, "  %s = \"%s\"", path, want);
	else
		result(false, "  %s = \"%s\", want \"%s\"", path,
		       v && v->type == J_STR ? v->str : "(missing)", want);
}

static void expect_prefix(struct jval *root, const char *path, const char *want)
{
	struct jval *v = jget(root, path);

	result(v && v->type == J_STR && !strncmp(v->str, want, strlen(want)),
	       "  %s starts with \"%s\"", path, want);
}

static void expect_bool(struct jval *root, const char *path, bool want)
{
	struct jval *v = jget(root, path);

	result(v && v->type == J_BOOL && v->b == want, "  %s = %s", path, want ? "true" : "false");
}

static void expect_count(struct jval *root, const char *path, size_t want)
{
	struct jval *v = jget(root, path);

	result(v && (v->type == J_ARR || v->type == J_OBJ) && v->n == want,
	       "  %s has %zu members (%zu)", path, want, v ? v->n : 0);
}

static void expect_status(int status, int want)
{
	result(status == want, "  exit status %d (want %d)", status, want);
}

/* Does array 'path' hold an object whose 'key' is 'value'? */
static struct jval *find_in(struct jval *root, const char *path, const char *key, const char *value)
{
	struct jval *arr = jget(root, path);

	for (size_t i = 0; arr && arr->type == J_ARR && i < arr->n; i++) {
		struct jval *k = jget(arr->items[i], key);

		if (k && k->type == J_STR && !strcmp(k->str, value))
			return arr->items[i];
	}
	return NULL;
}

/* ---- the checks ---------------------------------------------------------- */

#define INST "jtest"
#define LARGE_OFFSET(id) (EDUALLOC_LARGE_BASE + ((unsigned long long)(id) << EDUALLOC_LARGE_SHIFT))

int main(void)
{
	struct jval *v;
	int st;

	if (access("/dev/edualloc", F_OK) || system("command -v edualloc >/dev/null")) {
		printf("skip: no /dev/edualloc or no edualloc CLI\n");
		return 77;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A clean start (there may be no such instance: fine). */
	int ignored = system("edualloc destroy " INST " >/dev/null 2>&1; edualloc log level ops >/dev/null");

	(void)ignored;

	v = run(&st, "info");
	expect_status(st, 0);
	expect_num(v, "abi_version", EDUALLOC_ABI_VERSION);
	expect_num(v, "nr_classes", EDUALLOC_NR_CLASSES);
	expect_num(v, "smallest_class", 8);
	expect_num(v, "largest_class", 262144);
	expect_num(v, "page_size", 4096);
	expect_bool(v, "debugfs", true);
	expect_str(v, "attached", "shared");
	result(jget(v, "features") && jget(v, "features")->n >= 7, "  features lists them");
	jfree(v);

	v = run(&st, "create " INST " --capacity 1M --bitset 64 --debug on --quiet");
	expect_status(st, 0);
	expect_str(v, "op", "create");
	expect_str(v, "instance.name", INST);
	expect_str(v, "instance.kind", "named");
	expect_num(v, "instance.capacity", 1048576);
	expect_num(v, "instance.bitset_bits", 64);
	expect_num(v, "instance.live_allocs", 0);
	expect_bool(v, "instance.debug", true);
	expect_bool(v, "instance.attached", true);
	jfree(v);

	v = run(&st, "-i " INST " alloc 100");
	expect_status(st, 0);
	expect_str(v, "op", "alloc");
	expect_num(v, "id", 1);
	expect_num(v, "size", 100);
	expect_num(v, "class", 4);
	expect_num(v, "class_size", 128);
	expect_num(v, "offset", 0);
	expect_bool(v, "large", false);
	expect_bool(v, "use_after_free_found", false);
	jfree(v);

	v = run(&st, "-i " INST " alloc 300000");
	expect_num(v, "id", 2);
	expect_num(v, "class", EDUALLOC_CLASS_LARGE);
	expect_num(v, "class_size", 303104);	/* 74 pages */
	expect_num(v, "offset", (double)LARGE_OFFSET(2));
	expect_bool(v, "large", true);
	jfree(v);

	v = run(&st, "-i " INST " write 1 hi");
	expect_str(v, "op", "write");
	expect_num(v, "id", 1);
	expect_num(v, "len", 2);
	expect_num(v, "pos", 0);
	expect_bool(v, "mmap", false);
	jfree(v);

	v = run(&st, "-i " INST " write --hex --at 98 1 'c0 de'");
	expect_num(v, "len", 2);
	expect_num(v, "pos", 98);
	jfree(v);

	v = run(&st, "-i " INST " read 1");
	expect_status(st, 0);
	expect_str(v, "op", "read");
	expect_num(v, "len", 100);
	expect_prefix(v, "data", "6869000000");
	result(jget(v, "data") && strlen(jget(v, "data")->str) == 200 &&
	       !strcmp(jget(v, "data")->str + 196, "c0de"), "  data: 100 bytes, ending c0de");
	expect_str(v, "redzone", "cccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	expect_bool(v, "redzone_intact", true);
	expect_num(v, "redzone_first_bad", -1);
	jfree(v);

	v = run(&st, "-i " INST " read --at 2 --len 3 1");
	expect_num(v, "pos", 2);
	expect_num(v, "len", 3);
	expect_str(v, "data", "000000");
	expect_str(v, "redzone", "");
	jfree(v);

	v = run(&st, "-i " INST " ptr 1");
	expect_str(v, "op", "ptr");
	expect_num(v, "offset", 0);
	expect_num(v, "size", 100);
	jfree(v);

	v = run(&st, "-i " INST " id 0x10");
	expect_str(v, "op", "id");
	expect_num(v, "id", 1);
	expect_num(v, "byte", 16);
	expect_num(v, "query", 16);
	jfree(v);

	v = run(&st, "-i " INST " bit set 5");
	expect_str(v, "op", "bit set");
	expect_num(v, "bit", 5);
	jfree(v);
	v = run(&st, "-i " INST " bit get 5");
	expect_num(v, "value", 1);
	jfree(v);
	v = run(&st, "-i " INST " bit find 0");
	expect_num(v, "found", 5);
	jfree(v);
	v = run(&st, "-i " INST " bit find 6");
	expect_status(st, 0);
	expect_num(v, "found", -1);
	jfree(v);

	v = run(&st, "-i " INST " stats");
	expect_status(st, 0);
	expect_str(v, "op", "stats");
	expect_str(v, "name", INST);
	expect_str(v, "kind", "named");
	expect_num(v, "capacity", 1048576);
	expect_num(v, "pages_total", 256);
	expect_num(v, "live_allocs", 2);
	expect_num(v, "live_requested", 300100);
	expect_num(v, "live_allocated", 128 + 303104);
	expect_num(v, "allocs", 2);
	expect_num(v, "frees", 0);
	expect_num(v, "large_count", 1);
	expect_num(v, "large_bytes", 303104);
	expect_num(v, "next_id", 3);
	expect_num(v, "bitset_bits", 64);
	{
		/* Kernel memory: at least the large record and the slab's descriptor. */
		struct jval *m = jget(v, "meta_bytes");

		result(m && m->type == J_NUM && m->num > 0,
		       "  meta_bytes > 0 (the bookkeeping outside the arena)");
	}
	expect_num(v, "errors.double_free", 0);
	expect_count(v, "classes", 1);
	expect_num(v, "classes.0.class", 4);
	expect_num(v, "classes.0.size", 128);
	expect_num(v, "classes.0.slots_used", 1);
	expect_num(v, "classes.0.slots_total", 32);
	expect_num(v, "classes.0.waste", 28);
	jfree(v);

	v = run(&st, "-i " INST " classes --all");
	expect_str(v, "instance", INST);
	expect_count(v, "classes", EDUALLOC_NR_CLASSES);
	expect_num(v, "classes.15.size", 262144);
	jfree(v);

	v = run(&st, "-i " INST " map");
	expect_status(st, 0);
	expect_str(v, "instance", INST);
	expect_num(v, "pages", 256);
	expect_num(v, "pages_per_cell", 1);
	result(jget(v, "cells") && strlen(jget(v, "cells")->str) == 256 &&
	       jget(v, "cells")->str[0] == 'e', "  cells: 256, the first of class e (128 B)");
	expect_num(v, "large.0.id", 2);
	expect_num(v, "large.0.size", 300000);
	expect_num(v, "figures.pages_used", 1);
	jfree(v);

	v = run(&st, "-i " INST " free 1");
	expect_status(st, 0);
	expect_str(v, "op", "free");
	expect_num(v, "id", 1);
	expect_num(v, "size", 100);
	expect_bool(v, "redzone_damaged", false);
	jfree(v);

	v = run(&st, "-i " INST " free 1");
	expect_status(st, 1);
	expect_str(v, "error", "free 1: double free: ID 1 was already freed (refused; see the "
		   "log: edualloc -i " INST " log --this -n 1)");
	expect_str(v, "errno", "EALREADY");
	jfree(v);

	v = run(&st, "-i " INST " alloc 0");
	expect_status(st, 1);
	expect_str(v, "errno", "EINVAL");
	jfree(v);

	v = run(&st, "-i " INST " log --this -n 2");
	expect_status(st, 0);
	expect_str(v, "op", "log");
	expect_num(v, "verbosity", 2);
	expect_count(v, "records", 2);
	expect_str(v, "records.0.instance", INST);
	expect_str(v, "records.0.event", "error");
	expect_str(v, "records.0.op", "free");
	expect_num(v, "records.0.id", 1);
	expect_str(v, "records.0.result", "EALREADY");
	expect_str(v, "records.0.detail", "kind=double_free");
	expect_str(v, "records.1.result", "EINVAL");
	jfree(v);

	v = run(&st, "log level");
	expect_num(v, "level", 2);
	expect_str(v, "name", "ops");
	jfree(v);

	v = run(&st, "-i " INST " alloc 40");	/* ID 3 */
	jfree(v);
	v = run(&st, "-i " INST " realloc 3 500");
	expect_status(st, 0);
	expect_str(v, "op", "realloc");
	expect_num(v, "old_id", 3);
	expect_num(v, "id", 4);
	expect_num(v, "class_size", 512);
	expect_num(v, "copied", 40);
	jfree(v);

	v = run(&st, "-i " INST " write --mmap 4 0123456789ABCDEFGHIJ --at 495");
	expect_status(st, 0);
	expect_bool(v, "mmap", true);
	expect_num(v, "past_size", 15);
	expect_num(v, "past_slot", 3);
	jfree(v);

	v = run(&st, "-i " INST " read 4");
	expect_bool(v, "redzone_intact", false);
	expect_num(v, "redzone_first_bad", 500);
	jfree(v);

	v = run(&st, "-i " INST " free 4");
	expect_status(st, 1);	/* the overflow is reported: the block is freed */
	expect_prefix(v, "error", "free 4: heap overflow caught");
	jfree(v);

	v = run(&st, "-i " INST " dump 0 16");
	expect_str(v, "op", "dump");
	expect_num(v, "len", 16);
	expect_str(v, "data", "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b");
	jfree(v);

	v = run(&st, "-i " INST " check");
	expect_status(st, 0);
	expect_bool(v, "consistent", true);
	jfree(v);

	v = run(&st, "list");
	struct jval *me = find_in(v, "instances", "name", INST);

	result(me != NULL, "  instances holds " INST);
	expect_str(me, "kind", "named");
	expect_num(me, "live_allocs", 1);
	expect_num(me, "owner_uid", 0);
	struct jval *shared = find_in(v, "instances", "name", "shared");

	expect_str(shared, "kind", "shared");
	expect_bool(shared, "attached", true);
	jfree(v);

	v = run(&st, "-i " INST " reset");
	expect_str(v, "op", "reset");
	expect_num(v, "dropped_allocs", 1);
	expect_num(v, "dropped_bytes", 300000);
	jfree(v);

	v = run(&st, "-i " INST " alloc 8");
	expect_num(v, "id", 1);	/* IDs start again after a reset */
	jfree(v);

	v = run(&st, "destroy " INST);
	expect_str(v, "op", "destroy");
	expect_str(v, "name", INST);
	expect_num(v, "leaked_allocs", 1);
	expect_num(v, "leaked_bytes", 8);
	jfree(v);

	v = run(&st, "-i " INST " stats");
	expect_status(st, 1);
	expect_str(v, "errno", "ENOENT");
	jfree(v);

	/* replay: a trace of our own. */
	FILE *trace = fopen("/tmp/cli-json.rep", "w");

	if (trace) {
		fputs("0\n3\n6\n1\na 0 100\na 1 5000\nr 0 300\nf 1\na 2 8\nf 0\n", trace);
		fclose(trace);
	}
	v = run(&st, "replay /tmp/cli-json.rep");
	expect_status(st, 0);
	expect_str(v, "op", "replay");
	expect_str(v, "trace", "/tmp/cli-json.rep");
	expect_prefix(v, "instance", "pid");
	expect_num(v, "ids", 3);
	expect_num(v, "ops", 6);
	expect_num(v, "allocs", 3);
	expect_num(v, "reallocs", 1);
	expect_num(v, "frees", 2);
	expect_num(v, "peak_payload", 5300);
	expect_bool(v, "verified", true);
	result(jget(v, "utilization") && jget(v, "utilization")->num > 0 &&
	       jget(v, "utilization")->num <= 1, "  0 < utilization <= 1");
	jfree(v);
	unlink("/tmp/cli-json.rep");

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
