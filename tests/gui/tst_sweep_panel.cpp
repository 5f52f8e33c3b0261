// The Sweep tab's charts and table after a real (small, parallel) sweep: rows in grid order
// whatever order the runs finished in, a marker at every point, block size on a log2 axis, and
// TTFT in ms like the rest of the app. Writes kvroute-sweep.png to the temp folder to look at.

#include "app/gui/charts/line_chart.h"
#include "app/gui/sweep/sweep_panel.h"
#include "app/qtbridge/sweep_runner.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/sweep/sweep_merge.h"

#include <QtCore/QTemporaryDir>

#include <fstream>

#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QTableWidget>

#include <algorithm>
#include <cmath>

using namespace kvroute;
using namespace kvroute::app;

namespace {

sim::Scenario seedCacheTest()
{
    auto scenario = sim::builtinScenario("seed-cache-test");
    if (!scenario)
        qFatal("no seed-cache-test scenario: %s", scenario.error().toString().c_str());
    return *scenario;
}

/// A results file holding the first point of `grid` (one record), varied over the scenario with
/// fingerprint `base`.
QString writeFirstPoint(const QTemporaryDir& dir, const QString& name, const std::string& base, const sim::SweepGrid& grid)
{
    sim::SweepRecord record;
    record.grid = grid;
    record.gridId = sim::sweepGridId(grid);
    for (const auto& parameter : grid.parameters) {
        record.assignments.emplace_back(parameter.path, parameter.values.front());
        record.key += parameter.path + "=" + parameter.values.front() + ";";
    }
    record.key += "#0";
    record.base = base;
    const QString path = dir.filePath(name);
    std::ofstream(path.toStdString()) << sim::sweepRecordToJsonLine(record) << '\n';
    return path;
}

/// A one-record results file of a sweep of cluster.pods over the scenario with fingerprint `base`.
QString writeOneRecord(const QTemporaryDir& dir, const QString& name, const std::string& base)
{
    return writeFirstPoint(dir, name, base, sim::SweepGrid{{{"cluster.pods", {"1"}}}, 1});
}

QString cellText(const QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}

} // namespace

class TestSweepPanel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blockSizeSweepReadsInGridOrderOnLog2AxisInMs()
    {
        SweepPanel panel;
        panel.setBaseScenarioProvider([] { return seedCacheTest(); });
        QSignalSpy finished(panel.runner(), &SweepRunner::sweepFinished);
        QVERIFY(panel.startSweep(QStringLiteral("vllm.block_size"), QStringLiteral("64,8,32,16"),
                                 QStringLiteral("routing.policy"), QStringLiteral("round-robin,random"), 2));
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), false);

        // Table: 4 block sizes × 2 policies × 2 repeats, in the grid's order.
        const QTableWidget* table = panel.table();
        QCOMPARE(table->rowCount(), 16);
        QStringList order;
        for (int row = 0; row < table->rowCount(); ++row)
            order << cellText(table, row, 0) + QLatin1Char('/') + cellText(table, row, 1) + QLatin1Char('/') + cellText(table, row, 2);
        QStringList expected;
        for (const char* block : {"64", "8", "32", "16"})
            for (const char* policy : {"round-robin", "random"})
                for (const char* repeat : {"0", "1"})
                    expected << QStringLiteral("%1/%2/%3").arg(QLatin1String(block), QLatin1String(policy), QLatin1String(repeat));
        QCOMPARE(order, expected);
        QVERIFY(table->horizontalHeaderItem(6)->text() == QStringLiteral("TTFT p90 (ms)"));

        // Charts: markers, log2 x axis, TTFT in ms (the mean of the repeats' p90).
        for (const LineChart* chart : {panel.hitRateLineChart(), panel.ttftLineChart(), panel.throughputLineChart()}) {
            QVERIFY(chart->pointsVisible());
            QCOMPARE(chart->xLogBase(), 2);
            QCOMPARE(chart->seriesCount(), 2);
        }
        QVERIFY(panel.ttftLineChart()->yAxisTitle().contains(QStringLiteral("ms")));
        const LineChart* ttft = panel.ttftLineChart();
        const auto& records = panel.runner()->records();
        for (const QPointF& p : ttft->seriesPoints(0)) {
            double sum = 0.0;
            int n = 0;
            for (const auto& r : records) {
                if (r.assignments[0].second == std::to_string(static_cast<int>(p.x())) && r.assignments[1].second == "round-robin") {
                    sum += r.ttft.p90;
                    ++n;
                }
            }
            QCOMPARE(n, 2);
            QVERIFY2(std::abs(p.y() - 1000.0 * sum / n) < 1e-6 * std::max(1.0, p.y()), qPrintable(QString::number(p.y())));
        }
        QList<double> xs;
        for (const QPointF& p : ttft->seriesPoints(0))
            xs << p.x();
        QCOMPARE(xs, (QList<double>{8, 16, 32, 64})); // joined left to right, not in the order given
        const auto [xMin, xMax] = ttft->xRange();
        QVERIFY(xMin < 8.0 && xMin > 4.0);
        QVERIFY(xMax > 64.0 && xMax < 128.0);

        panel.resize(1300, 800);
        QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("kvroute-sweep.png")))); // for a human to look at
    }

    void loadsTheMergedResultsOfAShardedSweep()
    {
        // Two shards of a 3-key grid, run apart and merged as `sweep merge` does, then opened.
        const sim::Scenario base = seedCacheTest();
        const sim::SweepGrid grid{{{"vllm.block_size", {"16", "32"}}, {"routing.policy", {"round-robin", "random"}},
                                   {"cluster.pods", {"1", "2"}}},
                                  1};
        const auto points = sim::expandSweepGrid(grid.parameters, grid.repeats, base.seed);
        const std::string baseId = sim::sweepBaseId(base);
        std::vector<sim::SweepMergeInput> shards;
        for (int i = 0; i < 2; ++i) {
            sim::SweepMergeInput input{"shard-" + std::to_string(i), {}};
            sim::runSweep(base, sim::shardPoints(points, {i, 2}), 2, [&](const sim::SweepOutcome& outcome) {
                QVERIFY(outcome.results.has_value());
                input.file.records.push_back(sim::makeSweepRecord(outcome.point, *outcome.results, outcome.wallSeconds,
                                                                  baseId, grid, std::to_string(i) + "/2"));
            });
            shards.push_back(std::move(input));
        }
        auto merged = sim::mergeSweepRecords(shards);
        QVERIFY(merged.has_value());
        QVERIFY(merged->missing.empty());
        QTemporaryDir dir;
        const QString whole = dir.filePath(QStringLiteral("merged.jsonl"));
        const QString partial = dir.filePath(QStringLiteral("partial.jsonl"));
        {
            std::ofstream all(whole.toStdString());
            std::ofstream some(partial.toStdString());
            for (std::size_t i = 0; i < merged->records.size(); ++i) {
                all << sim::sweepRecordToJsonLine(merged->records[i]) << '\n';
                if (i != 3)
                    some << sim::sweepRecordToJsonLine(merged->records[i]) << '\n';
            }
        }

        SweepPanel panel;
        QVERIFY(panel.loadResults(whole));
        QCOMPARE(panel.table()->rowCount(), 8);
        QCOMPARE(cellText(panel.table(), 0, 0), QStringLiteral("16"));
        QCOMPARE(cellText(panel.table(), 7, 2), QStringLiteral("2"));
        QVERIFY2(panel.statusText().contains(QStringLiteral("averaged over the other keys")), qPrintable(panel.statusText()));
        // One line per policy over the block sizes, each point the mean over the pod counts.
        const LineChart* hit = panel.hitRateLineChart();
        QCOMPARE(hit->seriesCount(), 2);
        for (const QPointF& p : hit->seriesPoints(0)) {
            double sum = 0;
            int n = 0;
            for (const auto& r : merged->records)
                if (r.assignments[0].second == std::to_string(static_cast<int>(p.x())) && r.assignments[1].second == "round-robin") {
                    sum += 100.0 * r.hitRate;
                    ++n;
                }
            QCOMPARE(n, 2);
            QVERIFY(std::abs(p.y() - sum / n) < 1e-9);
        }

        QVERIFY(panel.loadResults(partial));
        QCOMPARE(panel.table()->rowCount(), 7);
        QVERIFY2(panel.statusText().contains(QStringLiteral("1 of the grid's 8 points are missing")), qPrintable(panel.statusText()));

        const QString broken = dir.filePath(QStringLiteral("broken.jsonl"));
        std::ofstream(broken.toStdString()) << "not json\n";
        QVERIFY(!panel.loadResults(broken));
        QVERIFY2(panel.statusText().contains(QStringLiteral("broken.jsonl:1")), qPrintable(panel.statusText()));
        QCOMPARE(panel.table()->rowCount(), 7); // what was shown stays

        // A path that is not there is said to be missing, not to hold no records.
        QVERIFY(!panel.loadResults(dir.filePath(QStringLiteral("absent.jsonl"))));
        QVERIFY2(panel.statusText().endsWith(QStringLiteral("absent.jsonl does not exist.")), qPrintable(panel.statusText()));
        QCOMPARE(panel.table()->rowCount(), 7);
    }

    // A results file records only a fingerprint of the scenario it varied (`base`): the panel
    // names the built-in it came from, or says that the side panel's scenario is not the sweep's.
    void notesWhenTheSidePanelShowsAnotherScenario()
    {
        const sim::Scenario seedCache = seedCacheTest();
        auto defaultScenario = sim::builtinScenario("default");
        QVERIFY(defaultScenario.has_value());
        sim::Scenario shown = *defaultScenario;
        SweepPanel panel;
        panel.setBaseScenarioProvider([&shown] { return shown; });
        QVERIFY(panel.resultsMatchScenario());
        QVERIFY(panel.scenarioNoteText().isEmpty());

        QTemporaryDir dir;
        QVERIFY(panel.loadResults(writeOneRecord(dir, QStringLiteral("builtin.jsonl"), sim::sweepBaseId(seedCache))));
        QCOMPARE(panel.resultsBuiltin(), QStringLiteral("seed-cache-test"));
        QVERIFY(!panel.resultsMatchScenario());
        QVERIFY2(panel.scenarioNoteText().contains(QStringLiteral("built-in scenario seed-cache-test")),
                 qPrintable(panel.scenarioNoteText()));
        shown = seedCache; // the side panel switches to it
        panel.refreshScenarioNote();
        QVERIFY(panel.resultsMatchScenario());
        QVERIFY(panel.scenarioNoteText().isEmpty());
        shown.vllm.blockSize = 32; // and is edited in a key the sweep did not vary
        panel.refreshScenarioNote();
        QVERIFY2(panel.scenarioNoteText().contains(QStringLiteral("vllm.block_size: 16 \u2192 32")),
                 qPrintable(panel.scenarioNoteText()));

        // A base no built-in has (a scenario file, or --set): only the fingerprint is known.
        const std::string editedBase = sim::sweepBaseId(shown);
        QVERIFY(panel.loadResults(writeOneRecord(dir, QStringLiteral("edited.jsonl"), editedBase)));
        QVERIFY(panel.resultsBuiltin().isEmpty());
        QVERIFY(panel.resultsMatchScenario());
        shown = seedCache;
        panel.refreshScenarioNote();
        const QString note = panel.scenarioNoteText();
        QVERIFY2(note.contains(QStringLiteral("matches no built-in scenario")) &&
                     note.contains(QString::fromStdString(editedBase)) &&
                     note.contains(QStringLiteral("vllm.block_size: 32 \u2192 16")),
                 qPrintable(note));

        // Records without a fingerprint cannot be matched at all.
        QVERIFY(panel.loadResults(writeOneRecord(dir, QStringLiteral("old.jsonl"), std::string())));
        QVERIFY(!panel.resultsMatchScenario());
        QVERIFY2(panel.scenarioNoteText().contains(QStringLiteral("do not record which scenario")),
                 qPrintable(panel.scenarioNoteText()));

        // A sweep run here varies the side panel's scenario: no note.
        QSignalSpy finished(panel.runner(), &SweepRunner::sweepFinished);
        QVERIFY(panel.startSweep(QStringLiteral("cluster.pods"), QStringLiteral("1"), {}, {}, 1));
        QVERIFY(panel.resultsMatchScenario());
        QVERIFY(panel.scenarioNoteText().isEmpty());
        QVERIFY(finished.wait(120000));
    }

    // Every point of a sweep sets its swept keys, so the side panel's own values of them are not
    // part of the scenario the results varied: editing one must not bring the note back (it
    // did). A key the sweep did not vary is a real difference, and the note names it.
    void editingASweptKeyKeepsTheNoteAway_data()
    {
        QTest::addColumn<bool>("builtinBase");
        QTest::newRow("base is a built-in scenario") << true;
        QTest::newRow("base matches no built-in") << false;
    }

    void editingASweptKeyKeepsTheNoteAway()
    {
        QFETCH(bool, builtinBase);
        sim::Scenario shown = seedCacheTest();
        if (!builtinBase)
            shown.vllm.blockSize = 32;
        const sim::Scenario varied = shown;
        SweepPanel panel;
        panel.setBaseScenarioProvider([&shown] { return shown; });
        QTemporaryDir dir;
        const sim::SweepGrid grid{{{"cluster.pods", {"1", "2"}}, {"routing.policy", {"round-robin", "random"}}}, 1};
        QVERIFY(panel.loadResults(writeFirstPoint(dir, QStringLiteral("grid.jsonl"), sim::sweepBaseId(varied), grid)));
        QCOMPARE(panel.resultsBuiltin().isEmpty(), !builtinBase);
        QVERIFY(panel.scenarioNoteText().isEmpty());

        // The swept keys, the first and the series key, edited one after the other.
        shown.cluster.pods = varied.cluster.pods + 3;
        panel.refreshScenarioNote();
        QVERIFY(panel.resultsMatchScenario());
        QVERIFY2(panel.scenarioNoteText().isEmpty(), qPrintable(panel.scenarioNoteText()));
        const bool wasRandom = sim::fieldValueText(shown, "routing.policy") == "random";
        QVERIFY(sim::setField(shown, "routing.policy", wasRandom ? "round-robin" : "random", "test").has_value());
        panel.refreshScenarioNote();
        QVERIFY(panel.resultsMatchScenario());
        QVERIFY2(panel.scenarioNoteText().isEmpty(), qPrintable(panel.scenarioNoteText()));

        // A key the sweep did not vary: the note says which, and not the swept ones.
        shown.vllm.maxNumSeqs = varied.vllm.maxNumSeqs / 2;
        panel.refreshScenarioNote();
        QVERIFY(!panel.resultsMatchScenario());
        const QString note = panel.scenarioNoteText();
        const QString expected = QStringLiteral("vllm.max_num_seqs: %1 \u2192 %2").arg(varied.vllm.maxNumSeqs).arg(shown.vllm.maxNumSeqs);
        QVERIFY2(note.contains(expected), qPrintable(note));
        QVERIFY2(!note.contains(QStringLiteral("cluster.pods")) && !note.contains(QStringLiteral("routing.policy")),
                 qPrintable(note));

        // Undone: resolved again, and the note goes.
        shown.vllm.maxNumSeqs = varied.vllm.maxNumSeqs;
        panel.refreshScenarioNote();
        QVERIFY(panel.resultsMatchScenario());
        QVERIFY(panel.scenarioNoteText().isEmpty());
    }

    // Export CSV: the points, and for a staged workload their stages in a second file beside it.
    void exportsPointsAndStagesCsv()
    {
        QTemporaryDir dir;
        const QString results = writeOneRecord(dir, QStringLiteral("unstaged.jsonl"), "0123456789abcdef");
        SweepPanel panel;
        QVERIFY(panel.loadResults(results));
        const QString csv = dir.filePath(QStringLiteral("sweep.csv"));
        const QString stagesCsv = dir.filePath(QStringLiteral("sweep-stages.csv"));
        QCOMPARE(SweepPanel::stagesCsvPath(csv), stagesCsv);
        QVERIFY(panel.exportCsv(csv));
        QVERIFY(QFile(csv).size() > 0);
        QVERIFY(!QFile::exists(stagesCsv)); // no stages, no stages file

        sim::SweepRecord record;
        record.grid = sim::SweepGrid{{{"cluster.pods", {"1", "2"}}}, 1};
        record.gridId = sim::sweepGridId(*record.grid);
        record.base = "0123456789abcdef";
        for (const char* pods : {"2", "1"}) {
            record.assignments = {{"cluster.pods", pods}};
            record.key = std::string("cluster.pods=") + pods + ";#0";
            record.stages = {sim::SweepStageRecord{3.0, 60, 60, 120.5, {}, 0.02},
                             sim::SweepStageRecord{6.0, 120, 118, 240.25, {}, 0.03}};
            std::ofstream(dir.filePath(QStringLiteral("staged.jsonl")).toStdString(), std::ios::app)
                << sim::sweepRecordToJsonLine(record) << '\n';
        }
        QVERIFY(panel.loadResults(dir.filePath(QStringLiteral("staged.jsonl"))));
        QVERIFY(panel.exportCsv(csv));
        QFile points(csv);
        QVERIFY(points.open(QIODevice::ReadOnly));
        QCOMPARE(points.readAll().count('\n'), 3);
        QFile stages(stagesCsv);
        QVERIFY(stages.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = stages.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 5); // header + 2 points × 2 stages, in grid order
        QVERIFY2(lines[0].startsWith("cluster.pods,repeat,seed,stage,rate,requests,completed,output_tokens_per_s"),
                 lines[0].constData());
        QVERIFY2(lines[1].startsWith("1,0,0,0,3,60,60,120.5,"), lines[1].constData());
        QVERIFY2(lines[4].startsWith("2,0,0,1,6,120,118,240.25,"), lines[4].constData());
    }

    void nonPowerOfTwoKeyStaysLinear()
    {
        SweepPanel panel;
        panel.setBaseScenarioProvider([] { return seedCacheTest(); });
        QSignalSpy finished(panel.runner(), &SweepRunner::sweepFinished);
        QVERIFY(panel.startSweep(QStringLiteral("cluster.pods"), QStringLiteral("1,2,3"), {}, {}, 1));
        QVERIFY(finished.wait(120000));
        QCOMPARE(panel.hitRateLineChart()->xLogBase(), 0);
        QCOMPARE(panel.hitRateLineChart()->seriesPoints(0).size(), 3);
    }

    // Each point's notes, as `kvroute run` prints them, are in the table (issue: sweeps dropped them).
    void notesOfEachPointAreShown()
    {
        SweepPanel panel;
        panel.setBaseScenarioProvider([] {
            auto s = seedCacheTest();
            s.routing.epp.profile = "precise"; // not read under kube-service: a note
            return s;
        });
        QSignalSpy finished(panel.runner(), &SweepRunner::sweepFinished);
        QVERIFY(panel.startSweep(QStringLiteral("cluster.pods"), QStringLiteral("1,2"), {}, {}, 1));
        QVERIFY(finished.wait(120000));
        const QTableWidget* table = panel.table();
        const int notesColumn = table->columnCount() - 1;
        QCOMPARE(table->horizontalHeaderItem(notesColumn)->text(), QStringLiteral("notes"));
        for (int row = 0; row < table->rowCount(); ++row) {
            QVERIFY2(cellText(table, row, notesColumn).contains(QStringLiteral("routing.profile is precise")),
                     qPrintable(cellText(table, row, notesColumn)));
            QVERIFY(table->item(row, notesColumn)->toolTip().startsWith(QStringLiteral("• ")));
        }
    }
};

QTEST_MAIN(TestSweepPanel)
#include "tst_sweep_panel.moc"
