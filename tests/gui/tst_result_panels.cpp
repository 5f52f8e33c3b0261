// The result panels and charts, fed by real simulated runs of the default scenario: headline
// figures, chart series and points, the pods table, baseline comparison, in-place updates,
// clearing, and PNG renders of each panel for a human to look at (/tmp/kvroute-*.png).

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/charts/nice_scale.h"
#include "app/gui/panels/compare_panel.h"
#include "app/gui/panels/overview_panel.h"
#include "app/gui/panels/pods_panel.h"
#include "app/gui/panels/result_format.h"
#include "app/gui/panels/scenario_diff.h"
#include "app/gui/panels/stat_card.h"
#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>

#include <algorithm>
#include <cmath>

using namespace kvroute;
using kvroute::app::RunOutcome;
using kvroute::app::RunOutcomePtr;

namespace {

RunOutcomePtr runDefault(const std::vector<std::string>& overrides, std::uint64_t generation)
{
    auto scenario = sim::builtinScenario("default");
    if (!scenario)
        qFatal("no default scenario: %s", scenario.error().toString().c_str());
    if (auto applied = sim::applyOverrides(*scenario, overrides); !applied)
        qFatal("bad overrides: %s", applied.error().toString().c_str());
    QElapsedTimer timer;
    timer.start();
    auto results = sim::runScenario(*scenario);
    if (!results)
        qFatal("run failed: %s", results.error().toString().c_str());
    auto outcome = std::make_shared<RunOutcome>();
    outcome->scenario = *scenario;
    outcome->results = std::move(*results);
    outcome->wallSeconds = static_cast<double>(timer.elapsed()) / 1000.0;
    outcome->generation = generation;
    return outcome;
}

// Expected texts are built here by hand from the numbers, not with the panels' formatter.
QString expectedPercent(double fraction)
{
    return QString::number(std::round(fraction * 1000.0) / 10.0, 'f', 1) + QStringLiteral(" %");
}

QString expectedSignedPoints(double fractionDelta)
{
    const double pp = std::round(fractionDelta * 1000.0) / 10.0;
    if (pp == 0.0)
        return QStringLiteral("\u00B10.0 pp");
    return (pp > 0 ? QStringLiteral("+") : QStringLiteral("\u2212")) + QString::number(std::abs(pp), 'f', 1) +
           QStringLiteral(" pp");
}

QString cellText(const QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}

QColor cellColor(const QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item && item->foreground().style() != Qt::NoBrush ? item->foreground().color() : QColor();
}

QString labelText(const QWidget* root, const char* name)
{
    const auto* label = root->findChild<QLabel*>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("<missing %1>").arg(QLatin1String(name));
}

int firstTokenIntervals(const sim::RunResults& r)
{
    int n = 0;
    for (const auto& p : r.timeseries)
        n += p.firstTokens > 0 ? 1 : 0;
    return n;
}

} // namespace

class TestResultPanels final : public QObject {
    Q_OBJECT

private:
    RunOutcomePtr m_block16;     // duration 30, block size 16
    RunOutcomePtr m_block32;     // the same with vllm.block_size=32
    RunOutcomePtr m_otherSeed;   // block size 16, seed 2: same shape, other numbers
    RunOutcomePtr m_full;        // the default scenario as shipped (240 s), for the images
    RunOutcomePtr m_fullBlock32; // ... with vllm.block_size=32

private Q_SLOTS:
    void initTestCase()
    {
        m_block16 = runDefault({"duration=30"}, 1);
        m_block32 = runDefault({"duration=30", "vllm.block_size=32"}, 2);
        m_otherSeed = runDefault({"duration=30", "seed=2"}, 3);
        m_full = runDefault({}, 4);
        m_fullBlock32 = runDefault({"vllm.block_size=32"}, 5);
        QVERIFY(m_block16->results.requestsCompleted > 0);
        QVERIFY(m_block16->results.timeseries.size() >= 30);
        QCOMPARE(m_block16->results.pods.size(), std::size_t{3});
    }

    void niceScale_data()
    {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<int>("ticks");
        QTest::addColumn<bool>("integers");
        QTest::addColumn<double>("min");
        QTest::addColumn<double>("max");
        QTest::addColumn<double>("step");
        QTest::addColumn<int>("decimals");
        // hit rates: (94.1 - 0) / 5 = 18.8 → step 20
        QTest::newRow("percent") << 0.0 << 94.1 << 5 << false << 0.0 << 100.0 << 20.0 << 0;
        // 361 s / 6 = 60.2 → 10^1 × 6.02 → step 100
        QTest::newRow("time") << 0.0 << 361.0 << 6 << false << 0.0 << 400.0 << 100.0 << 0;
        // 0.0087 / 5 = 0.00174 → 2 × 10^-3
        QTest::newRow("small") << 0.0 << 0.0087 << 5 << false << 0.0 << 0.01 << 0.002 << 3;
        // 11 / 5 = 2.2 → 2.5, but 2.5 is no step for counts → 5
        QTest::newRow("counts") << 0.0 << 11.0 << 5 << true << 0.0 << 15.0 << 5.0 << 0;
        QTest::newRow("counts below one") << 0.0 << 3.0 << 5 << true << 0.0 << 3.0 << 1.0 << 0;
        QTest::newRow("all zero") << 0.0 << 0.0 << 5 << false << 0.0 << 1.0 << 0.2 << 1;
        // 22 / 5 = 4.4 → step 5, 2.5 ms would need two decimals: 1.2 / 5 = 0.24 → 0.25
        QTest::newRow("quarter") << 0.0 << 1.2 << 5 << false << 0.0 << 1.25 << 0.25 << 2;
        QTest::newRow("offset") << 12.0 << 58.0 << 5 << false << 10.0 << 60.0 << 10.0 << 0;
        QTest::newRow("exact bound") << 0.0 << 100.0 << 5 << false << 0.0 << 100.0 << 20.0 << 0;
    }

    void niceScale()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(int, ticks);
        QFETCH(bool, integers);
        QFETCH(double, min);
        QFETCH(double, max);
        QFETCH(double, step);
        QFETCH(int, decimals);
        const auto scale = app::charts::niceScale(lo, hi, ticks, integers);
        QCOMPARE(scale.min, min);
        QVERIFY2(std::abs(scale.max - max) < 1e-12, qPrintable(QString::number(scale.max)));
        QVERIFY2(std::abs(scale.step - step) < 1e-12, qPrintable(QString::number(scale.step)));
        QCOMPARE(scale.decimals, decimals);
    }

    void formatting_data()
    {
        QTest::addColumn<QString>("actual");
        QTest::addColumn<QString>("expected");
        QTest::newRow("percent") << app::format::percent(0.941) << QStringLiteral("94.1 %");
        QTest::newRow("percent 0") << app::format::percent(0.0) << QStringLiteral("0.0 %");
        QTest::newRow("fine small") << app::format::finePercent(0.0004) << QStringLiteral("0.04 %");
        QTest::newRow("fine large") << app::format::finePercent(0.123) << QStringLiteral("12.3 %");
        QTest::newRow("sub-ms") << app::format::duration(0.00085) << QStringLiteral("0.85 ms");
        QTest::newRow("tens of ms") << app::format::duration(0.0453) << QStringLiteral("45.3 ms");
        QTest::newRow("hundreds of ms") << app::format::duration(0.1204) << QStringLiteral("120 ms");
        QTest::newRow("seconds") << app::format::duration(1.2449) << QStringLiteral("1.24 s");
        QTest::newRow("thousands") << app::format::number(3412.4) << QStringLiteral("3,412");
        QTest::newRow("count") << app::format::count(1234567) << QStringLiteral("1,234,567");
        QTest::newRow("pp down") << app::format::signedPoints(-0.023) << QStringLiteral("\u22122.3 pp");
        QTest::newRow("pp none") << app::format::signedPoints(0.00001) << QStringLiteral("\u00B10 pp");
        QTest::newRow("ms up") << app::format::signedDuration(0.012) << QStringLiteral("+12.0 ms");
        QTest::newRow("count up") << app::format::signedNumber(3.0) << QStringLiteral("+3");
        QTest::newRow("rate none") << app::format::signedNumber(0.001, 2) << QStringLiteral("\u00B10");
        QTest::newRow("relative") << app::format::relativeChange(200.0, 150.0) << QStringLiteral("\u221225.0 %");
        QTest::newRow("relative from 0") << app::format::relativeChange(0.0, 2.0) << QStringLiteral("\u2014");
    }

    void formatting()
    {
        QFETCH(QString, actual);
        QFETCH(QString, expected);
        QCOMPARE(actual, expected);
    }

    void shortPodNames_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("llm-d decode pods")
            << QStringList{QStringLiteral("llama-3-2-1b-decode-0"), QStringLiteral("llama-3-2-1b-decode-1"),
                           QStringLiteral("llama-3-2-1b-decode-10")}
            << QStringList{QStringLiteral("decode-0"), QStringLiteral("decode-1"), QStringLiteral("decode-10")};
        QTest::newRow("nothing to drop") << QStringList{QStringLiteral("pod-a"), QStringLiteral("pod-b")}
                                         << QStringList{QStringLiteral("pod-a"), QStringLiteral("pod-b")};
        QTest::newRow("one pod") << QStringList{QStringLiteral("a-b-c-0")} << QStringList{QStringLiteral("a-b-c-0")};
        QTest::newRow("no common part") << QStringList{QStringLiteral("x"), QStringLiteral("y")}
                                        << QStringList{QStringLiteral("x"), QStringLiteral("y")};
    }

    void shortPodNames()
    {
        QFETCH(QStringList, names);
        QFETCH(QStringList, expected);
        std::vector<sim::PodResult> pods;
        for (const QString& name : names)
            pods.push_back(sim::PodResult{.name = name.toStdString()});
        QCOMPARE(app::format::shortPodNames(pods), expected);
    }

    void podNameSuffixes()
    {
        std::vector<sim::PodResult> pods;
        for (const char* name : {"llama-3-2-1b-decode-0", "llama-3-2-1b-decode-1", "llama-3-2-1b-decode-10"})
            pods.push_back(sim::PodResult{.name = name});
        QString shared;
        QCOMPARE(app::format::podNameSuffixes(pods, &shared),
                 (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("10")}));
        QCOMPARE(shared, QStringLiteral("llama-3-2-1b-decode-"));
    }

    void lineChartKeepsSeriesObjects()
    {
        app::LineChart chart;
        QVERIFY(chart.noDataShown());
        chart.setSeries({{QStringLiteral("a"), {{0, 1}, {1, 2}}}, {QStringLiteral("b"), {{0, 3}}, true}});
        QCOMPARE(chart.seriesCount(), 2);
        QVERIFY(chart.legendVisible());
        QVERIFY(chart.seriesDashed(1));
        QVERIFY(!chart.noDataShown());
        const QObject* first = chart.seriesObject(0);
        chart.setSeries({{QStringLiteral("a"), {{0, 5}, {1, 6}, {2, 7}}},
                         {QStringLiteral("b"), {{0, 1}}},
                         {QStringLiteral("c"), {{0, 9}}}});
        QCOMPARE(chart.seriesCount(), 3);
        QCOMPARE(chart.seriesObject(0), first);
        QCOMPARE(chart.seriesPoints(0).size(), 3);
        QVERIFY(!chart.seriesDashed(1));
        // 0..9 → step 2 (9 / 5 = 1.8) → 0..10
        QCOMPARE(chart.yRange(), std::make_pair(0.0, 10.0));
        // Time ends with the data, not on the next round tick.
        QCOMPARE(chart.xRange(), std::make_pair(0.0, 2.0));
        chart.setSeries({{QStringLiteral("only"), {{0, 1}}}});
        QVERIFY(!chart.legendVisible());
        chart.clear();
        QCOMPARE(chart.seriesCount(), 0);
        QVERIFY(chart.noDataShown());
    }

    void barChartUpdatesInPlace()
    {
        app::BarChart chart;
        QVERIFY(chart.noDataShown());
        chart.setData({QStringLiteral("x"), QStringLiteral("y")}, {{QStringLiteral("s"), {1.0, 2.0}}});
        QVERIFY(!chart.legendVisible());
        const QObject* set = chart.setObject(0);
        chart.setData({QStringLiteral("x"), QStringLiteral("y")}, {{QStringLiteral("s"), {3.0, 4.0}}});
        QCOMPARE(chart.setObject(0), set);
        QCOMPARE(chart.setValues(0), (QList<qreal>{3.0, 4.0}));
        chart.setData({QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")},
                      {{QStringLiteral("s"), {1.0, 2.0, 3.0}}, {QStringLiteral("t"), {4.0}}});
        QCOMPARE(chart.setCount(), 2);
        QCOMPARE(chart.setValues(1), (QList<qreal>{4.0, 0.0, 0.0})); // missing values are zero
        QVERIFY(chart.legendVisible());
        chart.setOrientation(Qt::Horizontal);
        QCOMPARE(chart.setCount(), 2);
        QCOMPARE(chart.categories().size(), 3);
        chart.clear();
        QVERIFY(chart.noDataShown());
    }

    void overviewHeadlines()
    {
        app::OverviewPanel panel;
        const sim::RunResults& r = m_block16->results;
        panel.showOutcome(m_block16);
        QCOMPARE(labelText(&panel, "hitRateValue"), expectedPercent(r.hitRate));
        QCOMPARE(labelText(&panel, "stickinessValue"), expectedPercent(r.stickiness));
        QCOMPARE(labelText(&panel, "hitRateCaption"), QStringLiteral("prefix-cache hit rate"));
        QCOMPARE(labelText(&panel, "preemptionsValue"), QString::number(r.preemptions));
        // TTFT of a 1B model under light load is tens of ms.
        QVERIFY(r.ttft.p50 < 1.0);
        QCOMPARE(panel.ttftP50Card()->value().endsWith(QStringLiteral(" ms")), true);
        QVERIFY(panel.summaryText().contains(QString::fromStdString(r.router)));
        QVERIFY(panel.summaryText().contains(QString::number(r.capacity.numGpuBlocks).right(3)));
        // The default scenario asks for --no-enable-chunked-prefill, which vLLM ignores: a warning.
        QVERIFY(!r.warnings.empty());
        QVERIFY(panel.warningShown());
        QVERIFY(panel.warningText().contains(QString::fromStdString(r.warnings.front())));
    }

    void overviewCharts()
    {
        app::OverviewPanel panel;
        panel.resize(1100, 750);
        const sim::RunResults& r = m_block16->results;
        panel.showOutcome(m_block16);
        const auto samples = static_cast<qsizetype>(r.timeseries.size());

        const app::LineChart* hit = panel.hitRateChart();
        QCOMPARE(hit->seriesCount(), 2);
        const QList<QPointF> cumulative = hit->seriesPoints(1);
        QCOMPARE(cumulative.size(), samples);
        QCOMPARE(cumulative.back().x(), r.timeseries.back().t);
        QCOMPARE(cumulative.back().y(), r.timeseries.back().cumulativeHitRate * 100.0);
        // The interval line skips only idle intervals, and keeps every interval with first tokens.
        const QList<QPointF> interval = hit->seriesPoints(0);
        QVERIFY(interval.size() <= samples);
        QVERIFY(interval.size() >= firstTokenIntervals(r));
        for (const QPointF& p : interval)
            QVERIFY(p.y() >= 0.0 && p.y() <= 100.0);
        QCOMPARE(hit->yRange(), std::make_pair(0.0, 100.0));

        const app::BarChart* pods = panel.podChart();
        QCOMPARE(pods->setCount(), 2);
        QCOMPARE(pods->categories().size(), qsizetype(r.pods.size()));
        double shareSum = 0.0;
        for (std::size_t i = 0; i < r.pods.size(); ++i) {
            // Pods are "<model>-decode-<i>"; the axis keeps the distinguishing end.
            QCOMPARE(pods->categories()[qsizetype(i)], QStringLiteral("decode-%1").arg(i));
            QVERIFY(QString::fromStdString(r.pods[i].name).endsWith(pods->categories()[qsizetype(i)]));
            QCOMPARE(pods->setValues(0)[qsizetype(i)], r.pods[i].hitRate * 100.0);
            shareSum += pods->setValues(1)[qsizetype(i)];
        }
        QVERIFY(std::abs(shareSum - 100.0) < 1e-9);
        {
            // Too narrow for "decode-0": the axis names pods by their index.
            app::OverviewPanel narrow;
            narrow.resize(560, 700);
            narrow.showOutcome(m_block16);
            QCOMPARE(narrow.podChart()->categories(),
                     (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")}));
        }
        // Value labels print one decimal, trailing zeros included; hit rates first, then shares.
        const QStringList labels = pods->valueLabelTexts();
        QCOMPARE(labels.size(), 2 * qsizetype(r.pods.size()));
        QCOMPARE(labels[0], QString::number(std::round(r.pods[0].hitRate * 1000.0) / 10.0, 'f', 1));

        const app::BarChart* bars = panel.ttftPercentileChart();
        QCOMPARE(bars->setCount(), 1);
        QCOMPARE(bars->categories(), (QStringList{QStringLiteral("p50"), QStringLiteral("p90"), QStringLiteral("p99"),
                                                  QStringLiteral("mean")}));
        QCOMPARE(bars->setValues(0)[1], r.ttft.p90 * 1000.0); // in ms: p99 is under a second
        QVERIFY(r.ttft.p99 < 1.0);

        const app::LineChart* ttft = panel.ttftChart();
        QCOMPARE(ttft->seriesCount(), 2);
        QCOMPARE(ttft->seriesPoints(0).size(), firstTokenIntervals(r));
        QCOMPARE(ttft->seriesPoints(1).size(), firstTokenIntervals(r));
    }

    void podsTable()
    {
        app::PodsPanel panel;
        const sim::RunResults& r = m_block16->results;
        panel.showOutcome(m_block16);
        const QTableWidget* table = panel.table();
        QCOMPARE(table->rowCount(), int(r.pods.size()));
        QCOMPARE(table->columnCount(), int(app::PodsPanel::ColumnCount));
        std::int64_t total = 0;
        for (const auto& pod : r.pods)
            total += pod.requests;
        for (int row = 0; row < table->rowCount(); ++row) {
            const auto& pod = r.pods[std::size_t(row)];
            QCOMPARE(cellText(table, row, app::PodsPanel::Name), QString::fromStdString(pod.name));
            QCOMPARE(cellText(table, row, app::PodsPanel::Requests).remove(QLatin1Char(',')),
                     QString::number(pod.requests));
            QCOMPARE(cellText(table, row, app::PodsPanel::Share),
                     expectedPercent(double(pod.requests) / double(total)));
            QCOMPARE(cellText(table, row, app::PodsPanel::HitRate), expectedPercent(pod.hitRate));
            // KV usage below 1 % keeps two decimals (the default scenario's cache is large).
            const double maxKv = pod.maxKvCacheUsage * 100.0;
            QCOMPARE(cellText(table, row, app::PodsPanel::MaxKv),
                     QString::number(maxKv, 'f', maxKv < 0.995 ? 2 : 1) + QStringLiteral(" %"));
        }
        const auto samples = qsizetype(r.timeseries.size());
        // A queue that never held a request is a note ("No request waited"), not flat lines.
        bool anyWaited = false;
        for (const sim::TimeSeriesPoint& sample : r.timeseries)
            anyWaited = anyWaited || std::any_of(sample.podWaiting.begin(), sample.podWaiting.end(), [](int n) { return n > 0; });
        QCOMPARE(panel.waitingChart()->noDataShown(), !anyWaited);
        for (const app::LineChart* chart : {panel.kvUsageChart(), panel.waitingChart()}) {
            if (chart->noDataShown())
                continue;
            QCOMPARE(chart->seriesCount(), int(r.pods.size()));
            for (int i = 0; i < chart->seriesCount(); ++i)
                QCOMPARE(chart->seriesPoints(i).size(), samples);
        }
        const std::size_t mid = r.timeseries.size() / 2;
        QCOMPARE(panel.kvUsageChart()->seriesPoints(1)[qsizetype(mid)].y(),
                 r.timeseries[mid].podKvCacheUsage[1] * 100.0);
        if (anyWaited)
            QCOMPARE(panel.waitingChart()->seriesPoints(2)[qsizetype(mid)].y(), double(r.timeseries[mid].podWaiting[2]));
    }

    void compareBlockSize()
    {
        app::ComparePanel panel;
        QVERIFY(!panel.hasBaseline());
        panel.showOutcome(m_block32);
        QCOMPARE(panel.hitRateChart()->seriesCount(), 1);
        QCOMPARE(cellText(panel.table(), app::ComparePanel::HitRate, app::ComparePanel::Difference),
                 QStringLiteral("\u2014"));

        panel.setBaseline(m_block16);
        QVERIFY(panel.hasBaseline());
        const sim::RunResults& a = m_block16->results;
        const sim::RunResults& b = m_block32->results;
        const QTableWidget* table = panel.table();
        QCOMPARE(table->rowCount(), int(app::ComparePanel::RowCount));

        QCOMPARE(cellText(table, app::ComparePanel::HitRate, app::ComparePanel::Baseline), expectedPercent(a.hitRate));
        QCOMPARE(cellText(table, app::ComparePanel::HitRate, app::ComparePanel::Current), expectedPercent(b.hitRate));
        QVERIFY(a.hitRate != b.hitRate); // block size changes what a hit covers
        QCOMPARE(cellText(table, app::ComparePanel::HitRate, app::ComparePanel::Difference),
                 expectedSignedPoints(b.hitRate - a.hitRate));
        const double relative = (b.hitRate - a.hitRate) / a.hitRate * 100.0;
        QCOMPARE(cellText(table, app::ComparePanel::HitRate, app::ComparePanel::Relative),
                 (relative > 0 ? QStringLiteral("+") : QStringLiteral("\u2212")) +
                     QString::number(std::abs(relative), 'f', 1) + QStringLiteral(" %"));
        // Higher hit rate is better; lower TTFT is better.
        QCOMPARE(cellColor(table, app::ComparePanel::HitRate, app::ComparePanel::Difference),
                 b.hitRate > a.hitRate ? app::ComparePanel::betterColor() : app::ComparePanel::worseColor());
        QVERIFY(a.ttft.p90 != b.ttft.p90);
        QCOMPARE(cellColor(table, app::ComparePanel::TtftP90, app::ComparePanel::Difference),
                 b.ttft.p90 < a.ttft.p90 ? app::ComparePanel::betterColor() : app::ComparePanel::worseColor());
        if (a.preemptions == b.preemptions)
            QVERIFY(!cellColor(table, app::ComparePanel::Preemptions, app::ComparePanel::Difference).isValid());
        QVERIFY(!cellColor(table, app::ComparePanel::RequestsCompleted, app::ComparePanel::Difference).isValid());

        QCOMPARE(panel.differencesText(),
                 QStringLiteral("What differs from the baseline:\nvllm.block_size: 16 \u2192 32"));
        const auto differences = app::scenarioDifferences(m_block16->scenario, m_block32->scenario);
        QCOMPARE(differences.size(), std::size_t{1});

        for (const app::LineChart* chart : {panel.hitRateChart(), panel.ttftChart()}) {
            QCOMPARE(chart->seriesCount(), 2);
            QCOMPARE(chart->seriesName(0), QStringLiteral("current"));
            QVERIFY(!chart->seriesDashed(0));
            QCOMPARE(chart->seriesName(1), QStringLiteral("baseline"));
            QVERIFY(chart->seriesDashed(1)); // drawn last, over the current run
            QVERIFY(chart->legendVisible());
        }
        QCOMPARE(panel.ttftChart()->seriesPoints(1).size(), firstTokenIntervals(a));
        QCOMPARE(panel.ttftChart()->seriesPoints(0).size(), firstTokenIntervals(b));

        panel.clearBaseline();
        QVERIFY(!panel.hasBaseline());
        QCOMPARE(panel.hitRateChart()->seriesCount(), 1);
        QCOMPARE(cellText(table, app::ComparePanel::HitRate, app::ComparePanel::Baseline), QStringLiteral("\u2014"));
        QVERIFY(panel.differencesText().isEmpty());
    }

    void compareSameScenario()
    {
        app::ComparePanel panel;
        panel.setBaseline(m_block16);
        panel.showOutcome(m_block16);
        QCOMPARE(panel.differencesText(), QStringLiteral("Same scenario as the baseline."));
        for (int row = 0; row < app::ComparePanel::RowCount; ++row)
            QVERIFY(!cellColor(panel.table(), row, app::ComparePanel::Difference).isValid());
        QCOMPARE(cellText(panel.table(), app::ComparePanel::HitRate, app::ComparePanel::Difference),
                 QStringLiteral("\u00B10 pp"));
    }

    void secondOutcomeReplacesData()
    {
        app::OverviewPanel overview;
        app::PodsPanel pods;
        overview.showOutcome(m_block16);
        pods.showOutcome(m_block16);
        const QObject* hitSeries = overview.hitRateChart()->seriesObject(1);
        const QObject* ttftSeries = overview.ttftChart()->seriesObject(0);
        const QObject* podSet = overview.podChart()->setObject(0);
        const QObject* kvSeries = pods.kvUsageChart()->seriesObject(0);
        const QList<QPointF> before = overview.hitRateChart()->seriesPoints(1);
        const QList<QPointF> kvBefore = pods.kvUsageChart()->seriesPoints(0);

        overview.showOutcome(m_otherSeed);
        pods.showOutcome(m_otherSeed);
        QCOMPARE(overview.hitRateChart()->seriesObject(1), hitSeries);
        QCOMPARE(overview.ttftChart()->seriesObject(0), ttftSeries);
        QCOMPARE(overview.podChart()->setObject(0), podSet);
        QCOMPARE(pods.kvUsageChart()->seriesObject(0), kvSeries);
        const QList<QPointF> after = overview.hitRateChart()->seriesPoints(1);
        QVERIFY(after != before);
        QCOMPARE(after.size(), qsizetype(m_otherSeed->results.timeseries.size()));
        QCOMPARE(after.back().y(), m_otherSeed->results.timeseries.back().cumulativeHitRate * 100.0);
        QVERIFY(pods.kvUsageChart()->seriesPoints(0) != kvBefore);
        QCOMPARE(labelText(&overview, "hitRateValue"), expectedPercent(m_otherSeed->results.hitRate));
    }

    void clearEmpties()
    {
        app::OverviewPanel overview;
        app::PodsPanel pods;
        app::ComparePanel compare;
        overview.showOutcome(m_block16);
        pods.showOutcome(m_block16);
        compare.setBaseline(m_block16);
        compare.showOutcome(m_block32);

        overview.clear();
        QCOMPARE(labelText(&overview, "hitRateValue"), QStringLiteral("\u2014"));
        QCOMPARE(overview.hitRateChart()->seriesCount(), 0);
        QVERIFY(overview.hitRateChart()->noDataShown());
        QVERIFY(overview.podChart()->noDataShown());
        QVERIFY(overview.ttftPercentileChart()->noDataShown());
        QVERIFY(overview.ttftChart()->noDataShown());
        QVERIFY(!overview.warningShown());
        QVERIFY(!overview.outcome());

        pods.clear();
        QCOMPARE(pods.table()->rowCount(), 0);
        QCOMPARE(pods.kvUsageChart()->seriesCount(), 0);
        QVERIFY(pods.waitingChart()->noDataShown());

        compare.clear();
        QVERIFY(!compare.hasBaseline());
        QCOMPARE(compare.hitRateChart()->seriesCount(), 0);
        QCOMPARE(cellText(compare.table(), app::ComparePanel::HitRate, app::ComparePanel::Current),
                 QStringLiteral("\u2014"));
    }

    void renderAndTime()
    {
        // Realistic window size; the images are for looking at.
        app::OverviewPanel overview;
        app::PodsPanel pods;
        app::ComparePanel compare;
        compare.setBaseline(m_full);
        for (QWidget* w : std::initializer_list<QWidget*>{&overview, &pods, &compare}) {
            w->resize(1100, 750);
            w->show();
        }
        QVERIFY(QTest::qWaitForWindowExposed(&overview));

        // Warm up once, then time a redraw as the editor triggers it: data in, then paint.
        overview.showOutcome(m_full);
        pods.showOutcome(m_full);
        compare.showOutcome(m_fullBlock32);
        QCoreApplication::processEvents();
        QElapsedTimer timer;
        timer.start();
        for (const RunOutcomePtr& run : {m_fullBlock32, m_full}) {
            overview.showOutcome(run);
            pods.showOutcome(run);
            compare.showOutcome(run);
            (void)overview.grab();
            (void)pods.grab();
            (void)compare.grab();
        }
        const double perRedraw = double(timer.nsecsElapsed()) / 1e6 / 2.0;
        timer.restart();
        for (const RunOutcomePtr& run : {m_fullBlock32, m_full}) {
            overview.showOutcome(run);
            pods.showOutcome(run);
            compare.showOutcome(run);
        }
        const double perUpdate = double(timer.nsecsElapsed()) / 1e6 / 2.0;
        qInfo("three panels: %.1f ms per data update, %.1f ms with painting", perUpdate, perRedraw);
        // Reported, not asserted: timings belong to benchmarks (a sanitizer build takes ~180 ms).

        compare.showOutcome(m_fullBlock32);
        const QString dir = QDir::tempPath();
        QVERIFY(overview.grab().save(dir + QStringLiteral("/kvroute-overview.png")));
        QVERIFY(pods.grab().save(dir + QStringLiteral("/kvroute-pods.png")));
        QVERIFY(compare.grab().save(dir + QStringLiteral("/kvroute-compare.png")));

        // As small as the layout lets it get: charts at their minimum height, cards in two rows.
        overview.resize(overview.minimumSizeHint().expandedTo(QSize(640, 0)));
        QTest::qWait(20);
        QVERIFY(overview.grab().save(dir + QStringLiteral("/kvroute-overview-small.png")));

        // Eight pods: legends move to the right, bar labels still fit.
        const RunOutcomePtr eight = runDefault({"duration=60", "cluster.pods=8"}, 6);
        overview.resize(1100, 750);
        overview.showOutcome(eight);
        pods.showOutcome(eight);
        QTest::qWait(20);
        QVERIFY(overview.grab().save(dir + QStringLiteral("/kvroute-overview-8pods.png")));
        QVERIFY(pods.grab().save(dir + QStringLiteral("/kvroute-pods-8pods.png")));
        QCOMPARE(pods.table()->rowCount(), 8);
        QCOMPARE(pods.kvUsageChart()->seriesCount(), 8);

        // The horizontal bar layout, which no panel uses yet.
        app::BarChart bars;
        bars.setTitle(QStringLiteral("Per pod (horizontal)"));
        bars.setAxisTitles(QStringLiteral("pod"), QStringLiteral("%"));
        bars.setOrientation(Qt::Horizontal);
        bars.setValueRange(0.0, 100.0);
        bars.setValueLabelsVisible(true, 1);
        bars.setData({QStringLiteral("decode-0"), QStringLiteral("decode-1"), QStringLiteral("decode-2")},
                     {{QStringLiteral("hit rate"), {88.9, 89.1, 99.5}}, {QStringLiteral("share"), {34.0, 31.9, 34.1}}});
        bars.resize(520, 300);
        bars.show();
        QTest::qWait(20);
        QVERIFY(bars.renderToPixmap().save(dir + QStringLiteral("/kvroute-bars-horizontal.png")));
        overview.clear();
        QVERIFY(overview.grab().save(dir + QStringLiteral("/kvroute-overview-empty.png")));
    }
};

QTEST_MAIN(TestResultPanels)
#include "tst_result_panels.moc"
