#pragma once
// The gateway's stickiness, counted as the simulator counts it (RunResults::stickiness): a
// session's 2nd, 3rd, ... request routed to the pod its previous request went to. kvroute's load
// generator sends each request's turn (`x-kvroute-turn`), so a rerun that reuses the session ids
// of an earlier one (the same seed) starts its sessions afresh; for other clients a session's
// first request is the first one this gateway saw of it. Sessions are forgotten all at once past
// kMaxTrackedSessions, so memory stays bounded whatever the clients send.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace kvroute::cluster {

class FollowUpCounter {
public:
    static constexpr std::size_t kMaxTrackedSessions = 1'000'000;

    /// The turn in an `x-kvroute-turn` header; nullopt when absent or not a small number.
    [[nodiscard]] static std::optional<std::int64_t> turnOf(const std::string& text)
    {
        if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoll(text);
    }

    void count(std::uint64_t session, std::size_t pod, std::optional<std::int64_t> turn)
    {
        if (m_lastPod.size() >= kMaxTrackedSessions && !m_lastPod.contains(session))
            m_lastPod.clear();
        if (turn && *turn == 0) {
            m_lastPod[session] = pod;
            return;
        }
        const auto [it, first] = m_lastPod.try_emplace(session, pod);
        if (!first) {
            ++m_followUps;
            m_samePod += it->second == pod ? 1 : 0;
            it->second = pod;
        }
    }

    [[nodiscard]] std::int64_t followUps() const { return m_followUps; }
    [[nodiscard]] std::int64_t samePod() const { return m_samePod; }

private:
    std::unordered_map<std::uint64_t, std::size_t> m_lastPod;
    std::int64_t m_followUps = 0;
    std::int64_t m_samePod = 0;
};

} // namespace kvroute::cluster
