// The desktop app as a person uses it: it opens on the default scenario and runs it, an edit
// re-runs and the figures move, a bad file is reported without losing the current state, a
// sweep reports progress and stops when cancelled, and the screenshot mode writes a PNG.

#include "app/gui/editor/scenario_editor.h"
#include "app/gui/main_window.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/overview_panel.h"
#include "app/gui/panels/stat_card.h"
#include "app/gui/sweep/sweep_panel.h"
#include "app/qtbridge/sweep_runner.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/sweep/sweep_records.h"

#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <fstream>

using namespace kvroute;
using namespace kvroute::app;

namespace {

RunOutcomePtr waitForResults(MainWindow& window, int timeoutMs = 60000)
{
    QSignalSpy spy(&window, &MainWindow::resultsShown);
    if (!spy.wait(timeoutMs))
        return nullptr;
    return spy.takeLast().at(0).value<RunOutcomePtr>();
}

} // namespace

class TestMainWindow final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    }

    void opensAndRunsDefault()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(window.openScenario(QStringLiteral("default")));
        const auto outcome = waitForResults(window);
        QVERIFY(outcome);
        QVERIFY(outcome->results.requestsCompleted > 1000);
        QCOMPARE(window.currentScenario().vllm.blockSize, 16);
        QVERIFY(window.errorText().isEmpty());
    }

    void blockSizeEditRerunsAndChangesFigures()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openScenario(QStringLiteral("default")));
        const auto before = waitForResults(window);
        QVERIFY(before);
        const QString headlineBefore = window.overviewPanel()->hitRateCard()->value();
        const auto seriesBefore = window.overviewPanel()->hitRateChart()->seriesPoints(0);

        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("128")));
        const auto after = waitForResults(window);
        QVERIFY(after);
        QCOMPARE(after->scenario.vllm.blockSize, 128);
        QVERIFY(after->generation > before->generation);
        QVERIFY2(after->results.hitRate < before->results.hitRate,
                 qPrintable(QStringLiteral("%1 vs %2").arg(after->results.hitRate).arg(before->results.hitRate)));
        QVERIFY(window.overviewPanel()->hitRateCard()->value() != headlineBefore);
        QVERIFY(window.overviewPanel()->hitRateChart()->seriesPoints(0) != seriesBefore);
        QVERIFY(window.lastEditToChartMs() >= 0);
        qInfo("edit-to-chart time: %lld ms (debounce included)", window.lastEditToChartMs());
    }

    void badScenarioFileKeepsState()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(waitForResults(window));
        const auto pods = window.currentScenario().cluster.pods;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("cluster:\n  pods: 9\n  gpus: 2\n");
        f.close();
        QVERIFY(!window.openScenario(path));
        QVERIFY2(window.errorText().contains(QStringLiteral("broken.yaml:3:3")), qPrintable(window.errorText()));
        QCOMPARE(window.currentScenario().cluster.pods, pods);
        QVERIFY(window.lastOutcome());
    }

    void sweepReportsProgressAndCancels()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("seed-cache-test")));
        QVERIFY(waitForResults(window));
        auto* sweep = window.sweepPanel();
        QSignalSpy progress(sweep->runner(), &SweepRunner::progress);
        QSignalSpy finished(sweep->runner(), &SweepRunner::sweepFinished);
        QVERIFY(sweep->startSweep(QStringLiteral("vllm.block_size"), QStringLiteral("8,16,32,64"), {}, {}, 1));
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), false);
        QVERIFY(progress.count() >= 2);
        QCOMPARE(progress.last().at(0).toInt(), 4);
        QCOMPARE(static_cast<int>(sweep->runner()->records().size()), 4);

        // A long sweep, cancelled at once, stops early.
        QVERIFY(sweep->startSweep(QStringLiteral("cluster.pods"), QStringLiteral("1:40:1"), {}, {}, 3));
        sweep->cancelSweep();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), true);
        QVERIFY(sweep->runner()->records().size() < 120);
    }

    // kvroute-gui --sweep-results: the side panel shows the built-in scenario the sweep varied,
    // unless a scenario was given; then the Sweep tab says it is not the sweep's. Editing the
    // swept key does not bring that note back (it did); editing another key does, naming it.
    void sweepResultsShowTheirScenario()
    {
        auto seedCache = sim::builtinScenario("seed-cache-test");
        QVERIFY(seedCache.has_value());
        sim::SweepRecord record;
        record.grid = sim::SweepGrid{{{"vllm.block_size", {"16"}}}, 1};
        record.gridId = sim::sweepGridId(*record.grid);
        record.assignments = {{"vllm.block_size", "16"}};
        record.key = "vllm.block_size=16;#0";
        record.base = sim::sweepBaseId(*seedCache);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sweep.jsonl"));
        std::ofstream(path.toStdString()) << sim::sweepRecordToJsonLine(record) << '\n';

        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(window.openSweepResults(path, false));
        QCOMPARE(window.currentScenario().name, std::string("default"));
        QVERIFY2(window.sweepPanel()->scenarioNoteText().contains(QStringLiteral("seed-cache-test")),
                 qPrintable(window.sweepPanel()->scenarioNoteText()));

        QVERIFY(window.openSweepResults(path, true));
        QCOMPARE(window.currentScenario().name, std::string("seed-cache-test"));
        QCOMPARE(sim::sweepBaseId(window.currentScenario()), record.base);
        QVERIFY(window.sweepPanel()->scenarioNoteText().isEmpty());
        QVERIFY(waitForResults(window));

        // Editing the swept key keeps it the sweep's scenario (every point sets that key) ...
        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("32")));
        QVERIFY2(window.sweepPanel()->scenarioNoteText().isEmpty(), qPrintable(window.sweepPanel()->scenarioNoteText()));
        // ... editing another key makes it another scenario again, and the note names the key.
        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.max_num_seqs"), QStringLiteral("64")));
        const QString note = window.sweepPanel()->scenarioNoteText();
        QVERIFY2(note.contains(QStringLiteral("vllm.max_num_seqs: %1 \u2192 64").arg(seedCache->vllm.maxNumSeqs)) &&
                     !note.contains(QStringLiteral("vllm.block_size")),
                 qPrintable(note));
        // The Scenario list shows seed-cache-test already: the note does not ask to pick it there.
        QVERIFY2(!note.contains(QStringLiteral("pick it in the Scenario list")), qPrintable(note));
    }

    void screenshotModeWritesPng()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        QProcess p;
        p.start(qEnvironmentVariable("KVROUTE_GUI_BIN"),
                {QStringLiteral("--screenshot"), png, QStringLiteral("--scenario"), QStringLiteral("seed-cache-test"),
                 QStringLiteral("--size"), QStringLiteral("1200x800")});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1200, 800));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
