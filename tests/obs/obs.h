/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the observability tests (obs-log, obs-views,
 * obs-trace). Each test runs in the guest as root with the module loaded,
 * prints one line per check ("PASS: ..." or "FAIL: ..."), then a summary
 * line, and exits 0 (all passed), 1 (a check failed) or 77 (skipped).
 */
#ifndef OBS_TEST_H
#define OBS_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/edualloc.h>

#define DEBUGFS		"/sys/kernel/debug/edualloc"
#define TRACEFS		"/sys/kernel/tracing"

extern const char *test_name;

/* Checks and results. */
void test_init(const char *name);
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Compare two strings, whitespace runs collapsed; print both on mismatch. */
bool check_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int test_done(void);			/* prints the summary, returns the exit status */
void skip(const char *why) __attribute__((noreturn));
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Files. */
char *slurp(const char *path);		/* whole file, NUL-terminated; NULL on error */
int spit(const char *path, const char *text);	/* 0 or -errno */
bool exists(const char *path);
/* A new string, printf-formatted (exits when out of memory). */
char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* A copy of @s with blank runs collapsed to one space, no trailing blanks. */
char *squeeze(const char *s);
/* The lines of @text (modified in place) that do not start with '#'. */
int data_lines(char *text, char **lines, int max);
/* The value of "key value" line @key in @text, or -1. */
long long keyval(const char *text, const char *key);

/* The device: one open file, its own private instance. */
struct dev {
	int fd;
	struct edualloc_inst_info info;
};

void dev_open(struct dev *d);
void dev_create(struct dev *d, unsigned long long capacity, unsigned int bits);
void dev_create_flags(struct dev *d, unsigned long long capacity, unsigned int bits,
		      unsigned int flags);	/* EDUALLOC_CREATE_* */
void dev_close(struct dev *d);		/* destroys the private instance */
int dev_alloc(struct dev *d, unsigned long long size, struct edualloc_alloc_info *out);
int dev_free(struct dev *d, int id);
int dev_free_offset(struct dev *d, unsigned long long offset);
int dev_realloc(struct dev *d, int id, unsigned long long size,
		struct edualloc_alloc_info *out);
int dev_bit(struct dev *d, unsigned int op, unsigned int bit);

/* The event log. */
unsigned long long log_next_seq(void);	/* next= in the header */
void log_clear(void);
void set_verbosity(int v);
int get_verbosity(void);
/*
 * The records with seq >= @from of instance @inst (NULL: all), each
 * without its time column and squeezed: "SEQ INST PID COMM OP EVENT ...".
 * Returns the count; *recs is malloc'd.
 */
int log_records(unsigned long long from, const char *inst, char ***recs);

/* Own comm (as the log shows it) and pid. */
const char *my_comm(void);

#endif /* OBS_TEST_H */
