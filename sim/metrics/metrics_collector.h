#pragma once
// Turns what pods and the gateway observe into RunResults: client-side latencies, vLLM's
// prefix-cache counters per pod, stickiness, and a time series sampled at a fixed interval.

#include "sim/metrics/run_results.h"
#include "sim/pod/timed_pod.h"
#include "sim/workload/workload_request.h"

#include <unordered_map>

namespace kvroute::sim {

class MetricsCollector final : public PodListener {
public:
    /// `oneWayDelay` is added to pod-side times to get what the client sees.
    MetricsCollector(int numPods, SimTime sampleInterval, SimTime oneWayDelay);

    void onSubmitted(const WorkloadRequest& request);
    void onRouted(const WorkloadRequest& request, int pod);
    void onRejected(const WorkloadRequest& request);
    /// The router refused the request (no pod to send it to).
    void onUnroutable(const WorkloadRequest& request);

    void onToken(int pod, SimTime now, const RequestOutput& output, const PodRequestRecord& record) override;
    void onStats(int pod, SimTime now, const SchedulerStats& stats) override;
    void onFinished(int pod, SimTime now, const PodRequestRecord& record) override;

    /// Records one time-series point at `now` from the pods' current metrics.
    void sample(SimTime now, std::span<const PodMetrics* const> pods);

    /// Final results; `end` closes the time-weighted averages.
    [[nodiscard]] RunResults finish(SimTime end, std::span<const PodMetrics* const> pods) const;

    [[nodiscard]] std::int64_t inFlight() const { return static_cast<std::int64_t>(m_requests.size()); }

private:
    struct InFlight {
        SimTime sent = 0;
    };
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
