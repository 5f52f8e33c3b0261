#include "cluster/deploy/kube_render_marker.h"

#include "sim/util/text_check.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kvroute::cluster {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string scalar(const YAML::Node& node, const char* key)
{
    const auto value = node[key];
    return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

std::map<std::string, std::string> stringMap(const YAML::Node& node)
{
    std::map<std::string, std::string> out;
    if (node && node.IsMap())
        for (const auto& kv : node)
            if (kv.second.IsScalar())
                out[kv.first.as<std::string>()] = kv.second.as<std::string>();
    return out;
}

Result<std::string> readText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot read the file", path.string());
    std::ostringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    if (auto problem = nonTextProblem(s))
        return fail(*problem, path.string());
    return s;
}

bool isYaml(const fs::path& p)
{
    const auto ext = lower(p.extension().string());
    return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::string canonicalKind(const std::string& kind)
{
    const auto k = lower(kind);
    if (k == "deployment" || k == "deployments" || k == "deploy")
        return "Deployment";
    if (k == "statefulset" || k == "statefulsets" || k == "sts")
        return "StatefulSet";
    return kind;
}

} // namespace

bool RenderMarker::openshift() const
{
    const auto t = lower(target);
    return t == "openshift" || t == "ocp" || t == "okd";
}

std::string RenderedWorkload::resource() const
{
    return lower(kind) + "/" + name;
}

Result<RenderMarker> parseRenderMarker(const std::string& text, const std::string& where)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return fail("the render marker does not parse: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")", where);
    }
    if (!root || !root.IsMap())
        return fail("the render marker is not a mapping with scenario, namespace and target", where);
    RenderMarker marker;
    try {
        marker.scenario = scalar(root, "scenario");
        marker.ns = scalar(root, "namespace");
        marker.target = scalar(root, "target");
        if (const auto list = root["workloads"]; list && list.IsSequence()) {
            for (const auto& item : list) {
                std::string kind;
                std::string name;
                if (item.IsScalar()) {
                    const auto entry = item.as<std::string>();
                    const auto slash = entry.find('/');
                    if (slash != std::string::npos)
                        kind = entry.substr(0, slash), name = entry.substr(slash + 1);
                } else if (item.IsMap()) {
                    kind = scalar(item, "kind");
                    name = scalar(item, "name");
                }
                if (kind.empty() || name.empty())
                    return fail("workloads: each entry is \"Kind/name\" or {kind, name}", where);
                marker.workloads.push_back(canonicalKind(kind) + "/" + name);
            }
        }
        if (const auto list = root["files"]; list && list.IsSequence())
            for (const auto& item : list)
                if (item.IsScalar())
                    marker.files.push_back(item.as<std::string>());
    } catch (const YAML::Exception& e) {
        return fail("the render marker does not parse: " + e.msg, where);
    }
    if (marker.scenario.empty())
        return fail("the render marker names no scenario", where);
    return marker;
}

Result<RenderedDir> readRenderedDir(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return fail("not a directory", dir.string());
    RenderedDir rendered;
    rendered.dir = dir;
    const fs::path markerPath = dir / kRenderMarkerFile;
    if (!fs::exists(markerPath, ec))
        return fail(std::string("not rendered by kvroute: there is no ") + kRenderMarkerFile +
                        " marker here. Render it first: kvroute deploy render SCENARIO --out " + dir.string(),
                    dir.string());
    auto markerText = readText(markerPath);
    if (!markerText)
        return std::unexpected(markerText.error());
    auto marker = parseRenderMarker(*markerText, markerPath.string());
    if (!marker)
        return std::unexpected(marker.error());
    rendered.marker = std::move(*marker);

    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto& p = it->path();
        // kubectl skips hidden files in its walk only by extension; we skip hidden names too.
        if (p.filename().string().starts_with('.')) {
            if (it->is_directory())
                it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && isYaml(p)) {
            rendered.yamlFiles.push_back(p);
            if (p.parent_path() != dir)
                rendered.nested = true;
        }
    }
    if (ec)
        return fail("cannot list the directory: " + ec.message(), dir.string());
    std::sort(rendered.yamlFiles.begin(), rendered.yamlFiles.end());
    for (const auto& name : rendered.marker.files)
        if (!fs::exists(dir / name, ec))
            return fail("the render is incomplete: " + name + " (listed in " + kRenderMarkerFile +
                            ") is missing; render it again: kvroute deploy render SCENARIO --out " + dir.string(),
                        dir.string());
    if (rendered.yamlFiles.empty())
        return fail("no YAML manifests (*.yaml, *.yml) here; render them first: kvroute deploy render SCENARIO --out " +
                        dir.string(),
                    dir.string());

    for (const auto& file : rendered.yamlFiles) {
        auto text = readText(file);
        if (!text)
            return std::unexpected(text.error());
        std::vector<YAML::Node> docs;
        try {
            docs = YAML::LoadAll(*text);
        } catch (const YAML::Exception& e) {
            return fail("does not parse as YAML: " + e.msg, file.string() + ":" + std::to_string(e.mark.line + 1));
        }
        try {
            for (const auto& doc : docs) {
                if (!doc || !doc.IsMap())
                    continue;
                // A List (kubectl get -o yaml) holds its objects in items.
                std::vector<YAML::Node> objects{doc};
                if (scalar(doc, "kind") == "List" && doc["items"] && doc["items"].IsSequence()) {
                    objects.clear();
                    for (const auto& item : doc["items"])
                        objects.push_back(item);
                }
                for (const auto& object : objects) {
                    const std::string kind = scalar(object, "kind");
                    if (kind.empty())
                        continue;
                    rendered.kinds.insert(kind + " (" + scalar(object, "apiVersion") + ")");
                    if (kind != "Deployment" && kind != "StatefulSet")
                        continue;
                    RenderedWorkload w;
                    w.kind = kind;
                    w.name = scalar(object["metadata"], "name");
                    w.ns = scalar(object["metadata"], "namespace");
                    if (object["spec"] && object["spec"]["selector"])
                        w.selector = stringMap(object["spec"]["selector"]["matchLabels"]);
                    if (object["spec"] && object["spec"]["template"] && object["spec"]["template"]["metadata"])
                        w.templateLabels = stringMap(object["spec"]["template"]["metadata"]["labels"]);
                    if (!w.name.empty())
                        rendered.workloads.push_back(std::move(w));
                }
            }
        } catch (const YAML::Exception& e) {
            return fail("unexpected structure: " + e.msg, file.string());
        }
    }
    for (const auto& entry : rendered.marker.workloads) {
        const auto slash = entry.find('/');
        const std::string kind = entry.substr(0, slash);
        const std::string name = entry.substr(slash + 1);
        if (kind != "Deployment" && kind != "StatefulSet")
            continue;
        const bool known = std::any_of(rendered.workloads.begin(), rendered.workloads.end(),
                                       [&](const RenderedWorkload& w) { return w.kind == kind && w.name == name; });
        if (!known)
            rendered.workloads.push_back(RenderedWorkload{kind, name, {}, {}, {}});
    }
    return rendered;
}

} // namespace kvroute::cluster
