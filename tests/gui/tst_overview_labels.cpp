// What the result charts write, as a new user read it: a pod never queried has no hit rate
// (no bar, "n/a", as the Pods table and the CLI say, not "0.0"); the TTFT bars speak the cards'
// units ("71.2 ms", not "0.1" s); on llmd-shared-prefix at the default size no summary line is
// cut short and the pods' axis title does not end in an ellipsis; a queue-depth chart flat at 0
// says that no request waited.

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/main_window.h"
#include "app/gui/panels/overview_panel.h"
#include "app/gui/panels/pods_panel.h"
#include "app/gui/panels/stat_card.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>

#include <cmath>

using namespace kvroute;
using namespace kvroute::app;

namespace {

/// Three pods sampled at t = 1..4 s: pod 0 served every request, pods 1 and 2 stayed idle and
/// nothing ever waited.
RunOutcomePtr outcomeWithIdlePods()
{
    auto outcome = std::make_shared<RunOutcome>();
    outcome->scenario.name = "idle-pods";
    sim::RunResults& r = outcome->results;
    for (int i = 0; i < 3; ++i) {
        sim::PodResult pod;
        pod.name = "decode-" + std::to_string(i);
        if (i == 0) {
            pod.requests = 100;
            pod.prefixCacheQueries = 1000;
            pod.prefixCacheHits = 250;
            pod.hitRate = 0.25;
        }
        r.pods.push_back(pod);
    }
    r.requestsCompleted = 100;
    r.ttft.count = 100;
    r.ttft.p50 = 0.0712;
    r.ttft.p90 = 0.232;
    r.ttft.p99 = 25.2;
    r.ttft.mean = 0.54;
    for (int t = 1; t <= 4; ++t) {
        sim::TimeSeriesPoint sample;
        sample.t = t;
        for (int i = 0; i < 3; ++i) {
            sample.podHitRate.push_back(0.0);
            sample.podKvCacheUsage.push_back(i == 0 ? 0.1 * t : 0.0);
            sample.podWaiting.push_back(0);
            sample.podRunning.push_back(0);
        }
        r.timeseries.push_back(sample);
    }
    return outcome;
}

QStringList chartTexts(const QWidget& chart)
{
    QStringList texts;
    const auto labels = chart.findChildren<QLabel*>();
    for (const QLabel* label : labels) {
        if (!label->isHidden())
            texts.append(label->text());
    }
    return texts;
}

} // namespace

class TestOverviewLabels final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_overview_labels"));
    }

    // With requests refused, the summary says completed of sent (a new user read "38 requests"
    // for a run that sent 100 and had 62 refused).
    void summaryCountsCompletedOfSent()
    {
        OverviewPanel panel;
        panel.resize(1100, 700);
        auto outcome = std::make_shared<RunOutcome>(*outcomeWithIdlePods());
        outcome->results.requestsSubmitted = 100;
        outcome->results.requestsCompleted = 38;
        outcome->results.requestsRejected = 62;
        panel.showOutcome(outcome);
        QVERIFY2(panel.summaryText().contains(QStringLiteral("38 of 100 requests completed")), qPrintable(panel.summaryText()));
        auto all = std::make_shared<RunOutcome>(*outcomeWithIdlePods());
        all->results.requestsSubmitted = 100;
        panel.showOutcome(all);
        QVERIFY2(panel.summaryText().contains(QStringLiteral("100 requests, ")), qPrintable(panel.summaryText()));
    }

    void idlePodHasNoHitRateBar()
    {
        OverviewPanel panel;
        panel.resize(1100, 700);
        panel.show();
        panel.showOutcome(outcomeWithIdlePods());
        BarChart* pods = panel.podChart();
        QCOMPARE(pods->setName(0), QStringLiteral("hit rate"));
        const QList<qreal> hitRates = pods->setValues(0);
        QCOMPARE(hitRates.at(0), 25.0);
        QCOMPARE(hitRates.at(1), 0.0); // no bar
        const QStringList labels = pods->valueLabelTexts();
        QCOMPARE(labels.mid(0, 3), (QStringList{QStringLiteral("25.0"), QStringLiteral("n/a"), QStringLiteral("n/a")}));
        // The request share is a number for every pod, idle ones included.
        QCOMPARE(labels.at(4), QStringLiteral("0.0"));
    }

    void ttftBarsUseTheCardsUnits()
    {
        OverviewPanel panel;
        panel.resize(1100, 700);
        panel.show();
        panel.showOutcome(outcomeWithIdlePods());
        QCOMPARE(panel.ttftP50Card()->value(), QStringLiteral("71.2 ms"));
        BarChart* bars = panel.ttftPercentileChart();
        QCOMPARE(bars->valueTitle(), QStringLiteral("TTFT (ms)"));
        QCOMPARE(bars->valueLabelTexts().at(0), panel.ttftP50Card()->value());
        QCOMPARE(bars->valueLabelTexts().at(1), panel.ttftP90Card()->value());
        QCOMPARE(bars->valueLabelTexts().at(2), QStringLiteral("25.2 s"));
        QCOMPARE(bars->setValues(0).at(0), 71.2);
    }

    void flatQueueSaysNoRequestWaited()
    {
        PodsPanel panel;
        panel.resize(1100, 700);
        panel.show();
        panel.showOutcome(outcomeWithIdlePods());
        QVERIFY(panel.waitingChart()->noDataShown());
        QVERIFY2(chartTexts(*panel.waitingChart()).join(QLatin1Char('|')).contains(QStringLiteral("No request waited")),
                 qPrintable(chartTexts(*panel.waitingChart()).join(QLatin1Char('|'))));
        QVERIFY(!panel.kvUsageChart()->noDataShown());
    }

    void llmdSharedPrefixFitsTheDefaultSize()
    {
        MainWindow window;
        window.resize(1400, 900); // the screenshot mode's default size
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QVERIFY(window.openScenario(QStringLiteral("llmd-shared-prefix")));
        QVERIFY(shown.wait(180000));
        QTest::qWait(100);
        OverviewPanel* overview = window.overviewPanel();
        QVERIFY2(!overview->summaryElided(), qPrintable(overview->summaryText()));
        const QString podAxis = overview->podChart()->categoryTitle();
        QVERIFY2(podAxis.contains(QStringLiteral("qwen3-32b-decode-")), qPrintable(podAxis));
        QVERIFY2(!podAxis.endsWith(QChar(0x2026)), qPrintable(podAxis));
    }
};

QTEST_MAIN(TestOverviewLabels)
#include "tst_overview_labels.moc"
