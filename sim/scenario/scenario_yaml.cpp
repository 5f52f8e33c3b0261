#include "sim/scenario/scenario_yaml.h"
#include "sim/scenario/yaml_text.h"

#include "sim/util/text_check.h"

#include "resources/embedded.h"
#include "sim/model/strict_yaml.h"
#include "sim/scenario/scenario_node.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_values.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace kvroute::sim {

namespace {

constexpr std::string_view kBuiltinPrefix = "scenarios/";
constexpr std::string_view kBuiltinSuffix = ".yaml";

// Where to report an issue: the first of its keys the input gave, else a group above it
// (a distribution given as one number, a flow map given to --set), else `fallback`.
std::string locate(const ScenarioIssue& issue, const std::map<std::string, std::string>& located,
                   const std::string& fallback)
{
    for (const std::string& path : issue.paths)
        if (const auto it = located.find(path); it != located.end())
            return it->second;
    for (const std::string& path : issue.paths) {
        std::string ancestor = path;
        while (ancestor.find('.') != std::string::npos) {
            ancestor.erase(ancestor.rfind('.'));
            if (const auto it = located.find(ancestor); it != located.end())
                return it->second;
        }
    }
    return fallback;
}

std::string indentation(int indent)
{
    return std::string(static_cast<std::size_t>(indent), ' ');
}

// Plugin parameters are stored flattened ("a.b" -> text); write them nested again, except
// where a key is both a value and a parent (then the dotted keys stay).
void writeParameters(std::string& out, const std::map<std::string, std::string>& parameters, int indent)
{
    std::map<std::string, std::string> leaves;
    std::map<std::string, std::map<std::string, std::string>> nested;
    for (const auto& [key, value] : parameters) {
        const auto dot = key.find('.');
        if (dot == std::string::npos)
            leaves.emplace(key, value);
        else
            nested[key.substr(0, dot)].emplace(key.substr(dot + 1), value);
    }
    const std::string pad = indentation(indent);
    for (const auto& [key, value] : leaves) {
        out += pad + scenario_values::scalarText(key) + ": " + scenario_values::parameterText(value) + "\n";
        if (const auto clash = nested.find(key); clash != nested.end()) {
            for (const auto& [rest, restValue] : clash->second)
                out += pad + scenario_values::scalarText(key + "." + rest) + ": " +
                       scenario_values::parameterText(restValue) + "\n";
            nested.erase(clash);
        }
    }
    for (const auto& [key, children] : nested) {
        out += pad + scenario_values::scalarText(key) + ":\n";
        writeParameters(out, children, indent + 2);
    }
}

void writeField(std::string& out, const Scenario& scenario, const FieldSpec& field, const std::string& name,
                int indent)
{
    const std::string pad = indentation(indent);
    const FieldValue value = field.get(scenario);
    if (field.type == FieldType::StageList && !std::get<StageList>(value).empty()) {
        out += pad + name + ":\n";
        for (const auto& stage : std::get<StageList>(value))
            out += pad + "  - " + scenario_values::stageText(stage) + "\n";
        return;
    }
    if (field.type == FieldType::PluginList && !std::get<PluginList>(value).empty()) {
        out += pad + name + ":\n";
        for (const auto& plugin : std::get<PluginList>(value)) {
            out += pad + "  - type: " + scenario_values::scalarText(plugin.type) + "\n";
            out += pad + "    name: " + scenario_values::scalarText(plugin.name) + "\n";
            out += pad + "    weight: " + scenario_values::formatNumber(plugin.weight) + "\n";
            if (!plugin.parameters.empty()) {
                out += pad + "    parameters:\n";
                writeParameters(out, plugin.parameters, indent + 6);
            }
        }
        return;
    }
    out += pad + name + ": " + scenario_values::flowText(field, value) + "\n";
}

void writeGroup(std::string& out, const Scenario& scenario, std::string_view groupPath, int indent)
{
    for (const auto& child : scenario_node::childrenOf(groupPath)) {
        if (child.field != nullptr) {
            writeField(out, scenario, *child.field, child.name, indent);
        } else {
            out += indentation(indent) + child.name + ":\n";
            writeGroup(out, scenario, child.path, indent + 2);
        }
    }
}

std::string builtinPath(std::string_view name)
{
    return std::string(kBuiltinPrefix) + std::string(name) + std::string(kBuiltinSuffix);
}

std::vector<std::string> builtinNames()
{
    std::vector<std::string> names;
    for (const auto& file : resources::embeddedFiles())
        if (file.path.starts_with(kBuiltinPrefix) && file.path.ends_with(kBuiltinSuffix))
            names.emplace_back(file.path.substr(kBuiltinPrefix.size(),
                                                file.path.size() - kBuiltinPrefix.size() - kBuiltinSuffix.size()));
    std::ranges::sort(names);
    return names;
}

std::string trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

Result<std::string> overridePath(std::string_view assignment, const std::string& where)
{
    const auto equals = assignment.find('=');
    if (equals == std::string_view::npos || trimmed(assignment.substr(0, equals)).empty())
        return fail("expected key=value, e.g. vllm.block_size=32", where);
    return trimmed(assignment.substr(0, equals));
}

} // namespace

Result<Scenario> parseScenarioYaml(std::string_view text, std::string_view sourceName, std::string_view baseDir)
{
    auto document = strict_yaml::parse(text, sourceName);
    if (!document)
        return std::unexpected(document.error());
    if (!document->IsDefined() || document->IsNull())
        return fail("the scenario is empty; start from a built-in one (kvroute scenarios show default)",
                    std::string(sourceName) + ":1:1");

    scenario_node::Locator locator;
    locator.source = std::string(sourceName);
    locator.baseDir = std::string(baseDir);
    Scenario scenario;
    if (auto applied = scenario_node::applyGroup(scenario, {}, *document, document->Mark(), locator); !applied)
        return std::unexpected(applied.error());

    const auto issues = scenarioIssues(scenario);
    if (!issues.empty())
        return fail(issues.front().message, locate(issues.front(), locator.located, locator.source));
    scenario.givenAt = std::move(locator.located);
    scenario.warnings = scenarioWarnings(scenario);
    return scenario;
}

Result<Scenario> loadScenarioFile(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail("is a directory; a scenario is a YAML file", path);
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        return fail("is not a regular file (a device, a pipe or a socket); a scenario is a YAML file", path);
    // Scenarios are a few kilobytes; a huge file is a mistake, and yaml-cpp would hold it all.
    constexpr std::uintmax_t kMaxScenarioBytes = 16 * 1024 * 1024;
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxScenarioBytes)
        return fail("is " + std::to_string(size) + " bytes; a scenario file may be at most " +
                        std::to_string(kMaxScenarioBytes) + " (16 MiB)",
                    path);
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return fail(std::string("cannot open the scenario file: ") + std::error_code(errno, std::generic_category()).message(), path);
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad())
        return fail("cannot read the scenario file", path);
    if (const auto problem = nonTextProblem(text.view()))
        return fail("not a YAML text file: " + problem->substr(problem->find(": ") + 2),
                    path + ":" + problem->substr(0, problem->find(": ")));

    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(path, error);
    const std::string baseDir = error ? std::filesystem::path(path).parent_path().string()
                                      : absolute.parent_path().string();
    auto scenario = parseScenarioYaml(text.str(), path, baseDir);
    if (scenario && scenario->name.empty())
        scenario->name = std::filesystem::path(path).stem().string();
    return scenario;
}

std::optional<std::string_view> builtinScenarioText(std::string_view name)
{
    return resources::embeddedFile(builtinPath(name));
}

Result<Scenario> builtinScenario(std::string_view name)
{
    const auto text = builtinScenarioText(name);
    if (!text) {
        std::string names;
        for (const auto& builtin : builtinNames())
            names += (names.empty() ? "" : ", ") + builtin;
        std::string message = "unknown built-in scenario '" + std::string(name) + "'";
        if (const auto suggestion = scenario_values::closest(name, builtinNames()))
            message += " (did you mean '" + *suggestion + "'?)";
        return fail(message + "; built-in scenarios: " + names, std::string(name));
    }
    // Built-ins have no directory: relative paths stay relative to the working directory.
    auto scenario = parseScenarioYaml(*text, "resources/" + builtinPath(name), {});
    if (scenario && scenario->name.empty())
        scenario->name = std::string(name);
    return scenario;
}

std::vector<std::pair<std::string, std::string>> builtinScenarioList()
{
    std::vector<std::pair<std::string, std::string>> list;
    for (const auto& name : builtinNames()) {
        const auto scenario = builtinScenario(name);
        list.emplace_back(name, scenario ? scenario->description : "(invalid: " + scenario.error().toString() + ")");
    }
    return list;
}

namespace {

/// Where an unquoted '#' starts a YAML comment in `value` (at the start, after a blank, or right
/// after a quoted scalar or a flow collection), if anywhere: yaml-cpp would drop the rest of the
/// value without a word. A quote starts a quoted scalar only where a scalar starts (first; after
/// [ { or , inside a flow collection; after ": "), so the apostrophe of "it's" is text; inside
/// single quotes '' is a quote, inside double quotes a backslash escapes.
std::optional<std::size_t> yamlCommentAt(std::string_view value)
{
    char previous = 0; // the last non-blank character outside quotes; 0 before the first
    int depth = 0;     // open flow collections ([ or {), where a comma ends a scalar
    // Where the last quoted scalar or flow collection ended: yaml-cpp takes a '#' right after
    // one as a comment too, blank or not.
    std::size_t tokenEnd = std::string_view::npos;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        const bool afterBlank = i > 0 && (value[i - 1] == ' ' || value[i - 1] == '\t');
        const bool scalarStarts = previous == 0 || (depth > 0 && (previous == '[' || previous == '{' || previous == ',')) ||
                                  (previous == ':' && afterBlank);
        if ((c == '"' || c == '\'') && scalarStarts) {
            i = yamlQuotedScalarEnd(value, i);
            if (i == std::string_view::npos)
                return std::nullopt; // an unclosed quote runs to the end: no comment
            previous = c;
            tokenEnd = i;
            continue;
        }
        if ((c == '[' || c == '{') && scalarStarts) {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
            tokenEnd = i;
        }
        if (c == '#' && (i == 0 || afterBlank || (tokenEnd != std::string_view::npos && tokenEnd + 1 == i)))
            return i;
        if (c != ' ' && c != '\t')
            previous = c;
    }
    return std::nullopt;
}

Result<void> setOverride(Scenario& scenario, std::string_view assignment, std::string_view option)
{
    const std::string where = std::string(option) + " " + std::string(assignment);
    auto path = overridePath(assignment, where);
    if (!path)
        return std::unexpected(path.error());
    const std::string_view value = assignment.substr(assignment.find('=') + 1);
    // The value is read as YAML: a comment or a directive would cut it silently. The hint quotes
    // it for YAML (escaping \ and ") inside quotes for the shell (where ' is written '\'').
    std::string yamlQuoted = "\"";
    for (const char c : value) {
        if (c == '\\' || c == '"')
            yamlQuoted += '\\';
        yamlQuoted += c;
    }
    yamlQuoted += '"';
    std::string shellWord = std::string(assignment.substr(0, assignment.find('=') + 1)) + yamlQuoted;
    for (std::size_t at = shellWord.find('\''); at != std::string::npos; at = shellWord.find('\'', at + 4))
        shellWord.replace(at, 1, "'\\''");
    const std::string quoted = std::string(option) + " '" + shellWord + "'";
    const FieldSpec* field = findField(*path);
    const bool text = field != nullptr && (field->type == FieldType::String || field->type == FieldType::OptionalString);
    if (const auto comment = yamlCommentAt(value)) {
        std::string kept(value.substr(0, *comment));
        kept.erase(kept.find_last_not_of(" \t") + 1);
        return fail("an unquoted '#' starts a YAML comment, which would " +
                        (kept.empty() ? std::string("leave no value") : "cut the value to '" + kept + "'") + "; " +
                        (text ? "quote it: " + quoted : std::string("leave the comment out")),
                    where);
    }
    // What YAML makes of a value's first characters without a word: a directive, an anchor, a
    // tag, a block scalar, a document marker.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kYamlStarts{{
        {"%", "a directive"},
        {"&", "an anchor"},
        {"!", "a tag"},
        {"|", "a block scalar"},
        {">", "a block scalar"},
        {"---", "a document start"},
        {"...", "a document end"},
    }};
    for (const auto& [start, meaning] : kYamlStarts) {
        const bool marker = start.size() == 3; // --- and ... only as a token of their own
        if (value.starts_with(start) &&
            (!marker || value.size() == 3 || value[3] == ' ' || value[3] == '\t'))
            return fail("a value starting with '" + std::string(start) + "' reads as " + std::string(meaning) +
                            " in YAML, which would drop or change it" +
                            (text ? "; quote it: " + quoted : std::string("; give the value alone")),
                        where);
    }
    const std::string nameBefore = scenario.name;
    auto set = setField(scenario, *path, value, where);
    // The value is read as YAML, so "hi: there" is a one-key mapping: say how to mean the text.
    if (!set && set.error().message.ends_with("must be a string, got a mapping") && value.find(": ") != std::string_view::npos &&
        !value.starts_with('{'))
        set.error().message += " (the value reads as YAML, where \": \" makes a mapping; quote it: " + quoted + ")";
    // On the value read, so that "", '' and null (an empty string here) are caught too.
    if (set && *path == "name" && scenario.name.find_first_not_of(" \t") == std::string::npos) {
        scenario.name = nameBefore;
        return fail("'name' must not be empty: it names the run in results, file names and the GUI", where);
    }
    return set;
}

} // namespace

Result<void> applyOverride(Scenario& scenario, std::string_view assignment, std::string_view option)
{
    if (auto applied = setOverride(scenario, assignment, option); !applied)
        return applied;
    scenario.givenAt[*overridePath(assignment, {})] = std::string(option) + " " + std::string(assignment);
    scenario.warnings = scenarioWarnings(scenario);
    return {};
}

Result<void> applyOverrides(Scenario& scenario, std::span<const std::string> assignments, std::string_view option)
{
    Scenario copy = scenario;
    std::map<std::string, std::string> located;
    for (const std::string& assignment : assignments) {
        if (auto applied = setOverride(copy, assignment, option); !applied)
            return applied;
        located[*overridePath(assignment, {})] = std::string(option) + " " + assignment;
    }
    const auto issues = scenarioIssues(copy);
    if (!issues.empty())
        return fail(issues.front().message, locate(issues.front(), located, issues.front().paths.front()));
    for (const auto& [path, where] : located)
        copy.givenAt[path] = where;
    copy.warnings = scenarioWarnings(copy);
    scenario = std::move(copy);
    return {};
}

std::string toYaml(const Scenario& scenario)
{
    std::string out = "# kvroute scenario, resolved: every key (docs/SCENARIOS.md)\n";
    for (const std::string& warning : scenarioWarnings(scenario))
        out += "# warning: " + warning + "\n";
    writeGroup(out, scenario, {}, 0);
    return out;
}

} // namespace kvroute::sim
