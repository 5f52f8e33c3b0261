#pragma once
// Everything one simulated run reports (docs/RESULTS.md documents the JSON form). Plain data:
// the GUI, the CLI and the writers only read it.

#include "sim/kernel/sim_time.h"
#include "sim/metrics/latency_summary.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kvroute::sim {

struct PodResult {
    std::string name;
    double hitRate = 0.0; ///< prefix_cache_hits / prefix_cache_queries, as vLLM's counters
    std::int64_t prefixCacheQueries = 0;
    std::int64_t prefixCacheHits = 0;
    std::int64_t prefixCacheRequests = 0;
    std::int64_t requests = 0;  ///< routing decisions that chose this pod
    std::int64_t completed = 0;
    std::int64_t preemptions = 0;
    std::int64_t generationTokens = 0;
    double meanKvCacheUsage = 0.0; ///< time-weighted over the run
    double maxKvCacheUsage = 0.0;
    double busyFraction = 0.0;     ///< share of the run the engine was stepping
    /// Engine steps (scheduler iterations) the pod ran.
    std::int64_t steps = 0;
};

/// One sample of the time series; interval values cover (t - interval, t].
struct TimeSeriesPoint {
    double t = 0.0;                   ///< seconds since the start
    double hitRate = 0.0;             ///< cluster, over the interval (0 when nothing was queried)
    double cumulativeHitRate = 0.0;   ///< cluster, since the start
    std::int64_t firstTokens = 0;     ///< requests whose first token arrived in the interval
    double ttftMean = 0.0;            ///< of those requests (0 when none)
    double ttftP90 = 0.0;
    double requestsPerS = 0.0;        ///< completions in the interval / interval
    double outputTokensPerS = 0.0;
    std::vector<double> podHitRate;   ///< per pod, over the interval
    std::vector<double> podKvCacheUsage;   ///< per pod, gauge at t
    std::vector<std::int32_t> podWaiting;  ///< per pod, gauge at t (vllm:num_requests_waiting)
    std::vector<std::int32_t> podRunning;  ///< per pod, gauge at t
};

/// One load stage of a staged workload, measured as inference-perf measures a stage
/// (its lifecycle metrics): over the stage's own requests, from its first send to its last answer.
struct StageResult {
    int index = 0;                   ///< position in the workload's stages
    double rate = 0.0;               ///< offered requests/s
    double durationSeconds = 0.0;    ///< planned length of its arrivals
    std::int64_t requests = 0;       ///< sent to the gateway
    std::int64_t completed = 0;
    std::int64_t failed = 0;         ///< rejected or unroutable
    std::int64_t unfinished = 0;     ///< still in flight when the run ended
    double startSeconds = 0.0;       ///< first send
    double lastSendSeconds = 0.0;
    double endSeconds = 0.0;         ///< last answer received (completed requests)
    std::int64_t outputTokens = 0;   ///< of completed requests
    /// Completed requests and output tokens ÷ (last answer − first send): inference-perf's
    /// per-stage throughput, so a stage that drains slowly shows it.
    double requestsPerS = 0.0;
    double outputTokensPerS = 0.0;
    /// Requests sent ÷ (last send − first send): inference-perf's load_summary.achieved_rate,
    /// the "Requests/s" of llm-d's benchmark tables.
    double achievedRate = 0.0;
    LatencySummary ttft;             ///< seconds, from the workload's TTFT clock
    LatencySummary e2e;
    double itlMean = 0.0;            ///< Σ(last − first token) ÷ Σ(tokens − 1) over completed requests
    double cachedPromptFraction = 0.0; ///< prompt tokens found cached, of its completed requests
    double queueDepthMean = 0.0;     ///< per pod, vllm:num_requests_waiting sampled in the stage
    std::int32_t queueDepthMax = 0;  ///< largest one pod's waiting queue at a sample
    double clientWaitingMean = 0.0;  ///< requests waiting at a full client, sampled in the stage
};

/// A QPS ladder's summary row: the unweighted mean of the per-stage values (llm-d's reports give
/// exactly this for output tok/s; inference-perf's own summary file pools requests instead), not a pooled
/// figure), over stages that completed at least one request.
struct StageSummary {
    int stages = 0;
    double requestsPerS = 0.0;
    double achievedRate = 0.0;
    double outputTokensPerS = 0.0;
    double ttftMean = 0.0;
    double ttftP90 = 0.0;
    double itlMean = 0.0;
};

struct CapacityInfo {
    std::int64_t numGpuBlocks = 0;    ///< per pod, including the null block
    std::int64_t kvTokensPerPod = 0;  ///< numGpuBlocks × block_size ("GPU KV cache size")
    std::int64_t kvBytesPerToken = 0;
    bool overridden = false;
};

struct RunResults {
    double hitRate = 0.0; ///< Σ hits / Σ queries over all pods (vLLM's counters)
    std::int64_t prefixCacheQueries = 0;
    std::int64_t prefixCacheHits = 0;
    /// Per completed request, once: the prompt tokens found cached when it was first scheduled
    /// (vLLM's Request.num_cached_tokens) over its prompt tokens. Unlike hitRate, a waiting
    /// request that the scheduler checks again on every step counts once (vllm.md §2: vLLM's
    /// counters query the head of a blocked waiting queue on each step).
    double cachedPromptFraction = 0.0;
    std::int64_t cachedPromptTokens = 0;
    std::int64_t completedPromptTokens = 0;
    /// Share of follow-up requests (a session's 2nd, 3rd, ...) routed to the pod that served
    /// the session's previous request.
    double stickiness = 0.0;
    std::int64_t followUpRequests = 0;

    std::int64_t requestsSubmitted = 0;
    std::int64_t requestsCompleted = 0;
    std::int64_t requestsRejected = 0;   ///< refused by the pod front end with a 400 (TimedPod::submit: prompt + max_tokens over max_model_len, max_tokens 0, empty prompt)
    std::int64_t requestsUnroutable = 0; ///< refused by the router: no pod left after the EPP's filters
    std::int64_t requestsUnfinished = 0; ///< still in flight when the drain limit ended the run

    LatencySummary ttft;  ///< client-side: send → first token received (seconds)
    LatencySummary itl;   ///< gaps between successive tokens of a request
    LatencySummary e2e;   ///< send → last token received
    LatencySummary queue; ///< pod arrival → first scheduled

    double requestsPerS = 0.0;
    double outputTokensPerS = 0.0;
    std::int64_t outputTokens = 0;
    std::int64_t promptTokens = 0;
    std::int64_t preemptions = 0;
    std::int64_t engineSteps = 0; ///< Σ PodResult::steps: the simulator's work, more than requests

    std::vector<PodResult> pods;
    std::vector<TimeSeriesPoint> timeseries;
    std::vector<StageResult> stages; ///< staged workloads only
    StageSummary stageSummary;       ///< over `stages`
    double sampleIntervalSeconds = 1.0;

    CapacityInfo capacity;
    std::string router;   ///< describe() of the router
    std::string workload; ///< describe() of the workload
    std::string latencyModel;
    std::vector<std::string> warnings;
    double simulatedSeconds = 0.0; ///< from the first arrival to the last completion
    bool cancelled = false;
};

} // namespace kvroute::sim
