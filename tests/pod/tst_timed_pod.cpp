// A pod in simulated time: steps back to back, each as long as the latency model says, and
// per-request TTFT / queue / finish times that follow from it.

#include "sim/pod/timed_pod.h"

#include <QtTest/QtTest>

#include <numeric>

using namespace kvroute::sim;

namespace {

// 1 ms per step + 10 µs per prefill token + 100 µs per decode token.
LinearStepTime testModel()
{
    LinearCoefficients c;
    c.beta0Us = 1000;
    c.beta1Us = 10;
    c.beta2Us = 100;
    return LinearStepTime(c);
}

EngineConfig podConfig()
{
    EngineConfig c;
    c.numGpuBlocks = 101;
    c.blockSize = 16;
    c.maxNumSeqs = 16;
    c.maxNumBatchedTokens = 256;
    c.maxModelLen = 2048;
    return c;
}

EngineRequest request(RequestId id, std::size_t promptLen, std::int32_t maxTokens, TokenId first = 0)
{
    std::vector<TokenId> prompt(promptLen);
    std::iota(prompt.begin(), prompt.end(), first);
    EngineRequest r;
    r.id = id;
    r.prompt = std::make_shared<const std::vector<TokenId>>(std::move(prompt));
    r.maxTokens = maxTokens;
    return r;
}

struct Recorder final : PodListener {
    std::vector<PodRequestRecord> finished;
    std::vector<SimTime> stepStarts;
    void onStepBegin(int, SimTime now, const StepPlan&, SimTime) override { stepStarts.push_back(now); }
    void onFinished(int, SimTime, const PodRequestRecord& r) override { finished.push_back(r); }
};

} // namespace

class TestTimedPod final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // vLLM v0.10.0's order: the length check first (only with max_tokens given, as it always is
    // here), then max_tokens >= 1, then a non-empty prompt.
    void frontEndRefusalOrder_data()
    {
        QTest::addColumn<int>("prompt");
        QTest::addColumn<int>("maxTokens");
        QTest::addColumn<int>("expected");
        QTest::newRow("fits") << 100 << 27 << int(FrontEndRefusal::None);
        QTest::newRow("exactly fills the context") << 100 << 28 << int(FrontEndRefusal::None);
        QTest::newRow("one token over") << 100 << 29 << int(FrontEndRefusal::OverMaxModelLen);
        QTest::newRow("prompt alone fills it") << 128 << 1 << int(FrontEndRefusal::PromptTooLong);
        QTest::newRow("prompt alone over it, max_tokens 0") << 129 << 0 << int(FrontEndRefusal::PromptTooLong);
        // 128 + 0 is not over 128: the length check passes and max_tokens is what is refused.
        QTest::newRow("prompt fills it, max_tokens 0") << 128 << 0 << int(FrontEndRefusal::ZeroMaxTokens);
        QTest::newRow("max_tokens 0") << 10 << 0 << int(FrontEndRefusal::ZeroMaxTokens);
        QTest::newRow("empty prompt") << 0 << 5 << int(FrontEndRefusal::EmptyPrompt);
        QTest::newRow("empty prompt, max_tokens 0") << 0 << 0 << int(FrontEndRefusal::ZeroMaxTokens);
    }
    void frontEndRefusalOrder()
    {
        QFETCH(int, prompt);
        QFETCH(int, maxTokens);
        QFETCH(int, expected);
        QCOMPARE(int(frontEndRefusal(prompt, maxTokens, 128)), expected);
    }

    void singleRequestTimeline()
    {
        Simulation sim;
        const auto model = testModel();
        Recorder rec;
        TimedPod pod(sim, 0, podConfig(), model, &rec);
        sim.scheduleAt(5 * kMillisecond, [&] { QVERIFY(pod.submit(request(1, 100, 3)).has_value()); });
        sim.run();
        QCOMPARE(rec.finished.size(), std::size_t{1});
        const auto& r = rec.finished[0];
        // Step 1: prefill of 100 tokens = 1000 + 100*10 = 2000 µs, samples the first token.
        QCOMPARE(r.arrival, 5 * kMillisecond);
        QCOMPARE(r.firstScheduled, 5 * kMillisecond);
        QCOMPARE(r.ttft(), 2 * kMillisecond);
        // Two decode steps of 1000 + 100 µs each.
        QCOMPARE(r.finished, 5 * kMillisecond + 2 * kMillisecond + 2 * 1100 * kMicrosecond);
        QCOMPARE(r.numOutputTokens, 3);
        QVERIFY(r.finishReason == FinishReason::Length);
        // One more (empty) step reports the finish, costing the 1 ms fixed overhead.
        QCOMPARE(rec.stepStarts.size(), std::size_t{4});
        QCOMPARE(pod.metrics().steps, 4);
        QCOMPARE(pod.metrics().generationTokens, 3);
        QCOMPARE(pod.metrics().promptTokens, 100);
        QVERIFY(!pod.busy());
    }

    // A request arriving mid-step waits for the step's end, as in vLLM's engine-core loop.
    void arrivalsDuringStepWaitForItsEnd()
    {
        Simulation sim;
        const auto model = testModel();
        Recorder rec;
        TimedPod pod(sim, 0, podConfig(), model, &rec);
        sim.scheduleAt(0, [&] { QVERIFY(pod.submit(request(1, 200, 1)).has_value()); });
        sim.scheduleAt(1 * kMillisecond, [&] { QVERIFY(pod.submit(request(2, 50, 1, 5000)).has_value()); });
        sim.run();
        QCOMPARE(rec.finished.size(), std::size_t{2});
        const auto& second = rec.finished[1];
        QCOMPARE(second.id, RequestId{2});
        // Step 1 lasts 1000 + 200*10 = 3000 µs; request 2 is scheduled when it ends.
        QCOMPARE(second.firstScheduled, 3 * kMillisecond);
        QCOMPARE(second.queueTime(), 2 * kMillisecond);
        QCOMPARE(second.ttft(), 2 * kMillisecond + 1500 * kMicrosecond);
    }

    void everyRefusalIsImmediate_data()
    {
        QTest::addColumn<std::size_t>("promptLen");
        QTest::addColumn<std::int32_t>("maxTokens");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty prompt") << std::size_t{0} << 4 << QStringLiteral("the prompt is empty");
        QTest::newRow("prompt too long") << std::size_t{2048} << 4 << QStringLiteral("is over max_model_len 2048");
        // vLLM's order: the length check passes (2048 + 0 fits), then max_tokens is refused.
        QTest::newRow("prompt of max_model_len, max_tokens 0")
            << std::size_t{2048} << 0 << QStringLiteral("max_tokens must be at least 1");
        QTest::newRow("empty prompt, max_tokens 0") << std::size_t{0} << 0 << QStringLiteral("max_tokens must be at least 1");
        QTest::newRow("max_tokens 0") << std::size_t{10} << 0 << QStringLiteral("max_tokens must be at least 1");
        // vLLM's serving layer: prompt + max_tokens must fit in max_model_len (2048 here).
        QTest::newRow("prompt + max_tokens over max_model_len")
            << std::size_t{2000} << 49 << QStringLiteral("plus max_tokens 49 is over max_model_len 2048");
    }

    void everyRefusalIsImmediate()
    {
        // Refused while a step runs as well as between steps: a request queued for the step's end
        // and refused there would vanish without its caller hearing of it.
        QFETCH(std::size_t, promptLen);
        QFETCH(std::int32_t, maxTokens);
        QFETCH(QString, reason);
        Simulation sim;
        const auto model = testModel();
        Recorder rec;
        TimedPod pod(sim, 0, podConfig(), model, &rec);
        sim.scheduleAt(0, [&] { QVERIFY(pod.submit(request(1, 200, 2)).has_value()); });
        for (const SimTime at : {SimTime{1 * kMillisecond}, SimTime{100 * kMillisecond}}) {
            sim.scheduleAt(at, [&, at] {
                const auto refused = pod.submit(request(at == 1 * kMillisecond ? 2 : 3, promptLen, maxTokens));
                QVERIFY(!refused.has_value());
                QVERIFY2(QString::fromStdString(refused.error().toString()).contains(reason),
                         refused.error().toString().c_str());
            });
        }
        sim.run();
        QCOMPARE(rec.finished.size(), std::size_t{1});
        QVERIFY(!pod.engine().hasRequests());
    }

    void promptPlusMaxTokensMayFillMaxModelLen()
    {
        // The bound is inclusive: 2000 + 48 = 2048 tokens is accepted and runs to its length.
        Simulation sim;
        const auto model = testModel();
        Recorder rec;
        EngineConfig config = podConfig();
        config.numGpuBlocks = 200; // room for all 2,048 tokens
        TimedPod pod(sim, 0, config, model, &rec);
        QVERIFY(pod.submit(request(1, 2000, 48)).has_value());
        sim.run();
        QCOMPARE(rec.finished.size(), std::size_t{1});
        QCOMPARE(rec.finished[0].numOutputTokens, 48);
    }

    void gaugesRefreshOnlyWithStats()
    {
        Simulation sim;
        const auto model = testModel();
        auto config = podConfig();
        config.longPrefillTokenThreshold = 64;
        TimedPod pod(sim, 0, config, model);
        QVERIFY(pod.submit(request(1, 200, 2)).has_value());
        // After the first (partial-prefill) step nothing was sampled: gauges still idle.
        sim.runUntil(1000 * kMicrosecond + 64 * 10 * kMicrosecond);
        QCOMPARE(pod.metrics().steps, 1);
        QCOMPARE(pod.metrics().numRequestsRunning, 0);
        sim.run();
        QCOMPARE(pod.metrics().prefixCache.queries, 200);
        QCOMPARE(pod.metrics().requestSuccess, 1);
    }

    void abortWhileQueuedDuringStep()
    {
        Simulation sim;
        const auto model = testModel();
        Recorder rec;
        TimedPod pod(sim, 0, podConfig(), model, &rec);
        QVERIFY(pod.submit(request(1, 100, 5)).has_value());
        sim.scheduleAt(100 * kMicrosecond, [&] {
            QVERIFY(pod.submit(request(2, 10, 5, 7000)).has_value());
            QVERIFY(pod.abort(2));
        });
        sim.run();
        QCOMPARE(rec.finished.size(), std::size_t{2});
        QCOMPARE(rec.finished[0].id, RequestId{2});
        QVERIFY(rec.finished[0].finishReason == FinishReason::Abort);
        QVERIFY(rec.finished[1].finishReason == FinishReason::Length);
    }
};

QTEST_APPLESS_MAIN(TestTimedPod)
#include "tst_timed_pod.moc"
