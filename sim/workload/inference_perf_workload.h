#pragma once
// workload.type inference-perf: the benchmark an inference-perf config file describes
// (kubernetes-sigs/inference-perf v0.2.0), run on the simulated cluster. The file's stages,
// load type and data set become a SharedPrefixWorkload (its prompts, or random ones), with
// inference-perf's hard-wired stage handling (load_generator.py run_stage, lines 183-257):
// arrivals start 1 s into a stage, the stage drains before the next begins, noticed by a
// check once a second, then load.interval passes.
//
// The client: inference-perf's num_workers processes each keep at most worker_max_concurrency
// requests out (a semaphore taken before a request is pulled off the shared queue), so at most
// num_workers × worker_max_concurrency are out; here that is one pool of that size
// (workload.client.max_in_flight), not a per-worker split. An explicit
// workload.client.max_in_flight in the scenario wins; without num_workers (inference-perf's
// default is the benchmark machine's cpu_count(), which no file records) 8 workers are assumed.

#include "sim/util/result.h"
#include "sim/workload/inference_perf_config.h"
#include "sim/workload/workload.h"
#include "sim/workload/workload_config.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kvroute::sim {

/// Workers assumed when the file has no load.num_workers and the scenario no max_in_flight.
inline constexpr std::int64_t kInferencePerfDefaultWorkers = 8;

/// What a config file means for a run of `scenario` (its workload section).
struct InferencePerfPlan {
    SharedPrefixConfig stages; ///< stages, load type, stage handling (and shared-prefix lengths)
    InferencePerfData data = InferencePerfData::SharedPrefix;
    LengthDistribution input;  ///< random data, total_count filled in
    LengthDistribution output;
    std::int32_t maxInFlight = 0; ///< the client's limit
    std::string clientNote;       ///< "at most N in flight", for describe()
    std::vector<std::string> warnings;
};

[[nodiscard]] InferencePerfPlan planInferencePerf(const InferencePerfConfig& config, const WorkloadConfig& scenario);

/// workload.path made absolute against `baseDirectory` (when relative and that is set), checked
/// to exist.
[[nodiscard]] Result<std::string> inferencePerfPath(const WorkloadConfig& workload, const std::string& baseDirectory);

/// For workload.type inference-perf: reads the file and writes what it means into `workload`
/// (sharedPrefix: stages, load type, lengths; client.max_in_flight), adding the plan's warnings;
/// other workload types are left alone. Run set-up calls it, so run limits and the client see
/// the file's load.
[[nodiscard]] Result<void> resolveInferencePerf(WorkloadConfig& workload, std::vector<std::string>& warnings,
                                                const std::string& baseDirectory = {});

/// The workload of `config` (kind InferencePerf); reads the file itself.
[[nodiscard]] Result<std::unique_ptr<Workload>> makeInferencePerfWorkload(const WorkloadConfig& config,
                                                                          std::uint64_t seed,
                                                                          const std::string& baseDirectory);

} // namespace kvroute::sim
