#pragma once
// A workload drives requests into a simulation. Open-loop workloads (Poisson stages, traces)
// ignore completions; closed-loop ones (chat users who read the answer, think, and reply)
// schedule the next turn from onCompleted(). Generation is lazy: one pending arrival event per
// stream, so a run never holds more prompts than are in flight.

#include "sim/kernel/simulation.h"
#include "sim/workload/workload_config.h"
#include "sim/workload/workload_request.h"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kvroute::sim {

class Workload {
public:
    using Submit = std::function<void(WorkloadRequest)>;

    virtual ~Workload() = default;

    /// Schedules arrivals on `sim` from now on; each arrival calls `submit` at its arrival time.
    /// No arrival is generated at or after `endTime`; at most `maxRequests` (0 = no limit).
    virtual void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) = 0;

    /// The answer to `request` finished at sim.now() with `outputTokens` tokens (closed loops
    /// use it; a request that was rejected or aborted reports 0 tokens).
    virtual void onCompleted(const WorkloadRequest& /*request*/, std::int32_t /*outputTokens*/) {}

    /// Live mode: the answer a real server produced (its tokens). A closed loop continues the
    /// conversation with these instead of `request.answer`, as a real client sends back what it
    /// got; the default treats it as onCompleted with its length.
    virtual void onAnswered(const WorkloadRequest& request, std::span<const TokenId> answer)
    {
        onCompleted(request, static_cast<std::int32_t>(answer.size()));
    }

    /// One line for reports, e.g. "chat-sessions: 0.5 users/s, 5 turns, ...".
    [[nodiscard]] virtual std::string describe() const = 0;

    /// The load stages of a staged workload, in order (WorkloadRequest::stage indexes them);
    /// empty for workloads without stages.
    [[nodiscard]] virtual std::vector<LoadStage> stages() const { return {}; }

    /// After a run: why the workload sent less than it holds, when the user may not expect it
    /// (a trace cut off by the end time); nullopt otherwise.
    [[nodiscard]] virtual std::optional<std::string> shortfallNote() const { return std::nullopt; }

protected:
    Workload() = default;
    Workload(const Workload&) = default;
    Workload& operator=(const Workload&) = default;
};

} // namespace kvroute::sim
