#pragma once
// Seeded traffic for a few timed pods, shared by the tests that run one workload through pods
// placed differently in time and compare what their listeners heard: requests with shared
// prefixes, random lengths and some stop tokens arrive, some are aborted (mid-step, mid-run),
// the caller catches up at odd times, and the gauges are read without catching up.

#include "sim/kernel/rng.h"
#include "sim/kernel/simulation.h"
#include "sim/pod/timed_pod.h"

#include <QtTest/QtTest>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace kvroute::sim::test {

inline std::string gauges(const PodMetrics& m)
{
    return "r" + std::to_string(m.numRequestsRunning) + " w" + std::to_string(m.numRequestsWaiting) + " u" +
           std::to_string(m.kvCacheUsage) + " q" + std::to_string(m.prefixCache.queries);
}

/// The pods' counters, as text.
inline std::string counters(const PodMetrics& m)
{
    return std::to_string(m.steps) + " " + std::to_string(m.busyTime) + " " + std::to_string(m.generationTokens) + " " +
           std::to_string(m.promptTokens) + " " + std::to_string(m.requestSuccess) + " " +
           std::to_string(m.numPreemptions) + " " + std::to_string(m.prefixCache.hits);
}

/// 16 sequences, a 256-token budget and 16-token blocks: prefills cut decodes from steps.
inline EngineConfig smallPodConfig(std::int32_t numGpuBlocks, bool caching)
{
    EngineConfig config;
    config.numGpuBlocks = numGpuBlocks;
    config.blockSize = 16;
    config.maxNumSeqs = 16;
    config.maxNumBatchedTokens = 256;
    config.maxModelLen = 2048;
    config.kvEvents = true;
    config.enablePrefixCaching = caching;
    return config;
}

inline LinearCoefficients smallPodCoefficients()
{
    LinearCoefficients c;
    c.beta0Us = 900;
    c.beta1Us = 10;
    c.beta2Us = 35;
    c.beta3Us = 0.02;
    return c;
}

/// Schedules 150 requests over the pods; the gauge reads are appended to `gaugeReads`.
inline void scheduleRandomTraffic(Simulation& sim, std::vector<std::unique_ptr<TimedPod>>& pods, std::uint64_t seed,
                                  std::vector<std::string>& gaugeReads)
{
    auto rng = Rng::stream(seed, "quiet-runs");
    const auto numPods = static_cast<std::int64_t>(pods.size());
    SimTime t = 0;
    for (RequestId id = 1; id <= 150; ++id) {
        t += fromSeconds(rng.exponential(25.0));
        const auto pod = static_cast<std::size_t>(rng.uniformInt(0, numPods - 1));
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
        // The gauges, read without catching up (as the router's scrape reads them).
        const SimTime readAt = t + fromSeconds(rng.uniform01());
        sim.scheduleAt(readAt, [&pods, &sim, &gaugeReads] {
            for (const auto& p : pods)
                gaugeReads.push_back(std::to_string(sim.now()) + " " + gauges(p->metrics()));
        });
    }
}

/// Per pod, the lines two listeners wrote are equal (the first difference is shown).
template <std::size_t Pods>
void compareLines(const std::array<std::vector<std::string>, Pods>& expected,
                  const std::array<std::vector<std::string>, Pods>& actual)
{
    for (std::size_t pod = 0; pod < Pods; ++pod) {
        const auto& a = expected[pod];
        const auto& b = actual[pod];
        for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
            QVERIFY2(a[i] == b[i], qPrintable(QStringLiteral("pod %1 line %2: %3 | %4")
                                                 .arg(pod).arg(i).arg(QString::fromStdString(a[i]), QString::fromStdString(b[i]))));
        QCOMPARE(b.size(), a.size());
    }
}

} // namespace kvroute::sim::test
