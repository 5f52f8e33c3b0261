#pragma once
// Runs the kvroute-gui binary (KVROUTE_GUI_BIN, set by ctest) as a script would, for the tests
// of its command-line modes (--screenshot). Each run keeps its settings where the test says, so
// the test sees what it writes and the user's own settings are never read or touched.

#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace kvroute::test {

struct GuiRun {
    bool finished = false; ///< false: it did not exit in time (and was killed)
    int exitCode = -1;
    QString standardOutput;
    QString standardError;
};

/// `kvroute-gui ARGUMENTS` offscreen, its settings under `configHome` (XDG_CONFIG_HOME), in
/// `workDir` (default: the test's).
inline GuiRun runGui(const QStringList& arguments, const QString& configHome, const QString& workDir = {})
{
    // Far beyond a scripted run's few seconds: only a hang reaches it.
    constexpr int kProcessTimeoutMs = 120000;
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(environment);
    if (!workDir.isEmpty())
        process.setWorkingDirectory(workDir);
    process.start(qEnvironmentVariable("KVROUTE_GUI_BIN"), arguments);
    GuiRun run;
    run.finished = process.waitForFinished(kProcessTimeoutMs);
    if (!run.finished) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitCode();
    run.standardOutput = QString::fromUtf8(process.readAllStandardOutput());
    run.standardError = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace kvroute::test
