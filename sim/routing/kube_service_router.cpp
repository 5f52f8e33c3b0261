#include "sim/routing/kube_service_router.h"

#include "sim/util/check.h"

namespace kvroute::sim::routing {

ClientIpAffinityRouter::ClientIpAffinityRouter(Rng rng, int numPods, std::int32_t timeoutSeconds,
                                               std::size_t listCapacity)
    : m_rng(rng), m_timeout(static_cast<SimTime>(timeoutSeconds) * kSecond)
{
    KVROUTE_CHECK(numPods >= 1, "a Service needs at least one endpoint");
    KVROUTE_CHECK(timeoutSeconds >= 1, "sessionAffinityConfig.clientIP.timeoutSeconds must be >= 1");
    m_lists.reserve(static_cast<std::size_t>(numPods));
    for (int i = 0; i < numPods; ++i)
        m_lists.emplace_back(listCapacity);
}

int ClientIpAffinityRouter::stickyPod(Ipv4 source, SimTime now) const
{
    const Affinity* a = m_affinity.find(source);
    if (!a || a->pod < 0)
        return -1;
    if (now - a->lastSeen > m_timeout) // xt_recent: time_after(now - seconds, stamp) misses
        return -1;
    return a->pod;
}

int ClientIpAffinityRouter::pick(const RoutingContext& ctx)
{
    KVROUTE_CHECK(ctx.pods.size() == m_lists.size(), "the Service's endpoints changed");
    const int sticky = stickyPod(ctx.sourceIp, ctx.now);
    if (sticky >= 0)
        return sticky;
    return static_cast<int>(m_rng.uniformBelow(ctx.pods.size()));
}

void ClientIpAffinityRouter::onRouted(const RoutingContext& ctx, int pod)
{
    // The endpoint chain's `--set`: stamp the source in the chosen pod's list.
    Affinity& a = m_affinity[ctx.sourceIp];
    if (a.pod >= 0 && a.pod != pod)
        m_lists[static_cast<std::size_t>(a.pod)].erase(ctx.sourceIp); // its stale entry there
    const auto touch = m_lists[static_cast<std::size_t>(pod)].touch(ctx.sourceIp);
    a.pod = pod;
    a.lastSeen = ctx.now;
    if (touch.evicted) {
        // The list was full of live sources: the idlest one forgets its pod.
        Affinity* lost = m_affinity.find(*touch.evicted);
        if (lost && lost->pod == pod)
            m_affinity.erase(*touch.evicted);
    }
}

std::string ClientIpAffinityRouter::describe() const
{
    return "kube-service: ClientIP affinity, timeout " + std::to_string(m_timeout / kSecond) + " s";
}

} // namespace kvroute::sim::routing
