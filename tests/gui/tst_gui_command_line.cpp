// kvroute-gui's --help and --version work without a display (a server, an ssh session): they are
// answered before Qt connects to one. The test makes sure no display can be found.

#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtTest/QtTest>

namespace {

struct Outcome {
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome runWithoutDisplay(const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb")); // needs a display
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("KVROUTE_GUI_BIN"), arguments);
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestGuiCommandLine final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersionNeedNoDisplay_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << QStringLiteral("--screenshot <FILE>");
        QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << QStringLiteral("--sweep-results <FILE>");
        QTest::newRow("--help after an option") << QStringList{QStringLiteral("--scenario"), QStringLiteral("default"),
                                                               QStringLiteral("--help")}
                                                << QStringLiteral("--scenario <NAME|FILE>");
        QTest::newRow("--version") << QStringList{QStringLiteral("--version")}
                                   << QStringLiteral("kvroute-gui " KVROUTE_VERSION);
    }

    void helpAndVersionNeedNoDisplay()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Outcome o = runWithoutDisplay(arguments);
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(expected), qPrintable(o.out + o.err));
    }

    // The check is real: without --help the same environment cannot start the GUI.
    void withoutHelpTheGuiNeedsTheDisplay()
    {
        const Outcome o = runWithoutDisplay({QStringLiteral("--scenario"), QStringLiteral("default")});
        QVERIFY2(o.exitCode != 0, qPrintable(o.err));
    }
};

QTEST_GUILESS_MAIN(TestGuiCommandLine)
#include "tst_gui_command_line.moc"
