#pragma once
// A real inference-perf benchmark beside its simulation, stage by stage (`kvroute
// compare-report`, docs/INFERENCE_PERF.md). inference-perf's stage_id i is the simulation's
// stage i (both count the warm-up as stage 0); the summary row is the unweighted mean of the
// stages, as llm-d's benchmark reports summarise a QPS ladder.

#include "sim/compare/inference_perf_report.h"
#include "sim/metrics/run_results.h"

#include <optional>
#include <string>
#include <vector>

namespace kvroute::sim {

/// One figure measured and simulated; relDiff = simulated / measured − 1 (nullopt without both,
/// or when the measurement is 0).
struct ComparedValue {
    std::optional<double> measured;
    std::optional<double> simulated;
    [[nodiscard]] std::optional<double> relDiff() const;
};

struct StageComparison {
    int stage = 0;                    ///< -1 for the summary row
    std::optional<double> measuredRate; ///< requested rate of the report (stage files)
    std::optional<double> simulatedRate;
    ComparedValue outputTokensPerS;
    ComparedValue ttftMean;           ///< seconds
    ComparedValue ttftP50;
    ComparedValue ttftP90;
    /// The simulated side is halved when the report's ITL counts blank SSE lines (itlHalved).
    ComparedValue itlMean;
    ComparedValue requests;           ///< successful (measured) and completed (simulated) requests
    bool itlHalved = false;
};

struct ReportComparison {
    std::vector<StageComparison> stages; ///< stages present on both sides, in order
    StageComparison summary;             ///< unweighted mean over `stages`, per figure
    /// inference-perf's own summary file (all stages pooled) beside the whole simulated run.
    std::optional<StageComparison> pooled;
    bool itlBlankLines = false;          ///< the report shows inference-perf v0.2.0's ITL artefact
    std::vector<std::string> notes;
    std::vector<std::string> warnings;
};

/// Whether a measured ITL looks like inference-perf v0.2.0's blank-line artefact: median under
/// 1 ms while the mean is over ten times the median (apis/completion.py 52-55 timestamps the
/// blank line after every SSE event, so half the gaps are ~0).
[[nodiscard]] bool itlCountsBlankLines(const MeasuredLatency& itl);

[[nodiscard]] ReportComparison compareReport(const MeasuredReport& measured, const RunResults& simulated);

/// The table `kvroute compare-report` prints.
[[nodiscard]] std::string comparisonText(const ReportComparison& comparison);
/// The comparison as JSON (`--json`); `scenario` names the simulated scenario.
[[nodiscard]] std::string comparisonJson(const ReportComparison& comparison, const std::string& scenario,
                                         const std::vector<std::string>& reportFiles);

} // namespace kvroute::sim
