#include "sim/pod/timed_pod.h"

#include "sim/util/check.h"

#include <algorithm>

namespace kvroute::sim {

void PodListener::onSteadySteps(int pod, const SteadySteps& steps)
{
    SimTime previous = steps.start;
    SchedulerStats stats = steps.stats;
    for (const SimTime end : steps.ends) {
        onSteadyTokens(pod, end, steps.tokensPerStep, end - previous);
        onStats(pod, end, stats);
        stats.prefixCache = PrefixCacheStats{};
        previous = end;
    }
}

TimedPod::TimedPod(Simulation& sim, int index, const EngineConfig& config, const StepTimeModel& stepTime,
                   PodListener* listener, QuietSteps quietSteps, TokenReports tokenReports)
    : m_sim(sim)
    , m_index(index)
    , m_engine(config)
    , m_stepTime(stepTime)
    , m_listener(listener)
    , m_quietSteps(quietSteps)
{
    KVROUTE_CHECK(index >= 0, "a pod index is not negative");
    m_engine.countSteadyDecodes(tokenReports == TokenReports::SteadyCounted);
    m_metrics.kvCacheUsage = m_engine.kvCacheUsage();
}

FrontEndRefusal frontEndRefusal(std::int64_t promptLength, std::int64_t maxTokens, std::int64_t maxModelLen)
{
    if (promptLength + maxTokens > maxModelLen)
        return promptLength >= maxModelLen ? FrontEndRefusal::PromptTooLong : FrontEndRefusal::OverMaxModelLen;
    if (maxTokens < 1)
        return FrontEndRefusal::ZeroMaxTokens;
    if (promptLength == 0)
        return FrontEndRefusal::EmptyPrompt;
    return FrontEndRefusal::None;
}

Result<void> TimedPod::submit(EngineRequest request)
{
    // Refused now, as by vLLM's HTTP front end, so the caller learns of it at once. These cover
    // every refusal of Engine::addRequest: one arriving mid-step would otherwise be found only
    // when the step ends, where no caller hears of it. The live pod server checks the same
    // (pod_server.cpp).
    const auto promptLength = static_cast<std::int64_t>(request.prompt.size());
    const std::int64_t maxModelLen = m_engine.config().maxModelLen;
    switch (frontEndRefusal(promptLength, request.maxTokens, maxModelLen)) {
    case FrontEndRefusal::None:
        break;
    case FrontEndRefusal::PromptTooLong:
    case FrontEndRefusal::OverMaxModelLen:
        return fail("prompt length of " + std::to_string(promptLength) + " plus max_tokens " +
                    std::to_string(request.maxTokens) + " is over max_model_len " + std::to_string(maxModelLen));
    case FrontEndRefusal::ZeroMaxTokens:
        return fail("max_tokens must be at least 1");
    case FrontEndRefusal::EmptyPrompt:
        return fail("the prompt is empty");
    }
    if (m_recordOfId.contains(request.id))
        return fail("duplicate request id " + std::to_string(request.id));
    PodRequestRecord record;
    record.id = request.id;
    record.arrival = m_sim.now();
    record.numPromptTokens = static_cast<std::int32_t>(request.prompt.size());
    std::uint32_t index = 0;
    if (m_freeRecords.empty()) {
        index = static_cast<std::uint32_t>(m_records.size());
        m_records.push_back(record);
    } else {
        index = m_freeRecords.back();
        m_freeRecords.pop_back();
        m_records[index] = record;
    }
    m_recordOfId[request.id] = index;
    request.callerIndex = index;
    endQuietRun();
    if (m_stepRunning) {
        m_arrivedDuringStep.push_back(std::move(request));
        return {};
    }
    if (auto r = admit(std::move(request)); !r)
        return r;
    startStepIfIdle();
    return {};
}

Result<void> TimedPod::admit(EngineRequest request)
{
    const std::uint32_t index = request.callerIndex;
    auto r = m_engine.addRequest(std::move(request));
    if (!r)
        releaseRecord(index);
    return r;
}

bool TimedPod::abort(RequestId id)
{
    if (!m_recordOfId.contains(id))
        return false;
    endQuietRun();
    if (m_stepRunning) {
        const auto queued = std::ranges::find(m_arrivedDuringStep, id, &EngineRequest::id);
        if (queued != m_arrivedDuringStep.end()) {
            m_arrivedDuringStep.erase(queued);
            finishRecord(id, FinishReason::Abort);
        } else {
            m_abortedDuringStep.push_back(id);
        }
        return true;
    }
    if (m_engine.abortRequest(id)) {
        applySteadyExits();
        finishRecord(id, FinishReason::Abort);
    }
    startStepIfIdle();
    return true;
}

void TimedPod::startStepIfIdle()
{
    if (m_stepRunning || !m_engine.hasRequests())
        return;
    // A quiet step leaves the gauges as the previous stats set them; if something changed the
    // engine since (an abort handled after the stats), its first step moves them: no run then.
    const bool gaugesCurrent = m_metrics.numRequestsRunning == m_engine.numRunning() &&
                               m_metrics.numRequestsWaiting == m_engine.numWaiting() &&
                               m_metrics.kvCacheUsage == m_engine.kvCacheUsage();
    const std::int32_t quietRun = m_quietSteps == QuietSteps::Coalesced && gaugesCurrent
                                      ? m_engine.quietDecodeSteps(kMaxQuietRun)
                                      : 0;
    const SimTime now = m_sim.now();
    const StepPlan& plan = m_engine.schedule();
    applySteadyExits();
    // Only requests taken from the waiting queue can be new or resumed.
    for (std::size_t i = plan.firstAdmitted; i < plan.scheduled.size(); ++i) {
        const ScheduledRequest& s = plan.scheduled[i];
        if (s.firstSchedule)
            m_records[s.callerIndex].firstScheduled = now;
        if (s.admitted && !s.firstSchedule)
            ++m_records[s.callerIndex].preemptions;
    }
    BatchShape shape = plan.shape;
    // A step with nothing scheduled (only reporting finishes) still costs the fixed overhead.
    const SimTime duration = std::max<SimTime>(1, m_stepTime.stepTime(shape));
    m_stepRunning = true;
    m_stepStart = now;
    if (m_listener)
        m_listener->onStepBegin(m_index, now, plan, duration);
    SimTime end = now + duration;
    m_runEnds.clear();
    m_runApplied = 0;
    if (quietRun >= 2) {
        m_runBatchSize = plan.scheduled.size() + static_cast<std::size_t>(plan.steadyDecodes);
        KVROUTE_CHECK(plan.kvEvents.empty() && plan.preempted.empty() &&
                          plan.totalTokens == static_cast<std::int32_t>(m_runBatchSize),
                      "a quiet step is not plain decode");
        // Each later step of the run schedules the same requests, each attending one token more:
        // their times go into the ends' places, then become ends.
        m_runEnds.resize(static_cast<std::size_t>(quietRun));
        m_runEnds[0] = end;
        shape.attendedContextTokens += shape.numRequests;
        m_stepTime.runStepTimes(shape, std::span<SimTime>(m_runEnds).subspan(1));
        for (std::size_t i = 1; i < m_runEnds.size(); ++i) {
            end += std::max<SimTime>(1, m_runEnds[i]);
            m_runEnds[i] = end;
        }
    }
    placeStepEvent(end);
}

void TimedPod::placeStepEvent(SimTime end)
{
    // Ranked by pod: step ends run before other events of their time, in pod order, so a run's
    // single event, placed early and perhaps moved, keeps the order one event per step had.
    m_stepEvent = m_sim.scheduleRankedAt(end, static_cast<std::uint32_t>(m_index), [this] { onStepEvent(); });
}

void TimedPod::onStepEvent()
{
    catchUp(m_sim.now());
    KVROUTE_CHECK(m_runApplied + 1 >= m_runEnds.size(), "a quiet run's step event came early");
    m_runEnds.clear();
    m_runApplied = 0;
    endStep(m_sim.now());
}

void TimedPod::catchUp(SimTime time)
{
    KVROUTE_CHECK(!m_applyingQuietStep, "a listener submitted or aborted while hearing a coalesced step");
    KVROUTE_CHECK(time <= m_sim.now(), "catchUp() into the future");
    // The run's last step is ended by the step event itself.
    std::size_t due = m_runApplied;
    while (due + 1 < m_runEnds.size() && m_runEnds[due] <= time)
        ++due;
    if (due == m_runApplied)
        return;
    if (m_engine.plan().scheduled.empty()) {
        // Every request is in a steady stretch (a run keeps its batch): nothing to list.
        applySteadySteps(due - m_runApplied);
        return;
    }
    while (m_runApplied < due)
        applyQuietStep(m_runEnds[m_runApplied]);
}

void TimedPod::endQuietRun()
{
    if (m_runEnds.empty())
        return;
    // Steps ending now ran before the caller's event, unless the caller is a step end ranked
    // before this pod's (another pod's listener, at the same time): then they are still to come.
    const SimTime now = m_sim.now();
    const std::int64_t callerRank = m_sim.runningRank();
    catchUp(callerRank >= 0 && callerRank < m_index ? now - 1 : now);
    // The running step ends after the caller's event.
    const SimTime end = m_runEnds[m_runApplied];
    const bool moved = m_runApplied + 1 < m_runEnds.size();
    m_runEnds.clear();
    m_runApplied = 0;
    if (moved) {
        m_sim.cancel(m_stepEvent);
        placeStepEvent(end);
    }
}

void TimedPod::applyQuietStep(SimTime now)
{
    m_applyingQuietStep = true;
    ++m_metrics.steps;
    m_metrics.busyTime += now - m_stepStart;
    const StepOutcome& outcome = m_engine.completeQuietStep();
    // Steady tokens are one step after their requests' previous ones: steps run back to back.
    KVROUTE_CHECK(outcome.steadyTokens == 0 || m_lastStepEnd == m_stepStart, "steady tokens after an idle pod");
    m_lastStepEnd = now;
    deliverOutputs(outcome, now);
    recordStats(outcome, now);
    ++m_runApplied;
    const StepPlan& plan = m_engine.plan();
    // The step was placed from the run's first batch, each request one token further on: it
    // must schedule that batch again, one decode token each (the shape then is as placed).
    const std::size_t batch = plan.scheduled.size() + static_cast<std::size_t>(plan.steadyDecodes);
    KVROUTE_CHECK(plan.kvEvents.empty() && plan.preempted.empty() &&
                      plan.totalTokens == static_cast<std::int32_t>(batch) && batch == m_runBatchSize,
                  "a quiet step did not go as placed");
    const SimTime duration = m_runEnds[m_runApplied] - now;
    m_stepStart = now;
    if (m_listener)
        m_listener->onStepBegin(m_index, now, plan, duration);
    m_applyingQuietStep = false;
}

void TimedPod::applySteadySteps(std::size_t count)
{
    m_applyingQuietStep = true;
    const std::span<const SimTime> ends(m_runEnds.data() + m_runApplied, count);
    KVROUTE_CHECK(m_lastStepEnd == m_stepStart, "steady tokens after an idle pod");
    const StepOutcome& outcome = m_engine.completeSteadySteps(static_cast<std::int32_t>(count));
    const auto steps = static_cast<std::int64_t>(count);
    // What applyQuietStep adds step by step: integers, so the sums are the same.
    m_metrics.steps += steps;
    m_metrics.busyTime += ends.back() - m_stepStart;
    m_metrics.generationTokens += steps * outcome.steadyTokens;
    const SchedulerStats& stats = *outcome.stats;
    m_metrics.numRequestsRunning = stats.numRunning;
    m_metrics.numRequestsWaiting = stats.numWaiting;
    m_metrics.kvCacheUsage = stats.kvCacheUsage;
    m_metrics.prefixCache += stats.prefixCache;
    m_lastStepEnd = ends.back();
    if (m_listener)
        m_listener->onSteadySteps(m_index, SteadySteps{m_stepStart, ends, outcome.steadyTokens, stats});
    m_runApplied += count;
    const StepPlan& plan = m_engine.plan();
    KVROUTE_CHECK(plan.scheduled.empty() && static_cast<std::size_t>(plan.steadyDecodes) == m_runBatchSize &&
                      plan.totalTokens == plan.steadyDecodes,
                  "steady steps did not go as placed");
    m_stepStart = ends.back();
    if (m_listener)
        m_listener->onStepBegin(m_index, m_stepStart, plan, m_runEnds[m_runApplied] - m_stepStart);
    m_applyingQuietStep = false;
}

void TimedPod::deliverOutputs(const StepOutcome& outcome, SimTime now)
{
    for (std::size_t i = 0; i < kPrefetchAhead && i < outcome.outputs.size(); ++i)
        __builtin_prefetch(&m_records[outcome.outputs[i].callerIndex]);
    for (std::size_t i = 0; i < outcome.outputs.size(); ++i) {
        // The records of later outputs are likely out of the cache: ask for them early.
        if (i + kPrefetchAhead < outcome.outputs.size())
            __builtin_prefetch(&m_records[outcome.outputs[i + kPrefetchAhead].callerIndex]);
        const RequestOutput& out = outcome.outputs[i];
        auto& record = m_records[out.callerIndex];
        if (out.firstToken) {
            record.firstToken = now;
            m_metrics.promptTokens += out.numPromptTokens;
        }
        record.numOutputTokens = out.numOutputTokens;
        record.numCachedTokens = out.numCachedTokens;
        ++m_metrics.generationTokens;
        m_metrics.numPreemptions += out.preemptionsDelivered;
        if (m_listener)
            m_listener->onToken(m_index, now, out, record);
        record.lastToken = now;
        if (out.finishReason != FinishReason::None) {
            ++m_metrics.requestSuccess;
            finishRecordAt(out.callerIndex, out.finishReason);
        }
    }
    if (outcome.steadyTokens > 0) {
        // Each one's previous token came at the end of the step before, when this one began.
        m_metrics.generationTokens += outcome.steadyTokens;
        if (m_listener)
            m_listener->onSteadyTokens(m_index, now, outcome.steadyTokens, now - m_stepStart);
    }
}

void TimedPod::applySteadyExits()
{
    for (const SteadyExit& exit : m_engine.steadyExits()) {
        PodRequestRecord& record = m_records[exit.callerIndex];
        record.numOutputTokens = exit.numOutputTokens;
        record.lastToken = m_lastStepEnd;
    }
    m_engine.clearSteadyExits();
}

void TimedPod::recordStats(const StepOutcome& outcome, SimTime now)
{
    if (!outcome.stats)
        return;
    m_metrics.numRequestsRunning = outcome.stats->numRunning;
    m_metrics.numRequestsWaiting = outcome.stats->numWaiting;
    m_metrics.kvCacheUsage = outcome.stats->kvCacheUsage;
    m_metrics.prefixCache += outcome.stats->prefixCache;
    if (m_listener)
        m_listener->onStats(m_index, now, *outcome.stats);
}

void TimedPod::endStep(SimTime now)
{
    KVROUTE_CHECK(m_stepRunning, "a step ended that never began");
    ++m_metrics.steps;
    m_metrics.busyTime += now - m_stepStart;

    // Listeners may submit while outputs are delivered: those wait like mid-step arrivals.
    const StepOutcome& outcome = m_engine.completeStep();
    KVROUTE_CHECK(outcome.steadyTokens == 0 || m_lastStepEnd == m_stepStart, "steady tokens after an idle pod");
    m_lastStepEnd = now;
    deliverOutputs(outcome, now);
    recordStats(outcome, now);

    m_stepRunning = false;
    // The engine-core loop takes in what arrived while the step ran (vLLM processes its input
    // queue between steps).
    // Swapped into scratch lists (keeping both capacities) in case a listener re-enters.
    m_abortScratch.swap(m_abortedDuringStep);
    for (const auto id : m_abortScratch) {
        if (m_engine.abortRequest(id)) {
            applySteadyExits();
            finishRecord(id, FinishReason::Abort);
        }
    }
    m_abortScratch.clear();
    m_arrivalScratch.swap(m_arrivedDuringStep);
    for (auto& request : m_arrivalScratch)
        (void)admit(std::move(request)); // a refused request's record goes silently, as at submit
    m_arrivalScratch.clear();
    startStepIfIdle();
}

void TimedPod::finishRecord(RequestId id, FinishReason reason)
{
    if (const std::uint32_t* index = m_recordOfId.find(id))
        finishRecordAt(*index, reason);
}

void TimedPod::finishRecordAt(std::uint32_t index, FinishReason reason)
{
    PodRequestRecord& record = m_records[index];
    record.finished = m_sim.now();
    record.finishReason = reason;
    if (m_listener)
        m_listener->onFinished(m_index, m_sim.now(), record);
    releaseRecord(index);
}

void TimedPod::releaseRecord(std::uint32_t index)
{
    m_recordOfId.erase(m_records[index].id);
    m_freeRecords.push_back(index);
}

} // namespace kvroute::sim
