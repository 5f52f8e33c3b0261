// queue-scorer, kv-cache-utilization-scorer, load-aware-scorer, active-request-scorer and
// session-affinity-scorer against hand-computed values (llmd.md §1.6).

#include "routing_test_support.h"
#include "sim/routing/epp_load_scorers.h"

#include <QTest>

#include <cmath>
#include <vector>

using namespace kvroute::sim;
using namespace kvroute::sim::routing;
using namespace kvroute::sim::test;

Q_DECLARE_METATYPE(std::vector<int>)
Q_DECLARE_METATYPE(std::vector<double>)

namespace {

std::vector<double> scoreAll(EppScorer& scorer, const TestCluster& cluster, const std::vector<int>& candidates,
                             const WorkloadRequest& request, SimTime now = 0)
{
    std::vector<double> out(candidates.size(), 0.0);
    scorer.score(cluster.ctx(request, now), candidates, out);
    return out;
}

void compareScores(const std::vector<double>& actual, const std::vector<double>& expected)
{
    QCOMPARE(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        QVERIFY2(std::abs(actual[i] - expected[i]) < 1e-12,
                 qPrintable(QString("score %1: %2 != %3").arg(i).arg(actual[i]).arg(expected[i])));
}

} // namespace

class TestEppLoadScorers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void queueScorer_data()
    {
        QTest::addColumn<std::vector<int>>("waiting");
        QTest::addColumn<std::vector<int>>("candidates");
        QTest::addColumn<std::vector<double>>("expected");
        QTest::newRow("min-max") << std::vector<int>{0, 5, 10} << std::vector<int>{0, 1, 2}
                                 << std::vector<double>{1.0, 0.5, 0.0};
        QTest::newRow("uneven") << std::vector<int>{2, 3, 10, 6} << std::vector<int>{0, 1, 2, 3}
                                << std::vector<double>{1.0, 7.0 / 8, 0.0, 0.5};
        QTest::newRow("all equal") << std::vector<int>{3, 3, 3} << std::vector<int>{0, 1, 2}
                                   << std::vector<double>{1.0, 1.0, 1.0};
        QTest::newRow("over candidates only") << std::vector<int>{100, 4, 8} << std::vector<int>{1, 2}
                                              << std::vector<double>{1.0, 0.0};
    }

    void queueScorer()
    {
        QFETCH(std::vector<int>, waiting);
        QFETCH(std::vector<int>, candidates);
        QFETCH(std::vector<double>, expected);
        TestCluster cluster(static_cast<int>(waiting.size()));
        for (std::size_t i = 0; i < waiting.size(); ++i)
            cluster.metrics[i].numRequestsWaiting = waiting[i];
        QueueScorer scorer;
        compareScores(scoreAll(scorer, cluster, candidates, makeRequest(1)), expected);
    }

    void kvCacheUtilization()
    {
        TestCluster cluster(3);
        cluster.metrics[0].kvCacheUsage = 0.0;
        cluster.metrics[1].kvCacheUsage = 0.25;
        cluster.metrics[2].kvCacheUsage = 1.0;
        KvCacheUtilizationScorer scorer;
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(1)), {1.0, 0.75, 0.0});
    }

    void loadAware_data()
    {
        QTest::addColumn<int>("waiting");
        QTest::addColumn<int>("threshold");
        QTest::addColumn<double>("expected");
        QTest::newRow("empty queue") << 0 << 128 << 0.5;
        QTest::newRow("q=64") << 64 << 128 << 0.25;
        QTest::newRow("q=128") << 128 << 128 << 0.0;
        QTest::newRow("q=200 capped") << 200 << 128 << 0.0;
        QTest::newRow("q=1") << 1 << 128 << 0.5 * (1.0 - 1.0 / 128);
        QTest::newRow("threshold 10") << 5 << 10 << 0.25;
        QTest::newRow("threshold 0 -> 128") << 64 << 0 << 0.25;
    }

    void loadAware()
    {
        QFETCH(int, waiting);
        QFETCH(int, threshold);
        QFETCH(double, expected);
        TestCluster cluster(1);
        cluster.metrics[0].numRequestsWaiting = waiting;
        LoadAwareScorer scorer(threshold);
        compareScores(scoreAll(scorer, cluster, {0}, makeRequest(1)), {expected});
    }

    void activeRequestCounts()
    {
        TestCluster cluster(3);
        ActiveRequestScorer scorer(120 * kSecond);
        const auto r1 = makeRequest(1);
        const auto r2 = makeRequest(2);
        const auto r3 = makeRequest(3);
        const auto r4 = makeRequest(4);
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, r1), {1.0, 1.0, 1.0});
        scorer.onRouted(cluster.ctx(r1), 0);
        scorer.onRouted(cluster.ctx(r2), 0);
        scorer.onRouted(cluster.ctx(r3), 0);
        scorer.onRouted(cluster.ctx(r4), 1);
        // max = 3 over all pods: pod 0 (3) -> 0, pod 1 (1) -> 2/3, pod 2 (unknown) -> 1.
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(5)), {0.0, 2.0 / 3, 1.0});
        // maxCount is over all tracked pods, not just the candidates.
        compareScores(scoreAll(scorer, cluster, {1, 2}, makeRequest(5)), {2.0 / 3, 1.0});
        for (const auto* r : {&r1, &r2, &r3})
            scorer.onCompleted(*r, 0, kSecond);
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(5), kSecond), {1.0, 0.0, 1.0});
        scorer.onCompleted(r4, 1, kSecond);
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(5), kSecond), {1.0, 1.0, 1.0});
    }

    void activeRequestExpiresAtCleanupTicks()
    {
        // requestTimeout 2m; DeleteExpired runs every 2m (ticks at 120 s, 240 s, ...). A request
        // routed at 0 expires at 120 s and is dropped at the first tick after that: 240 s.
        TestCluster cluster(2);
        ActiveRequestScorer scorer(120 * kSecond);
        scorer.onRouted(cluster.ctx(makeRequest(1)), 0);
        scorer.onRouted(cluster.ctx(makeRequest(2), 60 * kSecond), 1);
        scorer.onRouted(cluster.ctx(makeRequest(3), 60 * kSecond), 1);
        compareScores(scoreAll(scorer, cluster, {0, 1}, makeRequest(9), 239 * kSecond), {0.5, 0.0});
        compareScores(scoreAll(scorer, cluster, {0, 1}, makeRequest(9), 240 * kSecond), {1.0, 1.0});
        QCOMPARE(scorer.count(0), 0);
        QCOMPARE(scorer.count(1), 0);
    }

    void sessionAffinity()
    {
        TestCluster cluster(3);
        SessionAffinityScorer scorer;
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(1, {}, 7)), {0.0, 0.0, 0.0});
        scorer.onRouted(cluster.ctx(makeRequest(1, {}, 7)), 2);
        // Routed but not answered: the client has no token yet.
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(2, {}, 7)), {0.0, 0.0, 0.0});
        scorer.onCompleted(makeRequest(1, {}, 7), 2, kSecond); // the response names pod 2
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(2, {}, 7)), {0.0, 0.0, 1.0});
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(3, {}, 8)), {0.0, 0.0, 0.0});
        scorer.onCompleted(makeRequest(2, {}, 7), 0, 2 * kSecond); // the next response names pod 0
        compareScores(scoreAll(scorer, cluster, {0, 1, 2}, makeRequest(4, {}, 7)), {1.0, 0.0, 0.0});
    }
};

QTEST_APPLESS_MAIN(TestEppLoadScorers)
#include "tst_epp_load_scorers.moc"
