#include "sim/engine/block_pool.h"

#include "sim/util/check.h"

#include <span>

namespace kvroute::sim {

namespace {
constexpr BlockId kNullBlock = 0;
}

BlockPool::BlockPool(std::int32_t numGpuBlocks, bool enableCaching, bool recordEvents)
    : m_freeQueue(numGpuBlocks)
    , m_enableCaching(enableCaching)
    , m_recordEvents(recordEvents)
{
    KVROUTE_CHECK(numGpuBlocks >= 2, "a block pool needs the null block and at least one more");
    // vllm.md §4: block 0 is popped at init as the null block; usable blocks are 1..N-1.
    const BlockId nullBlock = m_freeQueue.popFront();
    KVROUTE_CHECK(nullBlock == kNullBlock, "the null block must be block 0");
}

double BlockPool::usage() const
{
    return 1.0 - static_cast<double>(numFreeBlocks()) / static_cast<double>(numGpuBlocks());
}

BlockId BlockPool::cachedBlock(BlockHashValue hash) const
{
    const HashEntry* entry = m_cached.find(hash);
    return entry ? entry->first : -1;
}

void BlockPool::allocate(std::int32_t count, std::vector<BlockId>& out)
{
    KVROUTE_CHECK(count <= numFreeBlocks(), "allocating more blocks than are free");
    const std::size_t first = out.size();
    for (std::int32_t i = 0; i < count; ++i)
        out.push_back(m_freeQueue.popFront());
    const std::span<const BlockId> popped(out.data() + first, out.size() - first);
    if (m_enableCaching) {
        // A popped block was usually freed long ago: its record and the map slot of the hash
        // it still holds are cold. Asking for all of them before evicting any overlaps the
        // misses (a prefill chunk pops dozens of blocks).
        if (count > 1) {
            for (const BlockId b : popped)
                m_freeQueue.prefetch(b);
            for (const BlockId b : popped) {
                if (const KvBlock& block = blockAt(b); block.hashed)
                    m_cached.prefetch(block.hash);
            }
        }
        for (const BlockId b : popped)
            evictIfCached(b);
    }
    for (const BlockId b : popped) {
        auto& block = blockAt(b);
        KVROUTE_CHECK(block.refCount == 0, "a free block must have no references");
        block.refCount = 1;
    }
    // The next allocation starts at the new head: fetch its record while other work runs.
    if (const BlockId head = m_freeQueue.front(); head >= 0)
        m_freeQueue.prefetch(head);
}

void BlockPool::touch(std::span<const BlockId> blocks)
{
    // A hit on a free cached block unlinks it from the free queue, which reads its neighbours'
    // links: fetch the hit blocks' links together first (a prompt hits for ~100 blocks).
    // The records are those of the hit blocks, which were cached, so allocated before.
    for (const BlockId b : blocks) {
        if (const KvBlock& block = blockAt(b); block.refCount == 0) {
            __builtin_prefetch(&blockAt(block.prevFree >= 0 ? block.prevFree : b));
            __builtin_prefetch(&blockAt(block.nextFree >= 0 ? block.nextFree : b));
        }
    }
    for (const BlockId b : blocks) {
        if (blockAt(b).refCount == 0 && b != kNullBlock)
            m_freeQueue.remove(b);
        ++blockAt(b).refCount;
    }
}

void BlockPool::release(std::span<const BlockId> blocksInFreeOrder)
{
    for (const BlockId b : blocksInFreeOrder) {
        auto& block = blockAt(b);
        KVROUTE_CHECK(block.refCount > 0, "releasing a block without references");
        --block.refCount;
        if (block.refCount == 0 && b != kNullBlock)
            m_freeQueue.pushBack(b);
    }
}

void BlockPool::insertCached(BlockId b, BlockHashValue hash)
{
    auto& block = blockAt(b);
    KVROUTE_CHECK(!block.hashed, "caching a block that already holds a hash");
    block.hashed = true;
    block.hash = hash;
    HashEntry& entry = m_cached[hash];
    block.prevSameHash = entry.last;
    block.nextSameHash = -1;
    if (entry.last >= 0)
        blockAt(entry.last).nextSameHash = b;
    else
        entry.first = b;
    entry.last = b;
}

// vLLM's _maybe_evict_cached_block: eviction happens lazily, when a freed block is reused.
void BlockPool::evictIfCached(BlockId b)
{
    auto& block = blockAt(b);
    if (!block.hashed)
        return;
    HashEntry* found = m_cached.find(block.hash);
    KVROUTE_CHECK(found != nullptr, "a hashed block must be in the prefix-cache map");
    HashEntry& entry = *found;
    if (block.prevSameHash >= 0)
        blockAt(block.prevSameHash).nextSameHash = block.nextSameHash;
    else
        entry.first = block.nextSameHash;
    if (block.nextSameHash >= 0)
        blockAt(block.nextSameHash).prevSameHash = block.prevSameHash;
    else
        entry.last = block.prevSameHash;
    const BlockHashValue hash = block.hash;
    if (entry.first < 0)
        m_cached.erase(hash);
    block.hashed = false;
    block.hash = 0;
    block.prevSameHash = block.nextSameHash = -1;
    if (m_recordEvents) {
        KvEvent event;
        event.type = KvEvent::Type::BlockRemoved;
        event.blockHashes = spareHashList();
        event.blockHashes.push_back(hash);
        m_events.push_back(std::move(event));
    }
}

void BlockPool::recordStored(KvEvent event)
{
    if (m_recordEvents)
        m_events.push_back(std::move(event));
}

void BlockPool::takeEvents(std::vector<KvEvent>& out)
{
    for (KvEvent& event : out) {
        if (event.blockHashes.capacity() > 0)
            m_spareHashLists.push_back(std::move(event.blockHashes));
    }
    out.clear();
    out.swap(m_events);
}

std::vector<BlockHashValue> BlockPool::spareHashList()
{
    if (m_spareHashLists.empty())
        return {};
    std::vector<BlockHashValue> list = std::move(m_spareHashLists.back());
    m_spareHashLists.pop_back();
    list.clear();
    return list;
}

std::vector<KvEvent> BlockPool::takeEvents()
{
    std::vector<KvEvent> out;
    out.swap(m_events);
    return out;
}

} // namespace kvroute::sim
