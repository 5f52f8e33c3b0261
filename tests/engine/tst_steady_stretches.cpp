// An engine that counts steady decodes (Engine::countSteadyDecodes) keeps, step by step, the
// state of one that lists every request: the same requests with the same computed and output
// tokens and blocks, plans of the same shape, the same finishes, stats and KV events, and the
// outputs it does list are the others' minus plain decode tokens it counts. A request leaves its
// stretch, reported in steadyExits() with its outputs, when the stretch ends, when it is
// preempted and when it is aborted; max_model_len, max_tokens and stop tokens (explicit output
// tokens too) end a stretch before the step that finishes the request. A run of quiet steps
// whose requests are all steady, completed at once in pieces (completeSteadySteps), leaves what
// completing its steps one by one (completeQuietStep) leaves.

#include "engine_test_support.h"

#include "sim/kernel/rng.h"

#include <QtTest/QtTest>

#include <set>
#include <tuple>

using namespace kvroute::sim;
using namespace kvroute::test;

namespace {

using OutputSeen = std::tuple<RequestId, TokenId, std::int32_t, bool, int, std::int32_t, std::int32_t>;

OutputSeen seen(const RequestOutput& o)
{
    return {o.id, o.token, o.numOutputTokens, o.firstToken, static_cast<int>(o.finishReason), o.preemptionsDelivered,
            o.numCachedTokens};
}

/// `part` is `whole` with some elements left out, the rest in order.
template <typename T>
bool isSubsequence(const std::vector<T>& part, const std::vector<T>& whole)
{
    std::size_t j = 0;
    for (const T& x : whole)
        if (j < part.size() && part[j] == x)
            ++j;
    return j == part.size();
}

struct Lockstep {
    explicit Lockstep(const EngineConfig& config)
        : plain(config)
        , counting(config)
    {
        counting.countSteadyDecodes(true);
    }

    Engine plain;
    Engine counting;
    std::set<RequestId> ids;
    std::set<RequestId> everSteady;
    std::int64_t steadyTokens = 0;
    std::int64_t listedTokens = 0;
    std::int64_t exitsByPreemption = 0;
    std::int64_t exitsByAbort = 0;
    std::int64_t exitsAtStretchEnd = 0;
    std::int64_t lengthCapped = 0; ///< finished at max_model_len after a steady stretch

    void add(EngineRequest r)
    {
        ids.insert(r.id);
        r.callerIndex = static_cast<std::uint32_t>(r.id);
        EngineRequest copy = r;
        QVERIFY(plain.addRequest(std::move(r)).has_value());
        QVERIFY(counting.addRequest(std::move(copy)).has_value());
    }

    /// The exits since the last call (into `out`), each with the plain engine's outputs.
    void takeExits(std::set<RequestId>& out)
    {
        for (const SteadyExit& e : counting.steadyExits()) {
            const RequestId id = e.callerIndex;
            out.insert(id);
            const Request* r = plain.findRequest(id);
            QVERIFY2(r != nullptr, "an exit for a request the plain engine no longer has");
            QCOMPARE(e.numOutputTokens, r->numOutput);
        }
        counting.clearSteadyExits();
    }

    void abort(RequestId id)
    {
        const Request* r = counting.findRequest(id);
        const bool steady = r != nullptr && r->steadyUntilStep != 0;
        const std::int32_t outputs = r != nullptr ? r->numOutput : 0;
        QCOMPARE(counting.abortRequest(id), plain.abortRequest(id));
        const auto& exits = counting.steadyExits();
        QCOMPARE(exits.size(), std::size_t{steady ? 1u : 0u});
        if (steady) {
            QCOMPARE(exits.front().callerIndex, static_cast<std::uint32_t>(id));
            QCOMPARE(exits.front().numOutputTokens, outputs);
            ++exitsByAbort;
        }
        counting.clearSteadyExits();
    }

    void step()
    {
        std::set<RequestId> steadyBefore;
        for (RequestId id : ids)
            if (const Request* r = counting.findRequest(id); r != nullptr && r->steadyUntilStep != 0)
                steadyBefore.insert(id);

        const StepPlan& p = plain.schedule();
        const StepPlan& c = counting.schedule();
        QCOMPARE(c.totalTokens, p.totalTokens);
        QCOMPARE(c.shape.numRequests, p.shape.numRequests);
        QCOMPARE(c.shape.prefillTokens, p.shape.prefillTokens);
        QCOMPARE(c.shape.decodeTokens, p.shape.decodeTokens);
        QCOMPARE(c.shape.attendedContextTokens, p.shape.attendedContextTokens);
        QCOMPARE(c.shape.prefillAttentionPairs, p.shape.prefillAttentionPairs);
        QCOMPARE(c.kvEvents.size(), p.kvEvents.size());
        QCOMPARE(c.preempted, p.preempted);
        QCOMPARE(c.scheduled.size() + static_cast<std::size_t>(c.steadyDecodes), p.scheduled.size());
        std::vector<std::tuple<RequestId, std::int32_t, std::int32_t>> listedP, listedC;
        for (const auto& s : p.scheduled)
            listedP.emplace_back(s.id, s.numNewTokens, s.numComputedBefore);
        for (const auto& s : c.scheduled)
            listedC.emplace_back(s.id, s.numNewTokens, s.numComputedBefore);
        QVERIFY(isSubsequence(listedC, listedP));
        const std::set<RequestId> preempted(p.preempted.begin(), p.preempted.end());
        std::set<RequestId> exits;
        takeExits(exits);
        if (QTest::currentTestFailed())
            return;
        for (RequestId id : exits) {
            QVERIFY2(steadyBefore.contains(id), "an exit for a request that was not steady");
            if (preempted.contains(id))
                ++exitsByPreemption;
            else
                ++exitsAtStretchEnd;
        }

        const StepOutcome po = plain.completeStep();
        const StepOutcome& co = counting.completeStep();
        QCOMPARE(co.finished, po.finished);
        QCOMPARE(co.stats.has_value(), po.stats.has_value());
        if (po.stats) {
            QCOMPARE(co.stats->numRunning, po.stats->numRunning);
            QCOMPARE(co.stats->numWaiting, po.stats->numWaiting);
            QCOMPARE(co.stats->kvCacheUsage, po.stats->kvCacheUsage);
            QCOMPARE(co.stats->prefixCache.queries, po.stats->prefixCache.queries);
            QCOMPARE(co.stats->prefixCache.hits, po.stats->prefixCache.hits);
        }
        QCOMPARE(co.outputs.size() + static_cast<std::size_t>(co.steadyTokens), po.outputs.size());
        std::vector<OutputSeen> all, listed;
        for (const auto& o : po.outputs)
            all.push_back(seen(o));
        for (const auto& o : co.outputs)
            listed.push_back(seen(o));
        QVERIFY(isSubsequence(listed, all));
        // What was only counted is plain decode: no first, finishing or preemption-carrying token.
        const std::set<OutputSeen> listedSet(listed.begin(), listed.end());
        for (const auto& o : all) {
            if (listedSet.contains(o))
                continue;
            QVERIFY(!std::get<3>(o) && std::get<4>(o) == 0 && std::get<5>(o) == 0);
        }
        steadyTokens += co.steadyTokens;
        listedTokens += static_cast<std::int64_t>(co.outputs.size());
        for (const auto& o : po.outputs) {
            if (o.finishReason == FinishReason::Length && everSteady.contains(o.id) &&
                o.numPromptTokens + o.numOutputTokens == plain.config().maxModelLen)
                ++lengthCapped;
        }

        // The same state, request by request.
        for (RequestId id : ids) {
            const Request* a = plain.findRequest(id);
            const Request* b = counting.findRequest(id);
            QCOMPARE(b == nullptr, a == nullptr);
            if (a == nullptr)
                continue;
            QCOMPARE(b->numComputedTokens, a->numComputedTokens);
            QCOMPARE(b->numOutput, a->numOutput);
            QCOMPARE(b->numCachedBlocks, a->numCachedBlocks);
            QCOMPARE(b->blocks, a->blocks);
            QCOMPARE(b->status, a->status);
            if (b->steadyUntilStep != 0)
                everSteady.insert(id);
        }
    }
};

/// Requests over ~200 steps: shared prefixes, some prompt + max_tokens over max_model_len (the
/// engine runs them to max_model_len), stop tokens, some among explicit output tokens.
void runWorkload(Lockstep& engines, std::uint64_t seed, bool aborts)
{
    auto rng = Rng::stream(seed, "steady-stretches");
    const std::int32_t maxModelLen = engines.plain.config().maxModelLen;
    std::vector<std::pair<int, EngineRequest>> arrivals;
    int at = 0;
    for (RequestId id = 1; id <= 40; ++id) {
        at += static_cast<int>(rng.uniformInt(0, 12));
        const auto shared = static_cast<TokenId>(rng.uniformInt(0, 2));
        auto prompt = concat(iota(shared * 1000, 16), iota(static_cast<TokenId>(50000 + id * 100), rng.uniformInt(1, 40)));
        EngineRequest r;
        r.id = id;
        r.maxTokens = static_cast<std::int32_t>(rng.uniformInt(1, 90));
        (void)maxModelLen;
        r.outputs.offset = static_cast<std::uint32_t>(id * 1000);
        if (rng.uniformInt(0, 3) == 0) {
            for (TokenId t = 0; t < 20; ++t)
                r.outputs.explicitTokens.push_back(static_cast<TokenId>(7000 + rng.uniformInt(0, 30)));
        }
        if (rng.uniformInt(0, 2) == 0) // a stop token somewhere in the answer, perhaps an explicit one
            r.stopTokenIds = {r.outputs.at(static_cast<std::size_t>(rng.uniformInt(2, 60)))};
        r.prompt = std::make_shared<const std::vector<TokenId>>(std::move(prompt));
        arrivals.emplace_back(at, std::move(r));
    }
    std::size_t next = 0;
    for (int stepIndex = 0; stepIndex < 2000; ++stepIndex) {
        while (next < arrivals.size() && arrivals[next].first <= stepIndex)
            engines.add(std::move(arrivals[next++].second));
        if (aborts && rng.uniformInt(0, 6) == 0) {
            // Between steps, as a pod does: one of the requests, often one in a steady stretch.
            const auto id = static_cast<RequestId>(rng.uniformInt(1, 40));
            engines.abort(id);
        }
        if (next == arrivals.size() && !engines.plain.hasRequests())
            break;
        engines.step();
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(!engines.plain.hasRequests());
}

} // namespace

class TestSteadyStretches : public QObject {
    Q_OBJECT
private slots:
    void sameStateAsListingEveryRequest_data();
    void sameStateAsListingEveryRequest();
    void steadyStepsAtOnceAsOneByOne_data();
    void steadyStepsAtOnceAsOneByOne();
};

void TestSteadyStretches::sameStateAsListingEveryRequest_data()
{
    QTest::addColumn<std::uint64_t>("seed");
    QTest::addColumn<std::int32_t>("numGpuBlocks");
    QTest::addColumn<bool>("caching");
    QTest::addColumn<bool>("aborts");
    QTest::newRow("roomy") << std::uint64_t{1} << 400 << true << false;
    QTest::newRow("roomy, aborts") << std::uint64_t{2} << 400 << true << true;
    QTest::newRow("tight: preemptions") << std::uint64_t{3} << 40 << true << false;
    QTest::newRow("tight, aborts") << std::uint64_t{4} << 40 << true << true;
    QTest::newRow("no prefix caching, tight") << std::uint64_t{5} << 40 << false << true;
}

void TestSteadyStretches::sameStateAsListingEveryRequest()
{
    QFETCH(std::uint64_t, seed);
    QFETCH(std::int32_t, numGpuBlocks);
    QFETCH(bool, caching);
    QFETCH(bool, aborts);
    EngineConfig config = smallConfig(numGpuBlocks, 4);
    config.maxModelLen = 96;
    config.enablePrefixCaching = caching;
    config.kvEvents = true;
    Lockstep engines(config);
    runWorkload(engines, seed, aborts);
    if (QTest::currentTestFailed())
        return;
    // The paths ran: many tokens counted (4-token blocks keep stretches short), stretches ended, and by preemption or abort where the
    // row has them; some requests ran into max_model_len after a stretch.
    QVERIFY2(engines.steadyTokens * 2 > engines.listedTokens,
             qPrintable(QStringLiteral("%1 counted, %2 listed").arg(engines.steadyTokens).arg(engines.listedTokens)));
    QVERIFY(engines.exitsAtStretchEnd > 0);
    QVERIFY(engines.lengthCapped > 0);
    if (numGpuBlocks < 100)
        QVERIFY(engines.exitsByPreemption > 0);
    if (aborts)
        QVERIFY(engines.exitsByAbort > 0);
}

namespace {

/// What the caller of a steady run can see of an engine after some of the run's steps.
void compareAfterSteps(const Engine& oneByOne, const StepOutcome& one, const Engine& atOnce, const StepOutcome& once,
                       RequestId lastId)
{
    QCOMPARE(once.steadyTokens, one.steadyTokens);
    QVERIFY(once.outputs.empty() && one.outputs.empty() && once.finished.empty());
    QVERIFY(once.stats.has_value() && one.stats.has_value());
    QCOMPARE(once.stats->numRunning, one.stats->numRunning);
    QCOMPARE(once.stats->numWaiting, one.stats->numWaiting);
    QCOMPARE(once.stats->kvCacheUsage, one.stats->kvCacheUsage);
    const StepPlan& a = oneByOne.plan();
    const StepPlan& b = atOnce.plan();
    QCOMPARE(b.totalTokens, a.totalTokens);
    QCOMPARE(b.steadyDecodes, a.steadyDecodes);
    QCOMPARE(b.firstAdmitted, a.firstAdmitted);
    QCOMPARE(b.shape.numRequests, a.shape.numRequests);
    QCOMPARE(b.shape.decodeTokens, a.shape.decodeTokens);
    QCOMPARE(b.shape.attendedContextTokens, a.shape.attendedContextTokens);
    QVERIFY(b.scheduled.empty() && b.kvEvents.empty() && b.preempted.empty());
    for (RequestId id = 1; id <= lastId; ++id) {
        const Request* x = oneByOne.findRequest(id);
        const Request* y = atOnce.findRequest(id);
        QCOMPARE(y == nullptr, x == nullptr);
        if (x == nullptr)
            continue;
        QCOMPARE(y->numComputedTokens, x->numComputedTokens);
        QCOMPARE(y->numOutput, x->numOutput);
        QCOMPARE(y->steadyUntilStep, x->steadyUntilStep);
        QCOMPARE(y->blocks, x->blocks);
    }
}

} // namespace

void TestSteadyStretches::steadyStepsAtOnceAsOneByOne_data()
{
    QTest::addColumn<std::uint64_t>("seed");
    QTest::addColumn<std::int32_t>("blockSize");
    QTest::addColumn<bool>("caching");
    QTest::newRow("block 16") << std::uint64_t{11} << 16 << true;
    QTest::newRow("block 32") << std::uint64_t{12} << 32 << true;
    QTest::newRow("block 16, no prefix caching") << std::uint64_t{13} << 16 << false;
}

void TestSteadyStretches::steadyStepsAtOnceAsOneByOne()
{
    QFETCH(std::uint64_t, seed);
    QFETCH(std::int32_t, blockSize);
    QFETCH(bool, caching);
    EngineConfig config = smallConfig(400, blockSize);
    config.maxModelLen = 512;
    config.enablePrefixCaching = caching;
    config.kvEvents = true;
    // Both count steady decodes; `oneByOne` completes every step of a run on its own, as a pod
    // does for a run with listed requests, `atOnce` its steady runs in random pieces.
    Engine oneByOne(config);
    Engine atOnce(config);
    oneByOne.countSteadyDecodes(true);
    atOnce.countSteadyDecodes(true);
    auto rng = Rng::stream(seed, "steady-steps-at-once");
    RequestId lastId = 0;
    int runsAtOnce = 0;
    int piecesAtOnce = 0;
    for (int round = 0; round < 1500; ++round) {
        if (lastId < 60 && rng.uniformInt(0, 12) == 0) {
            ++lastId;
            const auto prompt = concat(iota(static_cast<TokenId>(rng.uniformInt(0, 2) * 1000), 16),
                                       iota(static_cast<TokenId>(50000 + lastId * 100), rng.uniformInt(1, 40)));
            const auto maxTokens = static_cast<std::int32_t>(rng.uniformInt(1, 200));
            add(oneByOne, lastId, prompt, maxTokens);
            add(atOnce, lastId, prompt, maxTokens);
        }
        if (!oneByOne.hasRequests())
            continue;
        const std::int32_t count = oneByOne.quietDecodeSteps(256);
        QCOMPARE(atOnce.quietDecodeSteps(256), count);
        oneByOne.schedule();
        const bool allSteady = atOnce.schedule().scheduled.empty();
        std::int32_t done = 1;
        while (done < count) {
            const std::int32_t piece = allSteady ? static_cast<std::int32_t>(rng.uniformInt(1, count - done)) : 1;
            StepOutcome one;
            PrefixCacheStats prefixOfPiece; // the piece's steps' counters, summed
            for (std::int32_t i = 0; i < piece; ++i) {
                one = oneByOne.completeQuietStep();
                prefixOfPiece += one.stats->prefixCache;
            }
            const StepOutcome& once = allSteady ? atOnce.completeSteadySteps(piece) : atOnce.completeQuietStep();
            if (allSteady) {
                compareAfterSteps(oneByOne, one, atOnce, once, lastId);
                QCOMPARE(once.stats->prefixCache.requests, prefixOfPiece.requests);
                QCOMPARE(once.stats->prefixCache.queries, prefixOfPiece.queries);
                QCOMPARE(once.stats->prefixCache.hits, prefixOfPiece.hits);
                if (QTest::currentTestFailed())
                    return;
                ++piecesAtOnce;
            }
            done += piece;
        }
        if (allSteady && count >= 2)
            ++runsAtOnce;
        const StepOutcome one = oneByOne.completeStep();
        const StepOutcome& last = atOnce.completeStep();
        QCOMPARE(last.steadyTokens, one.steadyTokens);
        QCOMPARE(last.outputs.size(), one.outputs.size());
        QCOMPARE(last.finished, one.finished);
    }
    while (oneByOne.hasRequests()) {
        const StepOutcome one = (oneByOne.schedule(), oneByOne.completeStep());
        const StepOutcome& last = (atOnce.schedule(), atOnce.completeStep());
        QCOMPARE(last.finished, one.finished);
    }
    QVERIFY(!atOnce.hasRequests());
    // The rows must complete runs at once, in more pieces than runs.
    qInfo("%d runs completed at once, in %d pieces", runsAtOnce, piecesAtOnce);
    QVERIFY2(runsAtOnce >= 20 && piecesAtOnce > runsAtOnce,
             qPrintable(QStringLiteral("%1 runs, %2 pieces").arg(runsAtOnce).arg(piecesAtOnce)));
}

QTEST_APPLESS_MAIN(TestSteadyStretches)
#include "tst_steady_stretches.moc"
