// kube-proxy (iptables) ClientIP session affinity: sticky while idle < timeoutSeconds, every
// request re-stamps the source, xt_recent's 100-source lists; the mesh and None variants.

#include "routing_test_support.h"
#include "sim/routing/kube_service_router.h"
#include "sim/routing/routing_factory.h"

#include <QTest>

#include <array>
#include <set>

using namespace kvroute::sim;
using namespace kvroute::sim::test;

namespace {

RoutingConfig serviceConfig(std::int32_t timeoutSeconds, bool affinity = true, bool mesh = false)
{
    RoutingConfig config;
    config.policy = RoutingPolicy::KubeService;
    config.kubeService.timeoutSeconds = timeoutSeconds;
    config.kubeService.clientIpAffinity = affinity;
    config.kubeService.meshBypassesAffinity = mesh;
    return config;
}

std::unique_ptr<Router> make(const RoutingConfig& config, int pods, std::uint64_t seed = 1)
{
    auto router = makeRouter(config, seed, pods);
    if (!router)
        qFatal("%s", router.error().toString().c_str());
    return std::move(*router);
}

constexpr Ipv4 kClientBase = 0x0A010000; // 10.1.0.0

} // namespace

class TestKubeServiceRouter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sticksWhileRequestsKeepComing()
    {
        // 100 requests 50 s apart with a 60 s timeout: the timer is refreshed by each request,
        // so the source never goes idle long enough, although the session lasts 5000 s.
        TestCluster cluster(3);
        auto router = make(serviceConfig(60), 3);
        for (Ipv4 client = kClientBase; client < kClientBase + 20; ++client) {
            const int first = cluster.route(*router, makeRequest(1), 0, client);
            for (int i = 1; i < 100; ++i)
                QCOMPARE(cluster.route(*router, makeRequest(1), i * 50 * kSecond, client), first);
        }
    }

    void repicksAfterIdleTimeout()
    {
        TestCluster cluster(3);
        routing::ClientIpAffinityRouter router(Rng::stream(9, "router"), 3, 60);
        int moved = 0;
        for (Ipv4 client = kClientBase; client < kClientBase + 300; ++client) {
            const int first = cluster.route(router, makeRequest(1), 0, client);
            // xt_recent --rcheck --seconds: a stamp counts unless time_after(now - 60 s, stamp),
            // so a source idle for exactly 60 s still sticks; one nanosecond more does not.
            QCOMPARE(router.stickyPod(client, 60 * kSecond), first);
            QCOMPARE(router.stickyPod(client, 60 * kSecond + 1), -1);
            const int second = cluster.route(router, makeRequest(2), 61 * kSecond, client);
            moved += second != first ? 1 : 0;
            QCOMPARE(router.stickyPod(client, 62 * kSecond), second);
        }
        // A fresh uniform pick lands elsewhere with probability 2/3: ~200 of 300.
        QVERIFY2(moved > 160 && moved < 240, qPrintable(QString::number(moved)));
    }

    void newSourcesSpreadUniformly()
    {
        TestCluster cluster(4);
        auto router = make(serviceConfig(10800), 4);
        std::array<int, 4> counts{};
        for (Ipv4 client = kClientBase; client < kClientBase + 4000; ++client)
            ++counts[static_cast<std::size_t>(cluster.route(*router, makeRequest(1), 0, client))];
        for (const int c : counts)
            QVERIFY2(c > 880 && c < 1120, qPrintable(QString::number(c)));
    }

    void gatewayAddressPinsEveryoneToOnePod()
    {
        // Behind a gateway/NAT every request shows the gateway's address (ctx.sourceIp).
        TestCluster cluster(3);
        auto router = make(serviceConfig(7200), 3);
        const Ipv4 gateway = 0x0A00FFFE;
        std::set<int> used;
        for (int i = 0; i < 1000; ++i)
            used.insert(cluster.route(*router, makeRequest(static_cast<RequestId>(i), {}, i, kClientBase + i),
                                      i * kSecond, gateway));
        QCOMPARE(used.size(), std::size_t{1});
    }

    void meshBypassSpreadsOneSource()
    {
        TestCluster cluster(3);
        auto router = make(serviceConfig(7200, true, true), 3);
        std::array<int, 3> counts{};
        for (int i = 0; i < 3000; ++i)
            ++counts[static_cast<std::size_t>(cluster.route(*router, makeRequest(1), i * kSecond, kClientBase))];
        for (const int c : counts)
            QVERIFY2(c > 850 && c < 1150, qPrintable(QString::number(c)));
        QVERIFY(router->describe().find("least-request") != std::string::npos);
    }

    void noAffinityIsRandomPerRequest()
    {
        TestCluster cluster(3);
        auto router = make(serviceConfig(7200, false), 3);
        std::array<int, 3> counts{};
        for (int i = 0; i < 3000; ++i)
            ++counts[static_cast<std::size_t>(cluster.route(*router, makeRequest(1), i * kSecond, kClientBase))];
        for (const int c : counts)
            QVERIFY2(c > 850 && c < 1150, qPrintable(QString::number(c)));
    }

    void xtRecentListHoldsOneHundredSources()
    {
        // One endpoint: all 101 sources are stamped in its list; the 101st evicts the least
        // recently stamped one (xt_recent ip_list_tot = 100), which loses its affinity.
        TestCluster cluster(1);
        routing::ClientIpAffinityRouter router(Rng::stream(1, "router"), 1, 3600);
        for (Ipv4 i = 0; i < 100; ++i)
            cluster.route(router, makeRequest(i), static_cast<SimTime>(i) * kSecond, kClientBase + i);
        // Re-stamp the oldest source so that source 1 becomes the least recent.
        cluster.route(router, makeRequest(500), 200 * kSecond, kClientBase);
        cluster.route(router, makeRequest(501), 201 * kSecond, kClientBase + 100);
        QCOMPARE(router.stickyPod(kClientBase, 202 * kSecond), 0);
        QCOMPARE(router.stickyPod(kClientBase + 1, 202 * kSecond), -1);
        QCOMPARE(router.stickyPod(kClientBase + 2, 202 * kSecond), 0);
        QCOMPARE(router.stickyPod(kClientBase + 100, 202 * kSecond), 0);
    }

    void rejectsTimeoutsKubernetesRejects()
    {
        for (const std::int32_t bad : {0, -5, 86401}) {
            auto router = makeRouter(serviceConfig(bad), 1, 3);
            QVERIFY(!router);
            QCOMPARE(router.error().where, std::string("routing.kubeService.timeoutSeconds"));
        }
        QVERIFY(makeRouter(serviceConfig(86400), 1, 3).has_value());
    }
};

QTEST_APPLESS_MAIN(TestKubeServiceRouter)
#include "tst_kube_service_router.moc"
