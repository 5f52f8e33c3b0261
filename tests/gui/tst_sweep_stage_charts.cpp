// The Sweep tab's per-stage charts with hand-made records of a routing-profile sweep over a
// QPS ladder after a warm-up: one line per profile through the ladder's stages (the warm-up
// left out, repeats averaged stage by stage), nothing for records without stages, and a
// results file with stages opened in the Sweep tab shows them.

#include "app/gui/charts/line_chart.h"
#include "app/gui/sweep/sweep_panel.h"
#include "app/gui/sweep/sweep_stage_charts.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

using namespace kvroute;
using namespace kvroute::app;

namespace {

sim::SweepStageRecord stage(double rate, double ttftP90, double tokensPerS, std::int64_t completed = 10)
{
    sim::SweepStageRecord st;
    st.rate = rate;
    st.requests = 10;
    st.completed = completed;
    st.outputTokensPerS = tokensPerS;
    st.ttft.mean = ttftP90 / 2.0;
    st.ttft.p50 = ttftP90 / 2.0;
    st.ttft.p90 = ttftP90;
    return st;
}

sim::SweepRecord record(const char* profile, int repeat, std::vector<sim::SweepStageRecord> stages)
{
    sim::SweepRecord r;
    r.assignments = {{"routing.profile", profile}};
    r.repeat = repeat;
    r.key = std::string("routing.profile=") + profile + ";#" + std::to_string(repeat);
    r.stages = std::move(stages);
    return r;
}

const std::vector<sim::SweepParameter> kProfiles{{"routing.profile", {"precise", "random"}}};

/// Warm-up at 15, then 3, 10, 20 requests/s; random saturates at 20 (TTFT p90 60 s).
std::vector<sim::SweepRecord> profileSweep()
{
    return {record("precise", 0, {stage(15, 0.5, 900), stage(3, 0.2, 300), stage(10, 0.3, 1000), stage(20, 0.4, 2000)}),
            record("precise", 1, {stage(15, 0.5, 900), stage(3, 0.4, 500), stage(10, 0.5, 1000), stage(20, 0.6, 2200)}),
            record("random", 0, {stage(15, 9, 800), stage(3, 0.5, 290), stage(10, 2, 950), stage(20, 60, 1500, 0)})};
}

} // namespace

class TestSweepStageCharts final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void oneLinePerPointThroughTheLadder()
    {
        SweepStageCharts charts;
        QVERIFY(charts.setRecords(profileSweep(), kProfiles));
        const LineChart* ttft = charts.ttftChart();
        QCOMPARE(ttft->seriesCount(), 2);
        QCOMPARE(ttft->seriesName(0), QStringLiteral("precise"));
        QCOMPARE(ttft->seriesName(1), QStringLiteral("random"));
        // Repeats averaged stage by stage; the warm-up (15) is not on the ladder.
        QCOMPARE(ttft->seriesPoints(0), (QList<QPointF>{{3, 0.3}, {10, 0.4}, {20, 0.5}}));
        // A stage that answered nothing has no TTFT (its throughput, 1500, is still drawn).
        QCOMPARE(ttft->seriesPoints(1), (QList<QPointF>{{3, 0.5}, {10, 2.0}}));
        QCOMPARE(ttft->yLogBase(), 0); // 0.3 s to 2 s: within a decade
        const LineChart* throughput = charts.throughputChart();
        QCOMPARE(throughput->seriesPoints(0), (QList<QPointF>{{3, 400}, {10, 1000}, {20, 2100}}));
        QCOMPARE(throughput->seriesPoints(1), (QList<QPointF>{{3, 290}, {10, 950}, {20, 1500}}));
        QVERIFY(ttft->title().contains(QStringLiteral("routing.profile")));
        QVERIFY(charts.captionText().contains(QStringLiteral("3 stages, 3 to 20 requests/s")));
        QVERIFY(charts.captionText().contains(QStringLiteral("warm-up")));
    }

    void ttftAcrossDecadesUsesALogAxis()
    {
        auto records = profileSweep();
        records[2].stages[3].completed = 10; // random's 60 s stage now counts
        SweepStageCharts charts;
        QVERIFY(charts.setRecords(records, kProfiles));
        QCOMPARE(charts.ttftChart()->yLogBase(), 10);
        QCOMPARE(charts.ttftChart()->seriesPoints(1).last(), QPointF(20, 60));
    }

    void recordsWithoutStagesDrawNothing()
    {
        SweepStageCharts charts;
        QVERIFY(charts.setRecords(profileSweep(), kProfiles));
        auto records = profileSweep();
        for (auto& r : records)
            r.stages.clear();
        QVERIFY(!charts.setRecords(records, kProfiles));
        QVERIFY(charts.ttftChart()->noDataShown());
        QVERIFY(charts.throughputChart()->noDataShown());
    }

    void openedResultsWithStagesShowTheCharts()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profiles.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (auto r : profileSweep()) {
            r.grid = sim::SweepGrid{kProfiles, 2};
            r.gridId = sim::sweepGridId(*r.grid);
            file.write(QByteArray::fromStdString(sim::sweepRecordToJsonLine(r)) + '\n');
        }
        file.close();

        SweepPanel panel;
        panel.resize(1400, 900);
        panel.show();
        QVERIFY(!panel.stageCharts()->isVisibleTo(&panel));
        QVERIFY2(panel.loadResults(path), qPrintable(panel.statusText()));
        QVERIFY(panel.stageCharts()->isVisibleTo(&panel));
        QCOMPARE(panel.stageCharts()->ttftChart()->seriesCount(), 2);
        QCOMPARE(panel.stageCharts()->throughputChart()->seriesPoints(0).size(), 3);
    }
};

QTEST_MAIN(TestSweepStageCharts)
#include "tst_sweep_stage_charts.moc"
