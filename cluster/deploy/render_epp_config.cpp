// The scenario's resolved Endpoint Picker profile as an EndpointPickerConfig (llmd.md §1.8): the
// format llm-d's EPP reads with --config-file and sim::loadEndpointPickerConfig imports, so the
// deployed scheduler runs the plugins and weights the simulation ran.

#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_context.h"
#include "sim/routing/epp_plugin_factory.h"

#include <cmath>
#include <set>

namespace kvroute::cluster::deploy {

namespace {

/// Parameters whose values are strings even when they look like numbers: Go unmarshals them into
/// string fields (hashSeed "42" must not become the integer 42).
const std::set<std::string, std::less<>> kStringParameters{"hashSeed",   "huggingFaceToken", "topicFilter",
                                                           "zmqEndpoint", "mode",             "scoring",
                                                           "decodeProfile", "prefillProfile"};

struct ParamNode {
    std::optional<std::string> value;
    std::map<std::string, ParamNode> children;

    [[nodiscard]] bool isSequence() const
    {
        if (children.empty() || value)
            return false;
        for (std::size_t i = 0; i < children.size(); ++i) {
            if (!children.contains(std::to_string(i)))
                return false;
        }
        return true;
    }
};

bool plainNumberOrBool(std::string_view v)
{
    if (v == "true" || v == "false")
        return true;
    std::size_t i = v.starts_with('-') ? 1 : 0;
    bool digits = false;
    bool dot = false;
    for (; i < v.size(); ++i) {
        if (v[i] >= '0' && v[i] <= '9')
            digits = true;
        else if (v[i] == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digits;
}

std::string key(const std::string& k)
{
    const bool plain = !k.empty() && ((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z')) &&
                       k.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                           std::string::npos &&
                       k != "true" && k != "false" && k != "null" && k != "yes" && k != "no" && k != "on" && k != "off";
    return plain ? k : yamlQuote(k);
}

std::string scalar(const std::string& name, const std::string& value)
{
    return !kStringParameters.contains(name) && plainNumberOrBool(value) ? value : yamlQuote(value);
}

void emit(const ParamNode& node, const std::string& name, int indent, std::string& out);

/// The children of a mapping (or the items of a sequence), each line indented by `indent`.
void emitChildren(const ParamNode& node, const std::string& name, int indent, std::string& out)
{
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (node.isSequence()) {
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            const ParamNode& item = node.children.at(std::to_string(i));
            if (item.value) {
                out += pad + "- " + scalar(name, *item.value) + "\n";
            } else {
                std::string inner;
                emitChildren(item, name, indent + 2, inner);
                // The first entry goes on the dash's line.
                out += pad + "- " + inner.substr(static_cast<std::size_t>(indent) + 2);
            }
        }
        return;
    }
    for (const auto& [childName, child] : node.children)
        emit(child, childName, indent, out);
}

void emit(const ParamNode& node, const std::string& name, int indent, std::string& out)
{
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (node.value) {
        out += pad + key(name) + ": " + scalar(name, *node.value) + "\n";
        return;
    }
    out += pad + key(name) + ":\n";
    emitChildren(node, name, indent + 2, out);
}

std::string weightText(double w)
{
    if (!isFractionalWeight(w) && std::abs(w) < 1e15)
        return std::to_string(static_cast<std::int64_t>(w));
    return yamlNumber(w);
}

} // namespace

bool isFractionalWeight(double weight)
{
    return std::floor(weight) != weight;
}

std::string eppConfigYaml(const sim::EppConfig& resolved)
{
    std::string out;
    bool fractional = false;
    for (const auto& p : resolved.plugins)
        fractional = fractional || isFractionalWeight(p.weight);
    if (fractional)
        out += "# llm-d-inference-scheduler before v0.6.0 (GAIE up to v1.3.0) reads weights as integers:\n"
               "# a fractional weight below is refused there; v0.6.0 and later take floats.\n";
    out += "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n"
           "- type: single-profile-handler\n";
    for (const auto& p : resolved.plugins) {
        if (p.name != p.type)
            out += "- name: " + yamlQuote(p.name) + "\n  type: " + yamlQuote(p.type) + "\n";
        else
            out += "- type: " + yamlQuote(p.type) + "\n";
        if (p.parameters.empty())
            continue;
        ParamNode root;
        for (const auto& [flat, value] : p.parameters) {
            ParamNode* node = &root;
            std::size_t start = 0;
            while (true) {
                const auto dot = flat.find('.', start);
                node = &node->children[flat.substr(start, dot == std::string::npos ? std::string::npos : dot - start)];
                if (dot == std::string::npos)
                    break;
                start = dot + 1;
            }
            node->value = value;
        }
        out += "  parameters:\n";
        emitChildren(root, "", 4, out);
    }
    out += "schedulingProfiles:\n- name: default\n  plugins:\n";
    for (const auto& p : resolved.plugins) {
        out += "  - pluginRef: " + yamlQuote(p.name) + "\n";
        if (sim::routing::eppPluginKind(p.type) == sim::routing::EppPluginKind::Scorer)
            out += "    weight: " + weightText(p.weight) + "\n";
    }
    return out;
}

} // namespace kvroute::cluster::deploy
