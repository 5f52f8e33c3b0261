#pragma once
// Replays a step-level conformance trace (../shared/conformance/README.md) through one Engine
// and produces the result JSON that compare.py diffs against vLLM v0.10.0's own outputs.

#include "sim/util/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kvroute::sim {

struct ReplayOptions {
    /// PYTHONHASHSEED as the environment gives it (unset = nullopt).
    std::optional<std::string> pythonHashSeed;
    /// NONE_HASH for traces recorded with a random one (builtin hash, PYTHONHASHSEED unset).
    std::optional<std::uint64_t> noneHash;
};

/// Reads the JSONL trace at `path`, replays it and returns the result JSON text.
/// Errors name the file and line.
Result<std::string> replayConformanceTrace(const std::string& path, const ReplayOptions& options);

/// zlib's CRC-32 of `text` (the trace format derives token ids from it).
std::uint32_t crc32(std::string_view text);

} // namespace kvroute::sim
