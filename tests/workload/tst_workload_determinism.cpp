// Every workload kind, built by the factory: the same seed gives the identical request sequence
// (ids, times, sessions, addresses, turns, tokens, answers), a different seed a different one.

#include <QTest>

#include "sim/kernel/sim_time.h"
#include "sim/workload/workload_factory.h"
#include "workload_test_support.h"

#include <memory>

using kvroute::sim::kSecond;
using kvroute::sim::WorkloadConfig;
using kvroute::sim::WorkloadKind;
using kvroute::sim::WorkloadRequest;

Q_DECLARE_METATYPE(WorkloadConfig)

namespace {

bool sameRequest(const WorkloadRequest& a, const WorkloadRequest& b)
{
    return a.id == b.id && a.arrival == b.arrival && a.sessionId == b.sessionId && a.clientIp == b.clientIp &&
           a.turn == b.turn && a.maxTokens == b.maxTokens && a.prompt.copy() == b.prompt.copy() &&
           a.answer.explicitTokens == b.answer.explicitTokens && a.answer.base == b.answer.base &&
           a.answer.offset == b.answer.offset && a.answer.modulus == b.answer.modulus;
}

bool sameRun(const kvroute::test::RunResult& a, const kvroute::test::RunResult& b)
{
    if (a.requests.size() != b.requests.size())
        return false;
    for (std::size_t i = 0; i < a.requests.size(); ++i) {
        if (!sameRequest(a.requests[i], b.requests[i]))
            return false;
    }
    return true;
}

kvroute::test::RunResult runOnce(const WorkloadConfig& config, std::uint64_t seed)
{
    auto workload = kvroute::sim::makeWorkload(config, seed);
    if (!workload) {
        qWarning("%s", workload.error().toString().c_str());
        return {};
    }
    // Closed loops need answers: every request takes 2 s and produces its max_tokens.
    return kvroute::test::runWorkload(**workload, 300 * kSecond, 0, 2 * kSecond);
}

} // namespace

class TestWorkloadDeterminism : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seeds_data();
    void seeds();
};

void TestWorkloadDeterminism::seeds_data()
{
    QTest::addColumn<WorkloadConfig>("config");
    QTest::addColumn<bool>("promptsDependOnSeed");

    WorkloadConfig chat;
    chat.kind = WorkloadKind::ChatSessions;
    chat.chat.usersPerSecond = 0.5;
    QTest::newRow("chat sessions") << chat << true;

    WorkloadConfig shared;
    shared.kind = WorkloadKind::SharedPrefix;
    shared.sharedPrefix.numGroups = 10;
    shared.sharedPrefix.promptsPerGroup = 3;
    shared.sharedPrefix.systemPromptLen = 500;
    shared.sharedPrefix.questionLen = 50;
    shared.sharedPrefix.outputLen = 20;
    shared.sharedPrefix.stages = {{4.0, 30.0}, {8.0, 20.0}};
    QTest::newRow("shared prefix") << shared << true;

    WorkloadConfig repeat;
    repeat.kind = WorkloadKind::RepeatPrompt;
    QTest::newRow("repeat prompt") << repeat << true;

    WorkloadConfig mooncake;
    mooncake.kind = WorkloadKind::Mooncake;
    mooncake.trace.path = kvroute::test::sharedTrace("conversation_trace.jsonl");
    mooncake.trace.timeScale = 0.01;
    mooncake.maxRequests = 300;
    QTest::newRow("mooncake") << mooncake << false; // prompts come from the trace's hash ids

    WorkloadConfig azure;
    azure.kind = WorkloadKind::Azure;
    azure.trace.path = kvroute::test::sharedTrace("AzureLLMInferenceTrace_code.csv");
    azure.maxRequests = 300;
    QTest::newRow("azure") << azure << true;
}

void TestWorkloadDeterminism::seeds()
{
    QFETCH(WorkloadConfig, config);
    QFETCH(bool, promptsDependOnSeed);
    const auto a = runOnce(config, 1234);
    const auto b = runOnce(config, 1234);
    const auto c = runOnce(config, 1235);
    QVERIFY(a.requests.size() > 15);
    QVERIFY(sameRun(a, b));
    QVERIFY(!sameRun(a, c));
    if (promptsDependOnSeed) {
        QVERIFY(a.requests.front().prompt.copy() != c.requests.front().prompt.copy());
    } else {
        QCOMPARE(a.requests.size(), c.requests.size());
        for (std::size_t i = 0; i < a.requests.size(); ++i)
            QVERIFY(a.requests[i].prompt.copy() == c.requests[i].prompt.copy());
    }
}

QTEST_APPLESS_MAIN(TestWorkloadDeterminism)
#include "tst_workload_determinism.moc"
