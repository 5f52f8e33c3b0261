#pragma once
// The block-hash chain of each distinct prompt, computed once and reused by every request that
// sends the same prompt object (workloads share one immutable prompt, stored or a recipe, e.g.
// the llm-d benchmark's 750 prompts behind 17,084 requests). A pod's KV-cache manager and the
// precise router both hash every prompt they see; with this they hash each prompt once.
//
// Prompts are recognised by identity, not content: an entry holds a weak_ptr, so a hit is the
// very same live prompt (an address cannot be reused while its object lives), and entries of
// prompts that died are dropped by a sweep whenever the memo has doubled since the last one.

#include "sim/engine/prompt.h"
#include "sim/hashing/block_hasher.h"

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace kvroute::sim {

class PromptBlockHashes {
public:
    PromptBlockHashes(BlockHasher hasher, std::int32_t blockSize);

    /// hash_i = H(hash_{i-1}, block i) from NONE_HASH over every full block of `prompt`. The
    /// span stays valid while `prompt` lives and no later call sweeps (sweeps only drop dead
    /// prompts, so it is safe to use until the next call).
    std::span<const std::uint64_t> of(const PromptRef& prompt);

    [[nodiscard]] const BlockHasher& hasher() const { return m_hasher; }
    /// Prompts remembered (live or not yet swept).
    [[nodiscard]] std::size_t size() const { return m_entries.size(); }

private:
    struct Entry {
        std::weak_ptr<const void> prompt;
        std::vector<std::uint64_t> hashes;
    };

    void sweep();

    BlockHasher m_hasher;
    std::int32_t m_blockSize;
    std::unordered_map<const void*, Entry> m_entries;
    TokenVector m_scratch; ///< a generated prompt's tokens while they are hashed
    std::size_t m_sweepAt;
};

} // namespace kvroute::sim
