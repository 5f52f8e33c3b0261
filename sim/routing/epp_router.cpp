#include "sim/routing/epp_router.h"

#include "sim/util/check.h"

#include <algorithm>

namespace kvroute::sim::routing {

EppRouter::EppRouter(Rng rng, EppPipeline pipeline) : m_rng(rng), m_pipeline(std::move(pipeline))
{
    KVROUTE_CHECK(m_pipeline.picker != nullptr, "an EPP profile needs a picker");
    m_wantsKvEvents = std::ranges::any_of(m_pipeline.scorers, [](const auto& s) { return s.scorer->wantsKvEvents(); });
}

int EppRouter::pick(const RoutingContext& ctx)
{
    KVROUTE_CHECK(!ctx.pods.empty(), "no pods to route to");
    m_candidates.resize(ctx.pods.size());
    for (std::size_t i = 0; i < m_candidates.size(); ++i)
        m_candidates[i] = static_cast<int>(i);
    for (const auto& filter : m_pipeline.filters) {
        filter->filter(ctx, m_candidates);
        if (m_candidates.empty())
            break; // GAIE runFilterPlugins: the remaining filters are skipped
    }
    if (m_candidates.empty()) { // GAIE: "failed to find candidate pods", the request fails
        ++m_noCandidate;
        m_lastScores.clear();
        return kNoPod;
    }

    const std::size_t n = m_candidates.size();
    m_scored.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        m_scored[i] = ScoredPod{m_candidates[i], 0.0};
    for (const auto& weighted : m_pipeline.scorers) {
        m_scratch.assign(n, 0.0);
        weighted.scorer->score(ctx, m_candidates, m_scratch);
        for (std::size_t i = 0; i < n; ++i)
            m_scored[i].score += std::clamp(m_scratch[i], 0.0, 1.0) * weighted.weight;
    }
    m_lastScores = m_scored;
    return m_pipeline.picker->pick(m_scored, m_rng);
}

void EppRouter::onRouted(const RoutingContext& ctx, int pod)
{
    for (const auto& weighted : m_pipeline.scorers)
        weighted.scorer->onRouted(ctx, pod);
}

void EppRouter::onCompleted(const WorkloadRequest& request, int pod, SimTime now)
{
    for (const auto& weighted : m_pipeline.scorers)
        weighted.scorer->onCompleted(request, pod, now);
}

void EppRouter::onKvEvents(int pod, std::span<const KvEvent> events, SimTime now)
{
    for (const auto& weighted : m_pipeline.scorers) {
        if (weighted.scorer->wantsKvEvents())
            weighted.scorer->onKvEvents(pod, events, now);
    }
}

std::string EppRouter::describe() const
{
    std::string d = "epp: " + m_pipeline.description;
    if (m_noCandidate > 0)
        d += " (" + std::to_string(m_noCandidate) + " requests found no pod after the filters and failed)";
    return d;
}

} // namespace kvroute::sim::routing
