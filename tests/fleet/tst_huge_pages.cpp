// A simulating command re-executes itself once with glibc's huge-page heap
// (app/cli/huge_pages.h): when it does, when it must not, and that the running process really
// carries the tunable (read from /proc/PID/environ of a started `kvroute run`).

#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtTest/QtTest>

#include "app/cli/huge_pages.h"

#include <string>

namespace {

QByteArray thpMode()
{
    QFile file(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// GLIBC_TUNABLES of a started `kvroute run` ("" when unset), read from /proc/PID/environ until
/// it equals `awaited` or the run ends; a null QByteArray when it could never be read. `name`
/// receives the process's name (/proc/PID/comm) at the last read.
QByteArray tunablesOfRunningKvroute(const QProcessEnvironment& env, const QByteArray& awaited,
                                    QByteArray* name = nullptr)
{
    QProcess process;
    process.setProcessEnvironment(env);
    // Runs about a second, long enough to be read while it runs; stopped by its pid below.
    process.start(QString::fromLocal8Bit(qgetenv("KVROUTE_BIN")),
                  {QStringLiteral("run"), QStringLiteral("llmd-shared-prefix"), QStringLiteral("--set"),
                   QStringLiteral("cluster.pods=64"), QStringLiteral("--quiet")});
    if (!process.waitForStarted(10000))
        return {};
    // The re-exec is the first thing main() does; give it 300 ms before a first look, then keep
    // looking (a loaded machine may be slower) while the run lasts.
    QTest::qWait(300);
    QByteArray tunables;
    QElapsedTimer clock;
    clock.start();
    while (process.state() == QProcess::Running && clock.elapsed() < 10000) {
        QFile environ(QStringLiteral("/proc/%1/environ").arg(process.processId()));
        if (environ.open(QIODevice::ReadOnly)) {
            tunables = QByteArray(""); // read: unset unless found below
            for (const QByteArray& entry : environ.readAll().split('\0'))
                if (entry.startsWith("GLIBC_TUNABLES="))
                    tunables = entry.mid(15);
        }
        if (QFile comm(QStringLiteral("/proc/%1/comm").arg(process.processId())); name && comm.open(QIODevice::ReadOnly))
            *name = comm.readAll().trimmed();
        if (tunables == awaited || (!awaited.isEmpty() && tunables.startsWith(awaited + ':')))
            break;
        QTest::qWait(50);
    }
    process.kill();
    process.waitForFinished(10000);
    return tunables;
}

} // namespace

class TestHugePages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decision_data()
    {
        QTest::addColumn<QByteArray>("tunables"); // "<unset>" for none
        QTest::addColumn<QByteArray>("optOut");   // "<unset>" for none
        QTest::addColumn<QByteArray>("ldPreload"); // "<unset>" for none
        QTest::addColumn<QByteArray>("mode");
        QTest::addColumn<QByteArray>("program");
        QTest::addColumn<bool>("simulating");
        QTest::addColumn<bool>("reexec");
        const QByteArray unset = "<unset>";
        const QByteArray madvise = "always [madvise] never\n";
        const QByteArray kvroute = "/opt/kvroute/bin/kvroute";
        QTest::newRow("madvise mode") << unset << unset << unset << madvise << kvroute << true << true;
        QTest::newRow("always mode") << unset << unset << unset << QByteArray("[always] madvise never\n") << kvroute
                                     << true << true;
        QTest::newRow("never mode") << unset << unset << unset << QByteArray("always madvise [never]\n") << kvroute
                                    << true << false;
        QTest::newRow("no THP file") << unset << unset << unset << QByteArray() << kvroute << true << false;
        QTest::newRow("not simulating") << unset << unset << unset << madvise << kvroute << false << false;
        QTest::newRow("user's tunables win") << QByteArray("glibc.malloc.check=3") << unset << unset << madvise
                                             << kvroute << true << false;
        QTest::newRow("empty tunables too") << QByteArray("") << unset << unset << madvise << kvroute << true << false;
        QTest::newRow("opted out") << unset << QByteArray("0") << unset << madvise << kvroute << true << false;
        QTest::newRow("opted out: off") << unset << QByteArray("Off") << unset << madvise << kvroute << true << false;
        QTest::newRow("opted out: false") << unset << QByteArray("false") << unset << madvise << kvroute << true << false;
        QTest::newRow("opted out: no") << unset << QByteArray("NO") << unset << madvise << kvroute << true << false;
        QTest::newRow("other value: 1") << unset << QByteArray("1") << unset << madvise << kvroute << true << true;
        QTest::newRow("under valgrind") << unset << unset
                                        << QByteArray("/usr/libexec/valgrind/vgpreload_core-amd64-linux.so") << madvise
                                        << kvroute << true << false;
        QTest::newRow("another preload") << unset << unset << QByteArray("libfaketime.so.1") << madvise << kvroute
                                         << true << true;
        QTest::newRow("started by ld.so") << unset << unset << unset << madvise
                                          << QByteArray("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2") << true << false;
        QTest::newRow("program unknown") << unset << unset << unset << madvise << QByteArray() << true << false;
    }

    void decision()
    {
        QFETCH(QByteArray, tunables);
        QFETCH(QByteArray, optOut);
        QFETCH(QByteArray, ldPreload);
        QFETCH(QByteArray, mode);
        QFETCH(QByteArray, program);
        QFETCH(bool, simulating);
        QFETCH(bool, reexec);
        const std::string t = tunables.toStdString();
        const std::string o = optOut.toStdString();
        const std::string l = ldPreload.toStdString();
        const std::string m = mode.toStdString();
        const std::string p = program.toStdString();
        kvroute::cli::ReexecContext context;
        context.glibcTunables = tunables == "<unset>" ? nullptr : t.c_str();
        context.optOut = optOut == "<unset>" ? nullptr : o.c_str();
        context.ldPreload = ldPreload == "<unset>" ? nullptr : l.c_str();
        context.thpEnabled = m;
        context.program = p;
        context.simulating = simulating;
        QCOMPARE(kvroute::cli::shouldReexecForHugePages(context), reexec);
    }

    void simulatingCommands_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("simulating");
        QTest::newRow("run") << QStringList{"run", "default"} << true;
        QTest::newRow("sweep") << QStringList{"sweep", "default"} << true;
        QTest::newRow("compare-report") << QStringList{"compare-report"} << true;
        QTest::newRow("conformance") << QStringList{"conformance", "t.jsonl"} << true;
        QTest::newRow("pod server") << QStringList{"pod"} << false;
        QTest::newRow("gateway") << QStringList{"gateway"} << false;
        QTest::newRow("scenarios") << QStringList{"scenarios", "list"} << false;
        QTest::newRow("no command") << QStringList{} << false;
        QTest::newRow("run as a value, not a command") << QStringList{"--version", "run"} << false;
    }

    void simulatingCommands()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, simulating);
        std::vector<std::string> storage{"kvroute"};
        for (const QString& a : args)
            storage.push_back(a.toStdString());
        std::vector<char*> argv;
        for (std::string& s : storage)
            argv.push_back(s.data());
        argv.push_back(nullptr);
        QCOMPARE(kvroute::cli::isSimulatingCommand(static_cast<int>(storage.size()), argv.data()), simulating);
    }

    // The real program: with THP available, `kvroute run` runs with the tunable; opted out, or
    // with the user's own tunables, it runs as started.
    void runningProcessCarriesTheTunable()
    {
        const QByteArray mode = thpMode();
        const bool available = mode.contains("[always]") || mode.contains("[madvise]");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("GLIBC_TUNABLES"));
        env.remove(QStringLiteral("KVROUTE_HUGE_PAGES"));

        const QByteArray expected = available ? QByteArray("glibc.malloc.hugetlb=1") : QByteArray("");
        QByteArray name;
        const QByteArray plain = tunablesOfRunningKvroute(env, expected, &name);
        QVERIFY2(!plain.isNull(), "kvroute run finished before its environment could be read");
        // glibc 2.36 leaves only the first tunable of the list in the environment it shows.
        const QByteArray full = available ? QByteArray("glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432") : "";
        QVERIFY2(plain == expected || plain == full, plain.constData());
        // Re-executed by its own file name, so ps, top and pgrep still see the program's name.
        QCOMPARE(name, QFileInfo(QString::fromLocal8Bit(qgetenv("KVROUTE_BIN"))).fileName().left(15).toLocal8Bit());

        env.insert(QStringLiteral("KVROUTE_HUGE_PAGES"), QStringLiteral("0"));
        QCOMPARE(tunablesOfRunningKvroute(env, "-"), QByteArray(""));

        env.remove(QStringLiteral("KVROUTE_HUGE_PAGES"));
        env.insert(QStringLiteral("GLIBC_TUNABLES"), QStringLiteral("glibc.malloc.check=0"));
        QCOMPARE(tunablesOfRunningKvroute(env, "-"), QByteArray("glibc.malloc.check=0"));
    }
};

QTEST_GUILESS_MAIN(TestHugePages)
#include "tst_huge_pages.moc"
