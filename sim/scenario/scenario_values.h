#pragma once
// Internal to sim/scenario: field values as YAML text, and the checks every value passes
// whether it came from a file, a --set override or code.

#include "sim/scenario/scenario_schema.h"

#include <optional>
#include <string>
#include <string_view>

namespace kvroute::sim::scenario_values {

// Bounds of one stage of a StageList (FieldSpec min/max do not apply to the items).
inline constexpr double kMaxStageRate = 1e6;     // requests/s
inline constexpr double kMaxStageDuration = 1e7; // s
inline constexpr double kMaxPluginWeight = 1e6;

/// Shortest text that reads back as the same double ("0.05", "600", "1e+18").
[[nodiscard]] std::string formatNumber(double value);

/// A YAML double-quoted scalar with escapes.
[[nodiscard]] std::string yamlQuoted(std::string_view text);

/// `text` as a plain scalar when it reads back as the same string in block and flow
/// context, else double-quoted.
[[nodiscard]] std::string scalarText(std::string_view text);

/// A plugin parameter: numbers and booleans stay plain (parameters keep scalar text only).
[[nodiscard]] std::string parameterText(std::string_view text);

/// The value as YAML flow text (what fieldValueText returns).
[[nodiscard]] std::string flowText(const FieldSpec& field, const FieldValue& value);

/// "{rate: 15, duration: 50}"
[[nodiscard]] std::string stageText(const SharedPrefixConfig::Stage& stage);

/// Why `value` is not allowed for `field` (range, allowed values, list items), or nothing.
/// The message starts with the key path, e.g. "'cluster.pods' must be in [1, 256], got 0".
[[nodiscard]] std::optional<std::string> checkValue(const FieldSpec& field, const FieldValue& value);

/// "'path' must be <what the type and range allow>", the head of every type error.
[[nodiscard]] std::string expectation(const FieldSpec& field);
/// "'path' must be in [min, max], got <text>", for a number the field's range does not hold.
[[nodiscard]] std::string outOfRange(const FieldSpec& field, const std::string& text);

/// Closest candidate by edit distance when it is close enough to be a typo.
[[nodiscard]] std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

} // namespace kvroute::sim::scenario_values
