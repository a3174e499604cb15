#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The documents name only verbs, options and make targets that exist.

    doc_commands.py [--json] [EDUALLOC]

Reads every `edualloc VERB ...` command of the README, the docs (the
student's guide, see-it.md, architecture.md, docs/README.md) and the man
pages (edualloc(1)'s verb sections, every page's examples), in code
blocks and in `inline code`, and every `make TARGET`, and checks:
  - VERB is one of the CLI's verbs (`edualloc help` lists them);
  - each option on the command (-x, --long) is one the verb takes: its
    `edualloc help VERB`, or the options every verb takes;
  - edualloc(1) has a section for every verb;
  - TARGET is a target of the top Makefile (or of packaging/install.mk).
EDUALLOC is the CLI to ask (default: userspace/build/edualloc, built by
`make userspace`). One line per document; exit status 0 if all hold.
"""
import os
import re
import subprocess
import sys

import style_report

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DOCS = ["README.md", "docs/README.md", "docs/student-guide.md", "docs/see-it.md",
        "docs/architecture.md", "man/edualloc.1", "man/edualloc.4", "man/libedualloc.3"]
GLOBAL = {"-i", "--instance", "--json", "--color", "--colour", "--no-color", "-h", "--help",
          "-V", "--version"}
OPT = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)")


def cli_help(cli, verb=None):
    args = [cli, "help"] + ([verb] if verb else [])
    r = subprocess.run(args, capture_output=True, text=True, check=False)
    return r.stdout + r.stderr


def verbs_of(cli):
    text = cli_help(cli)
    block = text.split("Verbs:", 1)[1].split("\n\n", 1)[0]
    return {m.group(1) for m in re.finditer(r"^  ([a-z][a-z-]*)\s", block, re.M)}


def options_of(cli, verb):
    return set(OPT.findall(cli_help(cli, verb))) | GLOBAL


def make_targets():
    names = set()
    for mk in ("Makefile", "packaging/install.mk"):
        path = os.path.join(TOP, mk)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^([A-Za-z0-9][\w.-]*(?:\s+[A-Za-z0-9][\w.-]*)*)\s*:(?!=)", line)
                if m:
                    names.update(m.group(1).split())
    return names


def roff_plain(line):
    """A man page line without its font requests and escapes."""
    line = re.sub(r"^\.(?:B|I|BR|RB|IR|RI|BI|IB|SS|SH|TP|IP)\b\s*", "", line)
    line = re.sub(r"\\f[BIRP]", "", line).replace("\\-", "-").replace("\\(em", " ")
    return line.replace('"', "")


def commands(path):
    """[(line, text)] of the places that run edualloc or make in @path."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    man = path.endswith(tuple(f".{n}" for n in range(1, 9)))
    fence = False
    verb = None			# edualloc(1): the verb section we are in
    for n, line in enumerate(lines, 1):
        if man:
            # Examples (.EX/.EE, .nf/.fi), commands set in bold, and in
            # edualloc(1) each verb's heading and the options under it.
            if re.match(r"^\.(EX|nf)\b", line) or re.match(r"^\.(EE|fi)\b", line):
                fence = line.startswith((".EX", ".nf"))
                continue
            if line.startswith(".SH"):
                verb = None
            if line.startswith(".SS") and path.endswith("edualloc.1"):
                verb = roff_plain(line).split()[0]
                out.append((n, "edualloc " + roff_plain(line)))
            elif fence or re.match(r'^\.BR? "?edualloc ', line):
                out.append((n, roff_plain(line)))
            elif verb and line.startswith((".TP", ".B", ".IP")) and "\\-" in line:
                out.append((n, f"edualloc {verb} " + roff_plain(line)))
            continue
        if line.lstrip().startswith("```"):
            fence = not fence
            continue
        if fence:
            out.append((n, line[2:] if line.startswith("$ ") else line))
        else:
            out += [(n, code) for code in re.findall(r"`([^`]+)`", line)]
    return out


def split_cmds(text):
    """The edualloc and make invocations in a line: [(tool, [words])]."""
    found = []
    for part in re.split(r"[;|&()]|\s#\s|\s>\s|\s2>|\s<\s", text):
        words = part.split()
        for i, w in enumerate(words):
            if w in ("edualloc", "make") and (i == 0 or words[i - 1] in ("sudo", "nice", "$")):
                found.append((w, words[i + 1:]))
                break
    return found


def check_edualloc(words, verbs, opts_cache, cli):
    """The problems of `edualloc WORDS`, or [] (nothing checkable is [])."""
    i, probs = 0, []
    while i < len(words) and words[i].startswith("-"):		# options before the verb
        w = words[i].split("=")[0]
        if w not in GLOBAL:
            probs.append(f"edualloc {w}: no such option (before the verb)")
        i += 2 if w in ("-i", "--instance") else 1
    if i >= len(words):
        return probs
    verb = words[i]
    if not re.fullmatch(r"[a-z][a-z-]*", verb) or verb in ("verb", "verbs"):
        return probs			# a placeholder (VERB, ...) or prose
    if verb not in verbs:
        return probs + [f"edualloc {verb}: no such verb"]
    if verb not in opts_cache:
        opts_cache[verb] = options_of(cli, verb)
    for w in words[i + 1:]:
        if w == "--":
            break			# the program run's own arguments
        for opt in OPT.findall(w.split("=")[0]) if w.startswith("-") else []:
            if opt not in opts_cache[verb]:
                probs.append(f"edualloc {verb} {opt}: the verb has no such option")
    return probs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cli = args[0] if args else os.path.join(TOP, "userspace/build/edualloc")
    if not os.access(cli, os.X_OK):
        print(f"FAIL doc commands: no CLI at {cli} (make userspace)")
        return 1
    verbs, targets, cache = verbs_of(cli), make_targets(), {}
    report = []
    for doc in DOCS:
        path = os.path.join(TOP, doc)
        if not os.path.exists(path):
            continue
        probs, count = [], 0
        for n, text in commands(path):
            for tool, words in split_cmds(text):
                count += 1
                if tool == "edualloc":
                    probs += [f"{doc}:{n}: {p}" for p in check_edualloc(words, verbs, cache, cli)]
                elif words and re.fullmatch(r"[a-z][\w.-]*", words[0]) and words[0] not in targets:
                    probs.append(f"{doc}:{n}: make {words[0]}: no such target")
        if doc == "man/edualloc.1":
            with open(path, encoding="utf-8") as f:
                sections = {roff_plain(l).split()[0] for l in f if l.startswith(".SS")}
            probs += [f"{doc}: no section for the verb {v}" for v in sorted(verbs - sections)]
        report.append({"doc": doc, "ok": not probs, "commands": count,
                       "problems": sorted(set(probs))})
    return style_report.report("doc commands", "docs", report,
                               lambda r: f"{r['doc']} ({r['commands']} commands)")

if __name__ == "__main__":
    sys.exit(main())
