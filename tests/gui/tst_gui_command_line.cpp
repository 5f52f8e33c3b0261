// kvroute-gui's --help and --version work without a display (a server, an ssh session): they are
// answered before Qt connects to one. Anything else says there is no display and exits with
// status 1 (it used to abort). The test makes sure no display can be found, with Qt's platform
// left to its default (QT_QPA_PLATFORM unset) and forced to xcb.

#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtTest/QtTest>

namespace {

struct Outcome {
    bool exitedNormally = false; ///< false after a crash or abort
    int exitCode = -1;
    QString out;
    QString err;
};

/// `platform` "" leaves QT_QPA_PLATFORM unset: Qt picks its default. `deadDisplay` sets DISPLAY
/// to an X display no server answers on.
Outcome runWithoutDisplay(const QStringList& arguments, const QString& platform, const QString& deadDisplay = {})
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    if (!deadDisplay.isEmpty())
        environment.insert(QStringLiteral("DISPLAY"), deadDisplay);
    if (!platform.isEmpty())
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("KVROUTE_GUI_BIN"), arguments);
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    const bool normal = process.exitStatus() == QProcess::NormalExit;
    return {normal, normal ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestGuiCommandLine final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersionNeedNoDisplay_data()
    {
        QTest::addColumn<QString>("platform");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        for (const QString& platform : {QString(), QStringLiteral("xcb")}) {
            const QString tag = platform.isEmpty() ? QStringLiteral("default platform") : platform;
            const auto row = [&tag](const char* name) { return qPrintable(tag + QStringLiteral(": ") + QLatin1String(name)); };
            QTest::newRow(row("--help")) << platform << QStringList{QStringLiteral("--help")}
                                         << QStringLiteral("--screenshot <FILE>");
            QTest::newRow(row("-h")) << platform << QStringList{QStringLiteral("-h")}
                                     << QStringLiteral("--sweep-results <FILE>");
            QTest::newRow(row("--help after an option"))
                << platform << QStringList{QStringLiteral("--scenario"), QStringLiteral("default"), QStringLiteral("--help")}
                << QStringLiteral("--scenario <NAME|FILE>");
            QTest::newRow(row("--version")) << platform << QStringList{QStringLiteral("--version")}
                                            << QStringLiteral("kvroute-gui " KVROUTE_VERSION);
        }
    }

    void helpAndVersionNeedNoDisplay()
    {
        QFETCH(QString, platform);
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Outcome o = runWithoutDisplay(arguments, platform);
        QVERIFY2(o.exitedNormally, qPrintable(o.err));
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(expected), qPrintable(o.out + o.err));
        // The usage line names the program, not Qt's "<executable_name>" placeholder.
        if (arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"))) {
            const QString usage = o.out.section(QLatin1Char('\n'), 0, 0);
            QVERIFY2(usage.startsWith(QStringLiteral("Usage: ")) && usage.contains(QStringLiteral("kvroute-gui")),
                     qPrintable(usage));
        }
    }

    // The check is real: without --help the same environment cannot start the GUI, and says so
    // with status 1 rather than aborting.
    void withoutHelpTheGuiSaysThereIsNoDisplay_data()
    {
        QTest::addColumn<QString>("platform");
        QTest::newRow("default platform") << QString();
        QTest::newRow("xcb") << QStringLiteral("xcb");
        QTest::newRow("wayland") << QStringLiteral("wayland");
    }

    void withoutHelpTheGuiSaysThereIsNoDisplay()
    {
        QFETCH(QString, platform);
        const Outcome o = runWithoutDisplay({QStringLiteral("--scenario"), QStringLiteral("default")}, platform);
        QVERIFY2(o.exitedNormally, qPrintable(o.err));
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains(QStringLiteral("no display")), qPrintable(o.err));
    }

    // DISPLAY names a display nobody serves: only Qt finds out, and its fatal message ends the
    // program with status 1 and a word on stderr instead of an abort.
    void aDeadDisplayEndsWithStatusOne()
    {
        const Outcome o = runWithoutDisplay({QStringLiteral("--scenario"), QStringLiteral("default")},
                                            QStringLiteral("xcb"), QStringLiteral(":4711"));
        QVERIFY2(o.exitedNormally, qPrintable(o.err));
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains(QStringLiteral("cannot open a window")), qPrintable(o.err));
    }
};

QTEST_GUILESS_MAIN(TestGuiCommandLine)
#include "tst_gui_command_line.moc"
