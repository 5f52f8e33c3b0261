#pragma once
// The discrete-event kernel: a clock plus a pending-event set. Each Simulation is a plain object
// with no shared state, so independent runs can proceed in parallel threads; a single Simulation
// is not thread-safe (stop() included: call it from inside an event).

#include <cstddef>
#include <cstdint>

#include "sim/kernel/event_queue.h"
#include "sim/kernel/sim_time.h"

namespace kvroute::sim {

class Simulation {
public:
    using Callback = EventCallback;

    Simulation() = default;
    // Callbacks usually capture the Simulation by reference; a copy or move would leave them
    // pointing at the old object.
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;
    Simulation(Simulation&&) = delete;
    Simulation& operator=(Simulation&&) = delete;
    ~Simulation() = default;

    [[nodiscard]] SimTime now() const noexcept { return m_now; }

    /// Runs `callback` at now() + delay (delay >= 0). Events at equal times run in the order they
    /// were scheduled (after the ranked ones, scheduleRankedAt), so a zero delay runs after
    /// everything already queued for now().
    EventId schedule(SimTime delay, Callback callback);

    /// Runs `callback` at absolute time `time` (time >= now()).
    EventId scheduleAt(SimTime time, Callback callback);

    /// Runs `callback` at absolute time `time` (time >= now()), before every event scheduled
    /// with schedule()/scheduleAt() for that time, and after ranked events of that time with a
    /// lower `rank`. No two pending ranked events may share a rank. For events whose owner
    /// schedules them early or moves them: their order does not depend on when that happened.
    EventId scheduleRankedAt(SimTime time, std::uint32_t rank, Callback callback);

    /// The rank of the running event if it is a ranked one, else -1 (also between events).
    [[nodiscard]] std::int64_t runningRank() const noexcept { return m_runningRank; }

    /// Cancels a pending event; false if it already ran, was cancelled, or is the running event.
    bool cancel(EventId id);

    /// Runs the earliest pending event, advancing now() to its time. False if there is none.
    /// Ignores stop(): exactly one event runs.
    bool step();

    /// Runs every event with time <= `time`, then sets now() = `time` (time >= now()), so a GUI can
    /// advance the model in wall-clock slices and see the same trajectory as one run(). If an event
    /// calls stop(), returns right after it and now() stays at that event's time.
    void runUntil(SimTime time);

    /// Runs until no event is pending or an event calls stop().
    void run();

    /// Makes the innermost run()/runUntil() return after the current event. The request is cleared
    /// when the next run()/runUntil() starts.
    void stop() noexcept { m_stopRequested = true; }

    [[nodiscard]] bool stopRequested() const noexcept { return m_stopRequested; }
    [[nodiscard]] std::uint64_t eventsExecuted() const noexcept { return m_eventsExecuted; }
    [[nodiscard]] std::size_t pendingEvents() const noexcept { return m_queue.size(); }
    [[nodiscard]] bool hasPendingEvents() const noexcept { return !m_queue.empty(); }
    /// Time of the next pending event. Requires hasPendingEvents().
    [[nodiscard]] SimTime nextEventTime() const { return m_queue.nextTime(); }

private:
    void runNext();

    EventQueue m_queue;
    SimTime m_now = 0;
    std::uint64_t m_eventsExecuted = 0;
    bool m_stopRequested = false;
    bool m_inEvent = false;
    std::int64_t m_runningRank = -1;
};

} // namespace kvroute::sim
