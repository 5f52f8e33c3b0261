// The Pods tab with hand-made results: a pod nothing was routed to reads "n/a" for its hit rate
// (0 of 0 queries; the CLI prints n/a too) instead of a misleading 0.0 %, and the pod selector
// narrows the per-pod charts from all lines to one pod's, keeping the pick while the pods stay
// the same.

#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/pods_panel.h"

#include <QtTest/QtTest>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QTableWidget>

using namespace kvroute;
using namespace kvroute::app;

namespace {

/// `podCount` pods sampled at t = 1..4 s; pod 0 served everything, the others stayed idle.
RunOutcomePtr outcomeWithIdlePods(int podCount)
{
    auto outcome = std::make_shared<RunOutcome>();
    sim::RunResults& r = outcome->results;
    for (int i = 0; i < podCount; ++i) {
        sim::PodResult pod;
        pod.name = "decode-" + std::to_string(i);
        if (i == 0) {
            pod.requests = 10;
            pod.prefixCacheQueries = 1000;
            pod.prefixCacheHits = 250;
            pod.hitRate = 0.25;
        }
        r.pods.push_back(pod);
    }
    for (int t = 1; t <= 4; ++t) {
        sim::TimeSeriesPoint sample;
        sample.t = t;
        for (int i = 0; i < podCount; ++i) {
            sample.podHitRate.push_back(0.0);
            sample.podKvCacheUsage.push_back(i == 0 ? 0.1 * t : 0.0);
            sample.podWaiting.push_back(0);
            sample.podRunning.push_back(0);
        }
        r.timeseries.push_back(sample);
    }
    return outcome;
}

} // namespace

class TestPodsPanel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void idlePodHitRateIsNotApplicable()
    {
        PodsPanel panel;
        panel.showOutcome(outcomeWithIdlePods(3));
        QCOMPARE(panel.table()->item(0, PodsPanel::HitRate)->text(), QStringLiteral("25.0 %"));
        QCOMPARE(panel.table()->item(1, PodsPanel::HitRate)->text(), QStringLiteral("n/a"));
        QCOMPARE(panel.table()->item(2, PodsPanel::HitRate)->text(), QStringLiteral("n/a"));
        QVERIFY(!panel.table()->item(1, PodsPanel::HitRate)->toolTip().isEmpty());
    }

    void podSelectorNarrowsTheCharts()
    {
        PodsPanel panel;
        panel.showOutcome(outcomeWithIdlePods(8));
        QComboBox* selector = panel.podSelector();
        QCOMPARE(selector->count(), 9); // all + 8 pods
        QCOMPARE(selector->currentIndex(), 0);
        QCOMPARE(panel.kvUsageChart()->seriesCount(), 8);
        QVERIFY(panel.waitingChart()->noDataShown()); // nothing waited: a note, not 8 flat lines

        selector->setCurrentIndex(1 + 5);
        QCOMPARE(panel.kvUsageChart()->seriesCount(), 1);
        QCOMPARE(panel.kvUsageChart()->seriesName(0), QStringLiteral("decode-5"));
        const QColor podFiveColour = panel.kvUsageChart()->seriesColor(0);

        // A new run of the same pods keeps the pick and the pod's colour.
        panel.showOutcome(outcomeWithIdlePods(8));
        QCOMPARE(selector->currentIndex(), 6);
        QCOMPARE(panel.kvUsageChart()->seriesCount(), 1);
        QCOMPARE(panel.kvUsageChart()->seriesColor(0), podFiveColour);

        // Other pods: back to all.
        panel.showOutcome(outcomeWithIdlePods(2));
        QCOMPARE(selector->count(), 3);
        QCOMPARE(selector->currentIndex(), 0);
        QCOMPARE(panel.kvUsageChart()->seriesCount(), 2);

        selector->setCurrentIndex(1);
        QCOMPARE(panel.kvUsageChart()->seriesName(0), QStringLiteral("decode-0"));
        QCOMPARE(panel.kvUsageChart()->seriesPoints(0).size(), 4);
    }
};

QTEST_MAIN(TestPodsPanel)
#include "tst_pods_panel.moc"
