// Simulation: clock semantics, FIFO ties, events scheduling/cancelling events, runUntil slices,
// stop(), and independence of Simulation objects across threads.

#include <QTest>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "sim/kernel/rng.h"
#include "sim/kernel/simulation.h"

using kvroute::sim::EventId;
using kvroute::sim::kMillisecond;
using kvroute::sim::Rng;
using kvroute::sim::SimTime;
using kvroute::sim::Simulation;

using Times = std::vector<SimTime>;
using Indices = std::vector<int>;

Q_DECLARE_METATYPE(Times)
Q_DECLARE_METATYPE(Indices)

namespace {

struct Record {
    SimTime time;
    int tag;
    friend bool operator==(const Record&, const Record&) = default;
};
using Trace = std::vector<Record>;

// A few self-rescheduling "processes" with random gaps: enough interleaving and ties (gaps are
// whole milliseconds) to expose any dependence on how the run is sliced.
void startProcesses(Simulation& sim, Rng& rng, Trace& trace, SimTime horizon)
{
    struct Process {
        Simulation& sim;
        Rng& rng;
        Trace& trace;
        SimTime horizon;
        int tag;
        void fire()
        {
            trace.push_back({sim.now(), tag});
            const SimTime gap = rng.uniformInt(0, 5) * kMillisecond;
            if (sim.now() + gap <= horizon)
                sim.schedule(gap, [p = *this]() mutable { p.fire(); });
        }
    };
    for (int tag = 0; tag < 4; ++tag)
        sim.schedule(0, [p = Process{sim, rng, trace, horizon, tag}]() mutable { p.fire(); });
}

Trace runModel(std::uint64_t seed)
{
    Simulation sim;
    Rng rng = Rng::stream(seed, "tst_simulation/model");
    Trace trace;
    startProcesses(sim, rng, trace, 1000 * kMillisecond);
    sim.run();
    return trace;
}

} // namespace

class TestSimulation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startsAtZero();
    void fifoAtEqualTimes_data();
    void fifoAtEqualTimes();
    void rankedEventsFirstAtEqualTimes_data();
    void rankedEventsFirstAtEqualTimes();
    void movedRankedEventKeepsItsPlace();
    void nowIsEventTimeInsideCallback();
    void eventsScheduledFromEvents();
    void scheduleAtAbsoluteTime();
    void cancelBeforeRun();
    void cancelAfterRunReturnsFalse();
    void cancelInsideEvent();
    void cancelledEventsDoNotMoveClock();
    void runUntilBoundary();
    void runUntilOnEmptyQueueAdvancesClock();
    void runUntilSlicesMatchRun();
    void runUntilLargeHorizon();
    void runDrainsQueue();
    void stopFromInsideEvent();
    void stopInsideRunUntil();
    void stepIgnoresStop();
    void moveOnlyCallback();
    void independentSimulationsInThreads();
};

void TestSimulation::startsAtZero()
{
    Simulation sim;
    QCOMPARE(sim.now(), SimTime{0});
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{0});
    QVERIFY(!sim.hasPendingEvents());
    QVERIFY(!sim.step());
    sim.run();
    QCOMPARE(sim.now(), SimTime{0});
}

void TestSimulation::fifoAtEqualTimes_data()
{
    QTest::addColumn<Times>("delays");
    QTest::addColumn<Indices>("expected");

    QTest::newRow("all zero") << Times{0, 0, 0, 0} << Indices{0, 1, 2, 3};
    QTest::newRow("all equal") << Times{9, 9, 9} << Indices{0, 1, 2};
    QTest::newRow("interleaved") << Times{3, 1, 3, 1, 2} << Indices{1, 3, 4, 0, 2};
    QTest::newRow("tie after later") << Times{2, 1, 2} << Indices{1, 0, 2};
}

void TestSimulation::fifoAtEqualTimes()
{
    QFETCH(Times, delays);
    QFETCH(Indices, expected);

    Simulation sim;
    Indices ran;
    for (std::size_t i = 0; i < delays.size(); ++i)
        sim.schedule(delays[i], [&ran, i] { ran.push_back(static_cast<int>(i)); });
    sim.run();
    QCOMPARE(ran, expected);
}

void TestSimulation::rankedEventsFirstAtEqualTimes_data()
{
    QTest::addColumn<Times>("times");
    QTest::addColumn<Indices>("ranks"); // -1: an ordinary event
    QTest::addColumn<Indices>("expected");

    QTest::newRow("ranked after ordinary") << Times{5, 5} << Indices{-1, 0} << Indices{1, 0};
    QTest::newRow("ranks, pushed high first") << Times{5, 5, 5} << Indices{7, 2, 4} << Indices{1, 2, 0};
    QTest::newRow("mixed") << Times{5, 5, 5, 5} << Indices{-1, 3, -1, 1} << Indices{3, 1, 0, 2};
    QTest::newRow("time still first") << Times{6, 5, 5} << Indices{0, -1, 9} << Indices{2, 1, 0};
    QTest::newRow("equal ranks at other times") << Times{8, 4} << Indices{0, 0} << Indices{1, 0};
}

void TestSimulation::rankedEventsFirstAtEqualTimes()
{
    QFETCH(Times, times);
    QFETCH(Indices, ranks);
    QFETCH(Indices, expected);

    Simulation sim;
    Indices ran;
    for (std::size_t i = 0; i < times.size(); ++i) {
        auto record = [&ran, i] { ran.push_back(static_cast<int>(i)); };
        if (ranks[i] < 0)
            sim.scheduleAt(times[i], record);
        else
            sim.scheduleRankedAt(times[i], static_cast<std::uint32_t>(ranks[i]), record);
    }
    sim.run();
    QCOMPARE(ran, expected);
}

void TestSimulation::movedRankedEventKeepsItsPlace()
{
    // A pod places a step end early, then moves it: the order at its new time is the same as if
    // it had been scheduled there from the start.
    Simulation sim;
    Indices ran;
    const EventId early = sim.scheduleRankedAt(50, 2, [&] { ran.push_back(99); });
    sim.scheduleAt(20, [&] { ran.push_back(0); });
    sim.scheduleRankedAt(20, 3, [&] { ran.push_back(1); });
    sim.scheduleAt(10, [&] {
        QVERIFY(sim.cancel(early));
        sim.scheduleRankedAt(20, 2, [&] { ran.push_back(2); });
    });
    sim.run();
    QCOMPARE(ran, (Indices{2, 1, 0}));
    QVERIFY(!sim.cancel(early));
}

void TestSimulation::nowIsEventTimeInsideCallback()
{
    Simulation sim;
    Times seen;
    for (SimTime t : {30, 10, 20})
        sim.schedule(t, [&] { seen.push_back(sim.now()); });
    sim.run();
    QCOMPARE(seen, (Times{10, 20, 30}));
    QCOMPARE(sim.now(), SimTime{30});
}

void TestSimulation::eventsScheduledFromEvents()
{
    // A@10 schedules C@15 (after the already queued B@15); C schedules D with delay 0, which runs
    // at 15 after C; D schedules E@16.
    Simulation sim;
    Trace trace;
    auto note = [&](int tag) { trace.push_back({sim.now(), tag}); };
    sim.schedule(10, [&] {
        note(0);
        sim.schedule(5, [&] {
            note(2);
            sim.schedule(0, [&] {
                note(3);
                sim.schedule(1, [&] { note(4); });
            });
        });
    });
    sim.schedule(15, [&] { note(1); });
    sim.run();
    QCOMPARE(trace, (Trace{{10, 0}, {15, 1}, {15, 2}, {15, 3}, {16, 4}}));
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{5});
}

void TestSimulation::scheduleAtAbsoluteTime()
{
    Simulation sim;
    Trace trace;
    sim.scheduleAt(100, [&] {
        trace.push_back({sim.now(), 0});
        sim.scheduleAt(sim.now(), [&] { trace.push_back({sim.now(), 1}); });
        sim.scheduleAt(250, [&] { trace.push_back({sim.now(), 2}); });
    });
    sim.run();
    QCOMPARE(trace, (Trace{{100, 0}, {100, 1}, {250, 2}}));
}

void TestSimulation::cancelBeforeRun()
{
    Simulation sim;
    Indices ran;
    sim.schedule(1, [&] { ran.push_back(0); });
    const EventId b = sim.schedule(2, [&] { ran.push_back(1); });
    sim.schedule(3, [&] { ran.push_back(2); });
    QVERIFY(sim.cancel(b));
    QCOMPARE(sim.pendingEvents(), std::size_t{2});
    sim.run();
    QCOMPARE(ran, (Indices{0, 2}));
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{2});
    QVERIFY(!sim.cancel(b));
}

void TestSimulation::cancelAfterRunReturnsFalse()
{
    Simulation sim;
    const EventId a = sim.schedule(1, [] {});
    QVERIFY(sim.step());
    QVERIFY(!sim.cancel(a));
}

void TestSimulation::cancelInsideEvent()
{
    Simulation sim;
    Indices ran;
    EventId self;
    EventId sameTimeLater;
    EventId future;
    bool cancelledSelf = true;
    bool cancelledSameTime = false;
    bool cancelledFuture = false;
    self = sim.schedule(1, [&] {
        ran.push_back(0);
        cancelledSelf = sim.cancel(self); // already popped: nothing to cancel
        cancelledSameTime = sim.cancel(sameTimeLater);
        cancelledFuture = sim.cancel(future);
    });
    sameTimeLater = sim.schedule(1, [&] { ran.push_back(1); });
    future = sim.schedule(2, [&] { ran.push_back(2); });
    sim.schedule(3, [&] { ran.push_back(3); });
    sim.run();

    QVERIFY(!cancelledSelf);
    QVERIFY(cancelledSameTime);
    QVERIFY(cancelledFuture);
    QCOMPARE(ran, (Indices{0, 3}));
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{2});
}

void TestSimulation::cancelledEventsDoNotMoveClock()
{
    Simulation sim;
    const EventId id = sim.schedule(100, [] {});
    QVERIFY(sim.cancel(id));
    QVERIFY(!sim.step());
    sim.run();
    QCOMPARE(sim.now(), SimTime{0});
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{0});
}

void TestSimulation::runUntilBoundary()
{
    Simulation sim;
    Trace trace;
    auto note = [&](int tag) { trace.push_back({sim.now(), tag}); };
    sim.scheduleAt(10, [&] { note(10); });
    sim.scheduleAt(20, [&] {
        note(20);
        sim.schedule(0, [&] { note(21); }); // still at t = 20: inside the window
        sim.schedule(1, [&] { note(22); }); // t = 21: outside
    });
    sim.scheduleAt(30, [&] { note(30); });

    sim.runUntil(20);
    QCOMPARE(sim.now(), SimTime{20});
    QCOMPARE(trace, (Trace{{10, 10}, {20, 20}, {20, 21}}));
    QCOMPARE(sim.pendingEvents(), std::size_t{2});
    QCOMPARE(sim.nextEventTime(), SimTime{21});

    sim.runUntil(20); // empty window at the same time
    QCOMPARE(trace.size(), std::size_t{3});

    sim.runUntil(25);
    QCOMPARE(sim.now(), SimTime{25});
    QCOMPARE(trace.back(), (Record{21, 22}));

    sim.runUntil(29);
    QCOMPARE(sim.now(), SimTime{29});
    QCOMPARE(trace.size(), std::size_t{4});

    sim.runUntil(100);
    QCOMPARE(sim.now(), SimTime{100});
    QCOMPARE(trace.back(), (Record{30, 30}));
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{5});
}

void TestSimulation::runUntilOnEmptyQueueAdvancesClock()
{
    Simulation sim;
    sim.runUntil(5 * kMillisecond);
    QCOMPARE(sim.now(), 5 * kMillisecond);
    // Delays are relative to the advanced clock.
    SimTime seen = -1;
    sim.schedule(kMillisecond, [&] { seen = sim.now(); });
    sim.run();
    QCOMPARE(seen, 6 * kMillisecond);
}

void TestSimulation::runUntilSlicesMatchRun()
{
    const SimTime horizon = 1000 * kMillisecond;
    const Trace reference = runModel(77);
    QVERIFY(reference.size() > 500);

    Simulation sim;
    Rng rng = Rng::stream(77, "tst_simulation/model");
    Trace trace;
    startProcesses(sim, rng, trace, horizon);
    for (SimTime t = 0; t <= horizon + 7 * kMillisecond; t += 7 * kMillisecond) {
        sim.runUntil(t);
        QCOMPARE(sim.now(), t);
        QVERIFY(trace.empty() || trace.back().time <= t);
    }
    QVERIFY(!sim.hasPendingEvents());
    QCOMPARE(trace, reference);
}

void TestSimulation::runUntilLargeHorizon()
{
    Simulation sim;
    constexpr SimTime kEnd = std::numeric_limits<SimTime>::max();
    bool ran = false;
    sim.scheduleAt(kEnd, [&] { ran = true; });
    sim.runUntil(kEnd);
    QVERIFY(ran);
    QCOMPARE(sim.now(), kEnd);
}

void TestSimulation::runDrainsQueue()
{
    Simulation sim;
    int count = 0;
    for (int i = 0; i < 100; ++i)
        sim.schedule(i % 7, [&] { ++count; });
    sim.run();
    QCOMPARE(count, 100);
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{100});
    QVERIFY(!sim.hasPendingEvents());
    QCOMPARE(sim.now(), SimTime{6});
}

void TestSimulation::stopFromInsideEvent()
{
    Simulation sim;
    Indices ran;
    for (int t = 1; t <= 5; ++t) {
        sim.schedule(t, [&, t] {
            ran.push_back(t);
            if (t == 3)
                sim.stop();
        });
    }
    sim.run();
    QCOMPARE(ran, (Indices{1, 2, 3}));
    QCOMPARE(sim.now(), SimTime{3});
    QVERIFY(sim.stopRequested());
    QCOMPARE(sim.pendingEvents(), std::size_t{2});

    sim.run(); // the stop request does not outlive the run it ended
    QCOMPARE(ran, (Indices{1, 2, 3, 4, 5}));
    QVERIFY(!sim.stopRequested());
    QCOMPARE(sim.eventsExecuted(), std::uint64_t{5});
}

void TestSimulation::stopInsideRunUntil()
{
    Simulation sim;
    Indices ran;
    sim.schedule(3, [&] {
        ran.push_back(3);
        sim.stop();
    });
    sim.schedule(3, [&] { ran.push_back(4); });
    sim.runUntil(10);
    QCOMPARE(ran, (Indices{3}));
    QCOMPARE(sim.now(), SimTime{3}); // not advanced to 10: the run was interrupted
    sim.runUntil(10);
    QCOMPARE(ran, (Indices{3, 4}));
    QCOMPARE(sim.now(), SimTime{10});
}

void TestSimulation::stepIgnoresStop()
{
    Simulation sim;
    int count = 0;
    sim.schedule(1, [&] {
        ++count;
        sim.stop();
    });
    sim.schedule(2, [&] { ++count; });
    QVERIFY(sim.step());
    QVERIFY(sim.step());
    QCOMPARE(count, 2);
    QVERIFY(!sim.step());
    QCOMPARE(sim.now(), SimTime{2});
}

void TestSimulation::moveOnlyCallback()
{
    Simulation sim;
    int seen = 0;
    auto owned = std::make_unique<int>(7);
    sim.schedule(1, [&seen, p = std::move(owned)] { seen = *p; });
    sim.run();
    QCOMPARE(seen, 7);
}

void TestSimulation::independentSimulationsInThreads()
{
    // No hidden shared state: concurrent runs equal a serial run of the same model.
    const Trace serial = runModel(2024);
    Trace a;
    Trace b;
    std::thread ta([&] { a = runModel(2024); });
    std::thread tb([&] { b = runModel(2024); });
    ta.join();
    tb.join();
    QCOMPARE(a, serial);
    QCOMPARE(b, serial);
    QVERIFY(runModel(2025) != serial);
}

QTEST_APPLESS_MAIN(TestSimulation)
#include "tst_simulation.moc"
