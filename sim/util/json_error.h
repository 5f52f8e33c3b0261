#pragma once
// nlohmann/json's exception texts start with "[json.exception.parse_error.101] parse error at
// line 1, column 2: "; users need the part after the library's tag. Header-only and free of
// nlohmann/json itself, so it stays out of hot compile paths.

#include <string>
#include <string_view>

namespace kvroute {

/// `what` without the leading "[json.exception.NAME.ID] " tag.
[[nodiscard]] inline std::string jsonErrorText(std::string_view what)
{
    if (what.starts_with("[json.exception.")) {
        const auto close = what.find("] ");
        if (close != std::string_view::npos)
            what.remove_prefix(close + 2);
    }
    return std::string(what);
}

} // namespace kvroute
