#include "sim/kernel/simulation.h"

#include <limits>
#include <utility>

#include "sim/util/check.h"

namespace kvroute::sim {

namespace {
// Restores the flag and the running rank even if a callback throws, so the Simulation stays
// usable afterwards.
class InEventGuard {
public:
    InEventGuard(bool& flag, std::int64_t& runningRank, std::int64_t rank) : m_flag(flag), m_rank(runningRank)
    {
        m_flag = true;
        m_rank = rank;
    }
    InEventGuard(const InEventGuard&) = delete;
    InEventGuard& operator=(const InEventGuard&) = delete;
    ~InEventGuard()
    {
        m_flag = false;
        m_rank = -1;
    }

private:
    bool& m_flag;
    std::int64_t& m_rank;
};
} // namespace

EventId Simulation::schedule(SimTime delay, Callback callback)
{
    KVROUTE_CHECK(delay >= 0, "schedule() with a negative delay");
    KVROUTE_CHECK(delay <= std::numeric_limits<SimTime>::max() - m_now, "schedule() past the end of time");
    return m_queue.push(m_now + delay, std::move(callback));
}

EventId Simulation::scheduleAt(SimTime time, Callback callback)
{
    KVROUTE_CHECK(time >= m_now, "scheduleAt() in the past");
    return m_queue.push(time, std::move(callback));
}

EventId Simulation::scheduleRankedAt(SimTime time, std::uint32_t rank, Callback callback)
{
    KVROUTE_CHECK(time >= m_now, "scheduleRankedAt() in the past");
    return m_queue.pushRanked(time, rank, std::move(callback));
}

bool Simulation::cancel(EventId id)
{
    return m_queue.cancel(id);
}

bool Simulation::step()
{
    KVROUTE_CHECK(!m_inEvent, "step() called from inside an event");
    if (m_queue.empty())
        return false;
    runNext();
    return true;
}

void Simulation::runUntil(SimTime time)
{
    KVROUTE_CHECK(!m_inEvent, "runUntil() called from inside an event");
    KVROUTE_CHECK(time >= m_now, "runUntil() into the past");
    m_stopRequested = false;
    while (!m_queue.empty() && m_queue.nextTime() <= time) {
        runNext();
        if (m_stopRequested)
            return;
    }
    m_now = time;
}

void Simulation::run()
{
    KVROUTE_CHECK(!m_inEvent, "run() called from inside an event");
    m_stopRequested = false;
    while (!m_queue.empty()) {
        runNext();
        if (m_stopRequested)
            return;
    }
}

void Simulation::runNext()
{
    // Pop before running: the callback may schedule or cancel freely, and cancelling its own id
    // is a no-op rather than a use-after-free.
    EventQueue::Popped event = m_queue.pop();
    m_now = event.time;
    ++m_eventsExecuted;
    const InEventGuard guard(m_inEvent, m_runningRank, event.rank);
    event.callback();
}

} // namespace kvroute::sim
