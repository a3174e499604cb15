/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readable reports of an instance's figures, shared by the library's
 * allocator_print_stats() and the CLI's `stats` and `classes` verbs.
 * Internal to libedualloc and the CLI: not part of the public API (the
 * shared library does not export these names).
 */
#ifndef EDUALLOC_REPORT_H
#define EDUALLOC_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/edualloc.h>

/* "double free", "red zone overwritten", ... for edualloc_stats.errors[i]. */
const char *eau_error_kind_name(unsigned int kind);
/* "double_free", ... (the module's names, as in the log); NULL if unnamed. */
const char *eau_error_kind_key(unsigned int kind);
/* "shared", "named", "private" for EDUALLOC_KIND_*. */
const char *eau_kind_name(unsigned int kind);

/* The seed's print_stats, as a table. Times vary run to run: optional. */
void eau_print_stats(FILE *f, const struct edualloc_stats *st, bool with_times);
/* The size-class table: only classes ever used, unless 'all'. */
void eau_print_classes(FILE *f, const struct edualloc_stats *st, bool all);

#endif
