// EndpointPickerConfig files (GAIE apix/config/v1alpha1/endpointpickerconfig_types.go,
// llmd.md §1.8) -> the resolved plugin list of the profile a decode-only simulation runs.

#include "sim/model/strict_yaml.h"
#include "sim/routing/epp_plugin_factory.h"
#include "sim/routing/routing_factory.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <system_error>
#include <cerrno>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

namespace kvroute::sim {

namespace {

using routing::EppPluginKind;

constexpr std::string_view kKind = "EndpointPickerConfig";
constexpr std::array<std::string_view, 3> kApiVersions{
    "inference.networking.x-k8s.io/v1alpha1",                         // GAIE v0.5 - v1.x samples
    "config.apix.gateway-api-inference-extension.sigs.k8s.io/v1alpha1", // later GAIE samples
    "llm-d.ai/v1alpha1",                                              // llm-d-router samples
};

std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

template <typename Range>
std::string joinList(const Range& items)
{
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + std::string(item);
    return out;
}

struct PluginDecl {
    EppPluginConfig config;
    EppPluginKind kind = EppPluginKind::Filter;
    YAML::Mark mark;
    std::map<std::string, YAML::Mark> paramMarks;
};

struct ProfileRef {
    std::string pluginRef;
    std::optional<double> weight;
};

struct Profile {
    std::string name;
    YAML::Mark mark;
    std::vector<ProfileRef> refs;
};

class Loader {
public:
    explicit Loader(std::string_view file) : m_file(file) {}

    Result<EppConfig> load(std::string_view text);

private:
    [[nodiscard]] std::string at(const YAML::Mark& mark) const { return strict_yaml::where(m_file, mark); }
    [[nodiscard]] std::string at(const YAML::Node& node) const { return at(node.Mark()); }

    Result<std::vector<std::pair<std::string, YAML::Node>>> mapEntries(const YAML::Node& node, const std::string& what,
                                                                       std::initializer_list<std::string_view> allowed);
    Result<std::string> scalar(const YAML::Node& node, const std::string& what);
    Result<void> flatten(const YAML::Node& node, const std::string& prefix, PluginDecl& decl, int depth = 0);
    Result<void> readPlugins(const YAML::Node& node);
    Result<void> readProfiles(const YAML::Node& node);
    Result<EppConfig> resolve(const YAML::Node& root);
    [[nodiscard]] const PluginDecl* findPlugin(std::string_view name) const;

    std::string m_file;
    std::vector<PluginDecl> m_plugins;
    std::vector<Profile> m_profiles;
};

Result<std::vector<std::pair<std::string, YAML::Node>>> Loader::mapEntries(const YAML::Node& node,
                                                                           const std::string& what,
                                                                           std::initializer_list<std::string_view> allowed)
{
    if (!node.IsMap())
        return fail(what + " must be a map with keys: " + joinList(allowed), at(node));
    std::vector<std::pair<std::string, YAML::Node>> entries;
    for (const auto& pair : node) {
        const YAML::Node key = pair.first;
        if (!key.IsScalar())
            return fail("keys of " + what + " must be names; allowed keys: " + joinList(allowed), at(key));
        const std::string& name = key.Scalar();
        if (std::ranges::find(allowed, std::string_view(name)) == allowed.end())
            return fail("unknown key " + quote(name) + " in " + what + "; allowed keys: " + joinList(allowed), at(key));
        if (std::ranges::any_of(entries, [&](const auto& e) { return e.first == name; }))
            return fail("duplicate key " + quote(name) + " in " + what, at(key));
        entries.emplace_back(name, pair.second);
    }
    return entries;
}

Result<std::string> Loader::scalar(const YAML::Node& node, const std::string& what)
{
    if (!node.IsScalar() || node.Scalar().empty())
        return fail(what + " must be a non-empty string", at(node));
    return node.Scalar();
}

// strict_yaml::parse already refused cycles and documents too deep or too large with aliases
// expanded; the depth check keeps this recursion safe on any node handed to it.
Result<void> Loader::flatten(const YAML::Node& node, const std::string& prefix, PluginDecl& decl, int depth)
{
    if (depth > strict_yaml::kMaxDepth)
        return fail("plugin parameters nest deeper than " + std::to_string(strict_yaml::kMaxDepth) + " levels",
                    at(node));
    if (node.IsScalar() || node.IsNull()) {
        // A null value is kept as "" (like the scenario reader) so that its name is checked too.
        decl.config.parameters[prefix] = node.IsNull() ? std::string() : node.Scalar();
        decl.paramMarks[prefix] = node.Mark();
    } else if (node.IsMap()) {
        for (const auto& pair : node) {
            const YAML::Node key = pair.first;
            const std::string name = key.IsScalar() ? key.Scalar() : std::string("?");
            const std::string path = prefix.empty() ? name : prefix + "." + name;
            if (auto r = flatten(pair.second, path, decl, depth + 1); !r)
                return r;
            if (pair.second.IsNull())
                decl.paramMarks[path] = key.Mark(); // yaml-cpp marks a missing value past its line
        }
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            if (auto r = flatten(node[i], prefix + "." + std::to_string(i), decl, depth + 1); !r)
                return r;
        }
    }
    return {};
}

Result<void> Loader::readPlugins(const YAML::Node& node)
{
    if (!node.IsSequence() || node.size() == 0)
        return fail("plugins must be a non-empty list of {name?, type, parameters?}", at(node));
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const std::string what = "plugins[" + std::to_string(i) + "]";
        auto entries = mapEntries(item, what, {"name", "type", "parameters"});
        if (!entries)
            return std::unexpected(entries.error());
        PluginDecl decl;
        decl.mark = item.Mark();
        std::optional<YAML::Node> typeNode;
        for (const auto& [key, value] : *entries) {
            if (key == "type") {
                typeNode = value;
            } else if (key == "name") {
                auto name = scalar(value, what + ".name");
                if (!name)
                    return std::unexpected(name.error());
                decl.config.name = *name;
            } else if (!value.IsNull()) {
                if (!value.IsMap())
                    return fail(what + ".parameters must be a map", at(value));
                if (auto flat = flatten(value, "", decl); !flat)
                    return std::unexpected(flat.error());
            }
        }
        if (!typeNode)
            return fail(what + " needs a type; allowed types: " + routing::eppPluginTypeList(), at(item));
        auto type = scalar(*typeNode, what + ".type");
        if (!type)
            return std::unexpected(type.error());
        const auto kind = routing::eppPluginKind(*type);
        if (!kind)
            return fail("unknown plugin type " + quote(*type) + " in " + what + ".type; allowed types: " +
                            routing::eppPluginTypeList(),
                        at(*typeNode));
        decl.kind = *kind;
        decl.config.type = *type;
        if (decl.config.name.empty())
            decl.config.name = *type; // GAIE defaults.go: the name defaults to the type
        if (findPlugin(decl.config.name))
            return fail("duplicate plugin name " + quote(decl.config.name) + " in " + what, at(item));
        auto valid = routing::validateEppPlugin(decl.config);
        if (!valid) {
            const auto markIt = decl.paramMarks.find(valid.error().where);
            return fail(valid.error().message + " (in " + what + ")",
                        at(markIt != decl.paramMarks.end() ? markIt->second : decl.mark));
        }
        m_plugins.push_back(std::move(decl));
    }
    return {};
}

const PluginDecl* Loader::findPlugin(std::string_view name) const
{
    const auto it = std::ranges::find_if(m_plugins, [&](const PluginDecl& p) { return p.config.name == name; });
    return it == m_plugins.end() ? nullptr : &*it;
}

Result<void> Loader::readProfiles(const YAML::Node& node)
{
    if (!node.IsSequence() || node.size() == 0)
        return fail("schedulingProfiles must be a non-empty list of {name, plugins}", at(node));
    std::vector<std::string> defined;
    for (const PluginDecl& p : m_plugins)
        defined.push_back(p.config.name);

    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const std::string what = "schedulingProfiles[" + std::to_string(i) + "]";
        auto entries = mapEntries(item, what, {"name", "plugins"});
        if (!entries)
            return std::unexpected(entries.error());
        Profile profile;
        profile.mark = item.Mark();
        std::optional<YAML::Node> refs;
        for (const auto& [key, value] : *entries) {
            if (key == "name") {
                auto name = scalar(value, what + ".name");
                if (!name)
                    return std::unexpected(name.error());
                profile.name = *name;
            } else {
                refs = value;
            }
        }
        if (profile.name.empty())
            return fail(what + " needs a name", at(item));
        if (std::ranges::any_of(m_profiles, [&](const Profile& p) { return p.name == profile.name; }))
            return fail("duplicate profile name " + quote(profile.name), at(item));
        if (!refs || !refs->IsSequence() || refs->size() == 0)
            return fail("profile " + quote(profile.name) + " needs a non-empty list plugins: [{pluginRef, weight?}]",
                        at(refs ? *refs : item));
        bool hasPicker = false;
        for (std::size_t j = 0; j < refs->size(); ++j) {
            const YAML::Node ref = (*refs)[j];
            const std::string refWhat = what + ".plugins[" + std::to_string(j) + "]";
            auto refEntries = mapEntries(ref, refWhat, {"pluginRef", "weight"});
            if (!refEntries)
                return std::unexpected(refEntries.error());
            ProfileRef pr;
            std::optional<YAML::Node> weightNode;
            for (const auto& [key, value] : *refEntries) {
                if (key == "pluginRef") {
                    auto name = scalar(value, refWhat + ".pluginRef");
                    if (!name)
                        return std::unexpected(name.error());
                    pr.pluginRef = *name;
                    if (!findPlugin(pr.pluginRef))
                        return fail("unknown pluginRef " + quote(pr.pluginRef) + " in profile " + quote(profile.name) +
                                        "; defined plugins: " + joinList(defined),
                                    at(value));
                } else {
                    weightNode = value;
                }
            }
            if (pr.pluginRef.empty())
                return fail(refWhat + " needs a pluginRef; defined plugins: " + joinList(defined), at(ref));
            const PluginDecl& decl = *findPlugin(pr.pluginRef);
            if (decl.kind == EppPluginKind::ProfileHandler || decl.kind == EppPluginKind::RequestControl)
                return fail("plugin " + quote(pr.pluginRef) + " (" + decl.config.type +
                                ") cannot be part of a scheduling profile; profiles take filters, scorers and one picker",
                            at(ref));
            if (std::ranges::any_of(profile.refs, [&](const ProfileRef& r) { return r.pluginRef == pr.pluginRef; }))
                return fail("plugin " + quote(pr.pluginRef) + " is referenced twice in profile " + quote(profile.name),
                            at(ref));
            if (decl.kind == EppPluginKind::Picker) {
                if (hasPicker)
                    return fail("profile " + quote(profile.name) + " has more than one picker", at(ref));
                hasPicker = true;
            }
            if (weightNode) {
                const std::string text = weightNode->IsScalar() ? weightNode->Scalar() : std::string("(not a scalar)");
                double w = -1.0;
                const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), w);
                if (!weightNode->IsScalar() || ec != std::errc{} || end != text.data() + text.size() ||
                    !std::isfinite(w) || w < 0.0)
                    return fail("weight of pluginRef " + quote(pr.pluginRef) + " in profile " + quote(profile.name) +
                                    " must be a number >= 0 (e.g. 1, 2.0), got " + quote(text),
                                at(*weightNode));
                pr.weight = w;
            }
            profile.refs.push_back(std::move(pr));
        }
        m_profiles.push_back(std::move(profile));
    }
    return {};
}

Result<EppConfig> Loader::resolve(const YAML::Node& root)
{
    // GAIE defaults.go: no profiles -> one profile "default" with every filter, scorer and picker.
    if (m_profiles.empty()) {
        Profile all;
        all.name = "default";
        all.mark = root.Mark();
        bool hasPicker = false;
        for (const PluginDecl& p : m_plugins) {
            if (p.kind == EppPluginKind::Picker) {
                if (hasPicker)
                    return fail("without schedulingProfiles every plugin joins the default profile, which can "
                                "have only one picker",
                                at(p.mark));
                hasPicker = true;
            }
            if (p.kind == EppPluginKind::Filter || p.kind == EppPluginKind::Scorer || p.kind == EppPluginKind::Picker)
                all.refs.push_back(ProfileRef{p.config.name, std::nullopt});
        }
        m_profiles.push_back(std::move(all));
    }

    std::vector<const PluginDecl*> handlers;
    for (const PluginDecl& p : m_plugins) {
        if (p.kind == EppPluginKind::ProfileHandler)
            handlers.push_back(&p);
    }
    if (handlers.size() > 1)
        return fail("only one profile handler is allowed, found " + quote(handlers[0]->config.name) + " and " +
                        quote(handlers[1]->config.name),
                    at(handlers[1]->mark));

    const Profile* chosen = nullptr;
    if (!handlers.empty() && handlers[0]->config.type == "pd-profile-handler") {
        // Decode-only simulation: run the profile the P/D handler uses for decode.
        const auto& params = handlers[0]->config.parameters;
        const auto it = params.find("decodeProfile");
        const std::string decode = it == params.end() ? "decode" : it->second;
        const auto found = std::ranges::find_if(m_profiles, [&](const Profile& p) { return p.name == decode; });
        if (found == m_profiles.end()) {
            std::vector<std::string> names;
            for (const Profile& p : m_profiles)
                names.push_back(p.name);
            return fail("pd-profile-handler's decode profile " + quote(decode) +
                            " is not among schedulingProfiles: " + joinList(names),
                        at(handlers[0]->mark));
        }
        chosen = &*found;
    } else if (m_profiles.size() == 1) {
        chosen = &m_profiles.front();
    } else {
        return fail(std::to_string(m_profiles.size()) +
                        " schedulingProfiles need a pd-profile-handler to choose between them"
                        " (single-profile-handler runs exactly one)",
                    at(m_profiles[1].mark));
    }

    EppConfig config;
    config.profile.clear();
    config.configFile = m_file;
    bool hasPicker = false;
    for (const ProfileRef& ref : chosen->refs) {
        const PluginDecl& decl = *findPlugin(ref.pluginRef);
        EppPluginConfig plugin = decl.config;
        plugin.weight = decl.kind == EppPluginKind::Scorer ? ref.weight.value_or(1.0) : 1.0;
        hasPicker = hasPicker || decl.kind == EppPluginKind::Picker;
        config.plugins.push_back(std::move(plugin));
    }
    if (!hasPicker) {
        EppPluginConfig picker;
        picker.name = "max-score-picker";
        picker.type = "max-score-picker";
        config.plugins.push_back(std::move(picker));
    }
    return config;
}

Result<EppConfig> Loader::load(std::string_view text)
{
    auto parsed = strict_yaml::parse(text, m_file);
    if (!parsed)
        return std::unexpected(parsed.error());
    const YAML::Node root = *parsed;
    // featureGates / saturationDetector / data configure parts of the EPP the simulation does
    // not have (flow control, data layer); they are accepted and ignored.
    auto entries = mapEntries(root, "an EndpointPickerConfig",
                              {"apiVersion", "kind", "plugins", "schedulingProfiles", "featureGates",
                               "saturationDetector", "data"});
    if (!entries)
        return std::unexpected(entries.error());
    std::optional<YAML::Node> plugins;
    std::optional<YAML::Node> profiles;
    for (const auto& [key, value] : *entries) {
        if (key == "apiVersion") {
            const bool known = value.IsScalar() && std::ranges::find(kApiVersions, std::string_view(value.Scalar())) !=
                                                        kApiVersions.end();
            if (!known)
                return fail("unknown apiVersion " + quote(value.IsScalar() ? value.Scalar() : "?") +
                                "; allowed: " + joinList(kApiVersions),
                            at(value));
        } else if (key == "kind") {
            if (!value.IsScalar() || value.Scalar() != kKind)
                return fail("kind must be " + std::string(kKind), at(value));
        } else if (key == "plugins") {
            plugins = value;
        } else if (key == "schedulingProfiles") {
            profiles = value;
        }
    }
    if (!plugins)
        return fail("an EndpointPickerConfig needs plugins", at(root));
    if (auto ok = readPlugins(*plugins); !ok)
        return std::unexpected(ok.error());
    if (profiles) {
        if (auto ok = readProfiles(*profiles); !ok)
            return std::unexpected(ok.error());
    }
    return resolve(root);
}

} // namespace

Result<EppConfig> loadEndpointPickerConfig(std::string_view yamlText, std::string_view fileName)
{
    Loader loader(fileName);
    return loader.load(yamlText);
}

Result<EppConfig> loadEndpointPickerConfigFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return fail("no such EndpointPickerConfig file (routing.epp_config; a relative path is taken from the "
                    "scenario file's folder, or from the working directory for --set)",
                    path);
    if (std::filesystem::is_directory(path, ec))
        return fail("is a directory, not an EndpointPickerConfig file (routing.epp_config)", path);
    if (!std::filesystem::is_regular_file(path, ec))
        return fail("is not a regular file (a device, a pipe or a socket)", path);
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > 16 * 1024 * 1024)
        return fail("is " + std::to_string(size) + " bytes; an EndpointPickerConfig file may be at most 16 MiB", path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot read the EndpointPickerConfig file: " + std::error_code(errno, std::generic_category()).message(),
                    path);
    std::ostringstream text;
    text << in.rdbuf();
    return loadEndpointPickerConfig(text.str(), path);
}

Result<EppConfig> resolveEppConfig(const EppConfig& config)
{
    if (!config.plugins.empty())
        return config;
    Result<EppConfig> loaded =
        config.configFile.empty() ? builtinEppProfile(config.profile) : loadEndpointPickerConfigFile(config.configFile);
    if (!loaded)
        return loaded;
    loaded->profile = config.configFile.empty() ? config.profile : std::string();
    loaded->configFile = config.configFile;
    loaded->scrapeIntervalSeconds = config.scrapeIntervalSeconds;
    loaded->kvEventDelaySeconds = config.kvEventDelaySeconds;
    return loaded;
}

} // namespace kvroute::sim
