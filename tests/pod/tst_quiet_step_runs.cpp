// A pod that coalesces runs of quiet decode steps (QuietSteps::Coalesced) tells its listener
// exactly what a pod with one event per step tells, step by step and with the same times, while
// requests arrive and are aborted mid-run and the caller catches up at odd times.

#include "sim/kernel/rng.h"
#include "sim/model/step_time.h"
#include "sim/pod/timed_pod.h"

#include <QtTest/QtTest>

#include <array>
#include <string>

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
};

Outcome run(std::uint64_t seed, QuietSteps mode, std::int32_t numGpuBlocks)
{
    Simulation sim;
    LinearCoefficients c;
    c.beta0Us = 900;
    c.beta1Us = 10;
    c.beta2Us = 35;
    c.beta3Us = 0.02;
    const LinearStepTime model(c);
    EngineConfig config;
    config.numGpuBlocks = numGpuBlocks;
    config.blockSize = 16;
    config.maxNumSeqs = 16;
    config.maxNumBatchedTokens = 256;
    config.maxModelLen = 2048;
    config.kvEvents = true;
    Transcript transcript;
    std::vector<std::unique_ptr<TimedPod>> pods;
    for (int i = 0; i < kPods; ++i)
        pods.push_back(std::make_unique<TimedPod>(sim, i, config, model, &transcript, mode));

    // Arrivals, aborts and catch-ups are ordinary events at the same times in both modes.
    auto rng = Rng::stream(seed, "quiet-runs");
    SimTime t = 0;
    for (RequestId id = 1; id <= 150; ++id) {
        t += fromSeconds(rng.exponential(25.0));
        const auto pod = static_cast<std::size_t>(rng.uniformInt(0, kPods - 1));
        const auto group = static_cast<TokenId>(rng.uniformInt(0, 3));
        std::vector<TokenId> prompt;
        for (TokenId i = 0; i < 64; ++i)
            prompt.push_back(group * 1000 + i);
        const auto own = rng.uniformInt(1, 120);
        for (std::int64_t i = 0; i < own; ++i)
            prompt.push_back(static_cast<TokenId>(100000 + id * 1000 + i));
        EngineRequest r;
        r.id = id;
        r.prompt = std::make_shared<const std::vector<TokenId>>(std::move(prompt));
        r.maxTokens = static_cast<std::int32_t>(rng.uniformInt(1, 400));
        r.outputs.offset = static_cast<std::uint32_t>(id * 7919);
        if (rng.uniformInt(0, 4) == 0)
            r.stopTokenIds = {r.outputs.at(static_cast<std::size_t>(rng.uniformInt(5, 300)))};
        sim.scheduleAt(t, [&pods, pod, r = std::move(r)]() mutable { QVERIFY(pods[pod]->submit(std::move(r)).has_value()); });
        if (rng.uniformInt(0, 9) == 0) {
            const SimTime abortAt = t + fromSeconds(2.0 * rng.uniform01());
            sim.scheduleAt(abortAt, [&pods, pod, id] { (void)pods[pod]->abort(id); });
        }
        if (rng.uniformInt(0, 2) == 0) {
            const SimTime at = t + fromSeconds(rng.uniform01());
            sim.scheduleAt(at, [&pods, &sim] {
                for (auto& p : pods)
                    p->catchUp(sim.now());
            });
        }
    }
    sim.run();
    Outcome out;
    out.events = sim.eventsExecuted();
    for (int i = 0; i < kPods; ++i) {
        out.lines[static_cast<std::size_t>(i)] = transcript.lines[static_cast<std::size_t>(i)];
        const PodMetrics& m = pods[static_cast<std::size_t>(i)]->metrics();
        out.metrics[static_cast<std::size_t>(i)] =
            std::to_string(m.steps) + " " + std::to_string(m.busyTime) + " " + std::to_string(m.generationTokens) + " " +
            std::to_string(m.promptTokens) + " " + std::to_string(m.requestSuccess) + " " +
            std::to_string(m.numPreemptions) + " " + std::to_string(m.prefixCache.hits);
    }
    return out;
}

} // namespace

class TestQuietStepRuns : public QObject {
    Q_OBJECT
private slots:
    void sameAsOneEventPerStep_data();
    void sameAsOneEventPerStep();
};

void TestQuietStepRuns::sameAsOneEventPerStep_data()
{
    QTest::addColumn<std::uint64_t>("seed");
    QTest::addColumn<std::int32_t>("numGpuBlocks");
    QTest::newRow("roomy") << std::uint64_t{11} << 2000;
    QTest::newRow("roomy, other seed") << std::uint64_t{12} << 2000;
    QTest::newRow("tight: evictions and preemptions") << std::uint64_t{13} << 60;
}

void TestQuietStepRuns::sameAsOneEventPerStep()
{
    QFETCH(std::uint64_t, seed);
    QFETCH(std::int32_t, numGpuBlocks);
    const Outcome each = run(seed, QuietSteps::EachOwnEvent, numGpuBlocks);
    const Outcome coalesced = run(seed, QuietSteps::Coalesced, numGpuBlocks);
    for (std::size_t pod = 0; pod < kPods; ++pod) {
        const auto& a = each.lines[pod];
        const auto& b = coalesced.lines[pod];
        for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
            QVERIFY2(a[i] == b[i], qPrintable(QStringLiteral("pod %1 line %2: %3 | %4")
                                                 .arg(pod).arg(i).arg(QString::fromStdString(a[i]), QString::fromStdString(b[i]))));
        QCOMPARE(b.size(), a.size());
        QCOMPARE(coalesced.metrics[pod], each.metrics[pod]);
    }
    // Runs were coalesced: far fewer events for the same steps.
    QVERIFY2(coalesced.events * 3 < each.events * 2,
             qPrintable(QStringLiteral("%1 events against %2").arg(coalesced.events).arg(each.events)));
}

QTEST_APPLESS_MAIN(TestQuietStepRuns)
#include "tst_quiet_step_runs.moc"
