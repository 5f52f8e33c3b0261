#pragma once
// Runs the kvroute binary (KVROUTE_BIN, set by ctest) as a user would, for the CLI tests.

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace kvroute::test {

struct CliOutcome {
    int exitCode = -1; ///< -1: crashed; -2: did not finish in time (then killed)
    QString out;
    QString err;
};

/// `kvroute ARGS` in `workDir` (default: the test's), with extra environment variables and
/// `input` on its standard input (closed after it, so nothing waits for more).
inline CliOutcome runKvroute(const QStringList& args, const QString& workDir = {},
                             const QStringList& environment = {}, const QByteArray& input = {})
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    if (!environment.isEmpty()) {
        auto env = QProcessEnvironment::systemEnvironment();
        for (const auto& assignment : environment)
            env.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
        p.setProcessEnvironment(env);
    }
    p.start(qEnvironmentVariable("KVROUTE_BIN"), args);
    if (p.waitForStarted(30000)) {
        p.write(input);
        p.closeWriteChannel();
    }
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return {-2, {}, QStringLiteral("did not finish in 120 s")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

inline QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace kvroute::test
