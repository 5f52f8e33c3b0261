#pragma once
// Strict reading of YAML maps for preset files (internal to kvroute_sim; yaml-cpp is private).
// Every error carries "file:line:column" (1-based) of the offending node. Scalars follow the
// YAML 1.2 core schema and nothing looser: integers are plain decimals, booleans are
// true/false, and a quoted scalar is always a string.

#include "sim/util/result.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim::strict_yaml {

/// 'text', for names and values in messages.
[[nodiscard]] std::string quote(std::string_view text);

/// "file:line:column", 1-based.
[[nodiscard]] std::string where(std::string_view file, const YAML::Mark& mark);

/// Bounds on one document, checked while parsing with every alias counted as the copy of its
/// anchored node a reader walking the tree would visit. yaml-cpp shares aliased nodes, so
/// `&a {x: *a}` is a cycle and 25 levels of `{x: *prev, y: *prev}` expand to 2^25 values: both
/// would send a recursive reader into endless recursion or exhaust memory. Real files (presets,
/// scenarios, EndpointPickerConfig) stay far below either bound.
inline constexpr int kMaxDepth = 64;                 ///< nested maps and lists, aliases expanded
inline constexpr std::int64_t kMaxNodes = 100'000;   ///< values (scalars, maps, lists), aliases expanded

/// Parses a whole document; a syntax error becomes an Error at its position, and so do an
/// alias inside the node it refers to, more than kMaxDepth levels or more than kMaxNodes values.
/// Safe on any input with the yaml-cpp 0.7 that Debian ships (see strict_yaml.cpp).
[[nodiscard]] Result<YAML::Node> parse(std::string_view text, std::string_view file);

/// A map whose keys were checked against an allowed list.
class MapReader {
public:
    /// `what` names the map in messages ("model 'Llama-3.2-1B'", "top level").
    [[nodiscard]] static Result<MapReader> open(const YAML::Node& node, std::string what,
                                                std::initializer_list<std::string_view> allowed,
                                                std::string file);

    [[nodiscard]] bool has(std::string_view key) const;
    [[nodiscard]] Result<std::string> string(std::string_view key) const;
    [[nodiscard]] Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
    [[nodiscard]] Result<double> number(std::string_view key, double min, double max) const;
    [[nodiscard]] Result<bool> boolean(std::string_view key) const;
    /// A block or flow sequence.
    [[nodiscard]] Result<YAML::Node> sequence(std::string_view key) const;
    /// A nested map (to open with its own MapReader).
    [[nodiscard]] Result<YAML::Node> map(std::string_view key) const;

    /// Position of the key's value (or of the map when the key is absent).
    [[nodiscard]] std::string whereValue(std::string_view key) const;
    [[nodiscard]] const std::string& file() const { return m_file; }

private:
    struct Entry {
        std::string key;
        YAML::Node value;
    };

    [[nodiscard]] Result<const Entry*> required(std::string_view key) const;
    [[nodiscard]] Result<YAML::Node> node(std::string_view key, YAML::NodeType::value type,
                                          std::string_view noun) const;
    [[nodiscard]] Result<std::string> plainScalar(const Entry& entry, std::string_view expected) const;
    [[nodiscard]] std::string allowedList() const;

    YAML::Node m_node;
    std::string m_what;
    std::vector<std::string> m_allowed;
    std::string m_file;
    std::vector<Entry> m_entries;
};

} // namespace kvroute::sim::strict_yaml
