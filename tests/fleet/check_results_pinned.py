#!/usr/bin/env python3
"""Pins the simulator's results: `kvroute run --json` of every built-in scenario under every
routing policy and EPP profile, hashed (run_info, the wall time, aside) and compared with
tests/fleet/golden/results.sha256. The simulator is deterministic, so any change of a figure
shows here: a performance change must leave every line equal; a change of the rules updates the
file on purpose (KVROUTE_UPDATE_GOLDEN=1) and says why in its commit.

    check_results_pinned.py KVROUTE_BIN GOLDEN_FILE
"""
import hashlib, json, os, subprocess, sys, tempfile

kvroute, golden_path = sys.argv[1], sys.argv[2]

ROUTINGS = [
    [],
    ["--set", "routing.policy=round-robin"],
    ["--set", "routing.policy=random"],
    ["--set", "routing.policy=least-request"],
    ["--set", "routing.policy=header-hash"],
] + [["--set", "routing.policy=epp", "--set", f"routing.profile={p}"] for p in ("precise", "approximate", "load", "random")]

CASES = {}
for routing in ROUTINGS:
    name = " ".join(routing[1::2]) or "as built"
    CASES[f"default [{name}]"] = ["default", "--set", "duration=120"] + routing
CASES["seed-cache-test"] = ["seed-cache-test"]
for profile in ("precise", "approximate", "load", "random"):
    CASES[f"llmd-shared-prefix [{profile}]"] = ["llmd-shared-prefix", "--set", f"routing.profile={profile}"]
CASES["mooncake"] = ["mooncake"]
CASES["mooncake [precise]"] = ["mooncake", "--set", "routing.profile=precise", "--set", "vllm.kv_events=true"]


def digest(args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        run = subprocess.run([kvroute, "run", *args, "--quiet", "--json", out], capture_output=True, text=True, timeout=300)
        if run.returncode != 0:
            return "FAILED: " + run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "FAILED"
        results = json.load(open(out))
        results.pop("run_info", None)
        return hashlib.sha256(json.dumps(results, sort_keys=True).encode()).hexdigest()


lines = [f"{digest(args)}  {name}" for name, args in CASES.items()]
if os.environ.get("KVROUTE_UPDATE_GOLDEN") == "1":
    with open(golden_path, "w") as f:
        f.write("# sha256 of `kvroute run --json` (run_info aside) per case; tests/fleet/check_results_pinned.py\n")
        f.write("\n".join(lines) + "\n")
    print(f"wrote {golden_path}")
    sys.exit(0)
expected = [l for l in open(golden_path).read().splitlines() if l and not l.startswith("#")]
bad = 0
for want, got in zip(expected, lines):
    if want != got:
        bad += 1
        print(f"FAIL: {got.split('  ', 1)[1]}: results changed (sha256 {got.split()[0][:16]}…, pinned {want.split()[0][:16]}…)")
if len(expected) != len(lines):
    bad += 1
    print(f"FAIL: {len(lines)} cases, the golden file has {len(expected)}")
print(f"{len(lines) - bad} of {len(lines)} cases give the pinned results")
sys.exit(1 if bad else 0)
