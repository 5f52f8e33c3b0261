#pragma once
// RunResults as JSON (docs/RESULTS.md), CSV files and a readable text report.

#include "sim/metrics/run_results.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <span>
#include <string>

namespace kvroute::sim {

/// What may differ between two runs of the same scenario and seed.
struct RunInfo {
    std::string version;
    double wallTimeSeconds = 0.0;
};

/// The results document. `scenarioJson` is the resolved scenario as a JSON object text.
[[nodiscard]] std::string resultsToJson(const RunResults& results, const Scenario& scenario, const RunInfo& info,
                                        bool pretty = true);

/// A number as every kvroute CSV writes it (%.9g).
[[nodiscard]] std::string csvNumber(double value);

/// Writes summary.csv, pods.csv and timeseries.csv into `directory` (created if needed).
[[nodiscard]] Result<void> writeResultsCsv(const RunResults& results, const std::string& directory);

/// The report `kvroute run` prints. `overrides` (the run's --set arguments, as typed) are listed
/// under the title: the scenario's description speaks of the scenario as written.
[[nodiscard]] std::string resultsReport(const RunResults& results, const Scenario& scenario,
                                        std::span<const std::string> overrides = {});

} // namespace kvroute::sim
