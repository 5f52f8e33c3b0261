#include "sim/kernel/event_queue.h"

#include <utility>

#include "sim/util/check.h"

namespace kvroute::sim {

namespace {
// Below this size a compaction pass is not worth it; dead entries just wait for the top.
constexpr std::size_t kCompactMinEntries = 64;
} // namespace

EventId EventQueue::push(SimTime time, EventCallback callback)
{
    KVROUTE_CHECK(m_nextSeq <= kMaxSeq, "too many events over the simulation's life");
    return pushEntry(time, kOrdinary | (m_nextSeq << kSlotBits), std::move(callback));
}

EventId EventQueue::pushRanked(SimTime time, std::uint32_t rank, EventCallback callback)
{
    return pushEntry(time, std::uint64_t{rank} << kSlotBits, std::move(callback));
}

EventId EventQueue::pushEntry(SimTime time, std::uint64_t orderKey, EventCallback callback)
{
    KVROUTE_CHECK(static_cast<bool>(callback), "scheduled an empty callback");
    KVROUTE_CHECK(m_nextSeq <= kMaxSeq, "too many events over the simulation's life");
    const std::uint32_t slot = acquireSlot();
    // Every event takes a sequence number (its id's), ranked ones too.
    const std::uint64_t seq = m_nextSeq++;
    Slot& s = m_slots[slot];
    s.callback = std::move(callback);
    s.seq = seq;
    s.cancelled = false;
    m_heap.push_back(Entry{time, orderKey | slot});
    siftUp(m_heap.size() - 1);
    ++m_live;
    return EventId{seq, slot};
}

bool EventQueue::cancel(EventId id)
{
    if (!id.isValid() || id.slot >= m_slots.size())
        return false;
    Slot& s = m_slots[id.slot];
    if (s.seq != id.seq || s.cancelled)
        return false;
    s.cancelled = true;
    s.callback = nullptr; // release captured state now, not when the entry surfaces
    --m_live;
    dropCancelledTop();
    if (m_heap.size() >= kCompactMinEntries && m_heap.size() - m_live > m_live)
        compact();
    return true;
}

EventQueue::Popped EventQueue::pop()
{
    KVROUTE_CHECK(!empty(), "pop() on an empty event queue");
    // Invariant kept by dropCancelledTop(): the top entry is live whenever m_live > 0.
    const Entry top = m_heap.front();
    Slot& s = m_slots[top.slot()];
    Popped out{top.time, EventId{s.seq, top.slot()}, std::move(s.callback),
               (top.order & kOrdinary) != 0 ? std::int64_t{-1} : static_cast<std::int64_t>(top.order >> kSlotBits)};
    removeTop();
    releaseSlot(top.slot());
    --m_live;
    dropCancelledTop();
    return out;
}

SimTime EventQueue::nextTime() const
{
    KVROUTE_CHECK(!empty(), "nextTime() on an empty event queue");
    return m_heap.front().time;
}

void EventQueue::clear()
{
    for (const Entry& e : m_heap)
        releaseSlot(e.slot());
    m_heap.clear();
    m_live = 0;
}

std::uint32_t EventQueue::acquireSlot()
{
    if (!m_freeSlots.empty()) {
        const std::uint32_t slot = m_freeSlots.back();
        m_freeSlots.pop_back();
        return slot;
    }
    KVROUTE_CHECK(m_slots.size() <= kSlotMask, "too many pending events");
    m_slots.emplace_back();
    return static_cast<std::uint32_t>(m_slots.size() - 1);
}

void EventQueue::releaseSlot(std::uint32_t slot)
{
    Slot& s = m_slots[slot];
    s.callback = nullptr;
    s.seq = 0;
    s.cancelled = false;
    m_freeSlots.push_back(slot);
}

void EventQueue::siftUp(std::size_t i)
{
    const Entry e = m_heap[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(e, m_heap[parent]))
            break;
        m_heap[i] = m_heap[parent];
        i = parent;
    }
    m_heap[i] = e;
}

void EventQueue::siftDown(std::size_t i)
{
    const std::size_t n = m_heap.size();
    const Entry e = m_heap[i];
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && before(m_heap[child + 1], m_heap[child]))
            ++child;
        if (!before(m_heap[child], e))
            break;
        m_heap[i] = m_heap[child];
        i = child;
    }
    m_heap[i] = e;
}

void EventQueue::removeTop()
{
    // Floyd's bottom-up deletion: the last entry almost always belongs near the bottom, so walk
    // the hole down along the smaller children (one comparison per level instead of two) and
    // sift the last entry up from there. Keys are unique, so the pop order is the same as with
    // a plain sift-down.
    const Entry last = m_heap.back();
    m_heap.pop_back();
    const std::size_t n = m_heap.size();
    if (n == 0)
        return;
    Entry* heap = m_heap.data();
    std::size_t hole = 0;
    std::size_t child = 1;
    // Which child is smaller is a coin flip, so pick it arithmetically rather than by a branch.
    for (; child + 1 < n; child = 2 * hole + 1) {
        child += static_cast<std::size_t>(before(heap[child + 1], heap[child]));
        heap[hole] = heap[child];
        hole = child;
    }
    if (child < n) { // a last parent with one child
        heap[hole] = heap[child];
        hole = child;
    }
    heap[hole] = last;
    siftUp(hole);
}

void EventQueue::dropCancelledTop()
{
    while (!m_heap.empty() && m_slots[m_heap.front().slot()].cancelled) {
        const std::uint32_t slot = m_heap.front().slot();
        removeTop();
        releaseSlot(slot);
    }
}

void EventQueue::compact()
{
    // Many cancelled far-future events (timeouts that never fire) would otherwise pin memory.
    // Keys are unique, so rebuilding the heap cannot change the pop order.
    std::size_t kept = 0;
    for (const Entry& e : m_heap) {
        if (m_slots[e.slot()].cancelled)
            releaseSlot(e.slot());
        else
            m_heap[kept++] = e;
    }
    m_heap.resize(kept);
    for (std::size_t i = kept / 2; i-- > 0;)
        siftDown(i);
}

} // namespace kvroute::sim
