#!/usr/bin/env python3
"""Read a guest's serial console log and say what passed.

    analyze.py [--json] [--scan-only] KERNEL LOGFILE

Results (one per line, or a JSON list with --json):
  - every guest test between EDUALLOC-TEST-BEGIN/END markers (rc 0 passes,
    77 is a skip, a BEGIN without END fails: the guest crashed or hung there);
  - every KUnit case of every KTAP block (a failed, crashed or missing case
    fails; the plan line says how many there must be);
  - the exit marker (its absence means the guest never finished);
  - the console scan (kmemleak's report, printed between the KMEMLEAK
    markers after a final scan, included): any BUG:, WARNING:, KASAN, UBSAN, lockdep, kmemleak,
    KFENCE, hung-task, Oops or Call Trace report anywhere in the log fails.
Exit status: 0 if everything passed, 1 otherwise.
"""
import json
import re
import sys

REPORTS = [
    (r"BUG:", "BUG"),
    (r"WARNING:", "WARNING"),
    (r"KASAN", "KASAN"),
    (r"UBSAN", "UBSAN"),
    (r"possible (circular|recursive|irq[ -]lock|.*) ?locking", "lockdep"),
    (r"unreferenced object 0x", "kmemleak"),
    (r"kmemleak: \d+ new suspected memory leaks", "kmemleak"),
    (r"KFENCE: ", "KFENCE"),
    (r"blocked for more than \d+ seconds", "hung task"),
    (r"Oops", "Oops"),
    (r"Kernel panic", "panic"),
    (r"Call Trace", "Call Trace"),
    (r"general protection fault", "GPF"),
]
OK_RE = re.compile(r"^(\s*)(not ok|ok) (\d+) (.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?\s*$")
PLAN_RE = re.compile(r"^(\s*)1\.\.(\d+)\s*$")


def parse_ktap(suite, lines):
    """Return [(name, status, detail)] for the cases of one suite."""
    oks = [(m, len(m.group(1).expandtabs())) for m in map(OK_RE.match, lines) if m]
    plans = [(int(m.group(2)), len(m.group(1).expandtabs()))
             for m in map(PLAN_RE.match, lines) if m]
    if not oks:
        return [(f"kunit:{suite}", "fail", "no KTAP results (crashed before reporting?)")]
    levels = sorted({ind for _, ind in oks})
    case_ind = levels[1] if len(levels) > 1 else levels[0]
    out = []
    for m, ind in oks:
        if ind != case_ind:
            continue
        name = m.group(4).strip()
        if m.group(5) == "SKIP":
            out.append((f"kunit:{suite}.{name}", "skip", "skipped"))
        elif m.group(2) == "ok":
            out.append((f"kunit:{suite}.{name}", "pass", ""))
        else:
            out.append((f"kunit:{suite}.{name}", "fail", "case failed"))
    want = [n for n, ind in plans if ind == case_ind]
    if want and len(out) < want[0]:
        out.append((f"kunit:{suite}", "fail",
                    f"only {len(out)} of {want[0]} cases reported (crash or hang?)"))
    return out


def analyze(kernel, text):
    lines = text.splitlines()
    res = []
    begun = {}
    ktap = None
    for ln in lines:
        if ln.startswith("EDUALLOC-TEST-BEGIN: "):
            begun[ln.split(": ", 1)[1].strip()] = True
        elif ln.startswith("EDUALLOC-TEST-END: "):
            m = re.match(r"EDUALLOC-TEST-END: (\S+) rc=(\d+)(?: secs=(\d+))?", ln)
            if m:
                name, rc = m.group(1), int(m.group(2))
                secs = f"{m.group(3)} s" if m.group(3) else ""
                begun.pop(name, None)
                st = "pass" if rc == 0 else ("skip" if rc == 77 else "fail")
                why = "" if rc == 0 else f"exit status {rc}"
                res.append((f"{kernel}:{name}", st, ", ".join(x for x in (why, secs) if x)))
        elif ln.startswith("EDUALLOC-KTAP-BEGIN: "):
            ktap = (ln.split(": ", 1)[1].strip(), [])
        elif ln.startswith("EDUALLOC-KTAP-END: ") and ktap:
            res += [(f"{kernel}:{n}", s, d) for n, s, d in parse_ktap(*ktap)]
            ktap = None
        elif ktap is not None:
            ktap[1].append(ln)
    for name in begun:
        res.append((f"{kernel}:{name}", "fail", "started but never finished (crash or hang)"))
    exits = [ln for ln in lines if ln.startswith("EDUALLOC-EXIT: ")]
    res.append((f"{kernel}:guest-finished", "pass" if exits else "fail",
                "" if exits else "no exit marker: the guest crashed or hung"))
    found = []
    seen = set()  # the dmesg dump repeats what the console showed
    for i, ln in enumerate(lines):
        if ln.startswith("EDUALLOC-"):
            continue
        for pat, what in REPORTS:
            if re.search(pat, ln):
                msg = re.sub(r"^\[\s*[0-9.]+\]\s*", "", ln.strip())
                if msg not in seen:
                    seen.add(msg)
                    found.append(f"{what}: line {i + 1}: {msg[:160]}")
                break
    res.append((f"{kernel}:console-scan", "fail" if found else "pass",
                "; ".join(found[:5]) + (f" (+{len(found) - 5} more)" if len(found) > 5 else "")))
    return res


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    as_json = "--json" in sys.argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    kernel, path = args
    with open(path, errors="replace") as f:
        res = analyze(kernel, f.read())
    if "--scan-only" in sys.argv:
        res = [r for r in res if r[0].endswith(":console-scan")]
    if as_json:
        print(json.dumps([{"name": n, "status": s, "detail": d} for n, s, d in res], indent=1))
    else:
        for n, s, d in res:
            print(f"{s.upper():4} {n}" + (f"  ({d})" if d else ""))
    return 1 if any(s == "fail" for _, s, _ in res) else 0


if __name__ == "__main__":
    sys.exit(main())
