#pragma once
// The demo's cache test (llmd.md §5, cache-test.sh): one client sends the same prompt `count`
// times, `gapSeconds` apart, all in one session from one address (10.0.0.1, session 0). The
// script asks for temperature 0 and a fixed seed, so every answer is the same: all requests
// share one prompt and one answer stream.
//
// With waitForCompletion the gap runs from each completion, as the script's blocking curl
// followed by `sleep 0.5` does; a request that fails (0 tokens) is followed the same way.

#include "sim/workload/workload.h"
#include "sim/workload/workload_config.h"
#include "sim/workload/workload_run.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace kvroute::sim {

class RepeatPromptWorkload final : public Workload {
public:
    /// `config` must be valid (makeWorkload checks it). `maxRequests` 0 = no limit of its own.
    RepeatPromptWorkload(RepeatPromptConfig config, std::uint64_t seed, std::int64_t maxRequests = 0);
    RepeatPromptWorkload(const RepeatPromptWorkload&) = delete;
    RepeatPromptWorkload& operator=(const RepeatPromptWorkload&) = delete;

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override;
    void onCompleted(const WorkloadRequest& request, std::int32_t outputTokens) override;
    [[nodiscard]] std::string describe() const override;
    /// Said when `duration` ended the arrivals before `count` prompts were sent.
    [[nodiscard]] std::optional<std::string> shortfallNote() const override;

    [[nodiscard]] const std::shared_ptr<const TokenVector>& prompt() const noexcept { return m_prompt; }

private:
    void scheduleAt(SimTime at);
    void send();

    RepeatPromptConfig m_config;
    std::int64_t m_ownLimit;
    std::shared_ptr<const TokenVector> m_prompt;
    OutputTokenSource m_answer;
    WorkloadRun m_run;
    std::int32_t m_sent = 0;
    bool m_cutByEndTime = false;
};

} // namespace kvroute::sim
