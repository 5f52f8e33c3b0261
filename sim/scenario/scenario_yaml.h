#pragma once
// Scenario files: strict parsing (every key in scenario_schema.h, nothing else), built-in
// scenarios (resources/scenarios/*.yaml), --set overrides, and writing a scenario back out.
//
// Errors are values whose `where` is "file:line:column" (1-based) for file content and
// "--set key=value" for overrides; the message names the full key path and what is allowed.
// Nothing is applied half-way: a failed parse or override leaves no partial result.

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_validation.h"
#include "sim/util/result.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kvroute::sim {

/// Reads and parses a scenario file. Relative paths inside it (routing.epp_config,
/// workload.path) resolve against the file's directory; a missing `name` becomes the file
/// name without extension.
[[nodiscard]] Result<Scenario> loadScenarioFile(const std::string& path);

/// Parses scenario YAML: unknown keys, wrong types, out-of-range values, duplicate keys and
/// invalid combinations (validateScenario) are errors at "sourceName:line:column". Relative
/// path values resolve against `baseDir` unless it is empty. Fills Scenario::warnings.
[[nodiscard]] Result<Scenario> parseScenarioYaml(std::string_view text, std::string_view sourceName,
                                                 std::string_view baseDir);

/// A built-in scenario by name ("default", "llmd-shared-prefix", ...).
[[nodiscard]] Result<Scenario> builtinScenario(std::string_view name);

/// (name, description) of every built-in scenario, sorted by name.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> builtinScenarioList();

/// The YAML text of a built-in scenario, comments included.
[[nodiscard]] std::optional<std::string_view> builtinScenarioText(std::string_view name);

/// Applies one "key=value" override (the value is YAML: "32", "null", "[[3,20],[10,20]]").
/// Checks that key's type and range only, so several overrides may pass through an invalid
/// combination; call validateScenario after the last one, or use applyOverrides.
/// Error::where is "<option> <assignment>", and a hint quotes the value for `option` (the
/// command-line option that gave it: --set, or sweep's --param). Refreshes Scenario::warnings.
[[nodiscard]] Result<void> applyOverride(Scenario& scenario, std::string_view assignment,
                                         std::string_view option = "--set");

/// Applies every override in order, then validates the result; all or nothing.
[[nodiscard]] Result<void> applyOverrides(Scenario& scenario, std::span<const std::string> assignments,
                                          std::string_view option = "--set");

/// The resolved scenario as YAML, every key in schema order (warnings as comments).
/// parseScenarioYaml(toYaml(s)) gives back s.
[[nodiscard]] std::string toYaml(const Scenario& scenario);

} // namespace kvroute::sim
