#pragma once
// Multi-turn chat, closed loop. Users (sessions) arrive as a Poisson process; each plans a
// number of turns. Turn k's prompt is the optional shared system prompt + every earlier message
// and answer + a new message, so a session's prompts extend each other exactly, as a chat
// client resends the whole conversation. The answer appended to the history is exactly what the
// pod generated: the first `outputTokens` tokens of the request's OutputTokenSource. The next turn
// is sent a think time after the answer completed.
//
// A session ends when it has sent all its turns, when a request comes back with 0 tokens
// (rejected or aborted: the user gives up), when the next prompt would exceed maxPromptTokens
// (the chat no longer fits the context window), or when the next turn would arrive at or after
// the end of the run or past the request limit.
//
// Randomness: user arrivals use the stream "workload/chat/arrivals"; everything about session n
// (turn count, system prompt, message lengths and tokens, answer lengths and offsets, think
// times) comes from its own stream "workload/chat/session/<n>", so a session's content does not
// depend on how fast the cluster answers other sessions.

#include "sim/kernel/rng.h"
#include "sim/workload/workload.h"
#include "sim/workload/workload_config.h"
#include "sim/workload/workload_run.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kvroute::sim {

/// How sessions ended (for reports and tests).
struct ChatSessionStats {
    std::int64_t started = 0;
    std::int64_t finished = 0;        ///< sent every planned turn
    std::int64_t endedByLength = 0;   ///< next prompt would exceed maxPromptTokens
    std::int64_t endedByFailure = 0;  ///< a turn completed with 0 tokens
    std::int64_t endedByRunLimit = 0; ///< end time or request limit reached
};

class ChatSessionsWorkload final : public Workload {
public:
    /// `config` must be valid (makeWorkload checks it). `maxRequests` 0 = no limit of its own.
    ChatSessionsWorkload(ChatSessionsConfig config, std::uint64_t seed, std::int64_t maxRequests = 0);
    ChatSessionsWorkload(const ChatSessionsWorkload&) = delete;
    ChatSessionsWorkload& operator=(const ChatSessionsWorkload&) = delete;

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override;
    void onCompleted(const WorkloadRequest& request, std::int32_t outputTokens) override;
    void onAnswered(const WorkloadRequest& request, std::span<const TokenId> answer) override;
    [[nodiscard]] std::string describe() const override;

    [[nodiscard]] const ChatSessionStats& stats() const noexcept { return m_stats; }
    /// Said when sessions ended early because their next prompt would not fit max_model_len.
    [[nodiscard]] std::optional<std::string> shortfallNote() const override;
    /// Sessions that have started and not ended: the only ones whose history is held.
    [[nodiscard]] std::size_t activeSessions() const noexcept { return m_sessions.size(); }
    /// System prompt `index` (< config.systemPrompts): token 0 is the index itself, so different
    /// system prompts share no prefix; the rest is random.
    [[nodiscard]] std::shared_ptr<const TokenVector> systemPrompt(std::int32_t index);

private:
    struct Session {
        explicit Session(Rng r) : rng(r) {}
        Rng rng;
        std::int32_t turnsPlanned = 1;
        std::int32_t turnsDone = 0;
        std::int32_t systemPrompt = -1;
        Ipv4 clientIp = 0;
        /// Everything sent and received so far, when no turn is in flight.
        TokenVector history;
        /// The prompt of the turn in flight (its history), and its request id (0 = none).
        std::shared_ptr<const TokenVector> inFlightPrompt;
        RequestId inFlight = 0;
    };

    void scheduleNextUser(SimTime after);
    void onUserArrives();
    void sendTurn(std::uint64_t sessionId);
    void endSession(std::uint64_t sessionId, std::int64_t ChatSessionStats::*reason);
    /// The turn `request` was answered with `answer` (empty: it failed): the next turn or the end.
    void continueSession(const WorkloadRequest& request, const TokenVector& answer);

    ChatSessionsConfig m_config;
    std::uint64_t m_seed;
    std::int64_t m_ownLimit;
    Rng m_arrivals;
    WorkloadRun m_run;
    std::uint64_t m_nextSessionId = 0;
    std::map<std::uint64_t, Session> m_sessions;
    std::vector<std::shared_ptr<const TokenVector>> m_systemPrompts;
    ChatSessionStats m_stats;
};

} // namespace kvroute::sim
