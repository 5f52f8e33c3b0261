#pragma once
// `kvroute live compare`: one scenario, two worlds. The scenario's workload runs on the local
// stack (`kvroute load` through its gateway), Prometheus is asked what the pods did during the
// run (counter differences between the run's first and last instant, so earlier traffic does not
// count), the simulator runs the same scenario for the same duration, and each measure is shown
// side by side with its difference and a verdict against a stated tolerance.

#include "cluster/load/load_generator.h"
#include "cluster/stack/stack.h"
#include "sim/metrics/run_results.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct CompareOptions {
    double durationSeconds = 0; ///< simulated seconds of arrivals; 0 = the scenario's
    /// The load's client cap; 0 = the scenario's workload.client.max_in_flight (4096, never
    /// reached, when that is unlimited), as the simulation models it.
    int maxInflight = 0;
    std::function<void(double fraction, const std::string& label)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

/// One line of the side-by-side table.
struct CompareRow {
    std::string measure;         ///< "hit rate", "hit rate", "TTFT p90", ...
    std::string pod;             ///< empty for cluster-wide rows
    std::string unit;            ///< "ratio", "s", "req/s", "tok/s", "count"
    std::optional<double> live;
    std::optional<double> simulated;
    double tolerance = 0;        ///< allowed |live − simulated| (absolute in the row's unit)
    std::string toleranceText;   ///< how it was set: "±0.03", "±25 % (min 0.05 s)"
    std::string verdict;         ///< "agrees", "differs", "n/a"
    std::string source;          ///< where the live figure comes from
};

struct CompareReport {
    std::string scenario;
    std::string stackDir;
    std::string prometheusUrl;
    double durationSeconds = 0;  ///< simulated seconds of arrivals
    double timeScale = 1.0;
    double wallSeconds = 0;      ///< the load's wall time
    std::vector<CompareRow> rows;
    /// Cross-check inside the live world: the hit rate from Prometheus and from the pods' own
    /// /metrics over the same run (they must agree; if not, a scrape was lost).
    double prometheusHitRate = 0;
    double podCountersHitRate = 0;
    double hitRateGap = 0;       ///< live − simulated, cluster
    LoadReport load;
    sim::RunResults simulated;
    std::vector<std::string> notes;
};

/// Runs the comparison on a stack that is up (`state` from stackStatus/stackUp). `scenario` must be
/// the one the stack runs (its pods' configuration); only the workload side may differ.
[[nodiscard]] Result<CompareReport> compareLive(const sim::Scenario& scenario, const StackState& state,
                                                const CompareOptions& options);

/// Checks the options alone (before a stack is brought up for them).
[[nodiscard]] Result<void> checkCompareOptions(const CompareOptions& options);

/// Refuses overrides that would change what the running pods or gateway do (pods, vLLM flags,
/// routing): those need a new stack. Workload and duration keys are fine.
[[nodiscard]] Result<void> checkOverridesForRunningStack(const std::vector<std::string>& overrides);

[[nodiscard]] std::string compareReportText(const CompareReport& report);
[[nodiscard]] std::string compareReportJson(const CompareReport& report);

} // namespace kvroute::cluster
