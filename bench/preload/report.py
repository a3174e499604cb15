#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's section on `edualloc run` (bench/preload).

    report.py --dir build/bench [--json]

Reads the "EDUALLOC-BENCH: preload" lines of DIR/vm.log: each program's
wall time alone (glibc) and under `edualloc run` in both modes, in the
same guest. Prints the slowdowns and their geometric means; the goal
(issue 16): the default (cached) mode at most 3x glibc, geometric mean.
"""
import argparse
import json
import math
import os
import re

GOAL = 3.0
PREFIX = "EDUALLOC-BENCH: preload "

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--json", action="store_true")
a = ap.parse_args()
res = {}
try:
    lines = open(os.path.join(a.dir, "vm.log"), errors="replace").read().splitlines()
except OSError:
    lines = []
for line in lines:
    if not line.startswith(PREFIX):
        continue
    d = dict(re.findall(r"(\w+)=(\S+)", line[len(PREFIX):]))
    if "prog" in d and "mode" in d:
        res.setdefault(d["prog"], {})[d["mode"]] = {
            k: int(v) for k, v in d.items() if k in ("min", "median", "reps", "status")}

progs, ratios = [], {"cached": [], "exact": []}
for p, m in res.items():
    row = {"program": p}
    base = m.get("glibc", {})
    row["glibc_ns"] = base.get("median")
    for mode in ("cached", "exact"):
        r = m.get(mode, {})
        row[mode + "_ns"] = r.get("median")
        ok = base.get("status") == 0 and r.get("status") == 0 and base.get("median")
        row[mode + "_x"] = round(r["median"] / base["median"], 3) if ok else None
        if ok:
            ratios[mode].append(r["median"] / base["median"])
    progs.append(row)


def gm(xs):
    return round(math.exp(sum(map(math.log, xs)) / len(xs)), 3) if xs else None


doc = {"programs": progs, "geomean_cached_x": gm(ratios["cached"]),
       "geomean_exact_x": gm(ratios["exact"]), "goal_cached_x": GOAL,
       "goal_met": gm(ratios["cached"]) is not None and gm(ratios["cached"]) <= GOAL}
if a.json:
    print(json.dumps(doc, indent=1))
else:
    print("\nedualloc run: real programs with their heap on the kernel allocator, against glibc")
    print("(the same guest, median wall time; cached: per-thread caches and batch ioctls,")
    print(" exact: one ioctl per call; module defaults: debug checks on, log at 'ops')\n")
    if not progs:
        print("  no results (see build/bench/vm.log)")
    else:
        print(f"  {'program':10} {'glibc':>9} {'cached':>9} {'x glibc':>8} {'exact':>9} {'x glibc':>8}")

        def s(ns):
            return f"{ns / 1e9:8.2f}s" if ns else "   failed"

        def x(v):
            return f"{v:7.2f}x" if v else "       -"
        for r in progs:
            print(f"  {r['program']:10} {s(r['glibc_ns'])} {s(r['cached_ns'])} {x(r['cached_x'])}"
                  f" {s(r['exact_ns'])} {x(r['exact_x'])}")
        g = doc["geomean_cached_x"]
        print(f"  {'geo. mean':10} {'':9} {'':9} {x(g)} {'':9} {x(doc['geomean_exact_x'])}")
        print(f"\n  goal: cached mode at most {GOAL:g}x glibc (geometric mean): "
              + ("MET" if doc["goal_met"] else "NOT MET" if g else "no figure"))
