#pragma once
// Token ids and token sequences, shared by the engine, the hashing and the workloads.

#include <cstdint>
#include <vector>

namespace kvroute::sim {

using TokenId = std::uint32_t;
using TokenVector = std::vector<TokenId>;

} // namespace kvroute::sim
