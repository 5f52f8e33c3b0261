#!/usr/bin/env python3
"""The dashboard in Debian's headless Chromium against a real local stack (2 pods, time scale
0.05, Prometheus scraping them), as a user sees it:
  - the Live view shows the measured hit rate beside the simulated one (within 3 points: the same
    scenario and load), both pods in the table, the connection "Live";
  - a what-if from a shareable link (#whatif?vllm.block_size=64&run=1) runs and shows the same hit
    rate the API gives; "Compare with live" overlays it on the Live view; a bad value marks the
    field with the CLI's message;
  - with the stack's Prometheus stopped the page shows the error banner (naming the URL) and keeps
    the last numbers; when it is started again (its own command line, read from /proc) the
    banner goes and the status strip keeps the last error.
Screenshots go to SCREENSHOT_DIR (live, whatif, compare, outage, recovered).

    check_web_browser.py KVROUTE_BIN SCREENSHOT_DIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from web_test_support import Server, alive, check, fail, request, terminate, wait_until  # noqa: E402

kvroute, shots = sys.argv[1], sys.argv[2]
os.makedirs(shots, exist_ok=True)
work = tempfile.mkdtemp(prefix="kvroute-web-browser.")
stack = os.path.join(work, "stack")
server = browser = restarted = None
t0 = time.monotonic()


def run(args, timeout):
    r = subprocess.run([kvroute] + args, capture_output=True, text=True, timeout=timeout)
    check(r.returncode == 0, "kvroute %s: exit %d\n%s%s" % (" ".join(args[:2]), r.returncode, r.stdout, r.stderr))
    return r


def page_state():
    return browser.evaluate("""(() => { try {
      const t = (id) => document.getElementById(id).textContent.trim();
      const field = document.querySelector('#whatif-fields .field[data-key="vllm.block_size"]');
      return {live: t('live-hit-rate'), sim: t('sim-hit-rate'), cmp: t('cmp-hit-rate'),
              conn: document.getElementById('conn').dataset.state, bannerHidden: document.getElementById('banner').hidden,
              banner: t('banner-text'), lastError: t('last-error'), rows: document.querySelectorAll('#pod-table tbody tr').length,
              whatifState: document.getElementById('whatif-status').dataset.state, whatifStatus: t('whatif-status'),
              whatifHit: t('whatif-hit-rate'), hash: location.hash,
              fieldInvalid: field ? field.classList.contains('invalid') : null, fieldError: field ? field.querySelector('.err').textContent : null};
    } catch (e) { return null; } })()""")


def pods_hit_rate():
    """The pods' own prefix-cache counters, summed: what Prometheus shows once it has scraped the
    end of the load (it scrapes every second, so the page may first show an earlier point)."""
    hits = queries = 0.0
    for pod in json.load(open(os.path.join(stack, "stack.json")))["pods"]:
        with urllib.request.urlopen(pod["url"] + "/metrics", timeout=10) as response:
            for line in response.read().decode().splitlines():
                if line.startswith("vllm:prefix_cache_hits_total{"):
                    hits += float(line.split()[-1])
                if line.startswith("vllm:prefix_cache_queries_total{"):
                    queries += float(line.split()[-1])
    check(queries > 0, "the pods served nothing")
    return 100.0 * hits / queries


def percent(text):
    check(text.endswith(" %"), "not a percentage: %r" % text)
    return float(text[:-2])


def wait_page(what, predicate, timeout_s):
    last = {}

    def probe():
        last["state"] = page_state()
        return last["state"] is not None and predicate(last["state"])
    try:
        return wait_until(what, lambda: last["state"] if probe() else None, timeout_s)
    except SystemExit:
        print("page state:", json.dumps(last.get("state"), indent=1))
        browser.screenshot(os.path.join(shots, "failure.png"))
        raise


try:
    run(["stack", "up", "default", "--set", "cluster.pods=2", "--dir", stack, "--time-scale", "0.05"], 120)
    state = json.load(open(os.path.join(stack, "stack.json")))
    run(["load", "default", "--set", "cluster.pods=2", "--set", "duration=30", "--url", state["gateway_url"],
         "--time-scale", "0.05", "-q"], 120)
    server = Server(kvroute, ["--stack", stack, "--set", "duration=30", "--interval", "1"], os.path.join(work, "serve.log"))
    browser = Browser(os.path.join(work, "chromium"))

    # --- Live: measured beside simulated -------------------------------------------------------
    browser.navigate(server.base + "/#live")
    pods = pods_hit_rate()
    s = wait_page("live and simulated hit rates, the live one at the pods' final counters",
                  lambda s: s["live"].endswith("%") and s["sim"].endswith("%") and s["conn"] == "ok" and s["rows"] == 2
                  and abs(percent(s["live"]) - pods) <= 0.1, 30)
    live, sim = percent(s["live"]), percent(s["sim"])
    print("live view: measured %.1f %% (pods' counters %.2f %%), simulated %.1f %%" % (live, pods, sim))
    check(abs(live - sim) <= 3.0 and live > 50, "measured %.1f %% vs simulated %.1f %%" % (live, sim))
    check(s["bannerHidden"], "no banner while Prometheus answers")
    time.sleep(1.5)  # a couple more points on the charts
    browser.screenshot(os.path.join(shots, "live.png"))

    # --- What-if from a shareable link, then "Compare with live" ---------------------------------
    browser.evaluate("location.hash = '#whatif?vllm.block_size=64&run=1'")
    s = wait_page("the what-if run", lambda s: s["whatifState"] in ("done", "error"), 30)
    check(s["whatifState"] == "done", "what-if failed: %s" % s["whatifStatus"])
    code, _, text = request(server.base + "/api/run", "POST", json.dumps({"set": {"vllm.block_size": 64}}),
                            {"Content-Type": "application/json"})
    expected = "%.1f %%" % (json.loads(text)["results"]["hit_rate"] * 100)
    check(code == 200 and s["whatifHit"] == expected, "what-if shows %r, the API says %r" % (s["whatifHit"], expected))
    check("vllm.block_size=64" in s["hash"], "the link keeps the what-if: %s" % s["hash"])
    time.sleep(0.5)
    browser.screenshot(os.path.join(shots, "whatif.png"))
    browser.evaluate("document.getElementById('compare-btn').click()")
    s = wait_page("the what-if on the Live view", lambda s: s["hash"] == "#live" and s["cmp"] == expected, 10)
    time.sleep(0.5)
    browser.screenshot(os.path.join(shots, "compare.png"))

    browser.evaluate("location.hash = '#whatif?vllm.block_size=33&run=1'")
    s = wait_page("the refused what-if", lambda s: s["whatifState"] == "error", 15)
    check(s["fieldInvalid"] and "must be one of 1, 8, 16, 32, 64, 128, got 33" in s["fieldError"],
          "the field shows the CLI's message: %r" % s["fieldError"])

    # --- Prometheus stopped, then back ----------------------------------------------------------
    prom = next(p for p in state["processes"] if p["role"] == "prometheus")
    with open("/proc/%d/cmdline" % prom["pid"], "rb") as f:
        cmdline = [a.decode() for a in f.read().split(b"\0") if a]
    cwd = os.readlink("/proc/%d/cwd" % prom["pid"])
    check(os.path.basename(cmdline[0]).startswith("prometheus"), "stack.json's pid is Prometheus: %s" % cmdline[:1])
    os.kill(prom["pid"], signal.SIGTERM)
    wait_until("Prometheus to stop", lambda: not alive(prom["pid"]), 15)
    browser.evaluate("location.hash = '#live'")
    s = wait_page("the error banner", lambda s: not s["bannerHidden"] and s["conn"] == "error", 20)
    prom_host = state["prometheus_url"].split("://", 1)[1]
    check(prom_host in s["banner"], "the banner names Prometheus (%s): %r" % (prom_host, s["banner"]))
    check(s["live"].endswith("%"), "the last numbers stay on the page: %r" % s["live"])
    browser.screenshot(os.path.join(shots, "outage.png"))

    log = open(os.path.join(work, "prometheus-restarted.log"), "w")
    restarted = subprocess.Popen(cmdline, cwd=cwd, stdout=log, stderr=log, start_new_session=True)
    s = wait_page("recovery", lambda s: s["bannerHidden"] and s["conn"] == "ok", 40)
    check("Last error" in s["lastError"] and prom_host in s["lastError"], "the strip keeps the last error: %r" % s["lastError"])
    browser.screenshot(os.path.join(shots, "recovered.png"))
    print("browser: all checks passed in %.1f s; screenshots in %s" % (time.monotonic() - t0, shots))
except Exception as e:  # a broken page or DevTools: a named failure, then the clean-up
    print("FAIL: %s: %s" % (type(e).__name__, e))
    sys.exit(1)
finally:
    if browser:
        browser.close()
    if server:
        rc = server.stop()
        if rc != 0:
            print("FAIL: kvroute serve did not exit cleanly on SIGTERM (%s)" % rc)
    if restarted:
        terminate(restarted.pid)
        restarted.wait()
    subprocess.run([kvroute, "stack", "down", "--dir", stack], capture_output=True, timeout=60)
    shutil.rmtree(work, ignore_errors=True)
