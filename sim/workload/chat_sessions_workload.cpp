#include "sim/workload/chat_sessions_workload.h"

#include "sim/util/check.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/synthetic_tokens.h"

#include <algorithm>
#include <utility>

namespace kvroute::sim {

ChatSessionsWorkload::ChatSessionsWorkload(ChatSessionsConfig config, std::uint64_t seed, std::int64_t maxRequests)
    : m_config(std::move(config)),
      m_seed(seed),
      m_ownLimit(maxRequests),
      m_arrivals(Rng::stream(seed, "workload/chat/arrivals"))
{
    KVROUTE_CHECK(m_config.usersPerSecond > 0.0, "chat sessions need a positive user rate");
    KVROUTE_CHECK(m_config.systemPrompts >= 0 && m_config.systemPromptTokens >= 0, "negative system prompt count");
    KVROUTE_CHECK(m_config.systemPrompts <= static_cast<std::int32_t>(kVocabSize), "too many system prompts");
    m_systemPrompts.resize(static_cast<std::size_t>(m_config.systemPrompts));
}

std::shared_ptr<const TokenVector> ChatSessionsWorkload::systemPrompt(std::int32_t index)
{
    KVROUTE_CHECK(index >= 0 && index < m_config.systemPrompts, "system prompt index out of range");
    auto& slot = m_systemPrompts[static_cast<std::size_t>(index)];
    if (!slot) {
        Rng rng = Rng::stream(m_seed, "workload/chat/system/" + std::to_string(index));
        auto tokens = std::make_shared<TokenVector>();
        if (m_config.systemPromptTokens > 0) {
            tokens->push_back(static_cast<TokenId>(index));
            appendRandomTokens(rng, m_config.systemPromptTokens - 1, *tokens);
        }
        slot = std::move(tokens);
    }
    return slot;
}

void ChatSessionsWorkload::start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests)
{
    m_run.begin(sim, std::move(submit), endTime, m_ownLimit, maxRequests);
    scheduleNextUser(sim.now());
}

void ChatSessionsWorkload::scheduleNextUser(SimTime after)
{
    const SimTime at = after + fromSeconds(m_arrivals.exponential(m_config.usersPerSecond));
    if (m_run.accepts(at))
        m_run.sim->scheduleAt(at, [this] { onUserArrives(); });
}

void ChatSessionsWorkload::onUserArrives()
{
    if (!m_run.accepts(m_run.sim->now()))
        return; // the request limit was reached meanwhile: no more users
    // The next user is scheduled first so that simultaneous work (a zero think time, or events
    // the fleet schedules from submit()) keeps the same order whatever this user does.
    scheduleNextUser(m_run.sim->now());

    const std::uint64_t id = m_nextSessionId++;
    auto [it, inserted] =
        m_sessions.try_emplace(id, Rng::stream(m_seed, "workload/chat/session/" + std::to_string(id)));
    KVROUTE_CHECK(inserted, "session id reused");
    Session& s = it->second;
    ++m_stats.started;
    s.turnsPlanned = static_cast<std::int32_t>(std::max<std::int64_t>(1, m_config.turnsPerSession.sampleInt(s.rng)));
    std::uint64_t group = 0;
    if (m_config.systemPrompts > 0) {
        s.systemPrompt = static_cast<std::int32_t>(s.rng.uniformBelow(static_cast<std::uint64_t>(m_config.systemPrompts)));
        group = static_cast<std::uint64_t>(s.systemPrompt);
        s.history = *systemPrompt(s.systemPrompt);
    }
    // Sessions that share a system prompt form a group (one customer's application).
    s.clientIp = clientIpFor(m_config.clientIps, id, group);
    sendTurn(id);
}

void ChatSessionsWorkload::sendTurn(std::uint64_t sessionId)
{
    const auto it = m_sessions.find(sessionId);
    KVROUTE_CHECK(it != m_sessions.end(), "turn of an unknown session");
    Session& s = it->second;
    if (!m_run.accepts(m_run.sim->now())) {
        endSession(sessionId, &ChatSessionStats::endedByRunLimit);
        return;
    }
    const std::int64_t messageTokens = std::max<std::int64_t>(1, m_config.messageTokens.sampleInt(s.rng));
    const auto promptTokens = static_cast<std::int64_t>(s.history.size()) + messageTokens;
    if (m_config.maxPromptTokens > 0 && promptTokens > m_config.maxPromptTokens) {
        endSession(sessionId, &ChatSessionStats::endedByLength);
        return;
    }
    auto prompt = std::make_shared<TokenVector>(std::move(s.history));
    s.history = TokenVector();
    appendRandomTokens(s.rng, messageTokens, *prompt);

    WorkloadRequest request;
    request.sessionId = sessionId;
    request.clientIp = s.clientIp;
    request.turn = s.turnsDone;
    request.maxTokens = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(m_config.answerTokens.sampleInt(s.rng), 1, std::int64_t{1} << 30));
    request.answer = answerSource(drawAnswerOffset(s.rng));
    request.prompt = prompt;
    m_run.stamp(request);
    s.inFlightPrompt = std::move(prompt);
    s.inFlight = request.id;
    m_run.submit(std::move(request));
}

void ChatSessionsWorkload::onCompleted(const WorkloadRequest& request, std::int32_t outputTokens)
{
    // The conversation goes on with exactly what the pod produced (fewer tokens than asked
    // when max_model_len cut the answer).
    TokenVector answer;
    const auto answerTokens = static_cast<std::size_t>(std::max(0, std::min(outputTokens, request.maxTokens)));
    answer.reserve(answerTokens);
    for (std::size_t j = 0; j < answerTokens; ++j)
        answer.push_back(request.answer.at(j));
    continueSession(request, answer);
}

void ChatSessionsWorkload::onAnswered(const WorkloadRequest& request, std::span<const TokenId> answer)
{
    continueSession(request, TokenVector(answer.begin(), answer.end()));
}

void ChatSessionsWorkload::continueSession(const WorkloadRequest& request, const TokenVector& answer)
{
    const auto it = m_sessions.find(request.sessionId);
    if (it == m_sessions.end() || it->second.inFlight != request.id)
        return; // not one of ours, or reported twice
    Session& s = it->second;
    s.inFlight = 0;
    if (answer.empty()) {
        endSession(request.sessionId, &ChatSessionStats::endedByFailure);
        return;
    }
    s.history = *s.inFlightPrompt;
    s.inFlightPrompt.reset();
    s.history.insert(s.history.end(), answer.begin(), answer.end());
    ++s.turnsDone;
    if (s.turnsDone >= s.turnsPlanned) {
        endSession(request.sessionId, &ChatSessionStats::finished);
        return;
    }
    const double think = std::max(0.0, m_config.thinkTimeSeconds.sample(s.rng));
    const SimTime at = m_run.sim->now() + fromSeconds(think);
    if (!m_run.accepts(at)) {
        endSession(request.sessionId, &ChatSessionStats::endedByRunLimit);
        return;
    }
    const std::uint64_t sessionId = request.sessionId;
    m_run.sim->scheduleAt(at, [this, sessionId] { sendTurn(sessionId); });
}

void ChatSessionsWorkload::endSession(std::uint64_t sessionId, std::int64_t ChatSessionStats::*reason)
{
    ++(m_stats.*reason);
    m_sessions.erase(sessionId);
}

std::string ChatSessionsWorkload::describe() const
{
    std::string out = "chat-sessions: " + formatNumber(m_config.usersPerSecond) + " users/s, turns " +
                      toString(m_config.turnsPerSession) + ", think " + toString(m_config.thinkTimeSeconds) +
                      " s, message " + toString(m_config.messageTokens) + " tokens, answer " +
                      toString(m_config.answerTokens) + " tokens, ";
    if (m_config.systemPrompts > 0)
        out += std::to_string(m_config.systemPrompts) +
               (m_config.systemPrompts == 1 ? " system prompt of " : " system prompts of ") +
               std::to_string(m_config.systemPromptTokens) + " tokens";
    else
        out += "no system prompt";
    if (m_config.maxPromptTokens > 0)
        out += ", prompts up to " + std::to_string(m_config.maxPromptTokens) + " tokens";
    out += ", client IPs " + std::string(toString(m_config.clientIps));
    return out;
}

std::optional<std::string> ChatSessionsWorkload::shortfallNote() const
{
    if (m_stats.endedByLength == 0)
        return std::nullopt;
    return std::to_string(m_stats.endedByLength) + " of " + std::to_string(m_stats.started) +
           " chat sessions ended early: their next prompt (system prompt + history + new message) would have "
           "passed " + std::to_string(m_config.maxPromptTokens) +
           (m_config.maxPromptTokens == 1 ? " token" : " tokens") + ", the limit of workload.chat.max_prompt_tokens (when 0: vllm.max_model_len - 1, the longest "
           "prompt vLLM accepts)" +
           (m_stats.endedByLength == m_stats.started && m_config.systemPromptTokens >= m_config.maxPromptTokens
                ? "; workload.chat.system_prompt_tokens alone is longer than that"
                : "");
}

} // namespace kvroute::sim
