// Engine::quietDecodeSteps counts exactly the plain decode steps ahead (each one observably
// quiet, the one after them not), and completeQuietStep gives what completeStep + schedule give.

#include "engine_test_support.h"

#include "sim/kernel/rng.h"

#include <QtTest/QtTest>

using namespace kvroute::sim;
using namespace kvroute::test;

namespace {

constexpr std::int32_t kLimit = 40;

/// What a step shows outside the engine, for comparing a quiet run with plain steps.
struct Seen {
    std::vector<std::tuple<RequestId, std::int32_t, std::int32_t, bool>> scheduled;
    std::vector<std::tuple<RequestId, TokenId, std::int32_t, bool, int>> outputs;
    std::size_t kvEvents = 0;
    std::vector<RequestId> preempted;
    std::int32_t running = 0;
    std::int32_t waiting = 0;
    double usage = 0.0;
    /// The plan's summed shape equals one summed from its entries; the entries before
    /// firstAdmitted are exactly the ones not admitted.
    bool shapeAndSplitAgree = false;
    bool operator==(const Seen&) const = default;
};

void seePlan(const StepPlan& plan, Seen& seen)
{
    BatchShape summed;
    bool split = true;
    for (std::size_t i = 0; i < plan.scheduled.size(); ++i) {
        const auto& s = plan.scheduled[i];
        seen.scheduled.emplace_back(s.id, s.numNewTokens, s.numComputedBefore, s.admitted);
        summed.addRequest(s.numComputedBefore, s.numNewTokens, s.numComputedBefore >= s.numTokens - 1);
        split = split && s.admitted == (i >= plan.firstAdmitted);
    }
    const BatchShape& shape = plan.shape;
    seen.shapeAndSplitAgree = split && shape.numRequests == summed.numRequests &&
                              shape.prefillTokens == summed.prefillTokens && shape.decodeTokens == summed.decodeTokens &&
                              shape.attendedContextTokens == summed.attendedContextTokens &&
                              shape.prefillAttentionPairs == summed.prefillAttentionPairs;
    seen.kvEvents = plan.kvEvents.size();
    seen.preempted = plan.preempted;
}

void seeOutcome(const StepOutcome& outcome, Seen& seen)
{
    for (const auto& o : outcome.outputs)
        seen.outputs.emplace_back(o.id, o.token, o.numOutputTokens, o.firstToken, static_cast<int>(o.finishReason));
    if (outcome.stats) {
        seen.running = outcome.stats->numRunning;
        seen.waiting = outcome.stats->numWaiting;
        seen.usage = outcome.stats->kvCacheUsage;
    }
}

/// A step (its begin and its end) that nobody outside the engine could tell from the one before
/// but by its tokens: the same batch, one decode token each, nothing cached, allocated,
/// published, admitted, preempted or finished.
bool looksQuiet(const Seen& before, const Seen& step)
{
    if (step.kvEvents != 0 || !step.preempted.empty() || step.scheduled.empty() || step.waiting != 0)
        return false;
    if (step.running != before.running || step.usage != before.usage ||
        step.scheduled.size() != static_cast<std::size_t>(step.running))
        return false;
    for (const auto& [id, numNew, computed, admitted] : step.scheduled)
        if (numNew != 1 || admitted)
            return false;
    for (const auto& [id, token, numOutput, first, finish] : step.outputs)
        if (first || finish != 0)
            return false;
    return step.outputs.size() == step.scheduled.size();
}

struct Workload {
    std::vector<std::pair<int, EngineRequest>> arrivals; // (step index, request)
};

Workload makeWorkload(std::uint64_t seed, std::int32_t maxModelLen)
{
    auto rng = Rng::stream(seed, "quiet-steps");
    Workload w;
    int at = 0;
    for (RequestId id = 1; id <= 24; ++id) {
        at += static_cast<int>(rng.uniformInt(0, 30));
        const auto shared = static_cast<TokenId>(rng.uniformInt(0, 2));
        auto prompt = concat(iota(shared * 1000, 24), iota(static_cast<TokenId>(50000 + id * 100), rng.uniformInt(1, 40)));
        EngineRequest r;
        r.id = id;
        r.maxTokens = static_cast<std::int32_t>(rng.uniformInt(1, 90));
        if (static_cast<std::int64_t>(prompt.size()) + r.maxTokens > maxModelLen)
            r.maxTokens = maxModelLen - static_cast<std::int32_t>(prompt.size());
        r.prompt = std::make_shared<const std::vector<TokenId>>(std::move(prompt));
        r.outputs.offset = static_cast<std::uint32_t>(id * 1000);
        if (rng.uniformInt(0, 3) == 0) // a stop token somewhere in the answer
            r.stopTokenIds = {r.outputs.at(static_cast<std::size_t>(rng.uniformInt(2, 60)))};
        w.arrivals.emplace_back(at, std::move(r));
    }
    return w;
}

} // namespace

class TestQuietSteps : public QObject {
    Q_OBJECT
private slots:
    void countIsExactAndQuietRunsMatchPlainSteps_data();
    void countIsExactAndQuietRunsMatchPlainSteps();
    void nothingQuietWhileARequestWaits();
};

void TestQuietSteps::countIsExactAndQuietRunsMatchPlainSteps_data()
{
    QTest::addColumn<std::uint64_t>("seed");
    QTest::addColumn<std::int32_t>("blockSize");
    QTest::addColumn<bool>("caching");
    QTest::addColumn<std::int32_t>("numGpuBlocks");
    QTest::newRow("block 4") << std::uint64_t{1} << 4 << true << 400;
    QTest::newRow("block 16") << std::uint64_t{2} << 16 << true << 120;
    QTest::newRow("block 16, no prefix caching") << std::uint64_t{3} << 16 << false << 120;
    QTest::newRow("block 16, tight: preemptions") << std::uint64_t{4} << 16 << true << 14;
    QTest::newRow("block 32") << std::uint64_t{5} << 32 << true << 60;
}

void TestQuietSteps::countIsExactAndQuietRunsMatchPlainSteps()
{
    QFETCH(std::uint64_t, seed);
    QFETCH(std::int32_t, blockSize);
    QFETCH(bool, caching);
    QFETCH(std::int32_t, numGpuBlocks);
    EngineConfig config = smallConfig(numGpuBlocks, blockSize);
    config.enablePrefixCaching = caching;
    config.kvEvents = true; // a filled block shows as a BlockStored event
    // Two engines fed alike: `plain` runs every step with schedule()/completeStep(), `quiet`
    // runs each counted run of quiet steps with completeQuietStep() as a timed pod does.
    Engine plain(config);
    Engine quiet(config);
    Workload workload = makeWorkload(seed, config.maxModelLen);
    std::size_t next = 0;
    int quietRuns = 0;
    int quietSteps = 0;
    bool previousRunShort = false;
    Seen before;
    for (int stepIndex = 0; stepIndex < 3000; ++stepIndex) {
        while (next < workload.arrivals.size() && workload.arrivals[next].first <= stepIndex) {
            QVERIFY(plain.addRequest(workload.arrivals[next].second).has_value());
            QVERIFY(quiet.addRequest(workload.arrivals[next].second).has_value());
            ++next;
        }
        if (!plain.hasRequests()) {
            if (next == workload.arrivals.size())
                break;
            continue;
        }
        const std::int32_t count = plain.quietDecodeSteps(kLimit);
        QCOMPARE(quiet.quietDecodeSteps(kLimit), count);
        // A run cut below the limit ended where a step is not quiet: none is counted now.
        if (previousRunShort)
            QCOMPARE(count, 0);
        previousRunShort = count >= 1 && count < kLimit;
        const int steps = std::max(count, 1);
        Seen quietSeen;
        seePlan(quiet.schedule(), quietSeen);
        for (int i = 0; i < steps; ++i) {
            Seen seen;
            seePlan(plain.schedule(), seen);
            QVERIFY(seen.shapeAndSplitAgree);
            seeOutcome(plain.completeStep(), seen);
            if (i < count)
                QVERIFY2(looksQuiet(before, seen), qPrintable(QStringLiteral("step %1 of a run of %2").arg(i).arg(count)));
            else
                QVERIFY2(!looksQuiet(before, seen), "a quiet step was not counted");
            // The quiet engine: completeQuietStep ends a step and begins the next of the run.
            if (i + 1 < count) {
                seeOutcome(quiet.completeQuietStep(), quietSeen);
                QCOMPARE(quietSeen, seen);
                quietSeen = Seen{};
                seePlan(quiet.plan(), quietSeen);
            } else {
                seeOutcome(quiet.completeStep(), quietSeen);
                QCOMPARE(quietSeen, seen);
            }
            before = seen;
            ++stepIndex;
        }
        --stepIndex;
        if (count >= 2) {
            ++quietRuns;
            quietSteps += count;
        }
    }
    QCOMPARE(next, workload.arrivals.size());
    QVERIFY(!plain.hasUnfinishedRequests());
    // The rows must exercise runs, or the comparison above proves little.
    QVERIFY2(quietRuns >= 5, qPrintable(QString::number(quietRuns)));
    qInfo("%d quiet runs, %d steps", quietRuns, quietSteps);
}

void TestQuietSteps::nothingQuietWhileARequestWaits()
{
    EngineConfig config = smallConfig(200, 16);
    Engine engine(config);
    add(engine, 1, iota(0, 20), 60);
    step(engine); // prefill and first token
    QVERIFY(engine.quietDecodeSteps(kLimit) > 0);
    add(engine, 2, iota(500, 20), 60);
    QCOMPARE(engine.quietDecodeSteps(kLimit), 0);
    step(engine); // admits 2; its first token makes this step not quiet either
    step(engine);
    QVERIFY(engine.quietDecodeSteps(kLimit) > 0);
    // Block 16: request 1 has 20 + 3 tokens; the step that computes token 32 fills its second
    // block (the step after would need a third).
    QCOMPARE(engine.quietDecodeSteps(kLimit), 32 - 23);
}

QTEST_APPLESS_MAIN(TestQuietSteps)
#include "tst_quiet_steps.moc"
