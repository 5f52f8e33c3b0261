#include "sim/metrics/metrics_collector.h"

#include <algorithm>

namespace kvroute::sim {

namespace {

double ratio(std::int64_t num, std::int64_t den)
{
    return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

} // namespace

MetricsCollector::MetricsCollector(int numPods, SimTime sampleInterval, SimTime oneWayDelay)
    : m_numPods(numPods)
    , m_sampleInterval(sampleInterval)
    , m_delay(oneWayDelay)
    , m_pods(static_cast<std::size_t>(numPods))
{
}

void MetricsCollector::onSubmitted(const WorkloadRequest& request)
{
    ++m_submitted;
    if (m_firstArrival < 0)
        m_firstArrival = request.arrival;
    m_requests.emplace(request.id, InFlight{request.arrival});
}

void MetricsCollector::onRouted(const WorkloadRequest& request, int pod)
{
    ++m_pods[static_cast<std::size_t>(pod)].requests;
    const auto [it, inserted] = m_lastPodOfSession.try_emplace(request.sessionId, pod);
    if (!inserted) {
        ++m_followUps;
        if (it->second == pod)
            ++m_sticky;
        it->second = pod;
    }
}

void MetricsCollector::onRejected(const WorkloadRequest& request)
{
    ++m_rejected;
    m_requests.erase(request.id);
}

void MetricsCollector::onUnroutable(const WorkloadRequest& request)
{
    ++m_unroutable;
    m_requests.erase(request.id);
}

void MetricsCollector::onToken(int /*pod*/, SimTime now, const RequestOutput& output, const PodRequestRecord& record)
{
    ++m_intervalTokens;
    if (!output.firstToken) {
        if (record.lastToken >= 0)
            m_itl.add(now - record.lastToken);
        return;
    }
    const auto it = m_requests.find(output.id);
    if (it == m_requests.end())
        return;
    const double ttft = toSeconds(now + m_delay - it->second.sent);
    m_ttft.push_back(ttft);
    m_intervalTtft.push_back(ttft);
}

void MetricsCollector::onStats(int pod, SimTime now, const SchedulerStats& stats)
{
    auto& p = m_pods[static_cast<std::size_t>(pod)];
    p.kvUsageIntegral += p.kvUsage * toSeconds(now - p.kvUsageSince);
    p.kvUsage = stats.kvCacheUsage;
    p.kvUsageSince = now;
    p.kvUsageMax = std::max(p.kvUsageMax, stats.kvCacheUsage);
}

void MetricsCollector::onFinished(int pod, SimTime now, const PodRequestRecord& record)
{
    const auto it = m_requests.find(record.id);
    if (it == m_requests.end())
        return;
    if (record.finishReason != FinishReason::Abort) {
        ++m_completed;
        ++m_intervalCompleted;
        ++m_pods[static_cast<std::size_t>(pod)].completed;
        m_cachedPromptTokens += record.numCachedTokens;
        m_completedPromptTokens += record.numPromptTokens;
        m_e2e.push_back(toSeconds(now + m_delay - it->second.sent));
        if (record.firstScheduled >= 0)
            m_queue.push_back(toSeconds(record.queueTime()));
        m_lastCompletion = std::max(m_lastCompletion, now + m_delay);
    }
    m_requests.erase(it);
}

void MetricsCollector::sample(SimTime now, std::span<const PodMetrics* const> pods)
{
    TimeSeriesPoint point;
    point.t = toSeconds(now);
    PrefixCacheStats intervalTotal;
    PrefixCacheStats cumulative;
    for (std::size_t i = 0; i < pods.size(); ++i) {
        const PodMetrics& m = *pods[i];
        auto& acc = m_pods[i];
        const std::int64_t dq = m.prefixCache.queries - acc.lastSample.queries;
        const std::int64_t dh = m.prefixCache.hits - acc.lastSample.hits;
        intervalTotal.queries += dq;
        intervalTotal.hits += dh;
        cumulative += m.prefixCache;
        acc.lastSample = m.prefixCache;
        point.podHitRate.push_back(ratio(dh, dq));
        point.podKvCacheUsage.push_back(m.kvCacheUsage);
        point.podWaiting.push_back(m.numRequestsWaiting);
        point.podRunning.push_back(m.numRequestsRunning);
    }
    point.hitRate = ratio(intervalTotal.hits, intervalTotal.queries);
    point.cumulativeHitRate = ratio(cumulative.hits, cumulative.queries);
    const auto summary = summarize(std::exchange(m_intervalTtft, {}));
    point.firstTokens = summary.count;
    point.ttftMean = summary.mean;
    point.ttftP90 = summary.p90;
    const double interval = toSeconds(m_sampleInterval);
    point.requestsPerS = static_cast<double>(std::exchange(m_intervalCompleted, 0)) / interval;
    point.outputTokensPerS = static_cast<double>(std::exchange(m_intervalTokens, 0)) / interval;
    m_series.push_back(std::move(point));
}

RunResults MetricsCollector::finish(SimTime end, std::span<const PodMetrics* const> pods) const
{
    RunResults r;
    r.requestsSubmitted = m_submitted;
    r.requestsCompleted = m_completed;
    r.cachedPromptTokens = m_cachedPromptTokens;
    r.completedPromptTokens = m_completedPromptTokens;
    r.cachedPromptFraction = m_completedPromptTokens > 0 ? static_cast<double>(m_cachedPromptTokens) /
                                                               static_cast<double>(m_completedPromptTokens)
                                                         : 0.0;
    r.requestsRejected = m_rejected;
    r.requestsUnroutable = m_unroutable;
    r.requestsUnfinished = static_cast<std::int64_t>(m_requests.size());
    r.followUpRequests = m_followUps;
    r.stickiness = ratio(m_sticky, m_followUps);
    r.ttft = summarize(m_ttft);
    r.e2e = summarize(m_e2e);
    r.queue = summarize(m_queue);
    r.itl = m_itl.summary();
    r.timeseries = m_series;
    r.sampleIntervalSeconds = toSeconds(m_sampleInterval);

    const SimTime start = std::max<SimTime>(m_firstArrival, 0);
    const SimTime last = std::max(m_lastCompletion, start);
    r.simulatedSeconds = toSeconds(last - start);
    for (std::size_t i = 0; i < pods.size(); ++i) {
        const PodMetrics& m = *pods[i];
        const auto& acc = m_pods[i];
        PodResult p;
        p.prefixCacheQueries = m.prefixCache.queries;
        p.prefixCacheHits = m.prefixCache.hits;
        p.prefixCacheRequests = m.prefixCache.requests;
        p.hitRate = ratio(m.prefixCache.hits, m.prefixCache.queries);
        p.requests = acc.requests;
        p.completed = acc.completed;
        p.preemptions = m.numPreemptions;
        p.generationTokens = m.generationTokens;
        const double horizon = toSeconds(end);
        const double integral = acc.kvUsageIntegral + acc.kvUsage * toSeconds(end - acc.kvUsageSince);
        p.meanKvCacheUsage = horizon > 0 ? integral / horizon : 0.0;
        p.maxKvCacheUsage = acc.kvUsageMax;
        p.busyFraction = horizon > 0 ? toSeconds(m.busyTime) / horizon : 0.0;
        r.prefixCacheQueries += m.prefixCache.queries;
        r.prefixCacheHits += m.prefixCache.hits;
        r.outputTokens += m.generationTokens;
        r.promptTokens += m.promptTokens;
        r.preemptions += m.numPreemptions;
        r.pods.push_back(std::move(p));
    }
    r.hitRate = ratio(r.prefixCacheHits, r.prefixCacheQueries);
    if (r.simulatedSeconds > 0) {
        r.requestsPerS = static_cast<double>(r.requestsCompleted) / r.simulatedSeconds;
        r.outputTokensPerS = static_cast<double>(r.outputTokens) / r.simulatedSeconds;
    }
    return r;
}

} // namespace kvroute::sim
