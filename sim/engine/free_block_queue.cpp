#include "sim/engine/free_block_queue.h"

#include "sim/util/check.h"

namespace kvroute::sim {

FreeBlockQueue::FreeBlockQueue(std::int32_t numBlocks)
    : m_nodes(static_cast<std::size_t>(numBlocks))
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
    Node& node = m_nodes[static_cast<std::size_t>(block)];
    KVROUTE_CHECK(!node.inQueue, "block is already free");
    node.prev = m_tail;
    node.next = -1;
    if (m_tail >= 0)
        m_nodes[static_cast<std::size_t>(m_tail)].next = block;
    else
        m_head = block;
    m_tail = block;
    node.inQueue = true;
    ++m_size;
}

void FreeBlockQueue::remove(BlockId block)
{
    Node& node = m_nodes[static_cast<std::size_t>(block)];
    KVROUTE_CHECK(node.inQueue, "block is not in the free queue");
    if (node.prev >= 0)
        m_nodes[static_cast<std::size_t>(node.prev)].next = node.next;
    else
        m_head = node.next;
    if (node.next >= 0)
        m_nodes[static_cast<std::size_t>(node.next)].prev = node.prev;
    else
        m_tail = node.prev;
    node.prev = node.next = -1;
    node.inQueue = false;
    --m_size;
}

std::vector<BlockId> FreeBlockQueue::toVector() const
{
    std::vector<BlockId> out;
    out.reserve(static_cast<std::size_t>(m_size));
    for (BlockId b = m_head; b >= 0; b = m_nodes[static_cast<std::size_t>(b)].next)
        out.push_back(b);
    return out;
}

} // namespace kvroute::sim
