#!/usr/bin/env bash
# `kvroute sweep emit-job`, checked without a cluster: the emitted ConfigMap + Indexed Job
# validate against the official schemas (../shared/schemas, unknown fields are errors); then
# each completion's container command is run here as the Job would run it (its ConfigMap files
# at the mount path, $(SHARD_INDEX) = 0..N-1, four at a time), and `sweep merge` of their
# records must equal an unsharded `kvroute sweep` of the same grid, record for record.
#   check_sweep_job.sh KVROUTE_BIN SOURCE_DIR
set -uo pipefail
kvroute=$1
source_dir=$2
validate="$source_dir/../shared/schemas/validate.py"
[[ -f $validate ]] || { echo "SKIP: $validate not found"; exit 77; }
python3 -c 'import yaml, jsonschema' 2>/dev/null || { echo "SKIP: python3-yaml / python3-jsonschema missing"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-sweep-job.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A trace file the scenario reads travels in the ConfigMap too.
cp "$source_dir/resources/traces/mooncake-sample.jsonl" "$work/trace.jsonl"
scenario=(mooncake --set "workload.path=$work/trace.jsonl" --set duration=60)
grid=(--param vllm.block_size=16,64 --param cluster.pods=2,3,4 --repeat 2)

"$kvroute" sweep emit-job "${scenario[@]}" "${grid[@]}" --parallelism 2 --shards 5 --image example.org/kvroute:test \
    --pvc results --namespace sweeps --cpu-request 500m --memory-limit 3Gi --fs-group 65532 -o "$work/job.yaml" 2>"$work/emit.err" ||
    fail "emit-job: $(cat "$work/emit.err")"
# A group id is a decimal integer: CLI11 alone would take 0x10 as 16, 010 as 8, and call "abc"
# out of range.
for gid in 0x10 abc 1.5 -1 2147483648; do
    if "$kvroute" sweep emit-job "${scenario[@]}" "${grid[@]}" --parallelism 1 --image example.org/kvroute:test \
        --fs-group "$gid" -o "$work/bad.yaml" 2>"$work/bad.err"; then
        fail "--fs-group $gid was accepted"
    fi
    grep -q -- "--fs-group: .*allowed: 0 to 2147483647" "$work/bad.err" || fail "--fs-group $gid: $(cat "$work/bad.err")"
done
"$kvroute" sweep emit-job "${scenario[@]}" "${grid[@]}" --parallelism 1 --image example.org/kvroute:test --pvc results \
    --fs-group 010 -o "$work/decimal.yaml" 2>/dev/null || fail "--fs-group 010 was refused"
grep -q "fsGroup: 10$" "$work/decimal.yaml" || fail "--fs-group 010: $(grep fsGroup "$work/decimal.yaml")"
grep -q "merge /results/shard-\*.jsonl on the claim" "$work/emit.err" || fail "summary with --pvc: $(cat "$work/emit.err")"
# Without a claim the results die with the pods: the summary says so instead of a merge hint.
"$kvroute" sweep emit-job "${scenario[@]}" "${grid[@]}" --parallelism 1 --image example.org/kvroute:test \
    -o "$work/nopvc.yaml" 2>"$work/nopvc.err" || fail "emit-job without --pvc: $(cat "$work/nopvc.err")"
grep -q "lost with each pod: give --pvc" "$work/nopvc.err" || fail "summary without --pvc: $(cat "$work/nopvc.err")"
grep -q "kvroute sweep merge" "$work/nopvc.err" && fail "summary without --pvc hints a merge: $(cat "$work/nopvc.err")"
python3 "$validate" "$work/job.yaml" >"$work/validate.txt" 2>&1 || fail "schema: $(cat "$work/validate.txt")"
grep -q "2 valid, 0 invalid" "$work/validate.txt" || fail "schema: $(cat "$work/validate.txt")"

python3 - "$kvroute" "$work" <<'PY' || exit 1
import json, os, subprocess, sys, yaml
kvroute, work = sys.argv[1], sys.argv[2]
docs = list(yaml.safe_load_all(open(os.path.join(work, "job.yaml"))))
config = next(d for d in docs if d["kind"] == "ConfigMap")
job = next(d for d in docs if d["kind"] == "Job")
spec = job["spec"]
assert spec["completionMode"] == "Indexed" and spec["completions"] == 5 and spec["parallelism"] == 2, spec
container = spec["template"]["spec"]["containers"][0]
mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
volumes = {v["name"]: v for v in spec["template"]["spec"]["volumes"]}
assert volumes["scenario"]["configMap"]["name"] == config["metadata"]["name"]
assert volumes["results"]["persistentVolumeClaim"]["claimName"] == "results"
assert container["resources"] == {"requests": {"cpu": "500m", "memory": "512Mi"},
                                  "limits": {"cpu": "1", "memory": "3Gi"}}, container["resources"]
assert container["securityContext"]["readOnlyRootFilesystem"] is True
assert any(e["name"] == "SHARD_INDEX" and "job-completion-index" in e["valueFrom"]["fieldRef"]["fieldPath"] for e in container["env"])
etc, results = os.path.join(work, "etc"), os.path.join(work, "results")
os.makedirs(etc); os.makedirs(results)
for key, text in config["data"].items():
    open(os.path.join(etc, key), "w").write(text)
if work in config["data"]["scenario.yaml"] or "path: trace.jsonl" not in config["data"]["scenario.yaml"]:
    print("FAIL: the scenario still names this machine's trace path"); sys.exit(1)
def command(index):
    args = []
    for a in container["args"]:
        a = a.replace("$(SHARD_INDEX)", str(index)).replace(mounts["scenario"], etc).replace(mounts["results"], results)
        args.append(a)
    return [kvroute if container["command"] == ["kvroute"] else container["command"][0]] + args
running = []
for index in range(spec["completions"]):
    running.append(subprocess.Popen(command(index), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    if len(running) == 4 or index == spec["completions"] - 1:
        for p in running:
            if p.wait(timeout=300) != 0:
                print("FAIL: a shard failed:", p.stderr.read().decode()); sys.exit(1)
        running = []
shards = sorted(os.listdir(results))
if shards != [f"shard-{i}.jsonl" for i in range(5)]:
    print("FAIL: shard files", shards); sys.exit(1)
PY

"$kvroute" sweep merge "$work/merged.jsonl" "$work"/results/shard-*.jsonl >/dev/null 2>"$work/merge.err" ||
    fail "merge: $(cat "$work/merge.err")"
grep -q "merged 12 of 12 points" "$work/merge.err" || fail "merge: $(cat "$work/merge.err")"
# The same grid unsharded, on the scenario as the Job's pods read it.
"$kvroute" sweep "$work/etc/scenario.yaml" "${grid[@]}" --out "$work/whole.jsonl" -q >/dev/null 2>"$work/whole.err" ||
    fail "unsharded sweep: $(cat "$work/whole.err")"
python3 - "$work/merged.jsonl" "$work/whole.jsonl" <<'PY' || exit 1
import json, sys
def records(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        r.pop("wall_time_s"); r.pop("shard", None)
        out.append(json.dumps(r, sort_keys=True))
    return sorted(out)
merged, whole = records(sys.argv[1]), records(sys.argv[2])
if merged != whole or len(merged) != 12:
    print("FAIL: merged Job records differ from the unsharded sweep"); sys.exit(1)
print("12 records from 5 Job completions equal the unsharded sweep")
PY

# Bad input: exit 2 with the option named.
for bad in "--parallelism 0" "--parallelism 3 --shards 2" "--parallelism 2 --shards 99" "--parallelism 2 --name Bad_Name" \
           "--parallelism 2 --namespace -x" "--parallelism 2 --image ''" "--parallelism 2 --cpu-request 2 --cpu-limit 1" \
           "--parallelism 2 --memory-request 1GB"; do
    eval "\"$kvroute\" sweep emit-job default --param cluster.pods=2,3,4 --image example.org/k:1 $bad" >"$work/bad.txt" 2>&1
    [[ $? -eq 2 ]] || fail "emit-job $bad: $(cat "$work/bad.txt")"
done
# Quantities beyond any node, below 64Mi per point the pod runs at once, or empty (almost always
# an unset shell variable, not a wish for the default): exit 2, naming the option and the range.
while IFS='|' read -r args says; do
    eval "\"$kvroute\" sweep emit-job default --param cluster.pods=2,3,4 --parallelism 2 --image example.org/k:1 $args" \
        >"$work/bad.txt" 2>&1
    [[ $? -eq 2 ]] || fail "emit-job $args: $(cat "$work/bad.txt")"
    grep -qF -- "$says" "$work/bad.txt" || fail "emit-job $args: $(cat "$work/bad.txt")"
done <<'ROWS'
--cpu-request 1e30|--cpu-request: '1e30' is out of range: a pod's CPUs must be in [1m, 4096] cores
--cpu-limit 5000|--cpu-limit: '5000' is out of range: a pod's CPUs must be in [1m, 4096] cores
--memory-request 65Ti|--memory-request: '65Ti' is out of range: a pod's memory must be in [64Mi, 64Ti]
--memory-limit 1e30|--memory-limit: '1e30' is out of range: a pod's memory must be in [64Mi, 64Ti]
--jobs-per-pod 4 --memory-request 200Mi|--memory-request: '200Mi' is less than the 256Mi that --jobs-per-pod 4 needs
--cpu-request ''|--cpu-request: '' is empty (usually a shell variable that is not set)
--cpu-limit ''|--cpu-limit: '' is empty (usually a shell variable that is not set)
--memory-request ''|--memory-request: '' is empty (usually a shell variable that is not set)
--memory-limit ''|--memory-limit: '' is empty (usually a shell variable that is not set)
ROWS
# The bounds themselves are a valid Job.
"$kvroute" sweep emit-job default --param cluster.pods=2,3,4 --parallelism 2 --image example.org/k:1 \
    --cpu-request 1920 --cpu-limit 4096 --memory-request 32Ti --memory-limit 64Ti -o "$work/large.yaml" 2>"$work/large.err" ||
    fail "emit-job at the bounds: $(cat "$work/large.err")"
grep -qF 'memory: "64Ti"' "$work/large.yaml" && grep -qF 'cpu: "4096"' "$work/large.yaml" ||
    fail "emit-job at the bounds: $(cat "$work/large.yaml")"
python3 "$validate" "$work/large.yaml" >"$work/validate.txt" 2>&1 && grep -q "2 valid, 0 invalid" "$work/validate.txt" ||
    fail "schema at the bounds: $(cat "$work/validate.txt")"
"$kvroute" sweep emit-job default --param cluster.pods=2,3 --parallelism 2 --image x --set workload.path=/no/such/file \
    --set workload.type=mooncake >"$work/bad.txt" 2>&1
[[ $? -eq 2 ]] || fail "a missing trace: $(cat "$work/bad.txt")"
echo "sweep emit-job: OK"
