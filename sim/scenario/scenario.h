#pragma once
// A scenario: everything one simulated run needs. Parsed strictly from one YAML file
// (scenario_yaml.h), every key documented in docs/SCENARIOS.md.

#include "sim/kernel/sim_time.h"
#include "sim/model/step_time.h"
#include "sim/routing/routing_config.h"
#include "sim/workload/workload_config.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::sim {

/// vLLM engine flags, named like `vllm serve` options (vllm.md §8 for defaults).
struct VllmConfig {
    std::int32_t blockSize = 16;
    double gpuMemoryUtilization = 0.9;
    std::int32_t maxModelLen = 4096;
    std::int32_t maxNumSeqs = 256;
    std::int32_t maxNumBatchedTokens = 2048;
    bool enablePrefixCaching = true;
    /// What the user asked for. vLLM v0.10.0's V1 engine forces chunked prefill on for
    /// generative models regardless (vllm.md §8), which the simulation follows; see
    /// effectiveChunkedPrefill.
    bool enableChunkedPrefill = true;
    std::int32_t longPrefillTokenThreshold = 0;
    std::optional<std::int32_t> numGpuBlocksOverride;
    std::string prefixCachingHashAlgo = "builtin"; ///< builtin | sha256_cbor_64bit
    std::optional<std::string> pythonHashSeed;     ///< PYTHONHASHSEED; unset = random per pod
    bool kvEvents = false;                         ///< --kv-events-config enable_kv_cache_events
};

/// Whether steps use chunked prefill: always, since vLLM v0.10.0's V1 engine sets
/// enable_chunked_prefill=True for generative models whatever the flag says (arg_utils.py
/// _set_default_args_v1, vllm.md §8). The flag itself only raises a warning (scenarioWarnings).
[[nodiscard]] constexpr bool effectiveChunkedPrefill(const VllmConfig& /*config*/) noexcept
{
    return true;
}

struct ModelConfig {
    std::string model = "Llama-3.2-1B";
    std::string gpu = "H100-80GB";
    std::int32_t tensorParallel = 1;
    StepTimeKind latencyModel = StepTimeKind::Roofline;
};

struct ClusterConfig {
    std::int32_t pods = 3;
};

struct RunConfig {
    /// Arrivals stop at `duration`; in-flight requests then drain for at most `drainLimit`.
    SimTime duration = 600 * kSecond;
    SimTime drainLimit = 600 * kSecond;
    /// Spacing of the time series in the results.
    SimTime sampleInterval = 1 * kSecond;
};

struct Scenario {
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    ModelConfig model;
    VllmConfig vllm;
    ClusterConfig cluster;
    RoutingConfig routing;
    WorkloadConfig workload;
    RunConfig run;
    /// Settings that are accepted but do not do what they say (scenarioWarnings, recomputed by
    /// the parser and applyOverrides). Not a key: toYaml prints them as comments.
    std::vector<std::string> warnings;
    /// Where the scenario file or --set gave each key (path -> "file:line:column" or "--set
    /// key=value"), so that warnings can point at it. Not a key.
    std::map<std::string, std::string> givenAt;
};

} // namespace kvroute::sim
