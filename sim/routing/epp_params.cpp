#include "sim/routing/epp_params.h"

#include <charconv>
#include <cmath>

namespace kvroute::sim::routing {

std::optional<std::pair<std::string, std::string>> PluginParams::find(std::initializer_list<std::string_view> keys) const
{
    for (const std::string_view key : keys) {
        const auto it = m_plugin.parameters.find(std::string(key));
        if (it != m_plugin.parameters.end())
            return std::pair{it->first, it->second};
    }
    return std::nullopt;
}

std::unexpected<Error> PluginParams::bad(const std::string& key, const std::string& value,
                                          std::string_view expected) const
{
    return fail("parameter '" + key + "' of plugin '" + m_plugin.name + "' (" + m_plugin.type + ") must be " +
                    std::string(expected) + ", got '" + value + "'",
                key);
}

Result<std::int64_t> PluginParams::integer(std::initializer_list<std::string_view> keys, std::int64_t fallback,
                                           std::int64_t min, std::int64_t max) const
{
    const auto found = find(keys);
    if (!found)
        return fallback;
    const auto& [key, text] = *found;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
        return bad(key, text, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return value;
}

Result<std::string> PluginParams::string(std::initializer_list<std::string_view> keys, std::string fallback) const
{
    const auto found = find(keys);
    return found ? found->second : fallback;
}

Result<std::string> PluginParams::choice(std::initializer_list<std::string_view> keys, std::string fallback,
                                         std::initializer_list<std::string_view> allowed) const
{
    const auto found = find(keys);
    if (!found)
        return fallback;
    for (const std::string_view a : allowed) {
        if (found->second == a)
            return found->second;
    }
    std::string list;
    for (const std::string_view a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
    return bad(found->first, found->second, "one of: " + list);
}

Result<SimTime> PluginParams::duration(std::initializer_list<std::string_view> keys, SimTime fallback) const
{
    const auto found = find(keys);
    if (!found)
        return fallback;
    const auto parsed = parseGoDuration(found->second);
    if (!parsed || *parsed <= 0)
        return bad(found->first, found->second, "a positive duration such as \"30s\", \"2m\" or \"1h\"");
    return *parsed;
}

std::optional<SimTime> parseGoDuration(std::string_view text)
{
    if (text == "0")
        return 0;
    if (text.empty())
        return std::nullopt;
    double total = 0.0;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.'))
            ++i;
        if (i == start)
            return std::nullopt;
        double number = 0.0;
        const auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, number);
        if (ec != std::errc{} || end != text.data() + i)
            return std::nullopt;
        const std::size_t unitStart = i;
        while (i < text.size() && !((text[i] >= '0' && text[i] <= '9') || text[i] == '.'))
            ++i;
        const std::string_view unit = text.substr(unitStart, i - unitStart);
        double nanos = 0.0;
        if (unit == "ns")
            nanos = 1.0;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
            nanos = 1e3;
        else if (unit == "ms")
            nanos = 1e6;
        else if (unit == "s")
            nanos = 1e9;
        else if (unit == "m")
            nanos = 60e9;
        else if (unit == "h")
            nanos = 3600e9;
        else
            return std::nullopt;
        total += number * nanos;
    }
    if (!std::isfinite(total) || total > 9.2e18)
        return std::nullopt;
    return static_cast<SimTime>(std::llround(total));
}

} // namespace kvroute::sim::routing
