#include "sim/workload/distribution.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

namespace kvroute::sim {

namespace {

constexpr double kDefaultMax = 1e18;

} // namespace

std::string formatNumber(double value)
{
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc())
        return "?";
    return std::string(buffer, end);
}

double Distribution::sample(Rng& rng) const
{
    double x = 0.0;
    switch (kind) {
    case Kind::Constant:
        x = mean;
        break;
    case Kind::Uniform:
        x = rng.uniformReal(min, max);
        break;
    case Kind::Normal:
        x = rng.normal(mean, stddev);
        break;
    case Kind::Lognormal:
        x = rng.lognormalMeanStd(mean, stddev);
        break;
    case Kind::Exponential:
        x = rng.exponentialMean(mean);
        break;
    }
    return std::clamp(x, min, max);
}

std::int64_t Distribution::sampleInt(Rng& rng) const
{
    if (kind == Kind::Uniform) {
        const double lo = std::ceil(min);
        const double hi = std::floor(max);
        if (lo <= hi)
            return rng.uniformInt(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
    }
    return static_cast<std::int64_t>(std::llround(sample(rng)));
}

std::optional<std::string> Distribution::problem() const
{
    for (const double v : {mean, stddev, min, max}) {
        if (!std::isfinite(v))
            return "every parameter must be a finite number";
    }
    // int64 rounding of a sample must stay defined.
    if (std::fabs(min) > 1e18 || std::fabs(max) > 1e18)
        return "min and max must lie within ±1e18";
    if (min > max)
        return "min (" + formatNumber(min) + ") is greater than max (" + formatNumber(max) + ")";
    if (stddev < 0.0)
        return "stddev must not be negative";
    if ((kind == Kind::Lognormal || kind == Kind::Exponential) && !(mean > 0.0))
        return std::string(toString(kind)) + " needs a positive mean";
    return std::nullopt;
}

std::string_view toString(Distribution::Kind kind)
{
    switch (kind) {
    case Distribution::Kind::Constant:
        return "constant";
    case Distribution::Kind::Uniform:
        return "uniform";
    case Distribution::Kind::Normal:
        return "normal";
    case Distribution::Kind::Lognormal:
        return "lognormal";
    case Distribution::Kind::Exponential:
        return "exponential";
    }
    return "unknown";
}

std::string toString(const Distribution& d)
{
    std::string out(toString(d.kind));
    switch (d.kind) {
    case Distribution::Kind::Constant:
        out += ' ' + formatNumber(std::clamp(d.mean, d.min, d.max));
        return out;
    case Distribution::Kind::Uniform:
        out += " [" + formatNumber(d.min) + ", " + formatNumber(d.max) + ']';
        return out;
    case Distribution::Kind::Normal:
    case Distribution::Kind::Lognormal:
        out += "(mean " + formatNumber(d.mean) + ", sd " + formatNumber(d.stddev) + ')';
        break;
    case Distribution::Kind::Exponential:
        out += "(mean " + formatNumber(d.mean) + ')';
        break;
    }
    if (d.min != 0.0 || d.max != kDefaultMax)
        out += " in [" + formatNumber(d.min) + ", " + formatNumber(d.max) + ']';
    return out;
}

} // namespace kvroute::sim
