#include "sim/engine/free_block_queue.h"

#include "sim/util/check.h"

namespace kvroute::sim {

FreeBlockQueue::FreeBlockQueue(std::int32_t numBlocks)
    : m_prev(static_cast<std::size_t>(numBlocks), -1)
    , m_next(static_cast<std::size_t>(numBlocks), -1)
    , m_inQueue(static_cast<std::size_t>(numBlocks), 0)
{
    for (BlockId b = 0; b < numBlocks; ++b)
        pushBack(b);
}

BlockId FreeBlockQueue::popFront()
{
    KVROUTE_CHECK(m_head >= 0, "pop from an empty free-block queue");
    const BlockId block = m_head;
    remove(block);
    return block;
}

void FreeBlockQueue::pushBack(BlockId block)
{
    const auto i = static_cast<std::size_t>(block);
    KVROUTE_CHECK(!m_inQueue[i], "block is already free");
    m_prev[i] = m_tail;
    m_next[i] = -1;
    if (m_tail >= 0)
        m_next[static_cast<std::size_t>(m_tail)] = block;
    else
        m_head = block;
    m_tail = block;
    m_inQueue[i] = 1;
    ++m_size;
}

void FreeBlockQueue::remove(BlockId block)
{
    const auto i = static_cast<std::size_t>(block);
    KVROUTE_CHECK(m_inQueue[i], "block is not in the free queue");
    const BlockId prev = m_prev[i];
    const BlockId next = m_next[i];
    if (prev >= 0)
        m_next[static_cast<std::size_t>(prev)] = next;
    else
        m_head = next;
    if (next >= 0)
        m_prev[static_cast<std::size_t>(next)] = prev;
    else
        m_tail = prev;
    m_prev[i] = m_next[i] = -1;
    m_inQueue[i] = 0;
    --m_size;
}

std::vector<BlockId> FreeBlockQueue::toVector() const
{
    std::vector<BlockId> out;
    out.reserve(static_cast<std::size_t>(m_size));
    for (BlockId b = m_head; b >= 0; b = m_next[static_cast<std::size_t>(b)])
        out.push_back(b);
    return out;
}

} // namespace kvroute::sim
