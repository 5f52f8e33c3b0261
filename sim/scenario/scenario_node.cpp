#include "sim/scenario/scenario_node.h"

#include "sim/model/strict_yaml.h"
#include "sim/routing/epp_plugin_factory.h"
#include "sim/scenario/scenario_values.h"
#include "sim/util/check.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

namespace kvroute::sim::scenario_node {

namespace {

using scenario_values::checkValue;
using scenario_values::expectation;
using scenario_values::outOfRange;
using scenario_values::yamlQuoted;

std::string joinPath(std::string_view parent, std::string_view key)
{
    return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string quotePath(std::string_view path)
{
    return strict_yaml::quote(path);
}

std::string joinNames(const std::vector<Child>& children)
{
    std::string out;
    for (const Child& child : children)
        out += (out.empty() ? "" : ", ") + child.name;
    return out;
}

// yaml-cpp tags a plain scalar "?" and a quoted one "!". The core schema reads numbers and
// booleans from plain scalars only: a quoted "32" is a string.
bool isPlainScalar(const YAML::Node& node)
{
    return node.IsScalar() && node.Tag() == "?";
}

std::string describe(const YAML::Node& node)
{
    if (!node.IsDefined() || node.IsNull())
        return "nothing (null)";
    if (node.IsSequence())
        return "a list";
    if (node.IsMap())
        return "a mapping";
    if (!isPlainScalar(node))
        return "the string " + yamlQuoted(node.Scalar());
    return "'" + node.Scalar() + "'";
}

YAML::Mark markOf(const YAML::Node& node, const YAML::Mark& keyMark)
{
    return (!node.IsDefined() || node.IsNull()) ? keyMark : node.Mark();
}

std::optional<std::int64_t> readInt(const YAML::Node& node)
{
    if (!isPlainScalar(node))
        return std::nullopt;
    const std::string& text = node.Scalar();
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// Digits (with an optional sign) too many for 64 bits: an integer out of range, not a malformed one.
bool beyond64Bits(const YAML::Node& node)
{
    if (!isPlainScalar(node))
        return false;
    const std::string& text = node.Scalar();
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc::result_out_of_range && ptr == text.data() + text.size();
}

std::optional<double> readDouble(const YAML::Node& node)
{
    if (!isPlainScalar(node))
        return std::nullopt;
    const std::string& text = node.Scalar();
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

class ValueReader {
public:
    ValueReader(const FieldSpec& field, const Locator& locator) : m_field(field), m_locator(locator) {}

    Result<FieldValue> read(const YAML::Node& node, const YAML::Mark& keyMark) const
    {
        const YAML::Mark mark = markOf(node, keyMark);
        const bool null = !node.IsDefined() || node.IsNull();
        switch (m_field.type) {
        case FieldType::Int:
            if (const auto v = readInt(node))
                return FieldValue(*v);
            break;
        case FieldType::Double:
        case FieldType::Seconds:
            if (const auto v = readDouble(node))
                return FieldValue(*v);
            break;
        case FieldType::Bool:
            if (isPlainScalar(node) && (node.Scalar() == "true" || node.Scalar() == "false"))
                return FieldValue(node.Scalar() == "true");
            break;
        case FieldType::String:
            if (null)
                return FieldValue(std::string());
            if (node.IsScalar())
                return FieldValue(node.Scalar());
            break;
        case FieldType::Enum:
            if (node.IsScalar())
                return FieldValue(node.Scalar());
            break;
        case FieldType::OptionalInt:
            if (null)
                return FieldValue(std::optional<std::int64_t>());
            if (const auto v = readInt(node))
                return FieldValue(std::optional<std::int64_t>(*v));
            break;
        case FieldType::OptionalString:
            if (null)
                return FieldValue(std::optional<std::string>());
            if (node.IsScalar())
                return FieldValue(std::optional<std::string>(node.Scalar()));
            break;
        case FieldType::StageList:
            if (null)
                return FieldValue(StageList{});
            if (node.IsSequence())
                return readStages(node);
            break;
        case FieldType::PluginList:
            if (null)
                return FieldValue(PluginList{});
            if (node.IsSequence())
                return readPlugins(node);
            break;
        }
        if ((m_field.type == FieldType::Int || m_field.type == FieldType::OptionalInt) && beyond64Bits(node) &&
            m_field.allowed.empty())
            return fail(outOfRange(m_field, node.Scalar()), m_locator.at(mark));
        return fail(expectation(m_field) + ", got " + describe(node), m_locator.at(mark));
    }

private:
    Result<double> number(const YAML::Node& node, const std::string& path) const
    {
        if (const auto v = readDouble(node))
            return *v;
        return fail(quotePath(path) + " must be a number, got " + describe(node), m_locator.at(node.Mark()));
    }

    Result<FieldValue> readStages(const YAML::Node& list) const
    {
        StageList stages;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node item = list[i];
            const std::string path = m_field.path + "[" + std::to_string(i) + "]";
            SharedPrefixConfig::Stage stage;
            std::optional<YAML::Node> rate;
            std::optional<YAML::Node> duration;
            if (item.IsSequence() && item.size() == 2) {
                rate = item[0];
                duration = item[1];
            } else if (item.IsMap()) {
                for (auto it = item.begin(); it != item.end(); ++it) {
                    const YAML::Node key = it->first;
                    const std::string name = key.IsScalar() ? key.Scalar() : std::string();
                    if (name != "rate" && name != "duration")
                        return fail("unknown key " + quotePath(path + "." + name) + "; allowed keys: rate, duration",
                                    m_locator.at(key.Mark()));
                    std::optional<YAML::Node>& slot = name == "rate" ? rate : duration;
                    if (slot)
                        return fail("duplicate key " + quotePath(path + "." + name), m_locator.at(key.Mark()));
                    slot = it->second;
                }
                if (!rate || !duration)
                    return fail(quotePath(path) + " needs both rate and duration", m_locator.at(item.Mark()));
            } else {
                return fail(quotePath(path) + " must be a {rate, duration} map or a [rate, duration] pair, got " +
                                describe(item),
                            m_locator.at(item.Mark()));
            }
            auto r = number(*rate, path + ".rate");
            if (!r)
                return std::unexpected(r.error());
            auto d = number(*duration, path + ".duration");
            if (!d)
                return std::unexpected(d.error());
            stage.rate = *r;
            stage.durationSeconds = *d;
            stages.push_back(stage);
        }
        return FieldValue(std::move(stages));
    }

    // Nested maps become "a.b" keys; a parameter value is kept as its scalar text.
    // strict_yaml::parse already refused alias cycles and documents too deep or too large with
    // aliases expanded; the depth check keeps this recursion safe on any node handed to it.
    // `marks` gets each flattened key's position, for errors about one parameter.
    Result<void> flatten(const YAML::Node& node, const std::string& prefix, const std::string& path,
                         std::map<std::string, std::string>& out, std::map<std::string, YAML::Mark>& marks,
                         int depth = 0) const
    {
        if (depth > strict_yaml::kMaxDepth)
            return fail(quotePath(path) + " nests deeper than " + std::to_string(strict_yaml::kMaxDepth) + " levels",
                        m_locator.at(node.Mark()));
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (!key.IsScalar())
                return fail(quotePath(path) + " keys must be names", m_locator.at(key.Mark()));
            const std::string name = prefix.empty() ? key.Scalar() : prefix + "." + key.Scalar();
            if (value.IsMap()) {
                if (auto nested = flatten(value, name, path, out, marks, depth + 1); !nested)
                    return nested;
                continue;
            }
            if (value.IsSequence())
                return fail(quotePath(path + "." + name) + " is a list; plugin parameters may be scalars and "
                                                           "mappings only",
                            m_locator.at(value.Mark()));
            if (out.contains(name))
                return fail("duplicate key " + quotePath(path + "." + name), m_locator.at(key.Mark()));
            out.emplace(name, value.IsNull() ? std::string() : value.Scalar());
            marks.emplace(name, key.Mark());
        }
        return {};
    }

    Result<FieldValue> readPlugins(const YAML::Node& list) const
    {
        PluginList plugins;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node item = list[i];
            const std::string path = m_field.path + "[" + std::to_string(i) + "]";
            if (!item.IsMap())
                return fail(quotePath(path) + " must be a mapping with keys type, name, weight, parameters, got " +
                                describe(item),
                            m_locator.at(item.Mark()));
            EppPluginConfig plugin;
            std::optional<YAML::Mark> parametersMark;
            std::map<std::string, YAML::Mark> parameterMarks;
            std::vector<std::string> seen;
            bool named = false;
            for (auto it = item.begin(); it != item.end(); ++it) {
                const YAML::Node key = it->first;
                const YAML::Node value = it->second;
                const std::string name = key.IsScalar() ? key.Scalar() : std::string();
                const std::string keyPath = path + "." + name;
                if (std::ranges::find(seen, name) != seen.end())
                    return fail("duplicate key " + quotePath(keyPath), m_locator.at(key.Mark()));
                seen.push_back(name);
                const YAML::Mark mark = markOf(value, key.Mark());
                if (name == "type" || name == "name") {
                    if (!value.IsScalar() || value.Scalar().empty())
                        return fail(quotePath(keyPath) + " must be a non-empty string, got " + describe(value),
                                    m_locator.at(mark));
                    (name == "type" ? plugin.type : plugin.name) = value.Scalar();
                    named = named || name == "name";
                    if (name == "type" && !routing::eppPluginKind(plugin.type))
                        return fail(quotePath(keyPath) + ": unknown plugin type '" + plugin.type +
                                        "'; allowed types: " + routing::eppPluginTypeList(),
                                    m_locator.at(mark));
                } else if (name == "weight") {
                    auto weight = number(value, keyPath);
                    if (!weight)
                        return std::unexpected(weight.error());
                    plugin.weight = *weight;
                } else if (name == "parameters") {
                    parametersMark = mark;
                    if (value.IsMap()) {
                        if (auto flat = flatten(value, {}, keyPath, plugin.parameters, parameterMarks); !flat)
                            return std::unexpected(flat.error());
                    } else if (!value.IsNull()) {
                        return fail(quotePath(keyPath) + " must be a mapping, got " + describe(value),
                                    m_locator.at(mark));
                    }
                } else {
                    return fail("unknown key " + quotePath(keyPath) + "; allowed keys: type, name, weight, parameters",
                                m_locator.at(key.Mark()));
                }
            }
            if (plugin.type.empty())
                return fail(quotePath(path) + " needs a type", m_locator.at(item.Mark()));
            if (!named)
                plugin.name = plugin.type; // EndpointPickerConfig: the name defaults to the type
            if (auto valid = routing::validateEppPlugin(plugin); !valid) {
                const auto mark = parameterMarks.find(valid.error().where);
                return fail(quotePath(path + ".parameters." + valid.error().where) + ": " + valid.error().message,
                            m_locator.at(mark != parameterMarks.end() ? mark->second
                                                                      : parametersMark.value_or(item.Mark())));
            }
            plugins.push_back(std::move(plugin));
        }
        return FieldValue(std::move(plugins));
    }

    const FieldSpec& m_field;
    const Locator& m_locator;
};

const FieldSpec& fieldAt(const std::string& path)
{
    const FieldSpec* field = findField(path);
    KVROUTE_CHECK(field != nullptr, "a distribution group without its five keys");
    return *field;
}

// A distribution given as a bare number, or reset before a mapping replaces it.
void setDistribution(Scenario& scenario, const std::string& path, const Distribution& d, std::string_view kind)
{
    fieldAt(path + ".type").set(scenario, FieldValue(std::string(kind)));
    fieldAt(path + ".mean").set(scenario, FieldValue(d.mean));
    fieldAt(path + ".stddev").set(scenario, FieldValue(d.stddev));
    fieldAt(path + ".min").set(scenario, FieldValue(d.min));
    fieldAt(path + ".max").set(scenario, FieldValue(d.max));
}

std::string resolvePath(const std::string& baseDir, const std::string& value)
{
    const std::filesystem::path path(value);
    // "builtin:NAME" names a trace compiled into kvroute, not a file (builtin_traces.h).
    if (baseDir.empty() || value.empty() || path.is_absolute() || value.starts_with("builtin:"))
        return value;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

} // namespace

std::string Locator::at(const YAML::Mark& mark) const
{
    return fixedWhere.empty() ? strict_yaml::where(source, mark) : fixedWhere;
}

std::vector<Child> childrenOf(std::string_view groupPath)
{
    const std::string prefix = groupPath.empty() ? std::string() : std::string(groupPath) + ".";
    std::vector<Child> children;
    for (const FieldSpec& field : scenarioFields()) {
        if (!field.path.starts_with(prefix))
            continue;
        const std::string rest = field.path.substr(prefix.size());
        const std::string name = rest.substr(0, rest.find('.'));
        if (std::ranges::any_of(children, [&](const Child& c) { return c.name == name; }))
            continue;
        Child child{name, prefix + name, nullptr, nullptr};
        if (rest == name) {
            child.field = &field;
        } else {
            child.group = findGroup(child.path);
            KVROUTE_CHECK(child.group != nullptr, "a scenario key below an undeclared group");
        }
        children.push_back(std::move(child));
    }
    return children;
}

std::string unknownKeyMessage(std::string_view groupPath, std::string_view key, std::string_view rest)
{
    const std::vector<Child> children = childrenOf(groupPath);
    std::string message = "unknown key " + quotePath(joinPath(groupPath, key) + std::string(rest));
    std::vector<std::string> names;
    for (const Child& child : children)
        names.push_back(child.name);
    if (const auto suggestion = scenario_values::closest(key, names)) {
        // "vlm.block_size" -> "vllm.block_size" when the rest exists below the suggestion.
        const std::string corrected = joinPath(groupPath, *suggestion);
        const std::string full = corrected + std::string(rest);
        const bool restExists = !rest.empty() && (findField(full) != nullptr || findGroup(full) != nullptr);
        message += " (did you mean " + quotePath(restExists ? full : corrected) + "?)";
    } else if (rest.empty()) {
        // The right key at the wrong level ("block_size" at the top instead of under vllm).
        for (const FieldSpec& field : scenarioFields()) {
            if (field.path.size() > key.size() && field.path.ends_with(key) &&
                field.path[field.path.size() - key.size() - 1] == '.') {
                message += " (did you mean " + quotePath(field.path) + "?)";
                break;
            }
        }
    }
    message += groupPath.empty() ? "; allowed top-level keys: " : "; allowed keys in " + quotePath(groupPath) + ": ";
    return message + joinNames(children);
}

Result<void> applyField(Scenario& scenario, const FieldSpec& field, const YAML::Node& node,
                        const YAML::Mark& keyMark, Locator& locator)
{
    const YAML::Mark mark = markOf(node, keyMark);
    auto value = ValueReader(field, locator).read(node, keyMark);
    if (!value)
        return std::unexpected(value.error());
    if (const auto problem = checkValue(field, *value))
        return fail(*problem, locator.at(mark));
    if (field.isPath)
        *value = resolvePath(locator.baseDir, std::get<std::string>(*value));
    field.set(scenario, *value);
    locator.located[field.path] = locator.at(mark);
    return {};
}

Result<void> applyGroup(Scenario& scenario, const std::string& groupPath, const YAML::Node& node,
                        const YAML::Mark& keyMark, Locator& locator)
{
    const GroupSpec* group = groupPath.empty() ? nullptr : findGroup(groupPath);
    const bool distribution = group != nullptr && group->distribution;
    const std::vector<Child> children = childrenOf(groupPath);
    const YAML::Mark mark = markOf(node, keyMark);
    const std::string what = groupPath.empty() ? std::string("a scenario") : quotePath(groupPath);

    if (distribution && node.IsScalar()) {
        const FieldSpec& meanField = fieldAt(groupPath + ".mean");
        const auto value = readDouble(node);
        if (!value)
            return fail(what + " must be a number (a constant) or a mapping with keys " + joinNames(children) +
                            ", got " + describe(node),
                        locator.at(mark));
        if (const auto problem = checkValue(meanField, FieldValue(*value)))
            return fail(*problem, locator.at(mark));
        setDistribution(scenario, groupPath, Distribution::constant(*value), "constant");
        locator.located[groupPath] = locator.at(mark);
        return {};
    }
    if (groupPath.empty() && (!node.IsDefined() || node.IsNull()))
        return {}; // an empty file: every key at its default
    if (!node.IsMap())
        return fail(what + " must be a mapping with keys " + joinNames(children) +
                        (distribution ? " (or a number: a constant)" : "") + ", got " + describe(node),
                    locator.at(mark));
    if (distribution)
        setDistribution(scenario, groupPath, Distribution{}, "constant");
    if (!groupPath.empty())
        locator.located[groupPath] = locator.at(mark);

    std::vector<std::pair<std::string, YAML::Mark>> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node keyNode = it->first;
        const YAML::Node valueNode = it->second;
        if (!keyNode.IsScalar())
            return fail("keys of " + what + " must be plain names; allowed: " + joinNames(children),
                        locator.at(keyNode.Mark()));
        const std::string& key = keyNode.Scalar();
        const std::string path = joinPath(groupPath, key);
        const auto previous = std::ranges::find(seen, key, &std::pair<std::string, YAML::Mark>::first);
        if (previous != seen.end())
            return fail("duplicate key " + quotePath(path) + " (first given at line " +
                            std::to_string(previous->second.line + 1) + ", column " +
                            std::to_string(previous->second.column + 1) + ")",
                        locator.at(keyNode.Mark()));
        seen.emplace_back(key, keyNode.Mark());

        const auto child = std::ranges::find(children, key, &Child::name);
        if (child == children.end())
            return fail(unknownKeyMessage(groupPath, key), locator.at(keyNode.Mark()));
        auto applied = child->field != nullptr ? applyField(scenario, *child->field, valueNode, keyNode.Mark(), locator)
                                               : applyGroup(scenario, path, valueNode, keyNode.Mark(), locator);
        if (!applied)
            return applied;
    }
    return {};
}

} // namespace kvroute::sim::scenario_node

namespace kvroute::sim {

Result<void> setField(Scenario& scenario, std::string_view path, std::string_view valueText, std::string_view where)
{
    using namespace scenario_node;
    // Through strict_yaml::parse like a file: it guards yaml-cpp 0.7's endless loops and bounds
    // aliases (a value such as '&a {x: *a}' would otherwise recurse without end).
    const auto parsed = strict_yaml::parse(valueText, "");
    if (!parsed)
        return fail("YAML error in the value of " + quotePath(path) + ": " + parsed.error().message,
                    std::string(where));
    const YAML::Node node = *parsed;
    Locator locator;
    locator.fixedWhere = where.empty() ? std::string(path) : std::string(where);

    Scenario copy = scenario;
    Result<void> applied;
    if (const FieldSpec* field = findField(path)) {
        applied = applyField(copy, *field, node, YAML::Mark::null_mark(), locator);
    } else if (findGroup(path) != nullptr) {
        applied = applyGroup(copy, std::string(path), node, YAML::Mark::null_mark(), locator);
    } else {
        // Blame the first segment that does not exist, below the deepest group that does.
        std::string parent;
        std::string_view rest = path;
        while (true) {
            const std::string_view segment = rest.substr(0, rest.find('.'));
            const std::string candidate = joinPath(parent, segment);
            if (findField(candidate) != nullptr && segment.size() < rest.size())
                return fail(quotePath(candidate) + " is a single value; it has no key " +
                                quotePath(rest.substr(segment.size() + 1)),
                            locator.fixedWhere);
            if (findGroup(candidate) == nullptr || segment.size() == rest.size())
                return fail(unknownKeyMessage(parent, segment, rest.substr(segment.size())), locator.fixedWhere);
            parent = candidate;
            rest.remove_prefix(segment.size() + 1);
        }
    }
    if (!applied)
        return applied;
    scenario = std::move(copy);
    return {};
}

std::string fieldValueText(const Scenario& scenario, std::string_view path)
{
    if (const FieldSpec* field = findField(path))
        return scenario_values::flowText(*field, field->get(scenario));
    if (path.empty() || findGroup(path) == nullptr)
        return {};
    std::string out = "{";
    for (const auto& child : scenario_node::childrenOf(path))
        out += (out.size() > 1 ? ", " : "") + child.name + ": " + fieldValueText(scenario, child.path);
    return out + "}";
}

} // namespace kvroute::sim
