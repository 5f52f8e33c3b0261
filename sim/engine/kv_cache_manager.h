#pragma once
// vLLM v0.10.0's KVCacheManager for one full-attention group (kv_cache_manager.py,
// single_type_kv_cache_manager.py): prefix lookup, slot allocation, block caching, freeing,
// and the prefix-cache counters (vllm.md §1–§4).

#include "sim/engine/block_pool.h"
#include "sim/engine/engine_config.h"
#include "sim/engine/request.h"
#include "sim/hashing/block_hasher.h"
#include "sim/hashing/prompt_block_hashes.h"

#include <algorithm>
#include <span>
#include <vector>

namespace kvroute::sim {

class KvCacheManager {
public:
    explicit KvCacheManager(const EngineConfig& config);

    /// get_computed_blocks: the longest cached prefix of `request`, capped at num_tokens - 1,
    /// as blocks appended to `hitBlocks`; returns the hit tokens. Counts one lookup in the
    /// prefix-cache stats unless caching is off or the request skips the cache.
    std::int32_t findComputedBlocks(Request& request, std::vector<BlockId>& hitBlocks);

    /// allocate_slots: reserves blocks for `numNewTokens` more tokens after the request's
    /// computed tokens plus `numNewComputedTokens` prefix hits. Returns false, touching nothing,
    /// when the free blocks do not suffice. Caches every block that becomes full.
    bool allocateSlots(Request& request, std::int32_t numNewTokens, std::int32_t numNewComputedTokens,
                       std::span<const BlockId> newComputedBlocks)
    {
        if (numNewComputedTokens == 0 && newComputedBlocks.empty() && needsNothingNew(request, numNewTokens))
            return true;
        return allocateSlotsGeneral(request, numNewTokens, numNewComputedTokens, newComputedBlocks);
    }

    /// Releases the request's blocks tail first, so its prefix is evicted last (vllm.md §4).
    void free(Request& request);
    /// Forgets the request's block hashes (only at finish, not at preemption).
    static void freeBlockHashes(Request& request);

    /// Stats accumulated since the previous call (vLLM's make_prefix_cache_stats resets them).
    PrefixCacheStats takeStats();

    [[nodiscard]] double usage() const { return m_pool.usage(); }
    [[nodiscard]] const BlockPool& pool() const { return m_pool; }
    [[nodiscard]] BlockPool& pool() { return m_pool; }
    [[nodiscard]] const BlockHasher& hasher() const { return m_hasher; }

private:
    /// True when a running request's `numNewTokens` fit in the blocks it holds and fill no block
    /// that is not cached yet (63 of 64 decode steps at block size 64). allocateSlotsGeneral
    /// would then need, touch, allocate and cache nothing: it succeeds without any effect.
    /// Checked per running request per step, so without a division.
    [[nodiscard]] bool needsNothingNew(const Request& request, std::int32_t numNewTokens) const
    {
        if (numNewTokens <= 0 || request.numCachedBlocks < 0)
            return false;
        const std::int32_t end = request.numComputedTokens + numNewTokens;
        const auto held = static_cast<std::int32_t>(request.blocks.size());
        if (std::min(end, m_maxModelLen) > held * m_blockSize)
            return false;
        // min(end, numTokens) / blockSize <= numCachedBlocks, i.e. no new full block.
        return !m_enableCaching || std::min(end, request.numTokens()) < (request.numCachedBlocks + 1) * m_blockSize;
    }
    bool allocateSlotsGeneral(Request& request, std::int32_t numNewTokens, std::int32_t numNewComputedTokens,
                              std::span<const BlockId> newComputedBlocks);
    /// Blocks the request can ever hold: prompt + max_tokens, capped at max_model_len.
    [[nodiscard]] std::size_t maxBlocks(const Request& request) const;
    void hashRequestTokens(Request& request);
    void cacheFullBlocks(Request& request, std::int32_t numTokens);

    std::int32_t m_blockSize;
    std::int32_t m_maxModelLen;
    bool m_enableCaching;
    bool m_eventTokenIds;
    BlockHasher m_hasher;
    /// Each distinct prompt's chain, hashed once for all the requests that send it.
    PromptBlockHashes m_promptHashes;
    BlockPool m_pool;
    PrefixCacheStats m_stats;
    TokenVector m_scratch;
    std::vector<BlockId> m_releaseOrder;
};

} // namespace kvroute::sim
