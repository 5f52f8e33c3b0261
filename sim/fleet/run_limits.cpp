#include "sim/fleet/run_limits.h"

#include "sim/workload/distribution.h"

#include <algorithm>
#include <cmath>

namespace kvroute::sim {

namespace {

double expectedValue(const Distribution& d)
{
    if (d.kind == Distribution::Kind::Uniform)
        return (d.min + d.max) / 2.0;
    return std::clamp(d.mean, d.min, d.max);
}

/// 1234567 -> "1,234,567"; beyond 1e12, scientific.
std::string count(double n)
{
    if (!(n < 1e12))
        return formatNumber(n);
    const std::string digits = std::to_string(static_cast<std::int64_t>(std::llround(n)));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

/// The smallest of 1, 2, 5 × 10^k milliseconds that is at least `t`, so a coarser series stays
/// on round times.
SimTime roundUpNice(SimTime t)
{
    for (SimTime decade = kMillisecond;; decade *= 10) {
        for (const SimTime step : {decade, 2 * decade, 5 * decade}) {
            if (step >= t)
                return step;
        }
    }
}

} // namespace

std::optional<double> expectedRequests(const Scenario& s)
{
    const auto& w = s.workload;
    const double duration = toSeconds(s.run.duration);
    double n = 0.0;
    switch (w.kind) {
    case WorkloadKind::ChatSessions:
        n = w.chat.usersPerSecond * duration * std::max(1.0, expectedValue(w.chat.turnsPerSession));
        break;
    case WorkloadKind::SharedPrefix:
    case WorkloadKind::InferencePerf: { // its file's stages, once prepareRun has read them
        double elapsed = 0.0;
        for (const auto& stage : w.sharedPrefix.stages) {
            const double seconds = std::clamp(duration - elapsed, 0.0, stage.durationSeconds);
            n += stage.rate * seconds;
            elapsed += stage.durationSeconds + w.sharedPrefix.stageGapSeconds + w.sharedPrefix.startOffsetSeconds;
        }
        break;
    }
    case WorkloadKind::RepeatPrompt:
        n = w.repeat.count;
        break;
    case WorkloadKind::Mooncake:
    case WorkloadKind::Azure:
        return std::nullopt;
    }
    if (w.maxRequests > 0)
        n = std::min(n, static_cast<double>(w.maxRequests));
    return n;
}

Result<void> checkRunSize(const Scenario& s, std::int64_t kvBlocksPerPod)
{
    if (const auto n = expectedRequests(s); n && *n > RunLimits::kMaxRequests) {
        const auto& w = s.workload;
        const std::string key = w.kind == WorkloadKind::ChatSessions   ? "workload.chat.users_per_second"
                                : w.kind == WorkloadKind::RepeatPrompt ? "workload.repeat.count"
                                : w.kind == WorkloadKind::InferencePerf ? "workload.path"
                                                                       : "workload.shared_prefix.stages";
        return fail("the workload would send about " + count(*n) + " requests in " +
                        formatNumber(toSeconds(s.run.duration)) + " s; one run simulates at most " +
                        count(RunLimits::kMaxRequests) +
                        " (about 2 GB and half an hour); lower the rate or the duration, or cap it with "
                        "workload.max_requests",
                    key);
    }
    // The prompts a workload builds up front and keeps.
    const auto& w = s.workload;
    double held = 0;
    double longest = 0; // the longest single prompt it builds
    std::string heldKey;
    std::string heldHow;
    if (w.kind == WorkloadKind::SharedPrefix || w.kind == WorkloadKind::InferencePerf) {
        const auto& sp = w.sharedPrefix;
        held = static_cast<double>(sp.numGroups) * sp.systemPromptLen +
               static_cast<double>(sp.numGroups) * sp.promptsPerGroup * sp.questionLen;
        longest = static_cast<double>(sp.systemPromptLen) + sp.questionLen;
        heldKey = "workload.shared_prefix.system_prompt_len";
        heldHow = "num_groups × system_prompt_len + num_groups × prompts_per_group × question_len";
    } else if (w.kind == WorkloadKind::ChatSessions) {
        held = static_cast<double>(w.chat.systemPrompts) * w.chat.systemPromptTokens;
        longest = w.chat.systemPromptTokens;
        heldKey = "workload.chat.system_prompt_tokens";
        heldHow = "system_prompts × system_prompt_tokens";
    } else if (w.kind == WorkloadKind::RepeatPrompt) {
        held = w.repeat.promptTokens;
        longest = w.repeat.promptTokens;
        heldKey = "workload.repeat.prompt_tokens";
        heldHow = "prompt_tokens";
    }
    if (held > RunLimits::kMaxWorkloadTokens)
        return fail("the workload would hold " + count(held) + " prompt tokens (" + heldHow + "); one run holds at most " +
                        count(RunLimits::kMaxWorkloadTokens) + " (400 MB)" +
                        (longest >= s.vllm.maxModelLen
                             ? ", and a prompt that long is not shorter than vllm.max_model_len (" +
                                   std::to_string(s.vllm.maxModelLen) + "), so vLLM would reject it anyway"
                             : std::string()),
                    heldKey);
    const std::int64_t blocks = kvBlocksPerPod * s.cluster.pods;
    if (blocks > RunLimits::kMaxKvBlocks)
        return fail(std::to_string(s.cluster.pods) + " pods × " + std::to_string(kvBlocksPerPod) + " KV blocks = " +
                        count(static_cast<double>(blocks)) + " blocks; the simulator holds at most " +
                        count(static_cast<double>(RunLimits::kMaxKvBlocks)) +
                        " (about 2 GB); raise vllm.block_size, lower cluster.pods or set a smaller "
                        "vllm.num_gpu_blocks_override",
                    "vllm.block_size");
    return {};
}

SimTime boundedSampleInterval(const Scenario& s, std::string* note)
{
    const SimTime asked = s.run.sampleInterval;
    const std::int64_t maxPoints =
        std::clamp<std::int64_t>(RunLimits::kMaxSeriesCells / std::max(1, s.cluster.pods), 1000,
                                 RunLimits::kMaxSeriesPoints);
    const SimTime span = s.run.duration + s.run.drainLimit;
    if (asked <= 0 || span / asked <= maxPoints)
        return asked;
    const SimTime bounded = roundUpNice((span + maxPoints - 1) / maxPoints);
    if (note)
        *note = "sample_interval raised from " + formatNumber(toSeconds(asked)) + " s to " +
                formatNumber(toSeconds(bounded)) + " s: a run keeps at most " + count(static_cast<double>(maxPoints)) +
                " time-series points with " + std::to_string(s.cluster.pods) + " pods over duration + drain_limit";
    return bounded;
}

} // namespace kvroute::sim
