#pragma once
// Building the workload a scenario asks for, with every check a user can fail.

#include "sim/util/result.h"
#include "sim/workload/workload.h"
#include "sim/workload/workload_config.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kvroute::sim {

/// The parameter checks of makeWorkload, without touching files: rates and durations > 0,
/// lengths and counts >= 1 (a system prompt may be empty), distributions that can be sampled,
/// a trace path and timeScale > 0 for trace kinds, maxRequests >= 0. Errors name the field,
/// e.g. where = "workload.sharedPrefix.stages[2].rate".
[[nodiscard]] Result<void> checkWorkloadConfig(const WorkloadConfig& config);

/// Checks `config`, and for trace kinds opens the file and reads it through (up to
/// config.maxRequests records) so that a malformed record is reported now, naming file:line and
/// the field, rather than in the middle of a run. A relative trace path is taken relative to
/// `baseDirectory` when that is not empty (the scenario file's folder). Every workload it builds
/// is deterministic in `seed`, limits itself to config.maxRequests (0 = none; start() may lower
/// it further), and must outlive the run of the simulation it is started on.
[[nodiscard]] Result<std::unique_ptr<Workload>> makeWorkload(const WorkloadConfig& config, std::uint64_t seed,
                                                             const std::string& baseDirectory = {});

[[nodiscard]] std::string_view toString(WorkloadKind kind);

} // namespace kvroute::sim
