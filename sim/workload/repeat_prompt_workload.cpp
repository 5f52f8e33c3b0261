#include "sim/workload/repeat_prompt_workload.h"

#include "sim/kernel/rng.h"
#include "sim/util/check.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/distribution.h"
#include "sim/workload/synthetic_tokens.h"

#include <utility>

namespace kvroute::sim {

RepeatPromptWorkload::RepeatPromptWorkload(RepeatPromptConfig config, std::uint64_t seed, std::int64_t maxRequests)
    : m_config(config), m_ownLimit(maxRequests)
{
    KVROUTE_CHECK(m_config.count >= 1 && m_config.promptTokens >= 1 && m_config.maxTokens >= 1 &&
                      m_config.gapSeconds >= 0.0,
                  "invalid repeat-prompt configuration");
    Rng rng = Rng::stream(seed, "workload/repeat/prompt");
    auto tokens = std::make_shared<TokenVector>();
    appendRandomTokens(rng, m_config.promptTokens, *tokens);
    m_prompt = std::move(tokens);
    m_answer = answerSource(drawAnswerOffset(rng));
}

void RepeatPromptWorkload::start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests)
{
    m_run.begin(sim, std::move(submit), endTime, m_ownLimit, maxRequests);
    scheduleAt(sim.now());
}

void RepeatPromptWorkload::scheduleAt(SimTime at)
{
    if (m_sent >= m_config.count)
        return;
    if (!m_run.accepts(at)) {
        m_cutByEndTime = !m_run.limitReached();
        return;
    }
    m_run.sim->scheduleAt(at, [this] { send(); });
}

void RepeatPromptWorkload::send()
{
    if (!m_run.accepts(m_run.sim->now())) {
        m_cutByEndTime = !m_run.limitReached();
        return;
    }
    WorkloadRequest request;
    request.sessionId = 0;
    request.clientIp = kSingleClientIp;
    request.turn = m_sent++;
    request.prompt = m_prompt;
    request.maxTokens = m_config.maxTokens;
    request.answer = m_answer;
    m_run.stamp(request);
    // Request k at start + k × gap, computed from the start so rounding cannot accumulate.
    if (!m_config.waitForCompletion)
        scheduleAt(m_run.startTime + fromSeconds(m_config.gapSeconds * m_sent));
    m_run.submit(std::move(request));
}

void RepeatPromptWorkload::onCompleted(const WorkloadRequest& /*request*/, std::int32_t /*outputTokens*/)
{
    if (m_config.waitForCompletion)
        scheduleAt(m_run.sim->now() + fromSeconds(m_config.gapSeconds));
}

std::string RepeatPromptWorkload::describe() const
{
    return "repeat-prompt: " + std::to_string(m_config.count) + " × the same " +
           std::to_string(m_config.promptTokens) + "-token prompt, max_tokens " +
           std::to_string(m_config.maxTokens) + ", " + formatNumber(m_config.gapSeconds) + " s apart" +
           (m_config.waitForCompletion ? " after each answer" : "");
}

std::optional<std::string> RepeatPromptWorkload::shortfallNote() const
{
    if (!m_cutByEndTime)
        return std::nullopt;
    return "only " + std::to_string(m_sent) + " of the " + std::to_string(m_config.count) +
           " repeats (workload.repeat.count) were sent before duration (" + formatNumber(toSeconds(m_run.endTime)) +
           " s) ended the arrivals";
}

} // namespace kvroute::sim
