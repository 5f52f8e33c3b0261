#pragma once
// Numbers on the command line, read as a user means them. CLI11 on its own reads "010" as octal
// 8, takes "" as the default, lets "nan" through every range, and says "Value abc not in range
// 0 to 65535" of a value that is no number at all. numberIn() checks an option's range and
// tells those cases apart; checkNumbersStrictly() gives every other numeric option the same
// reading (decimal, finite, not empty).

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace kvroute::cli {

namespace detail {

/// Reads `input` as a decimal number of the kind of T into `value`; an error text if it is none.
/// A whole number is rewritten in plain decimal (no sign, no leading zero), which CLI11 then
/// converts as written.
template <typename T, typename Parsed>
std::string readNumber(std::string& input, Parsed& value)
{
    const char* begin = input.data();
    const char* const end = begin + input.size();
    if (begin != end && *begin == '+')
        ++begin;
    const auto [rest, error] = std::from_chars(begin, end, value);
    const bool number = begin != end && error != std::errc::invalid_argument && rest == end;
    if (!number || (std::is_floating_point_v<Parsed> && error == std::errc{} && !std::isfinite(static_cast<double>(value))))
        return "'" + input + "' is not " + (std::is_integral_v<T> ? "a whole number" : "a number");
    if (error == std::errc::result_out_of_range)
        return input + " is out of range";
    if constexpr (std::is_integral_v<Parsed>)
        input = std::to_string(value);
    return {};
}

} // namespace detail

/// Accepts numbers from `min` to `max`: whole numbers when the bounds are integers. Shown in the
/// help as CLI11's Range is ("INT in [0 - 65535]"). Add it with transform(), not check(): a check
/// only reads a copy, so "010" would still reach CLI11's conversion, which reads it as octal.
/// `unit` ("seconds"), when given, follows the bounds in messages.
template <typename T>
CLI::Validator numberIn(T min, T max, std::string_view unit = {})
{
    static_assert(std::is_arithmetic_v<T>);
    using Parsed = std::conditional_t<std::is_integral_v<T>, long long, double>;
    std::ostringstream bounds;
    bounds << min << " to " << max;
    if (!unit.empty())
        bounds << ' ' << unit;
    const std::string allowed = bounds.str();
    std::ostringstream help;
    help << (std::is_floating_point_v<T> ? "FLOAT" : std::is_unsigned_v<T> ? "UINT" : "INT") << " in [" << min << " - "
         << max << "]";
    return CLI::Validator(
        [=](std::string& input) -> std::string {
            Parsed value{};
            const std::string error = detail::readNumber<T>(input, value);
            if (!error.empty())
                return error + "; allowed: " + allowed;
            if (value < static_cast<Parsed>(min) || value > static_cast<Parsed>(max))
                return input + " is out of range; allowed: " + allowed;
            return {};
        },
        help.str(), "number in range");
}

/// Every option of `app` and its subcommands that takes numbers (type INT, UINT or FLOAT) and
/// has no numberIn() check reads them decimal, finite and not empty. Call once all are added.
inline void checkNumbersStrictly(CLI::App& app)
{
    for (CLI::Option* option : app.get_options()) {
        const std::string type = option->get_type_name();
        const std::string kind = type.substr(0, type.find(':'));
        if (type.find(" in [") != std::string::npos)
            continue; // numberIn() reads it, naming the range too
        if (kind == "INT" || kind == "UINT") {
            const bool unsignedOnly = kind == "UINT";
            option->transform(CLI::Validator(
                [unsignedOnly](std::string& input) {
                    long long value = 0;
                    std::string error = detail::readNumber<long long>(input, value);
                    if (error.empty() && unsignedOnly && value < 0)
                        error = input + " is out of range; allowed: 0 or more";
                    return error;
                },
                "", "whole number"));
        } else if (kind == "FLOAT") {
            option->transform(CLI::Validator(
                [](std::string& input) {
                    double value = 0;
                    return detail::readNumber<double>(input, value);
                },
                "", "number"));
        }
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
        checkNumbersStrictly(*sub);
}

} // namespace kvroute::cli
