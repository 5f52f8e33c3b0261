// The editor's cluster.pods beside a stack the Live tab watches: the stack keeps running what it
// was started with, so the editor's scenario is not loaded over (edits would be lost), but when
// the two pod counts differ the editor says how many the stack runs (it showed 3 while the stack
// ran 2, unmarked). The count is the stack's pod processes as recorded, else its scenario's. The
// stack is announced as the controller announces one (stackReady); no processes are started.
// Writes kvroute-live-stack-pods.png to the temp folder to look at.

#include "app/gui/editor/scenario_editor.h"
#include "app/gui/live/live_panel.h"
#include "app/gui/main_window.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>

#include <memory>

using namespace kvroute;
using namespace kvroute::app;

namespace {

const QString kPods = QStringLiteral("cluster.pods");

LiveStackPtr fakeStack(int podProcesses, int scenarioPods)
{
    auto stack = std::make_shared<LiveStack>();
    auto scenario = sim::builtinScenario("default");
    if (!scenario)
        qFatal("no default scenario: %s", scenario.error().toString().c_str());
    stack->scenario = *scenario;
    stack->scenario.cluster.pods = scenarioPods;
    stack->state.dir = "stack";
    stack->state.scenario = "default";
    for (int i = 0; i < podProcesses; ++i)
        stack->state.processes.push_back({"pod", "pod-" + std::to_string(i), {}, 0, true, true});
    stack->state.processes.push_back({"gateway", "gateway", {}, 0, true, true});
    return stack;
}

} // namespace

class TestLiveStackPods final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_live_stack_pods"));
    }

    void editorMarksTheStacksPodCount_data()
    {
        QTest::addColumn<int>("podProcesses");
        QTest::addColumn<int>("scenarioPods");
        QTest::addColumn<int>("stackPods");
        QTest::newRow("pod processes recorded") << 2 << 2 << 2;
        QTest::newRow("fewer processes than the scenario says") << 2 << 4 << 2;
        QTest::newRow("no processes recorded") << 0 << 2 << 2;
        QTest::newRow("one pod") << 1 << 1 << 1;
    }

    void editorMarksTheStacksPodCount()
    {
        QFETCH(int, podProcesses);
        QFETCH(int, scenarioPods);
        QFETCH(int, stackPods);
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QCOMPARE(window.currentScenario().cluster.pods, 3);
        ScenarioEditor* editor = window.editor();
        QVERIFY(editor->fieldNote(kPods).isEmpty());

        Q_EMIT window.livePanel()->stackController()->stackReady(fakeStack(podProcesses, scenarioPods));
        QCOMPARE(window.livePanel()->watchedStackPods(), stackPods);
        const QString expected = stackPods == 1 ? QStringLiteral("runs 1 pod;") : QStringLiteral("runs %1 pods").arg(stackPods);
        QVERIFY2(editor->fieldNote(kPods).contains(expected), qPrintable(editor->fieldNote(kPods)));
        QCOMPARE(window.currentScenario().cluster.pods, 3); // the user's scenario stays

        // Edited to the stack's count: nothing to mark; to another: marked again.
        QVERIFY(editor->setFieldText(kPods, QString::number(stackPods)));
        QVERIFY2(editor->fieldNote(kPods).isEmpty(), qPrintable(editor->fieldNote(kPods)));
        QVERIFY(editor->setFieldText(kPods, QString::number(stackPods + 2)));
        QVERIFY(editor->fieldNote(kPods).contains(expected));
        // Another scenario opened: still compared with the stack.
        QVERIFY(window.openScenario(QStringLiteral("seed-cache-test")));
        QCOMPARE(!editor->fieldNote(kPods).isEmpty(), window.currentScenario().cluster.pods != stackPods);

        // No stack watched any more: no mark.
        Q_EMIT window.livePanel()->stackController()->stackStopped();
        QCOMPARE(window.livePanel()->watchedStackPods(), 0);
        QVERIFY(editor->fieldNote(kPods).isEmpty());
        Q_EMIT window.livePanel()->stackController()->stackReady(fakeStack(podProcesses, scenarioPods));
        QVERIFY(window.editor()->setFieldText(kPods, QString::number(stackPods + 1)));
        QVERIFY(!editor->fieldNote(kPods).isEmpty());
        window.livePanel()->detachStack();
        QVERIFY(editor->fieldNote(kPods).isEmpty());
    }

    // The note is shown under the input, and an error at the key takes its place while it lasts.
    void anErrorTakesTheNotesPlace()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("default")));
        Q_EMIT window.livePanel()->stackController()->stackReady(fakeStack(2, 2));
        ScenarioEditor* editor = window.editor();
        window.show();
        const auto* message = editor->fieldWidget(kPods)->findChild<QLabel*>(QStringLiteral("fieldMessage"));
        QVERIFY(message != nullptr);
        const QString note = editor->fieldNote(kPods);
        QVERIFY(!note.isEmpty());
        QVERIFY(message->isVisible());
        QCOMPARE(message->text(), note);
        QVERIFY(!editor->setFieldText(kPods, QStringLiteral("0"))); // refused: pods >= 1
        const QString error = editor->errorText(kPods);
        QVERIFY(!error.isEmpty());
        QCOMPARE(message->text(), error);
        QVERIFY(editor->setFieldText(kPods, QStringLiteral("5"))); // the error goes, the note is back
        QCOMPARE(message->text(), note);
        QVERIFY(message->isVisible());
        window.resize(1400, 900);
        QVERIFY(window.grab().save(QDir::temp().filePath(QStringLiteral("kvroute-live-stack-pods.png")))); // for a human to look at
    }
};

QTEST_MAIN(TestLiveStackPods)
#include "tst_live_stack_pods.moc"
