#pragma once
// Fast surrogate hashes for cluster simulations. What matters for routing and hit rates is
// which blocks compare equal: two hashes match iff the tokens, the algorithm, the seed and the
// block size all agree. Cluster runs therefore hash with XXH3 (HashAlgo::Fast64) and encode
// "algorithm + PYTHONHASHSEED" in NONE_HASH, so that pods and llm-d's precise index agree
// exactly when the real ones would (same algorithm and seed) and never otherwise, at ~100x the
// speed of SHA-256. Bit-exact values are produced by `kvroute conformance` (block_hasher.h).

#include <cstdint>
#include <optional>
#include <string_view>

namespace kvroute::sim {

/// NONE_HASH of the surrogate for (algorithm, seed). With no seed vLLM draws a fresh random
/// NONE_HASH per process (vllm.md §1): pass that draw as `randomDraw`.
[[nodiscard]] std::uint64_t surrogateNoneHash(std::string_view algorithm, std::optional<std::string_view> seed,
                                              std::uint64_t randomDraw);

} // namespace kvroute::sim
