#pragma once
// Typed reads of a plugin's flattened `parameters` (EppPluginConfig: "a.b" -> scalar text).
// Unknown keys are refused before these reads (epp_plugin_factory.cpp, per plugin type; Go's
// json.Unmarshal would drop them silently); a known key with a bad value is an error naming the
// key (Error::where = the key, so the YAML loader can point at its line).

#include "sim/kernel/sim_time.h"
#include "sim/routing/routing_config.h"
#include "sim/util/result.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kvroute::sim::routing {

class PluginParams {
public:
    explicit PluginParams(const EppPluginConfig& plugin) : m_plugin(plugin) {}

    /// The first of `keys` that is present (alternative places configs put a parameter).
    [[nodiscard]] std::optional<std::pair<std::string, std::string>> find(std::initializer_list<std::string_view> keys) const;

    [[nodiscard]] Result<std::int64_t> integer(std::initializer_list<std::string_view> keys, std::int64_t fallback,
                                               std::int64_t min, std::int64_t max) const;
    [[nodiscard]] Result<std::string> string(std::initializer_list<std::string_view> keys, std::string fallback) const;
    /// One of `allowed`.
    [[nodiscard]] Result<std::string> choice(std::initializer_list<std::string_view> keys, std::string fallback,
                                             std::initializer_list<std::string_view> allowed) const;
    /// A Go duration ("2m", "30s", "1h30m", "500ms").
    [[nodiscard]] Result<SimTime> duration(std::initializer_list<std::string_view> keys, SimTime fallback) const;

private:
    [[nodiscard]] std::unexpected<Error> bad(const std::string& key, const std::string& value,
                                             std::string_view expected) const;

    const EppPluginConfig& m_plugin;
};

/// Go's time.ParseDuration for non-negative durations; nullopt if malformed.
[[nodiscard]] std::optional<SimTime> parseGoDuration(std::string_view text);

} // namespace kvroute::sim::routing
