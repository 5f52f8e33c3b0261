// The kvroute command line as a user drives it: run with JSON/CSV output, error messages,
// scenario listing, and a resumable sweep.

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "cli_test_support.h"

namespace {

using kvroute::test::readFile;

kvroute::test::CliOutcome cli(const QStringList& args, const QString& workDir = {})
{
    return kvroute::test::runKvroute(args, workDir);
}

} // namespace

class TestCli final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runWritesReportJsonAndCsv()
    {
        QTemporaryDir dir;
        const auto json = dir.filePath(QStringLiteral("r.json"));
        const auto o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--json"), json,
                                QStringLiteral("--csv"), dir.filePath(QStringLiteral("csv")), QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(QStringLiteral("Prefix-cache hit rate")));
        QVERIFY2(!o.out.contains(QStringLiteral("--set:")), qPrintable(o.out));
        const auto doc = QJsonDocument::fromJson(readFile(json)).object();
        for (const char* key : {"hit_rate", "stickiness", "requests_completed", "ttft_s", "itl_s", "e2e_s", "throughput",
                                "preemptions", "pods", "timeseries", "scenario", "seed", "run_info"})
            QVERIFY2(doc.contains(QLatin1String(key)), key);
        QCOMPARE(doc.value(QStringLiteral("requests_completed")).toInt(), 20);
        QVERIFY(doc.value(QStringLiteral("ttft_s")).toObject().contains(QStringLiteral("p99")));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("csv/timeseries.csv"))));
        QVERIFY(readFile(dir.filePath(QStringLiteral("csv/pods.csv"))).startsWith("name,requests"));
    }

    // `kvroute run -`: the scenario YAML from a pipe, overrides applied, errors located in it.
    void runReadsTheScenarioFromStandardInput()
    {
        const QByteArray yaml = readFile(QStringLiteral(KVROUTE_SOURCE_DIR "/resources/scenarios/seed-cache-test.yaml"));
        QVERIFY(!yaml.isEmpty());
        auto o = kvroute::test::runKvroute({QStringLiteral("run"), QStringLiteral("-"), QStringLiteral("--set"),
                                            QStringLiteral("workload.repeat.count=5"), QStringLiteral("--json"),
                                            QStringLiteral("-"), QStringLiteral("--quiet")},
                                           {}, {}, yaml);
        QCOMPARE(o.exitCode, 0);
        const auto doc = QJsonDocument::fromJson(o.out.toUtf8()).object();
        QCOMPARE(doc.value(QStringLiteral("requests_completed")).toInt(), 5);
        QCOMPARE(doc.value(QStringLiteral("scenario")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("seed-cache-test"));

        o = kvroute::test::runKvroute({QStringLiteral("run"), QStringLiteral("-"), QStringLiteral("--quiet")}, {}, {},
                                      "seed: 1\nvllm:\n  block_size: 17\n");
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("<stdin>:3")) && o.err.contains(QStringLiteral("vllm.block_size")),
                 qPrintable(o.err));
    }

    // The description speaks of the scenario as written; the --set line says what was changed.
    void reportListsTheOverridesUnderTheTitle()
    {
        const auto o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--set"),
                            QStringLiteral("workload.repeat.count=5"), QStringLiteral("--set"), QStringLiteral("seed=3"),
                            QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 0);
        const QStringList lines = o.out.split(QLatin1Char('\n'));
        QVERIFY2(lines.size() > 2 && lines.at(0).startsWith(QStringLiteral("kvroute run: seed-cache-test")), qPrintable(o.out));
        QCOMPARE(lines.at(1), QStringLiteral("  --set:    workload.repeat.count=5, seed=3"));
        QVERIFY2(o.out.contains(QStringLiteral("seed 3,")), qPrintable(o.out));
    }

    void setOverridesAndRejectsBadValues()
    {
        auto o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--set"),
                          QStringLiteral("vllm.block_size=17"), QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("vllm.block_size")) && o.err.contains(QStringLiteral("16")),
                 qPrintable(o.err));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--set"),
                     QStringLiteral("vllm.blok_size=32"), QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("vllm.block_size")), qPrintable(o.err)); // did you mean
        // The report's header follows the override, in the singular for one pod.
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--set"),
                 QStringLiteral("cluster.pods=1"), QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral(", 1 decode pod, block ")), qPrintable(o.out));
        // A request limit that may stop the workload early is said under its description.
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--set"),
                 QStringLiteral("workload.max_requests=1500"), QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("; stops after 1,500 requests (workload.max_requests)")), qPrintable(o.out));
    }

    // The option parser's errors read like the rest: "kvroute: ", then what is wrong.
    void optionErrorsSayWhoSpeaks_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("unknown option") << QStringList{"run", "seed-cache-test", "--bogus"} << "--bogus";
        QTest::newRow("no command") << QStringList{} << "A subcommand is required";
        QTest::newRow("option without its value") << QStringList{"run", "seed-cache-test", "--json"} << "--json";
        QTest::newRow("unknown command") << QStringList{"rn", "default"} << "unknown command 'rn'; the commands are run, sweep";
        QTest::newRow("empty --json") << QStringList{"run", "seed-cache-test", "--json", ""} << "an empty path writes nothing";
        QTest::newRow("empty --csv") << QStringList{"run", "seed-cache-test", "--csv", ""} << "an empty path writes nothing";
    }

    void optionErrorsSayWhoSpeaks()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, fragment);
        const auto o = cli(args);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.startsWith(QStringLiteral("kvroute: ")) && o.err.contains(fragment), qPrintable(o.err));
    }

    void badScenarioFileNamesLineAndColumn()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("bad.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("seed: 3\ncluster:\n  pods: 2\n  podz: 4\n");
        f.close();
        const auto o = cli({QStringLiteral("run"), path, QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("bad.yaml:4:3")), qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("pods")), qPrintable(o.err));
    }

    // A workload.shared_prefix block under workload.type inference-perf is not read: said on
    // stderr, with the file, line and key.
    void unreadWorkloadKeysWarnOnStderr()
    {
        QTemporaryDir dir;
        const auto path = dir.filePath(QStringLiteral("ip.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("workload:\n  type: inference-perf\n  path: config.yaml\n  shared_prefix:\n    stages: [[3, 20]]\n");
        f.close();
        const auto o = cli({QStringLiteral("scenarios"), QStringLiteral("show"), path});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("warning: ") + path +
                                QStringLiteral(":5:13: workload.shared_prefix.stages is set but workload.type is "
                                               "inference-perf")),
                 qPrintable(o.err));
        const auto clean = cli({QStringLiteral("scenarios"), QStringLiteral("show"), QStringLiteral("default")});
        QVERIFY2(clean.err.isEmpty(), qPrintable(clean.err));
    }

    void unwritableOutputsFailBeforeTheRun()
    {
        QTemporaryDir dir;
        const QString missingFolder = dir.filePath(QStringLiteral("no/such/folder/out.json"));
        auto o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--json"), missingFolder,
                          QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("cannot write there: its folder")), qPrintable(o.err));
        QVERIFY(o.out.isEmpty()); // nothing ran
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--json"), dir.path(),
                     QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("is a directory")), qPrintable(o.err));
        // A file where a folder should be is named as such, not as missing.
        const QString aFile = dir.filePath(QStringLiteral("plain.txt"));
        QVERIFY(QFile(aFile).open(QIODevice::WriteOnly));
        for (const QString& option : {QStringLiteral("--json"), QStringLiteral("--csv")}) {
            o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), option, aFile + QStringLiteral("/x"),
                     QStringLiteral("--quiet")});
            QCOMPARE(o.exitCode, 2);
            QVERIFY2(o.err.contains(QStringLiteral("its folder ") + aFile + QStringLiteral(" is a file, not a directory")),
                     qPrintable(o.err));
        }
        // A CSV folder is created with its parents.
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--csv"),
                     dir.filePath(QStringLiteral("a/b")), QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("a/b/summary.csv"))));
    }

    void rejectsDirectoriesEmptyAndMultiDocumentScenarios_data()
    {
        QTest::addColumn<QByteArray>("content"); // empty: the path is a directory
        QTest::addColumn<QString>("expected");
        QTest::newRow("directory") << QByteArray() << QStringLiteral("is a directory");
        QTest::newRow("empty file") << QByteArray("\n") << QStringLiteral("scenario is empty");
        QTest::newRow("comments only") << QByteArray("# nothing here\n") << QStringLiteral("scenario is empty");
        QTest::newRow("two documents") << QByteArray("seed: 1\n---\nseed: 2\n") << QStringLiteral(":3:1: the file holds 2");
    }

    void rejectsDirectoriesEmptyAndMultiDocumentScenarios()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QString path = dir.filePath(QStringLiteral("scenario.yaml"));
        if (content.isEmpty()) {
            QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("scenario.yaml")));
        } else {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        const auto o = cli({QStringLiteral("run"), path, QStringLiteral("--quiet")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(expected), qPrintable(o.err));
        QVERIFY(o.out.isEmpty()); // nothing ran
    }

    void listsAndShowsScenarios()
    {
        auto o = cli({QStringLiteral("scenarios")});
        QCOMPARE(o.exitCode, 0);
        for (const char* name : {"default", "seed-cache-test", "llmd-shared-prefix", "mooncake"})
            QVERIFY2(o.out.contains(QLatin1String(name)), name);
        o = cli({QStringLiteral("scenarios"), QStringLiteral("show"), QStringLiteral("default")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(QStringLiteral("block_size: 16")));
    }

    void sweepIsResumable()
    {
        QTemporaryDir dir;
        const auto out = dir.filePath(QStringLiteral("sweep.jsonl"));
        const QStringList args{QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--param"),
                               QStringLiteral("vllm.block_size=8,16,32"), QStringLiteral("--repeat"), QStringLiteral("2"),
                               QStringLiteral("--jobs"), QStringLiteral("2"), QStringLiteral("--out"), out};
        auto o = cli(args);
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(readFile(out).count('\n'), 6);
        QVERIFY(o.out.contains(QStringLiteral("vllm.block_size")));
        // Block 8 hits floor(23/8)*8 = 16 tokens of each repeat, block 32 none.
        QVERIFY2(o.err.contains(QStringLiteral("6 to run")), qPrintable(o.err));
        o = cli(args);
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("0 to run")), qPrintable(o.err));
        QCOMPARE(readFile(out).count('\n'), 6);
        const auto lines = readFile(out).split('\n');
        bool sawZero = false;
        for (const auto& line : lines) {
            const auto rec = QJsonDocument::fromJson(line).object();
            if (rec.value(QStringLiteral("params")).toObject().value(QStringLiteral("vllm.block_size")).toString() ==
                QStringLiteral("32"))
                sawZero = rec.value(QStringLiteral("hit_rate")).toDouble() == 0.0;
        }
        QVERIFY(sawZero);
    }

    void sweepResumesOnlyTheSameBaseScenario()
    {
        QTemporaryDir dir;
        const auto out = dir.filePath(QStringLiteral("sweep.jsonl"));
        const auto sweep = [&](const QStringList& extra) {
            return cli(QStringList{QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--jobs"),
                                       QStringLiteral("2"), QStringLiteral("--out"), out} +
                           extra);
        };
        const QStringList grid{QStringLiteral("--param"), QStringLiteral("vllm.block_size=8,32"), QStringLiteral("--param"),
                               QStringLiteral("cluster.pods=1,2")};
        auto o = sweep(grid);
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("4 to run")), qPrintable(o.err));

        // The same grid with the parameters listed the other way round names the same points,
        // and the table keeps the columns in the order given.
        o = sweep({QStringLiteral("--param"), QStringLiteral("cluster.pods=1,2"), QStringLiteral("--param"),
                   QStringLiteral("vllm.block_size=8,32")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("0 to run")), qPrintable(o.err));
        const auto table = o.out.section(QStringLiteral("\n\n"), 0, 0).split(QLatin1Char('\n')); // before the notes
        QVERIFY2(table.value(0).startsWith(QStringLiteral("cluster.pods\tvllm.block_size\truns")), qPrintable(o.out));
        QVERIFY2(table.value(1).startsWith(QStringLiteral("1\t8\t1\t")), qPrintable(o.out));
        QVERIFY2(table.value(2).startsWith(QStringLiteral("1\t32\t1\t")), qPrintable(o.out));
        QCOMPARE(table.size(), 5); // header, 4 rows

        // Another base (a --set, another seed) reuses nothing and leaves the old records alone.
        o = sweep(grid + QStringList{QStringLiteral("--set"), QStringLiteral("seed=7")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("4 records")) && o.err.contains(QStringLiteral("4 to run")),
                 qPrintable(o.err));
        QCOMPARE(readFile(out).count('\n'), 8);

        // A sweep killed in the middle of a line: the fragment is dropped and that point re-run.
        const QByteArray whole = readFile(out);
        {
            QFile f(out);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(whole.left(whole.size() - 40));
        }
        o = sweep(grid + QStringList{QStringLiteral("--set"), QStringLiteral("seed=7")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("sweep.jsonl:8: dropped an incomplete last line")), qPrintable(o.err));
        QVERIFY2(o.err.contains(QStringLiteral("1 to run")), qPrintable(o.err));
        const QByteArray repaired = readFile(out);
        QCOMPARE(repaired.count('\n'), 8);
        for (const auto& line : repaired.split('\n')) {
            if (!line.isEmpty())
                QVERIFY2(!QJsonDocument::fromJson(line).isNull(), line.constData());
        }

        // A whole record that only lacks its newline (edited by hand) gets one before the append.
        {
            const QByteArray before = readFile(out);
            QFile f(out);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(before.left(before.size() - 1));
        }
        o = sweep(grid + QStringList{QStringLiteral("--set"), QStringLiteral("seed=8"), QStringLiteral("--repeat"),
                                     QStringLiteral("1")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(readFile(out).count('\n'), 12);
        for (const auto& line : readFile(out).split('\n')) {
            if (!line.isEmpty())
                QVERIFY2(!QJsonDocument::fromJson(line).isNull(), line.constData());
        }

        // A file that is not a results file is refused and left alone, even without a newline.
        const QString notes = dir.filePath(QStringLiteral("notes.txt"));
        {
            QFile f(notes);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("my notes");
        }
        o = cli({QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--param"),
                     QStringLiteral("cluster.pods=1"), QStringLiteral("--out"), notes});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("notes.txt:1: not a sweep record")), qPrintable(o.err));
        QCOMPARE(readFile(notes), QByteArray("my notes"));

        // The same key twice is refused before anything runs.
        o = sweep({QStringLiteral("--param"), QStringLiteral("cluster.pods=1:3"), QStringLiteral("--param"),
                   QStringLiteral("cluster.pods=2")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("swept twice")), qPrintable(o.err));
    }
};

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
