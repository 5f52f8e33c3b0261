// SharedPrefixWorkload (inference-perf shared_prefix, llmd.md §4.1): prompts of one group share
// exactly the system prompt, requests cycle through one shuffled order restarted every stage,
// stage sizes are int(rate × duration), rates match, arrivals follow the 1 s slot scheme, and
// stages wait for the previous stage's answers.

#include <QTest>

#include "sim/kernel/sim_time.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/shared_prefix_workload.h"
#include "workload_test_support.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

using kvroute::sim::kSecond;
using kvroute::sim::SharedPrefixConfig;
using kvroute::sim::SharedPrefixWorkload;
using kvroute::sim::SimTime;
using kvroute::sim::toSeconds;
using kvroute::test::commonPrefix;
using kvroute::test::runWorkload;

namespace {

SharedPrefixConfig small()
{
    SharedPrefixConfig c;
    c.numGroups = 6;
    c.promptsPerGroup = 4;
    c.systemPromptLen = 100;
    c.questionLen = 20;
    c.outputLen = 30;
    c.stages = {{5.0, 40.0}};
    c.drainBetweenStages = false;
    return c;
}

} // namespace

class TestSharedPrefixWorkload : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void groupsShareExactlyTheSystemPrompt();
    void noSystemPrompt();
    void requestsCycleThroughOneShuffle();
    void stageCountsAndRates();
    void arrivalsFollowOneSecondSlots();
    void stagesWaitForAnswers();
    void requestFields();
};

void TestSharedPrefixWorkload::groupsShareExactlyTheSystemPrompt()
{
    SharedPrefixWorkload workload(small(), 1);
    QCOMPARE(workload.users(), std::int64_t{24});
    std::vector<kvroute::sim::TokenVector> prompts;
    for (std::int64_t u = 0; u < 24; ++u) {
        prompts.push_back(workload.prompt(u).copy());
        QCOMPARE(prompts.back().size(), std::size_t{120});
    }
    for (std::int64_t a = 0; a < 24; ++a) {
        for (std::int64_t b = a + 1; b < 24; ++b) {
            const std::size_t shared = commonPrefix(prompts[static_cast<std::size_t>(a)], prompts[static_cast<std::size_t>(b)]);
            QCOMPARE(shared, a / 4 == b / 4 ? std::size_t{100} : std::size_t{0});
        }
    }
    // A prompt is a pure function of (seed, user): rebuilt identically.
    QVERIFY(workload.prompt(13).copy() == prompts[13]);
    SharedPrefixWorkload other(small(), 1);
    QVERIFY(other.prompt(13).copy() == prompts[13]);
}

void TestSharedPrefixWorkload::noSystemPrompt()
{
    SharedPrefixConfig c = small();
    c.systemPromptLen = 0;
    SharedPrefixWorkload workload(c, 2);
    for (std::int64_t a = 0; a < 24; ++a) {
        QCOMPARE(workload.prompt(a).size(), std::size_t{20});
        for (std::int64_t b = a + 1; b < 24; ++b)
            QCOMPARE(commonPrefix(workload.prompt(a).copy(), workload.prompt(b).copy()), std::size_t{0});
    }
}

void TestSharedPrefixWorkload::requestsCycleThroughOneShuffle()
{
    // 24 users; stage 1 sends 60 requests, stage 2 sends 30 and restarts the order.
    SharedPrefixConfig c = small();
    c.stages = {{3.0, 20.0}, {3.0, 10.0}};
    SharedPrefixWorkload workload(c, 3);
    const auto run = runWorkload(workload);
    QCOMPARE(run.requests.size(), std::size_t{90});
    std::vector<std::int64_t> users;
    for (const auto& r : run.requests)
        users.push_back(static_cast<std::int64_t>(r.sessionId));
    // The first 24 are a permutation of all users, not the identity.
    std::vector<std::int64_t> first(users.begin(), users.begin() + 24);
    std::vector<std::int64_t> sorted = first;
    std::sort(sorted.begin(), sorted.end());
    for (std::int64_t u = 0; u < 24; ++u)
        QCOMPARE(sorted[static_cast<std::size_t>(u)], u);
    QVERIFY(first != sorted);
    for (std::size_t k = 24; k < 60; ++k)
        QCOMPARE(users[k], users[k - 24]);
    for (std::size_t k = 60; k < 90; ++k) // stage 2 starts over
        QCOMPARE(users[k], users[k - 60]);
    for (const auto& r : run.requests)
        QVERIFY(r.prompt.copy() == workload.prompt(static_cast<std::int64_t>(r.sessionId)).copy());
}

void TestSharedPrefixWorkload::stageCountsAndRates()
{
    SharedPrefixConfig c = small();
    c.stages = {{5.0, 200.0}, {20.0, 100.0}, {0.29, 100.0}};
    SharedPrefixWorkload workload(c, 4);
    const auto run = runWorkload(workload);
    const auto& stages = workload.stageRecords();
    QCOMPARE(stages.size(), std::size_t{3});
    QCOMPARE(stages[0].planned, std::int64_t{1000});
    QCOMPARE(stages[1].planned, std::int64_t{2000});
    QCOMPARE(stages[2].planned, std::int64_t{28}); // Python: int(0.29 * 100) == 28
    QCOMPARE(run.requests.size(), std::size_t{3028});
    for (const auto& s : stages)
        QCOMPARE(s.sent, s.planned);
    // Back to back: a stage starts at the previous stage's last arrival.
    QCOMPARE(stages[0].start, SimTime{0});
    QCOMPARE(stages[1].start, stages[0].lastArrival);
    QCOMPARE(stages[2].start, stages[1].lastArrival);
    // Measured rate: requests per second of stage span (start to last arrival); the relative
    // sd is 1/sqrt(n), 3.2 % and 2.2 %: tolerances are about 3 sd.
    const double rate0 = 1000.0 / toSeconds(stages[0].lastArrival - stages[0].start);
    const double rate1 = 2000.0 / toSeconds(stages[1].lastArrival - stages[1].start);
    QVERIFY2(std::fabs(rate0 - 5.0) < 0.5, qPrintable(QString::number(rate0)));
    QVERIFY2(std::fabs(rate1 - 20.0) < 1.4, qPrintable(QString::number(rate1)));
    for (std::size_t i = 1; i < run.requests.size(); ++i)
        QVERIFY(run.requests[i].arrival >= run.requests[i - 1].arrival);
}

void TestSharedPrefixWorkload::arrivalsFollowOneSecondSlots()
{
    // Every non-empty 1 s slot ends with an arrival exactly on the second; at rate 5 a slot is
    // empty with probability e^-5, so ~199 of 200 slots end on a whole second.
    SharedPrefixConfig c = small();
    c.stages = {{5.0, 200.0}};
    SharedPrefixWorkload workload(c, 5);
    const auto run = runWorkload(workload);
    std::set<SimTime> wholeSeconds;
    for (const auto& r : run.requests) {
        QVERIFY(r.arrival > 0);
        if (r.arrival % kSecond == 0)
            wholeSeconds.insert(r.arrival);
    }
    QVERIFY2(wholeSeconds.size() >= 190, qPrintable(QString::number(wholeSeconds.size())));
    // Per-slot counts are Poisson(5): mean 5 and variance 5.
    std::map<SimTime, int> perSlot;
    for (const auto& r : run.requests)
        ++perSlot[(r.arrival - 1) / kSecond];
    double sum = 0.0;
    double sumSq = 0.0;
    for (const auto& [slot, n] : perSlot) {
        sum += n;
        sumSq += n * n;
    }
    const double slotCount = static_cast<double>(perSlot.size());
    const double mean = sum / slotCount;
    const double var = sumSq / slotCount - mean * mean;
    QVERIFY2(std::fabs(mean - 5.0) < 0.5 && std::fabs(var - 5.0) < 1.5,
             qPrintable(QStringLiteral("mean %1 var %2").arg(mean).arg(var)));
}

void TestSharedPrefixWorkload::stagesWaitForAnswers()
{
    SharedPrefixConfig c = small();
    c.stages = {{5.0, 20.0}, {5.0, 20.0}, {5.0, 20.0}};
    c.drainBetweenStages = true;
    c.stageGapSeconds = 2.0;
    SharedPrefixWorkload workload(c, 6);
    const SimTime service = 30 * kSecond;
    const auto run = runWorkload(workload, kvroute::test::kForever, 0, service);
    const auto& stages = workload.stageRecords();
    QCOMPARE(stages.size(), std::size_t{3});
    QCOMPARE(run.requests.size(), std::size_t{300});
    for (std::size_t s = 1; s < stages.size(); ++s) {
        // Each request takes 30 s: the last answer of stage s-1 comes 30 s after its last
        // arrival, then 2 s of gap.
        QCOMPARE(stages[s].start, stages[s - 1].lastArrival + service + 2 * kSecond);
        QVERIFY(stages[s].firstArrival > stages[s].start);
    }
    QCOMPARE(workload.outstanding(), std::int64_t{0});
}

void TestSharedPrefixWorkload::requestFields()
{
    SharedPrefixConfig c = small();
    c.clientIps = kvroute::sim::ClientIpMode::PerGroup;
    SharedPrefixWorkload workload(c, 7, 50);
    const auto run = runWorkload(workload, 30 * kSecond);
    QVERIFY(!run.requests.empty() && run.requests.size() <= 50);
    for (std::size_t i = 0; i < run.requests.size(); ++i) {
        const auto& r = run.requests[i];
        QCOMPARE(r.id, static_cast<kvroute::sim::RequestId>(i + 1));
        QCOMPARE(r.maxTokens, 30);
        QCOMPARE(r.turn, 0);
        QVERIFY(r.arrival < 30 * kSecond);
        QCOMPARE(r.clientIp, kvroute::sim::clientIpFor(kvroute::sim::ClientIpMode::PerGroup, 0, r.sessionId / 4));
    }
    SharedPrefixWorkload single(small(), 7);
    const auto run2 = runWorkload(single, kvroute::test::kForever, 10);
    QCOMPARE(run2.requests.size(), std::size_t{10});
    for (const auto& r : run2.requests)
        QCOMPARE(r.clientIp, kvroute::sim::kSingleClientIp);
}

QTEST_APPLESS_MAIN(TestSharedPrefixWorkload)
#include "tst_shared_prefix_workload.moc"
