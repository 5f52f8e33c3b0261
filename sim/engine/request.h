#pragma once
// One request inside a vLLM engine: its tokens, progress and KV-cache bookkeeping.

#include "sim/engine/engine_types.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kvroute::sim {

enum class RequestStatus : std::uint8_t { Waiting, Running, Preempted, Finished };

/// Engine-internal state of one request (vLLM's `Request` plus the per-request maps that
/// vLLM's KVCacheManager keys by request id).
/// Laid out for the step loops, which visit every running request twice per step, usually
/// after other pods' steps have pushed it out of the cache: everything the schedule loop reads
/// lies in the first 64-byte line (the block list's begin and end included); sampling a token
/// also reads the second (the output source and the stop tokens).
struct alignas(64) Request {
    explicit Request(EngineRequest input);

    // --- read or written by every step --------------------------------------------------------
    RequestId id;
    /// The caller's own index for this request (EngineRequest::callerIndex), echoed in outputs.
    std::uint32_t callerIndex;
    /// prompt.size(), kept here so the per-step loops never touch the prompt itself.
    std::int32_t promptLength;
    /// Output tokens sampled so far. Token j is always outputSource.at(j) (the fake model
    /// runner "samples" that stream), so the tokens themselves are not stored.
    std::int32_t numOutput = 0;
    std::int32_t numComputedTokens = 0;
    /// Tokens scheduled in the open step (0 = not scheduled).
    std::int32_t scheduledThisStep = 0;
    std::int32_t maxTokens;
    /// Hit tokens at the first successful schedule; -1 until then (vllm.md §5 step 2).
    std::int32_t numCachedTokens = -1;
    /// Full blocks already inserted into the prefix cache; -1 = no entry (new or preempted).
    std::int32_t numCachedBlocks = -1;
    /// Last step of the request's steady decode stretch (Engine::countSteadyDecodes), 0 when
    /// it is in none: through that step the step loops only count its token.
    std::int32_t steadyUntilStep = 0;
    RequestStatus status = RequestStatus::Waiting;
    FinishReason finishReason = FinishReason::None;
    bool producedFirstToken = false;
    bool skipPrefixCache;
    // KV-cache manager state (vLLM: req_to_blocks, num_cached_block, req_to_block_hashes).
    std::vector<BlockId> blocks;

    // --- read when a token is delivered or a block fills ------------------------------------
    OutputTokenSource outputSource;
    std::vector<TokenId> stopTokenIds;
    PromptRef prompt;
    /// Hashes computed on the first lookup, extended as decode fills blocks; kept across
    /// preemption, dropped at finish (vllm.md §1).
    std::vector<BlockHashValue> blockHashes;
    /// Times this request was preempted.
    std::int32_t numPreemptions = 0;
    /// PREEMPTED events not yet delivered with an output (vllm.md §6: counted on delivery).
    /// Off the two lines the step loops read: only an output listed one by one reads it (the
    /// first line went to steadyUntilStep, which every step of a cluster run reads).
    std::int32_t undeliveredPreemptions = 0;

    [[nodiscard]] std::int32_t numPromptTokens() const { return promptLength; }
    [[nodiscard]] std::int32_t numOutputTokens() const { return numOutput; }
    [[nodiscard]] std::int32_t numTokens() const { return promptLength + numOutput; }
    /// The latest sampled token (numOutput > 0).
    [[nodiscard]] TokenId lastOutputToken() const { return outputSource.at(static_cast<std::size_t>(numOutput - 1)); }
    /// Copies tokens [begin, end) of prompt + outputs into `out` (replacing its contents).
    void copyTokens(std::int32_t begin, std::int32_t end, TokenVector& out) const;
    /// Tokens [begin, end) without copying when they lie inside the prompt.
    [[nodiscard]] std::span<const TokenId> tokens(std::int32_t begin, std::int32_t end, TokenVector& scratch) const;
};

} // namespace kvroute::sim
