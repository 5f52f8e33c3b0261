// RepeatPromptWorkload (the demo's cache-test.sh, llmd.md §5): the same prompt `count` times at
// exact gaps, one session, one address; optionally each gap after the previous answer.

#include <QTest>

#include "sim/kernel/sim_time.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/repeat_prompt_workload.h"
#include "workload_test_support.h"

using kvroute::sim::kMillisecond;
using kvroute::sim::kSecond;
using kvroute::sim::RepeatPromptConfig;
using kvroute::sim::RepeatPromptWorkload;
using kvroute::sim::SimTime;
using kvroute::test::runWorkload;

class TestRepeatPromptWorkload : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identicalPromptsAtExactGaps();
    void gapAfterEachAnswer();
    void limits();
};

void TestRepeatPromptWorkload::identicalPromptsAtExactGaps()
{
    RepeatPromptConfig c; // 20 × 24 tokens, max_tokens 20, 0.5 s apart
    RepeatPromptWorkload workload(c, 1);
    const auto run = runWorkload(workload);
    QCOMPARE(run.requests.size(), std::size_t{20});
    for (std::size_t k = 0; k < run.requests.size(); ++k) {
        const auto& r = run.requests[k];
        QCOMPARE(r.arrival, static_cast<SimTime>(k) * 500 * kMillisecond);
        QCOMPARE(r.prompt.size(), std::size_t{24});
        QVERIFY(*r.prompt.stored() == *run.requests.front().prompt.stored());
        QCOMPARE(r.maxTokens, 20);
        QCOMPARE(r.sessionId, std::uint64_t{0});
        QCOMPARE(r.clientIp, kvroute::sim::kSingleClientIp);
        QCOMPARE(r.turn, static_cast<std::int32_t>(k));
        QCOMPARE(r.id, static_cast<kvroute::sim::RequestId>(k + 1));
        // temperature 0, seed 42: the same answer every time
        QCOMPARE(r.answer.offset, run.requests.front().answer.offset);
    }
}

void TestRepeatPromptWorkload::gapAfterEachAnswer()
{
    RepeatPromptConfig c;
    c.count = 5;
    c.gapSeconds = 0.5;
    c.waitForCompletion = true;
    RepeatPromptWorkload workload(c, 1);
    const SimTime service = 120 * kMillisecond;
    const auto run = runWorkload(workload, kvroute::test::kForever, 0, service);
    QCOMPARE(run.requests.size(), std::size_t{5});
    for (std::size_t k = 0; k < run.requests.size(); ++k)
        QCOMPARE(run.requests[k].arrival, static_cast<SimTime>(k) * (service + 500 * kMillisecond));
}

void TestRepeatPromptWorkload::limits()
{
    RepeatPromptConfig c;
    c.count = 100;
    c.gapSeconds = 1.0;
    RepeatPromptWorkload workload(c, 1);
    const auto run = runWorkload(workload, 10 * kSecond + 1);
    QCOMPARE(run.requests.size(), std::size_t{11}); // 0 s .. 10 s
    RepeatPromptWorkload limited(c, 1, 7);
    QCOMPARE(runWorkload(limited).requests.size(), std::size_t{7});
}

QTEST_APPLESS_MAIN(TestRepeatPromptWorkload)
#include "tst_repeat_prompt_workload.moc"
