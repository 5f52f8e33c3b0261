#include "sim/metrics/latency_summary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace kvroute::sim {

namespace {
constexpr int kSubBits = LogHistogram::kSubBits;
constexpr std::int64_t kLinear = LogHistogram::kLinear;
constexpr std::size_t kBuckets = LogHistogram::kBuckets;

/// Midpoint of a bucket in nanoseconds.
double bucketMidpoint(std::size_t index)
{
    if (index < static_cast<std::size_t>(kLinear))
        return static_cast<double>(index);
    const std::size_t rest = index - static_cast<std::size_t>(kLinear);
    const int shift = static_cast<int>(rest >> kSubBits) + 1;
    const auto sub = static_cast<std::int64_t>(rest & ((1U << kSubBits) - 1));
    const std::int64_t low = ((std::int64_t{1} << kSubBits) + sub) << shift;
    return static_cast<double>(low) + static_cast<double>(std::int64_t{1} << shift) / 2.0;
}
} // namespace

double percentile(std::vector<double> samples, double q)
{
    if (samples.empty())
        return 0.0;
    std::ranges::sort(samples);
    const double pos = q * static_cast<double>(samples.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, samples.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return samples[lo] + (samples[hi] - samples[lo]) * frac;
}

LatencySummary summarize(std::vector<double> samples)
{
    LatencySummary s;
    if (samples.empty())
        return s;
    std::ranges::sort(samples);
    s.count = static_cast<std::int64_t>(samples.size());
    s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
    const auto at = [&](double q) {
        const double pos = q * static_cast<double>(samples.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const auto hi = std::min(lo + 1, samples.size() - 1);
        return samples[lo] + (samples[hi] - samples[lo]) * (pos - static_cast<double>(lo));
    };
    s.p50 = at(0.50);
    s.p90 = at(0.90);
    s.p99 = at(0.99);
    return s;
}

LogHistogram::LogHistogram() : m_buckets(kBuckets, 0) {}

double LogHistogram::quantile(double q) const
{
    if (m_count == 0)
        return 0.0;
    const auto target = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(q * static_cast<double>(m_count))));
    std::int64_t seen = 0;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= target)
            return bucketMidpoint(i) * 1e-9;
    }
    return bucketMidpoint(m_buckets.size() - 1) * 1e-9;
}

LatencySummary LogHistogram::summary() const
{
    return LatencySummary{m_count, mean(), quantile(0.50), quantile(0.90), quantile(0.99)};
}

} // namespace kvroute::sim
