#!/usr/bin/env bash
# Live mode, part 2, as a user runs it: `kvroute live compare` on a stack that is up, and
# `kvroute live watch` on its Prometheus.
#  - compare --json: Prometheus's hit rate equals the pods' own counters (read here from each
#    pod's /metrics, ±0.005) and the simulation's (±0.03); every row agrees on a cold stack.
#  - a second compare on the now-warm stack: the live hit rate exceeds the simulation's (which
#    starts cold), the note says so, and --max-hit-rate-gap fails it with exit 3.
#  - watch --json/--count: per-pod rows named as the pods, shares summing to 1.
#  - bad input: exit 2 with the field named; an unreachable Prometheus: exit 1, message, no hang.
#  - validate: passes above its threshold, exit 3 below, exit 1 when the series are missing, the
#    token is refused (never printed) or Prometheus is gone.
#  - compare --up interrupted by SIGINT: the stack it brought up is brought down.
#   check_live_compare.sh KVROUTE_BIN
set -uo pipefail
kvroute=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-live-compare.XXXXXX")
cleanup() {
    "$kvroute" stack down --dir "$work/stack" >/dev/null 2>&1
    "$kvroute" stack down --dir "$work/up" >/dev/null 2>&1
    [[ -n ${compare_pid:-} ]] && kill "$compare_pid" 2>/dev/null
    [[ -n ${proxy_pid:-} ]] && kill "$proxy_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

timeout 120 "$kvroute" stack up default --set cluster.pods=2 --dir "$work/stack" --time-scale 0.05 >"$work/up.txt" 2>&1 ||
    fail "stack up: $(cat "$work/up.txt")"
state="$work/stack/stack.json"

timeout 120 "$kvroute" live compare --stack "$work/stack" --duration 30 --json "$work/cold.json" -q >"$work/cold.txt" 2>&1 ||
    fail "live compare: $(cat "$work/cold.txt")"
cat "$work/cold.txt"
python3 - "$state" "$work/cold.json" <<'PY' || exit 1
import json, sys, urllib.request
state, report = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def check(ok, what):
    if not ok:
        print("FAIL:", what); sys.exit(1)
hits = queries = 0
for pod in state["pods"]:
    for line in urllib.request.urlopen(pod["url"] + "/metrics", timeout=10).read().decode().splitlines():
        if line.startswith("vllm:prefix_cache_hits_total{"): hits += float(line.split()[-1])
        if line.startswith("vllm:prefix_cache_queries_total{"): queries += float(line.split()[-1])
check(queries > 0, "the pods served nothing")
h = report["hit_rate"]
check(abs(h["prometheus"] - hits / queries) <= 0.005, f"Prometheus {h['prometheus']} vs the pods' counters {hits / queries}")
check(abs(h["prometheus"] - h["simulated"]) <= 0.03, f"Prometheus {h['prometheus']} vs the simulation {h['simulated']}")
check(report["requests_answered"] == report["requests_sent"] > 0, f"answered {report['requests_answered']} of {report['requests_sent']}")
rows = report["rows"]
pods = {r["pod"] for r in rows if "pod" in r}
check(pods == {p["name"] for p in state["pods"]}, f"per-pod rows {pods}")
for r in rows:
    check(r["verdict"] in ("agrees", "n/a"), f"row {r['measure']} {r.get('pod', '')}: {r}")
    if r["measure"] in ("hit rate", "stickiness", "cached prompt share", "requests answered"):
        check(r["live"] is not None and r["simulated"] is not None, f"row {r['measure']} lacks a side: {r}")
print(f"cold: Prometheus {h['prometheus']:.4f}, pods {hits / queries:.4f}, simulation {h['simulated']:.4f}")
PY

# The same workload again: the pods' caches now hold it, the simulation starts cold.
timeout 120 "$kvroute" live compare --stack "$work/stack" --duration 30 --max-hit-rate-gap 0.05 --json "$work/warm.json" -q \
    >"$work/warm.txt" 2>&1
rc=$?
[[ $rc -eq 3 ]] || fail "a warm stack beyond --max-hit-rate-gap exited $rc: $(cat "$work/warm.txt")"
grep -q "caches were warm" "$work/warm.txt" || fail "no warm-cache note: $(cat "$work/warm.txt")"
grep -q "beyond --max-hit-rate-gap 0.05" "$work/warm.txt" || fail "no gate message: $(cat "$work/warm.txt")"
# The second run reuses the first one's sessions (same seed): the gateway still counts follow-ups
# as the simulator does (by the turn kvroute's load sends), so stickiness stays the simulator's.
python3 - "$work/warm.json" <<'PY' || exit 1
import json, sys
rows = {r["measure"]: r for r in json.load(open(sys.argv[1]))["rows"] if "pod" not in r}
s = rows["stickiness"]
if s["verdict"] != "agrees" or s["live"] != s["simulated"]:
    print("FAIL: stickiness on a second run:", s); sys.exit(1)
PY

# watch: per-pod rows over the last minute.
timeout 30 "$kvroute" live watch --stack "$work/stack" --count 2 --interval 0.5 --json >"$work/watch.jsonl" 2>"$work/watch.err" ||
    fail "live watch: $(cat "$work/watch.err")"
python3 - "$state" "$work/watch.jsonl" <<'PY' || exit 1
import json, sys
state = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
if len(lines) != 2: print("FAIL: watch printed", len(lines), "lines"); sys.exit(1)
s = json.loads(lines[-1])
names = sorted(p["pod"] for p in s["pods"])
if names != sorted(p["name"] for p in state["pods"]): print("FAIL: watch pods", names); sys.exit(1)
if not (0.5 < s["hit_rate"] <= 1): print("FAIL: watch hit rate", s["hit_rate"]); sys.exit(1)
if abs(sum(p["request_share"] for p in s["pods"]) - 1) > 1e-6: print("FAIL: shares", s["pods"]); sys.exit(1)
if s["stickiness"] is None or s["stickiness"] < 0.99: print("FAIL: stickiness", s["stickiness"]); sys.exit(1)
print("watch:", s["hit_rate"], names)
PY
timeout 30 "$kvroute" live watch --stack "$work/stack" --count 1 >"$work/watch.txt" 2>&1 || fail "watch text: $(cat "$work/watch.txt")"
grep -q "cluster hit rate" "$work/watch.txt" && grep -q "decode-1" "$work/watch.txt" || fail "watch text: $(cat "$work/watch.txt")"

# Bad input: exit 2, the field named.
expect_bad() { # expected-text args...
    local want=$1; shift
    "$kvroute" "$@" >"$work/bad.txt" 2>&1
    local rc=$?
    [[ $rc -eq 2 ]] || fail "'$*' exited $rc: $(cat "$work/bad.txt")"
    grep -q -- "$want" "$work/bad.txt" || fail "'$*' did not say '$want': $(cat "$work/bad.txt")"
}
expect_bad "cluster.pods" live compare --stack "$work/stack" --set cluster.pods=3
expect_bad "runs" live compare seed-cache-test --stack "$work/stack"
expect_bad "exactly one of" live compare default
expect_bad "no stack here" live compare --stack "$work"
expect_bad "--selector" live watch --stack "$work/stack" --selector 'namespace="x'
expect_bad "--window" live watch --stack "$work/stack" --window 5x
expect_bad "exactly one of" live watch --stack "$work/stack" --prometheus http://127.0.0.1:1
expect_bad "--token-file" live watch --prometheus http://127.0.0.1:1 --token-file "$work/missing-token"

# An unreachable Prometheus: exit 1 with the URL named, promptly.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 20 "$kvroute" live watch --prometheus "http://127.0.0.1:$port" --count 1 >"$work/down.txt" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "watch of an unreachable Prometheus exited $rc: $(cat "$work/down.txt")"
grep -q "127.0.0.1:$port is unreachable" "$work/down.txt" || fail "unreachable: $(cat "$work/down.txt")"

# validate, the demo's gate, on the same stack: passes above the threshold, exit 3 below.
"$kvroute" validate --stack "$work/stack" --min-hit-rate 0.8 --min-stickiness 0.99 >"$work/validate.txt" 2>&1 ||
    fail "validate above the threshold: $(cat "$work/validate.txt")"
grep -q "^PASS" "$work/validate.txt" || fail "validate: $(cat "$work/validate.txt")"
"$kvroute" validate --stack "$work/stack" --min-hit-rate 0.99 --json >"$work/validate.json" 2>&1
rc=$?
[[ $rc -eq 3 ]] || fail "validate below the threshold exited $rc: $(cat "$work/validate.json")"
python3 - "$work/validate.json" <<'PY' || exit 1
import json, sys
v = json.load(open(sys.argv[1]))
hit = v["checks"][0]
if v["passed"] or hit["name"] != "hit rate" or not (0.8 < hit["value"] < 0.99):
    print("FAIL: validate JSON", v); sys.exit(1)
PY
"$kvroute" validate --stack "$work/stack" --min-hit-rate 0.5 --selector 'model_name="no-such-model"' >"$work/nomatch.txt" 2>&1
[[ $? -eq 1 ]] && grep -q "series match" "$work/nomatch.txt" || fail "validate with no matching series: $(cat "$work/nomatch.txt")"

# A token the server refuses: a proxy in front of the stack's Prometheus that wants another one.
prometheus=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["prometheus_url"])' "$state")
python3 - "$prometheus" >"$work/proxy.port" <<'PY' &
import http.server, sys, urllib.request
upstream = sys.argv[1]
class Proxy(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        if self.headers.get("Authorization") != "Bearer right-token":
            self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers(); return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = urllib.request.urlopen(urllib.request.Request(upstream + self.path, data=body), timeout=5).read()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer))); self.end_headers(); self.wfile.write(answer)
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.timeout = 1
import time
deadline = time.time() + 60
while time.time() < deadline: server.handle_request()
PY
proxy_pid=$!
for _ in $(seq 50); do [[ -s $work/proxy.port ]] && break; sleep 0.1; done
proxy="http://127.0.0.1:$(cat "$work/proxy.port")"
printf 'wrong-token\n' >"$work/wrong.token"
printf 'right-token\n' >"$work/right.token"
"$kvroute" validate --prometheus "$proxy" --token-file "$work/wrong.token" --min-hit-rate 0.8 >"$work/refused.txt" 2>&1
[[ $? -eq 1 ]] && grep -q "401" "$work/refused.txt" || fail "a refused token: $(cat "$work/refused.txt")"
grep -q "wrong-token" "$work/refused.txt" && fail "the token was printed: $(cat "$work/refused.txt")"
"$kvroute" validate --prometheus "$proxy" --token-file "$work/right.token" --min-hit-rate 0.8 >"$work/accepted.txt" 2>&1 ||
    fail "the right token: $(cat "$work/accepted.txt")"
kill "$proxy_pid" 2>/dev/null

"$kvroute" stack down --dir "$work/stack" >/dev/null || fail "stack down"
"$kvroute" validate --prometheus "$prometheus" --min-hit-rate 0.8 >"$work/gone.txt" 2>&1
[[ $? -eq 1 ]] && grep -q "unreachable" "$work/gone.txt" || fail "validate with Prometheus stopped: $(cat "$work/gone.txt")"

# compare --up in a temporary folder of its own: the folder goes with the stack.
mkdir -p "$work/tmp"
TMPDIR="$work/tmp" timeout 120 "$kvroute" live compare default --set cluster.pods=2 --set duration=30 --up \
    --time-scale 0.05 -q >"$work/temporary.txt" 2>&1 || fail "compare --up: $(cat "$work/temporary.txt")"
[[ -z $(ls -A "$work/tmp") ]] || fail "compare --up left its folder: $(ls -A "$work/tmp")"

# compare --up, interrupted while the load runs: the stack it started is stopped.
"$kvroute" live compare default --set cluster.pods=2 --up --dir "$work/up" --time-scale 0.05 --duration 600 -q \
    >"$work/interrupted.txt" 2>&1 &
compare_pid=$!
for _ in $(seq 600); do [[ -s $work/up/stack.json ]] && break; sleep 0.1; done
[[ -s $work/up/stack.json ]] || fail "compare --up did not bring a stack up: $(cat "$work/interrupted.txt")"
sleep 2
pids=$(python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(open(sys.argv[1]))["processes"]))' "$work/up/stack.json")
kill -INT "$compare_pid"
timeout 30 tail --pid="$compare_pid" -f /dev/null || fail "compare did not end after SIGINT"
wait "$compare_pid"
rc=$?
compare_pid=
[[ $rc -ne 0 ]] || fail "an interrupted compare exited 0"
sleep 0.5
for pid in $pids; do alive "$pid" && fail "pid $pid of the interrupted compare's stack still runs"; done
echo "live compare/watch: OK"
