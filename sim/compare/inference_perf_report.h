#pragma once
// inference-perf's per-stage result files (kubernetes-sigs/inference-perf v0.2.0,
// inference_perf/reportgen/base.py summarize_requests, lines 122-189): what a real benchmark
// measured, for `kvroute compare-report`. Only the figures a comparison needs are read; the
// rest of each file is ignored.

#include "sim/util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim {

/// One summarize() block; every figure absent when inference-perf wrote null (no samples).
struct MeasuredLatency {
    std::optional<double> mean;   ///< seconds
    std::optional<double> median;
    std::optional<double> p90;
};

/// One stage_N_lifecycle_metrics.json (or the summary_lifecycle_metrics.json over all stages).
struct MeasuredStage {
    int stageId = -1;                   ///< N; -1 for the summary file
    std::string file;
    std::int64_t requests = 0;          ///< load_summary.count
    std::optional<double> requestedRate; ///< load_summary.requested_rate (stage files only)
    std::optional<double> achievedRate;
    std::int64_t successes = 0;
    std::int64_t failures = 0;
    double outputTokensPerS = 0.0;      ///< successes.throughput: tokens ÷ (last end − first send)
    double requestsPerS = 0.0;
    MeasuredLatency ttft;               ///< successes.latency.time_to_first_token
    MeasuredLatency itl;                ///< successes.latency.inter_token_latency
};

struct MeasuredReport {
    std::vector<MeasuredStage> stages; ///< by stage id
    std::optional<MeasuredStage> summary;
};

/// Parses one lifecycle-metrics file's text; `file` names it in errors, which also name the
/// missing or mistyped field ("successes.throughput.output_tokens_per_sec").
[[nodiscard]] Result<MeasuredStage> parseLifecycleMetrics(std::string_view text, const std::string& file);

/// Reads report directories (every stage_N_lifecycle_metrics.json and a
/// summary_lifecycle_metrics.json in them) and files named so. At least one stage file is
/// required; a stage given twice is an error.
[[nodiscard]] Result<MeasuredReport> readInferencePerfReport(const std::vector<std::string>& paths);

/// The summary file against the stage files read with it: a sentence starting with the summary
/// file's name when its request, success or failure count is not the sum of the stage files'
/// (a stage file left out, or a summary of another run); nullopt when they agree or there is
/// no summary. inference-perf's summary pools every request of every stage.
[[nodiscard]] std::optional<std::string> summaryMismatch(const MeasuredReport& report);

/// N of "stage_N_lifecycle_metrics.json", nullopt for other names.
[[nodiscard]] std::optional<int> stageFileId(std::string_view fileName);

} // namespace kvroute::sim
