#!/usr/bin/env python3
"""The dashboard's JSON API (docs/WEB.md), end to end against a running `kvroute serve`:
every endpoint; bad JSON, unknown fields and values (the field named, the CLI's own message);
oversized bodies (413); a run over the time limit (422, the server still healthy); a second run
from the same client refused (429) while the first runs; concurrent clients; the bearer token
required when configured and never echoed; the Prometheus token sent to Prometheus but never in
any answer; DNS-rebinding Host refused; the rate limit; a bounded wrk run on /api/live with no
errors; a clean exit on SIGTERM.

Prometheus is a stand-in here (a tiny HTTP server answering every query with 0.5 and recording
the Authorization header); the browser test runs against a real stack.

    check_web_api.py KVROUTE_BIN
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_test_support import Server, check, fail, get_json, request, wait_until  # noqa: E402

kvroute = sys.argv[1]
work = tempfile.mkdtemp(prefix="kvroute-web-api.")
PROM_TOKEN = "prom-secret-4f1c9a"
API_TOKEN = "api-secret-77d2e0"
seen_authorization = []


class FakePrometheus(BaseHTTPRequestHandler):
    def do_POST(self):
        seen_authorization.append(self.headers.get("Authorization"))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"pod": "stand-in-decode-0"}, "value": [time.time(), "0.5"]}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args):
        pass


prom = ThreadingHTTPServer(("127.0.0.1", 0), FakePrometheus)
threading.Thread(target=prom.serve_forever, daemon=True).start()
servers = []
answers = []  # every answer's headers and body, searched for the tokens at the end


def api(server, path, method="GET", body=None, headers=None, token=API_TOKEN, timeout=60):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None and "Content-Type" not in h:
        h["Content-Type"] = "application/json"
    status, hdrs, text = request(server.base + path, method, body, h, timeout)
    answers.append(json.dumps(hdrs) + text)
    try:
        return status, hdrs, json.loads(text)
    except ValueError:
        return status, hdrs, text


def expect_error(result, status, param, what, message_part=None):
    code, _, body = result
    check(code == status, "%s: status %d, expected %d: %s" % (what, code, status, body))
    check(isinstance(body, dict) and body.get("object") == "error" and body.get("code") == status,
          "%s: not the error shape: %s" % (what, body))
    check(body.get("param") == param, "%s: param %r, expected %r" % (what, body.get("param"), param))
    if message_part:
        check(message_part in body["message"], "%s: message %r lacks %r" % (what, body["message"], message_part))
    return body


def cli_error(*sets):
    """The message `kvroute run` prints for the same overrides (without its "kvroute: " prefix)."""
    args = [kvroute, "run", "default", "-q", "--set", "cluster.pods=2", "--set", "duration=30"]
    for s in sets:
        args += ["--set", s]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    check(r.returncode == 2, "kvroute run %s: exit %d" % (sets, r.returncode))
    return r.stderr.strip().splitlines()[-1].removeprefix("kvroute: ")


try:
    with open(os.path.join(work, "prom-token"), "w") as f:
        f.write(PROM_TOKEN + "\n")
    with open(os.path.join(work, "api-token"), "w") as f:
        f.write(API_TOKEN + "\n")
    t0 = time.monotonic()
    s = Server(kvroute, ["--prometheus", "http://127.0.0.1:%d" % prom.server_address[1],
                         "--token-file", os.path.join(work, "prom-token"), "--auth-token-file",
                         os.path.join(work, "api-token"), "--scenario", "default", "--set", "cluster.pods=2",
                         "--set", "duration=30", "--run-time-limit", "1", "--rate-limit", "100000",
                         "--interval", "0.5", "--max-runs", "3"], os.path.join(work, "serve.log"))
    servers.append(s)

    # --- no token needed: the health route and the page (it holds no data) -----------------
    check(request(s.base + "/healthz")[0] == 200, "/healthz")
    status, hdrs, page = request(s.base + "/")
    check(status == 200 and hdrs["Content-Type"].startswith("text/html"), "/ is the page")
    check('type="module"' in page and "/vendor/chart.min.js" in page, "the page loads its module and Chart.js")
    check("script-src 'self'" in hdrs.get("Content-Security-Policy", ""), "the page has a CSP")
    for path, needle in (("/app.js", "import "), ("/live.js", "export class LiveView"),
                         ("/style.css", ":root"), ("/vendor/chart.min.js", "Chart.js v3")):
        status, hdrs, text = request(s.base + path)
        check(status == 200 and needle in text, "%s served (%d)" % (path, status))
    expect_error(api(s, "/nope.js", token=None), 404, "path", "unknown asset")
    expect_error(api(s, "/../etc/passwd", token=None), 404, "path", "path traversal")

    # --- the bearer token -------------------------------------------------------------------
    body = expect_error(api(s, "/api/info", token=None), 401, "Authorization", "no token")
    body = expect_error(api(s, "/api/info", token="wrong-guess-123"), 401, "Authorization", "wrong token")
    check("wrong-guess-123" not in body["message"], "a refused token is not echoed")
    status, _, info = api(s, "/api/info")
    check(status == 200 and info["auth_required"] is True and info["live"]["configured"], "/api/info: %s" % info)
    check(info["limits"]["run_time_limit_s"] == 1 and info["scenario"]["pods"] == 2, "/api/info limits: %s" % info)

    # --- /api/live: the poller's ring, the Prometheus token sent there --------------------------
    live = wait_until("a live snapshot", lambda: (lambda r: r[2] if r[2]["state"] == "ok" and r[2]["snapshots"]
                                                  else None)(api(s, "/api/live")), 15)
    snap = live["snapshots"][-1]
    check(snap["hit_rate"] == 0.5 and snap["pods"][0]["pod"] == "stand-in-decode-0", "snapshot: %s" % snap)
    check(live["last_error"] is None and live["interval_s"] == 0.5, "live head: %s" % live)
    check("Bearer " + PROM_TOKEN in seen_authorization, "the Prometheus token is sent to Prometheus")
    newer = api(s, "/api/live?since=%r" % snap["time"])[2]
    check(all(x["time"] > snap["time"] for x in newer["snapshots"]), "since= filters older snapshots")
    expect_error(api(s, "/api/live?since=yesterday"), 400, "since", "bad since")
    expect_error(api(s, "/api/live?limit=5"), 400, "limit", "unknown query parameter")
    expect_error(api(s, "/api/live", "POST", "{}"), 405, "method", "POST /api/live")

    # --- scenarios ----------------------------------------------------------------------------
    status, _, lst = api(s, "/api/scenarios")
    names = [x["name"] for x in lst["scenarios"]]
    check(status == 200 and names[0] == "current" and "default" in names, "/api/scenarios: %s" % names)
    status, _, cur = api(s, "/api/scenarios/current")
    knobs = {k["key"]: k for k in cur["knobs"]}
    for key in ("cluster.pods", "vllm.block_size", "routing.policy", "routing.profile",
                "routing.service.timeout_seconds", "vllm.num_gpu_blocks_override", "vllm.gpu_memory_utilization"):
        check(key in knobs, "knob %s in /api/scenarios/current" % key)
    check(knobs["cluster.pods"]["value"] == 2 and "32" in knobs["vllm.block_size"]["allowed"], "knob values: %s" % knobs)
    check("pods: 2" in cur["yaml"], "the scenario's YAML")
    expect_error(api(s, "/api/scenarios/nope"), 404, "scenario", "unknown scenario")

    # --- the baseline: the CLI's `kvroute run --json` on the same scenario gives the same numbers
    base = wait_until("the baseline", lambda: (lambda b: b if b["state"] == "done" else None)(api(s, "/api/baseline")[2]), 30)
    cli = json.loads(subprocess.run([kvroute, "run", "default", "-q", "--set", "cluster.pods=2", "--set", "duration=30",
                                     "--json", "-"], capture_output=True, text=True, timeout=60, check=True).stdout)
    check(base["results"]["hit_rate"] == cli["hit_rate"] and base["results"]["pods"] == cli["pods"],
          "baseline %s vs CLI %s" % (base["results"]["hit_rate"], cli["hit_rate"]))

    # --- a what-if run: the CLI's numbers for the same --set ---------------------------------
    status, _, run = api(s, "/api/run", "POST", json.dumps({"scenario": "current", "set": {"vllm.block_size": 64}}))
    check(status == 200, "run: %d %s" % (status, run))
    cli64 = json.loads(subprocess.run([kvroute, "run", "default", "-q", "--set", "cluster.pods=2", "--set", "duration=30",
                                       "--set", "vllm.block_size=64", "--json", "-"], capture_output=True, text=True,
                                      timeout=60, check=True).stdout)
    check(run["results"]["hit_rate"] == cli64["hit_rate"] != cli["hit_rate"], "what-if hit rate %s vs CLI %s" %
          (run["results"]["hit_rate"], cli64["hit_rate"]))
    check(run["set"] == {"vllm.block_size": "64"} and run["results"]["scenario"]["vllm"]["block_size"] == 64, "run echo")
    status, _, other = api(s, "/api/run", "POST", json.dumps({"scenario": "seed-cache-test"}))
    check(status == 200 and other["scenario"] == "seed-cache-test", "a built-in scenario runs: %s" % status)

    # --- bad input: JSON errors naming the field, the CLI's messages word for word -------------
    expect_error(api(s, "/api/run", "POST", '{"set": {'), 400, "body", "bad JSON", "not JSON")
    expect_error(api(s, "/api/run", "POST", "[1, 2]"), 400, "body", "not an object")
    expect_error(api(s, "/api/run", "POST", '{"sett": {}}'), 400, "sett", "unknown field", "unknown field 'sett'")
    expect_error(api(s, "/api/run", "POST", '{"scenario": "nope"}'), 400, "scenario", "unknown scenario")
    expect_error(api(s, "/api/run", "POST", '{"scenario": 3}'), 400, "scenario", "scenario not a string")
    expect_error(api(s, "/api/run", "POST", '{"set": [1]}'), 400, "set", "set not an object")
    for key, value in (("vllm.block_size", 33), ("vllm.blok_size", 32), ("cluster.pods", 0),
                       ("routing.policy", "sticky"), ("vllm.gpu_memory_utilization", "lots")):
        body = expect_error(api(s, "/api/run", "POST", json.dumps({"set": {key: value}})), 400, "set." + key,
                            "bad %s" % key)
        expected = cli_error("%s=%s" % (key, value))
        check(body["message"] == expected, "message for %s=%s:\n  api: %s\n  cli: %s" % (key, value, body["message"], expected))
    expect_error(api(s, "/api/run", "POST", '{"set": {"workload.path": "/etc/passwd"}}'), 400, "set.workload.path",
                 "a file path", "names a file on the server")
    expect_error(api(s, "/api/run", "POST", "{}", headers={"Content-Type": "text/plain"}), 400, "Content-Type",
                 "not JSON content type")
    expect_error(api(s, "/api/run"), 405, "method", "GET /api/run")
    expect_error(api(s, "/api/nothing"), 404, "path", "unknown endpoint")
    code, _, body = api(s, "/api/run", "POST", json.dumps({"set": {"x": "y" * 200000}}))
    check(code == 413 and body["code"] == 413, "oversized body: %d" % code)
    check(request(s.base + "/healthz")[0] == 200, "healthy after the 413")
    expect_error(api(s, "/api/info", headers={"Host": "attacker.example:80"}), 403, "Host", "DNS rebinding Host")

    # --- the time limit and one run per client -------------------------------------------------
    big = json.dumps({"set": {"cluster.pods": 64, "duration": 100000}})
    slow = {}

    def slow_run():
        started = time.monotonic()
        slow["answer"] = api(s, "/api/run", "POST", big, headers={"X-Kvroute-Client": "tab-a"})
        slow["seconds"] = time.monotonic() - started

    runner = threading.Thread(target=slow_run)
    runner.start()
    time.sleep(0.3)
    expect_error(api(s, "/api/run", "POST", json.dumps({"set": {}}), headers={"X-Kvroute-Client": "tab-a"}), 429, None,
                 "a second run of the same client", "one run at a time")
    status, _, parallel = api(s, "/api/run", "POST", json.dumps({"set": {}}), headers={"X-Kvroute-Client": "tab-b"})
    check(status == 200, "another client runs meanwhile: %d" % status)
    runner.join(30)
    body = expect_error(slow["answer"], 422, "duration", "over the time limit", "time limit of 1 s")
    check(slow["seconds"] < 6, "the limited run answered after %.1f s" % slow["seconds"])
    check(request(s.base + "/healthz")[0] == 200 and api(s, "/api/run", "POST", "{}")[0] == 200,
          "healthy and running again after the time limit")

    # --- concurrent clients --------------------------------------------------------------------
    failures = []

    def client(i):
        for j in range(15):
            path = ("/api/live", "/api/info", "/api/baseline", "/api/scenarios")[(i + j) % 4]
            code = api(s, path)[0]
            if code != 200:
                failures.append((path, code))
        code = api(s, "/api/run", "POST", json.dumps({"set": {"seed": i + 1}}), headers={"X-Kvroute-Client": "c%d" % i})[0]
        if code not in (200, 503):  # 503: --max-runs reached, said so
            failures.append(("run", code))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(not failures, "concurrent clients: %s" % failures[:5])

    # --- wrk on /api/live ----------------------------------------------------------------------
    if shutil.which("wrk"):
        r = subprocess.run(["wrk", "-t2", "-c20", "-d3s", "--timeout", "2s", "-H", "Authorization: Bearer " + API_TOKEN,
                            s.base + "/api/live"], capture_output=True, text=True, timeout=30)
        print(r.stdout)
        check(r.returncode == 0, "wrk ran")
        check("Non-2xx" not in r.stdout and "Socket errors" not in r.stdout, "wrk saw errors")
        rate = float(r.stdout.split("Requests/sec:")[1].split()[0])
        check(rate > 200, "wrk: %.0f requests/s" % rate)
    else:
        print("wrk not installed: load test skipped")

    # --- tokens never reach a client ---------------------------------------------------------
    everything = "\n".join(answers)
    check(PROM_TOKEN not in everything, "the Prometheus token appeared in an answer")
    check(API_TOKEN not in everything, "the API token appeared in an answer")

    # --- the rate limit, and a Prometheus that is gone: an error state, not a crash -----------
    r2 = Server(kvroute, ["--prometheus", "http://127.0.0.1:1", "--rate-limit", "2", "--interval", "0.5"],
                os.path.join(work, "serve2.log"))
    servers.append(r2)
    codes = [api(r2, "/api/live", token=None)[0] for _ in range(8)]
    check(codes[0] == 200 and 429 in codes, "rate limit 2/s: %s" % codes)
    time.sleep(1.5)
    gone = api(r2, "/api/live", token=None)[2]
    check(gone["state"] == "error" and "127.0.0.1:1" in gone["last_error"], "unreachable Prometheus: %s" % gone)

    # --- a client that leaves cancels its run at once, not at the time limit ------------------
    r3 = Server(kvroute, ["--prometheus", "http://127.0.0.1:1", "--run-time-limit", "60", "--rate-limit", "100000"],
                os.path.join(work, "serve3.log"))
    servers.append(r3)
    body = json.dumps({"set": {"cluster.pods": 16, "duration": 200000}})
    leaving = socket.create_connection(("127.0.0.1", r3.port), timeout=5)
    leaving.sendall(("POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "X-Kvroute-Client: leaver\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)).encode())
    time.sleep(0.5)
    busy = api(r3, "/api/run", "POST", "{}", headers={"X-Kvroute-Client": "leaver"}, token=None)
    check(busy[0] == 429, "the long run is running: %s" % (busy,))
    leaving.close()
    left = time.monotonic()
    status = None
    while time.monotonic() - left < 5:
        status = api(r3, "/api/run", "POST", "{}", headers={"X-Kvroute-Client": "leaver"}, token=None)[0]
        if status == 200:
            break
        time.sleep(0.2)
    check(status == 200, "a run after the client left: %s after %.1f s" % (status, time.monotonic() - left))

    for srv in servers:
        t = time.monotonic()
        rc = srv.stop()
        check(rc == 0, "SIGTERM: exit %s" % rc)
        check(time.monotonic() - t < 5, "SIGTERM took %.1f s" % (time.monotonic() - t))
    print("web API: all checks passed in %.1f s" % (time.monotonic() - t0))
finally:
    for srv in servers:
        srv.stop()
    prom.shutdown()
    shutil.rmtree(work, ignore_errors=True)
