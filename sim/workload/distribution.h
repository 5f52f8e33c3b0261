#pragma once
// A length or duration distribution as scenario files describe it, sampled with our own RNG.

#include "sim/kernel/rng.h"

#include <cstdint>
#include <string_view>

namespace kvroute::sim {

struct Distribution {
    enum class Kind : std::uint8_t { Constant, Uniform, Normal, Lognormal, Exponential };
    Kind kind = Kind::Constant;
    double mean = 0.0;   ///< Constant: the value; Uniform: ignored; others: the mean
    double stddev = 0.0; ///< Normal and Lognormal
    double min = 0.0;    ///< samples are clamped to [min, max]; Uniform draws from [min, max]
    double max = 1e18;

    [[nodiscard]] double sample(Rng& rng) const;
    /// Rounded to the nearest integer after clamping.
    [[nodiscard]] std::int64_t sampleInt(Rng& rng) const;

    static Distribution constant(double value) { return {Kind::Constant, value, 0.0, value, value}; }
};

[[nodiscard]] std::string_view toString(Distribution::Kind kind);

} // namespace kvroute::sim
