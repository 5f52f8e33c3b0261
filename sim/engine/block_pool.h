#pragma once
// vLLM v0.10.0's BlockPool (vllm.md §4): the physical KV blocks of one pod, their reference
// counts, the free queue that doubles as the LRU eviction order, and the prefix-cache map from
// block hash to the blocks holding it.

#include "sim/engine/engine_types.h"
#include "sim/engine/free_block_queue.h"
#include "sim/util/flat_map64.h"

#include <cstdint>
#include <span>
#include <vector>

namespace kvroute::sim {

/// vLLM's KVCacheBlock: 32 bytes, aligned so that two share a cache line and none spans two;
/// the free-queue links included.
struct alignas(32) KvBlock {
    BlockHashValue hash = 0;
    std::int32_t refCount = 0;
    BlockId prevFree = -1;
    BlockId nextFree = -1;
    // Blocks sharing one hash form a list in insertion order (vLLM's dict of block ids).
    BlockId prevSameHash = -1;
    BlockId nextSameHash = -1;
    bool hashed = false;
    bool inFreeQueue = false;
};
static_assert(sizeof(KvBlock) == 32);

class BlockPool {
public:
    /// `numGpuBlocks` includes the null block 0, which is taken at construction and never freed.
    BlockPool(std::int32_t numGpuBlocks, bool enableCaching, bool recordEvents);

    [[nodiscard]] std::int32_t numGpuBlocks() const { return m_freeQueue.numBlocks(); }
    [[nodiscard]] std::int32_t numFreeBlocks() const { return m_freeQueue.size(); }
    /// 1 - free/total; cached-but-unreferenced blocks count as free (vllm.md §4).
    [[nodiscard]] double usage() const;

    [[nodiscard]] std::int32_t refCount(BlockId block) const { return recordOf(block).refCount; }
    [[nodiscard]] bool isCached(BlockId block) const { return recordOf(block).hashed; }
    [[nodiscard]] BlockHashValue blockHash(BlockId block) const { return recordOf(block).hash; }

    /// The first-inserted block holding `hash`, or -1 (vLLM's get_cached_block).
    [[nodiscard]] BlockId cachedBlock(BlockHashValue hash) const;
    /// Number of distinct hashes in the prefix cache.
    [[nodiscard]] std::size_t numCachedHashes() const { return m_cached.size(); }
    /// A hint that `hash` is looked up or inserted soon (with 100+ pods the maps outgrow the caches).
    void prefetchCached(BlockHashValue hash) const noexcept { m_cached.prefetch(hash); }
    /// A hint that `block`'s record is read or written soon.
    void prefetchBlock(BlockId block) const noexcept { m_freeQueue.prefetch(block); }

    /// Pops `count` blocks from the free-queue head, lazily evicting their old hashes, and
    /// appends them to `out` with ref count 1.
    void allocate(std::int32_t count, std::vector<BlockId>& out);
    /// A prefix hit takes free blocks out of the queue; every hit block gains a reference.
    void touch(std::span<const BlockId> blocks);
    /// Drops one reference per block, in the given order; blocks reaching zero join the tail.
    void release(std::span<const BlockId> blocksInFreeOrder);
    /// Inserts a full block under `hash` (no de-duplication: several blocks may share a hash).
    void insertCached(BlockId block, BlockHashValue hash);

    /// Appends a BlockStored event (only when events are recorded).
    void recordStored(KvEvent event);
    [[nodiscard]] bool recordsEvents() const { return m_recordEvents; }
    /// Moves the events since the last call, in order, into `out` (replacing its contents);
    /// the two lists swap storage, and the hash lists of the events `out` held are kept for
    /// new events, so a warm pool records events without allocating.
    void takeEvents(std::vector<KvEvent>& out);
    /// An empty hash list for a new event, with capacity from an event handed out before.
    [[nodiscard]] std::vector<BlockHashValue> spareHashList();
    /// Events since the last call, in order.
    std::vector<KvEvent> takeEvents();

    [[nodiscard]] const FreeBlockQueue<KvBlock>& freeQueue() const { return m_freeQueue; }

private:
    struct HashEntry {
        BlockId first = -1;
        BlockId last = -1;
    };

    /// A block never allocated has no record yet (FreeBlockQueue): it reads as a fresh one.
    [[nodiscard]] const KvBlock& recordOf(BlockId block) const
    {
        static constexpr KvBlock kFresh{};
        return m_freeQueue.hasRecord(block) ? m_freeQueue.record(block) : kFresh;
    }
    KvBlock& blockAt(BlockId block) { return m_freeQueue.record(block); }
    void evictIfCached(BlockId block);

    /// The free queue owns the block records (see FreeBlockQueue).
    FreeBlockQueue<KvBlock> m_freeQueue;
    FlatMap64<HashEntry> m_cached;
    std::vector<KvEvent> m_events;
    std::vector<std::vector<BlockHashValue>> m_spareHashLists;
    bool m_enableCaching;
    bool m_recordEvents;
};

} // namespace kvroute::sim
