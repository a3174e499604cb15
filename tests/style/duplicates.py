#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""No block of six or more lines stands twice in module/, userspace/ and
bench/ unless it is on the reviewed list.

    duplicates.py [--json] [--list]

Runs the `duplicates` command (the developers' tool: it lists the pairs of
places that share a run of six or more lines, the same or of the same
shape) on each of the three trees, and on the whole checkout for the pairs
that cross from one of them to another. Every pair must be on the list in
duplicates-allowed.txt, with at most the number of shared runs written
there: a pair that is not, or that shares more runs, fails the test.
A listed pair no longer found is reported, so that the list only shrinks.

Where the `duplicates` command is not installed, the test says so and
passes: there is nothing to measure with.

--list prints the pairs found in the list's format (to review a change).
Exit status: 0 pass (or skipped), 1 a new pair, 2 the tool failed.
"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
TREES = ("module", "userspace", "bench")
ALLOWED = os.path.join(HERE, "duplicates-allowed.txt")
ROW = re.compile(r"^D\d+ (\S+):\d+-\d+ ~ (\S+):\d+-\d+(.*)$")
MORE = re.compile(r"\(\+(\d+) more runs?\)")


def run(repo):
    """[(a, b, runs, row)] of `duplicates` on @repo, paths relative to it."""
    out = subprocess.run(["duplicates", "--repo", repo, "--most", "200", "--seconds", "300"],
                         capture_output=True, text=True, check=False).stdout
    pairs = []
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            more = MORE.search(m.group(3))
            pairs.append((m.group(1), m.group(2), 1 + (int(more.group(1)) if more else 0), line))
        elif line.startswith("incomplete:") or re.match(r"^\(\+\d+ more pairs\)", line):
            raise RuntimeError(f"duplicates on {repo}: {line}")
    return pairs


def found():
    """{"a ~ b": (runs, row)} over the three trees and across them."""
    got = {}

    def add(a, b, runs, row):
        key = " ~ ".join(sorted((a, b)))
        if key not in got or got[key][0] < runs:
            got[key] = (runs, row)

    for tree in TREES:
        for a, b, runs, row in run(os.path.join(TOP, tree)):
            add(f"{tree}/{a}", f"{tree}/{b}", runs, row)
    for a, b, runs, row in run(TOP):
        ta, tb = a.split("/")[0], b.split("/")[0]
        if ta in TREES and tb in TREES and ta != tb:
            add(a, b, runs, row)
    return got


def allowed():
    """{"a ~ b": runs} of the reviewed list: "a ~ b  RUNS  reason"."""
    allow = {}
    with open(ALLOWED, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^(\S+) ~ (\S+)\s+(\d+)\s+\S", line)
            if not m:
                raise SystemExit(f"{ALLOWED}:{n}: not 'a ~ b  RUNS  reason'")
            allow[" ~ ".join(sorted((m.group(1), m.group(2))))] = int(m.group(3))
    return allow


def main():
    as_json = "--json" in sys.argv[1:]
    if not shutil.which("duplicates"):
        msg = "the duplicates command is not installed: nothing checked"
        print(json.dumps({"status": "skip", "why": msg}) if as_json else f"SKIP duplicates: {msg}")
        return 0
    try:
        got = found()
    except RuntimeError as e:
        print(json.dumps({"status": "error", "why": str(e)}) if as_json else f"FAIL duplicates: {e}")
        return 2
    if "--list" in sys.argv[1:]:
        for key in sorted(got):
            print(f"{key}  {got[key][0]}  ?")
        return 0
    allow = allowed()
    new = [(k, got[k]) for k in sorted(got) if k not in allow or got[k][0] > allow[k]]
    gone = sorted(k for k in allow if k not in got)
    if as_json:
        print(json.dumps({
            "status": "fail" if new else "pass",
            "pairs": len(got), "allowed": len(allow),
            "new": [{"pair": k, "runs": r, "allowed_runs": allow.get(k, 0), "row": row}
                    for k, (r, row) in new],
            "no_longer_found": gone,
        }, indent=1))
        return 1 if new else 0
    for k, (runs, row) in new:
        was = f" (the list allows {allow[k]} runs)" if k in allow else ""
        print(f"  new: {k}: {runs} run(s){was}\n       {row}")
    for k in gone:
        print(f"  gone: {k}: no longer found, take it off {os.path.relpath(ALLOWED, TOP)}")
    if new:
        print(f"FAIL duplicates: {len(new)} pair(s) of places repeat six or more lines "
              f"(module/, userspace/, bench/): share the code, or review the pair and add it "
              f"to {os.path.relpath(ALLOWED, TOP)} with the reason")
        return 1
    print(f"PASS duplicates: {len(got)} pairs, all on the reviewed list ({len(allow)} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
