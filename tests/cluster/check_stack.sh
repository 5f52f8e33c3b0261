#!/usr/bin/env bash
# The whole local stack, as a user runs it: `kvroute stack up` (2 pods, the gateway, a real
# Prometheus), `kvroute load` through the gateway, then the worlds compared: PromQL's hit rate
# equals the pods' own counters (±0.005) and the simulator's for the same scenario (±0.03; the
# ClientIP-affinity default is in fact exact). Then `stack status`, a second `up` on the same
# folder refused, `stack down` stopping exactly the processes it started, a port in use refused,
# a base port without room refused, and a start interrupted by SIGTERM stopping what it started.
#   check_stack.sh KVROUTE_BIN
set -uo pipefail
kvroute=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-stack.XXXXXX")
cleanup() {
    "$kvroute" stack down --dir "$work/stack" >/dev/null 2>&1
    [[ -n ${blocker:-} ]] && kill "$blocker" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

scenario=(default --set cluster.pods=2)
timeout 120 "$kvroute" stack up "${scenario[@]}" --dir "$work/stack" --time-scale 0.05 >"$work/up.txt" 2>&1 ||
    fail "stack up: $(cat "$work/up.txt")"
state="$work/stack/stack.json"
gateway=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway_url"])' "$state")
prometheus=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["prometheus_url"])' "$state")
pids=$(python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(open(sys.argv[1]))["processes"]))' "$state")

"$kvroute" stack up "${scenario[@]}" --dir "$work/stack" >"$work/again.txt" 2>&1 && fail "a second stack up on the same folder ran"
grep -q "already up" "$work/again.txt" || fail "second up: $(cat "$work/again.txt")"

timeout 120 "$kvroute" load "${scenario[@]}" --set duration=30 --url "$gateway" --time-scale 0.05 --quiet \
    --json "$work/load.json" >/dev/null || fail "load through the gateway failed"
"$kvroute" run "${scenario[@]}" --set duration=30 --quiet --json "$work/sim.json" >/dev/null || fail "run failed"
sleep 2.5 # two scrapes at 1 s
python3 - "$state" "$prometheus" "$work/sim.json" <<'PY' || exit 1
import json, sys, urllib.parse, urllib.request
state, prometheus, sim = json.load(open(sys.argv[1])), sys.argv[2], json.load(open(sys.argv[3]))
def check(ok, what):
    if not ok:
        print("FAIL:", what); sys.exit(1)
query = "sum(vllm:prefix_cache_hits_total)/sum(vllm:prefix_cache_queries_total)"
answer = json.load(urllib.request.urlopen(prometheus + "/api/v1/query?" + urllib.parse.urlencode({"query": query}), timeout=10))
promql = float(answer["data"]["result"][0]["value"][1])
hits = queries = 0
for pod in state["pods"]:
    for line in urllib.request.urlopen(pod["url"] + "/metrics", timeout=10).read().decode().splitlines():
        if line.startswith("vllm:prefix_cache_hits_total{"): hits += float(line.split()[-1])
        if line.startswith("vllm:prefix_cache_queries_total{"): queries += float(line.split()[-1])
check(queries > 0, "the pods served nothing")
check(abs(promql - hits / queries) <= 0.005, f"PromQL {promql} vs the pods' counters {hits / queries}")
check(abs(promql - sim["hit_rate"]) <= 0.03, f"PromQL {promql} vs the simulator's {sim['hit_rate']}")
# The gateway's ClientIP choices are the simulator's: every pod served as many requests.
served = {}
for line in urllib.request.urlopen(state["gateway_url"] + "/metrics", timeout=10).read().decode().splitlines():
    if line.startswith("kvroute_gateway_requests_total{"):
        served[line.split('"')[1]] = int(line.split()[-1])
simulated = {p["name"]: p["requests"] for p in sim["pods"]}
check(served == simulated, f"requests per pod live {served} vs simulated {simulated}")
print(f"hit rate: PromQL {promql:.4f}, pods' counters {hits / queries:.4f}, simulator {sim['hit_rate']:.4f}")
PY

# The gateway's request log replays in the simulator: the traffic it really had, simulated.
log="$work/stack/requests.jsonl"
[[ -s $log ]] || fail "no request log"
"$kvroute" run "${scenario[@]}" --set duration=40 --set workload.type=mooncake --set "workload.path=$log" \
    --set workload.mooncake_block_tokens=16 --quiet --json "$work/replay.json" >"$work/replay.txt" 2>&1 ||
    fail "replaying the request log failed: $(tail -3 "$work/replay.txt")"
python3 - "$work/replay.json" "$work/load.json" "$log" <<'PY' || exit 1
import json, sys
replay, load = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
lines = sum(1 for _ in open(sys.argv[3]))
if replay["requests_completed"] != lines or lines != load["requests_sent"]:
    print("FAIL: replayed", replay["requests_completed"], "of", lines, "logged;", load["requests_sent"], "sent"); sys.exit(1)
# A replay rebuilds each prompt from its block ids; the answers the simulated pods generate are
# other tokens than the ones the next turn carries, so those blocks miss: at most the live share,
# and well above what nothing shared would give (the system prompt and histories still hit).
r, l = replay["cached_prompt_fraction"], load["cached_prompt_fraction"]
if not (l - 0.2 <= r <= l + 0.005):
    print("FAIL: replay cached", r, "vs live", l); sys.exit(1)
print(f"request log replayed: {lines} requests, cached share {replay['cached_prompt_fraction']:.4f} (live {load['cached_prompt_fraction']:.4f})")
PY

"$kvroute" stack status --dir "$work/stack" --json >"$work/status.json" || fail "stack status failed"
grep -q '"gateway_url"' "$work/status.json" || fail "status lacks gateway_url"

# A pod killed in the middle of a run: load counts the errors and ends, nothing hangs.
first_pod=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pods"][0]["pid"])' "$state")
timeout 120 "$kvroute" load "${scenario[@]}" --set duration=40 --url "$gateway" --time-scale 0.05 --quiet \
    --json "$work/killed.json" >/dev/null &
load_pid=$!
sleep 1
kill -9 "$first_pod"
wait "$load_pid"
[[ $? -ne 124 ]] || fail "load hung after a pod was killed mid-run"
python3 - "$work/killed.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
if r["requests_completed"] == 0 or r["requests_completed"] < 0.7 * r["requests_sent"]:
    print("FAIL: after a mid-run kill:", r["requests_completed"], "of", r["requests_sent"], r["errors"]); sys.exit(1)
print("pod killed mid-run:", r["requests_completed"], "of", r["requests_sent"], "answered; errors", r["errors"])
PY

"$kvroute" stack down --dir "$work/stack" >"$work/down.txt" 2>&1 || fail "stack down: $(cat "$work/down.txt")"
sleep 0.5
for pid in $pids; do alive "$pid" && fail "pid $pid still runs after stack down"; done

# A new stack in the same folder starts a fresh request log; the earlier stack's files are kept.
logged=$(wc -l <"$work/stack/requests.jsonl")
timeout 120 "$kvroute" stack up "${scenario[@]}" --dir "$work/stack" --time-scale 0.05 >"$work/up2.txt" 2>&1 ||
    fail "stack up again: $(cat "$work/up2.txt")"
[[ $(wc -l <"$work/stack/earlier-1/requests.jsonl") -eq $logged ]] || fail "the earlier request log was not kept"
[[ -f $work/stack/earlier-1/stack.stopped.json && -d $work/stack/earlier-1/tsdb ]] || fail "the earlier stack's files: $(ls "$work/stack/earlier-1")"
[[ ! -s $work/stack/requests.jsonl ]] || fail "the new stack's request log did not start empty"
"$kvroute" stack down --dir "$work/stack" >"$work/down2.txt" 2>&1 || fail "stack down again: $(cat "$work/down2.txt")"
"$kvroute" stack status --dir "$work/stack" >"$work/stopped.txt" 2>&1 && fail "stack status of a stopped stack exited 0"
grep -q "the stack here is stopped" "$work/stopped.txt" || fail "a stopped stack's status: $(cat "$work/stopped.txt")"

# A port in use is a clear error, and nothing is left running.
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$work/blocker.port" &
blocker=$!
for _ in $(seq 50); do [[ -s $work/blocker.port ]] && break; sleep 0.1; done
blocker_port=$(cat "$work/blocker.port")
"$kvroute" stack up "${scenario[@]}" --dir "$work/stack2" --base-port "$blocker_port" >"$work/busy.txt" 2>&1 &&
    fail "stack up ran on a port in use"
grep -q "is in use" "$work/busy.txt" || fail "busy port: $(cat "$work/busy.txt")"

# A base port without room for the stack's ports is refused before anything starts (it wrapped
# round to ports 1, 2 and 3).
"$kvroute" stack up "${scenario[@]}" --dir "$work/stack3" --base-port 65534 >"$work/room.txt" 2>&1 &&
    fail "stack up ran past port 65535"
grep -q "past 65535" "$work/room.txt" || fail "no room: $(cat "$work/room.txt")"

# SIGTERM while the stack starts (say, from `timeout`): there is no state file yet for `stack
# down`, so `stack up` stops what it had started itself.
base=$(python3 - <<'PY'
import socket
for start in range(20000, 60000, 11):
    socks = []
    try:
        for port in range(start, start + 6):
            s = socket.socket(); socks.append(s); s.bind(("127.0.0.1", port))
        print(start); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
)
"$kvroute" stack up "${scenario[@]}" --dir "$work/stack4" --base-port "$base" --time-scale 0.05 >"$work/term.txt" 2>&1 &
up_pid=$!
for _ in $(seq 200); do [[ -e $work/stack4/pod-0.log ]] && break; sleep 0.05; done
kill -TERM "$up_pid"
wait "$up_pid" && fail "stack up ended well after a SIGTERM while starting"
grep -q "while starting; stopped the" "$work/term.txt" || fail "SIGTERM while starting: $(cat "$work/term.txt")"
[[ -e $work/stack4/stack.json ]] && fail "a state file after an interrupted start"
for port in $(seq "$base" $((base + 5))); do
    python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) else 1)' \
        "$port" || fail "port $port still answers after an interrupted start"
done
echo "stack: OK"
