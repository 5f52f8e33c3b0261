#include "sim/engine/engine.h"

#include "sim/util/check.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <string>

namespace kvroute::sim {

Engine::Engine(const EngineConfig& config)
    : m_config(config)
    , m_kv(config)
{
    KVROUTE_CHECK(config.maxNumSeqs > 0 && config.maxNumBatchedTokens > 0 && config.maxModelLen > 1,
                  "engine limits must be positive");
}

Engine::~Engine() = default;

Result<void> Engine::addRequest(EngineRequest input)
{
    if (input.prompt.empty())
        return fail("the prompt is empty");
    if (static_cast<std::int64_t>(input.prompt.size()) >= m_config.maxModelLen)
        return fail("prompt length of " + std::to_string(input.prompt.size()) +
                    " is not shorter than max_model_len " + std::to_string(m_config.maxModelLen));
    if (input.maxTokens < 1)
        return fail("max_tokens must be at least 1");
    if (m_requests.contains(input.id))
        return fail("duplicate request id " + std::to_string(input.id));
    auto request = std::make_unique<Request>(std::move(input));
    Request* raw = request.get();
    m_requests.emplace(raw->id, std::move(request));
    m_waiting.push_back(raw);
    return {};
}

bool Engine::abortRequest(RequestId id)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return false;
    Request& request = *it->second;
    if (request.status == RequestStatus::Running)
        std::erase(m_running, &request);
    else
        std::erase(m_waiting, &request);
    finish(request, FinishReason::Abort);
    return true;
}

bool Engine::hasRequests() const
{
    return hasUnfinishedRequests() || m_finishedSinceSchedule > 0;
}

const Request* Engine::findRequest(RequestId id) const
{
    const auto it = m_requests.find(id);
    return it == m_requests.end() ? nullptr : it->second.get();
}

std::vector<RequestId> Engine::waitingIds() const
{
    std::vector<RequestId> ids;
    for (const Request* r : m_waiting)
        ids.push_back(r->id);
    return ids;
}

void Engine::countSteadyDecodes(bool on)
{
    KVROUTE_CHECK(m_requests.empty(), "countSteadyDecodes() is set before the first request");
    m_countSteadyDecodes = on;
}

std::int32_t Engine::quietDecodeSteps(std::int32_t limit) const
{
    if (m_stepOpen || !m_waiting.empty() || m_running.empty() ||
        static_cast<std::int32_t>(m_running.size()) > m_config.maxNumBatchedTokens)
        return 0;
    std::int32_t steps = limit;
    for (const Request* request : m_running) {
        if (request->steadyUntilStep != 0) {
            // The stretch was counted by quietStepsOf when it began, and each of its steps takes
            // one off that count: what is left of it is the count now.
            steps = std::min(steps, static_cast<std::int32_t>(request->steadyUntilStep - m_stepNumber));
            continue;
        }
        // Decode only (one token to compute), first token and preemption notices delivered.
        if (request->numComputedTokens != request->numTokens() - 1 || !request->producedFirstToken ||
            request->undeliveredPreemptions != 0 || request->numCachedBlocks < 0)
            return 0;
        steps = quietStepsOf(*request, steps);
        if (steps <= 0)
            return 0;
    }
    return steps;
}

std::int32_t Engine::quietStepsOf(const Request& request, std::int32_t limit) const
{
    const std::int32_t blockSize = m_config.blockSize;
    const std::int32_t computed = request.numComputedTokens;
    const std::int32_t tokens = request.numTokens();
    std::int32_t steps = limit;
    // Step i (from 0) computes position computed + i and samples output numOutput + i.
    // It needs no new block while computed + i + 1 <= held * blockSize (scheduleRunning
    // also needs computed + i < max_model_len - 1, implied by the length bound below),
    steps = std::min(steps, static_cast<std::int32_t>(request.blocks.size()) * blockSize - computed);
    // fills no block while tokens + i < (numCachedBlocks + 1) * blockSize,
    if (m_config.enablePrefixCaching)
        steps = std::min(steps, (request.numCachedBlocks + 1) * blockSize - tokens);
    // and does not finish it by length (check_stop: tokens + i + 1 >= max_model_len or
    // numOutput + i + 1 >= max_tokens),
    steps = std::min(steps, m_config.maxModelLen - tokens - 1);
    steps = std::min(steps, request.maxTokens - request.numOutput - 1);
    // or by a stop token.
    if (!request.stopTokenIds.empty()) {
        for (std::int32_t i = 0; i < steps; ++i) {
            const TokenId next = request.outputSource.at(static_cast<std::size_t>(request.numOutput + i));
            if (std::ranges::find(request.stopTokenIds, next) != request.stopTokenIds.end())
                return i;
        }
    }
    return steps;
}

void Engine::beginSteadyStretch(Request& request)
{
    // The stretch's last step must stay a step number of the request's 32-bit field.
    const std::int64_t room = std::int64_t{std::numeric_limits<std::int32_t>::max()} - m_stepNumber;
    if (room < 2)
        return;
    const std::int32_t steps =
        quietStepsOf(request, static_cast<std::int32_t>(std::min<std::int64_t>(room - 1, m_config.maxModelLen)));
    if (steps > 0)
        request.steadyUntilStep = static_cast<std::int32_t>(m_stepNumber + steps);
}

void Engine::endSteadyStretch(Request& request)
{
    request.steadyUntilStep = 0;
    m_steadyExits.push_back(SteadyExit{request.callerIndex, request.numOutput});
}

const StepPlan& Engine::schedule()
{
    KVROUTE_CHECK(!m_stepOpen, "schedule() called twice without completeStep()");
    m_plan.scheduled.clear();
    m_plan.preempted.clear();
    m_plan.totalTokens = 0;
    m_plan.shape = BatchShape{};
    m_plan.steadyDecodes = 0;
    ++m_stepNumber;

    std::int32_t tokenBudget = m_config.maxNumBatchedTokens;
    scheduleRunning(tokenBudget);
    m_plan.firstAdmitted = m_plan.scheduled.size();
    // vllm.md §5 step 2: no admissions in a step that preempted.
    if (m_plan.preempted.empty())
        scheduleWaiting(tokenBudget);
    m_plan.totalTokens = m_config.maxNumBatchedTokens - tokenBudget;
    m_kv.pool().takeEvents(m_plan.kvEvents);
    // vLLM's _update_after_schedule (num_computed_tokens += scheduled tokens) happened as each
    // request was scheduled: nothing later in a schedule() reads a scheduled request's count (a
    // preemption victim is always one not scheduled yet under v0.10.0's FCFS policy, the only
    // one modelled, vllm.md §5 step 1), and one pass over the batch fewer is one fewer cache
    // miss per running request per step.
    m_finishedSinceSchedule = 0;
    m_stepOpen = true;
    return m_plan;
}

void Engine::scheduleRunning(std::int32_t& tokenBudget)
{
    prefetchFirstRunning(1);
    std::size_t index = 0;
    while (index < m_running.size() && tokenBudget > 0) {
        prefetchRunning(index + kPrefetchAhead, 1);
        Request& request = *m_running[index];
        if (request.steadyUntilStep != 0) {
            if (request.steadyUntilStep >= m_stepNumber) {
                // What the lines below do for it, as quietStepsOf showed: one decode token (the
                // loop's condition left budget for it), in a block it holds and does not fill.
                m_plan.shape.addRequest(request.numComputedTokens, 1, true);
                ++m_plan.steadyDecodes;
                request.numComputedTokens += 1;
                tokenBudget -= 1;
                ++index;
                continue;
            }
            endSteadyStretch(request);
        }
        std::int32_t numNew = request.numTokens() - request.numComputedTokens;
        if (m_config.longPrefillTokenThreshold > 0 && m_config.longPrefillTokenThreshold < numNew)
            numNew = m_config.longPrefillTokenThreshold;
        numNew = std::min(numNew, tokenBudget);
        // The input position must stay below max_model_len.
        numNew = std::min(numNew, m_config.maxModelLen - 1 - request.numComputedTokens);
        if (numNew <= 0) {
            ++index;
            continue;
        }
        bool scheduled = false;
        while (true) {
            if (m_kv.allocateSlots(request, numNew, 0, {})) {
                scheduled = true;
                break;
            }
            // FCFS: preempt the last running request, possibly this one (vllm.md §5 step 1).
            Request* victim = m_running.back();
            m_running.pop_back();
            preempt(*victim);
            if (victim == &request)
                break;
        }
        if (!scheduled)
            break;
        ScheduledRequest& entry = m_plan.scheduled.emplace_back();
        entry.id = request.id;
        entry.callerIndex = request.callerIndex;
        entry.numNewTokens = numNew;
        entry.numComputedBefore = request.numComputedTokens;
        entry.numTokens = request.numTokens();
        m_plan.shape.addRequest(entry.numComputedBefore, numNew, entry.numComputedBefore >= entry.numTokens - 1);
        request.numComputedTokens += numNew;
        request.scheduledThisStep = numNew;
        tokenBudget -= numNew;
        ++index;
    }
    // The token budget ran out before these: a steady stretch assumes every step schedules it.
    // (Under FCFS this does not happen to a decode: a request is admitted only with budget left
    // after those ahead of it, whose needs never grow, so a guard.)
    for (; index < m_running.size(); ++index) {
        if (m_running[index]->steadyUntilStep != 0)
            endSteadyStretch(*m_running[index]);
    }
}

void Engine::scheduleWaiting(std::int32_t& tokenBudget)
{
    m_skippedScratch.clear();
    while (!m_waiting.empty() && tokenBudget > 0) {
        if (static_cast<std::int32_t>(m_running.size()) == m_config.maxNumSeqs)
            break;
        Request& request = *m_waiting.front();
        m_hitScratch.clear();
        std::int32_t numNewLocal = 0;
        std::int32_t numComputed = request.numComputedTokens;
        if (request.numComputedTokens == 0) {
            // Re-queried on every admission attempt, retries included (vllm.md §2).
            numNewLocal = m_kv.findComputedBlocks(request, m_hitScratch);
            numComputed = numNewLocal;
        }
        std::int32_t numNew = request.numTokens() - numComputed;
        if (m_config.longPrefillTokenThreshold > 0 && m_config.longPrefillTokenThreshold < numNew)
            numNew = m_config.longPrefillTokenThreshold;
        if (!m_config.enableChunkedPrefill && numNew > tokenBudget) {
            m_waiting.pop_front();
            m_skippedScratch.push_back(&request);
            continue;
        }
        numNew = std::min(numNew, tokenBudget);
        KVROUTE_CHECK(numNew > 0, "an admitted request must schedule at least one token");
        // Strict head-of-line blocking: a waiting request never preempts (vllm.md §5 step 2).
        if (!m_kv.allocateSlots(request, numNew, numNewLocal, m_hitScratch))
            break;
        m_waiting.pop_front();
        m_running.push_back(&request);
        const bool first = request.numCachedTokens < 0;
        m_plan.scheduled.push_back(
            ScheduledRequest{request.id, request.callerIndex, numNew, numComputed, request.numTokens(), first, true});
        m_plan.shape.addRequest(numComputed, numNew, numComputed >= request.numTokens() - 1);
        tokenBudget -= numNew;
        request.status = RequestStatus::Running;
        request.numComputedTokens = numComputed + numNew;
        request.scheduledThisStep = numNew;
        if (first)
            request.numCachedTokens = numComputed;
    }
    // vLLM prepends each skipped request to a temporary queue, then prepend_requests() does
    // extendleft(reversed(that queue)): net effect, each skipped request is pushed to the front in
    // skip order, so they return in reverse order (an FCFS quirk kept on purpose).
    for (Request* r : m_skippedScratch)
        m_waiting.push_front(r);
}

void Engine::preempt(Request& victim)
{
    if (victim.steadyUntilStep != 0)
        endSteadyStretch(victim);
    m_kv.free(victim);
    victim.status = RequestStatus::Preempted;
    victim.numComputedTokens = 0;
    ++victim.numPreemptions;
    ++victim.undeliveredPreemptions;
    m_waiting.push_front(&victim);
    m_plan.preempted.push_back(victim.id);
}

bool Engine::checkStop(Request& request) const
{
    // sched/utils.py check_stop: length first, then stop tokens (vllm.md §5 step 4).
    if (request.numTokens() >= m_config.maxModelLen || request.numOutputTokens() >= request.maxTokens) {
        request.finishReason = FinishReason::Length;
        return true;
    }
    if (request.stopTokenIds.empty())
        return false;
    const TokenId last = request.lastOutputToken();
    if (std::ranges::find(request.stopTokenIds, last) != request.stopTokenIds.end()) {
        request.finishReason = FinishReason::Stop;
        return true;
    }
    return false;
}

void Engine::finish(Request& request, FinishReason reason)
{
    // Only an abort finishes a request in a steady stretch (its bound excludes a finishing step).
    if (request.steadyUntilStep != 0)
        endSteadyStretch(request);
    request.status = RequestStatus::Finished;
    request.finishReason = reason;
    m_kv.free(request);
    KvCacheManager::freeBlockHashes(request);
    ++m_finishedSinceSchedule;
    const RequestId id = request.id; // erase() destroys `request`
    m_requests.erase(id);
}

const StepOutcome& Engine::completeStep()
{
    KVROUTE_CHECK(m_stepOpen, "completeStep() without schedule()");
    m_stepOpen = false;
    StepOutcome& outcome = m_outcome;
    outcome.outputs.clear();
    outcome.finished.clear();
    outcome.stats.reset();
    outcome.steadyTokens = 0;
    m_runningScratch.clear();
    prefetchFirstRunning(2);
    for (std::size_t i = 0; i < m_running.size(); ++i) {
        prefetchRunning(i + kPrefetchAhead, 2);
        Request* request = m_running[i];
        if (request->steadyUntilStep != 0) {
            // Scheduled by the steady path of this step (a stretch that ended or was cut is
            // marked over by now): it samples a token that does not finish it.
            ++request->numOutput;
            ++outcome.steadyTokens;
            m_runningScratch.push_back(request);
            continue;
        }
        if (request->scheduledThisStep == 0) {
            m_runningScratch.push_back(request);
            continue;
        }
        request->scheduledThisStep = 0;
        bool stopped = false;
        // Fake model runner: a request samples iff all its known tokens are computed; a
        // partial-prefill chunk samples nothing (vllm.md §5).
        if (request->numComputedTokens >= request->numTokens()) {
            ++request->numOutput;
            stopped = checkStop(*request);
            // Filled in place: a stack copy pushed afterwards stalls on store forwarding, and
            // this loop runs once per generated token.
            RequestOutput& out = outcome.outputs.emplace_back();
            out.id = request->id;
            out.callerIndex = request->callerIndex;
            out.token = request->lastOutputToken();
            out.firstToken = !request->producedFirstToken;
            out.finishReason = stopped ? request->finishReason : FinishReason::None;
            out.numPromptTokens = request->numPromptTokens();
            out.numOutputTokens = request->numOutputTokens();
            out.numCachedTokens = std::max(request->numCachedTokens, 0);
            out.preemptionsDelivered = std::exchange(request->undeliveredPreemptions, 0);
            request->producedFirstToken = true;
            if (stopped) {
                outcome.finished.push_back(request->id);
                finish(*request, request->finishReason);
            } else if (m_countSteadyDecodes && request->numComputedTokens == request->numTokens() - 1) {
                beginSteadyStretch(*request);
            }
        }
        if (!stopped)
            m_runningScratch.push_back(request);
    }
    m_running.swap(m_runningScratch);
    if (!outcome.outputs.empty() || outcome.steadyTokens > 0) {
        outcome.stats = SchedulerStats{numRunning(), numWaiting(), m_kv.usage(), m_kv.takeStats()};
    }
    return outcome;
}

const StepOutcome& Engine::completeQuietStep()
{
    KVROUTE_CHECK(m_stepOpen && m_waiting.empty() &&
                      m_plan.scheduled.size() + static_cast<std::size_t>(m_plan.steadyDecodes) == m_running.size(),
                  "completeQuietStep() on a step that is not quiet");
    StepOutcome& outcome = m_outcome;
    outcome.outputs.clear();
    outcome.finished.clear();
    outcome.steadyTokens = 0;
    // The step after this one: quietDecodeSteps counted it within every steady stretch, so no
    // request enters or leaves one here and the plan's list keeps its requests.
    ++m_stepNumber;
    std::size_t listed = 0;
    prefetchFirstRunning(2);
    for (std::size_t i = 0; i < m_running.size(); ++i) {
        prefetchRunning(i + kPrefetchAhead, 2);
        Request& request = *m_running[i];
        if (request.steadyUntilStep != 0) {
            KVROUTE_CHECK(request.steadyUntilStep >= m_stepNumber, "a steady stretch ended inside a quiet run");
            ++request.numOutput;
            ++outcome.steadyTokens;
            request.numComputedTokens += 1;
            continue;
        }
        // completeStep: the step computed the one token scheduled, so a token is sampled.
        ++request.numOutput;
        KVROUTE_CHECK(request.scheduledThisStep == 1 && request.producedFirstToken && !checkStop(request),
                      "a quiet step finished a request");
        RequestOutput& out = outcome.outputs.emplace_back();
        out.id = request.id;
        out.callerIndex = request.callerIndex;
        out.token = request.lastOutputToken();
        out.numPromptTokens = request.numPromptTokens();
        out.numOutputTokens = request.numOutputTokens();
        out.numCachedTokens = std::max(request.numCachedTokens, 0);
        // schedule: the new token is the one to compute, in a block the request holds
        // (allocateSlots has nothing to do; quietDecodeSteps checked it).
        ScheduledRequest& entry = m_plan.scheduled[listed++];
        entry.numComputedBefore = request.numComputedTokens;
        entry.numTokens = request.numTokens();
        entry.firstSchedule = false;
        entry.admitted = false;
        request.numComputedTokens += 1;
    }
    // Every request decodes one token more than in the step before, with one more computed.
    m_plan.shape.attendedContextTokens += static_cast<std::int64_t>(m_running.size());
    m_plan.firstAdmitted = m_plan.scheduled.size();
    return endQuietSteps();
}

const StepOutcome& Engine::completeSteadySteps(std::int32_t steps)
{
    const std::size_t batch = m_running.size();
    KVROUTE_CHECK(steps >= 1 && m_stepOpen && m_waiting.empty() && m_plan.scheduled.empty() &&
                      static_cast<std::size_t>(m_plan.steadyDecodes) == batch,
                  "completeSteadySteps() on steps that are not all steady");
    StepOutcome& outcome = m_outcome;
    outcome.outputs.clear();
    outcome.finished.clear();
    outcome.steadyTokens = m_plan.steadyDecodes;
    // The open step ends, steps - 1 more begin and end, and one more begins: as many schedule()
    // calls as completeQuietStep() would count, each within every stretch (quietDecodeSteps).
    m_stepNumber += steps;
    for (Request* request : m_running) {
        KVROUTE_CHECK(request->steadyUntilStep >= m_stepNumber, "a steady stretch ended inside a quiet run");
        request->numOutput += steps;
        request->numComputedTokens += steps;
    }
    m_plan.shape.attendedContextTokens += static_cast<std::int64_t>(batch) * steps;
    m_plan.firstAdmitted = 0;
    return endQuietSteps();
}

const StepOutcome& Engine::endQuietSteps()
{
    m_outcome.stats = SchedulerStats{numRunning(), numWaiting(), m_kv.usage(), m_kv.takeStats()};
    m_plan.preempted.clear();
    m_kv.pool().takeEvents(m_plan.kvEvents);
    KVROUTE_CHECK(m_plan.kvEvents.empty(), "a quiet step published KV events");
    m_finishedSinceSchedule = 0;
    return m_outcome;
}

} // namespace kvroute::sim
