#include "sim/routing/epp_load_scorers.h"

#include "sim/util/check.h"

#include <algorithm>
#include <limits>

namespace kvroute::sim::routing {

namespace {

const ScrapedPodMetrics& metricsOf(const RoutingContext& ctx, int pod)
{
    KVROUTE_CHECK(static_cast<std::size_t>(pod) < ctx.metrics.size(), "no scraped metrics for a pod");
    return ctx.metrics[static_cast<std::size_t>(pod)];
}

} // namespace

void KvCacheUtilizationScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    for (std::size_t i = 0; i < candidates.size(); ++i)
        out[i] = 1.0 - metricsOf(ctx, candidates[i]).kvCacheUsage;
}

void QueueScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    std::int32_t minQ = std::numeric_limits<std::int32_t>::max();
    std::int32_t maxQ = std::numeric_limits<std::int32_t>::min();
    for (const int pod : candidates) {
        const std::int32_t q = metricsOf(ctx, pod).numRequestsWaiting;
        minQ = std::min(minQ, q);
        maxQ = std::max(maxQ, q);
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::int32_t q = metricsOf(ctx, candidates[i]).numRequestsWaiting;
        out[i] = maxQ == minQ ? 1.0 : static_cast<double>(maxQ - q) / static_cast<double>(maxQ - minQ);
    }
}

LoadAwareScorer::LoadAwareScorer(std::int64_t threshold)
    : m_threshold(static_cast<double>(threshold > 0 ? threshold : 128))
{
}

void LoadAwareScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        double waiting = static_cast<double>(metricsOf(ctx, candidates[i]).numRequestsWaiting);
        if (waiting == 0.0) {
            out[i] = 0.5;
            continue;
        }
        waiting = std::min(waiting, m_threshold);
        out[i] = 0.5 * (1.0 - waiting / m_threshold);
    }
}

ActiveRequestScorer::ActiveRequestScorer(SimTime requestTimeout) : m_timeout(requestTimeout)
{
    KVROUTE_CHECK(requestTimeout > 0, "requestTimeout must be positive");
}

std::int32_t ActiveRequestScorer::count(int pod) const
{
    return static_cast<std::size_t>(pod) < m_counts.size() ? m_counts[static_cast<std::size_t>(pod)] : 0;
}

void ActiveRequestScorer::expire(SimTime now)
{
    const SimTime lastTick = (now / m_timeout) * m_timeout;
    while (!m_order.empty() && m_order.front().second + m_timeout < lastTick) {
        const RequestId id = m_order.front().first;
        m_order.pop_front();
        if (const std::int32_t* pod = m_active.find(id)) {
            --m_counts[static_cast<std::size_t>(*pod)];
            m_active.erase(id);
        }
    }
}

void ActiveRequestScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    expire(ctx.now);
    std::int32_t maxCount = 0;
    for (const std::int32_t c : m_counts)
        maxCount = std::max(maxCount, c);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::int32_t c = count(candidates[i]);
        out[i] = (c == 0 || maxCount == 0) ? 1.0 : static_cast<double>(maxCount - c) / static_cast<double>(maxCount);
    }
}

void ActiveRequestScorer::onRouted(const RoutingContext& ctx, int pod)
{
    expire(ctx.now);
    if (m_counts.size() <= static_cast<std::size_t>(pod))
        m_counts.resize(static_cast<std::size_t>(pod) + 1, 0);
    auto [slot, inserted] = m_active.tryEmplace(ctx.request.id);
    if (!inserted)
        --m_counts[static_cast<std::size_t>(*slot)]; // a repeated id replaces its entry
    *slot = pod;
    ++m_counts[static_cast<std::size_t>(pod)];
    m_order.emplace_back(ctx.request.id, ctx.now);
}

void ActiveRequestScorer::onCompleted(const WorkloadRequest& request, int /*pod*/, SimTime now)
{
    expire(now);
    if (const std::int32_t* pod = m_active.find(request.id)) {
        --m_counts[static_cast<std::size_t>(*pod)];
        m_active.erase(request.id);
    }
}

void SessionAffinityScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    const std::int32_t* pod = m_sessionPod.find(ctx.request.sessionId);
    if (!pod)
        return;
    for (std::size_t i = 0; i < candidates.size(); ++i)
        out[i] = candidates[i] == *pod ? 1.0 : 0.0;
}

void SessionAffinityScorer::onCompleted(const WorkloadRequest& request, int pod, SimTime /*now*/)
{
    m_sessionPod[request.sessionId] = pod;
}

} // namespace kvroute::sim::routing
