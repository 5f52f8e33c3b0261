#pragma once
// What the k-th request of a load stage sends. SharedPrefixWorkload owns the stage machinery
// (arrival timers, draining, gaps) that every inference-perf data set shares; a StagePrompts
// replaces its shared-prefix prompts with another data set (random lengths, ...).

#include "sim/workload/workload_request.h"

#include <cstdint>
#include <string>

namespace kvroute::sim {

class StagePrompts {
public:
    virtual ~StagePrompts() = default;

    /// Fills sessionId, clientIp, prompt and maxTokens of the `k`-th request of a stage (k
    /// restarts at 0 in every stage, as inference-perf's request numbers do).
    virtual void fill(std::int64_t k, WorkloadRequest& request) = 0;

    /// The data set's part of Workload::describe(), e.g. "random: input 10–1024 tokens ...".
    [[nodiscard]] virtual std::string describe() const = 0;

protected:
    StagePrompts() = default;
    StagePrompts(const StagePrompts&) = default;
    StagePrompts& operator=(const StagePrompts&) = default;
};

} // namespace kvroute::sim
