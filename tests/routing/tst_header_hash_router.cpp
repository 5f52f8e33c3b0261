// Envoy ring hash on x-session-id. Ring sizes, ring keys and session -> pod assignments below
// were computed independently with tests/routing/xxh64_reference.py (a pure-Python XXH64 and
// Envoy's ring construction in Python floats).

#include "routing_test_support.h"
#include "sim/routing/ring_hash_router.h"
#include "sim/routing/routing_factory.h"

#include <QTest>

#include <array>
#include <set>

using namespace kvroute::sim;
using namespace kvroute::sim::test;

namespace {

std::vector<std::string> hostKeys(int n)
{
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i)
        keys.push_back("10.128.0." + std::to_string(10 + i) + ":8000");
    return keys;
}

std::unique_ptr<Router> make(int minimumRingSize, std::string header = "x-session-id")
{
    RoutingConfig config;
    config.policy = RoutingPolicy::HeaderHash;
    config.headerHash.minimumRingSize = minimumRingSize;
    config.headerHash.header = std::move(header);
    auto router = makeRouter(config, 1, 3);
    if (!router)
        qFatal("%s", router.error().toString().c_str());
    return std::move(*router);
}

} // namespace

class TestHeaderHashRouter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ringSize_data()
    {
        QTest::addColumn<int>("hosts");
        QTest::addColumn<int>("minimum");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("perHost");
        QTest::newRow("3 hosts, 1024") << 3 << 1024 << 1026 << 342;
        QTest::newRow("3 hosts, 4096 (demo)") << 3 << 4096 << 4098 << 1366;
        QTest::newRow("8 hosts, 1024") << 8 << 1024 << 1024 << 128;
        QTest::newRow("1 host, 1024") << 1 << 1024 << 1024 << 1024;
        QTest::newRow("7 hosts, 1000") << 7 << 1000 << 1001 << 143;
    }

    void ringSize()
    {
        QFETCH(int, hosts);
        QFETCH(int, minimum);
        QFETCH(int, size);
        QFETCH(int, perHost);
        const routing::HashRing ring(hostKeys(hosts), minimum);
        QCOMPARE(ring.size(), static_cast<std::size_t>(size));
        for (const std::size_t n : ring.entriesPerHost(static_cast<std::size_t>(hosts)))
            QCOMPARE(n, static_cast<std::size_t>(perHost));
    }

    void ringEntriesAreHostKeyUnderscoreIndex()
    {
        const routing::HashRing ring(hostKeys(3), 1024);
        // XXH64("10.128.0.10:8000_0") and XXH64("10.128.0.11:8000_341") are ring points of
        // hosts 0 and 1: a request hashing exactly there lands on them.
        QCOMPARE(ring.chooseHost(0xAE094EB5CB7A0CF0ULL), 0);
        QCOMPARE(ring.chooseHost(0x4ED3CD7FE0131F4CULL), 1);
        QCOMPARE(routing::HeaderHashRouter::headerHash("12345"), std::uint64_t{0xC6F2D2DD0AD64FB6ULL});
    }

    void sessionsMapLikeEnvoy()
    {
        // Sessions 0..9 and 12345 on the 3-pod, 1024 ring (Python reference).
        TestCluster cluster(3);
        auto router = make(1024);
        const std::array<int, 10> expected{0, 2, 0, 1, 0, 0, 2, 2, 2, 2};
        for (std::uint64_t s = 0; s < expected.size(); ++s)
            QCOMPARE(cluster.route(*router, makeRequest(s, {}, s)), expected[s]);
        QCOMPARE(cluster.route(*router, makeRequest(99, {}, 12345)), 0);
        QCOMPARE(cluster.route(*router, makeRequest(98, {}, 18446744073709551615ULL)), 2);
    }

    void sameSessionSamePodAlways()
    {
        TestCluster cluster(3);
        auto router = make(4096);
        for (std::uint64_t session = 100; session < 120; ++session) {
            const int first = cluster.route(*router, makeRequest(1, {}, session));
            for (int i = 0; i < 50; ++i) {
                cluster.inFlight[static_cast<std::size_t>(first)] = i; // load does not matter
                QCOMPARE(cluster.route(*router, makeRequest(2, {}, session), i * kSecond, 0x0A000001 + i), first);
            }
        }
    }

    void sessionsSpreadOverPods()
    {
        TestCluster cluster(3);
        auto router = make(1024);
        std::array<int, 3> counts{};
        for (std::uint64_t session = 1; session <= 1000; ++session)
            ++counts[static_cast<std::size_t>(cluster.route(*router, makeRequest(session, {}, session)))];
        for (const int c : counts)
            QVERIFY2(c > 250 && c < 420, qPrintable(QString::number(c)));
    }

    void missingHeaderHashesARandomPoint()
    {
        // A ring keyed on a header the requests do not carry: Envoy hashes a random number.
        TestCluster cluster(3);
        auto router = make(1024, "x-user-id");
        std::set<int> used;
        for (int i = 0; i < 200; ++i)
            used.insert(cluster.route(*router, makeRequest(1, {}, 7)));
        QCOMPARE(used.size(), std::size_t{3});
    }

    void rejectsRingSizesEnvoyRejects()
    {
        for (const int bad : {0, -1, 8388609}) {
            RoutingConfig config;
            config.policy = RoutingPolicy::HeaderHash;
            config.headerHash.minimumRingSize = bad;
            auto router = makeRouter(config, 1, 3);
            QVERIFY(!router);
            QCOMPARE(router.error().where, std::string("routing.headerHash.minimumRingSize"));
        }
    }
};

QTEST_APPLESS_MAIN(TestHeaderHashRouter)
#include "tst_header_hash_router.moc"
