// EventQueue: (time, FIFO) order, lazy cancellation, slot reuse, compaction. Expected orders are
// written by hand or produced by std::stable_sort, never by the queue itself.

#include <QTest>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include "sim/kernel/event_queue.h"
#include "sim/kernel/rng.h"

using kvroute::sim::EventId;
using kvroute::sim::EventQueue;
using kvroute::sim::Rng;
using kvroute::sim::SimTime;

using Times = std::vector<SimTime>;
using Indices = std::vector<int>;

Q_DECLARE_METATYPE(Times)
Q_DECLARE_METATYPE(Indices)

namespace {

// Pops everything, returning the tags the callbacks append to `ran`.
Indices drain(EventQueue& queue, Indices& ran)
{
    while (!queue.empty()) {
        EventQueue::Popped event = queue.pop();
        event.callback();
    }
    return ran;
}

// Reference order for pushes in index order: stable sort by time keeps insertion order on ties.
Indices stableOrder(const Times& times)
{
    Indices order(times.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return times[static_cast<std::size_t>(a)] < times[static_cast<std::size_t>(b)]; });
    return order;
}

} // namespace

class TestEventQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyQueue();
    void fifoAtEqualTimes_data();
    void fifoAtEqualTimes();
    void popReturnsTimeAndId();
    void cancelBeforePop();
    void cancelTwiceReturnsFalse();
    void cancelAfterPopReturnsFalse();
    void staleIdDoesNotCancelReusedSlot();
    void cancelTopUpdatesNextTime();
    void cancelReleasesCapturedState();
    void moveOnlyCallbacks();
    void compactionKeepsOrder();
    void clearDropsEverything();
    void randomizedAgainstReference();
};

void TestEventQueue::emptyQueue()
{
    EventQueue queue;
    QVERIFY(queue.empty());
    QCOMPARE(queue.size(), std::size_t{0});
    QVERIFY(!queue.cancel(EventId{}));
    QVERIFY(!queue.cancel(EventId{12345, 7}));
    QVERIFY(!EventId{}.isValid());
}

void TestEventQueue::fifoAtEqualTimes_data()
{
    QTest::addColumn<Times>("times");
    QTest::addColumn<Indices>("expected");

    QTest::newRow("single") << Times{7} << Indices{0};
    QTest::newRow("all equal") << Times{5, 5, 5, 5, 5} << Indices{0, 1, 2, 3, 4};
    QTest::newRow("interleaved") << Times{3, 1, 3, 1, 2} << Indices{1, 3, 4, 0, 2};
    QTest::newRow("descending") << Times{4, 3, 2, 1} << Indices{3, 2, 1, 0};
    QTest::newRow("negative and zero") << Times{0, -1, 0, -1} << Indices{1, 3, 0, 2};
    QTest::newRow("ascending pairs") << Times{1, 1, 2, 2, 3, 3} << Indices{0, 1, 2, 3, 4, 5};

    // Many ties in a heap large enough to have deep sift paths.
    Rng rng = Rng::stream(1, "tst_event_queue/ties");
    Times many(2000);
    for (SimTime& t : many)
        t = rng.uniformInt(0, 20);
    QTest::newRow("2000 events, 21 distinct times") << many << stableOrder(many);
}

void TestEventQueue::fifoAtEqualTimes()
{
    QFETCH(Times, times);
    QFETCH(Indices, expected);

    EventQueue queue;
    Indices ran;
    for (std::size_t i = 0; i < times.size(); ++i)
        queue.push(times[i], [&ran, i] { ran.push_back(static_cast<int>(i)); });
    QCOMPARE(queue.size(), times.size());
    QCOMPARE(drain(queue, ran), expected);
}

void TestEventQueue::popReturnsTimeAndId()
{
    EventQueue queue;
    const EventId late = queue.push(20, [] {});
    const EventId early = queue.push(10, [] {});
    QVERIFY(late.isValid() && early.isValid());
    QVERIFY(late != early);
    QCOMPARE(queue.nextTime(), SimTime{10});

    EventQueue::Popped first = queue.pop();
    QCOMPARE(first.time, SimTime{10});
    QVERIFY(first.id == early);
    EventQueue::Popped second = queue.pop();
    QCOMPARE(second.time, SimTime{20});
    QVERIFY(second.id == late);
    QVERIFY(queue.empty());
}

void TestEventQueue::cancelBeforePop()
{
    EventQueue queue;
    Indices ran;
    queue.push(1, [&] { ran.push_back(0); });
    const EventId b = queue.push(2, [&] { ran.push_back(1); });
    queue.push(3, [&] { ran.push_back(2); });

    QVERIFY(queue.cancel(b));
    QCOMPARE(queue.size(), std::size_t{2});
    QCOMPARE(drain(queue, ran), (Indices{0, 2}));
}

void TestEventQueue::cancelTwiceReturnsFalse()
{
    EventQueue queue;
    const EventId a = queue.push(1, [] {});
    queue.push(1, [] {});
    QVERIFY(queue.cancel(a));
    QVERIFY(!queue.cancel(a));
    QCOMPARE(queue.size(), std::size_t{1});
}

void TestEventQueue::cancelAfterPopReturnsFalse()
{
    EventQueue queue;
    const EventId a = queue.push(1, [] {});
    queue.push(2, [] {});
    EventQueue::Popped popped = queue.pop();
    QVERIFY(popped.id == a);
    QVERIFY(!queue.cancel(a));
    QCOMPARE(queue.size(), std::size_t{1});
}

void TestEventQueue::staleIdDoesNotCancelReusedSlot()
{
    EventQueue queue;
    const EventId a = queue.push(1, [] {});
    (void)queue.pop();
    bool ran = false;
    const EventId b = queue.push(2, [&] { ran = true; });
    QCOMPARE(b.slot, a.slot); // the slot really was reused, so the seq check is what protects b
    QVERIFY(b.seq != a.seq);

    QVERIFY(!queue.cancel(a));
    QCOMPARE(queue.size(), std::size_t{1});
    queue.pop().callback();
    QVERIFY(ran);
}

void TestEventQueue::cancelTopUpdatesNextTime()
{
    EventQueue queue;
    const EventId a = queue.push(1, [] {});
    const EventId b = queue.push(2, [] {});
    const EventId c = queue.push(2, [] {});
    QVERIFY(queue.cancel(a));
    QCOMPARE(queue.nextTime(), SimTime{2});
    QVERIFY(queue.cancel(b));
    QCOMPARE(queue.nextTime(), SimTime{2});
    QVERIFY(queue.pop().id == c);
    QVERIFY(queue.empty());
    QCOMPARE(queue.size(), std::size_t{0});
}

void TestEventQueue::cancelReleasesCapturedState()
{
    EventQueue queue;
    auto token = std::make_shared<int>(1);
    queue.push(1, [] {});
    const EventId id = queue.push(5, [token] { (void)*token; }); // not at the top
    QCOMPARE(token.use_count(), 2L);
    QVERIFY(queue.cancel(id));
    QCOMPARE(token.use_count(), 1L);
}

void TestEventQueue::moveOnlyCallbacks()
{
    EventQueue queue;
    int seen = 0;
    auto owned = std::make_unique<int>(42);
    queue.push(1, [&seen, p = std::move(owned)] { seen = *p; });
    queue.pop().callback();
    QCOMPARE(seen, 42);
}

void TestEventQueue::compactionKeepsOrder()
{
    // Cancelling 90% of a large queue triggers compaction; the survivors keep (time, seq) order.
    EventQueue queue;
    Rng rng = Rng::stream(2, "tst_event_queue/compaction");
    Times times(1000);
    std::vector<EventId> ids;
    Indices ran;
    for (std::size_t i = 0; i < times.size(); ++i) {
        times[i] = rng.uniformInt(0, 50);
        ids.push_back(queue.push(times[i], [&ran, i] { ran.push_back(static_cast<int>(i)); }));
    }
    Times survivorTimes;
    Indices survivorIndex;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i % 10 == 0) {
            survivorTimes.push_back(times[i]);
            survivorIndex.push_back(static_cast<int>(i));
        } else {
            QVERIFY(queue.cancel(ids[i]));
        }
    }
    QCOMPARE(queue.size(), std::size_t{100});

    Indices expected;
    for (int k : stableOrder(survivorTimes))
        expected.push_back(survivorIndex[static_cast<std::size_t>(k)]);
    QCOMPARE(drain(queue, ran), expected);
    for (const EventId& id : ids)
        QVERIFY(!queue.cancel(id));
}

void TestEventQueue::clearDropsEverything()
{
    EventQueue queue;
    const EventId a = queue.push(1, [] {});
    queue.push(2, [] {});
    queue.clear();
    QVERIFY(queue.empty());
    QVERIFY(!queue.cancel(a));
    queue.push(3, [] {});
    QCOMPARE(queue.size(), std::size_t{1});
    QCOMPARE(queue.nextTime(), SimTime{3});
}

void TestEventQueue::randomizedAgainstReference()
{
    // Random push / cancel / pop mix checked against an ordered map keyed by (time, push index).
    EventQueue queue;
    Rng rng = Rng::stream(3, "tst_event_queue/random");
    std::map<std::pair<SimTime, int>, EventId> reference;
    std::vector<std::pair<std::pair<SimTime, int>, EventId>> issued;
    int lastRun = -1;

    for (int op = 0; op < 20000; ++op) {
        const std::uint64_t kind = rng.uniformBelow(10);
        if (kind < 5) {
            const SimTime t = rng.uniformInt(0, 100);
            const int tag = static_cast<int>(issued.size());
            const EventId id = queue.push(t, [&lastRun, tag] { lastRun = tag; });
            reference.emplace(std::make_pair(t, tag), id);
            issued.emplace_back(std::make_pair(t, tag), id);
        } else if (kind < 8 && !issued.empty()) {
            const auto& [key, id] = issued[static_cast<std::size_t>(rng.uniformBelow(issued.size()))];
            const bool expected = reference.erase(key) == 1;
            QCOMPARE(queue.cancel(id), expected);
        } else if (!reference.empty()) {
            const auto first = reference.begin();
            EventQueue::Popped event = queue.pop();
            QCOMPARE(event.time, first->first.first);
            QVERIFY(event.id == first->second);
            event.callback();
            QCOMPARE(lastRun, first->first.second);
            reference.erase(first);
        }
        QCOMPARE(queue.size(), reference.size());
        if (!reference.empty())
            QCOMPARE(queue.nextTime(), reference.begin()->first.first);
    }
}

QTEST_APPLESS_MAIN(TestEventQueue)
#include "tst_event_queue.moc"
