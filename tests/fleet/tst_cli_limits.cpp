// The kvroute command line held to the scenario parser's standard (issue: robustness): runs
// that would exhaust memory fail up front naming the key, outputs never clobber inputs or each
// other, a run where nothing completed is a failure, settings that do nothing are noted, and a
// long run shows progress even when stderr is a file. Each row ran into the defect before.

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include "cli_test_support.h"

namespace {

using kvroute::test::readFile;

kvroute::test::CliOutcome cli(const QStringList& args, const QString& workDir = {}, const QString& progressSeconds = {})
{
    return kvroute::test::runKvroute(args, workDir,
                                     progressSeconds.isEmpty() ? QStringList()
                                                               : QStringList{QStringLiteral("KVROUTE_PROGRESS_SECONDS=") + progressSeconds});
}

void writeFile(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestCliLimits final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Every row must fail fast with exit 2 and a message naming the key and the way out.
    void oversizedRunsFailUpFront_data()
    {
        QTest::addColumn<QStringList>("sets");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("override beyond the GPU (was std::bad_alloc)")
            << QStringList{QStringLiteral("vllm.num_gpu_blocks_override=2000000000")}
            << QStringList{QStringLiteral("vllm.num_gpu_blocks_override"), QStringLiteral("CUDA out of memory"),
                           QStringLiteral("at most 156132 blocks fit")};
        QTest::newRow("override the schema allows")
            << QStringList{QStringLiteral("vllm.num_gpu_blocks_override=2147483647")}
            << QStringList{QStringLiteral("vllm.num_gpu_blocks_override"), QStringLiteral("CUDA out of memory")};
        QTest::newRow("small override blames the override, not max_model_len")
            << QStringList{QStringLiteral("vllm.num_gpu_blocks_override=4")}
            << QStringList{QStringLiteral("vllm.num_gpu_blocks_override:"), QStringLiteral("at least 257")};
        QTest::newRow("a million users a second")
            << QStringList{QStringLiteral("workload.chat.users_per_second=1e6")}
            << QStringList{QStringLiteral("workload.chat.users_per_second"), QStringLiteral("at most 20,000,000"),
                           QStringLiteral("workload.max_requests")};
        QTest::newRow("KV blocks over all pods")
            << QStringList{QStringLiteral("vllm.block_size=1"), QStringLiteral("cluster.pods=256"),
                           QStringLiteral("vllm.max_num_batched_tokens=8192")}
            << QStringList{QStringLiteral("vllm.block_size"), QStringLiteral("at most 32,000,000")};
    }
    void oversizedRunsFailUpFront()
    {
        QFETCH(QStringList, sets);
        QFETCH(QStringList, expected);
        QStringList args{QStringLiteral("run"), QStringLiteral("default"), QStringLiteral("--quiet")};
        for (const auto& s : sets)
            args << QStringLiteral("--set") << s;
        const auto o = cli(args);
        QCOMPARE(o.exitCode, 2);
        for (const auto& e : expected)
            QVERIFY2(o.err.contains(e), qPrintable(o.err));
        QVERIFY(o.out.isEmpty());
    }

    // A millisecond series over a million seconds is coarsened, said in the notes, and bounded.
    void sampleIntervalIsCoarsenedNotExhausted()
    {
        QTemporaryDir dir;
        const auto json = dir.filePath(QStringLiteral("r.json"));
        const auto o = cli({QStringLiteral("run"), QStringLiteral("default"), QStringLiteral("--quiet"),
                                QStringLiteral("--set"), QStringLiteral("duration=1000000"), QStringLiteral("--set"),
                                QStringLiteral("sample_interval=0.001"), QStringLiteral("--set"),
                                QStringLiteral("workload.max_requests=200"), QStringLiteral("--json"), json});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("sample_interval raised from 0.001 s to 20 s")), qPrintable(o.out));
        QVERIFY(readFile(json).size() < 50'000'000);
    }

    void outputsNeverClobberInputsOrEachOther()
    {
        QTemporaryDir dir;
        const QString scenario = dir.filePath(QStringLiteral("self.yaml"));
        writeFile(scenario, "name: self\nworkload:\n  type: repeat-prompt\n");
        const QByteArray before = readFile(scenario);
        auto o = cli({QStringLiteral("run"), scenario, QStringLiteral("--json"), scenario, QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("would overwrite the scenario file")), qPrintable(o.err));
        QCOMPARE(readFile(scenario), before);

        const QString same = dir.filePath(QStringLiteral("same"));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--json"), same,
                     QStringLiteral("--csv"), same, QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("--json and --csv both name")), qPrintable(o.err));
        QVERIFY(!QFile::exists(same)); // nothing half-written

        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--csv"),
                     QStringLiteral("-"), QStringLiteral("-q")},
                    dir.path());
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("--csv takes a directory")), qPrintable(o.err));
        QVERIFY(!QDir(dir.filePath(QStringLiteral("-"))).exists());

        // A file name ending in .csv would become a directory of that name.
        const QString csvFile = dir.filePath(QStringLiteral("results.csv"));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--csv"), csvFile,
                 QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("--csv takes a directory and writes summary.csv")), qPrintable(o.err));
        QVERIFY(!QFileInfo::exists(csvFile));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--csv"),
                 dir.filePath(QStringLiteral("RESULTS.CSV")), QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 2);
        // ... but a directory of that name is one.
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("kept.csv")));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--csv"),
                 dir.filePath(QStringLiteral("kept.csv")), QStringLiteral("-q")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("kept.csv/summary.csv"))));

        const QString csv = dir.filePath(QStringLiteral("csv"));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("--json"),
                     csv + QStringLiteral("/summary.csv"), QStringLiteral("--csv"), csv, QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("would both write")), qPrintable(o.err));
    }

    void nothingCompletedIsAFailure_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("note");
        QTest::newRow("every prompt over max_model_len")
            << QStringList{QStringLiteral("seed-cache-test"), QStringLiteral("--set"),
                           QStringLiteral("workload.repeat.prompt_tokens=5000")}
            << QStringLiteral("20 of 20 requests were rejected");
        QTest::newRow("system prompt longer than max_model_len")
            << QStringList{QStringLiteral("default"), QStringLiteral("--set"),
                           QStringLiteral("workload.chat.system_prompt_tokens=5000")}
            << QStringLiteral("system_prompt_tokens alone is longer than that");
    }
    void nothingCompletedIsAFailure()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, note);
        const auto o = cli(QStringList{QStringLiteral("run"), QStringLiteral("-q")} + args);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.out.contains(note), qPrintable(o.out));
        QVERIFY2(o.err.contains(QStringLiteral("no request completed")), qPrintable(o.err));
    }

    void ignoredSettingsAreNoted()
    {
        const auto o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("-q"),
                                QStringLiteral("--set"), QStringLiteral("routing.profile=precise")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("routing.profile is precise but routing.policy is kube-service")),
                 qPrintable(o.out));
    }

    void sweepsRefuseSetAndParamOnOneKeyAndKeepNotes()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("s.jsonl"));
        auto o = cli({QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--param"),
                          QStringLiteral("cluster.pods=1,2"), QStringLiteral("--set"), QStringLiteral("cluster.pods=5"),
                          QStringLiteral("-o"), out});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("is both set")), qPrintable(o.err));
        QVERIFY(!QFile::exists(out));

        o = cli({QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--param"),
                     QStringLiteral("cluster.pods=1,x"), QStringLiteral("-o"), out});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("--param cluster.pods=x")) && !o.err.contains(QStringLiteral("--set")),
                 qPrintable(o.err));

        o = cli({QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--param"),
                     QStringLiteral("vllm.block_size=16,32"), QStringLiteral("--set"),
                     QStringLiteral("routing.profile=precise"), QStringLiteral("-o"), out, QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("Notes:")) &&
                     o.out.contains(QStringLiteral("routing.profile is precise")) &&
                     o.out.contains(QStringLiteral("(every point)")),
                 qPrintable(o.out));
        QVERIFY(readFile(out).contains("\"notes\":[")); // kept in the records too
    }

    // The built-ins are compiled in, the Mooncake sample trace too: any working folder works.
    void builtinsRunFromAnyFolder_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* name : {"default", "seed-cache-test", "llmd-shared-prefix", "mooncake"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }
    void builtinsRunFromAnyFolder()
    {
        QFETCH(QString, name);
        QTemporaryDir elsewhere;
        const auto o = cli({QStringLiteral("run"), name, QStringLiteral("-q"), QStringLiteral("--set"),
                                QStringLiteral("workload.max_requests=60")},
                               elsewhere.path());
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY(o.out.contains(QStringLiteral("Prefix-cache hit rate")));
    }

    void binaryAndMisencodedScenarioFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("NUL bytes first") << QByteArray("\0\0name: x\n", 11) << QStringLiteral(":1:1: not a YAML text file: byte 0x00");
        QTest::newRow("escape on line 2") << QByteArray("seed: 1\ncluster: \x1b\n") << QStringLiteral(":2:10: not a YAML text file: byte 0x1b");
        QTest::newRow("Latin-1 text") << QByteArray("name: caf\xe9\n") << QStringLiteral(":1:10: not a YAML text file: invalid UTF-8");
    }
    void binaryAndMisencodedScenarioFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bin.yaml"));
        writeFile(path, bytes);
        const auto o = cli({QStringLiteral("run"), path, QStringLiteral("-q")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(path + expected), qPrintable(o.err));
        for (const QChar c : o.err)
            QVERIFY2(c == QLatin1Char('\n') || c.unicode() >= 0x20, "control character in the message");
    }

    // Found by a new-user pass: every mistake is exit 2 with the place named, nothing grows.
    void badInputIsExitTwoAndNamed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const auto set = [](const char* kv) { return QStringList{QStringLiteral("--set"), QString::fromLatin1(kv)}; };
        QTest::newRow("an extra argument (CLI11 said 109)")
            << QStringList{QStringLiteral("run"), QStringLiteral("default"), QStringLiteral("extra")}
            << QStringLiteral("extra");
        QTest::newRow("an option without its value (114)")
            << QStringList{QStringLiteral("run"), QStringLiteral("default"), QStringLiteral("--json")} << QStringLiteral("--json");
        QTest::newRow("no subcommand (106)") << QStringList{} << QStringLiteral("subcommand");
        QTest::newRow("sweep into a missing folder, before running")
            << QStringList{QStringLiteral("sweep"), QStringLiteral("seed-cache-test"), QStringLiteral("--param"),
                           QStringLiteral("cluster.pods=1"), QStringLiteral("--out"), QStringLiteral("/nonexistent-dir/x.jsonl")}
            << QStringLiteral("cannot write there: its folder");
        QTest::newRow("a device as trace (grew to 8 GB)")
            << (QStringList{QStringLiteral("run"), QStringLiteral("default")} + set("workload.type=azure") +
                set("workload.path=/dev/zero"))
            << QStringLiteral("/dev/zero: is not a regular file");
        QTest::newRow("a device as scenario") << QStringList{QStringLiteral("run"), QStringLiteral("/dev/zero")}
                                              << QStringLiteral("a scenario is a YAML file");
        QTest::newRow("prompts in range that fill memory (4.9 GB)")
            << (QStringList{QStringLiteral("run"), QStringLiteral("llmd-shared-prefix")} +
                set("workload.shared_prefix.system_prompt_len=10000000"))
            << QStringLiteral("workload.shared_prefix.system_prompt_len: the workload would hold 1,500,900,000 prompt tokens");
        QTest::newRow("the documented range is the enforced one")
            << (QStringList{QStringLiteral("run"), QStringLiteral("default")} + set("workload.chat.system_prompts=1000000"))
            << QStringLiteral("--set workload.chat.system_prompts=1000000: 'workload.chat.system_prompts' must be in [0, 128000]");
    }
    void badInputIsExitTwoAndNamed()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        if (!args.isEmpty())
            args.insert(1, QStringLiteral("-q")); // right after the subcommand: nothing may take it as a value
        const auto o = cli(args);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(expected), qPrintable(o.err));
    }

    // kvroute pod --max-body-bytes below a small completion request's size made every request a
    // 413: such a value is refused while the options are parsed, naming the option and the range.
    // The scenario does not exist, so that a value let through ends there instead of serving.
    void podRefusesAMaxBodyBelow1024_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("0") << QStringLiteral("0");
        QTest::newRow("1023") << QStringLiteral("1023");
    }
    void podRefusesAMaxBodyBelow1024()
    {
        QFETCH(QString, value);
        const auto o = cli({QStringLiteral("pod"), QStringLiteral("no-such-scenario"), QStringLiteral("-q"),
                            QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--max-body-bytes"), value});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("--max-body-bytes: %1 is out of range; allowed: 1024 to 17179869184").arg(value)),
                 qPrintable(o.err));
    }
    // A numeric option given something that is no number said "Value abc not in range 0 to
    // 65535"; now the message says which of the two it is, and what is allowed.
    void numericOptionsSayWhatIsWrong_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString pod = QStringLiteral("pod");
        QTest::newRow("a word for a port") << QStringList{pod, QStringLiteral("--port"), QStringLiteral("abc")}
                                           << QStringLiteral("--port: 'abc' is not a whole number; allowed: 0 to 65535");
        QTest::newRow("a fraction for a port") << QStringList{pod, QStringLiteral("--port"), QStringLiteral("80.5")}
                                               << QStringLiteral("--port: '80.5' is not a whole number; allowed: 0 to 65535");
        QTest::newRow("a port too high") << QStringList{pod, QStringLiteral("--port"), QStringLiteral("99999")}
                                         << QStringLiteral("--port: 99999 is out of range; allowed: 0 to 65535");
        QTest::newRow("a word for --repeat") << QStringList{QStringLiteral("sweep"), QStringLiteral("default"), QStringLiteral("--repeat"), QStringLiteral("x")}
                                             << QStringLiteral("--repeat: 'x' is not a whole number; allowed: 1 to 1000");
        QTest::newRow("an interval too short")
            << QStringList{QStringLiteral("live"), QStringLiteral("watch"), QStringLiteral("--interval"), QStringLiteral("0.1")}
            << QStringLiteral("--interval: 0.1 is out of range; allowed: 0.2 to 3600");
        QTest::newRow("a timeout of nothing, in its unit")
            << QStringList{QStringLiteral("deploy"), QStringLiteral("apply"), QStringLiteral("rendered"), QStringLiteral("--timeout"), QStringLiteral("0")}
            << QStringLiteral("--timeout: 0 is out of range; allowed: 1 to 86400 seconds");
        QTest::newRow("nothing for a port") << QStringList{pod, QStringLiteral("--port"), QString()}
                                            << QStringLiteral("--port: '' is not a whole number; allowed: 0 to 65535");
        // CLI11 read a leading zero as octal: 010 pods were 8.
        QTest::newRow("a leading zero is decimal")
            << QStringList{QStringLiteral("sweep"), QStringLiteral("emit-job"), QStringLiteral("default"), QStringLiteral("--param"),
                           QStringLiteral("vllm.block_size=16,32"), QStringLiteral("--image"), QStringLiteral("x"),
                           QStringLiteral("--parallelism"), QStringLiteral("010")}
            << QStringLiteral("--parallelism (and so the shards) 10 is more than the grid's 2 points");
        QTest::newRow("08 is eight") << QStringList{pod, QStringLiteral("--port"), QStringLiteral("08"), QStringLiteral("no-such-scenario")}
                                     << QStringLiteral("unknown built-in scenario 'no-such-scenario'");
        // nan passed every range and switched a gate off.
        QTest::newRow("nan for a gate")
            << QStringList{QStringLiteral("validate"), QStringLiteral("--min-hit-rate"), QStringLiteral("0.5"),
                           QStringLiteral("--min-stickiness"), QStringLiteral("nan")}
            << QStringLiteral("--min-stickiness: 'nan' is not a number; allowed: 0 to 1");
        QTest::newRow("inf for a time scale") << QStringList{QStringLiteral("gateway"), QStringLiteral("--time-scale"), QStringLiteral("inf")}
                                              << QStringLiteral("--time-scale: 'inf' is not a number; allowed: 0 to 1000");
        // Numeric options without a range read numbers the same way.
        QTest::newRow("nothing for a duration")
            << QStringList{QStringLiteral("load"), QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--duration"), QString()}
            << QStringLiteral("--duration: '' is not a number");
        QTest::newRow("a fraction for a pod index") << QStringList{pod, QStringLiteral("--index"), QStringLiteral("1.5")}
                                                    << QStringLiteral("--index: '1.5' is not a whole number");
        QTest::newRow("a word for an interval")
            << QStringList{QStringLiteral("live"), QStringLiteral("watch"), QStringLiteral("--interval"), QStringLiteral("soon")}
            << QStringLiteral("--interval: 'soon' is not a number; allowed: 0.2 to 3600");
    }
    void numericOptionsSayWhatIsWrong()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const auto o = cli(args);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(expected), qPrintable(o.err));
    }
    // A value with a plus sign, or a fraction where fractions are allowed, passes.
    void numericOptionsTakeWellFormedNumbers()
    {
        auto o = cli({QStringLiteral("pod"), QStringLiteral("no-such-scenario"), QStringLiteral("-q"), QStringLiteral("--port"),
                      QStringLiteral("+0")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("unknown built-in scenario 'no-such-scenario'")), qPrintable(o.err));
        o = cli({QStringLiteral("validate"), QStringLiteral("--min-hit-rate"), QStringLiteral("0.5"), QStringLiteral("--help")});
        QCOMPARE(o.exitCode, 0);
    }
    // 1024 passes the options: the run ends only at the missing scenario.
    void podTakesAMaxBodyOf1024()
    {
        const auto o = cli({QStringLiteral("pod"), QStringLiteral("no-such-scenario"), QStringLiteral("-q"),
                            QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--max-body-bytes"),
                            QStringLiteral("1024")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("unknown built-in scenario 'no-such-scenario'")), qPrintable(o.err));
        QVERIFY2(!o.err.contains(QStringLiteral("--max-body-bytes")), qPrintable(o.err));
    }

    void traceLinesAreBounded()
    {
        QTemporaryDir dir;
        const QString trace = dir.filePath(QStringLiteral("huge.jsonl"));
        QFile f(trace);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(80LL * 1024 * 1024)); // sparse: 80 MiB of NUL bytes and no newline
        f.close();
        const auto o = cli({QStringLiteral("run"), QStringLiteral("mooncake"), QStringLiteral("-q"), QStringLiteral("--set"),
                            QStringLiteral("workload.path=") + trace});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(trace + QStringLiteral(":1: a line longer than 67108864 bytes")), qPrintable(o.err));
    }

    void cutShortAndEmptyRunsSaySo()
    {
        auto o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("-q"), QStringLiteral("--set"),
                      QStringLiteral("workload.repeat.count=100000"), QStringLiteral("--set"), QStringLiteral("workload.repeat.gap=0")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("of the 100000 repeats (workload.repeat.count) were sent before duration (30 s)")),
                 qPrintable(o.out));
        o = cli({QStringLiteral("run"), QStringLiteral("default"), QStringLiteral("-q"), QStringLiteral("--set"),
                 QStringLiteral("duration=0.5"), QStringLiteral("--set"), QStringLiteral("drain_limit=0")});
        QVERIFY2(o.out.contains(QStringLiteral("Prefix-cache hit rate   n/a")), qPrintable(o.out));
        o = cli({QStringLiteral("run"), QStringLiteral("seed-cache-test"), QStringLiteral("-q"), QStringLiteral("--set"),
                 QStringLiteral("name=\x1b[31mRED\x07")});
        QVERIFY2(o.out.startsWith(QStringLiteral("kvroute run: \\x1b[31mRED\\x07")), qPrintable(o.out.left(80)));
    }

    void conformanceRefusesAHashSeedPythonRefuses()
    {
        const auto o = kvroute::test::runKvroute({QStringLiteral("conformance"), QStringLiteral(KVROUTE_SOURCE_DIR "/../shared/conformance/basic.jsonl")},
                                                 {}, {QStringLiteral("PYTHONHASHSEED=abc")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QStringLiteral("PYTHONHASHSEED must be \"random\" or an integer")), qPrintable(o.err));
    }

    // stderr redirected to a file: plain progress lines instead of a terminal bar.
    void longRunsShowProgressWithoutATerminal()
    {
        // Lines from the start and every 0.05 s, so the test does not depend on this machine's speed.
        const auto o = cli({QStringLiteral("run"), QStringLiteral("llmd-shared-prefix"), QStringLiteral("--set"),
                                QStringLiteral("workload.max_requests=2000")},
                               {}, QStringLiteral("0.05"));
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.err.contains(QStringLiteral("progress: ")) && o.err.contains(QStringLiteral("% simulating")),
                 qPrintable(o.err));
        QVERIFY(!o.err.contains(QLatin1Char('\r')));
        // The log that showed the run under way shows it done, once.
        QCOMPARE(o.err.count(QStringLiteral("progress: 100% simulating")), 1);
    }
};

QTEST_APPLESS_MAIN(TestCliLimits)
#include "tst_cli_limits.moc"
