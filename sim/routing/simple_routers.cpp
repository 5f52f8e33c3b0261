#include "sim/routing/simple_routers.h"

#include "sim/util/check.h"

namespace kvroute::sim::routing {

RoundRobinRouter::RoundRobinRouter(Rng rng, int numPods) : m_rng(rng)
{
    KVROUTE_CHECK(numPods >= 1, "round-robin needs at least one pod");
    m_next = m_rng.uniformBelow(static_cast<std::uint64_t>(numPods));
}

int RoundRobinRouter::pick(const RoutingContext& ctx)
{
    KVROUTE_CHECK(!ctx.pods.empty(), "no pods to route to");
    return static_cast<int>(m_next++ % ctx.pods.size());
}

int RandomRouter::pick(const RoutingContext& ctx)
{
    KVROUTE_CHECK(!ctx.pods.empty(), "no pods to route to");
    return static_cast<int>(m_rng.uniformBelow(ctx.pods.size()));
}

int pickLeastRequest(std::span<const std::int32_t> inFlight, std::size_t numPods, int choices, Rng& rng)
{
    KVROUTE_CHECK(numPods >= 1, "no pods to route to");
    KVROUTE_CHECK(inFlight.size() >= numPods, "in-flight counts missing for some pods");
    int candidate = -1;
    for (int c = 0; c < choices; ++c) {
        const auto sampled = static_cast<int>(rng.uniformBelow(numPods));
        if (candidate < 0 || inFlight[static_cast<std::size_t>(sampled)] < inFlight[static_cast<std::size_t>(candidate)])
            candidate = sampled;
    }
    return candidate;
}

int LeastRequestRouter::pick(const RoutingContext& ctx)
{
    return pickLeastRequest(ctx.inFlight, ctx.pods.size(), 2, m_rng);
}

} // namespace kvroute::sim::routing
