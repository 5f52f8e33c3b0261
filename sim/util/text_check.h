#pragma once
// Input files are text: a NUL byte or broken UTF-8 means a binary or mis-encoded file, which a
// YAML parser would otherwise echo into its error messages as raw bytes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kvroute {

/// "line:column: ..." of the first byte that is not text (NUL, a control character other than
/// tab/newline/return, or invalid UTF-8); nullopt for clean text.
[[nodiscard]] inline std::optional<std::string> nonTextProblem(std::string_view text)
{
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const auto where = [&] { return std::to_string(line) + ":" + std::to_string(column) + ": "; };
        if (byte == '\n') {
            ++line;
            column = 1;
            ++i;
            continue;
        }
        if (byte < 0x20 && byte != '\t' && byte != '\r') {
            char hex[8];
            static constexpr char digits[] = "0123456789abcdef";
            hex[0] = '0', hex[1] = 'x', hex[2] = digits[byte >> 4], hex[3] = digits[byte & 15], hex[4] = '\0';
            return where() + "byte " + hex + " is not text; is this a binary file?";
        }
        std::size_t length = 1;
        if (byte >= 0x80) {
            length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 0;
            bool valid = length != 0 && i + length <= text.size();
            for (std::size_t k = 1; valid && k < length; ++k)
                valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
            if (!valid)
                return where() + "invalid UTF-8; save the file as UTF-8 text";
        }
        i += length;
        ++column;
    }
    return std::nullopt;
}

} // namespace kvroute
