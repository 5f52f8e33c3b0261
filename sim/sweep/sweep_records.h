#pragma once
// One JSON line per finished sweep point (the file `kvroute sweep --out` appends to and
// resumes from), and the summary table over them.

#include "sim/metrics/run_results.h"
#include "sim/sweep/sweep.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::sim {

/// One stage of a staged workload (a QPS ladder), the figures the sweep charts draw against
/// the offered rate: a compact copy of StageResult.
struct SweepStageRecord {
    double rate = 0.0;       ///< offered requests/s
    std::int64_t requests = 0;
    std::int64_t completed = 0;
    double outputTokensPerS = 0.0;
    LatencySummary ttft;     ///< mean, p50, p90 (p99 is not kept: 0)
    double itlMean = 0.0;
};

struct SweepRecord {
    std::string key;  ///< SweepPoint::key()
    std::string base; ///< sweepBaseId() of the scenario the point varied
    /// The sweep the point belongs to (absent in records of kvroute before sharding).
    std::optional<SweepGrid> grid;
    std::string gridId; ///< sweepGridId(*grid)
    std::string shard;  ///< "I/N" when written by a shard
    std::vector<std::pair<std::string, std::string>> assignments;
    int repeat = 0;
    std::uint64_t seed = 0;
    double hitRate = 0.0;
    double cachedPromptFraction = 0.0;
    double stickiness = 0.0;
    LatencySummary ttft;
    LatencySummary itl;
    LatencySummary e2e;
    double requestsPerS = 0.0;
    double outputTokensPerS = 0.0;
    std::int64_t preemptions = 0;
    std::int64_t requestsCompleted = 0;
    double wallSeconds = 0.0;
    /// The run's notes (settings that do not do what they say, rejected requests, ...), as
    /// `kvroute run` prints them.
    std::vector<std::string> notes;
    /// Per stage, for staged workloads (written only when there are stages; records of an
    /// older kvroute have none).
    std::vector<SweepStageRecord> stages;
};

[[nodiscard]] SweepRecord makeSweepRecord(const SweepPoint& point, const RunResults& results, double wallSeconds,
                                          std::string baseId, const SweepGrid& grid, std::string shard = {});
[[nodiscard]] std::string sweepRecordToJsonLine(const SweepRecord& record);

struct SweepFile {
    std::vector<SweepRecord> records;
    /// Set when the last line is cut off (a sweep killed while writing it): the byte length
    /// of the complete lines before it, to which the file can be truncated.
    std::optional<std::uintmax_t> completeBytes;
    int partialLine = 0; ///< line number of the cut-off line
    /// The last line is a whole record without its newline (edited by hand): appending must
    /// start with one.
    bool lastLineUnterminated = false;
};
/// Reads a results file; a missing file is empty. A malformed line is an error naming it,
/// except a last line without its newline that starts like a record ({"key"...), which is
/// reported in SweepFile::completeBytes.
[[nodiscard]] Result<SweepFile> readSweepRecords(const std::string& path);

/// The notes of the records in `grid`, each said once with the points it concerns (empty when
/// no point has any); sweepSummaryTable ends with it.
[[nodiscard]] std::string sweepNotes(const std::vector<SweepPoint>& grid, const std::vector<SweepRecord>& records);

/// Means over repeats, one row per point of `grid` (repeats folded), in grid order, from the
/// records whose key is in the grid; a point with no record shows "-".
[[nodiscard]] std::string sweepSummaryTable(const std::vector<SweepParameter>& parameters,
                                            const std::vector<SweepPoint>& grid,
                                            const std::vector<SweepRecord>& records);

} // namespace kvroute::sim
