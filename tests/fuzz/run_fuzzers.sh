#!/usr/bin/env bash
# Runs every libFuzzer harness for SECONDS each, one after another (one job each: CI machines
# are small), on a scratch copy of its seed corpus: nothing is written into the source tree.
# Fails if any harness finds a crash, a leak, a timeout (> 10 s on one input) or an input
# needing more than 2 GB. Crash inputs are kept and their paths printed.
#
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [HARNESS...]
#
# BUILD_DIR is a build configured with -DKVROUTE_BUILD_FUZZERS=ON (cmake/Fuzzing.cmake) in which
# the target `fuzzers` was built. Default harnesses: all five.
set -uo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 BUILD_DIR SECONDS [HARNESS...]" >&2
    exit 2
fi
if [[ ! -d $1 ]]; then
    echo "run_fuzzers: no build directory $1 (scripts/build-fuzzers.sh makes one)" >&2
    [[ $# -eq 3 ]] && exit 77
    exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
    harnesses=(scenario_yaml epp_config mooncake_trace azure_trace conformance_trace)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kvroute-fuzz.XXXXXX")
failed=()
for name in "${harnesses[@]}"; do
    binary="$build/fuzz/fuzz_$name"
    if [[ ! -x $binary ]]; then
        echo "run_fuzzers: $binary is missing (build the target 'fuzzers' in $build, e.g. scripts/build-fuzzers.sh)" >&2
        if [[ ${#harnesses[@]} -eq 1 ]]; then
            exit 77 # ctest: skipped, not passed
        fi
        failed+=("$name (not built)")
        continue
    fi
    corpus="$work/$name/corpus"
    artifacts="$work/$name/artifacts/"
    mkdir -p "$corpus" "$artifacts"
    cp "$here/corpus/$name/"* "$corpus/"
    log="$work/$name/fuzz.log"
    echo "== fuzz_$name: $seconds s"
    "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1
    rc=$?
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE' "$log" | sed 's/^/   /'
    if [[ $rc -ne 0 ]] || compgen -G "$artifacts*" >/dev/null; then
        echo "   FAILED (exit $rc); log: $log"
        grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -10 | sed 's/^/   /'
        failed+=("$name")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "run_fuzzers: findings in: ${failed[*]} (inputs and logs kept in $work)"
    exit 1
fi
rm -rf "$work"
echo "run_fuzzers: ${#harnesses[@]} harnesses, $seconds s each, no findings"
