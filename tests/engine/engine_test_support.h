#pragma once
// Small helpers for driving an Engine step by step in tests.

#include "sim/engine/engine.h"

#include <QtTest/QtTest>

#include <map>
#include <numeric>

namespace kvroute::test {

inline sim::EngineConfig smallConfig(std::int32_t numGpuBlocks, std::int32_t blockSize = 4)
{
    sim::EngineConfig c;
    c.numGpuBlocks = numGpuBlocks;
    c.blockSize = blockSize;
    c.maxNumSeqs = 8;
    c.maxNumBatchedTokens = 64;
    c.maxModelLen = 128;
    return c;
}

/// Tokens first, first+1, ..., first+count-1.
inline std::vector<sim::TokenId> iota(sim::TokenId first, std::size_t count)
{
    std::vector<sim::TokenId> v(count);
    std::iota(v.begin(), v.end(), first);
    return v;
}

inline std::vector<sim::TokenId> concat(std::vector<sim::TokenId> a, const std::vector<sim::TokenId>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

inline void add(sim::Engine& engine, sim::RequestId id, std::vector<sim::TokenId> prompt, std::int32_t maxTokens,
                std::vector<sim::TokenId> stop = {})
{
    sim::EngineRequest r;
    r.id = id;
    r.prompt = std::make_shared<const std::vector<sim::TokenId>>(std::move(prompt));
    r.maxTokens = maxTokens;
    r.stopTokenIds = std::move(stop);
    r.outputs.offset = static_cast<std::uint32_t>(id * 1000);
    QVERIFY(engine.addRequest(std::move(r)).has_value());
}

struct StepResult {
    std::map<sim::RequestId, std::int32_t> scheduled;
    std::vector<sim::RequestId> preempted;
    sim::StepOutcome outcome;
};

inline StepResult step(sim::Engine& engine)
{
    StepResult r;
    const auto& plan = engine.schedule();
    for (const auto& s : plan.scheduled)
        r.scheduled[s.id] = s.numNewTokens;
    r.preempted = plan.preempted;
    r.outcome = engine.completeStep();
    return r;
}

using Scheduled = std::map<sim::RequestId, std::int32_t>;

} // namespace kvroute::test
