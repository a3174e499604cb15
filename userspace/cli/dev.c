// SPDX-License-Identifier: GPL-2.0
/*
 * The device: opening it, attaching, ioctls, mappings, and every error
 * the module can return put in words.
 */
#include "dev.h"
#include "opts.h"
#include "out.h"
#include "eadev.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *errno_name(int err)
{
	switch (err) {
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EINTR:	return "EINTR";
	case EIO:	return "EIO";
	case ENXIO:	return "ENXIO";
	case E2BIG:	return "E2BIG";
	case EBADF:	return "EBADF";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case EEXIST:	return "EEXIST";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case ENOTTY:	return "ENOTTY";
	case ENOSPC:	return "ENOSPC";
	case ERANGE:	return "ERANGE";
	case EPROTO:	return "EPROTO";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EALREADY:	return "EALREADY";
	case ESTALE:	return "ESTALE";
	case EDQUOT:	return "EDQUOT";
	case EIDRM:	return "EIDRM";
	default:	return "E?";
	}
}

/* Causes that mean the same whatever the operation. */
static const char *explain_common(int err)
{
	switch (err) {
	case EIDRM:
		return "the instance has been destroyed (attach to another one)";
	case ENOTTY:
		return "the module does not know this request (a module of another ABI version?)";
	case EFAULT:
		return "the kernel could not read or write our buffer (a bug in edualloc: please report it)";
	case EPERM:
	case EACCES:
		return "permission denied";
	case ENOMEM:
		return "the kernel is out of memory";
	default:
		return strerror(err);
	}
}

/* What an error of an operation means, where it means more than strerror(). */
static const struct {
	enum dev_op op;
	int err;
	const char *why;
} causes[] = {
	{ OP_OPEN, ENOENT, EDUALLOC_DEVICE " does not exist: is the module loaded? (insmod edualloc.ko)" },
	{ OP_OPEN, EACCES, "permission denied: you need to be root or in the device's group" },
	{ OP_OPEN, EPERM, "permission denied: you need to be root or in the device's group" },
	{ OP_OPEN, ENODEV, "the device node is there but the module is not loaded" },
	{ OP_OPEN, ENXIO, "the device node is there but the module is not loaded" },
	{ OP_VERSION, ENOTTY, EDUALLOC_DEVICE " is not an edualloc device, or of another ABI version" },
	{ OP_CREATE, EINVAL, "refused: a bad name, capacity or bitset size (see `edualloc help create`)" },
	{ OP_CREATE, EEXIST, "an instance of that name already exists (see `edualloc list`)" },
	{ OP_CREATE, EDQUOT, "over the module's limits (capacity or number of instances: see `edualloc info`)" },
	{ OP_CREATE, ENOMEM, "the kernel has no memory for an arena that big" },
	{ OP_ATTACH, ENOENT, "no instance of that name (see `edualloc list`)" },
	{ OP_ATTACH, EPERM, "that instance belongs to another user" },
	{ OP_ATTACH, EINVAL, "bad name (1 to 31 of a-z 0-9 _ -)" },
	{ OP_DESTROY, ENOENT, "no named instance of that name (see `edualloc list`)" },
	{ OP_DESTROY, EPERM, "not yours to destroy (and the shared instance never is)" },
	{ OP_DESTROY, EINVAL, "bad name (1 to 31 of a-z 0-9 _ -)" },
	{ OP_ALLOC, EINVAL, "a 0-byte request is refused" },
	{ OP_ALLOC, E2BIG, "larger than the instance's whole capacity" },
	{ OP_ALLOC, ENOMEM, "not enough free space left in the instance" },
	{ OP_ALLOC, ENOSPC, "the instance has used up its IDs (reset it)" },
	{ OP_REALLOC, ENOENT, "no allocation with that ID was ever made" },
	{ OP_REALLOC, EALREADY, "that allocation has been freed (a use after free, refused)" },
	{ OP_FREE, ENOENT, "no allocation with that ID was ever made" },
	{ OP_FREE, EALREADY, "double free: that allocation was already freed (refused)" },
	{ OP_FREE, EINVAL, "not the start of a live allocation" },
	{ OP_FREE, ESTALE, "the ID and the offset name different allocations" },
	{ OP_LOOKUP_ID, ENOENT, "no allocation with that ID was ever made" },
	{ OP_LOOKUP_ID, EALREADY, "that allocation has been freed" },
	{ OP_LOOKUP_OFFSET, ENOENT, "no live allocation holds that offset (free space, or slack past a block's size)" },
	{ OP_READ, EINVAL, "past the end of the allocation (its requested size)" },
	{ OP_READ, ENOENT, "no allocation with that ID was ever made" },
	{ OP_READ, EALREADY, "that allocation has been freed (a use after free, refused)" },
	{ OP_BIT, EINVAL, "bit index out of range" },
	{ OP_BIT, EOPNOTSUPP, "this instance has no bitset (create one with --bitset BITS)" },
	{ OP_BIT, ENOENT, "no set bit at or after that index" },
	{ OP_CONFIG, EPERM, "only the instance's owner or root may change it" },
	{ OP_MMAP, EINVAL, "the device refused the mapping" },
	{ OP_MMAP, ENOMEM, "no address space left for the mapping" },
};

const char *dev_explain(enum dev_op op, int err)
{
	/* A realloc fails as an alloc does, a write as a read, but for their own rows. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
			if (causes[i].op == op && causes[i].err == err)
				return causes[i].why;
		if (op == OP_REALLOC)
			op = OP_ALLOC;
		else if (op == OP_WRITE)
			op = OP_READ;
		else
			break;
	}
	return explain_common(err);
}

static void json_error(struct cli *c, const char *msg, int err)
{
	struct json j;

	if (!c->json)
		return;
	json_begin(&j, stdout);
	json_str(&j, "error", msg);
	if (err) {
		json_str(&j, "errno", errno_name(err));
		json_i64(&j, "errno_value", err);
	}
	json_end(&j);
}

int fail_op(struct cli *c, enum dev_op op, int err, const char *what_fmt, ...)
{
	char what[256], msg[512];
	va_list ap;

	va_start(ap, what_fmt);
	vsnprintf(what, sizeof(what), what_fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s: %s", what, dev_explain(op, err));
	fprintf(stderr, "%s\n", msg);
	json_error(c, msg, err);
	return EXIT_FAIL;
}

static int vfail_errno(struct cli *c, int err, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s\n", msg);
	json_error(c, msg, err);
	return EXIT_FAIL;
}

int fail(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = vfail_errno(c, 0, fmt, ap);

	va_end(ap);
	return rc;
}

int fail_errno(struct cli *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = vfail_errno(c, err, fmt, ap);

	va_end(ap);
	return rc;
}

int dev_ioctl(struct cli *c, unsigned long cmd, void *arg)
{
	return eadev_ioctl(c->fd, cmd, arg);
}

int dev_attach(struct cli *c, const char *name, bool private_inst,
	       struct edualloc_inst_info *info)
{
	struct edualloc_attach a = { .flags = private_inst ? EDUALLOC_ATTACH_PRIVATE : 0 };

	if (strlen(name) >= sizeof(a.name))
		return -EINVAL;
	strncpy(a.name, name, sizeof(a.name));	/* NUL-padded, as the ABI wants */
	int err = dev_ioctl(c, EDUALLOC_IOC_ATTACH, &a);

	if (err)
		return err;
	dev_unmap(&c->arena);	/* another instance, another arena */
	memcpy(c->attached, a.info.name, sizeof(c->attached));
	c->attached[sizeof(c->attached) - 1] = '\0';
	if (info)
		*info = a.info;
	return 0;
}

int dev_open(struct cli *c)
{
	if (c->fd >= 0)
		return 0;
	struct edualloc_version v;
	int err = eadev_open(&v);

	if (err == -EPROTO)
		return fail(c, "open %s: the module speaks ABI version %u, this CLI %d",
			    EDUALLOC_DEVICE, v.abi_version, EDUALLOC_ABI_VERSION);
	if (err < 0)	/* ENOTTY comes from VERSION, the others from open() */
		return fail_op(c, err == -ENOTTY ? OP_VERSION : OP_OPEN, -err, "open %s",
			       EDUALLOC_DEVICE);
	c->fd = err;
	strcpy(c->attached, "shared");	/* where every open file starts */
	if (c->instance && strcmp(c->instance, "shared")) {
		err = dev_attach(c, c->instance, false, NULL);
		if (err) {
			int rc = fail_op(c, OP_ATTACH, -err, "instance '%s'", c->instance);

			dev_close(c);
			return rc;
		}
	}
	return 0;
}

int verb_open(struct cli *c, int argc, char **argv, int min, int max)
{
	if (!want_operands(argv[0], argc - optind, min, max))
		return EXIT_USAGE;
	int rc = dev_open(c);

	return rc ? rc : -1;
}

int verb_plain_open(struct cli *c, int argc, char **argv, int min, int max)
{
	int done = verb_plain_args(c, argc, argv, -1, -1);

	return done >= 0 ? done : verb_open(c, argc, argv, min, max);
}

void dev_close(struct cli *c)
{
	dev_unmap(&c->arena);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int dev_stats(struct cli *c, struct edualloc_stats *st)
{
	return eadev_stats(c->fd, st);
}

int dev_lookup_id(struct cli *c, int id, struct edualloc_alloc_info *info)
{
	return eadev_lookup_id(c->fd, id, info);
}

int dev_list(struct cli *c, struct edualloc_inst_info **list, unsigned int *count)
{
	/* Ask for the count, then for that many (plus room for newcomers). */
	for (int tries = 0; tries < 5; tries++) {
		struct edualloc_list l = { 0 };
		int err = dev_ioctl(c, EDUALLOC_IOC_LIST, &l);

		if (err)
			return err;
		unsigned int max = l.total + 4;
		struct edualloc_inst_info *buf = calloc(max, sizeof(*buf));

		if (!buf)
			return -ENOMEM;
		l.buf = (uint64_t)(uintptr_t)buf;
		l.max = max;
		err = dev_ioctl(c, EDUALLOC_IOC_LIST, &l);
		if (err) {
			free(buf);
			return err;
		}
		if (l.count == l.total) {	/* we saw them all */
			*list = buf;
			*count = l.count;
			return 0;
		}
		free(buf);
	}
	return -EAGAIN;
}

void dev_unmap(struct mapping *m)
{
	if (m->addr)
		munmap(m->addr, m->len);
	m->addr = NULL;
	m->len = 0;
}

unsigned char *dev_map_arena(struct cli *c)
{
	if (c->arena.addr)
		return c->arena.addr;

	struct edualloc_stats st;
	int err = dev_stats(c, &st);

	if (err) {
		errno = -err;
		return NULL;
	}
	void *p = eadev_map(c->fd, 0, st.capacity);

	if (!p)
		return NULL;
	c->arena = (struct mapping){ .addr = p, .len = st.capacity, .offset = 0 };
	return c->arena.addr;
}

unsigned char *dev_map_alloc(struct cli *c, const struct edualloc_alloc_info *a,
			     struct mapping *tmp)
{
	tmp->addr = NULL;
	if (a->cls != EDUALLOC_CLASS_LARGE) {
		unsigned char *arena = dev_map_arena(c);

		if (!arena)
			return NULL;
		if (a->offset + a->class_size > c->arena.len) {
			errno = ERANGE;		/* the kernel said otherwise: never trust blindly */
			return NULL;
		}
		return arena + a->offset;
	}
	void *p = eadev_map(c->fd, a->offset, a->class_size);

	if (!p)
		return NULL;
	*tmp = (struct mapping){ .addr = p, .len = a->class_size, .offset = a->offset };
	return p;
}

const char *user_name(uint32_t uid, char *buf, size_t len)
{
	/* /etc/passwd by hand: getpwuid() does not work in a static binary. */
	FILE *f = fopen("/etc/passwd", "r");
	char line[512];

	snprintf(buf, len, "%u", uid);
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {	/* name:password:uid:... */
		char *colon1 = strchr(line, ':');
		char *colon2 = colon1 ? strchr(colon1 + 1, ':') : NULL;

		if (!colon2 || strtoul(colon2 + 1, NULL, 10) != uid)
			continue;
		*colon1 = '\0';
		snprintf(buf, len, "%s", line);
		break;
	}
	fclose(f);
	return buf;
}

const char *human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	double v = (double)bytes;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/*
 * Allocation 'id' without a trace: a LOOKUP of a freed ID is an error the
 * module counts and logs, which would put a second error beside the one a
 * student's double free makes. ALLOCS lists live allocations from an ID on
 * and counts no miss. 0, or -ENOENT (not live), or the ioctl's error.
 */
int dev_peek_alloc(struct cli *c, int id, struct edualloc_alloc_info *info)
{
	struct edualloc_alloc_info first;
	struct edualloc_allocs req = {
		.buf = (uint64_t)(uintptr_t)&first, .max = 1, .start_id = id,
	};
	int err = dev_ioctl(c, EDUALLOC_IOC_ALLOCS, &req);

	if (err)
		return err;
	if (req.count != 1 || first.id != id || id <= 0)
		return -ENOENT;
	*info = first;
	return 0;
}

int debugfs_missing(struct cli *c, const char *verb, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0)
		return 0;
	if (errno == EACCES)
		return fail(c, "%s: cannot read %s: debugfs is root's (try as root)", verb, path);
	if (stat(DEBUGFS_DIR, &sb) == 0)
		return fail(c, "%s: %s is missing: this module's debugfs tree does not have it",
			    verb, path);
	return fail(c, "%s: %s is missing: is debugfs mounted "
		    "(mount -t debugfs none /sys/kernel/debug) and the module loaded?", verb, path);
}
