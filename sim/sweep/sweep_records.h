#pragma once
// One JSON line per finished sweep point (the file `kvroute sweep --out` appends to and
// resumes from), and the summary table over them.

#include "sim/metrics/run_results.h"
#include "sim/sweep/sweep.h"

#include <string>
#include <vector>

namespace kvroute::sim {

struct SweepRecord {
    std::string key; ///< SweepPoint::key()
    std::vector<std::pair<std::string, std::string>> assignments;
    int repeat = 0;
    std::uint64_t seed = 0;
    double hitRate = 0.0;
    double stickiness = 0.0;
    LatencySummary ttft;
    LatencySummary itl;
    LatencySummary e2e;
    double requestsPerS = 0.0;
    double outputTokensPerS = 0.0;
    std::int64_t preemptions = 0;
    std::int64_t requestsCompleted = 0;
    double wallSeconds = 0.0;
};

[[nodiscard]] SweepRecord makeSweepRecord(const SweepPoint& point, const RunResults& results, double wallSeconds);
[[nodiscard]] std::string sweepRecordToJsonLine(const SweepRecord& record);
/// Reads a results file; a missing file is an empty list, a malformed line an error naming it.
[[nodiscard]] Result<std::vector<SweepRecord>> readSweepRecords(const std::string& path);
/// Means over repeats, one row per distinct assignment, in first-seen order.
[[nodiscard]] std::string sweepSummaryTable(const std::vector<SweepParameter>& parameters,
                                            const std::vector<SweepRecord>& records);

} // namespace kvroute::sim
