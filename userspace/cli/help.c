// SPDX-License-Identifier: GPL-2.0
/*
 * The help texts of every verb, and how they are printed. A leaf: it knows
 * no other file of the CLI, so that anything may print help (the option
 * parser on --help, usage errors, the `help` verb, main()).
 *
 * A new verb gets its entry here and its line in verbs.c (help.c only
 * knows the type of that table, from cli.h, which declares no function).
 */
#include "help.h"
#include "cli.h"

#include <string.h>

static const struct verb_help texts[] = {
	{ "info", "",
	  "what the module is: ABI, classes, limits, features",
	  "Prints the module's ABI version, page size, size classes, features\n"
	  "and limits (module parameters), and whether its debugfs tree is there.\n" },
	{ "create", "NAME [--capacity SIZE] [--bitset BITS] [--debug on|off] [--quiet] [--percpu]",
	  "make a named instance (a heap of your own)",
	  "Makes a named instance: a heap of its own, owned by you, that lives\n"
	  "until `edualloc destroy NAME` (or the module is unloaded). Use it with\n"
	  "`edualloc -i NAME VERB...`.\n"
	  "  -c, --capacity SIZE  arena bytes (default 1M; at least 64K)\n"
	  "  -b, --bitset BITS    bitset size (default: the module's, 4096; 0: none)\n"
	  "  -d, --debug on|off   red zones and poison checks (default: the module's)\n"
	  "  -q, --quiet          no corruption reports on the console (still counted\n"
	  "                       and logged): for programs that damage it on purpose\n"
	  "  -p, --percpu         per-CPU caches: faster under many threads, but the\n"
	  "                       IDs and offsets depend on which CPU ran each call\n"
	  "                       (not deterministic; see edualloc(4))\n"
	  "In `edualloc shell`, `create` without NAME makes a private instance\n"
	  "that lives as long as the session.\n" },
	{ "attach", "NAME | --private",
	  "use another instance (in a shell: for the rest of the session)",
	  "Attaches to an instance and shows it. In `edualloc shell` the session\n"
	  "then works on it; elsewhere use -i NAME on each command instead.\n"
	  "  -p, --private  the shell session's own private instance\n" },
	{ "destroy", "NAME",
	  "destroy a named instance (its live allocations are reported as leaks)",
	  "Destroys a named instance you own. Allocations still live are leaks:\n"
	  "the module logs each one (see `edualloc log`).\n" },
	{ "list", "",
	  "all instances, with owner, capacity and use",
	  "Lists every instance: shared, named and private (\"pid<P>.<N>\").\n"
	  "'*' marks the one this command is attached to.\n" },
	{ "alloc", "SIZE...",
	  "allocate SIZE bytes (e.g. 64, 4K, 300K); prints the ID and offset",
	  "Allocates each SIZE and prints its ID, offset, size class and slot.\n"
	  "Sizes take K, M suffixes (powers of 1024). Up to 256K a request gets a\n"
	  "slot of a size class (8, 16, 32 ... 256K bytes); above, pages of its own.\n" },
	{ "free", "ID...",
	  "free allocations by ID (double frees are caught)",
	  "Frees each ID. A double free is refused and explained. With the debug\n"
	  "checks on, a damaged red zone (a heap overflow) is reported: the block\n"
	  "is freed, and the command fails to make you look.\n" },
	{ "realloc", "ID SIZE",
	  "resize an allocation (it moves: new ID and offset, contents kept)",
	  "Moves allocation ID to a new one of SIZE bytes, keeping the contents\n"
	  "up to the smaller size. The old ID is freed.\n" },
	{ "id", "OFFSET",
	  "which allocation holds this offset (offset -> ID)",
	  "Looks up the live allocation whose requested bytes hold OFFSET (decimal\n"
	  "or 0x hex) and prints its ID and where OFFSET falls inside it.\n" },
	{ "ptr", "ID",
	  "where allocation ID lives (ID -> offset)",
	  "Prints the offset of allocation ID in the instance, which is also its\n"
	  "mmap offset: a program that maps the arena finds it at arena + offset.\n" },
	{ "write", "ID TEXT [--hex] [--at POS] [--mmap]",
	  "write bytes into an allocation (checked, or through the mapping)",
	  "Writes TEXT (its bytes, without a NUL) into allocation ID.\n"
	  "  -x, --hex      TEXT is hex bytes: \"48 65 6c 6c 6f\" or 48656c6c6f\n"
	  "  -a, --at POS   start at byte POS (default 0)\n"
	  "  -m, --mmap     write through the mmap'd memory, as a C program's pointer\n"
	  "                 does: no bounds check, so you can overflow into the red\n"
	  "                 zone (and `free` will catch it). The default uses the\n"
	  "                 device's WRITE, which refuses bytes past the size.\n" },
	{ "read", "ID [--all] [--at POS] [--len N]",
	  "hexdump an allocation, with its red zone",
	  "Shows allocation ID as a hexdump: the requested bytes, then '|' and the\n"
	  "red zone up to the end of its slot (0xcc when intact). Damage there is\n"
	  "pointed out.\n"
	  "  -A, --all      every byte (default: the first 4 KiB of a big block)\n"
	  "  -a, --at POS   from byte POS\n"
	  "  -n, --len N    N bytes\n" },
	{ "dump", "OFFSET [LEN]",
	  "hexdump raw arena memory (free slots show the 0x6b poison)",
	  "Shows LEN bytes (default 64) of the arena from OFFSET through the\n"
	  "mapping, whatever lives there: freed slots hold 0x6b, the poison.\n" },
	{ "bit", "set|clear|get N | find [FROM] | clear-all",
	  "the instance's bitset",
	  "  bit set N       set bit N         bit get N    print bit N\n"
	  "  bit clear N     clear bit N       bit find [FROM]  first set bit >= FROM\n"
	  "  bit clear-all   clear every bit\n" },
	{ "stats", "[--times]",
	  "the instance's statistics (the seed's print_stats, as a table)",
	  "Memory usage, peak, live and total allocations, fragmentation, errors\n"
	  "caught, and the size classes in use.\n"
	  "  -t, --times    also the average time per alloc and free\n" },
	{ "classes", "[--all]",
	  "the size-class table (slabs, slots, allocs, frees, waste)",
	  "One line per size class: slabs held, slots used/total, allocations,\n"
	  "frees, failures and the bytes wasted inside slots.\n"
	  "  -A, --all      every class, not only those used\n" },
	{ "map", "[--width N]",
	  "a picture of the arena, one cell per page",
	  "Draws the arena, as debugfs's instances/NAME/map does (the PAGES ioctl):\n"
	  "one cell per page, a letter per size class, '.' for free pages. In\n"
	  "colour on a terminal.\n"
	  "  -w, --width N  cells per line (default: fit the terminal, at most 64)\n"
	  "  -r, --raw      the debugfs file as it is\n" },
	{ "log", "[-f] [-n N] | log level [0-3|off|errors|ops|explain]",
	  "the module's event log (from debugfs), and its verbosity",
	  "Prints the event log: one line per event of every instance.\n"
	  "  -f, --follow   keep printing new events (Ctrl-C stops)\n"
	  "  -n, --lines N  only the last N lines\n"
	  "  -I, --this     only events of the attached instance\n"
	  "`log level` shows the verbosity; `log level N` sets it (root):\n"
	  "0 off, 1 errors, 2 every operation, 3 explain (the allocator's decisions).\n" },
	{ "check", "",
	  "validate the instance's bookkeeping (VALIDATE)",
	  "Asks the module to check every page, slab, free list and counter of\n"
	  "the instance against the others.\n" },
	{ "reset", "",
	  "drop every allocation: the instance is as new (IDs from 1 again)",
	  "Frees every allocation at once (no leak report), zeroes the statistics\n"
	  "and the bitset. IDs start again from the first.\n" },
	{ "shell", "[SCRIPT] [-x]",
	  "run verbs from SCRIPT or stdin, on one instance for the whole session",
	  "Reads one verb per line (as on the command line, without `edualloc`),\n"
	  "from SCRIPT or standard input, on one open file: a private instance\n"
	  "made with `create` lives as long as the session. '#' starts a comment;\n"
	  "`quit` ends. The prompt appears only on a terminal.\n"
	  "  -x, --echo     print each line before running it\n"
	  "  -e, --errexit  stop at the first failing line\n"
	  "Exit status: 0 if every line succeeded, else that of the last failure.\n" },
	{ "replay", "TRACE [--capacity SIZE] [--no-verify] [--html OUT | --steps LIST [--engine]]",
	  "replay a CS:APP malloc-lab trace (.rep) and measure it",
	  "Replays TRACE on a fresh private instance: a header (suggested heap,\n"
	  "ID count, op count, weight; or only ID and op counts), then lines\n"
	  "`a ID SIZE`, `r ID SIZE`, `f ID`. Stops after the stated op count.\n"
	  "Payloads are filled and checked, as the malloc lab's driver does.\n"
	  "Prints utilization (peak live payload / peak footprint) and speed.\n"
	  "  -c, --capacity SIZE  the instance's capacity (default: from the trace)\n"
	  "  -V, --no-verify      do not fill and check payloads\n"
	  "With -i NAME it replays on that instance instead.\n"
	  "  --html OUT.html      draw the replay in one self-contained page (offline):\n"
	  "                       a slider over every operation, the arena page by\n"
	  "                       page, curves, and each operation with the allocator's\n"
	  "                       decisions. Made by the engine compiled into edualloc\n"
	  "                       (no module needed): the kernel's own decisions.\n"
	  "  --start STEP         the step the page opens at (default 0)\n"
	  "  --steps LIST         the figures after those operations (0,10,last), one\n"
	  "                       line (or JSON object) per step, on the device\n"
	  "  --engine             --steps in the engine compiled in, not the device\n" },
	{ "top", "[--count N] [--delay SECONDS] [--plain]",
	  "a live view: figures, map, size classes and log, a few times a second",
	  "Shows the instance live: its figures, its map, the size-class table and\n"
	  "the last lines of the event log about it (the log needs root: debugfs).\n"
	  "Keys: q quit, space pause, n / N next / previous instance (shared and\n"
	  "named ones), + / - refresh faster / slower.\n"
	  "Not on a terminal it prints plain frames, one by default.\n"
	  "  -n, --count N        N frames, then exit\n"
	  "  -d, --delay SECONDS  between frames (default 0.25)\n"
	  "  -P, --plain          plain frames even on a terminal\n" },
	{ "record", "OUT.rep [--follow]",
	  "turn what happened on the instance (the event log) into a trace",
	  "Writes the allocations, frees and reallocs of this instance that the\n"
	  "module's event log holds (debugfs; verbosity 2 or more) as a CS:APP\n"
	  "trace, which `edualloc replay` runs again and `replay --html` draws.\n"
	  "  -f, --follow   record the events from now on, until Ctrl-C\n"
	  "The log is a ring (log_size events): a longer run is recorded from\n"
	  "its oldest event on, and record says so.\n" },
	{ "run", "[--stats] [--map] [--exact] [--capacity SIZE] [--keep] -- PROGRAM [ARGS...]",
	  "run a program with its heap (malloc, free...) on the kernel allocator",
	  "Runs PROGRAM (dynamically linked, unmodified) with malloc, free, calloc,\n"
	  "realloc, posix_memalign... served by this instance, through the preloaded\n"
	  "libedualloc-preload.so. Without -i it gets an instance of its own,\n"
	  "\"run-PID\", destroyed at the end. Its exit status is the program's.\n"
	  "By default each thread keeps a cache of slots, taken from and returned to\n"
	  "the kernel in batches (one ioctl for up to 32); --exact makes every call\n"
	  "one ioctl with the size asked, so the log and the map show each call.\n"
	  "  -s, --stats          print the instance's statistics when it ends\n"
	  "  -m, --map            print the instance's map when it ends\n"
	  "  -x, --exact          one ioctl per call\n"
	  "  -c, --capacity SIZE  the new instance's capacity (default 64M)\n"
	  "  -k, --keep           keep the new instance (for stats, map, log later)\n"
	  "Watch it live with `edualloc top -i run-PID` (or run it with -i NAME).\n" },
	{ "help", "[VERB]",
	  "this list, or one verb in full",
	  "" },
};


#define NR_TEXTS (sizeof(texts) / sizeof(texts[0]))

static const struct verb_help *help_find(const char *verb)
{
	for (size_t i = 0; verb && i < NR_TEXTS; i++)
		if (!strcmp(texts[i].name, verb))
			return &texts[i];
	return NULL;
}

void help_overview(FILE *f, const struct verb *verbs, size_t n)
{
	fprintf(f,
		"usage: edualloc [-i NAME] [--json] [--color=WHEN] VERB [ARGS...]\n"
		"\n"
		"A command line for /dev/edualloc, the teaching allocator in the kernel.\n"
		"Every command works on one instance (a heap): the shared one, which\n"
		"everybody sees, unless -i NAME picks a named one.\n"
		"\n"
		"Verbs:\n");
	for (size_t i = 0; i < n; i++) {
		const struct verb_help *h = help_find(verbs[i].name);

		fprintf(f, "  %-9s %s\n", verbs[i].name, h ? h->summary : "");
	}
	fprintf(f,
		"\n"
		"Options (before or after the verb):\n"
		"  -i, --instance NAME  work on instance NAME (default: shared)\n"
		"      --json           reports as one JSON object per line\n"
		"      --color[=WHEN]   always, never or auto (default: on a terminal)\n"
		"  -h, --help           help; `edualloc help VERB` for one verb\n"
		"  -V, --version        the CLI's version\n"
		"\n"
		"Exit status: 0 success, 1 the operation failed (the message says why),\n"
		"2 a usage error.\n"
		"\n"
		"Start with:  edualloc alloc 64; edualloc stats; edualloc map\n");
}

bool help_verb(FILE *f, const char *verb)
{
	const struct verb_help *h = help_find(verb);

	if (!h)
		return false;
	fprintf(f, "usage: edualloc %s%s%s\n\n%s.\n", h->name, *h->usage ? " " : "", h->usage,
		h->summary);
	if (*h->help)
		fprintf(f, "\n%s", h->help);
	fprintf(f, "\nEvery verb also takes --json, --color[=WHEN], -i NAME and --help.\n");
	return true;
}

void help_usage_hint(const char *verb)
{
	const struct verb_help *h = help_find(verb);

	if (h)
		fprintf(stderr, "usage: edualloc %s %s  (see: edualloc help %s)\n", verb, h->usage,
			verb);
	else
		fprintf(stderr, "see: edualloc help\n");
}
