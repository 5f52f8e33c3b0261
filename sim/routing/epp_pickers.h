#pragma once
// GAIE pickers (llmd.md §1.2; GAIE v1.0.1 scheduling/framework/plugins/picker). All return
// maxNumOfEndpoints pods (default 1); the simulator routes to the first.

#include "sim/routing/epp_plugin.h"

namespace kvroute::sim::routing {

/// max-score-picker: shuffle the candidates, then stable-sort by score descending and take the
/// top, i.e. a uniformly random choice among the pods tied for the best score.
class MaxScorePicker final : public EppPicker {
public:
    [[nodiscard]] int pick(std::span<ScoredPod> scored, Rng& rng) override;
};

/// random-picker: shuffle and take the first; scores are ignored.
class RandomPicker final : public EppPicker {
public:
    [[nodiscard]] int pick(std::span<ScoredPod> scored, Rng& rng) override;
};

/// weighted-random-picker: A-Res weighted sampling without replacement (Efraimidis–Spirakis):
/// key = U^(1/score) with U uniform in [0,1) (0 replaced by 1e-10), score <= 0 gives key 0;
/// the largest key wins. If every score is <= 0 it behaves as random-picker. U^(1/s) is
/// computed as exp(log(U)/s) with the portable log/exp so draws are identical everywhere.
class WeightedRandomPicker final : public EppPicker {
public:
    [[nodiscard]] int pick(std::span<ScoredPod> scored, Rng& rng) override;
};

} // namespace kvroute::sim::routing
