#pragma once
// One vLLM decode pod in simulated time: the exact step engine, run back to back while it has
// work, each step lasting what the latency model says for its batch. Like vLLM's engine-core
// loop, requests that arrive during a step are taken in when the step ends.

#include "sim/engine/engine.h"
#include "sim/kernel/simulation.h"
#include "sim/model/step_time.h"
#include "sim/util/flat_map64.h"
#include "sim/util/stable_vector.h"

#include <span>
#include <vector>

namespace kvroute::sim {

/// Per-request timeline as the pod saw it.
struct PodRequestRecord {
    RequestId id = 0;
    SimTime arrival = 0;         ///< handed to the pod
    SimTime firstScheduled = -1; ///< first step that scheduled it began
    SimTime firstToken = -1;     ///< end of the step that sampled its first token
    SimTime lastToken = -1;
    SimTime finished = -1;
    std::int32_t numPromptTokens = 0;
    std::int32_t numOutputTokens = 0;
    std::int32_t numCachedTokens = 0;
    std::int32_t preemptions = 0;
    FinishReason finishReason = FinishReason::None;

    [[nodiscard]] SimTime ttft() const { return firstToken - arrival; }
    [[nodiscard]] SimTime queueTime() const { return firstScheduled - arrival; }
    [[nodiscard]] SimTime e2e() const { return finished - arrival; }
};

/// What the pod's /metrics would show (vllm.md §6): gauges refresh only on steps that carry
/// SchedulerStats; counters are cumulative.
struct PodMetrics {
    std::int32_t numRequestsRunning = 0;
    std::int32_t numRequestsWaiting = 0;
    double kvCacheUsage = 0.0;
    PrefixCacheStats prefixCache;
    std::int64_t numPreemptions = 0;
    std::int64_t promptTokens = 0;
    std::int64_t generationTokens = 0;
    std::int64_t requestSuccess = 0;
    std::int64_t steps = 0;
    SimTime busyTime = 0;
};

/// Steps of a coalesced run whose requests are all in steady decode (TokenReports::SteadyCounted
/// with QuietSteps::Coalesced), told at once: step i ran from ends[i - 1] (from `start` for the
/// first) to ends[i] and sampled `tokensPerStep` steady tokens; each step's stats are `stats`,
/// but for the prefix-cache counters, which are all the first step's (the later ones' are zero).
struct SteadySteps {
    SimTime start = 0;
    std::span<const SimTime> ends;
    std::int32_t tokensPerStep = 0;
    SchedulerStats stats;
};

/// Observer of a pod (ns-3 trace-source habit: the model never writes results itself).
class PodListener {
public:
    virtual ~PodListener() = default;
    /// A step began at `now` and will end at `now + duration`; KV events are published now.
    virtual void onStepBegin(int /*pod*/, SimTime /*now*/, const StepPlan& /*plan*/, SimTime /*duration*/) {}
    /// A generated token (the first one included) was delivered at `now`; `record.lastToken` is
    /// still the previous token's time (-1 before the first).
    virtual void onToken(int /*pod*/, SimTime /*now*/, const RequestOutput& /*output*/, const PodRequestRecord& /*record*/) {}
    /// `count` tokens of requests in steady decode (TokenReports::SteadyCounted), each sampled
    /// at `now` and `interTokenLatency` after its request's previous token; onToken hears the
    /// others. Such a request's record shows its outputs and last token time again once it
    /// leaves the stretch, before onToken or onFinished next shows it.
    virtual void onSteadyTokens(int /*pod*/, SimTime /*now*/, std::int32_t /*count*/, SimTime /*interTokenLatency*/) {}
    /// A step carried SchedulerStats (the gauges and prefix-cache counters moved).
    virtual void onStats(int /*pod*/, SimTime /*now*/, const SchedulerStats& /*stats*/) {}
    /// In place of onSteadyTokens and onStats for each of `steps`, in order: their default. The
    /// steps after the first began without onStepBegin: each scheduled the requests of the step
    /// before, one token further on, and published nothing. onStepBegin announces the step after
    /// the last one.
    virtual void onSteadySteps(int pod, const SteadySteps& steps);
    /// A request finished (length, stop or abort); `record` is complete.
    virtual void onFinished(int /*pod*/, SimTime /*now*/, const PodRequestRecord& /*record*/) {}
};

/// What vLLM v0.10.0's OpenAI server refuses before the engine runs a request, in its order of
/// checks: the serving layer's length check (serving_engine.py _validate_input; a simulated
/// request always sets max_tokens, so prompt + max_tokens must fit in max_model_len), then
/// SamplingParams (max_tokens at least 1), both a 400, then the processor (a non-empty prompt):
/// a 400, or for a streamed request a 200 carrying one error event.
enum class FrontEndRefusal : std::uint8_t {
    None,
    PromptTooLong,   ///< the length check, with the prompt alone not shorter than max_model_len
    OverMaxModelLen, ///< the length check, the prompt fitting but not with its max_tokens
    ZeroMaxTokens,
    EmptyPrompt,
};
[[nodiscard]] FrontEndRefusal frontEndRefusal(std::int64_t promptLength, std::int64_t maxTokens,
                                              std::int64_t maxModelLen);

/// How a pod places quiet decode steps (Engine::quietDecodeSteps) in time.
enum class QuietSteps : std::uint8_t {
    /// One event per step: listeners hear each step at its end (the live pod streams tokens).
    EachOwnEvent,
    /// A run of quiet steps becomes one event at the run's end; the steps before it are applied,
    /// with their own times, at that event or when the pod or its caller needs them earlier
    /// (submit, abort, catchUp). Listeners hear every step, in order, but later and interleaved
    /// differently with other pods: for callers whose listeners give the same results in that
    /// order (counts, exact sums, and per pod what they add up in step order), and that call
    /// catchUp from ordinary events (a step end is a ranked event, Simulation::scheduleRankedAt,
    /// so steps ending at the same time are over then). A run starts only when the gauges in
    /// metrics() are current, and quiet steps leave them as they are: reading them never lags.
    Coalesced,
};

/// How a pod tells its listener of generated tokens.
enum class TokenReports : std::uint8_t {
    /// onToken for every token.
    EachToken,
    /// onToken for the tokens of requests not in a steady decode stretch (their first and last
    /// included), onSteadyTokens for the count of the others (Engine::countSteadyDecodes): for
    /// listeners that sum over tokens, at a cost per step rather than per request in decode.
    SteadyCounted,
};

class TimedPod {
public:
    TimedPod(Simulation& sim, int index, const EngineConfig& config, const StepTimeModel& stepTime,
             PodListener* listener = nullptr, QuietSteps quietSteps = QuietSteps::EachOwnEvent,
             TokenReports tokenReports = TokenReports::EachToken);
    TimedPod(const TimedPod&) = delete;
    TimedPod& operator=(const TimedPod&) = delete;

    /// Hands a request to the pod at sim.now(). Invalid requests are rejected before queueing.
    Result<void> submit(EngineRequest request);
    /// Client abort at sim.now(); false for an unknown id.
    bool abort(RequestId id);

    /// Applies the coalesced steps that ended by `time` (<= now), so the listeners have heard
    /// everything up to it; the pod's gauges never lag, as quiet steps do not move them.
    void catchUp(SimTime time);

    [[nodiscard]] int index() const { return m_index; }
    [[nodiscard]] const PodMetrics& metrics() const { return m_metrics; }
    [[nodiscard]] const Engine& engine() const { return m_engine; }
    [[nodiscard]] bool busy() const { return m_stepRunning; }
    /// Requests handed to the pod and not yet finished.
    [[nodiscard]] std::size_t inFlight() const { return m_recordOfId.size(); }

private:
    static constexpr std::size_t kPrefetchAhead = 4;
    /// Longest run of quiet steps placed at once (bounds m_runEnds).
    static constexpr std::int32_t kMaxQuietRun = 256;

    void startStepIfIdle();
    /// The pending step event: the end of the running step, or of a run of quiet steps.
    void onStepEvent();
    void placeStepEvent(SimTime end);
    void endStep(SimTime now);
    /// Ends the running quiet step at `now` and begins the next one of the run.
    void applyQuietStep(SimTime now);
    /// applyQuietStep for the next `count` steps of a run of steady requests only, at once.
    void applySteadySteps(std::size_t count);
    /// The running step is the last one placed: a run cut short by a submit or abort.
    void endQuietRun();
    void deliverOutputs(const StepOutcome& outcome, SimTime now);
    void recordStats(const StepOutcome& outcome, SimTime now);
    /// Brings the records of requests that left a steady stretch up to date (their last token
    /// came at the end of the latest step).
    void applySteadyExits();
    Result<void> admit(EngineRequest request);
    /// Finishes the record of `id`, if the pod still has one.
    void finishRecord(RequestId id, FinishReason reason);
    void finishRecordAt(std::uint32_t index, FinishReason reason);
    void releaseRecord(std::uint32_t index);

    Simulation& m_sim;
    int m_index;
    Engine m_engine;
    const StepTimeModel& m_stepTime;
    PodListener* m_listener;
    PodMetrics m_metrics;
    /// Records of the requests in flight, reached by index (EngineRequest::callerIndex) on
    /// every token; records stay put while listeners submit more requests.
    StableVector<PodRequestRecord> m_records;
    std::vector<std::uint32_t> m_freeRecords;
    /// Request id -> record index, for what arrives by id (submit, abort).
    FlatMap64<std::uint32_t> m_recordOfId;
    std::vector<EngineRequest> m_arrivedDuringStep;
    std::vector<RequestId> m_abortedDuringStep;
    std::vector<EngineRequest> m_arrivalScratch;
    std::vector<RequestId> m_abortScratch;
    bool m_stepRunning = false;
    SimTime m_stepStart = 0;
    SimTime m_lastStepEnd = -1;
    QuietSteps m_quietSteps;
    /// End times of the steps of the current run of quiet steps (empty when none), the running
    /// step's first: m_runEnds[m_runApplied] is the running step's end, and the step event is
    /// at the last one.
    std::vector<SimTime> m_runEnds;
    std::size_t m_runApplied = 0;
    std::size_t m_runBatchSize = 0;
    bool m_applyingQuietStep = false;
    EventId m_stepEvent;
};

} // namespace kvroute::sim
