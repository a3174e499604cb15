#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Each ioctl command's errors, read from the uapi header's comments.

    cmd_errs.py [HEADER] > cmd-errs.h

include/uapi/linux/edualloc.h says once what each command may return:
the "Errors:" block of the command's comment (the comment that begins
"EDUALLOC_IOC_<NAME>:", or "EDUALLOC_IOC_A / EDUALLOC_IOC_B:" for two),
one errno a line:

     * Errors:
     *	-EINVAL	why...
     *		more of why.
     *	-E2BIG, -ENOMEM as ALLOC.

or "Errors: none of its own ...", plus the rules for every ioctl at the
top ("every command can fail with:" and "every command that works on the
attached instance (<NAME> and after) with:", in the same layout). This
prints, for the fuzzer (hard-fuzz.c), one line per command:

    #define ERRS_<NAME> (E(EINVAL) | ...)

and exits 1, saying why, when the header cannot be read that way (a
command without its block, or with two; a block naming no command; a
name that is no errno). tests/style/uapi_lists.py runs the same reading.
"""
import errno
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
HEADER = os.path.join(TOP, "include/uapi/linux/edualloc.h")

# An entry: "\t-EINVAL\t..." or "\t-E2BIG, -ENOMEM, -ENOSPC as ALLOC";
# a line that goes on with the one above starts with two tabs.
ENTRY = re.compile(r"^ \*\t(-E[A-Z0-9]+(?:, -E[A-Z0-9]+)*)\b")
MORE = re.compile(r"^ \*\t\t")


def commands(text):
    """The command names of EDUALLOC_COMMANDS, in order."""
    m = re.search(r"^#define EDUALLOC_COMMANDS\(X\)(.*?)(?<!\\)\n", text, re.M | re.S)
    if not m:
        raise ValueError("no #define EDUALLOC_COMMANDS(X)")
    return re.findall(r"\bX\((\w+),", m.group(1))


def entries(lines, problems, where):
    """The errnos of the entries at the start of @lines."""
    out = []
    for line in lines:
        m = ENTRY.match(line)
        if m:
            for e in m.group(1).split(", "):
                if not hasattr(errno, e[1:]):
                    problems.append(f"{where}: {e} is no errno")
                elif e[1:] not in out:
                    out.append(e[1:])
        elif not MORE.match(line):
            break
    if not out:
        problems.append(f"{where}: no \"\\t-EXXX\\t...\" line")
    return out


def after(text, pattern, problems, what):
    """The entries of the list that follows @pattern (a regex) in @text."""
    m = re.search(pattern, text, re.M)
    if not m:
        problems.append(f"the rules for every ioctl: \"{what}\" not found")
        return m, []
    return m, entries(text[m.end():].split("\n")[1:], problems, what)


def command_errors(text, own_only=False):
    """({command: [errno names]}, [problems]) as the header documents them;
    @own_only: only those of the Errors: blocks, without the rules for
    every ioctl (then also the list of errnos those rules name)."""
    problems = []
    try:
        cmds = commands(text)
    except ValueError as e:
        return {}, [str(e)]
    _, every = after(text, r"every command can\n \* fail with:$", problems,
                     "every command can fail with:")
    m, attached = after(text, r"every command that works on the attached instance"
                        r" \((\w+) and after\)\n \* with:$", problems,
                        "every command that works on the attached instance (X and after) with:")
    first = m.group(1) if m else None
    if first is not None and first not in cmds:
        problems.append(f"the rules for every ioctl: ({first} and after): no such command")
    own = {}
    for comment in re.findall(r"^/\*\n(.*?)^ \*/", text, re.M | re.S):
        lines = comment.split("\n")
        head = re.match(r" \* (EDUALLOC_IOC_\w+(?: / EDUALLOC_IOC_\w+)*):", lines[0])
        blocks = [i for i, l in enumerate(lines) if re.match(r" \* Errors\b[^:]*:", l)]
        if not head:
            if blocks:
                problems.append(f"an Errors: block in a comment that names no command: "
                                f"\"{lines[0][3:]}\"")
            continue
        names = [n[len("EDUALLOC_IOC_"):] for n in head.group(1).split(" / ")]
        where = " / ".join(names)
        if not blocks:
            continue  # said below, for each command
        if len(blocks) > 1:
            problems.append(f"{where}: {len(blocks)} Errors: blocks, not 1")
            continue
        rest = lines[blocks[0]].split(":", 1)[1].strip()
        if rest.startswith("none"):
            errs = []
        else:
            errs = entries(lines[blocks[0] + 1:], problems, where)
        for n in names:
            if n not in cmds:
                problems.append(f"{where}: EDUALLOC_IOC_{n} is not in EDUALLOC_COMMANDS")
            elif n in own:
                problems.append(f"{n}: documented twice")
            else:
                own[n] = errs
    if own_only:
        return own, every + attached, problems
    out = {}
    late = False
    for c in cmds:
        late = late or c == first
        if c not in own:
            problems.append(f"EDUALLOC_IOC_{c}: no Errors: block in its comment")
            continue
        out[c] = own[c] + [e for e in every + (attached if late else []) if e not in own[c]]
    return out, problems


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else HEADER
    with open(path, encoding="utf-8") as f:
        errs, problems = command_errors(f.read())
    if problems:
        for p in problems:
            print(f"{path}: {p}", file=sys.stderr)
        return 1
    print("/* Generated by tests/hardening/cmd_errs.py from the uapi header: do not edit. */")
    print("/* ERRS_<command>: its Errors: block and the rules for every ioctl. */")
    for c, e in errs.items():
        print(f"#define ERRS_{c}\t({' | '.join(f'E({x})' for x in e)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
