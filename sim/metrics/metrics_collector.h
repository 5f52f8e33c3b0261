#pragma once
// Turns what pods and the gateway observe into RunResults: client-side latencies, vLLM's
// prefix-cache counters per pod, stickiness, and a time series sampled at a fixed interval.

#include "sim/metrics/run_results.h"
#include "sim/pod/timed_pod.h"
#include "sim/workload/workload_config.h"
#include "sim/workload/workload_request.h"

#include <span>
#include <unordered_map>
#include <vector>

namespace kvroute::sim {

/// inference-perf's summary row over `stages` (StageSummary).
[[nodiscard]] StageSummary summarizeStages(std::span<const StageResult> stages);

class MetricsCollector final : public PodListener {
public:
    /// `oneWayDelay` is added to pod-side times to get what the client sees; `ttftFrom` says
    /// whether latencies start when a request is produced or when the client sends it.
    MetricsCollector(int numPods, SimTime sampleInterval, SimTime oneWayDelay, TtftClock ttftFrom = TtftClock::Send);

    /// The workload's load stages (WorkloadRequest::stage indexes them); none = not staged.
    void setStages(std::vector<LoadStage> stages);

    /// The client sent `request` at `sentAt` (its arrival, unless it waited at a full client).
    void onSubmitted(const WorkloadRequest& request, SimTime sentAt);
    void onRouted(const WorkloadRequest& request, int pod);
    void onRejected(const WorkloadRequest& request);
    /// The router refused the request (no pod to send it to).
    void onUnroutable(const WorkloadRequest& request);

    // Runs for every generated token: the inter-token case stays inline.
    void onToken(int /*pod*/, SimTime now, const RequestOutput& output, const PodRequestRecord& record) override
    {
        ++m_intervalTokens;
        if (!output.firstToken) {
            if (record.lastToken >= 0)
                m_itl.add(now - record.lastToken);
            return;
        }
        onFirstToken(now, output);
    }
    void onSteadyTokens(int /*pod*/, SimTime /*now*/, std::int32_t count, SimTime interTokenLatency) override
    {
        m_intervalTokens += count;
        m_itl.add(interTokenLatency, count);
    }
    void onStats(int pod, SimTime now, const SchedulerStats& stats) override;
    void onSteadySteps(int pod, const SteadySteps& steps) override;
    void onFinished(int pod, SimTime now, const PodRequestRecord& record) override;

    /// Records one time-series point at `now` from the pods' current metrics and the number of
    /// requests waiting at the client.
    void sample(SimTime now, std::span<const PodMetrics* const> pods, std::int64_t clientWaiting = 0);

    /// Final results; `end` closes the time-weighted averages.
    [[nodiscard]] RunResults finish(SimTime end, std::span<const PodMetrics* const> pods) const;

    [[nodiscard]] std::int64_t inFlight() const { return static_cast<std::int64_t>(m_requests.size()); }
    /// Requests the client has sent so far (onSubmitted).
    [[nodiscard]] std::int64_t submitted() const { return m_submitted; }

private:
    /// Once per request, against once per token for onToken: kept out of line so that the
    /// per-token path needs no callee-saved registers (with link-time optimisation GCC inlined
    /// it and onToken pushed six registers per token).
    [[gnu::noinline]] void onFirstToken(SimTime now, const RequestOutput& output);
    struct InFlight {
        SimTime clockStart = 0; ///< where its TTFT and e2e are measured from
        std::int32_t stage = -1;
    };
    struct StageAccumulator {
        std::int64_t requests = 0;
        std::int64_t completed = 0;
        std::int64_t failed = 0;
        std::int64_t outputTokens = 0;
        std::int64_t cachedPromptTokens = 0;
        std::int64_t promptTokens = 0;
        SimTime firstSend = -1;
        SimTime lastSend = -1;
        SimTime lastEnd = -1;
        std::vector<double> ttft;
        std::vector<double> e2e;
        SimTime itlSpan = 0;     ///< Σ (last − first token) of completed requests
        std::int64_t itlGaps = 0;
        std::int64_t waitingSum = 0; ///< Σ over samples and pods of the waiting queue
        std::int64_t podSamples = 0;
        std::int32_t waitingMax = 0;
        std::int64_t clientWaitingSum = 0;
        std::int64_t samples = 0;
    };
    StageAccumulator* stageOf(std::int32_t stage);
    [[nodiscard]] std::vector<StageResult> stageResults() const;
    struct PodAccumulator {
        std::int64_t requests = 0;
        std::int64_t completed = 0;
        double kvUsage = 0.0;        ///< current gauge
        SimTime kvUsageSince = 0;
        double kvUsageIntegral = 0.0; ///< seconds × usage
        double kvUsageMax = 0.0;
        PrefixCacheStats lastSample;  ///< counters at the previous time-series point
    };

    int m_numPods;
    SimTime m_sampleInterval;
    SimTime m_delay;
    TtftClock m_ttftFrom;
    std::vector<LoadStage> m_stageSpecs;
    std::vector<StageAccumulator> m_stages;
    std::int32_t m_currentStage = -1; ///< stage of the latest request sent
    std::unordered_map<RequestId, InFlight> m_requests;
    std::unordered_map<std::uint64_t, int> m_lastPodOfSession;
    std::vector<PodAccumulator> m_pods;

    std::int64_t m_submitted = 0;
    std::int64_t m_completed = 0;
    std::int64_t m_cachedPromptTokens = 0;    ///< Σ num_cached_tokens of completed requests
    std::int64_t m_completedPromptTokens = 0; ///< Σ prompt tokens of completed requests
    std::int64_t m_rejected = 0;
    std::int64_t m_unroutable = 0;
    std::int64_t m_followUps = 0;
    std::int64_t m_sticky = 0;
    SimTime m_firstArrival = -1;
    SimTime m_lastCompletion = 0;

    std::vector<double> m_ttft;
    std::vector<double> m_e2e;
    std::vector<double> m_queue;
    LogHistogram m_itl;

    // Since the last time-series point.
    std::vector<double> m_intervalTtft;
    std::int64_t m_intervalCompleted = 0;
    std::int64_t m_intervalTokens = 0;
    std::vector<TimeSeriesPoint> m_series;
};

} // namespace kvroute::sim
