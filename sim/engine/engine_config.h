#pragma once
// The knobs of one vLLM v0.10.0 engine (one pod), named like vLLM's own flags.

#include "sim/hashing/block_hasher.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kvroute::sim {

struct EngineConfig {
    /// vLLM's count, including the reserved null block 0 (vllm.md §4).
    std::int32_t numGpuBlocks = 0;
    std::int32_t blockSize = 16;
    std::int32_t maxNumSeqs = 256;
    std::int32_t maxNumBatchedTokens = 2048;
    std::int32_t maxModelLen = 4096;
    bool enablePrefixCaching = true;
    bool enableChunkedPrefill = true;
    /// 0 disables the cap (vllm.md §5).
    std::int32_t longPrefillTokenThreshold = 0;
    HashAlgo hashAlgo = HashAlgo::Fast64;
    /// PYTHONHASHSEED; unset means vLLM draws NONE_HASH at random (vllm.md §1).
    std::optional<std::string> pythonHashSeed;
    /// For HashAlgo::PythonBuiltin without a seed: the NONE_HASH lane to use (see BlockHasher).
    std::optional<std::uint64_t> noneHashOverride;
    bool kvEvents = false;
    /// BlockStored carries the blocks' token ids (vLLM does); routers that only need the hashes
    /// turn it off to save copying every cached token.
    bool kvEventTokenIds = true;
    /// PrefixCachingMetrics window (vllm.md §6).
    std::int32_t logWindowRequests = 1000;
};

} // namespace kvroute::sim
