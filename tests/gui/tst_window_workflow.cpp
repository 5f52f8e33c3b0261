// Issue 15's window-level defects, driven as a person would: switching from a scenario with a
// near-empty KV cache to one that fills it (the GUI used to freeze in the KV chart's axis), an
// invalid edit that leaves the previous results on screen (they must be marked stale until the
// next good run), and File > Save of an edited built-in (".yaml" added, a new name and a
// description saying where it came from).

#include "app/gui/charts/line_chart.h"
#include "app/gui/editor/scenario_editor.h"
#include "app/gui/main_window.h"
#include "app/gui/panels/pods_panel.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>

using namespace kvroute;
using namespace kvroute::app;

namespace {

RunOutcomePtr waitForResults(MainWindow& window, int timeoutMs = 90000)
{
    QSignalSpy spy(&window, &MainWindow::resultsShown);
    if (!spy.wait(timeoutMs))
        return nullptr;
    return spy.takeLast().at(0).value<RunOutcomePtr>();
}

} // namespace

class TestWindowWorkflow final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_window_workflow"));
    }

    void switchingScenariosOnThePodsTabKeepsResponding()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.tabs()->setCurrentIndex(1); // Pods: the KV chart is laid out
        QVERIFY(window.openScenario(QStringLiteral("seed-cache-test")));
        QVERIFY(waitForResults(window));
        auto* kv = window.findChild<PodsPanel*>()->kvUsageChart();
        QVERIFY(kv->yRange().second < 1.0); // a few parts per million of the cache

        QVERIFY(window.openScenario(QStringLiteral("llmd-shared-prefix")));
        QVERIFY(waitForResults(window, 180000));
        QVERIFY(kv->yRange().second > 10.0);
        QVERIFY(kv->tickCounts().second <= 20.0);
        QVERIFY(!window.grab().isNull());
    }

    void invalidEditMarksResultsStaleUntilTheNextGoodRun()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(waitForResults(window));
        QVERIFY(!window.resultsStale());
        QVERIFY(window.staleText().isEmpty());

        QVERIFY(!window.editor()->setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("17")));
        QVERIFY(window.resultsStale());
        QVERIFY2(window.staleText().contains(QStringLiteral("last valid scenario")), qPrintable(window.staleText()));
        const auto* banner = window.findChild<QLabel*>(QStringLiteral("staleBanner"));
        QVERIFY(banner && banner->isVisible());
        auto* pods = window.findChild<PodsPanel*>();
        const auto* veil = pods->findChild<QWidget*>(QStringLiteral("staleOverlay"));
        QVERIFY(veil && !veil->isHidden()); // greyed (the Pods tab itself is not shown)

        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("32")));
        QVERIFY(waitForResults(window));
        QVERIFY(!window.resultsStale());
        QVERIFY(!banner->isVisible());
        QVERIFY(veil->isHidden());
    }

    void savingAnEditedBuiltinAddsYamlAndRenamesIt()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(waitForResults(window));
        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("32")));
        QVERIFY(waitForResults(window));

        QTemporaryDir dir;
        const QString written = window.saveScenarioTo(dir.filePath(QStringLiteral("my-cluster")));
        QCOMPARE(written, dir.filePath(QStringLiteral("my-cluster.yaml")));
        QVERIFY(QFile::exists(written));
        const auto saved = sim::loadScenarioFile(written.toStdString());
        QVERIFY2(saved, saved ? "" : saved.error().toString().c_str());
        QCOMPARE(QString::fromStdString(saved->name), QStringLiteral("my-cluster"));
        QVERIFY2(QString::fromStdString(saved->description).contains(QStringLiteral("Derived from the built-in scenario default")),
                 saved->description.c_str());
        QCOMPARE(saved->vllm.blockSize, 32);
        QCOMPARE(QString::fromStdString(window.currentScenario().name), QStringLiteral("my-cluster"));

        // Saved again: now it is the user's file, named as it is.
        QCOMPARE(window.saveScenarioTo(written), written);
        QCOMPARE(QString::fromStdString(sim::loadScenarioFile(written.toStdString())->name), QStringLiteral("my-cluster"));
    }

    void savingAnEditedBuiltinUnderItsOwnNameGetsCustomSuffix()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(waitForResults(window));
        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("32")));
        QVERIFY(waitForResults(window));
        QTemporaryDir dir;
        const QString written = window.saveScenarioTo(dir.filePath(QStringLiteral("default.yml")));
        QCOMPARE(written, dir.filePath(QStringLiteral("default.yml")));
        QCOMPARE(QString::fromStdString(sim::loadScenarioFile(written.toStdString())->name), QStringLiteral("default-custom"));
    }

    void savingAnUneditedBuiltinKeepsItsName()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(waitForResults(window));
        QTemporaryDir dir;
        const QString written = window.saveScenarioTo(dir.filePath(QStringLiteral("copy")));
        QCOMPARE(QString::fromStdString(sim::loadScenarioFile(written.toStdString())->name), QStringLiteral("default"));
    }
};

QTEST_MAIN(TestWindowWorkflow)
#include "tst_window_workflow.moc"
