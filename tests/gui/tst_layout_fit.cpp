// Text and values fit where they are shown: the scenario editor at its narrowest (the width a
// small window gives the dock) needs no horizontal scrolling, for every built-in scenario; and
// the Live tab's word-wrapped note gets the height its text needs (it used to be cut off after
// three lines).

#include "app/gui/editor/scenario_editor.h"
#include "app/gui/live/live_panel.h"
#include "app/gui/main_window.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QScrollBar>

using namespace kvroute;
using namespace kvroute::app;

class TestLayoutFit final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_layout_fit"));
    }

    void editorAtItsMinimumWidthNeedsNoHorizontalScrolling_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const auto& [name, description] : sim::builtinScenarioList())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void editorAtItsMinimumWidthNeedsNoHorizontalScrolling()
    {
        QFETCH(QString, scenario);
        auto loaded = sim::builtinScenario(scenario.toStdString());
        QVERIFY(loaded);
        ScenarioEditor editor;
        editor.setScenario(*loaded);
        editor.resize(editor.minimumWidth(), 700);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QCoreApplication::processEvents();
        const auto* scroll = editor.findChild<QScrollArea*>();
        QVERIFY(scroll);
        QVERIFY2(!scroll->horizontalScrollBar()->isVisible(),
                 qPrintable(QStringLiteral("width %1, content needs %2")
                                .arg(editor.width())
                                .arg(scroll->widget()->minimumSizeHint().width())));
    }

    void smallWindowKeepsTheEditorWhole()
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(&window, &MainWindow::resultsShown);
        QVERIFY(window.openScenario(QStringLiteral("default")));
        QVERIFY(shown.wait(60000));
        QCoreApplication::processEvents();
        QVERIFY(window.editor()->width() >= window.editor()->minimumWidth());
        QVERIFY(!window.editor()->findChild<QScrollArea*>()->horizontalScrollBar()->isVisible());
    }

    void liveNoteIsNotCutOff()
    {
        LivePanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const auto* note = panel.findChild<QLabel*>(QStringLiteral("liveNote"));
        QVERIFY(note);
        QVERIFY2(note->height() >= note->heightForWidth(note->width()),
                 qPrintable(QStringLiteral("%1 < %2").arg(note->height()).arg(note->heightForWidth(note->width()))));
    }
};

QTEST_MAIN(TestLayoutFit)
#include "tst_layout_fit.moc"
