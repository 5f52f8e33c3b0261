// Results of an older scenario, as a new user met them: an invalid edit after pinning a
// baseline used to smear the Compare tab (the table header over row 1, every chart twice) and
// let it show through the Overview, because the panels were faded with a QGraphicsEffect.
// The panels must look on screen exactly as they render, veiled, with no graphics effect. The
// error under a field is shown whole; the status bar does not keep an old error; the stale
// banner appears only when there are older results to warn about.

#include "app/gui/editor/scenario_editor.h"
#include "app/gui/main_window.h"
#include "app/gui/panels/compare_panel.h"

#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QAction>
#include <QtGui/QScreen>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabWidget>

#include <algorithm>
#include <cstdlib>

using namespace kvroute;
using namespace kvroute::app;

namespace {

/// The main window's tab order (Stages is hidden for the unstaged runs here).
enum Tab { Overview = 0, Pods = 1, Stages = 2, Compare = 3 };

RunOutcomePtr waitForResults(MainWindow& window, int timeoutMs = 180000)
{
    QSignalSpy spy(&window, &MainWindow::resultsShown);
    if (!spy.wait(timeoutMs))
        return nullptr;
    return spy.takeLast().at(0).value<RunOutcomePtr>();
}

/// What the window shows on screen (its backing store), after pending paints.
QImage onScreen(QWidget& window)
{
    QTest::qWait(300);
    return window.screen()->grabWindow(window.winId()).toImage().convertToFormat(QImage::Format_RGB32);
}

/// Pixels of `panel` that differ on screen from a fresh rendering of it, beyond a little
/// antialiasing noise.
int pixelsDifferingFromRendering(QWidget& window, QWidget& panel)
{
    const QImage screen = onScreen(window);
    const QImage rendered = panel.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QPoint origin = panel.mapTo(&window, QPoint(0, 0));
    int differing = 0;
    for (int y = 0; y < rendered.height(); ++y) {
        for (int x = 0; x < rendered.width(); ++x) {
            const QRgb a = rendered.pixel(x, y);
            const QRgb b = screen.pixel(origin.x() + x, origin.y() + y);
            const int delta = std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
            if (delta > 24)
                ++differing;
        }
    }
    return differing;
}

/// Run > Pin as baseline (Ctrl+B), triggered as the shortcut does, whatever has the focus.
void pinBaseline(MainWindow& window)
{
    const auto actions = window.findChildren<QAction*>();
    for (QAction* action : actions) {
        if (action->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_B))
            action->trigger();
    }
}

bool anyGraphicsEffect(const QWidget& root)
{
    const auto widgets = root.findChildren<QWidget*>();
    return std::any_of(widgets.begin(), widgets.end(), [](const QWidget* w) { return w->graphicsEffect() != nullptr; });
}

QString writeScenarioWithMissingTrace(const QTemporaryDir& dir)
{
    QFile builtin(QStringLiteral(KVROUTE_SOURCE_DIR "/resources/scenarios/mooncake.yaml"));
    if (!builtin.open(QIODevice::ReadOnly))
        return {};
    const QString path = dir.filePath(QStringLiteral("missing-trace.yaml"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(builtin.readAll().replace("builtin:mooncake-sample.jsonl", "no-such-trace.jsonl"));
    return path;
}

} // namespace

class TestStaleResults final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_stale_results"));
    }

    void staleResultsShowOnScreenAsTheyRender()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("llmd-shared-prefix")));
        QVERIFY(waitForResults(window));
        pinBaseline(window);
        window.tabs()->setCurrentIndex(Compare);
        onScreen(window);

        QVERIFY(!window.editor()->setFieldText(QStringLiteral("vllm.max_model_len"), QStringLiteral("999999999")));
        QVERIFY(window.resultsStale());
        QVERIFY(window.findChild<ComparePanel*>()->hasBaseline());
        QVERIFY2(!anyGraphicsEffect(window), "a graphics effect smears chart views and tables");
        auto* compare = window.tabs()->widget(Compare);
        auto* veil = compare->findChild<QWidget*>(QStringLiteral("staleOverlay"));
        QVERIFY(veil && veil->isVisible());
        QCOMPARE(veil->geometry(), compare->rect());
        QCOMPARE(pixelsDifferingFromRendering(window, *compare), 0);

        window.tabs()->setCurrentIndex(Overview); // the Compare tab must not show through
        QCOMPARE(pixelsDifferingFromRendering(window, *window.tabs()->widget(Overview)), 0);

        QVERIFY(window.editor()->setFieldText(QStringLiteral("vllm.max_model_len"), QStringLiteral("40960")));
        QVERIFY(waitForResults(window));
        QVERIFY(!window.resultsStale());
        QVERIFY(!veil->isVisible());
    }

    void fieldErrorIsShownWhole()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("llmd-shared-prefix")));
        QVERIFY(waitForResults(window));
        QVERIFY(!window.editor()->setFieldText(QStringLiteral("vllm.max_model_len"), QStringLiteral("999999999")));
        QTest::qWait(100);
        const auto* message =
            window.editor()->fieldWidget(QStringLiteral("vllm.max_model_len"))->findChild<QLabel*>(QStringLiteral("fieldMessage"));
        QVERIFY(message && message->isVisible());
        QVERIFY2(message->text().contains(QStringLiteral("GiB")), qPrintable(message->text()));
        QVERIFY2(message->height() >= message->heightForWidth(message->width()),
                 qPrintable(QStringLiteral("%1 px tall, needs %2").arg(message->height()).arg(message->heightForWidth(message->width()))));
    }

    void failedRunLeavesNoErrorInTheStatusBar()
    {
        QTemporaryDir dir;
        const QString failing = writeScenarioWithMissingTrace(dir);
        QVERIFY(!failing.isEmpty());
        MainWindow window;
        window.show();
        QSignalSpy failed(&window, &MainWindow::runErrorShown);
        QVERIFY(window.openScenario(failing));
        QVERIFY(failed.wait(60000));
        QVERIFY(window.errorText().contains(QStringLiteral("no-such-trace.jsonl")));
        // The banner says it; the status bar keeps only the run status ("run failed").
        QVERIFY2(window.statusBar()->currentMessage().isEmpty(), qPrintable(window.statusBar()->currentMessage()));
        // Nothing ran before: no banner about older results over "No results yet."
        QVERIFY(!window.resultsStale());
        QVERIFY(window.findChild<QLabel*>(QStringLiteral("staleBanner"))->isHidden());

        QVERIFY(window.openScenario(QStringLiteral("seed-cache-test")));
        QVERIFY(waitForResults(window));
        QVERIFY(window.errorText().isEmpty());
        QVERIFY2(!window.statusBar()->currentMessage().contains(QStringLiteral("could not run")),
                 qPrintable(window.statusBar()->currentMessage()));

        // Now there are results: a failed run marks them as the last scenario's.
        QVERIFY(window.openScenario(failing));
        QVERIFY(failed.wait(60000));
        QVERIFY(window.resultsStale());
        QVERIFY2(window.staleText().contains(QStringLiteral("last scenario that ran")), qPrintable(window.staleText()));
    }
};

QTEST_MAIN(TestStaleResults)
#include "tst_stale_results.moc"
