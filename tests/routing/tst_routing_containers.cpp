// The routers' flat hash map, LRU set and pod mask against std::map / a list-based LRU.

#include "sim/kernel/rng.h"
#include "sim/util/flat_map64.h"
#include "sim/routing/lru_set64.h"
#include "sim/routing/pod_mask.h"

#include <QTest>

#include <algorithm>
#include <list>
#include <map>

using namespace kvroute::sim;
using namespace kvroute::sim::routing;

class TestRoutingContainers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void flatMapMatchesStdMap()
    {
        // Small key range (with key 0) so inserts, hits, erases and long probe runs mix.
        Rng rng = Rng::stream(1, "flat-map");
        FlatMap64<std::uint64_t> map;
        std::map<std::uint64_t, std::uint64_t> reference;
        for (int i = 0; i < 200000; ++i) {
            const std::uint64_t key = rng.uniformBelow(3000) * (rng.bernoulli(0.5) ? 1 : 0x9E3779B97F4A7C15ULL);
            const auto op = rng.uniformBelow(10);
            if (op < 5) {
                map[key] = static_cast<std::uint64_t>(i);
                reference[key] = static_cast<std::uint64_t>(i);
            } else if (op < 8) {
                QCOMPARE(map.erase(key), reference.erase(key) == 1);
            } else {
                const std::uint64_t* found = map.find(key);
                const auto it = reference.find(key);
                QCOMPARE(found != nullptr, it != reference.end());
                if (found)
                    QCOMPARE(*found, it->second);
            }
            if (i % 50000 == 49999) {
                map.clear();
                reference.clear();
            }
            QCOMPARE(map.size(), reference.size());
        }
        for (const auto& [key, value] : reference)
            QCOMPARE(*map.find(key), value);
    }

    void lruSetMatchesAListLru()
    {
        Rng rng = Rng::stream(2, "lru");
        for (const std::size_t capacity : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{100}}) {
            LruSet64 lru(capacity);
            std::list<std::uint64_t> reference; // least recent first
            for (int i = 0; i < 20000; ++i) {
                const std::uint64_t key = rng.uniformBelow(capacity * 3);
                if (rng.bernoulli(0.1)) {
                    const auto it = std::ranges::find(reference, key);
                    QCOMPARE(lru.erase(key), it != reference.end());
                    if (it != reference.end())
                        reference.erase(it);
                    continue;
                }
                const auto touched = lru.touch(key);
                const auto it = std::ranges::find(reference, key);
                QCOMPARE(touched.inserted, it == reference.end());
                if (it != reference.end())
                    reference.erase(it);
                reference.push_back(key);
                std::optional<std::uint64_t> evicted;
                if (reference.size() > capacity) {
                    evicted = reference.front();
                    reference.pop_front();
                }
                QCOMPARE(touched.evicted, evicted);
                QCOMPARE(lru.size(), reference.size());
            }
            QCOMPARE(lru.keysOldestFirst(), (std::vector<std::uint64_t>(reference.begin(), reference.end())));
            QVERIFY(lru.queuedEntries() < 2 * capacity + 64);
        }
    }

    // A full set that keeps meeting new keys evicts on every touch; its recency queue must still
    // stay bounded (it once grew by one entry per touch for the whole run).
    void lruSetMemoryStaysBounded()
    {
        LruSet64 lru(100);
        for (std::uint64_t key = 1; key <= 100000; ++key) {
            (void)lru.touch(key);
            QVERIFY(lru.queuedEntries() < 2 * 100 + 64);
        }
        QCOMPARE(lru.size(), std::size_t{100});
        QCOMPARE(lru.keysOldestFirst().front(), std::uint64_t{100000 - 99});
    }

    void podMaskBeyondOneWord()
    {
        PodMask a;
        for (const int pod : {0, 5, 63, 64, 130})
            a.set(pod);
        QCOMPARE(a.count(), 5);
        QVERIFY(a.test(130) && a.test(64) && !a.test(65));
        PodMask b;
        b.set(5);
        b.set(130);
        PodMask both = a;
        both.intersect(b);
        QVERIFY(both == b);
        std::vector<int> rest;
        a.minus(b).forEach([&](int pod) { rest.push_back(pod); });
        QCOMPARE(rest, (std::vector<int>{0, 63, 64}));
        a.reset(130);
        a.reset(500); // absent word: no-op
        QCOMPARE(a.count(), 4);
        a.clear();
        QVERIFY(!a.any());
    }
};

QTEST_APPLESS_MAIN(TestRoutingContainers)
#include "tst_routing_containers.moc"
