// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics table, the seed's allocator_print_stats() grown up: the
 * same figures (usage, peak, active and total allocations, frees) plus what
 * the kernel's allocator knows on top (fragmentation, errors caught, size
 * classes).
 */
#include "report.h"

#include <inttypes.h>

/* The uapi header's list: the module's short names (the log's kind=, the
 * JSON keys) and the words of the reports. */
#define NAME_ROW(NAME, name, err, words)	[EDUALLOC_ERR_##NAME] = #name,
#define WORDS_ROW(NAME, name, err, words)	[EDUALLOC_ERR_##NAME] = words,
static const char *const error_kind_keys[EDUALLOC_ERR_SLOTS] = { EDUALLOC_ERRORS(NAME_ROW) };
static const char *const error_kind_names[EDUALLOC_ERR_SLOTS] = { EDUALLOC_ERRORS(WORDS_ROW) };

const char *eau_error_kind_key(unsigned int kind)
{
	if (kind < EDUALLOC_ERR_SLOTS && error_kind_keys[kind])
		return error_kind_keys[kind];
	return NULL;
}

const char *eau_error_kind_name(unsigned int kind)
{
	if (kind < EDUALLOC_ERR_SLOTS && error_kind_names[kind])
		return error_kind_names[kind];
	return "other";
}

#define KIND_ROW(NAME, name)	[EDUALLOC_KIND_##NAME] = #name,
static const char *const kind_names[] = { EDUALLOC_KINDS(KIND_ROW) };

const char *eau_kind_name(unsigned int kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void eau_print_stats(FILE *f, const struct edualloc_stats *st, bool with_times)
{
	char title[96];
	int n = snprintf(title, sizeof(title), "Allocator statistics: instance \"%.*s\" (%s)",
			 EDUALLOC_NAME_MAX, st->name, eau_kind_name(st->kind));

	fprintf(f, "%s\n", title);
	for (int i = 0; i < n && i < (int)sizeof(title) - 1; i++)
		fputc('=', f);
	fputc('\n', f);

	fprintf(f, "Memory usage:         %" PRIu64 " / %" PRIu64 " bytes (%.1f%%)\n",
		(uint64_t)st->used_bytes, (uint64_t)st->capacity,
		percent(st->used_bytes, st->capacity));
	fprintf(f, "Peak usage:           %" PRIu64 " bytes\n", (uint64_t)st->peak_used);
	fprintf(f, "Active allocations:   %" PRIu64 " (%" PRIu64 " bytes requested, %"
		PRIu64 " bytes reserved)\n", (uint64_t)st->live_allocs,
		(uint64_t)st->live_requested, (uint64_t)st->live_allocated);
	fprintf(f, "Total allocations:    %" PRIu64 "\n", (uint64_t)st->allocs);
	fprintf(f, "Total frees:          %" PRIu64 "\n", (uint64_t)st->frees);
	fprintf(f, "Failed allocations:   %" PRIu64 "\n", (uint64_t)st->failed_allocs);
	fprintf(f, "Next allocation ID:   %u\n", st->next_id);
	fprintf(f, "Arena pages:          %" PRIu64 " used, %" PRIu64 " free of %" PRIu64
		" (largest free block %" PRIu64 " bytes)\n", (uint64_t)st->pages_used,
		(uint64_t)st->pages_free, (uint64_t)st->pages_total,
		(uint64_t)st->largest_free);
	fprintf(f, "Fragmentation:        internal %" PRIu64 " bytes (%u%%), external %u%%\n",
		(uint64_t)st->internal_frag, st->internal_frag_pct, st->external_frag_pct);
	fprintf(f, "Large allocations:    %" PRIu64 " (%" PRIu64 " bytes)\n",
		(uint64_t)st->large_count, (uint64_t)st->large_bytes);
	/* Kernel memory, outside the arena (its size depends on the kernel). */
	fprintf(f, "Bookkeeping:          %" PRIu64 " bytes outside the arena\n",
		(uint64_t)st->meta_bytes);

	fprintf(f, "Errors caught:        ");
	bool any = false;
	for (unsigned int k = 0; k < EDUALLOC_ERR_SLOTS; k++) {
		if (!st->errors[k])
			continue;
		fprintf(f, "%s%s %" PRIu64, any ? ", " : "", eau_error_kind_name(k),
			(uint64_t)st->errors[k]);
		any = true;
	}
	fprintf(f, "%s\n", any ? "" : "none");

	fprintf(f, "Debug checks:         %s\n",
		(st->inst_flags & EDUALLOC_INST_DEBUG) ? "on (red zones, poison)" : "off");
	if (st->bitset_bits)
		fprintf(f, "Bitset:               %u bits\n", st->bitset_bits);
	else
		fprintf(f, "Bitset:               none\n");
	if (with_times)
		fprintf(f, "Average time:         alloc %" PRIu64 " ns, free %" PRIu64 " ns\n",
			st->allocs ? (uint64_t)(st->alloc_ns / st->allocs) : 0,
			st->frees ? (uint64_t)(st->free_ns / st->frees) : 0);

	fputc('\n', f);
	eau_print_classes(f, st, false);
}

void eau_print_classes(FILE *f, const struct edualloc_stats *st, bool all)
{
	unsigned int nr = st->nr_classes < EDUALLOC_NR_CLASSES ? st->nr_classes
							       : EDUALLOC_NR_CLASSES;
	bool header = false;

	for (unsigned int c = 0; c < nr; c++) {
		const struct edualloc_class_stats *cs = &st->cls[c];

		if (!all && !cs->allocs && !cs->failures && !cs->slabs)
			continue;
		if (!header) {
			fprintf(f, "Size classes%s:\n", all ? "" : " (those used so far)");
			fprintf(f, "  class     size  slabs  slots used/total   allocs    frees  failed    waste\n");
			header = true;
		}
		fprintf(f, "  %5u %8" PRIu64 " %6" PRIu64 " %11" PRIu64 "/%-6" PRIu64
			" %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %8" PRIu64 "\n",
			c, (uint64_t)cs->size, (uint64_t)cs->slabs, (uint64_t)cs->slots_used,
			(uint64_t)cs->slots_total, (uint64_t)cs->allocs, (uint64_t)cs->frees,
			(uint64_t)cs->failures, (uint64_t)cs->waste);
	}
	if (!header)
		fprintf(f, "Size classes: none used yet\n");
}
