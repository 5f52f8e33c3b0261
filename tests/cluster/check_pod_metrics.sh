#!/usr/bin/env bash
# Prometheus's own parser judges a live pod's /metrics: `promtool check metrics` must parse it
# (exit 1 = parse error). Its lint complaints (exit 3) are vLLM's own naming (':' in names,
# prometheus_client's _created samples) and are allowed. Then a real Prometheus server scrapes
# the pod and PromQL's hit rate equals the pod's counters.
#   check_pod_metrics.sh KVROUTE_BIN
set -uo pipefail
kvroute=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-metrics.XXXXXX")
pod_pid=""
prom_pid=""
cleanup() {
    [[ -n $pod_pid ]] && kill "$pod_pid" 2>/dev/null && wait "$pod_pid" 2>/dev/null
    [[ -n $prom_pid ]] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$kvroute" pod seed-cache-test --port 0 --time-scale 0 --quiet >"$work/pod.out" 2>"$work/pod.err" &
pod_pid=$!
for _ in $(seq 50); do grep -q listening "$work/pod.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening .*://p' "$work/pod.out")
[[ -n $port ]] || fail "the pod did not start: $(cat "$work/pod.err")"

prompt=$(printf 'AAAA%.0s' $(seq 40))
for _ in 1 2 3; do
    curl -sf "http://127.0.0.1:$port/v1/completions" -d "{\"prompt\":\"$prompt\",\"max_tokens\":2}" >/dev/null ||
        fail "completion failed"
done
curl -sf "http://127.0.0.1:$port/metrics" >"$work/metrics.txt" || fail "no /metrics"
promtool check metrics <"$work/metrics.txt" >"$work/lint.txt" 2>&1
rc=$?
[[ $rc -eq 0 || $rc -eq 3 ]] || fail "promtool cannot parse /metrics (exit $rc): $(head -5 "$work/lint.txt")"
# prometheus_client sorts label names and names a counter's HELP/TYPE after its _total sample.
grep -q 'vllm:prefix_cache_hits_total{engine="0",model_name="meta-llama/Llama-3.2-1B"} 64.0' "$work/metrics.txt" ||
    fail "unexpected hit counter: $(grep prefix_cache_hits_total "$work/metrics.txt")"
grep -q '^# TYPE vllm:prefix_cache_hits_total counter$' "$work/metrics.txt" ||
    fail "the counter's TYPE line does not name vllm:prefix_cache_hits_total: $(grep 'TYPE vllm:prefix_cache_hits' "$work/metrics.txt")"
grep -q '^# TYPE vllm:prefix_cache_hits_created gauge$' "$work/metrics.txt" ||
    fail "no vllm:prefix_cache_hits_created gauge family"
# Prometheus's parser files a sample under the HELP/TYPE that names it: a counter announced by
# its base name leaves its _total and _created samples as untyped families with no help text.
grep 'no help text' "$work/lint.txt" && fail "promtool finds samples outside their HELP/TYPE family"

# A real Prometheus scrapes it; PromQL reads the same counters.
prom_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: pods
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" >"$work/prom.log" 2>&1 &
prom_pid=$!
query='sum(vllm:prefix_cache_hits_total)/sum(vllm:prefix_cache_queries_total)'
for _ in $(seq 60); do
    answer=$(curl -sf "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$query" 2>/dev/null || true)
    value=$(printf '%s' "$answer" | python3 -c 'import json,sys
try:
    r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")
except Exception: print("")' 2>/dev/null)
    [[ -n $value ]] && break
    sleep 0.5
done
[[ -n $value ]] || fail "Prometheus never returned the hit rate: $(tail -3 "$work/prom.log")"
python3 -c "import sys; v=float('$value'); sys.exit(0 if abs(v - 64/120) < 1e-9 else 1)" ||
    fail "PromQL hit rate $value, the pod's counters say 64/120"
echo "promtool parses /metrics; PromQL hit rate $value equals the pod's counters (64/120: two repeats hit 2 blocks of 16 of a 40-token prompt)"
