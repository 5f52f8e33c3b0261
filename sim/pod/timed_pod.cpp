#include "sim/pod/timed_pod.h"

#include "sim/util/check.h"

#include <algorithm>

namespace kvroute::sim {

TimedPod::TimedPod(Simulation& sim, int index, const EngineConfig& config, const StepTimeModel& stepTime,
                   PodListener* listener)
    : m_sim(sim)
    , m_index(index)
    , m_engine(config)
    , m_stepTime(stepTime)
    , m_listener(listener)
{
    m_metrics.kvCacheUsage = m_engine.kvCacheUsage();
}

Result<void> TimedPod::submit(EngineRequest request)
{
    // Validate now so the caller learns of a rejection at once, as from vLLM's HTTP front end.
    if (!request.prompt || request.prompt->empty())
        return fail("the prompt is empty");
    if (static_cast<std::int64_t>(request.prompt->size()) >= m_engine.config().maxModelLen)
        return fail("prompt length of " + std::to_string(request.prompt->size()) +
                    " is not shorter than max_model_len " + std::to_string(m_engine.config().maxModelLen));
    if (m_records.contains(request.id))
        return fail("duplicate request id " + std::to_string(request.id));
    PodRequestRecord record;
    record.id = request.id;
    record.arrival = m_sim.now();
    record.numPromptTokens = static_cast<std::int32_t>(request.prompt->size());
    m_records.emplace(request.id, record);
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
    const RequestId id = request.id;
    auto r = m_engine.addRequest(std::move(request));
    if (!r)
        m_records.erase(id);
    return r;
}

bool TimedPod::abort(RequestId id)
{
    if (!m_records.contains(id))
        return false;
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
    if (m_engine.abortRequest(id))
        finishRecord(id, FinishReason::Abort);
    startStepIfIdle();
    return true;
}

void TimedPod::startStepIfIdle()
{
    if (m_stepRunning || !m_engine.hasRequests())
        return;
    const StepPlan& plan = m_engine.schedule();
    BatchShape shape;
    for (const auto& s : plan.scheduled) {
        shape.addRequest(s.numComputedBefore, s.numNewTokens, s.numComputedBefore >= s.numTokens - 1);
        if (s.firstSchedule) {
            auto& record = m_records.at(s.id);
            record.firstScheduled = m_sim.now();
        }
        if (s.admitted && !s.firstSchedule)
            ++m_records.at(s.id).preemptions;
    }
    // A step with nothing scheduled (only reporting finishes) still costs the fixed overhead.
    const SimTime duration = std::max<SimTime>(1, m_stepTime.stepTime(shape));
    m_stepRunning = true;
    m_stepStart = m_sim.now();
    if (m_listener)
        m_listener->onStepBegin(m_index, m_sim.now(), plan, duration);
    m_sim.schedule(duration, [this] { endStep(); });
}

void TimedPod::endStep()
{
    KVROUTE_CHECK(m_stepRunning, "a step ended that never began");
    const SimTime now = m_sim.now();
    ++m_metrics.steps;
    m_metrics.busyTime += now - m_stepStart;

    // Listeners may submit while outputs are delivered: those wait like mid-step arrivals.
    const StepOutcome& outcome = m_engine.completeStep();
    for (const auto& out : outcome.outputs) {
        auto& record = m_records.at(out.id);
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
            finishRecord(out.id, out.finishReason);
        }
    }
    if (outcome.stats) {
        m_metrics.numRequestsRunning = outcome.stats->numRunning;
        m_metrics.numRequestsWaiting = outcome.stats->numWaiting;
        m_metrics.kvCacheUsage = outcome.stats->kvCacheUsage;
        m_metrics.prefixCache += outcome.stats->prefixCache;
        if (m_listener)
            m_listener->onStats(m_index, now, *outcome.stats);
    }

    m_stepRunning = false;
    // The engine-core loop takes in what arrived while the step ran (vLLM processes its input
    // queue between steps).
    for (const auto id : std::exchange(m_abortedDuringStep, {})) {
        if (m_engine.abortRequest(id))
            finishRecord(id, FinishReason::Abort);
    }
    for (auto& request : std::exchange(m_arrivedDuringStep, {})) {
        const RequestId id = request.id;
        if (!admit(std::move(request)))
            finishRecord(id, FinishReason::Abort);
    }
    startStepIfIdle();
}

void TimedPod::finishRecord(RequestId id, FinishReason reason)
{
    const auto it = m_records.find(id);
    if (it == m_records.end())
        return;
    it->second.finished = m_sim.now();
    it->second.finishReason = reason;
    if (m_listener)
        m_listener->onFinished(m_index, m_sim.now(), it->second);
    m_records.erase(it);
}

} // namespace kvroute::sim
