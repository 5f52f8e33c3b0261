#!/usr/bin/env bash
# Gateway overhead: one `kvroute pod` at time scale 0, requests at RATE/s (default 500) sent by
# `kvroute load` straight to the pod and then through `kvroute gateway`; the difference of the
# TTFT and end-to-end p50 lines is what the gateway adds (target: <= 1 ms p50 at 500 req/s).
#   bench/live_gateway_latency.sh [RATE] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-500}
requests=${2:-3000}
kvroute=build/bin/kvroute
work=$(mktemp -d)
"$kvroute" pod seed-cache-test --port 0 --time-scale 0 --quiet >"$work/pod" &
pod=$!
trap 'kill $pod ${gateway:-} 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q listening "$work/pod" && break; sleep 0.1; done
pod_port=$(sed -n 's/^listening .*://p' "$work/pod")
"$kvroute" gateway seed-cache-test --pods "http://127.0.0.1:$pod_port" --port 0 --quiet >"$work/gateway" &
gateway=$!
for _ in $(seq 50); do grep -q listening "$work/gateway" && break; sleep 0.1; done
gateway_port=$(sed -n 's/^listening .*://p' "$work/gateway")
gap=$(python3 -c "print(1.0 / $rate)")
args=(--time-scale 1 --max-inflight 64 --quiet --set workload.repeat.count="$requests" --set workload.repeat.gap="$gap"
      --set workload.repeat.wait_for_completion=false --set workload.repeat.max_tokens=4 --set duration=100000)
for target in "pod:$pod_port" "gateway:$gateway_port"; do
    echo "== ${target%%:*} at $rate req/s"
    "$kvroute" load seed-cache-test --url "http://127.0.0.1:${target#*:}" "${args[@]}" | grep -E "TTFT|End-to-end|Throughput"
done
