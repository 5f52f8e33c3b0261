#pragma once
// Counts in reports read with grouped thousands: 17084 -> "17,084".

#include <cstdint>
#include <string>

namespace kvroute::sim {

[[nodiscard]] inline std::string thousands(std::int64_t v)
{
    // Through unsigned, so the most negative value has a magnitude too.
    const std::uint64_t magnitude = v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    const std::string digits = std::to_string(magnitude);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out.push_back(',');
        out.push_back(digits[i]);
    }
    return v < 0 ? "-" + out : out;
}

} // namespace kvroute::sim
