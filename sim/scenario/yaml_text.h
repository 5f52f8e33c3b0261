#pragma once
// How YAML reads a quoted scalar inside a flow value (YAML 1.2 §7.3), for the scans that look
// at a `--set` / `--param` value before yaml-cpp does: a double-quoted scalar takes backslash
// escapes, a single-quoted one a doubled '' for the quote itself.

#include <cstddef>
#include <string_view>

namespace kvroute::sim {

/// The index of the quote that closes the quoted scalar opening at `open` (text[open] is ' or
/// "), or npos when it never closes.
[[nodiscard]] constexpr std::size_t yamlQuotedScalarEnd(std::string_view text, std::size_t open)
{
    const char quote = text[open];
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\')
            ++i; // the escaped character, a quote included
        else if (quote == '\'' && text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'')
            ++i; // '' is a quote inside the scalar
        else if (text[i] == quote)
            return i;
    }
    return std::string_view::npos;
}

static_assert(yamlQuotedScalarEnd(R"("a\"b" c)", 0) == 5);
static_assert(yamlQuotedScalarEnd("'it''s' x", 0) == 6);
static_assert(yamlQuotedScalarEnd("'a\\' b", 0) == 3);
static_assert(yamlQuotedScalarEnd("\"open", 0) == std::string_view::npos);

} // namespace kvroute::sim
