// The scripted screenshot mode (kvroute-gui --screenshot): a scenario that parses but cannot
// run still ends the process, with the error rendered, printed and a non-zero status; a
// screenshot never changes the user's settings (what the next interactive start opens); and
// the Stages tab, shown only for a staged run, can be shot after a run that --set made staged
// and is refused for a run without stages.

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QtTest>

#include "gui_process_support.h"

namespace {

using kvroute::test::GuiRun;
using kvroute::test::runGui;

/// A copy of the built-in mooncake scenario whose trace file does not exist: it parses, but
/// the run cannot load its workload.
QByteArray mooncakeWithMissingTrace()
{
    QFile builtin(QStringLiteral(KVROUTE_SOURCE_DIR "/resources/scenarios/mooncake.yaml"));
    if (!builtin.open(QIODevice::ReadOnly))
        return {};
    return builtin.readAll().replace("builtin:mooncake-sample.jsonl", "no-such-trace.jsonl");
}

QString settingsFile(const QString& configHome)
{
    return configHome + QStringLiteral("/kvroute/kvroute-gui.conf");
}

} // namespace

class TestScreenshotMode final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void failedRunIsRenderedAndExitsNonZero()
    {
        QTemporaryDir dir;
        const QString scenario = dir.filePath(QStringLiteral("broken-trace.yaml"));
        QFile file(scenario);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray yaml = mooncakeWithMissingTrace();
        QVERIFY(yaml.contains("no-such-trace.jsonl"));
        file.write(yaml);
        file.close();

        const QString png = dir.filePath(QStringLiteral("shot.png"));
        const GuiRun run = runGui({QStringLiteral("--screenshot"), png, QStringLiteral("--scenario"), scenario,
                                   QStringLiteral("--size"), QStringLiteral("1400x900")},
                                  dir.filePath(QStringLiteral("config")));
        QVERIFY2(run.finished, "kvroute-gui --screenshot did not exit after the run failed");
        QVERIFY2(run.exitCode != 0, qPrintable(run.standardError));
        QVERIFY2(run.standardError.contains(QStringLiteral("no-such-trace.jsonl")), qPrintable(run.standardError));
        const QImage image(png);
        QVERIFY2(!image.isNull(), "the error state was not saved");
        QCOMPARE(image.size(), QSize(1400, 900));
    }

    void screenshotLeavesTheSettingsAlone()
    {
        QTemporaryDir dir;
        const QString configHome = dir.filePath(QStringLiteral("config"));
        QDir().mkpath(configHome + QStringLiteral("/kvroute"));
        const QString remembered = dir.filePath(QStringLiteral("my-scenario.yaml"));
        {
            QSettings settings(settingsFile(configHome), QSettings::IniFormat);
            settings.setValue(QStringLiteral("Scenario/last"), remembered);
            settings.setValue(QStringLiteral("Scenario/recentFiles"), QStringList{remembered});
        }
        QFile before(settingsFile(configHome));
        QVERIFY(before.open(QIODevice::ReadOnly));
        const QByteArray contentBefore = before.readAll();
        before.close();

        // A scenario file, so that both "last" and the recent files would be written.
        const QString scenario = dir.filePath(QStringLiteral("scripted.yaml"));
        QVERIFY(QFile::copy(QStringLiteral(KVROUTE_SOURCE_DIR "/resources/scenarios/mooncake.yaml"), scenario));
        const GuiRun run = runGui({QStringLiteral("--screenshot"), dir.filePath(QStringLiteral("shot.png")),
                                   QStringLiteral("--scenario"), scenario},
                                  configHome);
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 0);

        QFile after(settingsFile(configHome));
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(after.readAll()), QString::fromUtf8(contentBefore));
    }

    void stagesTabOfAStagedRun()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("stages.png"));
        QStringList arguments{QStringLiteral("--screenshot"), png, QStringLiteral("--tab"), QStringLiteral("Stages"),
                              QStringLiteral("--size"), QStringLiteral("1200x800")};
        for (const char* assignment : {"workload.type=shared-prefix", "workload.shared_prefix.num_groups=4",
                                       "workload.shared_prefix.system_prompt_len=256", "workload.shared_prefix.question_len=64",
                                       "workload.shared_prefix.output_len=32", "workload.shared_prefix.stages=[[5, 4], [10, 2]]"})
            arguments << QStringLiteral("--set") << QString::fromLatin1(assignment);
        const GuiRun run = runGui(arguments, dir.filePath(QStringLiteral("config")));
        QVERIFY(run.finished);
        QVERIFY2(run.exitCode == 0, qPrintable(run.standardError));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1200, 800));
    }

    void unknownTabListsTheTabs()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        const GuiRun run = runGui({QStringLiteral("--screenshot"), png, QStringLiteral("--tab"), QStringLiteral("Sweeps")},
                                  dir.filePath(QStringLiteral("config")));
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.standardError.contains(QStringLiteral("no tab named Sweeps; the tabs are Overview, ")),
                 qPrintable(run.standardError));
        QVERIFY2(run.standardError.contains(QStringLiteral("Sweep")), qPrintable(run.standardError));
        QVERIFY(!QFile::exists(png));
    }

    void stagesTabOfARunWithoutStagesFails()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("stages.png"));
        const GuiRun run = runGui({QStringLiteral("--screenshot"), png, QStringLiteral("--tab"), QStringLiteral("Stages")},
                                  dir.filePath(QStringLiteral("config")));
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.standardError.contains(QStringLiteral("no Stages")), qPrintable(run.standardError));
        QVERIFY(!QFile::exists(png));
    }
};

QTEST_GUILESS_MAIN(TestScreenshotMode) // the GUI runs in child processes
#include "tst_screenshot_mode.moc"
