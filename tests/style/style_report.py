# SPDX-License-Identifier: GPL-2.0
"""The report of a tests/style check: one line per item, then a summary.

Each item is a dict with "ok" (bool) and "problems" (lines); with --json
the items go out whole under their list's name, with the counts.
"""
import json
import sys


def report(title, key, items, label):
    """Print @items (@label(item) names each) as text, or as JSON under
    @key with --json; the summary line starts with @title. Returns the exit
    status: 1 if an item failed, else 0."""
    bad = [i for i in items if not i["ok"]]
    if "--json" in sys.argv[1:]:
        print(json.dumps({"passed": len(items) - len(bad), "failed": len(bad), key: items},
                         indent=1))
    else:
        for i in items:
            print(f"  {'PASS' if i['ok'] else 'FAIL'} {label(i)}")
            for p in i["problems"]:
                print(f"       {p}")
        print(f"{title}: {len(items) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0
