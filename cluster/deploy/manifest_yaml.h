#pragma once
// Writing YAML for `kvroute deploy render`: every value that comes from a scenario or an option
// goes through one of these, so no value can break a manifest (a newline, a quote, `: `, `#`,
// `{{`, a control character, broken UTF-8). Templates (deploy/templates/*.yaml) hold the
// structure with named placeholders `{{name}}`; fillTemplate substitutes them in one pass, so a
// value that itself contains `{{x}}` is never expanded.

#include "sim/util/result.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace kvroute::cluster::deploy {

/// A YAML double-quoted scalar that reads back as exactly `text` (valid UTF-8; an invalid byte
/// becomes U+FFFD). Non-printable characters, line and paragraph separators and the BOM are
/// escaped (\n, \t, \uXXXX ...).
[[nodiscard]] std::string yamlQuote(std::string_view text);

/// A plain YAML integer / number: the shortest text that reads back as the same double.
[[nodiscard]] std::string yamlInt(std::int64_t value);
[[nodiscard]] std::string yamlNumber(double value);

/// `text` as the value of a mapping key whose children are indented by `indent` spaces: a
/// literal block ("|" and the lines indented) when that reads back exactly, otherwise a
/// double-quoted scalar on the key's line.
[[nodiscard]] std::string yamlText(std::string_view text, int indent);

/// Every line of `text` as a `# ` comment line (control characters dropped), each ending in \n,
/// wrapped at spaces to 100 columns unless `wrap` is false.
[[nodiscard]] std::string yamlComment(std::string_view text, bool wrap = true);

/// Replaces each `{{name}}` of `tmpl` with values.at(name). A placeholder alone on its line is a
/// block: each line of its value is indented like the placeholder (an empty value removes the
/// line). An inline value must be one line. Unknown placeholders and values no placeholder uses
/// are errors naming `templateName` (a typo must not render silently).
[[nodiscard]] Result<std::string> fillTemplate(std::string_view tmpl, const std::map<std::string, std::string>& values,
                                               std::string_view templateName);

/// Whether `name` is an RFC 1123 label (a namespace, a Service name): 1..63 of [a-z0-9-],
/// starting and ending with a letter or digit.
[[nodiscard]] bool isDnsLabel(std::string_view name);

/// A DNS label made from free text (lower-cased, runs of other characters as one '-'), at most
/// `maxLength` characters; `fallback` when nothing is left.
[[nodiscard]] std::string dnsLabelFrom(std::string_view text, std::size_t maxLength, std::string_view fallback);

} // namespace kvroute::cluster::deploy
