#pragma once
// What a live pod serves on /metrics: every vLLM v0.10.0 engine metric (vllm.md §6) with vLLM's
// names, types, labels (model_name, engine="0") and buckets, in Prometheus text format 0.0.4.
// Fed by the same PodListener events the simulation's collector gets, so the numbers a live pod
// serves and the numbers a simulated pod reports come from one code path.

#include "sim/pod/timed_pod.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct Histogram {
    std::vector<double> bounds; ///< upper bounds, ascending; +Inf is implicit
    std::vector<std::uint64_t> counts; ///< per bound, not cumulative; size bounds+1
    double sum = 0.0;
    std::uint64_t count = 0;

    explicit Histogram(std::vector<double> upperBounds = {});
    void observe(double value);
};

/// vLLM's build_1_2_5_buckets(max): 1, 2, 5, 10, 20, 50, ... up to max.
[[nodiscard]] std::vector<double> buckets125(std::int64_t max);

struct PodIdentity {
    std::string modelName;  ///< served model name (label model_name)
    std::int32_t maxModelLen = 0;
    std::int32_t blockSize = 16;
    std::int64_t numGpuBlocks = 0;
    double gpuMemoryUtilization = 0.9;
    bool enablePrefixCaching = true;
    std::string prefixCachingHashAlgo = "builtin";
};

class PodPrometheus {
public:
    explicit PodPrometheus(PodIdentity identity);

    /// The pod's listener events, in simulated seconds. Each histogram is observed when vLLM
    /// v0.10.0 observes it (PrometheusStatLogger.record, v1/metrics/loggers.py:522-561): TTFT,
    /// time per output token and iteration tokens per output batch; everything per request
    /// (latencies, token counts, the n and max_tokens parameters) only when it finishes.
    void onToken(double nowSeconds, const sim::RequestOutput& output, const sim::PodRequestRecord& record);
    void onStepEnd(std::int64_t iterationTokens);
    /// `maxTokensParam`: the request's sampling max_tokens (vLLM's max_tokens_param).
    void onFinished(double nowSeconds, const sim::PodRequestRecord& record, std::int32_t maxTokensParam);

    /// The exposition text of `pod`'s counters and gauges plus the histograms.
    [[nodiscard]] std::string render(const sim::PodMetrics& pod) const;

private:
    PodIdentity m_id;
    std::map<std::string, std::uint64_t> m_finishedByReason;
    Histogram m_ttft, m_tpot, m_e2e, m_queue, m_inference, m_prefill, m_decode;
    Histogram m_promptTokens, m_generationTokens, m_maxTokens, m_maxGenerationTokens, m_n, m_iteration;
    std::int64_t m_preemptionsDelivered = 0;
};

} // namespace kvroute::cluster
