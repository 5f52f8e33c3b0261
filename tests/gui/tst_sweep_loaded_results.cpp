// A results file opened in the Sweep tab, as a new user read it. The Vary and Series rows show
// the grid of the file (its keys, values and repeats: Run sweep would run it again) instead of
// whatever they held before, and nothing runs. The note over a file from another scenario asks
// to pick the sweep's built-in scenario in the Scenario list only when the list shows another
// one: with the list already on it, the side panel's edits are what differs, and the note says so.

#include "app/gui/sweep/sweep_panel.h"
#include "app/qtbridge/sweep_runner.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/sweep/sweep_records.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTableWidget>

#include <fstream>

using namespace kvroute;
using namespace kvroute::app;

namespace {

sim::Scenario builtin(const char* name)
{
    auto scenario = sim::builtinScenario(name);
    if (!scenario)
        qFatal("no %s scenario: %s", name, scenario.error().toString().c_str());
    return *scenario;
}

sim::SweepRecord record(const std::vector<std::pair<std::string, std::string>>& assignments, const std::string& base)
{
    sim::SweepRecord r;
    r.assignments = assignments;
    for (const auto& [key, value] : assignments)
        r.key += key + "=" + value + ";";
    r.key += "#0";
    r.base = base;
    return r;
}

QString writeRecords(const QTemporaryDir& dir, const QString& name, const std::vector<sim::SweepRecord>& records)
{
    const QString path = dir.filePath(name);
    std::ofstream out(path.toStdString());
    for (const auto& r : records)
        out << sim::sweepRecordToJsonLine(r) << '\n';
    return path;
}

/// The first point of `grid` over the scenario with fingerprint `base`, as `kvroute sweep --out` writes it.
QString writeFirstPoint(const QTemporaryDir& dir, const QString& name, const std::string& base, const sim::SweepGrid& grid)
{
    std::vector<std::pair<std::string, std::string>> assignments;
    for (const auto& parameter : grid.parameters)
        assignments.emplace_back(parameter.path, parameter.values.front());
    sim::SweepRecord r = record(assignments, base);
    r.grid = grid;
    r.gridId = sim::sweepGridId(grid);
    return writeRecords(dir, name, {r});
}

template <typename T>
T* control(const SweepPanel& panel, const char* name)
{
    T* widget = panel.findChild<T*>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no %s in the Sweep tab", name);
    return widget;
}

} // namespace

class TestSweepLoadedResults final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void controlsShowTheLoadedGrid()
    {
        const sim::Scenario seedCache = builtin("seed-cache-test");
        sim::Scenario shown = seedCache;
        SweepPanel panel;
        panel.setBaseScenarioProvider([&shown] { return shown; });
        auto* parameter = control<QComboBox>(panel, "sweepParameter");
        auto* values = control<QLineEdit>(panel, "sweepValues");
        auto* seriesParameter = control<QComboBox>(panel, "sweepSeriesParameter");
        auto* seriesValues = control<QLineEdit>(panel, "sweepSeriesValues");
        auto* repeats = control<QSpinBox>(panel, "sweepRepeats");
        QCOMPARE(parameter->currentText(), QStringLiteral("vllm.block_size")); // the tab's default
        QCOMPARE(seriesParameter->currentIndex(), 0);                         // (none)

        // A two-key grid with 2 repeats: both rows and the repeats follow the file.
        QTemporaryDir dir;
        const sim::SweepGrid grid{{{"cluster.pods", {"1", "2", "4"}}, {"routing.policy", {"round-robin", "random"}}}, 2};
        QVERIFY(panel.loadResults(writeFirstPoint(dir, QStringLiteral("grid.jsonl"), sim::sweepBaseId(seedCache), grid)));
        QCOMPARE(parameter->currentText(), QStringLiteral("cluster.pods"));
        QCOMPARE(values->text(), QStringLiteral("1,2,4"));
        QCOMPARE(seriesParameter->currentText(), QStringLiteral("routing.policy"));
        QCOMPARE(seriesValues->text(), QStringLiteral("round-robin,random"));
        QVERIFY(seriesValues->isEnabled());
        QCOMPARE(repeats->value(), 2);
        // Shown, not run.
        QVERIFY(!panel.runner()->isRunning());
        QCOMPARE(panel.table()->rowCount(), 1);
        QVERIFY2(panel.statusText().contains(QStringLiteral("11 of the grid's 12 points are missing")),
                 qPrintable(panel.statusText()));

        // Records of a kvroute before sharding carry no grid: the values are rebuilt from the
        // records, one key means no series, and the repeats are not known (left as they were).
        const std::string base = sim::sweepBaseId(seedCache);
        QVERIFY(panel.loadResults(writeRecords(dir, QStringLiteral("old.jsonl"),
                                               {record({{"vllm.block_size", "16"}}, base),
                                                record({{"vllm.block_size", "64"}}, base)})));
        QCOMPARE(parameter->currentText(), QStringLiteral("vllm.block_size"));
        QCOMPARE(values->text(), QStringLiteral("16,64"));
        QCOMPARE(seriesParameter->currentIndex(), 0);
        QVERIFY(seriesValues->text().isEmpty());
        QVERIFY(!seriesValues->isEnabled());
        QCOMPARE(repeats->value(), 2);
        QVERIFY(!panel.runner()->isRunning());
        QCOMPARE(panel.table()->rowCount(), 2);
        QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("kvroute-sweep-loaded.png")))); // to look at
    }

    void noteAsksToPickTheScenarioOnlyWhenTheListShowsAnother()
    {
        const sim::Scenario seedCache = builtin("seed-cache-test");
        const QString pickHint = QStringLiteral("pick it in the Scenario list");
        sim::Scenario shown = builtin("default");
        QString listShows = QStringLiteral("default");
        SweepPanel panel;
        panel.setBaseScenarioProvider([&shown] { return shown; });
        panel.setBaseBuiltinProvider([&listShows] { return listShows; });
        QTemporaryDir dir;
        const sim::SweepGrid grid{{{"cluster.pods", {"1"}}}, 1};
        QVERIFY(panel.loadResults(writeFirstPoint(dir, QStringLiteral("grid.jsonl"), sim::sweepBaseId(seedCache), grid)));

        // The list shows another built-in: picking the sweep's is the way to see it.
        QVERIFY2(panel.scenarioNoteText().contains(pickHint) &&
                     panel.scenarioNoteText().contains(QStringLiteral("seed-cache-test")),
                 qPrintable(panel.scenarioNoteText()));

        // The list shows the sweep's built-in, edited in a key the sweep did not vary: no hint to
        // pick what is picked; the note names the edit.
        shown = seedCache;
        shown.vllm.maxNumSeqs = seedCache.vllm.maxNumSeqs / 2;
        listShows = QStringLiteral("seed-cache-test");
        panel.refreshScenarioNote();
        const QString note = panel.scenarioNoteText();
        const QString edit =
            QStringLiteral("vllm.max_num_seqs: %1 \u2192 %2").arg(seedCache.vllm.maxNumSeqs).arg(shown.vllm.maxNumSeqs);
        QVERIFY2(!note.isEmpty() && !note.contains(pickHint), qPrintable(note));
        QVERIFY2(note.contains(QStringLiteral("the one the Scenario list shows")) && note.contains(edit), qPrintable(note));

        // The same scenario opened from a file (or saved as one): the list's built-in is another
        // scenario, and picking it does show the sweep's.
        listShows.clear();
        panel.refreshScenarioNote();
        QVERIFY2(panel.scenarioNoteText().contains(pickHint) && panel.scenarioNoteText().contains(edit),
                 qPrintable(panel.scenarioNoteText()));
    }
};

QTEST_MAIN(TestSweepLoadedResults)
#include "tst_sweep_loaded_results.moc"
