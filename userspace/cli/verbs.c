// SPDX-License-Identifier: GPL-2.0
/*
 * The verbs of the CLI, in the order `edualloc help` lists them. A new
 * verb: its function (in a file of its own, or beside its kin), its line
 * here and in verbs.h, its help text in help.c, its section in
 * man/edualloc.1.
 */
#include "dispatch.h"
#include "verbs.h"

const struct verb verb_table[] = {
	{ "info", verb_info },
	{ "create", verb_create },
	{ "attach", verb_attach },
	{ "destroy", verb_destroy },
	{ "list", verb_list },
	{ "alloc", verb_alloc },
	{ "free", verb_free },
	{ "realloc", verb_realloc },
	{ "id", verb_id },
	{ "ptr", verb_ptr },
	{ "write", verb_write },
	{ "read", verb_read },
	{ "dump", verb_dump },
	{ "bit", verb_bit },
	{ "stats", verb_stats },
	{ "classes", verb_classes },
	{ "map", verb_map },
	{ "log", verb_log },
	{ "check", verb_check },
	{ "reset", verb_reset },
	{ "shell", verb_shell },
	{ "replay", verb_replay },
	{ "top", verb_top },
	{ "record", verb_record },
	{ "run", verb_run_prog },
	{ "help", verb_help },
};

const size_t verb_table_len = sizeof(verb_table) / sizeof(verb_table[0]);
