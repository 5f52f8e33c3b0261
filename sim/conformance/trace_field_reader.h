#pragma once
// Reads a conformance trace's JSON objects like a scenario map (trace_replay.cpp's input side):
// unknown keys are errors, every value is checked for its type and range, and messages name the
// field ("config.block_size") and what is allowed. Included only by trace_replay.cpp.

#include "sim/engine/engine_types.h"
#include "sim/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::sim::conformance {

using nlohmann::json;

constexpr std::int64_t kInt32Max = 2147483647;
constexpr std::int64_t kTokenIdMax = 4294967295;
constexpr std::int64_t kMaxTokensPerSide = 10'000'000; // max_model_len, budgets, segment lengths

class FieldReader {
public:
    FieldReader(const json& object, std::string prefix, std::string where)
        : m_object(object), m_prefix(std::move(prefix)), m_where(std::move(where))
    {
    }

    Result<void> onlyKeys(std::initializer_list<std::string_view> allowed) const
    {
        for (const auto& item : m_object.items()) {
            if (std::ranges::find(allowed, std::string_view(item.key())) == allowed.end()) {
                std::string list;
                for (const auto key : allowed)
                    list += (list.empty() ? "" : ", ") + std::string(key);
                return fail("unknown field " + name(item.key()) + "; allowed: " + list, m_where);
            }
        }
        return {};
    }

    [[nodiscard]] bool has(std::string_view key) const { return m_object.contains(key); }

    Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                 std::optional<std::int64_t> fallback = std::nullopt) const
    {
        const auto range = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
        const auto it = m_object.find(key);
        if (it == m_object.end()) {
            if (fallback)
                return *fallback;
            return fail("missing field " + name(key) + " (" + range + ")", m_where);
        }
        return integerValue(*it, name(key), min, max, m_where);
    }

    static Result<std::int64_t> integerValue(const json& value, const std::string& field, std::int64_t min,
                                             std::int64_t max, const std::string& where)
    {
        const auto range = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
        // Floats (1e12, 2.0) are refused like in scenario files; huge unsigned values are
        // compared before any conversion.
        const bool tooLarge = value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
        if (!value.is_number_integer() || tooLarge || value.get<std::int64_t>() < min ||
            value.get<std::int64_t>() > max)
            return fail(field + " must be " + range + ", got " + value.dump(), where);
        return value.get<std::int64_t>();
    }

    Result<bool> boolean(std::string_view key, bool fallback) const
    {
        const auto it = m_object.find(key);
        if (it == m_object.end())
            return fallback;
        if (!it->is_boolean())
            return fail(name(key) + " must be true or false, got " + it->dump(), m_where);
        return it->get<bool>();
    }

    Result<std::string> string(std::string_view key, std::optional<std::string> fallback,
                               std::string_view allowed = {}) const
    {
        const auto it = m_object.find(key);
        if (it == m_object.end()) {
            if (fallback)
                return *fallback;
            return fail("missing field " + name(key) + " (a non-empty string)", m_where);
        }
        if (!it->is_string() || it->get_ref<const std::string&>().empty())
            return fail(name(key) + " must be a non-empty string" +
                            (allowed.empty() ? std::string() : " (" + std::string(allowed) + ")") + ", got " +
                            it->dump(),
                        m_where);
        return it->get<std::string>();
    }

    Result<TokenVector> tokens(std::string_view key, std::int64_t maxCount) const
    {
        const auto it = m_object.find(key);
        if (!it->is_array())
            return fail(name(key) + " must be a list of token ids (integers in [0, " + std::to_string(kTokenIdMax) +
                            "]), got " + shortDump(*it),
                        m_where);
        if (static_cast<std::int64_t>(it->size()) > maxCount)
            return fail(name(key) + " holds " + std::to_string(it->size()) + " tokens; at most " +
                            std::to_string(maxCount) + " are allowed",
                        m_where);
        TokenVector out;
        out.reserve(it->size());
        for (std::size_t i = 0; i < it->size(); ++i) {
            auto v = integerValue((*it)[i], "\"" + m_prefix + std::string(key) + "[" + std::to_string(i) + "]\"", 0,
                                  kTokenIdMax, m_where);
            if (!v)
                return std::unexpected(v.error());
            out.push_back(static_cast<TokenId>(*v));
        }
        return out;
    }

    [[nodiscard]] std::string name(std::string_view key) const { return "\"" + m_prefix + std::string(key) + "\""; }
    [[nodiscard]] const std::string& where() const { return m_where; }

    static std::string shortDump(const json& value)
    {
        std::string text = value.dump();
        if (text.size() > 60)
            text = text.substr(0, 57) + "...";
        return text;
    }

private:
    const json& m_object;
    std::string m_prefix;
    std::string m_where;
};

} // namespace kvroute::sim::conformance
