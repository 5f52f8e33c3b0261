// The EPP scheduling cycle (llmd.md §1.1): filters, clamped scores summed with their weights
// (not normalised), picker; plus the factory's routers and their determinism.

#include "routing_test_support.h"
#include "sim/routing/epp_router.h"
#include "sim/routing/routing_factory.h"

#include <QTest>

#include <array>
#include <cmath>
#include <map>
#include <set>

using namespace kvroute::sim;
using namespace kvroute::sim::test;

namespace {

EppPluginConfig plugin(std::string type, double weight = 1.0, std::map<std::string, std::string> parameters = {})
{
    EppPluginConfig p;
    p.name = type;
    p.type = std::move(type);
    p.weight = weight;
    p.parameters = std::move(parameters);
    return p;
}

std::unique_ptr<Router> epp(std::vector<EppPluginConfig> plugins, int pods, std::uint64_t seed = 1)
{
    RoutingConfig config;
    config.policy = RoutingPolicy::Epp;
    config.epp.plugins = std::move(plugins);
    auto router = makeRouter(config, seed, pods);
    if (!router)
        qFatal("%s", router.error().toString().c_str());
    return std::move(*router);
}

} // namespace

class TestEppRouter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void weightedSumIsNotNormalised()
    {
        TestCluster cluster(3);
        cluster.metrics[0].numRequestsWaiting = 0;
        cluster.metrics[1].numRequestsWaiting = 4;
        cluster.metrics[2].numRequestsWaiting = 8;
        cluster.metrics[0].kvCacheUsage = 0.9;
        cluster.metrics[1].kvCacheUsage = 0.5;
        cluster.metrics[2].kvCacheUsage = 0.0;
        auto router = epp({plugin("queue-scorer", 2.0), plugin("kv-cache-utilization-scorer", 3.0)}, 3);
        const int pod = router->pick(cluster.ctx(makeRequest(1)));
        // queue: 1, 0.5, 0 (×2); kv: 0.1, 0.5, 1 (×3) -> 2.3, 2.5, 3.0
        const auto& scores = dynamic_cast<const routing::EppRouter&>(*router).lastScores();
        QCOMPARE(scores.size(), std::size_t{3});
        const std::array<double, 3> expected{2.0 + 3 * (1.0 - 0.9), 1.0 + 1.5, 3.0};
        for (const auto& s : scores)
            QVERIFY(std::abs(s.score - expected[static_cast<std::size_t>(s.pod)]) < 1e-12);
        QCOMPARE(pod, 2);
    }

    void scoresAreClampedToUnitRange()
    {
        // A scraped usage outside [0, 1] (a broken exporter) gives a kv score of 1.5 or -1:
        // enforceScoreRange clamps it before weighting.
        TestCluster cluster(2);
        cluster.metrics[0].kvCacheUsage = -0.5;
        cluster.metrics[1].kvCacheUsage = 2.0;
        auto router = epp({plugin("kv-cache-utilization-scorer", 4.0)}, 2);
        QCOMPARE(router->pick(cluster.ctx(makeRequest(1))), 0);
        const auto& scores = dynamic_cast<const routing::EppRouter&>(*router).lastScores();
        for (const auto& s : scores)
            QCOMPARE(s.score, s.pod == 0 ? 4.0 : 0.0);
    }

    void decodeFilterKeepsDecodeBothAndUnlabelled()
    {
        TestCluster cluster(4);
        cluster.pods[0].role = "decode";
        cluster.pods[1].role = "prefill";
        cluster.pods[2].role = "both";
        cluster.pods[3].role = "";
        auto router = epp({plugin("decode-filter"), plugin("random-picker")}, 4);
        std::set<int> used;
        for (int i = 0; i < 300; ++i)
            used.insert(cluster.route(*router, makeRequest(static_cast<RequestId>(i))));
        QCOMPARE(used, (std::set<int>{0, 2, 3}));

        auto prefill = epp({plugin("prefill-filter"), plugin("random-picker")}, 4);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(cluster.route(*prefill, makeRequest(static_cast<RequestId>(i))), 1);
    }

    void emptyFilterResultShortCircuits()
    {
        // prefill-filter removes every decode pod; the EPP fails the request (llmd.md §1.1).
        TestCluster cluster(3);
        auto router = epp({plugin("prefill-filter"), plugin("decode-filter"), plugin("queue-scorer")}, 3);
        for (int i = 0; i < 100; ++i)
            QCOMPARE(cluster.route(*router, makeRequest(static_cast<RequestId>(i))), kNoPod);
        QVERIFY(router->describe().find("100 requests found no pod after the filters and failed") != std::string::npos);
    }

    void approximateProfileLearnsFromItsDecisions()
    {
        // The built-in approximate profile: after the first request of a prompt, its prefix
        // score (1) outweighs nothing else, so the same prompt keeps going to the same pod.
        TestCluster cluster(4);
        RoutingConfig config;
        config.policy = RoutingPolicy::Epp;
        config.epp.profile = "approximate";
        auto made = makeRouter(config, 5, 4);
        QVERIFY(made);
        auto& router = **made;
        QVERIFY(!router.wantsKvEvents());
        const TokenVector prompt = tokenRange(300, 16 * 20);
        const int first = cluster.route(router, makeRequest(1, prompt));
        for (int i = 2; i < 30; ++i)
            QCOMPARE(cluster.route(router, makeRequest(static_cast<RequestId>(i), prompt)), first);
    }

    void preciseProfileFollowsKvEvents()
    {
        TestCluster cluster(4);
        RoutingConfig config;
        config.policy = RoutingPolicy::Epp;
        config.epp.profile = "precise";
        auto made = makeRouter(config, 5, 4);
        QVERIFY(made);
        auto& router = **made;
        QVERIFY(router.wantsKvEvents());
        QVERIFY(router.describe().find("precise-prefix-cache-scorer\xC3\x97"
                                       "3") != std::string::npos);
        // No events yet: the EPP knows nothing, load decides (all equal -> random).
        std::set<int> used;
        const TokenVector prompt = tokenRange(300, 64 * 5);
        for (int i = 0; i < 100; ++i)
            used.insert(router.pick(cluster.ctx(makeRequest(static_cast<RequestId>(i), prompt))));
        QVERIFY(used.size() > 1);
    }

    void activeRequestAndSessionAffinityGetCallbacks()
    {
        TestCluster cluster(2);
        auto router = epp({plugin("active-request-scorer"), plugin("session-affinity-scorer", 0.5)}, 2);
        const auto a = makeRequest(1, {}, 100);
        const int pa = cluster.route(*router, a);
        // Pod pa has 1 active request (score 0), the other scores 1 and wins despite the
        // session's affinity (0.5).
        const auto b = makeRequest(2, {}, 100);
        QCOMPARE(cluster.route(*router, b), 1 - pa);
        router->onCompleted(a, pa, kSecond);
        router->onCompleted(b, 1 - pa, kSecond);
        // Both idle: the session's last pod (1 - pa) wins on affinity.
        QCOMPARE(cluster.route(*router, makeRequest(3, {}, 100)), 1 - pa);
    }

    void everyPolicyIsDeterministicPerSeed()
    {
        TestCluster cluster(5);
        for (const RoutingPolicy policy : {RoutingPolicy::RoundRobin, RoutingPolicy::Random, RoutingPolicy::LeastRequest,
                                           RoutingPolicy::KubeService, RoutingPolicy::HeaderHash, RoutingPolicy::Epp}) {
            RoutingConfig config;
            config.policy = policy;
            auto a = makeRouter(config, 77, 5);
            auto b = makeRouter(config, 77, 5);
            QVERIFY(a && b);
            QVERIFY(!(*a)->describe().empty());
            for (int i = 0; i < 200; ++i) {
                const auto r = makeRequest(static_cast<RequestId>(i), tokenRange(static_cast<TokenId>(i % 7), 40),
                                           static_cast<std::uint64_t>(i % 13), 0x0A000000 + static_cast<Ipv4>(i % 17));
                QCOMPARE(cluster.route(**b, r, i * kSecond, r.clientIp), cluster.route(**a, r, i * kSecond, r.clientIp));
            }
        }
    }

    void factoryErrors()
    {
        RoutingConfig config;
        QVERIFY(!makeRouter(config, 1, 0));
        config.policy = RoutingPolicy::Epp;
        config.epp.profile = "nope";
        auto bad = makeRouter(config, 1, 3);
        QVERIFY(!bad);
        QCOMPARE(bad.error().where, std::string("routing.epp.profile"));
        config.epp.plugins = {plugin("queue-scorer", -1.0)};
        QVERIFY(!makeRouter(config, 1, 3));
        config.epp.plugins = {plugin("load-aware-scorer", 1.0, {{"threshold", "x"}})};
        auto badParam = makeRouter(config, 1, 3);
        QVERIFY(!badParam);
        QVERIFY(badParam.error().where.find("threshold") != std::string::npos);
        config.epp.plugins = {plugin("max-score-picker"), plugin("random-picker")};
        QVERIFY(!makeRouter(config, 1, 3));
    }
};

QTEST_APPLESS_MAIN(TestEppRouter)
#include "tst_epp_router.moc"
