#!/usr/bin/env bash
# `kvroute load` replays a scenario's workload against a live pod over real HTTP: every request
# is answered, the cached share the pod reports (usage.cached_tokens) equals the simulator's for
# the same scenario, and a session stays on its pod. Then the pod is killed mid-run: load
# reports the errors by kind and exits, nothing hangs.
#   check_load_against_pod.sh KVROUTE_BIN
set -uo pipefail
kvroute=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-load.XXXXXX")
pod_pid=""
cleanup() {
    [[ -n $pod_pid ]] && kill "$pod_pid" 2>/dev/null && wait "$pod_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

start_pod() { # scenario, extra args...
    "$kvroute" pod "$@" --port 0 --enable-prompt-tokens-details --quiet >"$work/pod.out" 2>"$work/pod.err" &
    pod_pid=$!
    for _ in $(seq 50); do grep -q listening "$work/pod.out" && break; sleep 0.1; done
    port=$(sed -n 's/^listening .*://p' "$work/pod.out")
    [[ -n $port ]] || fail "the pod did not start: $(cat "$work/pod.err")"
}

start_pod seed-cache-test --time-scale 0.01
timeout 60 "$kvroute" load seed-cache-test --url "http://127.0.0.1:$port" --time-scale 0.01 --quiet \
    --json "$work/live.json" >"$work/live.txt" || fail "load failed: $(cat "$work/live.txt")"
"$kvroute" run seed-cache-test --quiet --json "$work/sim.json" >/dev/null || fail "run failed"
python3 - "$work/live.json" "$work/sim.json" <<'PY' || exit 1
import json, sys
live, sim = (json.load(open(p)) for p in sys.argv[1:3])
def check(ok, what):
    if not ok:
        print("FAIL:", what); sys.exit(1)
check(live["requests_completed"] == sim["requests_completed"] == 20, f"answered {live['requests_completed']}, simulated {sim['requests_completed']}")
check(live["errors"] == {}, f"errors {live['errors']}")
check(abs(live["cached_prompt_fraction"] - sim["cached_prompt_fraction"]) < 1e-9,
      f"cached share live {live['cached_prompt_fraction']} vs simulated {sim['cached_prompt_fraction']}")
check(live["stickiness"] == 1.0, f"stickiness {live['stickiness']}")
print(f"live cached share {live['cached_prompt_fraction']:.4f} = simulated {sim['cached_prompt_fraction']:.4f}")
PY
kill "$pod_pid"; wait "$pod_pid" 2>/dev/null; pod_pid=""

# A pod that dies mid-run: the errors are counted, load ends.
start_pod default --time-scale 0.05
( sleep 1; kill -9 "$pod_pid" ) &
timeout 60 "$kvroute" load default --url "http://127.0.0.1:$port" --time-scale 0.05 --duration 60 --quiet \
    --json "$work/dead.json" >"$work/dead.txt"
rc=$?
[[ $rc -ne 124 ]] || fail "load hung after the pod died"
python3 - "$work/dead.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
if not r["errors"] or r["requests_completed"] == 0:
    print("FAIL: expected answers before the kill and errors after it:", r["requests_completed"], r["errors"]); sys.exit(1)
print("after the kill:", r["errors"])
PY
echo "load against a live pod: OK"
