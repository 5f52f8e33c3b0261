#pragma once
// Load balancers that look at nothing but the pod list (and, for least-request, their own count
// of active requests): Envoy's ROUND_ROBIN, RANDOM and LEAST_REQUEST (llmd.md §5: what a gateway
// does when no EPP is configured).

#include "sim/kernel/rng.h"
#include "sim/routing/router.h"

#include <cstdint>
#include <span>
#include <string>
#include <utility>

namespace kvroute::sim::routing {

/// Envoy ROUND_ROBIN with equal weights: hosts in order, starting at a random offset (Envoy
/// seeds each worker's rr index with a random value, load_balancer_impl.cc `rr_indexes_.insert
/// ({source, seed_})`).
class RoundRobinRouter final : public Router {
public:
    RoundRobinRouter(Rng rng, int numPods);
    [[nodiscard]] int pick(const RoutingContext& ctx) override;
    [[nodiscard]] std::string describe() const override { return "round-robin"; }

private:
    Rng m_rng;
    std::uint64_t m_next = 0;
};

/// Envoy RANDOM / kube-proxy without affinity: uniform over pods per request.
class RandomRouter final : public Router {
public:
    explicit RandomRouter(Rng rng, std::string description = "random")
        : m_rng(rng), m_description(std::move(description))
    {
    }
    [[nodiscard]] int pick(const RoutingContext& ctx) override;
    [[nodiscard]] std::string describe() const override { return m_description; }

private:
    Rng m_rng;
    std::string m_description;
};

/// Envoy LEAST_REQUEST, N_CHOICES with choice_count = 2 (least_request_lb.cc
/// `unweightedHostPickNChoices`): draw `choices` hosts independently and uniformly (with
/// replacement: the same host can be drawn twice), keep the first drawn unless a later draw has
/// strictly fewer active requests. Active requests = ctx.inFlight.
[[nodiscard]] int pickLeastRequest(std::span<const std::int32_t> inFlight, std::size_t numPods, int choices, Rng& rng);

class LeastRequestRouter final : public Router {
public:
    explicit LeastRequestRouter(Rng rng, std::string description = "least-request")
        : m_rng(rng), m_description(std::move(description))
    {
    }
    [[nodiscard]] int pick(const RoutingContext& ctx) override;
    [[nodiscard]] std::string describe() const override { return m_description; }

private:
    Rng m_rng;
    std::string m_description;
};

} // namespace kvroute::sim::routing
