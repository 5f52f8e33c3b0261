#pragma once
// The plugin interfaces of llm-d's Endpoint Picker (GAIE scheduler framework): a scheduling
// cycle runs filters, then weighted scorers, then one picker (llmd.md §1.1). Plugins see the
// request and the pods as the EPP does: scraped metrics, their own history, KV events.

#include "sim/engine/engine_types.h"
#include "sim/kernel/rng.h"
#include "sim/kernel/sim_time.h"
#include "sim/routing/router.h"

#include <span>
#include <string>
#include <vector>

namespace kvroute::sim::routing {

/// Narrows the candidate pods (indices into ctx.pods), keeping their order.
class EppFilter {
public:
    virtual ~EppFilter() = default;
    virtual void filter(const RoutingContext& ctx, std::vector<int>& candidates) = 0;

protected:
    EppFilter() = default;
    EppFilter(const EppFilter&) = default;
    EppFilter& operator=(const EppFilter&) = default;
};

/// Scores candidates; the framework clamps each score to [0, 1] and weights it. A scorer that
/// has no opinion on a pod leaves 0 (GAIE adds only the pods a scorer returned).
class EppScorer {
public:
    virtual ~EppScorer() = default;
    /// `out[i]` is the score of `candidates[i]`; it arrives zeroed.
    virtual void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) = 0;
    /// PreRequest: after the decision.
    virtual void onRouted(const RoutingContext& /*ctx*/, int /*pod*/) {}
    /// ResponseComplete / PostResponse.
    virtual void onCompleted(const WorkloadRequest& /*request*/, int /*pod*/, SimTime /*now*/) {}
    virtual void onKvEvents(int /*pod*/, std::span<const KvEvent> /*events*/, SimTime /*now*/) {}
    [[nodiscard]] virtual bool wantsKvEvents() const { return false; }

protected:
    EppScorer() = default;
    EppScorer(const EppScorer&) = default;
    EppScorer& operator=(const EppScorer&) = default;
};

struct ScoredPod {
    int pod = -1;
    double score = 0.0;
};

/// Picks one pod (GAIE pickers return maxNumOfEndpoints pods; the first is the target).
class EppPicker {
public:
    virtual ~EppPicker() = default;
    /// `scored` is non-empty and may be reordered.
    [[nodiscard]] virtual int pick(std::span<ScoredPod> scored, Rng& rng) = 0;

protected:
    EppPicker() = default;
    EppPicker(const EppPicker&) = default;
    EppPicker& operator=(const EppPicker&) = default;
};

} // namespace kvroute::sim::routing
