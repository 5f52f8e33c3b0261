#pragma once
// Simulated time is an integer count of nanoseconds. Integer time keeps event ordering exact and
// identical on every platform; a double clock would make "same time" depend on rounding history.

#include <cmath>
#include <cstdint>

#include "sim/util/check.h"

namespace kvroute::sim {

using SimTime = std::int64_t;

inline constexpr SimTime kNanosecond = 1;
inline constexpr SimTime kMicrosecond = 1'000 * kNanosecond;
inline constexpr SimTime kMillisecond = 1'000 * kMicrosecond;
inline constexpr SimTime kSecond = 1'000 * kMillisecond;

/// For reporting only; never feed the result back into the clock.
[[nodiscard]] constexpr double toSeconds(SimTime t) noexcept
{
    return static_cast<double>(t) / static_cast<double>(kSecond);
}

namespace detail {
/// Rounds a nanosecond count given as double to the nearest integer (halfway away from zero).
[[nodiscard]] inline SimTime roundNanos(double ns)
{
    // int64 holds about ±9.22e18 ns (~292 years); beyond that llround's result is unspecified.
    KVROUTE_CHECK(std::isfinite(ns) && std::fabs(ns) < 9.2e18, "time out of SimTime range");
    return static_cast<SimTime>(std::llround(ns));
}
} // namespace detail

[[nodiscard]] inline SimTime fromSeconds(double seconds)
{
    return detail::roundNanos(seconds * 1e9);
}

[[nodiscard]] inline SimTime fromMillis(double millis)
{
    return detail::roundNanos(millis * 1e6);
}

} // namespace kvroute::sim
