#include "sim/routing/routing_factory.h"

#include "sim/kernel/rng.h"
#include "sim/routing/epp_plugin_factory.h"
#include "sim/routing/epp_router.h"
#include "sim/routing/kube_service_router.h"
#include "sim/routing/ring_hash_router.h"
#include "sim/routing/simple_routers.h"

namespace kvroute::sim {

namespace {

// Kubernetes API validation: 0 < timeoutSeconds <= 86400 (core.MaxClientIPServiceAffinitySeconds).
constexpr std::int32_t kMaxAffinityTimeoutSeconds = 86400;

Result<std::unique_ptr<Router>> makeKubeService(const KubeServiceConfig& svc, Rng rng, int numPods)
{
    if (svc.meshBypassesAffinity) {
        // Istio's default LB for a Service without a DestinationRule is LEAST_REQUEST.
        return std::make_unique<routing::LeastRequestRouter>(
            rng, "kube-service behind a mesh: Envoy least-request (ClientIP affinity bypassed)");
    }
    if (!svc.clientIpAffinity)
        return std::make_unique<routing::RandomRouter>(rng, "kube-service: sessionAffinity None (random)");
    if (svc.timeoutSeconds < 1 || svc.timeoutSeconds > kMaxAffinityTimeoutSeconds)
        return fail("sessionAffinityConfig.clientIP.timeoutSeconds must be in [1, 86400], got " +
                        std::to_string(svc.timeoutSeconds),
                    "routing.kubeService.timeoutSeconds");
    return std::make_unique<routing::ClientIpAffinityRouter>(rng, numPods, svc.timeoutSeconds);
}

} // namespace

Result<std::unique_ptr<Router>> makeRouter(const RoutingConfig& config, std::uint64_t seed, int numPods)
{
    if (numPods < 1)
        return fail("routing needs at least one pod, got " + std::to_string(numPods), "cluster.pods");
    const Rng rng = Rng::stream(seed, "router");
    switch (config.policy) {
    case RoutingPolicy::RoundRobin:
        return std::make_unique<routing::RoundRobinRouter>(rng, numPods);
    case RoutingPolicy::Random:
        return std::make_unique<routing::RandomRouter>(rng);
    case RoutingPolicy::LeastRequest:
        return std::make_unique<routing::LeastRequestRouter>(rng);
    case RoutingPolicy::KubeService:
        return makeKubeService(config.kubeService, rng, numPods);
    case RoutingPolicy::HeaderHash:
        if (config.headerHash.header.empty())
            return fail("the hash header name is empty", "routing.headerHash.header");
        if (config.headerHash.minimumRingSize < 1 || config.headerHash.minimumRingSize > routing::kEnvoyMaxRingSize)
            return fail("minimumRingSize must be in [1, 8388608] (Envoy's maximum_ring_size), got " +
                            std::to_string(config.headerHash.minimumRingSize),
                        "routing.headerHash.minimumRingSize");
        return std::make_unique<routing::HeaderHashRouter>(rng, config.headerHash);
    case RoutingPolicy::Epp: {
        auto resolved = resolveEppConfig(config.epp);
        if (!resolved)
            return std::unexpected(resolved.error());
        auto pipeline = routing::buildEppPipeline(resolved->plugins);
        if (!pipeline)
            return std::unexpected(pipeline.error());
        return std::make_unique<routing::EppRouter>(rng, std::move(*pipeline));
    }
    }
    return fail("unknown routing policy", "routing.policy");
}

} // namespace kvroute::sim
