#pragma once
// The scenario schema: one table of every key a scenario file may hold. Parsing, `--set`
// overrides, toYaml, docs/SCENARIOS.md and the GUI editor all read this table, so a key
// exists, is documented and round-trips in one place (scenario_fields.cpp).
//
// A key is a dotted path mirroring the YAML nesting ("vllm.block_size"). Leaves are fields;
// the nodes above them are groups (scenarioGroups), each with its own help text.

#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kvroute::sim {

enum class FieldType : std::uint8_t {
    Int,            ///< a plain decimal integer
    Double,         ///< a plain number
    Bool,           ///< true or false
    String,         ///< any scalar (an empty value is the empty string)
    Enum,           ///< one of FieldSpec::allowed
    Seconds,        ///< a plain number of seconds
    OptionalInt,    ///< an integer or null
    OptionalString, ///< a string or null
    StageList,      ///< list of {rate, duration} maps or [rate, duration] pairs
    PluginList,     ///< list of {type, name?, weight?, parameters?} maps
};

using StageList = std::vector<SharedPrefixConfig::Stage>;
using PluginList = std::vector<EppPluginConfig>;

/// A field's value in the schema's own terms, one alternative per FieldType:
/// Int → int64, Double and Seconds → double (seconds), Bool → bool, String and Enum → string,
/// OptionalInt → optional<int64>, OptionalString → optional<string>, StageList, PluginList.
using FieldValue = std::variant<std::int64_t, double, bool, std::string, std::optional<std::int64_t>,
                                std::optional<std::string>, StageList, PluginList>;

struct FieldSpec {
    std::string path{}; ///< "vllm.block_size"
    FieldType type = FieldType::Int;
    std::string help{}; ///< one line
    std::string unit{}; ///< "tokens", "s", ... (empty when unitless)
    /// Inclusive bounds of numbers (Int, Double, Seconds, OptionalInt); `minExclusive` makes
    /// the lower bound strict. StageList and PluginList items have fixed bounds of their own.
    std::optional<double> min{};
    std::optional<double> max{};
    bool minExclusive = false;
    /// Enum: the values. Int: the only integers allowed (empty = any in range).
    std::vector<std::string> allowed{};
    /// For the docs when the default depends on other keys (else the default Scenario's value).
    std::string defaultNote{};
    /// A file path: relative values in a scenario file resolve against the file's directory.
    bool isPath = false;

    std::function<FieldValue(const Scenario&)> get{};
    std::function<void(Scenario&, const FieldValue&)> set{};
};

/// A node above the leaves ("vllm", "routing.service", "workload.chat.turns").
struct GroupSpec {
    std::string path{};
    std::string help{};
    /// A distribution: its children are type/mean/stddev/min/max, a bare number means
    /// `constant`, and a mapping replaces the whole distribution (unspecified keys take
    /// Distribution's own defaults, not the field's).
    bool distribution = false;
};

/// Every field, in the order toYaml writes them (groups contiguous). Immutable.
[[nodiscard]] const std::vector<FieldSpec>& scenarioFields();
/// Every group, parents before children. Immutable.
[[nodiscard]] const std::vector<GroupSpec>& scenarioGroups();

[[nodiscard]] const FieldSpec* findField(std::string_view path);
[[nodiscard]] const GroupSpec* findGroup(std::string_view path);

/// "integer", "number", "seconds", ...: how the docs name a type.
[[nodiscard]] std::string_view toString(FieldType type);

/// Sets the field or group at `path` from YAML text: a scalar ("32", "null"), a flow list
/// ("[[3,20],[10,20]]", "[{type: random-picker}]") or, for a group, a flow map
/// ("{type: uniform, min: 2, max: 8}") or a bare number for a distribution. Checks type,
/// range and allowed values of the field only (validateScenario checks combinations); on
/// error `scenario` is unchanged and Error::where is `where`.
[[nodiscard]] Result<void> setField(Scenario& scenario, std::string_view path, std::string_view valueText,
                                    std::string_view where);

/// The value at `path` as YAML flow text that setField accepts back; a group gives a flow
/// map. Empty for an unknown path.
[[nodiscard]] std::string fieldValueText(const Scenario& scenario, std::string_view path);

/// Allowed values or range of a field as the docs and error messages print it, e.g.
/// "one of 1, 8, 16" or "in (0, 1]" (empty when anything of the type goes).
[[nodiscard]] std::string allowedText(const FieldSpec& field);

/// The key reference of docs/SCENARIOS.md, generated from the table (a test keeps the doc
/// in sync).
[[nodiscard]] std::string scenarioReferenceMarkdown();

} // namespace kvroute::sim
