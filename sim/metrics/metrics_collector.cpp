#include "sim/metrics/metrics_collector.h"

#include <algorithm>
#include <utility>

namespace kvroute::sim {

namespace {

double ratio(std::int64_t num, std::int64_t den)
{
    return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}

double mean(std::int64_t sum, std::int64_t count)
{
    return count > 0 ? static_cast<double>(sum) / static_cast<double>(count) : 0.0;
}

} // namespace

StageSummary summarizeStages(std::span<const StageResult> stages)
{
    StageSummary summary;
    for (const StageResult& stage : stages) {
        if (stage.completed == 0)
            continue;
        ++summary.stages;
        summary.requestsPerS += stage.requestsPerS;
        summary.achievedRate += stage.achievedRate;
        summary.outputTokensPerS += stage.outputTokensPerS;
        summary.ttftMean += stage.ttft.mean;
        summary.ttftP90 += stage.ttft.p90;
        summary.itlMean += stage.itlMean;
    }
    if (summary.stages > 0) {
        const auto n = static_cast<double>(summary.stages);
        summary.requestsPerS /= n;
        summary.achievedRate /= n;
        summary.outputTokensPerS /= n;
        summary.ttftMean /= n;
        summary.ttftP90 /= n;
        summary.itlMean /= n;
    }
    return summary;
}

std::vector<StageResult> MetricsCollector::stageResults() const
{
    std::vector<std::int64_t> unfinished(m_stages.size(), 0);
    for (const auto& [id, request] : m_requests)
        if (request.stage >= 0 && static_cast<std::size_t>(request.stage) < unfinished.size())
            ++unfinished[static_cast<std::size_t>(request.stage)];
    std::vector<StageResult> out;
    for (std::size_t i = 0; i < m_stages.size(); ++i) {
        const StageAccumulator& acc = m_stages[i];
        if (acc.requests == 0)
            continue; // never reached (the run ended first)
        StageResult stage;
        stage.index = static_cast<int>(i);
        stage.rate = m_stageSpecs[i].rate;
        stage.durationSeconds = m_stageSpecs[i].durationSeconds;
        stage.requests = acc.requests;
        stage.completed = acc.completed;
        stage.failed = acc.failed;
        stage.unfinished = unfinished[i];
        stage.startSeconds = toSeconds(acc.firstSend);
        stage.lastSendSeconds = toSeconds(acc.lastSend);
        stage.endSeconds = toSeconds(std::max(acc.lastEnd, acc.firstSend));
        if (acc.lastSend > acc.firstSend)
            stage.achievedRate = static_cast<double>(acc.requests) / toSeconds(acc.lastSend - acc.firstSend);
        stage.outputTokens = acc.outputTokens;
        const double span = stage.endSeconds - stage.startSeconds;
        if (span > 0.0) {
            stage.requestsPerS = static_cast<double>(acc.completed) / span;
            stage.outputTokensPerS = static_cast<double>(acc.outputTokens) / span;
        }
        stage.ttft = summarize(acc.ttft);
        stage.e2e = summarize(acc.e2e);
        stage.itlMean = acc.itlGaps > 0 ? toSeconds(acc.itlSpan) / static_cast<double>(acc.itlGaps) : 0.0;
        stage.cachedPromptFraction = ratio(acc.cachedPromptTokens, acc.promptTokens);
        stage.queueDepthMean = mean(acc.waitingSum, acc.podSamples);
        stage.queueDepthMax = acc.waitingMax;
        stage.clientWaitingMean = mean(acc.clientWaitingSum, acc.samples);
        out.push_back(std::move(stage));
    }
    return out;
}

MetricsCollector::MetricsCollector(int numPods, SimTime sampleInterval, SimTime oneWayDelay, TtftClock ttftFrom)
    : m_numPods(numPods)
    , m_sampleInterval(sampleInterval)
    , m_delay(oneWayDelay)
    , m_ttftFrom(ttftFrom)
    , m_pods(static_cast<std::size_t>(numPods))
{
}

void MetricsCollector::setStages(std::vector<LoadStage> stages)
{
    m_stageSpecs = std::move(stages);
    m_stages.assign(m_stageSpecs.size(), StageAccumulator{});
}

MetricsCollector::StageAccumulator* MetricsCollector::stageOf(std::int32_t stage)
{
    if (stage < 0 || static_cast<std::size_t>(stage) >= m_stages.size())
        return nullptr;
    return &m_stages[static_cast<std::size_t>(stage)];
}

void MetricsCollector::onSubmitted(const WorkloadRequest& request, SimTime sentAt)
{
    ++m_submitted;
    if (m_firstArrival < 0)
        m_firstArrival = request.arrival;
    const SimTime clockStart = m_ttftFrom == TtftClock::Send ? sentAt : request.arrival;
    m_requests.emplace(request.id, InFlight{clockStart, request.stage});
    if (auto* stage = stageOf(request.stage)) {
        ++stage->requests;
        if (stage->firstSend < 0)
            stage->firstSend = sentAt;
        stage->lastSend = sentAt;
        m_currentStage = request.stage;
    }
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
    if (auto* stage = stageOf(request.stage))
        ++stage->failed;
    m_requests.erase(request.id);
}

void MetricsCollector::onUnroutable(const WorkloadRequest& request)
{
    ++m_unroutable;
    if (auto* stage = stageOf(request.stage))
        ++stage->failed;
    m_requests.erase(request.id);
}

void MetricsCollector::onFirstToken(SimTime now, const RequestOutput& output)
{
    const auto it = m_requests.find(output.id);
    if (it == m_requests.end())
        return;
    const double ttft = toSeconds(now + m_delay - it->second.clockStart);
    m_ttft.push_back(ttft);
    m_intervalTtft.push_back(ttft);
    if (auto* stage = stageOf(it->second.stage))
        stage->ttft.push_back(ttft);
}

void MetricsCollector::onStats(int pod, SimTime now, const SchedulerStats& stats)
{
    auto& p = m_pods[static_cast<std::size_t>(pod)];
    p.kvUsageIntegral += p.kvUsage * toSeconds(now - p.kvUsageSince);
    p.kvUsage = stats.kvCacheUsage;
    p.kvUsageSince = now;
    p.kvUsageMax = std::max(p.kvUsageMax, stats.kvCacheUsage);
}

void MetricsCollector::onSteadySteps(int pod, const SteadySteps& steps)
{
    auto& p = m_pods[static_cast<std::size_t>(pod)];
    SimTime previous = steps.start;
    // What onSteadyTokens and onStats add step by step, in the same order: the usage integral
    // is a floating-point sum, so it gets one term per step as before.
    for (const SimTime end : steps.ends) {
        m_itl.add(end - previous, steps.tokensPerStep);
        p.kvUsageIntegral += p.kvUsage * toSeconds(end - p.kvUsageSince);
        p.kvUsage = steps.stats.kvCacheUsage;
        p.kvUsageSince = end;
        previous = end;
    }
    m_intervalTokens += static_cast<std::int64_t>(steps.tokensPerStep) * static_cast<std::int64_t>(steps.ends.size());
    p.kvUsageMax = std::max(p.kvUsageMax, steps.stats.kvCacheUsage);
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
        const double e2e = toSeconds(now + m_delay - it->second.clockStart);
        m_e2e.push_back(e2e);
        if (record.firstScheduled >= 0)
            m_queue.push_back(toSeconds(record.queueTime()));
        m_lastCompletion = std::max(m_lastCompletion, now + m_delay);
        if (auto* stage = stageOf(it->second.stage)) {
            ++stage->completed;
            stage->outputTokens += record.numOutputTokens;
            stage->cachedPromptTokens += record.numCachedTokens;
            stage->promptTokens += record.numPromptTokens;
            stage->lastEnd = std::max(stage->lastEnd, now + m_delay);
            stage->e2e.push_back(e2e);
            if (record.numOutputTokens > 1 && record.firstToken >= 0) {
                stage->itlSpan += record.lastToken - record.firstToken;
                stage->itlGaps += record.numOutputTokens - 1;
            }
        }
    }
    m_requests.erase(it);
}

void MetricsCollector::sample(SimTime now, std::span<const PodMetrics* const> pods, std::int64_t clientWaiting)
{
    if (auto* stage = stageOf(m_currentStage)) {
        ++stage->samples;
        stage->clientWaitingSum += clientWaiting;
        for (const PodMetrics* m : pods) {
            stage->waitingSum += m->numRequestsWaiting;
            ++stage->podSamples;
            stage->waitingMax = std::max(stage->waitingMax, m->numRequestsWaiting);
        }
    }
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
        p.steps = m.steps;
        r.engineSteps += m.steps;
        r.prefixCacheQueries += m.prefixCache.queries;
        r.prefixCacheHits += m.prefixCache.hits;
        r.outputTokens += m.generationTokens;
        r.promptTokens += m.promptTokens;
        r.preemptions += m.numPreemptions;
        r.pods.push_back(std::move(p));
    }
    r.hitRate = ratio(r.prefixCacheHits, r.prefixCacheQueries);
    r.stages = stageResults();
    r.stageSummary = summarizeStages(r.stages);
    if (r.simulatedSeconds > 0) {
        r.requestsPerS = static_cast<double>(r.requestsCompleted) / r.simulatedSeconds;
        r.outputTokensPerS = static_cast<double>(r.outputTokens) / r.simulatedSeconds;
    }
    return r;
}

} // namespace kvroute::sim
