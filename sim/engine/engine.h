#pragma once
// One vLLM v0.10.0 engine (EngineCore + v1 Scheduler + KVCacheManager) driven by steps.
// A step is split in two so a timed pod can place it in simulated time: schedule() picks the
// batch (and caches its blocks) at the step's start, completeStep() delivers what the model
// "sampled" at its end. Spec: vllm.md §2–§6; conformance traces: ../shared/conformance.

#include "sim/engine/engine_config.h"
#include "sim/engine/engine_types.h"
#include "sim/engine/kv_cache_manager.h"
#include "sim/engine/request.h"
#include "sim/model/batch_shape.h"
#include "sim/util/result.h"

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace kvroute::sim {

struct ScheduledRequest {
    RequestId id = 0;
    /// EngineRequest::callerIndex of the request.
    std::uint32_t callerIndex = 0;
    std::int32_t numNewTokens = 0;
    /// Tokens already computed before this step (including this admission's prefix hits).
    std::int32_t numComputedBefore = 0;
    /// Prompt + output tokens known to the request when scheduled.
    std::int32_t numTokens = 0;
    /// First successful schedule of this request (not a resumption).
    bool firstSchedule = false;
    /// Admitted from the waiting queue in this step (new or resumed).
    bool admitted = false;
};

/// vLLM's SchedulerOutput, reduced to what a simulator needs.
struct StepPlan {
    std::vector<ScheduledRequest> scheduled;
    std::vector<RequestId> preempted;
    std::vector<KvEvent> kvEvents;
    std::int32_t totalTokens = 0;
    /// scheduled[firstAdmitted..] came from the waiting queue (new or resumed); the ones before
    /// were running.
    std::size_t firstAdmitted = 0;
    /// The batch's shape, summed as requests are scheduled (a request is in decode when at most
    /// one of its tokens was left to compute: numComputedBefore >= numTokens - 1).
    BatchShape shape;
    /// Requests in a steady decode stretch (Engine::countSteadyDecodes), scheduled for one decode
    /// token each and not listed in `scheduled` (they come before the admitted ones; their
    /// tokens are in totalTokens and shape).
    std::int32_t steadyDecodes = 0;
};

struct RequestOutput {
    RequestId id = 0;
    /// EngineRequest::callerIndex of the request.
    std::uint32_t callerIndex = 0;
    TokenId token = 0;
    bool firstToken = false;
    FinishReason finishReason = FinishReason::None;
    std::int32_t numPromptTokens = 0;
    std::int32_t numOutputTokens = 0;
    std::int32_t numCachedTokens = 0;
    /// PREEMPTED events delivered with this output (what vllm:num_preemptions counts).
    std::int32_t preemptionsDelivered = 0;
};

/// What one step's end delivers (EngineCoreOutputs).
struct StepOutcome {
    std::vector<RequestOutput> outputs;
    /// Requests that finished in this step, in running-list order.
    std::vector<RequestId> finished;
    /// Tokens sampled by requests in a steady decode stretch (Engine::countSteadyDecodes), not
    /// listed in `outputs`: each one the next token of a request in plain decode, whose previous
    /// token came at the end of the step before, and none first or finishing.
    std::int32_t steadyTokens = 0;
    /// Present only on steps with at least one output (vllm.md §5 step 4).
    std::optional<SchedulerStats> stats;
};

/// A request left its steady decode stretch (scheduled normally again, cut from a step by the
/// token budget, preempted, or aborted): the outputs it last had counted in aggregate.
struct SteadyExit {
    std::uint32_t callerIndex = 0;
    std::int32_t numOutputTokens = 0;
};

class Engine {
public:
    explicit Engine(const EngineConfig& config);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// Rejects what vLLM's input processing rejects (empty prompt, prompt not shorter than
    /// max_model_len, duplicate id, max_tokens < 1).
    Result<void> addRequest(EngineRequest request);
    /// A client abort; returns false for an unknown or finished id.
    bool abortRequest(RequestId id);

    /// vLLM's has_requests(): unfinished work, or finishes not yet reported to a schedule().
    [[nodiscard]] bool hasRequests() const;
    [[nodiscard]] bool hasUnfinishedRequests() const { return !m_running.empty() || !m_waiting.empty(); }

    /// How many of the next steps, at most `limit`, are plain decode steps that change nothing
    /// seen outside the engine but its outputs: nothing waits, and every running request
    /// (each past its first token) computes one token into a block it already holds, fills no
    /// block, and samples a token that does not finish it. Such steps schedule the same batch,
    /// publish no KV events, and leave the running and waiting counts and the KV usage as they
    /// are, so a timed pod may place several in time at once. Call between steps.
    [[nodiscard]] std::int32_t quietDecodeSteps(std::int32_t limit) const;

    /// Counts, rather than lists, the steps of requests in a steady decode stretch: a request
    /// whose token has just been sampled, and whose next steps (as quietDecodeSteps() counts
    /// them for it alone) each compute one token into a block it holds and sample a token that
    /// does not finish it, is scheduled and sampled in those steps without a ScheduledRequest or
    /// a RequestOutput: StepPlan::steadyDecodes and StepOutcome::steadyTokens count them. The
    /// engine's state and rules are the same; only the reporting changes. For callers whose
    /// results depend on sums over the tokens (a simulated fleet), not on each token (a live
    /// pod's stream, conformance traces). Set before the first request.
    void countSteadyDecodes(bool on);
    /// Requests that left a steady stretch since clearSteadyExits(), in the order they left; a
    /// caller that counts steady decodes clears them after each schedule() and abortRequest().
    [[nodiscard]] const std::vector<SteadyExit>& steadyExits() const { return m_steadyExits; }
    void clearSteadyExits() { m_steadyExits.clear(); }

    const StepPlan& schedule();
    /// completeStep() then schedule() in one pass, for a step that quietDecodeSteps() counted
    /// with another quiet step after it: the next step schedules the same batch, each request
    /// one token further on, so the plan is updated in place (plan()).
    const StepOutcome& completeQuietStep();
    /// completeQuietStep() `steps` times over, for a run whose requests are all in steady decode
    /// stretches (plan().scheduled is empty): each request is advanced once by `steps` tokens,
    /// the state then being what that many completeQuietStep() calls leave. The outcome is the
    /// last step's: steadyTokens per step, and the stats, whose prefix-cache counters are the
    /// sum over the steps (the first step's, the later ones' being zero).
    const StepOutcome& completeSteadySteps(std::int32_t steps);
    /// The open step's plan.
    [[nodiscard]] const StepPlan& plan() const { return m_plan; }
    /// The outcome stays valid until the next completeStep().
    const StepOutcome& completeStep();

    [[nodiscard]] const EngineConfig& config() const { return m_config; }
    [[nodiscard]] std::int32_t numRunning() const { return static_cast<std::int32_t>(m_running.size()); }
    [[nodiscard]] std::int32_t numWaiting() const { return static_cast<std::int32_t>(m_waiting.size()); }
    [[nodiscard]] std::int32_t numFreeBlocks() const { return m_kv.pool().numFreeBlocks(); }
    [[nodiscard]] double kvCacheUsage() const { return m_kv.usage(); }
    [[nodiscard]] const KvCacheManager& kvCache() const { return m_kv; }
    [[nodiscard]] const Request* findRequest(RequestId id) const;
    /// The waiting queue, front first (tests and diagnostics).
    [[nodiscard]] std::vector<RequestId> waitingIds() const;

private:
    void scheduleRunning(std::int32_t& tokenBudget);
    void scheduleWaiting(std::int32_t& tokenBudget);
    void preempt(Request& victim);
    /// Steps ahead, at most `limit`, in which `request` (in decode, past its first token, no
    /// preemption undelivered) computes one token into a block it holds, fills no block and
    /// samples a token that does not finish it.
    [[nodiscard]] std::int32_t quietStepsOf(const Request& request, std::int32_t limit) const;
    /// The end of completeQuietStep and completeSteadySteps: the stats, and the open step's plan
    /// with nothing preempted or published.
    const StepOutcome& endQuietSteps();
    void beginSteadyStretch(Request& request);
    void endSteadyStretch(Request& request);
    void finish(Request& request, FinishReason reason);
    [[nodiscard]] bool checkStop(Request& request) const;
    /// The step loops visit every running request, usually gone from the cache since the pod's
    /// previous step (other pods ran in between): ask for a later one's hot lines early.
    /// completeStep asks for two lines: sampling a token reads the output source and the stop
    /// tokens, which lie on the line after the one the schedule loop reads.
    static constexpr std::size_t kPrefetchAhead = 4;
    void prefetchRunning(std::size_t index, int lines) const
    {
        if (index >= m_running.size())
            return;
        const auto* request = reinterpret_cast<const char*>(m_running[index]);
        __builtin_prefetch(request);
        if (lines > 1)
            __builtin_prefetch(request + 64);
    }
    /// With many pods, other pods' steps run between two of this one's: its requests are out of
    /// the cache when a loop over them starts, so the first few are asked for together.
    void prefetchFirstRunning(int lines) const
    {
        for (std::size_t i = 0; i < kPrefetchAhead; ++i)
            prefetchRunning(i, lines);
    }

    EngineConfig m_config;
    KvCacheManager m_kv;
    std::unordered_map<RequestId, std::unique_ptr<Request>> m_requests;
    std::vector<Request*> m_running;
    std::deque<Request*> m_waiting;
    /// Finished since the last schedule(); keeps has_requests() true for one more step.
    std::size_t m_finishedSinceSchedule = 0;
    StepPlan m_plan;
    StepOutcome m_outcome;
    bool m_stepOpen = false;
    std::vector<BlockId> m_hitScratch;
    std::vector<Request*> m_runningScratch;
    std::vector<Request*> m_skippedScratch;
    /// schedule() calls so far: steady stretches are given in these step numbers.
    std::int64_t m_stepNumber = 0;
    bool m_countSteadyDecodes = false;
    std::vector<SteadyExit> m_steadyExits;
};

} // namespace kvroute::sim
