#pragma once
// inference-perf's shared_prefix data set under its Poisson load stages (llmd.md §4.1), as
// kubernetes-sigs/inference-perf implements them:
//
//  - Prompts (inference_perf/datagen/shared_prefix_datagen.py): numGroups × promptsPerGroup
//    prompts, each the group's system prompt (systemPromptLen random tokens, one per group)
//    followed by a question (questionLen random tokens, one per prompt). All prompts are made
//    once and shuffled once; the k-th request of a stage uses shuffled prompt k mod N (the data
//    generator cycles through the list, and the load generator asks it for a fresh iterator, or
//    request number 0, at the start of every stage). max_tokens = outputLen with ignore_eos.
//  - Arrivals (inference_perf/loadgen/load_timer.py, PoissonLoadTimer): a stage sends exactly
//    int(rate × duration) requests. Time is cut into 1 s slots; each slot gets a Poisson(rate)
//    number k of requests, spaced by k exponential gaps normalised to sum to the slot (so the
//    last one lands on the slot's end); a slot with none is skipped. With ArrivalProcess::Constant
//    (ConstantLoadTimer over the whole stage) the int(rate × duration) exponential gaps are
//    rescaled to sum to the stage's duration instead, so the last arrival is at its end.
//  - Stages (load_generator.py, run_stage): arrivals start `startOffsetSeconds` into a stage
//    (1 s there); the next stage begins only when every request of the previous one has finished
//    (drainBetweenStages), as seen by a check once every `drainPollSeconds` from the stage's
//    start (1 s there), plus `stageGapSeconds` (load.interval, 1 s by default).
//
// Here token 0 of group g's system prompt is g and token 0 of question p is p (or the user index
// when there is no system prompt), the rest random: then prompts of one group share exactly
// systemPromptLen tokens and groups share none, which random text only makes very likely.
// sessionId = user index g × promptsPerGroup + p (0-based); client IPs per ClientIpMode with the
// user as session and g as group.
//
// A StagePrompts given to the constructor replaces the shared-prefix prompts (another inference-
// perf data set under the same stages); sessionId, client IP, prompt and max_tokens are then its.
//
// Randomness: "workload/shared-prefix/order" (the shuffle), "workload/shared-prefix/arrivals",
// "workload/shared-prefix/answers", and one stream per system prompt and per question, so a
// prompt is a pure function of (seed, group, prompt). System prompts are kept once made
// (numGroups × systemPromptLen tokens). A prompt is its group's system prompt, shared, followed
// by its own question: the llm-d benchmark's 150 system prompts and 750 questions take 1.8 M
// tokens, where 750 whole prompts beside the system prompts took 6.3 M of fresh memory pages.

#include "sim/kernel/rng.h"
#include "sim/workload/stage_prompts.h"
#include "sim/workload/workload.h"
#include "sim/workload/workload_config.h"
#include "sim/workload/workload_run.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kvroute::sim {

class SharedPrefixWorkload final : public Workload {
public:
    /// What happened in one stage (for reports and tests).
    struct StageRecord {
        SimTime start = 0;        ///< when the stage began
        SimTime firstArrival = -1;
        SimTime lastArrival = -1;
        std::int64_t planned = 0; ///< int(rate × duration)
        std::int64_t sent = 0;
    };

    /// `config` must be valid (makeWorkload checks it). `maxRequests` 0 = no limit of its own.
    SharedPrefixWorkload(SharedPrefixConfig config, std::uint64_t seed, std::int64_t maxRequests = 0);
    /// The same stages sending `prompts`' requests instead of shared-prefix ones (not null).
    SharedPrefixWorkload(SharedPrefixConfig config, std::uint64_t seed, std::int64_t maxRequests,
                         std::unique_ptr<StagePrompts> prompts);
    SharedPrefixWorkload(const SharedPrefixWorkload&) = delete;
    SharedPrefixWorkload& operator=(const SharedPrefixWorkload&) = delete;

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override;
    void onCompleted(const WorkloadRequest& request, std::int32_t outputTokens) override;
    [[nodiscard]] std::string describe() const override;
    [[nodiscard]] std::vector<LoadStage> stages() const override { return m_config.stages; }

    [[nodiscard]] std::int64_t users() const noexcept { return m_users; }
    /// The prompt of `user` (group user / promptsPerGroup, prompt user % promptsPerGroup).
    [[nodiscard]] PromptRef prompt(std::int64_t user);
    [[nodiscard]] PromptRef buildPrompt(std::int64_t user);
    /// The user of the k-th request of a stage (the shuffled order, cycled).
    [[nodiscard]] std::int64_t userOfStageRequest(std::int64_t k) const;
    [[nodiscard]] const std::vector<StageRecord>& stageRecords() const noexcept { return m_records; }
    /// Requests sent and not yet reported complete.
    [[nodiscard]] std::int64_t outstanding() const noexcept { return m_outstanding; }

private:
    void beginStage(std::size_t stage, SimTime at);
    /// Schedules the next arrival of the current stage, or finishes the stage.
    void scheduleNextArrival();
    void onArrival();
    /// Every request of the current stage is out; `reference` is when the stage's sending (or,
    /// drained, its last answer) ended.
    void stageSent(SimTime reference);
    bool fillSlot();
    /// ArrivalProcess::Constant: sums the stage's gaps on a copy of the arrival stream, so the
    /// gaps drawn afterwards, one per arrival, can be rescaled without storing them.
    void planConstantStage(std::int64_t planned, SimTime start, double durationSeconds);
    [[nodiscard]] SimTime nextConstantArrival();
    /// When the load generator notices that the stage drained at `drained`.
    [[nodiscard]] SimTime drainNoticed(SimTime drained) const;
    const std::shared_ptr<const TokenVector>& systemPrompt(std::int64_t group);

    SharedPrefixConfig m_config;
    std::uint64_t m_seed;
    std::int64_t m_ownLimit;
    std::int64_t m_users;
    std::vector<std::int32_t> m_order;
    std::vector<std::shared_ptr<const TokenVector>> m_systemPrompts; ///< made on first use
    /// Each user's prompt, built once and shared by every request that sends it (requests
    /// cycle over the users), while their questions stay under 32 M tokens.
    std::vector<PromptRef> m_promptCache;
    Rng m_arrivals;
    Rng m_answers;
    WorkloadRun m_run;

    std::vector<StageRecord> m_records;
    std::size_t m_stage = 0;
    std::int64_t m_stageSent = 0;
    bool m_stageDone = true;
    bool m_finished = false;
    std::int64_t m_outstanding = 0;
    // The current 1 s slot's arrival times, consumed from m_slotNext.
    SimTime m_slotStart = 0;
    std::vector<SimTime> m_slot;
    std::size_t m_slotNext = 0;
    // ArrivalProcess::Constant: the stage's arrivals are start + duration × (sum of gaps so far)
    // / (sum of all its gaps).
    SimTime m_constantStart = 0;
    double m_constantDuration = 0.0;
    double m_constantTotal = 0.0;
    double m_constantSum = 0.0;
    std::unique_ptr<StagePrompts> m_prompts; ///< null: the shared-prefix prompts
};

} // namespace kvroute::sim
