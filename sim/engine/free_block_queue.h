#pragma once
// vLLM's FreeKVCacheBlockQueue (vllm.md §4): a doubly linked list of free blocks. Allocation
// pops the head (least recently freed), frees append to the tail, and a prefix-cache hit on a
// free block unlinks it from the middle. Links live in arrays indexed by block id.

#include "sim/engine/engine_types.h"

#include <cstdint>
#include <vector>

namespace kvroute::sim {

class FreeBlockQueue {
public:
    /// All blocks 0..numBlocks-1 start free, in id order.
    explicit FreeBlockQueue(std::int32_t numBlocks);

    [[nodiscard]] std::int32_t size() const { return m_size; }
    [[nodiscard]] bool contains(BlockId block) const { return m_nodes[static_cast<std::size_t>(block)].inQueue; }
    [[nodiscard]] BlockId front() const { return m_head; }

    /// A hint that `block` is unlinked soon.
    void prefetch(BlockId block) const noexcept { __builtin_prefetch(&m_nodes[static_cast<std::size_t>(block)]); }

    BlockId popFront();
    void pushBack(BlockId block);
    void remove(BlockId block);

    /// Free blocks from head to tail (tests and diagnostics).
    [[nodiscard]] std::vector<BlockId> toVector() const;

private:
    /// A block's links side by side: popping, pushing or unlinking it touches one cache line.
    struct Node {
        BlockId prev = -1;
        BlockId next = -1;
        bool inQueue = false;
    };
    std::vector<Node> m_nodes;
    BlockId m_head = -1;
    BlockId m_tail = -1;
    std::int32_t m_size = 0;
};

} // namespace kvroute::sim
