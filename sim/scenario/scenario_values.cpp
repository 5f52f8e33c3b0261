#include "sim/scenario/scenario_values.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <system_error>

namespace kvroute::sim::scenario_values {

namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ")
{
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty())
            out += separator;
        out += item;
    }
    return out;
}

std::string rangeText(std::optional<double> min, std::optional<double> max, bool minExclusive)
{
    if (min && max)
        return "in " + std::string(minExclusive ? "(" : "[") + formatNumber(*min) + ", " + formatNumber(*max) + "]";
    if (min)
        return (minExclusive ? "> " : ">= ") + formatNumber(*min);
    if (max)
        return "<= " + formatNumber(*max);
    return {};
}

bool inRange(double value, std::optional<double> min, std::optional<double> max, bool minExclusive)
{
    if (!std::isfinite(value))
        return false;
    if (min && (minExclusive ? value <= *min : value < *min))
        return false;
    return !(max && value > *max);
}

std::string quotePath(std::string_view path)
{
    return "'" + std::string(path) + "'";
}

// Words a YAML 1.1 or 1.2 reader may take for null or a boolean.
bool isReservedWord(std::string_view text)
{
    static constexpr std::array<std::string_view, 22> kWords{
        "null", "Null", "NULL", "~",   "true", "True", "TRUE", "false", "False", "FALSE", "yes",
        "Yes",  "YES",  "no",   "No",  "NO",   "on",   "On",   "ON",    "off",   "Off",   "OFF"};
    return std::ranges::find(kWords, text) != kWords.end();
}

bool readsAsNumber(std::string_view text)
{
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size();
}

// Optimal string alignment distance, case-insensitive: a swapped pair of letters ("nmae")
// counts as one edit, like a missing or extra one.
std::size_t editDistance(std::string_view a, std::string_view b)
{
    const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * width);
    const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
    for (std::size_t i = 0; i <= a.size(); ++i)
        at(i, 0) = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        at(0, j) = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(a.size(), b.size());
}

std::string pluginText(const EppPluginConfig& plugin)
{
    std::string out = "{type: " + scalarText(plugin.type) + ", name: " + scalarText(plugin.name) +
                      ", weight: " + formatNumber(plugin.weight);
    if (!plugin.parameters.empty()) {
        out += ", parameters: {";
        bool first = true;
        for (const auto& [key, value] : plugin.parameters) {
            out += (first ? "" : ", ") + scalarText(key) + ": " + parameterText(value);
            first = false;
        }
        out += "}";
    }
    return out + "}";
}

} // namespace

std::string formatNumber(double value)
{
    std::array<char, 64> buffer{};
    // Integral values print as integers ("1000000", not "1e+06"); both read back exactly.
    if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) <= 9007199254740992.0) { // 2^53
        const auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                             static_cast<std::int64_t>(value));
        return std::string(buffer.data(), ptr);
    }
    const auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), ptr);
}

std::string yamlQuoted(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                std::array<char, 8> escape{};
                std::snprintf(escape.data(), escape.size(), "\\x%02x", static_cast<unsigned>(c));
                out += escape.data();
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string scalarText(std::string_view text)
{
    if (text.empty() || isReservedWord(text) || text.front() == ' ' || text.back() == ' ' || text.back() == ':')
        return yamlQuoted(text);
    // Leading characters that start another YAML construct, or a number ("42", "-1", ".5").
    static constexpr std::string_view kBadFirst = "-?:,[]{}#&*!|>'\"%@`+.0123456789";
    if (kBadFirst.find(text.front()) != std::string_view::npos)
        return yamlQuoted(text);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f || std::string_view(",[]{}").find(text[i]) != std::string_view::npos)
            return yamlQuoted(text);
        const bool colonSpace = text[i] == ':' && i + 1 < text.size() && text[i + 1] == ' ';
        const bool spaceHash = text[i] == '#' && i > 0 && text[i - 1] == ' ';
        if (colonSpace || spaceHash)
            return yamlQuoted(text);
    }
    return std::string(text);
}

std::string parameterText(std::string_view text)
{
    if (readsAsNumber(text) && !text.empty() && text.front() != '+' && text.front() != '.')
        return std::string(text);
    if (text == "true" || text == "false")
        return std::string(text);
    return scalarText(text);
}

std::string stageText(const SharedPrefixConfig::Stage& stage)
{
    return "{rate: " + formatNumber(stage.rate) + ", duration: " + formatNumber(stage.durationSeconds) + "}";
}

std::string flowText(const FieldSpec& field, const FieldValue& value)
{
    switch (field.type) {
    case FieldType::Int:
        return std::to_string(std::get<std::int64_t>(value));
    case FieldType::Double:
    case FieldType::Seconds:
        return formatNumber(std::get<double>(value));
    case FieldType::Bool:
        return std::get<bool>(value) ? "true" : "false";
    case FieldType::String:
    case FieldType::Enum:
        return scalarText(std::get<std::string>(value));
    case FieldType::OptionalInt: {
        const auto& v = std::get<std::optional<std::int64_t>>(value);
        return v ? std::to_string(*v) : "null";
    }
    case FieldType::OptionalString: {
        const auto& v = std::get<std::optional<std::string>>(value);
        return v ? scalarText(*v) : "null";
    }
    case FieldType::StageList: {
        std::vector<std::string> items;
        for (const auto& stage : std::get<StageList>(value))
            items.push_back(stageText(stage));
        return "[" + join(items) + "]";
    }
    case FieldType::PluginList: {
        std::vector<std::string> items;
        for (const auto& plugin : std::get<PluginList>(value))
            items.push_back(pluginText(plugin));
        return "[" + join(items) + "]";
    }
    }
    return {};
}

std::string outOfRange(const FieldSpec& field, const std::string& text)
{
    return quotePath(field.path) + " must be " + rangeText(field.min, field.max, field.minExclusive) + ", got " + text;
}

std::string expectation(const FieldSpec& field)
{
    const std::string head = quotePath(field.path) + " must be ";
    const std::string range = rangeText(field.min, field.max, field.minExclusive);
    const std::string allowed = field.allowed.empty() ? std::string() : "one of " + join(field.allowed);
    const std::string detail = !allowed.empty() ? allowed : range;
    const std::string suffix = detail.empty() ? std::string() : " (" + detail + ")";
    switch (field.type) {
    case FieldType::Int:
        return head + "an integer" + suffix;
    case FieldType::Double:
        return head + "a number" + suffix;
    case FieldType::Seconds:
        return head + "a number of seconds" + suffix;
    case FieldType::Bool:
        return head + "true or false";
    case FieldType::String:
        return head + "a string";
    case FieldType::Enum:
        return head + allowed;
    case FieldType::OptionalInt:
        return head + "an integer" + suffix + " or null";
    case FieldType::OptionalString:
        return head + "a string or null";
    case FieldType::StageList:
        return head + "a list of {rate, duration} maps or [rate, duration] pairs";
    case FieldType::PluginList:
        return head + "a list of {type, name, weight, parameters} maps";
    }
    return head + "valid";
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates)
{
    const std::size_t limit = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
    std::optional<std::string> best;
    std::size_t bestDistance = limit + 1;
    for (const std::string& candidate : candidates) {
        const std::size_t distance = editDistance(word, candidate);
        if (distance < bestDistance && distance < candidate.size()) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

std::optional<std::string> checkValue(const FieldSpec& field, const FieldValue& value)
{
    const std::string range = rangeText(field.min, field.max, field.minExclusive);
    switch (field.type) {
    case FieldType::Int:
    case FieldType::OptionalInt: {
        std::optional<std::int64_t> v;
        if (field.type == FieldType::Int)
            v = std::get<std::int64_t>(value);
        else
            v = std::get<std::optional<std::int64_t>>(value);
        if (!v)
            return std::nullopt;
        const std::string text = std::to_string(*v);
        if (!field.allowed.empty()) {
            if (std::ranges::find(field.allowed, text) == field.allowed.end())
                return quotePath(field.path) + " must be one of " + join(field.allowed) + ", got " + text;
        } else if (!inRange(static_cast<double>(*v), field.min, field.max, field.minExclusive)) {
            return quotePath(field.path) + " must be " + range + ", got " + text;
        }
        return std::nullopt;
    }
    case FieldType::Double:
    case FieldType::Seconds: {
        const double v = std::get<double>(value);
        // Durations name their unit: "-1" alone does not say seconds were meant.
        if (!inRange(v, field.min, field.max, field.minExclusive))
            return quotePath(field.path) + " must be " + range + (field.unit == "s" ? " seconds" : "") + ", got " +
                   formatNumber(v);
        return std::nullopt;
    }
    case FieldType::Enum: {
        const auto& v = std::get<std::string>(value);
        if (std::ranges::find(field.allowed, v) != field.allowed.end())
            return std::nullopt;
        std::string message = quotePath(field.path) + " must be one of " + join(field.allowed) + ", got " + yamlQuoted(v);
        if (const auto suggestion = closest(v, field.allowed))
            message += "; did you mean '" + *suggestion + "'?";
        return message;
    }
    case FieldType::StageList: {
        const auto& stages = std::get<StageList>(value);
        for (std::size_t i = 0; i < stages.size(); ++i) {
            const std::string item = field.path + "[" + std::to_string(i) + "]";
            // A rate of 0 would be a stage that never ends its first arrival; a pause is stage_gap.
            if (!inRange(stages[i].rate, 0.0, kMaxStageRate, true))
                return quotePath(item + ".rate") + " must be " + rangeText(0.0, kMaxStageRate, true) + ", got " +
                       formatNumber(stages[i].rate);
            if (!inRange(stages[i].durationSeconds, 0.0, kMaxStageDuration, true))
                return quotePath(item + ".duration") + " must be " + rangeText(0.0, kMaxStageDuration, true) +
                       " seconds, got " + formatNumber(stages[i].durationSeconds);
        }
        return std::nullopt;
    }
    case FieldType::PluginList: {
        const auto& plugins = std::get<PluginList>(value);
        for (std::size_t i = 0; i < plugins.size(); ++i) {
            const std::string item = field.path + "[" + std::to_string(i) + "]";
            if (plugins[i].type.empty())
                return quotePath(item + ".type") + " must be a non-empty string";
            if (!inRange(plugins[i].weight, 0.0, kMaxPluginWeight, false))
                return quotePath(item + ".weight") + " must be " + rangeText(0.0, kMaxPluginWeight, false) +
                       ", got " + formatNumber(plugins[i].weight);
        }
        return std::nullopt;
    }
    case FieldType::Bool:
    case FieldType::String:
    case FieldType::OptionalString:
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace kvroute::sim::scenario_values

namespace kvroute::sim {

std::string allowedText(const FieldSpec& field)
{
    using scenario_values::join;
    using scenario_values::rangeText;
    const std::string range = rangeText(field.min, field.max, field.minExclusive);
    if (!field.allowed.empty())
        return "one of " + join(field.allowed);
    switch (field.type) {
    case FieldType::Int:
    case FieldType::Double:
    case FieldType::Seconds:
        return range;
    case FieldType::OptionalInt:
        return "null or " + range;
    case FieldType::Bool:
        return "true, false";
    case FieldType::OptionalString:
        return "null or a string";
    case FieldType::StageList:
        return "rate " + rangeText(0.0, scenario_values::kMaxStageRate, true) + ", duration " +
               rangeText(0.0, scenario_values::kMaxStageDuration, true);
    case FieldType::PluginList:
        return "type (required), name, weight " + rangeText(0.0, scenario_values::kMaxPluginWeight, false) +
               ", parameters";
    case FieldType::String:
    case FieldType::Enum:
        break;
    }
    return {};
}

} // namespace kvroute::sim
