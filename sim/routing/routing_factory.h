#pragma once
// Building routers from the scenario's routing section, and llm-d EndpointPickerConfig files
// (llmd.md §1.8) into resolved EPP plugin lists.

#include "sim/routing/router.h"
#include "sim/routing/routing_config.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim {

/// A fresh router for a run with `numPods` pods. It draws from its own stream
/// Rng::stream(seed, "router"). For Epp the configuration is resolved with resolveEppConfig.
[[nodiscard]] Result<std::unique_ptr<Router>> makeRouter(const RoutingConfig& config, std::uint64_t seed, int numPods);

/// Parses an EndpointPickerConfig and resolves the scheduling profile the decode-only
/// simulation runs: the pd-profile-handler's decodeProfile if there is one, else the only
/// profile, else `default` with every filter, scorer and picker (llmd.md §1.1 defaults: weight
/// 1, name = type, max-score-picker when a profile has no picker). Accepts the v0.2.x names
/// (kv-cache-scorer; prefix-cache-scorer with mode estimate / cache_tracking) and the v0.3.x
/// ones. Errors carry "file:line:column". The result has `plugins` filled, `configFile` =
/// fileName, `profile` empty, and default delays.
[[nodiscard]] Result<EppConfig> loadEndpointPickerConfig(std::string_view yamlText, std::string_view fileName);
/// Reads and loads a file.
[[nodiscard]] Result<EppConfig> loadEndpointPickerConfigFile(const std::string& path);

/// A built-in profile (precise, approximate, load, random, default) as a resolved EppConfig;
/// each is a real EndpointPickerConfig text (builtinEppProfileYaml).
[[nodiscard]] Result<EppConfig> builtinEppProfile(std::string_view name);
[[nodiscard]] std::vector<std::string> builtinEppProfileNames();
/// The EndpointPickerConfig YAML behind a built-in profile (empty if unknown).
[[nodiscard]] std::string_view builtinEppProfileYaml(std::string_view name);

/// `config` with `plugins` filled: kept if already non-empty, else loaded from `configFile`,
/// else the built-in `profile`. scrapeIntervalSeconds / kvEventDelaySeconds are kept.
[[nodiscard]] Result<EppConfig> resolveEppConfig(const EppConfig& config);

} // namespace kvroute::sim
