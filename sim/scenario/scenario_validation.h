#pragma once
// Checks that look at more than one key, as vLLM and the routers make them at startup, and the
// warnings for settings that are accepted but do not do what they say.

#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace kvroute::sim {

/// One problem: the message names every key involved; `paths` lists them, the one to point at
/// first (a file error lands on the first of them the file gives).
struct ScenarioIssue {
    std::string message;
    std::vector<std::string> paths;
};

/// Every problem with the scenario: each field against its schema range, then the
/// combinations. Empty = valid.
[[nodiscard]] std::vector<ScenarioIssue> scenarioIssues(const Scenario& scenario);

/// The first issue as an Error whose `where` is its first key path.
[[nodiscard]] Result<void> validateScenario(const Scenario& scenario);

/// Accepted settings that have no effect or defeat the routing they feed (e.g.
/// enable_chunked_prefill: false, which vLLM v0.10.0's V1 engine overrides).
[[nodiscard]] std::vector<std::string> scenarioWarnings(const Scenario& scenario);

/// The warning of scenarioWarnings for workload keys that workload.type never reads though set
/// to a value other than the default (inference-perf takes its load from its config file),
/// starting with where the file or --set gave the first of them; none when there are none.
/// The keys stay accepted, as other workload types' keys are: a resolved scenario (kvroute
/// scenarios show, the GUI's Save) lists every key of every workload type.
[[nodiscard]] std::optional<std::string> unreadWorkloadKeysWarning(const Scenario& scenario);

} // namespace kvroute::sim
