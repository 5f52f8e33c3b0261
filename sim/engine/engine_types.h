#pragma once
// Value types shared by the engine's public API.

#include "sim/engine/prompt.h"
#include "sim/engine/token_types.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace kvroute::sim {

using RequestId = std::uint64_t;
using BlockId = std::int32_t;
using BlockHashValue = std::uint64_t;

enum class FinishReason : std::uint8_t { None, Length, Stop, Abort };
std::string_view toString(FinishReason reason);

/// Where a request's generated tokens come from. The engine never runs a model; like vLLM's
/// conformance harness it "samples" a predetermined token stream, so that a later turn of a
/// conversation can contain exactly the answer this request produced.
struct OutputTokenSource {
    /// Used first, in order.
    std::vector<TokenId> explicitTokens;
    /// Token j (past the explicit ones) = base + (offset + j) % modulus.
    TokenId base = 100000;
    std::uint32_t offset = 0;
    std::uint32_t modulus = 100000;

    [[nodiscard]] TokenId at(std::size_t j) const
    {
        if (j < explicitTokens.size())
            return explicitTokens[j];
        // Called for every generated token: skip the division while offset + j < modulus.
        const std::size_t phase = offset + j;
        return base + static_cast<TokenId>(phase < modulus ? phase : phase % modulus);
    }

    /// Appends tokens [begin, end) to `out`: at() without a division per token. Runs between
    /// wraps of the modulus are filled as base + phase + i (vectorised: a decode-filled block's
    /// tokens are copied for its hash and its KV event).
    void append(std::size_t begin, std::size_t end, std::vector<TokenId>& out) const
    {
        for (; begin < end && begin < explicitTokens.size(); ++begin)
            out.push_back(explicitTokens[begin]);
        if (begin >= end)
            return;
        std::size_t pos = out.size();
        out.resize(pos + (end - begin));
        TokenId* const dst = out.data();
        auto phase = static_cast<std::uint32_t>((offset + begin) % modulus);
        for (std::size_t left = end - begin; left > 0;) {
            const std::size_t run = std::min<std::size_t>(left, modulus - phase);
            const TokenId first = base + phase;
            for (std::size_t i = 0; i < run; ++i)
                dst[pos + i] = first + static_cast<TokenId>(i);
            pos += run;
            left -= run;
            phase = static_cast<std::uint32_t>(phase + run == modulus ? 0 : phase + run);
        }
    }
};

/// A request as handed to an engine.
struct EngineRequest {
    RequestId id = 0;
    PromptRef prompt;
    std::int32_t maxTokens = 16;
    std::vector<TokenId> stopTokenIds;
    OutputTokenSource outputs;
    /// vLLM skips the prefix-cache lookup (and its stats) for prompt_logprobs requests.
    bool skipPrefixCache = false;
    /// Opaque to the engine: echoed in ScheduledRequest and RequestOutput so the caller reaches
    /// its own per-request record by index instead of looking the id up on every token.
    std::uint32_t callerIndex = 0;
};

struct PrefixCacheStats {
    std::int64_t requests = 0;
    std::int64_t queries = 0;
    std::int64_t hits = 0;

    PrefixCacheStats& operator+=(const PrefixCacheStats& o)
    {
        requests += o.requests;
        queries += o.queries;
        hits += o.hits;
        return *this;
    }
};

/// What vLLM attaches to a step's outputs (SchedulerStats), only on steps with outputs.
struct SchedulerStats {
    std::int32_t numRunning = 0;
    std::int32_t numWaiting = 0;
    double kvCacheUsage = 0.0;
    PrefixCacheStats prefixCache;
};

/// KV events in vLLM v0.10.0's shape (vllm.md §7).
struct KvEvent {
    enum class Type : std::uint8_t { BlockStored, BlockRemoved, AllBlocksCleared };
    Type type = Type::BlockStored;
    std::vector<BlockHashValue> blockHashes;
    std::optional<BlockHashValue> parentBlockHash;
    std::vector<TokenId> tokenIds;
    std::int32_t blockSize = 0;
};

} // namespace kvroute::sim
