#pragma once
// A length or duration distribution as scenario files describe it, sampled with our own RNG.

#include "sim/kernel/rng.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvroute::sim {

struct Distribution {
    enum class Kind : std::uint8_t { Constant, Uniform, Normal, Lognormal, Exponential };
    Kind kind = Kind::Constant;
    double mean = 0.0;   ///< Constant: the value; Uniform: ignored; others: the mean
    double stddev = 0.0; ///< Normal and Lognormal
    double min = 0.0;    ///< samples are clamped to [min, max]; Uniform draws from [min, max]
    double max = 1e18;

    /// Constant: mean; Uniform: uniformReal(min, max); Normal: Rng::normal; Lognormal:
    /// Rng::lognormalMeanStd (mean and stddev of the variate itself); Exponential:
    /// Rng::exponentialMean. The result is clamped to [min, max] (so the mean of a clamped
    /// distribution differs from `mean` when the bounds cut into it).
    [[nodiscard]] double sample(Rng& rng) const;
    /// Rounded to the nearest integer after clamping. Uniform is the exception: an integer drawn
    /// uniformly from [ceil(min), floor(max)] (so "2 to 8 turns" gives each count 1/7), unless
    /// that range is empty.
    [[nodiscard]] std::int64_t sampleInt(Rng& rng) const;

    /// Why the parameters cannot be sampled (min > max, a non-positive mean for Lognormal or
    /// Exponential, a negative stddev, a non-finite value...), or nullopt if they can.
    [[nodiscard]] std::optional<std::string> problem() const;

    static Distribution constant(double value) { return {Kind::Constant, value, 0.0, value, value}; }
    static Distribution uniform(double lo, double hi) { return {Kind::Uniform, 0.0, 0.0, lo, hi}; }
    static Distribution exponential(double mean, double lo = 0.0, double hi = 1e18)
    {
        return {Kind::Exponential, mean, 0.0, lo, hi};
    }
};

[[nodiscard]] std::string_view toString(Distribution::Kind kind);
/// For reports, e.g. "lognormal(mean 120, sd 80) in [8, 2000]" or "constant 400".
[[nodiscard]] std::string toString(const Distribution& distribution);
/// The shortest text that reads back as `value` ("0.5", "15", "1e+18"), for reports.
[[nodiscard]] std::string formatNumber(double value);

} // namespace kvroute::sim
