#pragma once
// A client request as a workload produces it: who sends it, when, and its tokens.

#include "sim/engine/engine_types.h"
#include "sim/kernel/sim_time.h"

#include <cstdint>
#include <memory>

namespace kvroute::sim {

/// An IPv4 address as a 32-bit integer (10.0.0.1 = 0x0A000001).
using Ipv4 = std::uint32_t;

struct WorkloadRequest {
    RequestId id = 0;              ///< unique and increasing in creation order
    SimTime arrival = 0;           ///< when the workload produces it (a full client sends it later)
    std::uint64_t sessionId = 0;   ///< value of the x-session-id header
    Ipv4 clientIp = 0;             ///< the client's own address
    std::int32_t turn = 0;         ///< 0-based index of the request within its session
    PromptRef prompt;             ///< stored tokens, or a recipe for them (trace replays)
    std::int32_t maxTokens = 16;   ///< EOS is never sampled: the answer has exactly this length
                                   ///< unless max_model_len cuts it
    OutputTokenSource answer;      ///< the tokens the model "generates"
    std::int32_t stage = -1;       ///< index of its load stage in a staged workload, else -1
};

} // namespace kvroute::sim
