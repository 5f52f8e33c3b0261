#include "sim/routing/epp_pickers.h"

#include "sim/kernel/portable_math.h"
#include "sim/util/check.h"

#include <algorithm>

namespace kvroute::sim::routing {

int MaxScorePicker::pick(std::span<ScoredPod> scored, Rng& rng)
{
    KVROUTE_CHECK(!scored.empty(), "picker called without candidates");
    rng.shuffle(scored);
    // GAIE shuffles, then sorts by score, stably, and takes the front: the first of the highest
    // scores in shuffled order, which is what max_element returns, in one pass.
    return std::ranges::max_element(scored, {}, &ScoredPod::score)->pod;
}

int RandomPicker::pick(std::span<ScoredPod> scored, Rng& rng)
{
    KVROUTE_CHECK(!scored.empty(), "picker called without candidates");
    rng.shuffle(scored);
    return scored.front().pod;
}

int WeightedRandomPicker::pick(std::span<ScoredPod> scored, Rng& rng)
{
    KVROUTE_CHECK(!scored.empty(), "picker called without candidates");
    const bool anyPositive = std::ranges::any_of(scored, [](const ScoredPod& s) { return s.score > 0.0; });
    if (!anyPositive) {
        RandomPicker fallback;
        return fallback.pick(scored, rng);
    }
    // Pods with score <= 0 have key 0 and lose to any positive-score pod (whose key can only
    // reach 0 by underflow, a tie GAIE's sort leaves to chance); so only those compete.
    int best = -1;
    double bestKey = -1.0;
    for (const ScoredPod& s : scored) {
        if (!(s.score > 0.0))
            continue;
        double u = rng.uniform01();
        if (u == 0.0)
            u = 1e-10;
        const double key = portableExp(portableLog(u) / s.score);
        if (key > bestKey) {
            bestKey = key;
            best = s.pod;
        }
    }
    return best;
}

} // namespace kvroute::sim::routing
