#pragma once
// Pending-event set of the discrete-event kernel.
//
// Events are ordered by (time, insertion sequence). The sequence number is unique, so the order is
// a strict total order: equal-time events run FIFO and the pop order never depends on the heap
// implementation or the platform (std::priority_queue gives no such guarantee for ties).
// A ranked event (pushRanked) runs before every ordinary event of its time, ranked events of one
// time in rank order: its place among equal times then does not depend on when it was pushed,
// so its owner may push it early, or move it, without changing any outcome.
//
// Heap entries stay small (16 bytes: time, and an order word holding the ranked bit, the rank or
// sequence number, and the slot); callbacks live in a slab indexed by slot so sifting
// never moves a callable. Cancellation is lazy: the slot is marked and its entry is dropped when it
// reaches the top, which keeps cancel() O(1) and safe for ids that already ran or were reused.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/kernel/sim_time.h"

namespace kvroute::sim {

/// Move-only so events can own their state (e.g. a std::unique_ptr capture).
using EventCallback = std::move_only_function<void()>;

/// Handle of a scheduled event. A default-constructed id refers to nothing.
/// `seq` is unique over the queue's lifetime, so a stale id never matches a reused slot.
struct EventId {
    std::uint64_t seq = 0;
    std::uint32_t slot = 0;

    [[nodiscard]] constexpr bool isValid() const noexcept { return seq != 0; }
    friend constexpr bool operator==(const EventId&, const EventId&) = default;
};

class EventQueue {
public:
    /// An event removed from the queue, ready to run.
    struct Popped {
        SimTime time = 0;
        EventId id;
        EventCallback callback;
        /// The rank of a ranked event, -1 for an ordinary one.
        std::int64_t rank = -1;
    };

    EventQueue() = default;
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;
    EventQueue(EventQueue&&) noexcept = default;
    EventQueue& operator=(EventQueue&&) noexcept = default;
    ~EventQueue() = default;

    /// Adds an event; `callback` must not be empty.
    EventId push(SimTime time, EventCallback callback);
    /// Adds a ranked event; no two pending ranked events may share a rank.
    EventId pushRanked(SimTime time, std::uint32_t rank, EventCallback callback);

    /// Cancels a pending event. Returns false (and does nothing) for ids that already ran, were
    /// already cancelled, or never existed.
    bool cancel(EventId id);

    /// Removes and returns the earliest live event. Requires !empty().
    [[nodiscard]] Popped pop();

    /// Time of the earliest live event. Requires !empty().
    [[nodiscard]] SimTime nextTime() const;

    /// Number of live (not cancelled) events.
    [[nodiscard]] std::size_t size() const noexcept { return m_live; }
    [[nodiscard]] bool empty() const noexcept { return m_live == 0; }

    /// Drops every pending event. Ids issued before stay harmless (cancel returns false).
    void clear();

private:
    /// 16 bytes, so a sift moves a quarter of a cache line. The order word holds, from the top:
    /// one bit that is 0 for ranked events and 1 for ordinary ones, then the rank or sequence
    /// number, then the slot. Sequence numbers are unique and pending ranks too, so comparing the
    /// word compares (ranked first, rank or sequence number).
    struct Entry {
        SimTime time;
        std::uint64_t order;
        [[nodiscard]] std::uint32_t slot() const noexcept { return static_cast<std::uint32_t>(order & kSlotMask); }
    };
    static constexpr int kSlotBits = 24; ///< up to 16.7 M pending events
    static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
    static constexpr std::uint64_t kOrdinary = std::uint64_t{1} << 63;
    static constexpr std::uint64_t kMaxSeq = (std::uint64_t{1} << (63 - kSlotBits)) - 1; ///< 5.5e11 events
    struct Slot {
        EventCallback callback;
        std::uint64_t seq = 0; // 0 while the slot is free
        bool cancelled = false;
    };

    [[nodiscard]] static bool before(const Entry& a, const Entry& b) noexcept
    {
        // Non-short-circuit operators: the heap's comparisons are unpredictable, so one
        // flag computation beats two branches.
        return (a.time < b.time) | ((a.time == b.time) & (a.order < b.order));
    }

    EventId pushEntry(SimTime time, std::uint64_t orderKey, EventCallback callback);
    std::uint32_t acquireSlot();
    void releaseSlot(std::uint32_t slot);
    void siftUp(std::size_t i);
    void siftDown(std::size_t i);
    void removeTop();
    void dropCancelledTop();
    void compact();

    std::vector<Entry> m_heap;
    std::vector<Slot> m_slots;
    std::vector<std::uint32_t> m_freeSlots;
    std::uint64_t m_nextSeq = 1;
    std::size_t m_live = 0;
};

} // namespace kvroute::sim
