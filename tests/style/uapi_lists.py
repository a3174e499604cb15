#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The man pages' lists agree with the uapi header's, the one source.

    uapi_lists.py [--json]

include/uapi/linux/edualloc.h keeps each list once (the error kinds, the
events and their log levels, the operations, the feature bits, the
instance kinds, the commands); the programs are made from it, but
man/edualloc.4 names them in prose, and where a list stands beside its
#defines the two must agree. Checked here, one line per list:
  - every EDUALLOC_FEAT_* #define is in EDUALLOC_FEATURE_NAMES, in bit
    order, and in the man page's VERSION paragraph;
  - every EDUALLOC_KIND_* and every command (EDUALLOC_IOC_*) is in its
    list (EDUALLOC_KINDS, EDUALLOC_COMMANDS), in value order, a command
    with its argument's type; every command has its paragraph in the man
    page; each command whose struct has a "user pointer" field has its
    row in tests/abi/abi-efault.c's INNER table;
  - the STATS paragraph names every error kind, no other;
  - the log's "event" column lists every event at its level, no other;
  - the log's "op" column lists every operation, no other;
  - every command has one "Errors:" block in its comment, naming only
    errnos, and the fuzzer (tests/hardening/hard-fuzz.c) takes its table
    of each command's errors from them (cmd_errs.py, at build time), with
    no row of its own; each command's paragraph in edualloc(4) names
    its errors, no other (but those every command can return).
Exit status 0 if all agree, 1 if not.
"""
import os
import re
import sys

import style_report

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests/hardening"))
import cmd_errs  # noqa: E402  (the reading the fuzzer's build uses)
HEADER = os.path.join(TOP, "include/uapi/linux/edualloc.h")
MAN4 = os.path.join(TOP, "man/edualloc.4")
LEVELS = {"ERRORS": 1, "OPS": 2, "EXPLAIN": 3}
# The log's records that the device writes itself (edualloc_obs.c), not
# engine events: an instance made and destroyed.
DEVICE_RECORDS = {"create": 2, "destroy": 2}


def xlist(text, name):
    """The argument lists of X(...) in #define NAME(X), comments dropped."""
    m = re.search(r"^#define " + name + r"\(X\)(.*?)(?<!\\)\n", text, re.M | re.S)
    if not m:
        raise SystemExit(f"{HEADER}: no #define {name}(X)")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S).replace("\\\n", " ")
    return [[a.strip() for a in args.split(",")] for args in re.findall(r"\bX\(([^()]*)\)", body)]


def xlist_pairs(text):
    """(NAME, struct type) of each command in EDUALLOC_COMMANDS."""
    return [(a[0], a[1]) for a in xlist(text, "EDUALLOC_COMMANDS")]


def man_text(path):
    """The page's text without its font requests, one line per source line."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = re.sub(r"^\.(?:B|I|BR|RB|IR|RI|BI|IB)\s+", "", line.rstrip("\n"))
            out.append(line.replace('"', "").replace("\\-", "-"))
    return "\n".join(out)


def words(s):
    return set(re.findall(r"[a-z_]+", s))


def main():
    with open(HEADER, encoding="utf-8") as f:
        hdr = f.read()
    man = man_text(MAN4)
    results = []

    def check(name, problems):
        results.append({"check": name, "ok": not problems, "problems": problems})

    # Feature bits: the #defines, the list, the man page.
    defs = re.findall(r"^#define EDUALLOC_FEAT_(\w+)\s+\(1ULL << (\d+)\)", hdr, re.M)
    listed = [a[0] for a in xlist(hdr, "EDUALLOC_FEATURE_NAMES")]
    by_bit = [n for n, _ in sorted(defs, key=lambda d: int(d[1]))]
    probs = []
    if listed != by_bit:
        probs.append(f"EDUALLOC_FEATURE_NAMES {listed} is not the #defines in bit order {by_bit}")
    para = re.search(r"EDUALLOC_IOC_VERSION.*?\n\.TP", man, re.S)
    para_words = set(re.findall(r"[A-Z_]+", para.group(0) if para else ""))
    probs += [f"man 4: VERSION's features lack {n}" for n in by_bit if n not in para_words]
    check("feature bits: header list, #defines, edualloc(4)", probs)

    # Commands: the list is the #defines, in number order; each has its paragraph.
    defs = re.findall(r"^#define EDUALLOC_IOC_(\w+)\s+_IO\w*\(EDUALLOC_IOC_MAGIC, (0x[0-9a-f]+), "
                      r"struct (\w+)\)", hdr, re.M)
    cmds = [n for n, _, _ in sorted(defs, key=lambda d: int(d[1], 16))]
    listed = xlist_pairs(hdr)
    by_number = [(n, t) for n, _, t in sorted(defs, key=lambda d: int(d[1], 16))]
    probs = []
    if listed != by_number:
        probs.append(f"EDUALLOC_COMMANDS {listed} is not the #defines in number order {by_number}")
    check("commands: EDUALLOC_COMMANDS is the EDUALLOC_IOC_* #defines", probs)
    probs = [f"man 4: no paragraph for EDUALLOC_IOC_{c}" for c in cmds
             if not re.search(r"^(?=EDUALLOC_IOC_).*\bEDUALLOC_IOC_" + c + r"\b", man, re.M)]
    check("commands: every EDUALLOC_IOC_* in edualloc(4)", probs)

    # Instance kinds: the list is the #defines, in value order.
    defs = re.findall(r"^#define EDUALLOC_KIND_(\w+)\s+(\d+)$", hdr, re.M)
    listed = [a[0] for a in xlist(hdr, "EDUALLOC_KINDS")]
    by_value = [n for n, _ in sorted(defs, key=lambda d: int(d[1]))]
    check("instance kinds: EDUALLOC_KINDS is the EDUALLOC_KIND_* #defines",
          [] if listed == by_value else
          [f"EDUALLOC_KINDS {listed} is not the #defines in value order {by_value}"])

    # Commands whose argument holds a user pointer: tests/abi/abi-efault.c
    # points each such pointer at bad memory (its INNER rows).
    pointers = set()
    for struct, body in re.findall(r"^struct (\w+) \{\n(.*?)^\};", hdr, re.M | re.S):
        if re.search(r"/\*[^*]*\buser pointer\b", body):
            pointers.add(struct)
    with open(os.path.join(TOP, "tests/abi/abi-efault.c"), encoding="utf-8") as f:
        inner = set(re.findall(r"^\s*INNER\((\w+),", f.read(), re.M))
    want = [n for n, t in xlist_pairs(hdr) if t in pointers]
    probs = [f"tests/abi/abi-efault.c: no INNER({n}, ...) row for its user pointer"
             for n in want if n not in inner]
    probs += [f"tests/abi/abi-efault.c: INNER({n}, ...) but struct has no user pointer"
              for n in sorted(inner - set(want))]
    if not want:
        probs.append("no command's struct has a field commented 'user pointer'")
    check("commands with a user pointer inside: each in abi-efault's INNER rows", probs)

    # Error kinds: the STATS paragraph's list.
    kinds = [a[1] for a in xlist(hdr, "EDUALLOC_ERRORS")]
    m = re.search(r"EDUALLOC_ERR_ \*:(.*?)\),", man, re.S)
    got = words(m.group(1)) if m else set()
    probs = [f"man 4 (STATS): error kind {k} missing" for k in kinds if k not in got]
    probs += [f"man 4 (STATS): {k} is no error kind" for k in sorted(got - set(kinds))]
    check("error kinds: EDUALLOC_ERRORS in edualloc(4)", probs)

    # Events, by level: "(verbosity 1: ...; 2: also ...; 3: also ...:  ..., which".
    events = {a[1]: LEVELS[a[2]] for a in xlist(hdr, "EDUALLOC_EVENTS")}
    events.update(DEVICE_RECORDS)
    m = re.search(r"\(verbosity 1:(.*?);\s*2: also(.*?);\s*3: also the engine's decisions:(.*?),\s*which",
                  man, re.S)
    probs = []
    if not m:
        probs.append("man 4: the log's event column (verbosity 1: ...; 2: ...; 3: ...) not found")
    else:
        for lvl in (1, 2, 3):
            want = {e for e, l in events.items() if l == lvl}
            have = words(m.group(lvl))
            probs += [f"man 4 (log): event {e} missing at verbosity {lvl}" for e in sorted(want - have)]
            probs += [f"man 4 (log): {e} is no event of verbosity {lvl}" for e in sorted(have - want)]
    check("events: EDUALLOC_EVENTS and their levels in edualloc(4)", probs)

    # Operations: the op column.
    ops = {a[1] for a in xlist(hdr, "EDUALLOC_OPS")}
    m = re.search(r"^op\n\((.*?)\)", man, re.M | re.S)
    have = words(m.group(1)) - {"or"} if m else set()
    probs = [f"man 4 (log): op {o} missing" for o in sorted(ops - have)]
    probs += [f"man 4 (log): {o} is no op" for o in sorted(have - ops)]
    check("operations: EDUALLOC_OPS in edualloc(4)", probs)

    # Each command's errors: its Errors: block, read as the fuzzer's build
    # reads it; the fuzzer's table is that reading, not a copy.
    _, probs = cmd_errs.command_errors(hdr)
    fuzz = os.path.join(TOP, "tests/hardening/hard-fuzz.c")
    with open(fuzz, encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"^static const eset cmd_errs\[NR_CMDS\] = (.*?);$", src, re.M | re.S)
    if not m:
        probs.append("tests/hardening/hard-fuzz.c: no cmd_errs[NR_CMDS] table")
    elif (m.group(1) != "{ EDUALLOC_COMMANDS(C_ERRS) }" or
          not re.search(r"^#define C_ERRS\(NAME, type\)\s+\[C_##NAME\] = ERRS_##NAME\b", src, re.M) or
          '#include "cmd-errs.h"' not in src):
        probs.append("tests/hardening/hard-fuzz.c: cmd_errs[] is not EDUALLOC_COMMANDS(C_ERRS) "
                     "over cmd-errs.h's ERRS_<command> (made from the header's Errors: blocks)")
    probs += [f"tests/hardening/hard-fuzz.c: a command's errors written by hand: {l.strip()}"
              for l in re.findall(r"^.*(?:#define ERRS_\w+|\[C_\w+\] = E\().*$", src, re.M)]
    check("command errors: every command's Errors: block, the fuzzer's table made from them",
          probs)

    # The same errors in each command's paragraph of edualloc(4): its
    # "Errors:" part (an .RS/.RE list, or a sentence up to the next .TP).
    own, general, _ = cmd_errs.command_errors(hdr, own_only=True)
    with open(MAN4, encoding="utf-8") as f:
        lines = f.read().split("\n")
    man_errs = {}
    cur = None
    for i, line in enumerate(lines):
        if re.match(r"^\.BR? EDUALLOC_IOC_\w+", line) and i and lines[i - 1] == ".TP":
            cur = re.findall(r"\bEDUALLOC_IOC_(\w+)\b", line)
            part = None
        elif cur and line.startswith("Errors"):
            part = set()
            for c in cur:
                man_errs[c] = part
            listed = lines[i + 1] == ".RS"
        elif cur and part is not None:
            if (line == ".RE" if listed else re.match(r"^\.(TP|SH|PP|RE)\b", line)):
                cur = None
                continue
            m = re.match(r"^\.(?:B|BR) (E[A-Z0-9]+)\b", line)
            if m and m.group(1) != "EDUALLOC":
                part.add(m.group(1))
    probs = []
    for c, errs in own.items():
        if c not in man_errs:
            if errs:
                probs.append(f"man 4: EDUALLOC_IOC_{c}: no Errors: part")
            continue
        probs += [f"man 4: EDUALLOC_IOC_{c}: {e} missing" for e in errs
                  if e not in man_errs[c] and e not in general]
        probs += [f"man 4: EDUALLOC_IOC_{c}: {e} is not in the header's Errors: block"
                  for e in sorted(man_errs[c] - set(errs) - set(general))]
    check("command errors: each command's Errors: block in edualloc(4)", probs)

    return style_report.report("uapi lists", "checks", results, lambda r: r["check"])

if __name__ == "__main__":
    sys.exit(main())
