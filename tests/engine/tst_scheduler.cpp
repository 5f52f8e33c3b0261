// The v1 scheduler's edge cases, each computed by hand from vllm.md §2–§5.

#include "engine_test_support.h"

#include <QtTest/QtTest>

using namespace kvroute;
using namespace kvroute::test;

class TestScheduler final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Blocks are cached when scheduled, so a request admitted later in the same step hits them.
    void sameStepSharing()
    {
        sim::Engine engine(smallConfig(11));
        add(engine, 1, iota(0, 10), 5);
        add(engine, 2, concat(iota(0, 8), iota(100, 4)), 5);
        const auto r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 10}, {2, 4}}));
        QVERIFY(r.outcome.stats.has_value());
        const auto& pc = r.outcome.stats->prefixCache;
        QCOMPARE(pc.requests, 2);
        QCOMPARE(pc.queries, 22);
        QCOMPARE(pc.hits, 8);
        // 3 blocks for request 1, 1 new block for request 2 (its 2 hits are shared).
        QCOMPARE(engine.numFreeBlocks(), 10 - 4);
        QCOMPARE(r.outcome.outputs.size(), std::size_t{2});
        QCOMPARE(r.outcome.outputs[1].numCachedTokens, 8);
    }

    // A fully cached prompt of exactly k blocks still recomputes its last block.
    void hitCappedBelowPromptLength()
    {
        sim::Engine engine(smallConfig(11));
        add(engine, 1, iota(0, 8), 1);
        auto r = step(engine);
        QCOMPARE(r.outcome.finished, (std::vector<sim::RequestId>{1}));
        add(engine, 2, iota(0, 8), 1);
        r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{2, 4}}));
        QCOMPARE(r.outcome.outputs[0].numCachedTokens, 4);
        QCOMPARE(r.outcome.stats->prefixCache.hits, 4);
    }

    // Out of blocks: the last running request is preempted (recompute), goes to the front of
    // the waiting queue, nobody is admitted in that step, and its retries are re-queried.
    void preemptsLastRunningAndRequeries()
    {
        sim::Engine engine(smallConfig(5)); // 4 usable blocks of 4 tokens
        add(engine, 1, iota(0, 7), 10);
        add(engine, 2, iota(50, 7), 10);
        add(engine, 3, iota(90, 2), 10);
        auto r = step(engine); // 1 and 2 take 2 blocks each; 3 cannot be allocated
        QCOMPARE(r.scheduled, (Scheduled{{1, 7}, {2, 7}}));
        QCOMPARE(r.outcome.stats->numWaiting, 1);
        QCOMPARE(r.outcome.stats->prefixCache.requests, 3); // 3 was queried and blocked
        r = step(engine);                                   // decode; 3 retried and blocked again
        QCOMPARE(r.scheduled, (Scheduled{{1, 1}, {2, 1}}));
        QCOMPARE(r.outcome.stats->prefixCache.requests, 1);
        QCOMPARE(r.outcome.stats->prefixCache.queries, 2);
        r = step(engine); // both need a third block: 2 is preempted for 1
        QCOMPARE(r.scheduled, (Scheduled{{1, 1}}));
        QCOMPARE(r.preempted, (std::vector<sim::RequestId>{2}));
        QCOMPARE(r.outcome.stats->numRunning, 1);
        QCOMPARE(r.outcome.stats->numWaiting, 2);
        QCOMPARE(r.outcome.stats->prefixCache.requests, 0); // no admissions after a preemption
        const auto* two = engine.findRequest(2);
        QCOMPARE(two->numComputedTokens, 0);
        QCOMPARE(two->numPreemptions, 1);
        // 2 freed [its 2nd block, its 1st block]; 1 took the head, its 2nd block (tail first),
        // so 2's first block (tokens 50..53) is still cached and hit on the retry.
        r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 1}}));
        const auto& pc = r.outcome.stats->prefixCache;
        QCOMPARE(pc.requests, 1); // 2 at the head was queried, could not fit, blocked 3
        QCOMPARE(pc.queries, 9);  // 7 prompt + 2 generated tokens
        QCOMPARE(pc.hits, 4);
    }

    // A waiting request that cannot be allocated blocks everyone behind it.
    void headOfLineBlocking()
    {
        sim::Engine engine(smallConfig(5));
        add(engine, 1, iota(0, 12), 20);
        add(engine, 2, iota(40, 6), 5); // needs 2 blocks; only 1 left
        add(engine, 3, iota(80, 2), 5); // would fit, but waits behind 2
        auto r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 12}}));
        QCOMPARE(engine.numWaiting(), 2);
    }

    void maxNumSeqsLimitsAdmissions()
    {
        auto config = smallConfig(40);
        config.maxNumSeqs = 2;
        sim::Engine engine(config);
        for (sim::RequestId id = 1; id <= 3; ++id)
            add(engine, id, iota(static_cast<sim::TokenId>(id * 100), 5), 3);
        const auto r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 5}, {2, 5}}));
        // The third request was never looked up: the loop stops before querying it.
        QCOMPARE(r.outcome.stats->prefixCache.requests, 2);
    }

    // Without chunked prefill a prompt larger than the remaining budget is skipped; skipped
    // requests go back to the queue front in reverse order (FCFS prepend_requests quirk).
    void chunkedPrefillOffSkipsLargePrompts()
    {
        auto config = smallConfig(40);
        config.enableChunkedPrefill = false;
        config.maxNumBatchedTokens = 8;
        sim::Engine engine(config);
        add(engine, 1, iota(0, 10), 3);
        add(engine, 2, iota(100, 12), 3);
        add(engine, 3, iota(200, 5), 3);
        const auto r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{3, 5}}));
        // Skipped requests were still queried.
        QCOMPARE(r.outcome.stats->prefixCache.requests, 3);
        QCOMPARE(engine.waitingIds(), (std::vector<sim::RequestId>{2, 1}));
    }

    void longPrefillThresholdChunks()
    {
        auto config = smallConfig(40);
        config.longPrefillTokenThreshold = 4;
        sim::Engine engine(config);
        add(engine, 1, iota(0, 10), 2);
        auto r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 4}}));
        // A partial prefill samples nothing, so no stats are emitted...
        QVERIFY(!r.outcome.stats.has_value());
        r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 4}}));
        r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{1, 2}}));
        // ...and they roll into the next step that has an output.
        QVERIFY(r.outcome.stats.has_value());
        QCOMPARE(r.outcome.stats->prefixCache.requests, 1);
        QCOMPARE(r.outcome.stats->prefixCache.queries, 10);
        QCOMPARE(r.outcome.outputs.size(), std::size_t{1});
        QVERIFY(r.outcome.outputs[0].firstToken);
    }

    void stopTokenAndLengthFinish()
    {
        auto config = smallConfig(40);
        config.maxModelLen = 8;
        sim::Engine engine(config);
        // Request 1's outputs are 100000 + (1000 + j) % 100000; stop on its second token.
        add(engine, 1, iota(0, 3), 10, {101001});
        add(engine, 2, iota(50, 5), 10); // hits max_model_len after 3 tokens
        step(engine);
        auto r = step(engine);
        QCOMPARE(r.outcome.finished, (std::vector<sim::RequestId>{1}));
        QVERIFY(r.outcome.outputs[0].finishReason == sim::FinishReason::Stop);
        r = step(engine);
        QCOMPARE(r.outcome.finished, (std::vector<sim::RequestId>{2}));
        QVERIFY(r.outcome.outputs[0].finishReason == sim::FinishReason::Length);
        QCOMPARE(r.outcome.outputs[0].numOutputTokens, 3);
        // Finishes keep the engine stepping once more (has_finished_requests).
        QVERIFY(engine.hasRequests());
        r = step(engine);
        QVERIFY(r.scheduled.empty());
        QVERIFY(!engine.hasRequests());
    }

    void prefixCachingOffNeverHitsOrCounts()
    {
        auto config = smallConfig(40);
        config.enablePrefixCaching = false;
        sim::Engine engine(config);
        add(engine, 1, iota(0, 9), 1);
        step(engine);
        add(engine, 2, iota(0, 9), 1);
        const auto r = step(engine);
        QCOMPARE(r.scheduled, (Scheduled{{2, 9}}));
        QCOMPARE(r.outcome.stats->prefixCache.requests, 0);
        QCOMPARE(r.outcome.stats->prefixCache.hits, 0);
    }

    void rejectsWhatVllmRejects()
    {
        sim::Engine engine(smallConfig(40));
        sim::EngineRequest r;
        r.id = 1;
        r.prompt = std::make_shared<const std::vector<sim::TokenId>>(iota(0, 128));
        r.maxTokens = 1;
        QVERIFY(!engine.addRequest(r).has_value()); // prompt not shorter than max_model_len
        r.prompt = std::make_shared<const std::vector<sim::TokenId>>(iota(0, 4));
        r.maxTokens = 0;
        QVERIFY(!engine.addRequest(r).has_value());
        r.maxTokens = 1;
        QVERIFY(engine.addRequest(r).has_value());
        QVERIFY(!engine.addRequest(r).has_value()); // duplicate id
    }

    void abortFreesBlocks()
    {
        sim::Engine engine(smallConfig(11));
        add(engine, 1, iota(0, 10), 50);
        step(engine);
        QCOMPARE(engine.numFreeBlocks(), 7);
        QVERIFY(engine.abortRequest(1));
        QVERIFY(!engine.abortRequest(1));
        QCOMPARE(engine.numFreeBlocks(), 10);
        QVERIFY(engine.hasRequests()); // the abort is reported by one more step
        const auto r = step(engine);
        QVERIFY(r.outcome.outputs.empty());
        QVERIFY(!r.outcome.stats.has_value());
        QVERIFY(!engine.hasRequests());
    }
};

QTEST_APPLESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
