#pragma once
// An option's allowed numbers. CLI11's Range says "Value abc not in range 0 to 65535" of a value
// that is no number at all; this check tells the two cases apart, and names the allowed values
// in both. Help shows it as CLI11's Range does ("INT in [0 - 65535]").

#include <CLI/CLI.hpp>

#include <charconv>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>

namespace kvroute::cli {

/// Accepts numbers from `min` to `max`: whole numbers when the bounds are integers.
template <typename T>
CLI::Validator numberIn(T min, T max)
{
    static_assert(std::is_arithmetic_v<T>);
    using Parsed = std::conditional_t<std::is_integral_v<T>, long long, double>;
    std::ostringstream bounds;
    bounds << min << " to " << max;
    const std::string allowed = bounds.str();
    const std::string kind = std::is_integral_v<T> ? "a whole number" : "a number";
    std::ostringstream help;
    help << (std::is_floating_point_v<T> ? "FLOAT" : std::is_unsigned_v<T> ? "UINT" : "INT") << " in [" << min << " - " << max << "]";
    return CLI::Validator(
        [=](std::string& input) -> std::string {
            Parsed value{};
            const char* begin = input.data();
            const char* const end = begin + input.size();
            if (begin != end && *begin == '+')
                ++begin;
            const auto [rest, error] = std::from_chars(begin, end, value);
            if (begin == end || error == std::errc::invalid_argument || rest != end)
                return "'" + input + "' is not " + kind + "; allowed: " + allowed;
            if (error == std::errc::result_out_of_range || value < static_cast<Parsed>(min) ||
                value > static_cast<Parsed>(max))
                return input + " is out of range; allowed: " + allowed;
            return {};
        },
        help.str());
}

} // namespace kvroute::cli
