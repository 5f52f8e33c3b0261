#!/usr/bin/env bash
# The gateway routes live traffic with the scenario's own router: two pods behind it, the
# default scenario's ClientIP affinity (each simulated client sends from its own 127.x.y.z),
# `kvroute load` through it. Every request is answered, every session stays on its pod, both
# pods serve, the gateway's counters add up, and the request log has a line per request. Then a
# pod is killed: the gateway routes around it and load still gets answers; nothing hangs.
#   check_gateway.sh KVROUTE_BIN
set -uo pipefail
kvroute=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-gateway.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
port_of() { # file
    for _ in $(seq 50); do grep -q listening "$1" && break; sleep 0.1; done
    sed -n 's/^listening .*://p' "$1"
}

for i in 0 1; do
    "$kvroute" pod default --set cluster.pods=2 --index $i --port 0 --time-scale 0.05 \
        --enable-prompt-tokens-details --quiet >"$work/pod$i.out" 2>&1 &
    pids+=($!)
done
p0=$(port_of "$work/pod0.out"); p1=$(port_of "$work/pod1.out")
[[ -n $p0 && -n $p1 ]] || fail "pods did not start"
"$kvroute" gateway default --set cluster.pods=2 --pods "http://127.0.0.1:$p0,http://127.0.0.1:$p1" --port 0 \
    --request-log "$work/requests.jsonl" --quiet >"$work/gw.out" 2>&1 &
pids+=($!)
g=$(port_of "$work/gw.out")
[[ -n $g ]] || fail "the gateway did not start: $(cat "$work/gw.out")"

timeout 90 "$kvroute" load default --set cluster.pods=2 --url "http://127.0.0.1:$g" --time-scale 0.05 --duration 40 \
    --quiet --json "$work/load.json" >/dev/null || fail "load failed"
curl -sf "http://127.0.0.1:$g/metrics" >"$work/gw.metrics" || fail "no gateway /metrics"
python3 - "$work/load.json" "$work/gw.metrics" "$work/requests.jsonl" <<'PY' || exit 1
import json, re, sys
load = json.load(open(sys.argv[1]))
metrics = open(sys.argv[2]).read()
log = [json.loads(l) for l in open(sys.argv[3])]
def check(ok, what):
    if not ok:
        print("FAIL:", what); sys.exit(1)
check(load["requests_completed"] > 50 and load["requests_completed"] == load["requests_sent"], f"answered {load['requests_completed']} of {load['requests_sent']}")
check(load["stickiness"] == 1.0, f"stickiness {load['stickiness']} under ClientIP affinity")
per_pod = load["requests_per_pod"]
check(len(per_pod) == 2 and min(per_pod.values()) > 0, f"requests per pod {per_pod}")
routed = sum(int(v) for v in re.findall(r'kvroute_gateway_requests_total\{pod="[^"]+"\} (\d+)', metrics))
check(routed == load["requests_sent"], f"gateway routed {routed}, load sent {load['requests_sent']}")
check(len(log) == routed, f"request log has {len(log)} lines for {routed} requests")
sessions = {}
for entry in log:
    sessions.setdefault(entry["session"], set()).add(entry["pod"])
check(all(len(p) == 1 for p in sessions.values()), "a session's requests went to two pods")
print(f"{load['requests_completed']} answered through the gateway, {per_pod}, stickiness 1.0")
PY

# An answer whose pod does not name itself (/v1/models, or a real vLLM) gets x-inference-pod.
curl -si "http://127.0.0.1:$g/v1/models" | tr -d '\r' | grep -qi '^x-inference-pod: llama-3-2-1b-decode-' ||
    fail "the gateway did not add x-inference-pod"
[[ $(curl -si "http://127.0.0.1:$g/v1/completions" -d '{"prompt":"abcd","max_tokens":2}' | grep -ci '^x-inference-pod') == 1 ]] ||
    fail "x-inference-pod twice (or never) on a pod's own answer"

# The request log is a trace to replay: a request the pod refused is not in it, one it took is.
lines=$(wc -l <"$work/requests.jsonl")
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$g/v1/completions" -d '{"prompt":"abcd","max_tokens":-1}') == 400 ]] ||
    fail "max_tokens -1 through the gateway was not a 400"
[[ $(wc -l <"$work/requests.jsonl") -eq $lines ]] || fail "a refused request went into the request log: $(tail -1 "$work/requests.jsonl")"
curl -sf "http://127.0.0.1:$g/v1/completions" -d '{"prompt":"abcd","max_tokens":2}' >/dev/null || fail "a request through the gateway"
[[ $(wc -l <"$work/requests.jsonl") -eq $((lines + 1)) ]] || fail "an answered request is missing from the request log"

# Follow-ups as the simulator counts them: a second gateway, round robin over the same pods.
# kvroute's load marks each request's turn (x-kvroute-turn); a turn 0 starts the session afresh
# (a rerun with the same seed reuses session ids), other clients' sessions are inferred.
"$kvroute" gateway default --set cluster.pods=2 --set routing.policy=round-robin \
    --pods "http://127.0.0.1:$p0,http://127.0.0.1:$p1" --port 0 --quiet >"$work/rr.out" 2>&1 &
pids+=($!)
rr=$(port_of "$work/rr.out")
[[ -n $rr ]] || fail "the round-robin gateway did not start: $(cat "$work/rr.out")"
ask() { # session turn(or -)
    local turn=()
    [[ $2 != - ]] && turn=(-H "x-kvroute-turn: $2")
    curl -sf "http://127.0.0.1:$rr/v1/completions" -H "x-session-id: $1" "${turn[@]}" \
        -d '{"prompt":"abcd","max_tokens":1}' >/dev/null || fail "request $1/$2 through the round-robin gateway"
}
for turn in 0 1 0 1; do ask 7 "$turn"; done # turns 1 follow up on the other pod each time
for _ in 1 2 3; do ask 8 -; done             # pods 0,1,0 after the four above: two follow-ups, none on the same pod
curl -sf "http://127.0.0.1:$rr/metrics" >"$work/rr.metrics" || fail "no /metrics from the round-robin gateway"
grep -q '^kvroute_gateway_follow_ups_total 4$' "$work/rr.metrics" &&
    grep -q '^kvroute_gateway_follow_ups_same_pod_total 0$' "$work/rr.metrics" ||
    fail "follow-ups: $(grep follow_ups "$work/rr.metrics")"

kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null
timeout 90 "$kvroute" load default --set cluster.pods=2 --url "http://127.0.0.1:$g" --time-scale 0.05 --duration 20 \
    --quiet --json "$work/after.json" >/dev/null
[[ $? -ne 124 ]] || fail "load hung after a pod died"
python3 - "$work/after.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
if r["requests_completed"] < 0.8 * r["requests_sent"] or list(r["requests_per_pod"]) != ["llama-3-2-1b-decode-0"]:
    print("FAIL: after the kill:", r["requests_completed"], "of", r["requests_sent"], r["requests_per_pod"], r["errors"]); sys.exit(1)
print("after a pod died:", r["requests_completed"], "of", r["requests_sent"], "answered by the other, errors", r["errors"])
PY
curl -sf "http://127.0.0.1:$g/metrics" | grep -q 'kvroute_gateway_pod_healthy{pod="llama-3-2-1b-decode-1"} 0' ||
    fail "the dead pod is not marked unhealthy"
echo "gateway: OK"
