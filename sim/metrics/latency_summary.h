#pragma once
// Latency statistics: exact percentiles over stored samples, and a log-bucket histogram for
// streams too long to store (inter-token gaps: one per generated token).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kvroute::sim {

struct LatencySummary {
    std::int64_t count = 0;
    double mean = 0.0; ///< seconds
    double p50 = 0.0;
    double p90 = 0.0;
    double p99 = 0.0;
};

/// Percentile by linear interpolation between closest ranks (numpy's default), on a copy.
[[nodiscard]] double percentile(std::vector<double> samples, double q);
/// count/mean/p50/p90/p99 of `samples` (seconds); all zero when empty.
[[nodiscard]] LatencySummary summarize(std::vector<double> samples);

/// A log-linear histogram of nanosecond durations (HdrHistogram's layout): exact below 256 ns,
/// then 128 buckets per power of two, so every bucket is under 0.8% wide; percentiles are read at
/// bucket midpoints (error below 0.4%), the mean is exact. Integer arithmetic only, so it is
/// cheap enough for one sample per generated token and identical on every machine, and the
/// result does not depend on the order of the samples (pods may report theirs out of order).
class LogHistogram {
public:
    LogHistogram();
    /// Inline: one call per generated token.
    void add(std::int64_t nanoseconds) { add(nanoseconds, 1); }
    /// `count` samples of one value.
    void add(std::int64_t nanoseconds, std::int64_t count)
    {
        m_count += count;
        m_sumNanoseconds += nanoseconds * count;
        m_buckets[bucketOf(nanoseconds)] += count;
    }
    [[nodiscard]] std::int64_t count() const { return m_count; }
    [[nodiscard]] double mean() const
    {
        return m_count ? static_cast<double>(m_sumNanoseconds) * 1e-9 / static_cast<double>(m_count) : 0.0;
    }
    [[nodiscard]] double quantile(double q) const;
    [[nodiscard]] LatencySummary summary() const;

    static constexpr int kSubBits = 7;                     ///< 128 sub-buckets per power of two
    static constexpr std::int64_t kLinear = 2 << kSubBits; ///< values below 256 ns get their own bucket
    static constexpr std::size_t kBuckets = kLinear + (63 - kSubBits) * (1 << kSubBits);

    [[nodiscard]] static std::size_t bucketOf(std::int64_t v)
    {
        if (v < kLinear)
            return static_cast<std::size_t>(std::max<std::int64_t>(v, 0));
        const int msb = 63 - std::countl_zero(static_cast<std::uint64_t>(v));
        const int shift = msb - kSubBits;
        const auto sub = static_cast<std::size_t>((v >> shift) & ((1 << kSubBits) - 1));
        return static_cast<std::size_t>(kLinear) + static_cast<std::size_t>(msb - kSubBits - 1) * (1U << kSubBits) + sub;
    }

private:
    std::vector<std::int64_t> m_buckets;
    std::int64_t m_count = 0;
    std::int64_t m_sumNanoseconds = 0; ///< 292 years of gaps before it overflows
};

} // namespace kvroute::sim
