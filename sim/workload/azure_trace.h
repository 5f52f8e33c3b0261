#pragma once
// Azure LLM inference traces 2023 (Splitwise; sims.md §2.2): CSV with the header
// TIMESTAMP,ContextTokens,GeneratedTokens and wall-clock timestamps such as
// "2023-11-16 18:15:46.6805900". Lengths only, no prefix information. Read one line at a time.

#include "sim/kernel/sim_time.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kvroute::sim {

struct AzureRecord {
    std::int64_t line = 0;            ///< 1-based line in the file
    SimTime wallClock = 0;            ///< nanoseconds since 1970-01-01 00:00:00 of the timestamp
    std::int64_t contextTokens = 0;   ///< >= 1
    std::int64_t generatedTokens = 0; ///< >= 0 (a replay asks for at least 1)
};

/// The longest span from a trace's first row to any later row: 9,000,000 s (104 days). The
/// replay multiplies offsets by workload.time_scale (at most 1000), and 1000 x 9e15 ns still fits
/// the int64 nanosecond clock; published Azure traces span an hour to a week.
inline constexpr SimTime kMaxAzureSpan = 9'000'000 * kSecond;

/// "YYYY-MM-DD HH:MM:SS" with an optional fraction of up to 9 digits ("T" also accepted between
/// date and time), read as nanoseconds since 1970-01-01 00:00:00 (no time zone: only
/// differences matter). Years 1678-2261 only: the nanosecond count of any other overflows.
[[nodiscard]] std::optional<SimTime> parseAzureTimestamp(std::string_view text);

class AzureTraceReader {
public:
    /// Opens `path` and reads its header (the three columns in any order; others are ignored).
    [[nodiscard]] static Result<AzureTraceReader> open(const std::string& path);

    AzureTraceReader(AzureTraceReader&&) noexcept;
    AzureTraceReader& operator=(AzureTraceReader&&) noexcept;
    ~AzureTraceReader();

    /// The next row, nullopt at the end of the file (blank lines are skipped). An error's `where`
    /// is "path:line" and its message names the column. Rows are in time order and at most
    /// kMaxAzureSpan after the first one.
    [[nodiscard]] Result<std::optional<AzureRecord>> next();

    [[nodiscard]] const std::string& path() const noexcept;

private:
    struct Impl;
    explicit AzureTraceReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace kvroute::sim
