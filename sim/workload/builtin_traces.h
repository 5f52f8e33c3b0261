#pragma once
// Traces compiled into the binaries (resources/traces/), named in a scenario as
// `workload.path: builtin:NAME` so that a built-in scenario runs from any working directory.

#include "resources/embedded.h"

#include <optional>
#include <string>
#include <string_view>

namespace kvroute::sim {

inline constexpr std::string_view kBuiltinTracePrefix = "builtin:";

/// NAME for a path "builtin:NAME", else nullopt.
[[nodiscard]] inline std::optional<std::string_view> builtinTraceName(std::string_view path)
{
    if (!path.starts_with(kBuiltinTracePrefix))
        return std::nullopt;
    return path.substr(kBuiltinTracePrefix.size());
}

/// The contents of a built-in trace named by `path` ("builtin:NAME"), if there is one.
[[nodiscard]] inline std::optional<std::string_view> builtinTraceText(std::string_view path)
{
    const auto name = builtinTraceName(path);
    if (!name)
        return std::nullopt;
    return resources::embeddedFile("traces/" + std::string(*name));
}

/// "builtin:a.jsonl, builtin:b.jsonl" for error messages.
[[nodiscard]] inline std::string builtinTraceNames()
{
    std::string names;
    for (const auto& file : resources::embeddedFiles()) {
        if (file.path.starts_with("traces/") && !file.path.ends_with(".py"))
            names += (names.empty() ? "" : ", ") + std::string(kBuiltinTracePrefix) + std::string(file.path.substr(7));
    }
    return names;
}

} // namespace kvroute::sim
