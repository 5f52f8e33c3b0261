#pragma once
// The shape of one engine step's batch: what a latency model reads. The engine sums it as it
// schedules (StepPlan::shape), so nobody walks the batch a second time.

#include <cstdint>

namespace kvroute::sim {

/// What a step computes. For each scheduled request with c tokens already computed and n newly
/// scheduled: attended context c + n, attention pairs n·c + n(n+1)/2. A decode is a request with
/// n = 1 whose prompt is fully computed; anything else is a prefill (chunk).
struct BatchShape {
    int numRequests = 0;
    std::int64_t prefillTokens = 0;
    std::int64_t decodeTokens = 0;
    std::int64_t attendedContextTokens = 0;
    std::int64_t prefillAttentionPairs = 0; ///< summed over prefill requests only

    /// Adds one scheduled request (computed = c, scheduled = n).
    void addRequest(std::int64_t computed, std::int64_t scheduled, bool isDecode)
    {
        ++numRequests;
        attendedContextTokens += computed + scheduled;
        if (isDecode) {
            decodeTokens += scheduled;
        } else {
            prefillTokens += scheduled;
            prefillAttentionPairs += scheduled * computed + scheduled * (scheduled + 1) / 2;
        }
    }
};

} // namespace kvroute::sim
