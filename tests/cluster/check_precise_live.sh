#!/usr/bin/env bash
# The precise prefix index live: pods publish KV events over ZeroMQ in vLLM's wire format, the
# gateway's Endpoint Picker subscribes and routes on them. On a shared-prefix workload (12
# groups, 4 pods) precise routing must beat random routing live, as it does in the simulator,
# and the live hit rates must stay near the simulated ones.
#   check_precise_live.sh KVROUTE_BIN
set -uo pipefail
kvroute=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-precise.XXXXXX")
cleanup() {
    for d in "$work"/stack-*; do [[ -d $d ]] && "$kvroute" stack down --dir "$d" >/dev/null 2>&1; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

base=(llmd-shared-prefix --set cluster.pods=4 --set workload.shared_prefix.num_groups=12
      --set workload.shared_prefix.system_prompt_len=2000 --set workload.shared_prefix.question_len=200
      --set workload.shared_prefix.output_len=50 --set 'workload.shared_prefix.stages=[[8,25]]')
for profile in precise random; do
    scenario=("${base[@]}" --set routing.profile=$profile)
    dir="$work/stack-$profile"
    timeout 120 "$kvroute" stack up "${scenario[@]}" --dir "$dir" --time-scale 0.02 >"$work/up-$profile.txt" 2>&1 ||
        fail "stack up ($profile): $(cat "$work/up-$profile.txt")"
    gateway=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gateway_url"])' "$dir/stack.json")
    timeout 120 "$kvroute" load "${scenario[@]}" --url "$gateway" --time-scale 0.02 --quiet --json "$work/live-$profile.json" \
        >/dev/null || fail "load ($profile) failed"
    "$kvroute" run "${scenario[@]}" --quiet --json "$work/sim-$profile.json" >/dev/null || fail "run ($profile) failed"
    curl -sf "$gateway/metrics" | grep kv_event_batches >"$work/events-$profile.txt"
    "$kvroute" stack down --dir "$dir" >/dev/null 2>&1
done
python3 - "$work" <<'PY' || exit 1
import json, sys, os
w = sys.argv[1]
live = {p: json.load(open(os.path.join(w, f"live-{p}.json"))) for p in ("precise", "random")}
sim = {p: json.load(open(os.path.join(w, f"sim-{p}.json"))) for p in ("precise", "random")}
events = open(os.path.join(w, "events-precise.txt")).read()
def check(ok, what):
    if not ok:
        print("FAIL:", what); sys.exit(1)
batches = int(events.split()[-1]) if events.strip() else 0
check(batches > 0, "the gateway received no KV event batch")
for p in live:
    check(live[p]["requests_completed"] == live[p]["requests_sent"] > 100, f"{p}: {live[p]['requests_completed']} of {live[p]['requests_sent']}")
lp, lr = live["precise"]["cached_prompt_fraction"], live["random"]["cached_prompt_fraction"]
sp, sr = sim["precise"]["cached_prompt_fraction"], sim["random"]["cached_prompt_fraction"]
check(lp > lr + 0.1, f"live precise {lp:.3f} does not beat random {lr:.3f}")
check(abs(lp - sp) < 0.05 and abs(lr - sr) < 0.08, f"live precise {lp:.3f} / random {lr:.3f} vs simulated {sp:.3f} / {sr:.3f}")
print(f"cached prompt share live precise {lp:.3f} vs random {lr:.3f}; simulated {sp:.3f} vs {sr:.3f}; {batches} event batches")
PY
echo "precise live: OK"
