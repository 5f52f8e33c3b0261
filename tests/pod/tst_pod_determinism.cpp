// Same inputs and seed => bit-identical pod timelines; a different seed => a different one.

#include "sim/kernel/rng.h"
#include "sim/pod/timed_pod.h"

#include <QtTest/QtTest>

using namespace kvroute::sim;

namespace {

struct Timeline final : PodListener {
    std::vector<std::tuple<RequestId, SimTime, SimTime, SimTime, std::int32_t, int>> rows;
    void onFinished(int, SimTime, const PodRequestRecord& r) override
    {
        rows.emplace_back(r.id, r.firstScheduled, r.firstToken, r.finished, r.numCachedTokens,
                          static_cast<int>(r.finishReason));
    }
};

std::vector<std::tuple<RequestId, SimTime, SimTime, SimTime, std::int32_t, int>> runOnce(std::uint64_t seed)
{
    Simulation sim;
    LinearCoefficients c;
    c.beta0Us = 800;
    c.beta1Us = 12;
    c.beta2Us = 40;
    c.beta3Us = 0.01;
    const LinearStepTime model(c);
    EngineConfig config;
    config.numGpuBlocks = 200; // tight: forces evictions and preemptions
    config.blockSize = 16;
    config.maxNumSeqs = 32;
    config.maxNumBatchedTokens = 512;
    config.maxModelLen = 4096;
    Timeline timeline;
    TimedPod pod(sim, 0, config, model, &timeline);

    auto arrivals = Rng::stream(seed, "arrivals");
    auto lengths = Rng::stream(seed, "lengths");
    SimTime t = 0;
    for (RequestId id = 1; id <= 300; ++id) {
        t += fromSeconds(arrivals.exponential(40.0));
        const auto group = static_cast<TokenId>(lengths.uniformInt(0, 4));
        const auto suffix = static_cast<std::size_t>(lengths.uniformInt(20, 400));
        std::vector<TokenId> prompt;
        for (TokenId i = 0; i < 300; ++i)
            prompt.push_back(group * 1000 + i); // shared system prompt per group
        for (std::size_t i = 0; i < suffix; ++i)
            prompt.push_back(static_cast<TokenId>(50000 + id * 500 + i));
        EngineRequest r;
        r.id = id;
        r.prompt = std::make_shared<const std::vector<TokenId>>(std::move(prompt));
        r.maxTokens = static_cast<std::int32_t>(lengths.uniformInt(5, 200));
        sim.scheduleAt(t, [&pod, r = std::move(r)]() mutable { QVERIFY(pod.submit(std::move(r)).has_value()); });
    }
    sim.run();
    return timeline.rows;
}

} // namespace

class TestPodDeterminism final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameSeedSameTimeline()
    {
        const auto a = runOnce(7);
        const auto b = runOnce(7);
        QCOMPARE(a.size(), std::size_t{300});
        QVERIFY(a == b);
    }

    void differentSeedDifferentTimeline()
    {
        QVERIFY(runOnce(7) != runOnce(8));
    }
};

QTEST_APPLESS_MAIN(TestPodDeterminism)
#include "tst_pod_determinism.moc"
