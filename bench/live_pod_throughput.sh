#!/usr/bin/env bash
# Live pod throughput: one `kvroute pod` at time scale 0 (no waiting: the engine's own speed)
# serving small streamed completions from `kvroute load`, both on this machine (they share its
# cores, as a pod and its clients would not). Prints the load report; the figure is the
# Throughput line. Target (issue: live mode part 1): >= 2,000 small completions/s on 2 cores.
#   bench/live_pod_throughput.sh [REQUESTS] [IN_FLIGHT]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20000}
inflight=${2:-64}
kvroute=build/bin/kvroute
out=$(mktemp)
"$kvroute" pod seed-cache-test --port 0 --time-scale 0 --quiet >"$out" &
pod=$!
trap 'kill $pod 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's/^listening .*://p' "$out")
"$kvroute" load seed-cache-test --url "http://127.0.0.1:$port" --time-scale 0 --max-inflight "$inflight" --quiet \
    --set workload.repeat.count="$requests" --set workload.repeat.gap=0 \
    --set workload.repeat.wait_for_completion=false --set workload.repeat.max_tokens=4 --set duration=100000
