#pragma once
// What a scenario file says about the workload (docs/SCENARIOS.md lists every key).

#include "sim/workload/distribution.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kvroute::sim {

enum class WorkloadKind : std::uint8_t { ChatSessions, SharedPrefix, RepeatPrompt, Mooncake, Azure, InferencePerf };

/// Which client address a request carries (what a Service with ClientIP affinity can see).
enum class ClientIpMode : std::uint8_t {
    PerSession, ///< every session/user has its own address
    PerGroup,   ///< users of one group (shared-prefix customer) share an address
    Single,     ///< one load generator sends everything
};

/// Multi-turn chat: users arrive as a Poisson process; each turn's prompt is the previous
/// prompt + the previous answer + a new message; users think between turns.
struct ChatSessionsConfig {
    double usersPerSecond = 1.0;
    Distribution turnsPerSession = Distribution{Distribution::Kind::Uniform, 0, 0, 2, 8};
    Distribution thinkTimeSeconds = Distribution{Distribution::Kind::Exponential, 8.0, 0, 0.5, 120};
    Distribution messageTokens = Distribution{Distribution::Kind::Lognormal, 120, 80, 8, 2000};
    Distribution answerTokens = Distribution{Distribution::Kind::Lognormal, 200, 120, 8, 1000};
    /// Shared system prompts: each session picks one of `systemPrompts` (0 = none).
    std::int32_t systemPrompts = 1;
    std::int32_t systemPromptTokens = 400;
    /// Longest prompt a session may send (0 = unlimited). A turn whose prompt (system prompt +
    /// history + new message) would be longer is not sent and the session ends there, as a
    /// user whose chat no longer fits the context window starts over elsewhere. The fleet sets
    /// it from max_model_len so no turn is rejected for length.
    std::int32_t maxPromptTokens = 0;
    ClientIpMode clientIps = ClientIpMode::PerSession;
};

/// One load stage: a constant offered rate for a while (inference-perf `load.stages`).
struct LoadStage {
    double rate = 1.0;       ///< requests per second
    double durationSeconds = 10.0;
};

/// How a stage spreads its int(rate × duration) arrivals (inference-perf `load.type`,
/// inference_perf/loadgen/load_timer.py).
enum class ArrivalProcess : std::uint8_t {
    Poisson,  ///< PoissonLoadTimer: 1 s slots with Poisson(rate) arrivals each
    Constant, ///< ConstantLoadTimer: exponential gaps rescaled to fill the whole stage
};

/// inference-perf's shared_prefix data set (llmd.md §4.1): groups of users, each group with its
/// own system prompt; Poisson arrivals in stages of (rate, duration).
struct SharedPrefixConfig {
    using Stage = LoadStage;
    std::int32_t numGroups = 150;
    std::int32_t promptsPerGroup = 5;
    std::int32_t systemPromptLen = 6000;
    std::int32_t questionLen = 1200;
    std::int32_t outputLen = 1000;
    // (one element, built without an initializer_list: GCC 12 warns -Wmaybe-uninitialized on that)
    std::vector<Stage> stages = std::vector<Stage>(1, Stage{15.0, 50.0});
    /// inference-perf starts a stage only when every request of the previous one has finished
    /// (its load generator waits for them); false chains stages back to back instead. Draining
    /// relies on Workload::onCompleted being called for every request, failed ones included.
    bool drainBetweenStages = true;
    /// Pause between stages (inference-perf `load.interval`).
    double stageGapSeconds = 0.0;
    /// A stage's first arrival slot begins this long after the stage starts (inference-perf
    /// hard-codes 1 s "to begin populating the queue", load_generator.py run_stage).
    double startOffsetSeconds = 0.0;
    /// Drained stages: the load generator checks its finished count every `drainPollSeconds`
    /// from the stage's start (inference-perf: once a second), so the next stage waits for the
    /// first check after the last answer; 0 = it notices at once.
    double drainPollSeconds = 0.0;
    ArrivalProcess arrivals = ArrivalProcess::Poisson;
    ClientIpMode clientIps = ClientIpMode::Single;
};

/// The demo's cache test: the same prompt `count` times, `gapSeconds` apart.
struct RepeatPromptConfig {
    std::int32_t count = 20;
    double gapSeconds = 0.5;
    std::int32_t promptTokens = 24;
    std::int32_t maxTokens = 20;
    /// cache-test.sh sends with a blocking curl, so its `sleep 0.5` runs after each answer:
    /// true waits `gapSeconds` after each completion; false sends every `gapSeconds` regardless.
    bool waitForCompletion = false;
};

/// Trace replay (Mooncake JSONL with 512-token hash_ids, or Azure 2023 CSV with lengths only).
struct TraceReplayConfig {
    std::string path;
    double timeScale = 1.0;      ///< arrival times are multiplied by this (0.5 = twice as fast)
    std::int32_t mooncakeBlockTokens = 512;
    ClientIpMode clientIps = ClientIpMode::Single;
};

/// Where a client starts its TTFT clock.
enum class TtftClock : std::uint8_t {
    Send,    ///< when the request leaves the client (inference-perf, curl, every HTTP client)
    Arrival, ///< when the workload produced it, so time waiting at a full client counts
};

/// The load generator itself: how many requests it keeps in flight. A request produced while
/// the client is full waits at the client (first in, first out) and is sent when an answer
/// frees a slot, as inference-perf's workers take the next request off their queue.
struct ClientConfig {
    std::int32_t maxInFlight = 0; ///< 0 = no limit: every request is sent when produced
    TtftClock ttftFrom = TtftClock::Send;
};

struct WorkloadConfig {
    WorkloadKind kind = WorkloadKind::ChatSessions;
    ClientConfig client;
    ChatSessionsConfig chat;
    SharedPrefixConfig sharedPrefix;
    RepeatPromptConfig repeat;
    TraceReplayConfig trace;
    std::int64_t maxRequests = 0; ///< 0 = no limit
};

} // namespace kvroute::sim
