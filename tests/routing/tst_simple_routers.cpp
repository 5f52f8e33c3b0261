// Round robin, random and Envoy least-request (N_CHOICES, choice_count 2).

#include "routing_test_support.h"
#include "sim/routing/routing_factory.h"
#include "sim/routing/simple_routers.h"

#include <QTest>

#include <array>
#include <cmath>

using namespace kvroute::sim;
using namespace kvroute::sim::test;

namespace {

std::unique_ptr<Router> make(RoutingPolicy policy, std::uint64_t seed, int pods)
{
    RoutingConfig config;
    config.policy = policy;
    auto router = makeRouter(config, seed, pods);
    if (!router)
        qFatal("%s", router.error().toString().c_str());
    return std::move(*router);
}

} // namespace

class TestSimpleRouters : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundRobinCyclesFromARandomStart()
    {
        TestCluster cluster(4);
        auto router = make(RoutingPolicy::RoundRobin, 7, 4);
        const auto request = makeRequest(1);
        const int first = cluster.route(*router, request);
        for (int i = 1; i < 12; ++i)
            QCOMPARE(cluster.route(*router, request), (first + i) % 4);
        // The start offset is drawn from the seed: some seed starts elsewhere.
        bool otherStart = false;
        for (std::uint64_t seed = 1; seed < 20 && !otherStart; ++seed) {
            auto other = make(RoutingPolicy::RoundRobin, seed, 4);
            otherStart = cluster.route(*other, request) != first;
        }
        QVERIFY(otherStart);
    }

    void randomIsUniformAndSeeded()
    {
        TestCluster cluster(4);
        auto a = make(RoutingPolicy::Random, 3, 4);
        auto b = make(RoutingPolicy::Random, 3, 4);
        std::array<int, 4> counts{};
        const auto request = makeRequest(1);
        for (int i = 0; i < 8000; ++i) {
            const int pod = cluster.route(*a, request);
            QCOMPARE(cluster.route(*b, request), pod);
            ++counts[static_cast<std::size_t>(pod)];
        }
        for (const int c : counts)
            QVERIFY2(c > 1800 && c < 2200, qPrintable(QString::number(c)));
    }

    void leastRequestPowerOfTwoChoicesWithReplacement()
    {
        // Two independent uniform draws (with replacement), the idle pod 1 wins whenever it is
        // drawn at least once: P = 1 - (3/4)^2 = 7/16; each busy pod 3/16.
        TestCluster cluster(4);
        cluster.inFlight = {5, 0, 5, 5};
        auto router = make(RoutingPolicy::LeastRequest, 11, 4);
        std::array<int, 4> counts{};
        const auto request = makeRequest(1);
        const int n = 32000;
        for (int i = 0; i < n; ++i)
            ++counts[static_cast<std::size_t>(router->pick(cluster.ctx(request)))];
        QVERIFY(std::abs(counts[1] / double(n) - 7.0 / 16) < 0.01);
        for (const int pod : {0, 2, 3})
            QVERIFY(std::abs(counts[static_cast<std::size_t>(pod)] / double(n) - 3.0 / 16) < 0.01);
    }

    void leastRequestTieKeepsTheFirstDraw()
    {
        // Replay the two draws with a copy of the stream: on a tie the first drawn host stays,
        // otherwise the one with strictly fewer active requests wins.
        std::array<std::int32_t, 3> inFlight{2, 2, 1};
        Rng rng = Rng::stream(5, "lr");
        for (int i = 0; i < 500; ++i) {
            Rng replay = rng;
            const auto a = static_cast<int>(replay.uniformBelow(3));
            const auto b = static_cast<int>(replay.uniformBelow(3));
            const int expected = inFlight[static_cast<std::size_t>(b)] < inFlight[static_cast<std::size_t>(a)] ? b : a;
            QCOMPARE(routing::pickLeastRequest(inFlight, 3, 2, rng), expected);
        }
    }
};

QTEST_APPLESS_MAIN(TestSimpleRouters)
#include "tst_simple_routers.moc"
