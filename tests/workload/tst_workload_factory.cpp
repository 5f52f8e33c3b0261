// makeWorkload and the trace readers on bad input: every error names where it is (file:line,
// or the configuration field) and what is wrong; good configurations build and describe
// themselves; relative trace paths resolve against the scenario's folder.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "sim/workload/mooncake_trace.h"
#include "sim/workload/workload_factory.h"
#include "workload_test_support.h"

#include <string>

using kvroute::sim::Distribution;
using kvroute::sim::makeWorkload;
using kvroute::sim::WorkloadConfig;
using kvroute::sim::WorkloadKind;

Q_DECLARE_METATYPE(WorkloadConfig)

namespace {

const char* kGoodLine = R"({"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [1, 2]})";

std::string writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return path.toStdString();
}

WorkloadConfig mooncakeConfig(const std::string& path)
{
    WorkloadConfig c;
    c.kind = WorkloadKind::Mooncake;
    c.trace.path = path;
    return c;
}

} // namespace

class TestWorkloadFactory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void malformedMooncakeLines_data();
    void malformedMooncakeLines();
    void malformedAzureRows_data();
    void malformedAzureRows();
    void missingFiles();
    void invalidParameters_data();
    void invalidParameters();
    void goodConfigurationsBuild_data();
    void goodConfigurationsBuild();
    void relativeTracePath();
};

void TestWorkloadFactory::malformedMooncakeLines_data()
{
    QTest::addColumn<QByteArray>("badLine");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("not JSON") << QByteArray(R"({"timestamp": 5, "input_length": )") << QStringLiteral("malformed JSON");
    QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("JSON object");
    QTest::newRow("no timestamp") << QByteArray(R"({"input_length": 10, "output_length": 1, "hash_ids": [1]})")
                                  << QStringLiteral("\"timestamp\"");
    QTest::newRow("timestamp string") << QByteArray(R"({"timestamp": "0", "input_length": 10, "output_length": 1, "hash_ids": [1]})")
                                      << QStringLiteral("\"timestamp\"");
    QTest::newRow("negative time") << QByteArray(R"({"timestamp": -1, "input_length": 10, "output_length": 1, "hash_ids": [1]})")
                                   << QStringLiteral("\"timestamp\" must be");
    QTest::newRow("time goes back") << QByteArray(R"({"timestamp": 1, "input_length": 10, "output_length": 1, "hash_ids": [1]})")
                                    << QStringLiteral("goes backwards");
    QTest::newRow("input 0") << QByteArray(R"({"timestamp": 9, "input_length": 0, "output_length": 1, "hash_ids": [1]})")
                             << QStringLiteral("\"input_length\"");
    QTest::newRow("input float") << QByteArray(R"({"timestamp": 9, "input_length": 1.5, "output_length": 1, "hash_ids": [1]})")
                                 << QStringLiteral("\"input_length\"");
    QTest::newRow("output negative") << QByteArray(R"({"timestamp": 9, "input_length": 10, "output_length": -2, "hash_ids": [1]})")
                                     << QStringLiteral("\"output_length\"");
    QTest::newRow("too few ids") << QByteArray(R"({"timestamp": 9, "input_length": 1000, "output_length": 1, "hash_ids": [1]})")
                                 << QStringLiteral("\"hash_ids\" has 1 ids");
    QTest::newRow("id string") << QByteArray(R"({"timestamp": 9, "input_length": 10, "output_length": 1, "hash_ids": ["a"]})")
                               << QStringLiteral("\"hash_ids\"[0]");
    QTest::newRow("ids missing") << QByteArray(R"({"timestamp": 9, "input_length": 10, "output_length": 1})")
                                 << QStringLiteral("\"hash_ids\"");
}

void TestWorkloadFactory::malformedMooncakeLines()
{
    QFETCH(QByteArray, badLine);
    QFETCH(QString, messagePart);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Line 1 good, line 2 blank, line 3 good, line 4 bad.
    const QByteArray content = QByteArray(kGoodLine) + "\n\n" + R"({"timestamp": 3, "input_length": 512, "output_length": 0, "hash_ids": [1]})" + "\n" + badLine + "\n" + kGoodLine + "\n";
    const std::string path = writeFile(dir, QStringLiteral("bad.jsonl"), content);
    const auto made = makeWorkload(mooncakeConfig(path), 1);
    QVERIFY(!made.has_value());
    QCOMPARE(QString::fromStdString(made.error().where), QString::fromStdString(path + ":4"));
    QVERIFY2(QString::fromStdString(made.error().message).contains(messagePart),
             made.error().toString().c_str());
    // The ideal-hit helper reports the same error.
    const auto ideal = kvroute::sim::mooncakeIdealHit(path);
    QVERIFY(!ideal.has_value());
    QCOMPARE(QString::fromStdString(ideal.error().where), QString::fromStdString(path + ":4"));
    // Limited to the first records, the bad line is never read.
    auto limited = mooncakeConfig(path);
    limited.maxRequests = 2;
    QVERIFY(makeWorkload(limited, 1).has_value());
}

void TestWorkloadFactory::malformedAzureRows_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("messagePart");
    const QByteArray header = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n";
    const QByteArray good = "2023-11-16 18:15:46.6805900,374,44\r\n";
    QTest::newRow("bad time") << header + good + "2023-11-16 18:61:00,1,1\r\n" << QStringLiteral(":3")
                              << QStringLiteral("TIMESTAMP");
    QTest::newRow("time goes back") << header + good + "2023-11-16 18:15:40,1,1\r\n" << QStringLiteral(":3")
                                    << QStringLiteral("earlier");
    QTest::newRow("context 0") << header + good + good + "2023-11-16 18:16:00,0,1\r\n" << QStringLiteral(":4")
                               << QStringLiteral("ContextTokens");
    QTest::newRow("generated text") << header + "2023-11-16 18:16:00,5,many\r\n" << QStringLiteral(":2")
                                    << QStringLiteral("GeneratedTokens");
    QTest::newRow("short row") << header + "2023-11-16 18:16:00,5\r\n" << QStringLiteral(":2")
                               << QStringLiteral("fields");
    QTest::newRow("no column") << QByteArray("TIMESTAMP,Context,GeneratedTokens\n") + good << QStringLiteral(":1")
                               << QStringLiteral("ContextTokens");
}

void TestWorkloadFactory::malformedAzureRows()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, where);
    QFETCH(QString, messagePart);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, QStringLiteral("bad.csv"), content);
    WorkloadConfig c;
    c.kind = WorkloadKind::Azure;
    c.trace.path = path;
    const auto made = makeWorkload(c, 1);
    QVERIFY(!made.has_value());
    QCOMPARE(QString::fromStdString(made.error().where), QString::fromStdString(path) + where);
    QVERIFY2(QString::fromStdString(made.error().message).contains(messagePart), made.error().toString().c_str());
}

void TestWorkloadFactory::missingFiles()
{
    QTemporaryDir dir;
    const std::string missing = dir.filePath(QStringLiteral("nope.jsonl")).toStdString();
    const auto made = makeWorkload(mooncakeConfig(missing), 1);
    QVERIFY(!made.has_value());
    QCOMPARE(QString::fromStdString(made.error().where), QString::fromStdString(missing));
    QVERIFY2(QString::fromStdString(made.error().message).contains(QStringLiteral("no such trace file (workload.path")),
             made.error().toString().c_str());
    const auto directory = makeWorkload(mooncakeConfig(dir.path().toStdString()), 1);
    QVERIFY(!directory.has_value());
    QVERIFY(QString::fromStdString(directory.error().message).contains(QStringLiteral("is a directory")));
    // An empty trace would run nothing and report 0 of 0: refused instead.
    const std::string blank = writeFile(dir, QStringLiteral("blank.jsonl"), QByteArray("\n\n"));
    const auto none = makeWorkload(mooncakeConfig(blank), 1);
    QVERIFY(!none.has_value());
    QCOMPARE(none.error().toString(), blank + ": the trace holds no records");
    // An Azure CSV given as Mooncake gets a hint.
    const std::string csv = writeFile(dir, QStringLiteral("azure.csv"),
                                      QByteArray("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"));
    const auto wrongType = makeWorkload(mooncakeConfig(csv), 1);
    QVERIFY(!wrongType.has_value());
    QVERIFY2(QString::fromStdString(wrongType.error().message).contains(QStringLiteral("set workload.type: azure")),
             wrongType.error().toString().c_str());
    const auto empty = makeWorkload(mooncakeConfig(""), 1);
    QVERIFY(!empty.has_value());
    QCOMPARE(QString::fromStdString(empty.error().where), QStringLiteral("workload.path"));
}

void TestWorkloadFactory::invalidParameters_data()
{
    QTest::addColumn<WorkloadConfig>("config");
    QTest::addColumn<QString>("where");

    WorkloadConfig c;
    c.kind = WorkloadKind::ChatSessions;
    c.chat.usersPerSecond = 0;
    QTest::newRow("chat rate 0") << c << QStringLiteral("workload.chat.users_per_second");
    c = {};
    c.chat.messageTokens = Distribution::uniform(10, 5);
    QTest::newRow("chat min > max") << c << QStringLiteral("workload.chat.message_tokens");
    c = {};
    c.chat.answerTokens = Distribution::constant(0);
    QTest::newRow("chat answer 0") << c << QStringLiteral("workload.chat.answer_tokens");
    c = {};
    c.chat.thinkTimeSeconds = Distribution::exponential(-1);
    QTest::newRow("chat think mean < 0") << c << QStringLiteral("workload.chat.think_time");
    c = {};
    c.chat.systemPrompts = 2;
    c.chat.systemPromptTokens = 0;
    QTest::newRow("chat empty system prompt") << c << QStringLiteral("workload.chat.system_prompt_tokens");
    c = {};
    c.chat.maxPromptTokens = -1;
    QTest::newRow("chat max prompt < 0") << c << QStringLiteral("workload.chat.max_prompt_tokens");

    c = {};
    c.kind = WorkloadKind::SharedPrefix;
    c.sharedPrefix.questionLen = 0;
    QTest::newRow("question 0") << c << QStringLiteral("workload.shared_prefix.question_len");
    c.sharedPrefix.questionLen = 10;
    c.sharedPrefix.outputLen = 0;
    QTest::newRow("output 0") << c << QStringLiteral("workload.shared_prefix.output_len");
    c.sharedPrefix.outputLen = 10;
    c.sharedPrefix.numGroups = 0;
    QTest::newRow("no groups") << c << QStringLiteral("workload.shared_prefix.num_groups");
    c.sharedPrefix.numGroups = 5;
    c.sharedPrefix.stages = {{1.0, 10.0}, {-3.0, 10.0}};
    QTest::newRow("negative rate") << c << QStringLiteral("workload.shared_prefix.stages[1].rate");
    c.sharedPrefix.stages = {{1.0, 0.0}};
    QTest::newRow("zero duration") << c << QStringLiteral("workload.shared_prefix.stages[0].duration");
    c.sharedPrefix.stages = {};
    QTest::newRow("no stages") << c << QStringLiteral("workload.shared_prefix.stages");

    c = {};
    c.kind = WorkloadKind::RepeatPrompt;
    c.repeat.count = 0;
    QTest::newRow("repeat 0 times") << c << QStringLiteral("workload.repeat.count");
    c.repeat.count = 3;
    c.repeat.gapSeconds = -0.5;
    QTest::newRow("negative gap") << c << QStringLiteral("workload.repeat.gap");

    c = {};
    c.kind = WorkloadKind::Mooncake;
    c.trace.path = kvroute::test::sharedTrace("synthetic_trace.jsonl");
    c.trace.timeScale = 0;
    QTest::newRow("time scale 0") << c << QStringLiteral("workload.time_scale");
    c.trace.timeScale = 1;
    c.trace.mooncakeBlockTokens = 0;
    QTest::newRow("block 0") << c << QStringLiteral("workload.mooncake_block_tokens");
    c.trace.mooncakeBlockTokens = 512;
    c.maxRequests = -1;
    QTest::newRow("negative limit") << c << QStringLiteral("workload.max_requests");
}

void TestWorkloadFactory::invalidParameters()
{
    QFETCH(WorkloadConfig, config);
    QFETCH(QString, where);
    const auto made = makeWorkload(config, 1);
    QVERIFY(!made.has_value());
    QCOMPARE(QString::fromStdString(made.error().where), where);
    QVERIFY(!made.error().message.empty());
    QVERIFY(!kvroute::sim::checkWorkloadConfig(config).has_value());
}

void TestWorkloadFactory::goodConfigurationsBuild_data()
{
    QTest::addColumn<WorkloadConfig>("config");
    QTest::addColumn<QString>("describes");
    WorkloadConfig c;
    QTest::newRow("chat defaults") << c << QStringLiteral("chat-sessions: 1 users/s");
    c.kind = WorkloadKind::SharedPrefix;
    QTest::newRow("shared prefix defaults") << c << QStringLiteral("150 groups × 5 prompts");
    c.kind = WorkloadKind::RepeatPrompt;
    QTest::newRow("repeat defaults") << c << QStringLiteral("repeat-prompt: 20 ×");
    c.kind = WorkloadKind::Mooncake;
    c.trace.path = kvroute::test::sharedTrace("synthetic_trace.jsonl");
    QTest::newRow("mooncake") << c << QStringLiteral("mooncake-trace:");
    c.kind = WorkloadKind::Azure;
    c.trace.path = kvroute::test::sharedTrace("AzureLLMInferenceTrace_conv.csv");
    QTest::newRow("azure") << c << QStringLiteral("azure-trace:");
}

void TestWorkloadFactory::goodConfigurationsBuild()
{
    QFETCH(WorkloadConfig, config);
    QFETCH(QString, describes);
    const auto made = makeWorkload(config, 1);
    QVERIFY2(made.has_value(), made ? "" : made.error().toString().c_str());
    const QString text = QString::fromStdString((*made)->describe());
    QVERIFY2(text.contains(describes), qPrintable(text));
}

void TestWorkloadFactory::relativeTracePath()
{
    WorkloadConfig c;
    c.kind = WorkloadKind::Mooncake;
    c.trace.path = "traces/synthetic_trace.jsonl";
    c.maxRequests = 10;
    QVERIFY(!makeWorkload(c, 1).has_value());
    const auto made = makeWorkload(c, 1, KVROUTE_SOURCE_DIR "/../shared");
    QVERIFY2(made.has_value(), made ? "" : made.error().toString().c_str());
    const auto run = kvroute::test::runWorkload(**made);
    QCOMPARE(run.requests.size(), std::size_t{10});
}

QTEST_APPLESS_MAIN(TestWorkloadFactory)
#include "tst_workload_factory.moc"
