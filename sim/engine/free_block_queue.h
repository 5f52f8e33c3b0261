#pragma once
// vLLM's FreeKVCacheBlockQueue (vllm.md §4): a doubly linked list of free blocks. Allocation
// pops the head (least recently freed), frees append to the tail, and a prefix-cache hit on a
// free block unlinks it from the middle.
//
// As in vLLM, the links live in the block records themselves (KVCacheBlock.prev_free_block /
// next_free_block), so the queue owns the pool's records: unlinking a hit block touches the
// record the pool reads anyway. Records are created lazily. All blocks start free in id order
// and allocation pops the head, so the blocks never popped yet are always the queue's first
// ones, ids m_fresh..N-1 in order: they need no record and no links until their first pop.
// A run uses only the blocks its load reaches (half of each pod's 4,802 at 128 pods in the
// llm-d benchmark), and memory never touched costs nothing.

#include "sim/engine/engine_types.h"
#include "sim/util/check.h"

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kvroute::sim {

/// A block record the queue can link: default-constructible (a fresh block's state), with the
/// queue's two links and membership flag.
template <typename R>
concept FreeQueueRecord = std::default_initializable<R> && requires(R r) {
    { r.prevFree } -> std::same_as<BlockId&>;
    { r.nextFree } -> std::same_as<BlockId&>;
    { r.inFreeQueue } -> std::same_as<bool&>;
};

/// The links alone, for a queue whose records carry nothing else.
struct FreeLinks {
    BlockId prevFree = -1;
    BlockId nextFree = -1;
    bool inFreeQueue = false;
};

template <FreeQueueRecord Record>
class FreeBlockQueue {
public:
    /// All blocks 0..numBlocks-1 start free, in id order.
    explicit FreeBlockQueue(std::int32_t numBlocks)
        : m_numBlocks(numBlocks)
        , m_size(numBlocks)
    {
        KVROUTE_CHECK(numBlocks >= 0, "a free-block queue cannot have a negative size");
    }

    [[nodiscard]] std::int32_t size() const { return m_size; }
    [[nodiscard]] std::int32_t numBlocks() const { return m_numBlocks; }
    [[nodiscard]] bool contains(BlockId block) const
    {
        return isFresh(block) || m_records[idx(block)].inFreeQueue;
    }
    [[nodiscard]] BlockId front() const { return m_fresh < m_numBlocks ? m_fresh : m_head; }

    /// Whether `block` has a record: it was popped at least once. Only such a block can be
    /// referenced, cached or pushed back.
    [[nodiscard]] bool hasRecord(BlockId block) const { return block >= 0 && block < m_fresh; }
    [[nodiscard]] Record& record(BlockId block) { return m_records[idx(block)]; }
    [[nodiscard]] const Record& record(BlockId block) const { return m_records[idx(block)]; }

    /// A hint that `block` is unlinked soon.
    void prefetch(BlockId block) const noexcept
    {
        if (hasRecord(block))
            __builtin_prefetch(&m_records[idx(block)]);
    }

    BlockId popFront()
    {
        KVROUTE_CHECK(m_size > 0, "pop from an empty free-block queue");
        if (m_fresh < m_numBlocks) {
            // Grown geometrically but never past the pool, which a loaded pod fills.
            if (m_records.size() == m_records.capacity())
                m_records.reserve(std::min(std::max<std::size_t>(64, 2 * m_records.capacity()), idx(m_numBlocks)));
            m_records.emplace_back();
            --m_size;
            return m_fresh++;
        }
        const BlockId block = m_head;
        remove(block);
        return block;
    }

    void pushBack(BlockId block)
    {
        KVROUTE_CHECK(hasRecord(block), "pushing back a block that was never popped");
        Record& node = m_records[idx(block)];
        KVROUTE_CHECK(!node.inFreeQueue, "block is already free");
        node.prevFree = m_tail;
        node.nextFree = -1;
        if (m_tail >= 0)
            m_records[idx(m_tail)].nextFree = block;
        else
            m_head = block;
        m_tail = block;
        node.inFreeQueue = true;
        ++m_size;
    }

    void remove(BlockId block)
    {
        KVROUTE_CHECK(block >= 0 && block < m_numBlocks, "block id out of range");
        if (isFresh(block))
            materializeFresh(); // only a never-used block taken out of order: not on a hot path
        Record& node = m_records[idx(block)];
        KVROUTE_CHECK(node.inFreeQueue, "block is not in the free queue");
        if (node.prevFree >= 0)
            m_records[idx(node.prevFree)].nextFree = node.nextFree;
        else
            m_head = node.nextFree;
        if (node.nextFree >= 0)
            m_records[idx(node.nextFree)].prevFree = node.prevFree;
        else
            m_tail = node.prevFree;
        node.prevFree = node.nextFree = -1;
        node.inFreeQueue = false;
        --m_size;
    }

    /// Free blocks from head to tail (tests and diagnostics).
    [[nodiscard]] std::vector<BlockId> toVector() const
    {
        std::vector<BlockId> out;
        out.reserve(static_cast<std::size_t>(m_size));
        for (BlockId b = m_fresh; b < m_numBlocks; ++b)
            out.push_back(b);
        for (BlockId b = m_head; b >= 0; b = m_records[idx(b)].nextFree)
            out.push_back(b);
        return out;
    }

private:
    static std::size_t idx(BlockId b) { return static_cast<std::size_t>(b); }
    [[nodiscard]] bool isFresh(BlockId block) const { return block >= m_fresh && block < m_numBlocks; }

    /// Gives every fresh block a record and links them, in id order, before the linked part.
    void materializeFresh()
    {
        const BlockId first = m_fresh;
        const BlockId oldHead = m_head;
        m_records.resize(static_cast<std::size_t>(m_numBlocks));
        for (BlockId b = first; b < m_numBlocks; ++b) {
            Record& node = m_records[idx(b)];
            node.prevFree = b > first ? b - 1 : -1;
            node.nextFree = b + 1 < m_numBlocks ? b + 1 : oldHead;
            node.inFreeQueue = true;
        }
        if (first < m_numBlocks) {
            if (oldHead >= 0)
                m_records[idx(oldHead)].prevFree = m_numBlocks - 1;
            else
                m_tail = m_numBlocks - 1;
            m_head = first;
        }
        m_fresh = m_numBlocks;
    }

    /// Records of blocks 0..m_fresh-1.
    std::vector<Record> m_records;
    std::int32_t m_numBlocks;
    /// The first block never popped; blocks m_fresh..N-1 are the queue's head, in id order.
    BlockId m_fresh = 0;
    /// The linked part, after the fresh blocks.
    BlockId m_head = -1;
    BlockId m_tail = -1;
    std::int32_t m_size;
};

} // namespace kvroute::sim
