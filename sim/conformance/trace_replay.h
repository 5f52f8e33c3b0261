#pragma once
// Replays a step-level conformance trace (../shared/conformance/README.md) through one Engine
// and produces the result JSON that compare.py diffs against vLLM v0.10.0's own outputs.

#include "sim/util/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kvroute::sim {

/// What one replay may use, so that no trace can run away with memory or time. A trace beyond a
/// limit is an error naming it. The defaults are far above every vLLM conformance trace (the
/// largest runs a few hundred steps) and keep a replay below about 2 GB.
struct ReplayLimits {
    /// Longest line of the trace file, in bytes.
    std::int64_t maxLineBytes = std::int64_t{16} << 20;
    /// Events (add and abort lines).
    std::int64_t maxEvents = 1'000'000;
    /// Tokens the requests can hold: the sum over add events of
    /// min(prompt length + max_tokens, max_model_len).
    std::int64_t maxTraceTokens = 20'000'000;
    /// Engine steps executed (each one is a record of the result).
    std::int64_t maxSteps = 1'000'000;
    /// Tokens scheduled over all steps (preempted requests recompute theirs; KV events repeat
    /// token ids).
    std::int64_t maxScheduledTokens = 20'000'000;
};

struct ReplayOptions {
    /// PYTHONHASHSEED as the environment gives it (unset = nullopt).
    std::optional<std::string> pythonHashSeed;
    /// NONE_HASH for traces recorded with a random one (builtin hash, PYTHONHASHSEED unset).
    std::optional<std::uint64_t> noneHash;
    ReplayLimits limits;
};

/// Reads the JSONL trace at `path`, replays it and returns the result JSON text.
/// Every field is checked like a scenario key before anything runs: errors say "file:line", the
/// field ("config.block_size", "max_tokens") and the allowed values or range. The ranges:
///   config.num_gpu_blocks [2, 1000000], block_size [1, 4096], max_num_seqs [1, 100000],
///   max_num_batched_tokens [1, 10000000] and >= max_num_seqs (and >= max_model_len without
///   chunked prefill, as vLLM's SchedulerConfig requires), max_model_len [2, 10000000],
///   long_prefill_token_threshold [0, 10000000], log_window [1, 1000000000];
///   events: step [0, 1000000000], max_tokens [1, 2147483647], token ids [0, 4294967295],
///   segment lengths [0, 10000000], a prompt of 1 .. max_model_len - 1 tokens.
/// A replay in which no request can ever be scheduled (its prompt needs more KV blocks than
/// the cache has) is an error, not an endless loop. See ReplayLimits for the size limits.
Result<std::string> replayConformanceTrace(const std::string& path, const ReplayOptions& options);

/// zlib's CRC-32 of `text` (the trace format derives token ids from it).
std::uint32_t crc32(std::string_view text);

} // namespace kvroute::sim
