#pragma once
// Internal to sim/scenario (yaml-cpp stays out of public headers): applying a YAML node to a
// Scenario through the schema table, with every error at the offending node.

#include "sim/scenario/scenario_schema.h"
#include "sim/util/result.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim::scenario_node {

/// Where errors point, and where each key was given (for cross-field errors).
struct Locator {
    std::string source;     ///< file name: errors say "source:line:column"
    std::string fixedWhere; ///< when set (--set), every error points here instead
    std::string baseDir;    ///< relative FieldSpec::isPath values resolve against it (if set)
    std::map<std::string, std::string> located; ///< key path -> where its value was given

    [[nodiscard]] std::string at(const YAML::Mark& mark) const;
};

/// A key one level below a group: a field or a group.
struct Child {
    std::string name;
    std::string path;
    const FieldSpec* field = nullptr;
    const GroupSpec* group = nullptr;
};

/// The keys directly below `groupPath` ("" = top level), in table order.
[[nodiscard]] std::vector<Child> childrenOf(std::string_view groupPath);

/// Applies `node` to the group at `groupPath` ("" = the whole scenario). `keyMark` locates a
/// null or missing value (yaml-cpp marks those oddly).
[[nodiscard]] Result<void> applyGroup(Scenario& scenario, const std::string& groupPath, const YAML::Node& node,
                                      const YAML::Mark& keyMark, Locator& locator);

[[nodiscard]] Result<void> applyField(Scenario& scenario, const FieldSpec& field, const YAML::Node& node,
                                      const YAML::Mark& keyMark, Locator& locator);

/// "unknown key 'vllm.blok_size' (did you mean 'vllm.block_size'?); allowed keys in 'vllm': ...".
/// `key` is the first unknown segment below `groupPath`; `rest` is what followed it (".x.y").
[[nodiscard]] std::string unknownKeyMessage(std::string_view groupPath, std::string_view key,
                                            std::string_view rest = {});

} // namespace kvroute::sim::scenario_node
