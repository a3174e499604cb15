#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The replay page in headless Chromium.

Usage: browser_test.py EDUALLOC OUTDIR TRACE...

For each trace: `edualloc replay --html` makes the page; Chromium opens it
with every network request refused (a proxy that does not exist, no DNS);
the browser's log must hold no error (a JavaScript error, or a blocked
request, is one); the page is moved to chosen steps through its slider,
its keys and its buttons, and its summary of each step (the data-*
attributes of #summary, computed by the page from its own state) must
equal `edualloc replay --engine --steps ... --json` at that step.
"""
import json
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

edualloc, out, traces = sys.argv[1], sys.argv[2], sys.argv[3:]
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
              "--window-size=1400,1000", "--disable-extensions", "--no-first-run"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


FIELDS = {  # the page's data-* name: the JSON key
    "pages-used": "pages_used", "pages-free": "pages_free", "pages-total": "pages_total",
    "live-allocs": "live_allocs", "live-bytes": "live_requested",
    "live-allocated": "live_allocated", "large-count": "large_count",
    "large-bytes": "large_bytes", "used-bytes": "used_bytes",
}


def summary(d):
    el = d.find_element(By.ID, "summary")
    got = {"step": int(el.get_attribute("data-step"))}
    for k in FIELDS:
        got[k] = int(el.get_attribute("data-" + k))
    return got


def compare(got, want, how):
    bad = [f"{k} {got[k]} != {want[v]}" for k, v in FIELDS.items() if got[k] != want[v]]
    check(got["step"] == want["step"] and not bad,
          f"step {want['step']} ({how}): pages {got['pages-used']} used / "
          f"{got['pages-free']} free, {got['live-allocs']} live, {got['live-bytes']} bytes"
          + (" -- " + "; ".join(bad) if bad else "") +
          ("" if got["step"] == want["step"] else f" -- the page is at step {got['step']}"))


def errors(d):
    return [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]


d = browser()
try:
    for trace in traces:
        name = os.path.basename(trace)
        page = os.path.join(out, name + ".html")
        subprocess.run([edualloc, "replay", "--html", page, trace], check=True,
                       stdout=subprocess.DEVNULL)
        text = open(page, encoding="utf-8").read()
        check("http://" not in text and "https://" not in text and " src=" not in text
              and "<link" not in text, f"{name}: the page names nothing outside itself")
        nops = json.loads(subprocess.run(
            [edualloc, "replay", "--engine", "--steps", "last", "--json", trace],
            check=True, capture_output=True, text=True).stdout)["ops"]
        steps = sorted({0, 1, 2, 5, nops // 3, nops // 2, (2 * nops) // 3, nops - 1, nops})
        steps = [s for s in steps if 0 <= s <= nops]
        res = subprocess.run([edualloc, "replay", "--engine", "--json", "--steps",
                              ",".join(map(str, steps)), trace],
                             check=True, capture_output=True, text=True)
        want = {j["step"]: j for j in map(json.loads, res.stdout.splitlines())}

        t0 = time.time()
        d.get("file://" + os.path.abspath(page))
        for _ in range(200):
            if d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1":
                break
            time.sleep(0.05)
        secs = time.time() - t0
        check(d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1",
              f"{name}: the page is ready in {secs:.2f} s ({len(text) >> 10} KiB, {nops} operations)")
        errs = errors(d)
        check(not errs, f"{name}: no JavaScript error or blocked request on load"
              + "".join("\n    " + e["message"] for e in errs))

        # The slider, moved as a user moves it (its value, then its input event).
        slider = d.find_element(By.ID, "slider")
        check(slider.get_attribute("max") == str(nops), f"{name}: the slider spans {nops} steps")
        for s in steps:
            d.execute_script("arguments[0].value = arguments[1];"
                             "arguments[0].dispatchEvent(new Event('input'));", slider, s)
            compare(summary(d), want[s], "slider")
        # The keys and the buttons.
        mid = steps[len(steps) // 2]
        d.execute_script("arguments[0].value = arguments[1];"
                         "arguments[0].dispatchEvent(new Event('input'));", slider, mid - 1 if mid else 0)
        d.find_element(By.TAG_NAME, "body").click()
        if mid:
            ActionChains(d).send_keys(Keys.ARROW_RIGHT).perform()
            compare(summary(d), want[mid], "the right arrow key")
        ActionChains(d).send_keys(Keys.END).perform()
        compare(summary(d), want[nops], "the End key")
        d.find_element(By.ID, "first").click()
        compare(summary(d), want[0], "the first-step button")
        d.find_element(By.ID, "last").click()
        d.find_element(By.ID, "back").click()
        compare(summary(d), want[nops - 1], "the last-step button, then one back")
        # Backwards through every step seen, after going to the end: the undo path.
        for s in reversed(steps):
            d.execute_script("window.edualloc.seek(arguments[0])", s)
            compare(summary(d), want[s], "stepping back")

        # Hover a page in use: its allocations are listed.
        s = max(steps, key=lambda k: want[k]["pages_used"])
        d.execute_script("window.edualloc.seek(arguments[0])", s)
        found = d.execute_script("""
            var m = document.getElementById('map'), r = m.getBoundingClientRect();
            return [r.left, r.top, r.width, r.height, m.width];""")
        details = ""
        if want[s]["live_allocs"] - want[s]["large_count"] > 0:
            # The pages the page itself says are in use (one mouse move
            # takes about 0.3 s: not every page of the map).
            in_use = d.execute_script("return window.edualloc.inUse()")
            check(len(in_use) == want[s]["pages_used"],
                  f"{name}: the page lists {len(in_use)} pages in use at step {s}")
            for p in in_use:
                cols = 32 if want[s]["pages_total"] <= 256 else 64
                cell = found[4] / cols
                x = (p % cols) * cell + cell / 2
                y = (p // cols) * cell + cell / 2
                ActionChains(d).move_to_element_with_offset(
                    d.find_element(By.ID, "map"), int(x - found[2] / 2), int(y - found[3] / 2)).perform()
                details = d.find_element(By.ID, "details").text
                if "ID " in details:
                    break
            check("ID " in details and "page " in details,
                  f"{name}: hovering a page in use lists its allocations: "
                  + details.splitlines()[0] if details else "nothing")
        d.save_screenshot(os.path.join(out, name + ".png"))
        errs = errors(d)
        check(not errs, f"{name}: no JavaScript error while used"
              + "".join("\n    " + e["message"] for e in errs))
finally:
    d.quit()
print(f"browser: {'PASS' if not failures else 'FAIL'}: {failures} failure(s)")
sys.exit(1 if failures else 0)
