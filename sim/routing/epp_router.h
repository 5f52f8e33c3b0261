#pragma once
// llm-d's Endpoint Picker as a Router: one scheduling profile run per request (llmd.md §1.1,
// GAIE scheduler_profile.go Run): filters in order, stopping early if one leaves no pod; every
// scorer's score clamped to [0, 1] (enforceScoreRange) and summed with its weight, without
// dividing by the sum of weights; then the picker.
//
// With no pod left after the filters the real EPP fails the request ("no pods available for the
// given request"). The simulator has no failure path for routing, so such a request goes to a
// uniformly random pod and describe() reports how many did.

#include "sim/kernel/rng.h"
#include "sim/routing/epp_plugin_factory.h"
#include "sim/routing/router.h"

#include <cstdint>
#include <vector>

namespace kvroute::sim::routing {

class EppRouter final : public Router {
public:
    EppRouter(Rng rng, EppPipeline pipeline);

    [[nodiscard]] int pick(const RoutingContext& ctx) override;
    void onRouted(const RoutingContext& ctx, int pod) override;
    void onCompleted(const WorkloadRequest& request, int pod, SimTime now) override;
    void onKvEvents(int pod, std::span<const KvEvent> events, SimTime now) override;
    [[nodiscard]] bool wantsKvEvents() const override { return m_wantsKvEvents; }
    [[nodiscard]] std::string describe() const override;

    /// The weighted totals of the last pick, per candidate (tests and reports).
    [[nodiscard]] const std::vector<ScoredPod>& lastScores() const { return m_lastScores; }

private:
    Rng m_rng;
    EppPipeline m_pipeline;
    bool m_wantsKvEvents = false;
    std::vector<int> m_candidates;
    std::vector<double> m_scratch;
    std::vector<ScoredPod> m_scored;
    std::vector<ScoredPod> m_lastScores;
    std::int64_t m_noCandidate = 0;
};

} // namespace kvroute::sim::routing
