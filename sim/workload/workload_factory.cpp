#include "sim/workload/workload_factory.h"

#include "sim/workload/builtin_traces.h"
#include "sim/workload/chat_sessions_workload.h"
#include "sim/workload/inference_perf_workload.h"
#include "sim/workload/repeat_prompt_workload.h"
#include "sim/workload/shared_prefix_workload.h"
#include "sim/workload/synthetic_tokens.h"
#include "sim/workload/trace_workloads.h"

#include <cmath>
#include <filesystem>
#include <utility>

namespace kvroute::sim {

namespace {

// Beyond this a single simulated request is surely a typo (and would exhaust memory).
constexpr double kMaxTokens = 100'000'000;

Result<void> positive(double value, const std::string& where)
{
    if (!(std::isfinite(value) && value > 0.0))
        return fail("must be a positive number, got " + formatNumber(value), where);
    return {};
}

Result<void> atLeast(std::int64_t value, std::int64_t min, const std::string& where, std::int64_t max = 100'000'000)
{
    if (value < min || value > max)
        return fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                        std::to_string(value),
                    where);
    return {};
}

Result<void> distribution(const Distribution& d, const std::string& where, double minUpper)
{
    if (const auto problem = d.problem())
        return fail(*problem, where);
    if (d.max < minUpper)
        return fail("max must be at least " + formatNumber(minUpper) + " (got " + formatNumber(d.max) + ')', where);
    if (d.max > kMaxTokens && d.kind == Distribution::Kind::Uniform)
        return fail("a uniform distribution needs an explicit max", where);
    return {};
}

Result<void> checkChat(const ChatSessionsConfig& c)
{
    const std::string p = "workload.chat.";
    if (auto r = positive(c.usersPerSecond, p + "users_per_second"); !r)
        return r;
    if (auto r = distribution(c.turnsPerSession, p + "turns", 1.0); !r)
        return r;
    if (auto r = distribution(c.thinkTimeSeconds, p + "think_time", 0.0); !r)
        return r;
    if (auto r = distribution(c.messageTokens, p + "message_tokens", 1.0); !r)
        return r;
    if (auto r = distribution(c.answerTokens, p + "answer_tokens", 1.0); !r)
        return r;
    if (auto r = atLeast(c.systemPrompts, 0, p + "system_prompts", kVocabSize); !r)
        return r;
    if (auto r = atLeast(c.systemPromptTokens, c.systemPrompts > 0 ? 1 : 0, p + "system_prompt_tokens"); !r)
        return r;
    if (auto r = atLeast(c.maxPromptTokens, 0, p + "max_prompt_tokens", INT32_MAX); !r)
        return r;
    return {};
}

Result<void> checkSharedPrefix(const SharedPrefixConfig& c)
{
    const std::string p = "workload.shared_prefix.";
    if (auto r = atLeast(c.numGroups, 1, p + "num_groups", kVocabSize); !r)
        return r;
    if (auto r = atLeast(c.promptsPerGroup, 1, p + "prompts_per_group", kVocabSize); !r)
        return r;
    if (c.systemPromptLen == 0 && std::int64_t{c.numGroups} * c.promptsPerGroup > kVocabSize)
        return fail("without a system prompt at most " + std::to_string(kVocabSize) + " prompts are supported",
                    p + "prompts_per_group");
    if (std::int64_t{c.numGroups} * c.promptsPerGroup > 10'000'000)
        return fail("num_groups × prompts_per_group must not exceed 10,000,000", p + "prompts_per_group");
    if (auto r = atLeast(c.systemPromptLen, 0, p + "system_prompt_len"); !r)
        return r;
    if (auto r = atLeast(c.questionLen, 1, p + "question_len"); !r)
        return r;
    if (auto r = atLeast(c.outputLen, 1, p + "output_len"); !r)
        return r;
    if (c.stages.empty())
        return fail("needs at least one stage", p + "stages");
    for (std::size_t i = 0; i < c.stages.size(); ++i) {
        const std::string s = p + "stages[" + std::to_string(i) + "].";
        if (auto r = positive(c.stages[i].rate, s + "rate"); !r)
            return r;
        if (auto r = positive(c.stages[i].durationSeconds, s + "duration"); !r)
            return r;
        if (c.stages[i].rate * c.stages[i].durationSeconds > 1e12)
            return fail("rate × duration is more than 1e12 requests", s + "rate");
        // A constant-load stage sums all its gaps before its first arrival.
        if (c.arrivals == ArrivalProcess::Constant && c.stages[i].rate * c.stages[i].durationSeconds > 1e8)
            return fail("a constant-load stage sends at most 1e8 requests (rate × duration)", s + "rate");
    }
    if (!(std::isfinite(c.stageGapSeconds) && c.stageGapSeconds >= 0.0))
        return fail("must be zero or more seconds", p + "stage_gap");
    if (!(std::isfinite(c.startOffsetSeconds) && c.startOffsetSeconds >= 0.0))
        return fail("must be zero or more seconds", p + "start_offset");
    if (!(std::isfinite(c.drainPollSeconds) && c.drainPollSeconds >= 0.0))
        return fail("must be zero or more seconds", p + "drain_poll");
    return {};
}

Result<void> checkRepeat(const RepeatPromptConfig& c)
{
    const std::string p = "workload.repeat.";
    if (auto r = atLeast(c.count, 1, p + "count", INT32_MAX); !r)
        return r;
    if (!(std::isfinite(c.gapSeconds) && c.gapSeconds >= 0.0))
        return fail("must be zero or more seconds, got " + formatNumber(c.gapSeconds), p + "gap");
    if (auto r = atLeast(c.promptTokens, 1, p + "prompt_tokens"); !r)
        return r;
    if (auto r = atLeast(c.maxTokens, 1, p + "max_tokens"); !r)
        return r;
    return {};
}

Result<void> checkTrace(const TraceReplayConfig& c, WorkloadKind kind)
{
    const std::string p = "workload.";
    if (c.path.empty())
        return fail("a trace replay needs the path of the trace file", p + "path");
    if (auto r = positive(c.timeScale, p + "time_scale"); !r)
        return r;
    if (kind == WorkloadKind::Mooncake) {
        if (auto r = atLeast(c.mooncakeBlockTokens, 1, p + "mooncake_block_tokens"); !r)
            return r;
    }
    return {};
}

/// Reads the records a run would use, so that a malformed one fails before anything runs.
template <typename Reader>
Result<void> readThrough(Reader& reader, std::int64_t maxRecords, const std::string& path)
{
    std::int64_t n = 0;
    for (; maxRecords == 0 || n < maxRecords; ++n) {
        auto record = reader.next();
        if (!record)
            return std::unexpected(record.error());
        if (!*record)
            break;
    }
    if (n == 0)
        return fail("the trace holds no records", path);
    return {};
}

} // namespace

Result<void> checkWorkloadConfig(const WorkloadConfig& config)
{
    if (config.maxRequests < 0)
        return fail("must be zero (no limit) or more", "workload.max_requests");
    switch (config.kind) {
    case WorkloadKind::ChatSessions:
        return checkChat(config.chat);
    case WorkloadKind::SharedPrefix:
        return checkSharedPrefix(config.sharedPrefix);
    case WorkloadKind::RepeatPrompt:
        return checkRepeat(config.repeat);
    case WorkloadKind::Mooncake:
    case WorkloadKind::Azure:
        return checkTrace(config.trace, config.kind);
    case WorkloadKind::InferencePerf:
        if (config.trace.path.empty())
            return fail("workload.type inference-perf needs the inference-perf config file", "workload.path");
        return {};
    }
    return fail("unknown workload kind", "workload.type");
}

Result<std::unique_ptr<Workload>> makeWorkload(const WorkloadConfig& config, std::uint64_t seed,
                                               const std::string& baseDirectory)
{
    if (auto checked = checkWorkloadConfig(config); !checked)
        return std::unexpected(checked.error());
    switch (config.kind) {
    case WorkloadKind::ChatSessions:
        return std::make_unique<ChatSessionsWorkload>(config.chat, seed, config.maxRequests);
    case WorkloadKind::SharedPrefix:
        return std::make_unique<SharedPrefixWorkload>(config.sharedPrefix, seed, config.maxRequests);
    case WorkloadKind::RepeatPrompt:
        return std::make_unique<RepeatPromptWorkload>(config.repeat, seed, config.maxRequests);
    case WorkloadKind::InferencePerf:
        return makeInferencePerfWorkload(config, seed, baseDirectory);
    case WorkloadKind::Mooncake:
    case WorkloadKind::Azure:
        break;
    }

    TraceReplayConfig trace = config.trace;
    if (builtinTraceName(trace.path)) {
        if (!builtinTraceText(trace.path))
            return fail("no such built-in trace; built-in traces: " + builtinTraceNames(), "workload.path");
        if (config.kind != WorkloadKind::Mooncake)
            return fail("the built-in traces are in the Mooncake format; set workload.type: mooncake", "workload.path");
    } else if (const std::filesystem::path path(trace.path); !baseDirectory.empty() && path.is_relative()) {
        trace.path = (std::filesystem::path(baseDirectory) / path).lexically_normal().string();
    }
    const bool onDisk = !builtinTraceName(trace.path);
    if (std::error_code ec; onDisk && std::filesystem::is_directory(trace.path, ec))
        return fail("is a directory, not a trace file", trace.path);
    if (std::error_code ec; onDisk && std::filesystem::exists(trace.path, ec) &&
                            !std::filesystem::is_regular_file(trace.path, ec))
        return fail("is not a regular file (a device, a pipe or a socket); a trace is a file", trace.path);
    if (std::error_code ec; onDisk && !std::filesystem::exists(trace.path, ec))
        return fail("no such trace file (workload.path: a relative path is taken from the scenario file's folder, "
                    "or from the working directory for --set; built-in traces: " + builtinTraceNames() + ")",
                    std::filesystem::absolute(trace.path, ec).lexically_normal().string());

    if (config.kind == WorkloadKind::Mooncake) {
        auto reader = MooncakeTraceReader::open(trace.path, trace.mooncakeBlockTokens);
        if (!reader)
            return std::unexpected(reader.error());
        if (auto read = readThrough(*reader, config.maxRequests, trace.path); !read)
            return std::unexpected(read.error());
        return std::make_unique<MooncakeTraceWorkload>(std::move(trace), seed, config.maxRequests);
    }
    auto reader = AzureTraceReader::open(trace.path);
    if (!reader)
        return std::unexpected(reader.error());
    if (auto read = readThrough(*reader, config.maxRequests, trace.path); !read)
        return std::unexpected(read.error());
    return std::make_unique<AzureTraceWorkload>(std::move(trace), seed, config.maxRequests);
}

std::string_view toString(WorkloadKind kind)
{
    switch (kind) {
    case WorkloadKind::ChatSessions:
        return "chat-sessions";
    case WorkloadKind::SharedPrefix:
        return "shared-prefix";
    case WorkloadKind::RepeatPrompt:
        return "repeat-prompt";
    case WorkloadKind::Mooncake:
        return "mooncake";
    case WorkloadKind::Azure:
        return "azure";
    case WorkloadKind::InferencePerf:
        return "inference-perf";
    }
    return "unknown";
}

} // namespace kvroute::sim
