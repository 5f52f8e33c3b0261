// A pod that coalesces runs of quiet decode steps (QuietSteps::Coalesced) tells its listener
// exactly what a pod with one event per step tells, step by step and with the same times, and
// shows the same gauges whenever they are read, while requests arrive and are aborted mid-run,
// the caller catches up at odd times, and another pod's step end submits at the same time.

#include "random_pod_traffic.h"

#include "sim/model/step_time.h"
#include "sim/pod/timed_pod.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

using namespace kvroute::sim;

namespace {

constexpr int kPods = 3;

/// Every call, per pod, as text: two listeners agree iff the texts are equal.
struct Transcript final : PodListener {
    std::array<std::vector<std::string>, kPods> lines;
    void add(int pod, std::string line) { lines[static_cast<std::size_t>(pod)].push_back(std::move(line)); }
    void onStepBegin(int pod, SimTime now, const StepPlan& plan, SimTime duration) override
    {
        std::string line = "begin " + std::to_string(now) + " +" + std::to_string(duration) + " kv " +
                           std::to_string(plan.kvEvents.size());
        for (const auto& s : plan.scheduled)
            line += " " + std::to_string(s.id) + ":" + std::to_string(s.numNewTokens) + "@" + std::to_string(s.numComputedBefore);
        add(pod, std::move(line));
    }
    void onToken(int pod, SimTime now, const RequestOutput& o, const PodRequestRecord& r) override
    {
        add(pod, "token " + std::to_string(now) + " " + std::to_string(o.id) + " " + std::to_string(o.token) + " n" +
                     std::to_string(o.numOutputTokens) + " first" + std::to_string(o.firstToken) + " end" +
                     std::to_string(static_cast<int>(o.finishReason)) + " last" + std::to_string(r.lastToken));
    }
    void onStats(int pod, SimTime now, const SchedulerStats& s) override
    {
        add(pod, "stats " + std::to_string(now) + " r" + std::to_string(s.numRunning) + " w" + std::to_string(s.numWaiting) +
                     " u" + std::to_string(s.kvCacheUsage) + " q" + std::to_string(s.prefixCache.queries) + " h" +
                     std::to_string(s.prefixCache.hits));
    }
    void onFinished(int pod, SimTime now, const PodRequestRecord& r) override
    {
        add(pod, "finished " + std::to_string(now) + " " + std::to_string(r.id) + " ft" + std::to_string(r.firstToken) +
                     " lt" + std::to_string(r.lastToken) + " n" + std::to_string(r.numOutputTokens) + " c" +
                     std::to_string(r.numCachedTokens) + " p" + std::to_string(r.preemptions) + " why" +
                     std::to_string(static_cast<int>(r.finishReason)));
    }
};

struct Outcome {
    std::array<std::vector<std::string>, kPods> lines;
    std::array<std::string, kPods> metrics;
    std::uint64_t events = 0;
    std::vector<std::string> gaugeReads;
};

Outcome run(std::uint64_t seed, QuietSteps mode, std::int32_t numGpuBlocks, bool caching)
{
    Simulation sim;
    const LinearStepTime model(test::smallPodCoefficients());
    const EngineConfig config = test::smallPodConfig(numGpuBlocks, caching);
    Transcript transcript;
    std::vector<std::unique_ptr<TimedPod>> pods;
    for (int i = 0; i < kPods; ++i)
        pods.push_back(std::make_unique<TimedPod>(sim, i, config, model, &transcript, mode));
    // Arrivals, aborts and catch-ups are ordinary events at the same times in both modes.
    Outcome out;
    test::scheduleRandomTraffic(sim, pods, seed, out.gaugeReads);
    sim.run();
    out.events = sim.eventsExecuted();
    for (int i = 0; i < kPods; ++i) {
        out.lines[static_cast<std::size_t>(i)] = transcript.lines[static_cast<std::size_t>(i)];
        out.metrics[static_cast<std::size_t>(i)] = test::counters(pods[static_cast<std::size_t>(i)]->metrics());
    }
    return out;
}

} // namespace

class TestQuietStepRuns : public QObject {
    Q_OBJECT
private slots:
    void sameAsOneEventPerStep_data();
    void sameAsOneEventPerStep();
    void submitFromAnEarlierStepEndAtTheSameTime();
    void gaugesAfterAnAbortAreCurrent();
};

void TestQuietStepRuns::sameAsOneEventPerStep_data()
{
    QTest::addColumn<std::uint64_t>("seed");
    QTest::addColumn<std::int32_t>("numGpuBlocks");
    QTest::addColumn<bool>("caching");
    QTest::newRow("roomy") << std::uint64_t{11} << 2000 << true;
    QTest::newRow("roomy, other seed") << std::uint64_t{12} << 2000 << true;
    QTest::newRow("tight: evictions and preemptions") << std::uint64_t{13} << 60 << true;
    QTest::newRow("no prefix caching") << std::uint64_t{14} << 2000 << false;
}

void TestQuietStepRuns::sameAsOneEventPerStep()
{
    QFETCH(std::uint64_t, seed);
    QFETCH(std::int32_t, numGpuBlocks);
    QFETCH(bool, caching);
    const Outcome each = run(seed, QuietSteps::EachOwnEvent, numGpuBlocks, caching);
    const Outcome coalesced = run(seed, QuietSteps::Coalesced, numGpuBlocks, caching);
    test::compareLines(each.lines, coalesced.lines);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(coalesced.metrics, each.metrics);
    QCOMPARE(coalesced.gaugeReads, each.gaugeReads);
    // Runs were coalesced: far fewer events for the same steps.
    QVERIFY2(coalesced.events * 3 < each.events * 2,
             qPrintable(QStringLiteral("%1 events against %2").arg(coalesced.events).arg(each.events)));
}

namespace {

/// A step time of a fixed overhead plus a cost per decode token.
LinearCoefficients plainDecodeCoefficients()
{
    LinearCoefficients c;
    c.beta0Us = 1000;
    c.beta2Us = 40;
    return c;
}

/// Room for every request; 64-token blocks, so a decoding request fills one every 64 steps.
EngineConfig roomyBlock64Config()
{
    EngineConfig config;
    config.numGpuBlocks = 400;
    config.blockSize = 64;
    config.maxModelLen = 2048;
    return config;
}

/// Pod 0's listener submits to pod 1 when pod 0's request finishes, inside pod 0's step end.
struct Relay final : PodListener {
    Transcript* transcript = nullptr;
    TimedPod* target = nullptr;
    EngineRequest followUp;
    void onStepBegin(int pod, SimTime now, const StepPlan& plan, SimTime d) override { transcript->onStepBegin(pod, now, plan, d); }
    void onToken(int pod, SimTime now, const RequestOutput& o, const PodRequestRecord& r) override { transcript->onToken(pod, now, o, r); }
    void onStats(int pod, SimTime now, const SchedulerStats& s) override { transcript->onStats(pod, now, s); }
    void onFinished(int pod, SimTime now, const PodRequestRecord& r) override
    {
        transcript->onFinished(pod, now, r);
        if (pod == 0 && followUp.prompt)
            QVERIFY(target->submit(std::exchange(followUp, EngineRequest{})).has_value());
    }
};

std::array<std::vector<std::string>, kPods> relayRun(QuietSteps mode)
{
    Simulation sim;
    const LinearStepTime model(plainDecodeCoefficients());
    const EngineConfig config = roomyBlock64Config();
    Transcript transcript;
    Relay relay;
    relay.transcript = &transcript;
    TimedPod pod0(sim, 0, config, model, &relay, mode);
    TimedPod pod1(sim, 1, config, model, &relay, mode);
    relay.target = &pod1;
    const auto prompt = std::make_shared<const std::vector<TokenId>>(std::vector<TokenId>(100, 7));
    // Same prompt, same start: both pods end their steps at the same times, and pod 0's request
    // finishes in the middle of one of pod 1's quiet runs.
    EngineRequest a;
    a.id = 1;
    a.prompt = prompt;
    a.maxTokens = 8;
    EngineRequest b = a;
    b.id = 2;
    b.maxTokens = 50;
    relay.followUp = a;
    relay.followUp.id = 3;
    sim.scheduleAt(0, [&] {
        QVERIFY(pod0.submit(std::move(a)).has_value());
        QVERIFY(pod1.submit(std::move(b)).has_value());
    });
    sim.run();
    return transcript.lines;
}

} // namespace

void TestQuietStepRuns::submitFromAnEarlierStepEndAtTheSameTime()
{
    // Pod 1's step ending at that time has not happened yet when pod 0's (ranked first) submits:
    // the follow-up arrives during it and is admitted when it ends, in both modes.
    const auto each = relayRun(QuietSteps::EachOwnEvent);
    const auto coalesced = relayRun(QuietSteps::Coalesced);
    QCOMPARE(coalesced[1], each[1]);
    QCOMPARE(coalesced[0], each[0]);
    QVERIFY(std::ranges::any_of(each[1], [](const std::string& l) { return l.starts_with("finished") && l.find(" 3 ") != std::string::npos; }));
}

std::vector<std::string> abortRun(QuietSteps mode)
{
    Simulation sim;
    const LinearStepTime model(plainDecodeCoefficients());
    const EngineConfig config = roomyBlock64Config();
    TimedPod pod(sim, 0, config, model, nullptr, mode);
    for (RequestId id = 1; id <= 2; ++id) {
        EngineRequest r;
        r.id = id;
        r.prompt = std::make_shared<const std::vector<TokenId>>(std::vector<TokenId>(100, static_cast<TokenId>(id)));
        r.maxTokens = 60;
        sim.scheduleAt(0, [&pod, r = std::move(r)]() mutable { QVERIFY(pod.submit(std::move(r)).has_value()); });
    }
    // Mid-step: the abort is handled after that step's stats, and frees request 1's blocks.
    sim.scheduleAt(fromSeconds(0.0105), [&pod] { QVERIFY(pod.abort(1)); });
    std::vector<std::string> reads;
    for (int i = 1; i <= 40; ++i)
        sim.scheduleAt(fromSeconds(0.0105) + i * 250'000, [&pod, &reads, &sim] {
            reads.push_back(std::to_string(sim.now()) + " " + test::gauges(pod.metrics()));
        });
    sim.run();
    return reads;
}

void TestQuietStepRuns::gaugesAfterAnAbortAreCurrent()
{
    const auto each = abortRun(QuietSteps::EachOwnEvent);
    const auto coalesced = abortRun(QuietSteps::Coalesced);
    QCOMPARE(coalesced, each);
    // The reads see the abort: one request running from the step after it.
    QVERIFY(std::ranges::any_of(each, [](const std::string& l) { return l.find(" r1 ") != std::string::npos; }));
}

QTEST_APPLESS_MAIN(TestQuietStepRuns)
#include "tst_quiet_step_runs.moc"
