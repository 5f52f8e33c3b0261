// Writing a render into its directory, with the marker that `deploy apply|status|delete` read
// (cluster/deploy/kube_render_marker.h) and that lets a later render replace this one.

#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_manifests.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace kvroute::cluster::deploy {

namespace fs = std::filesystem;

namespace {

/// The files a previous render listed in its marker (its "files:" list).
std::vector<std::string> previousFiles(const fs::path& marker)
{
    std::ifstream in(marker);
    std::vector<std::string> files;
    std::string line;
    bool inFiles = false;
    while (std::getline(in, line)) {
        if (!line.starts_with("- ") && !line.starts_with(' '))
            inFiles = line == "files:";
        else if (inFiles && line.starts_with("- \"") && line.ends_with('"') && line.size() > 4)
            files.push_back(line.substr(3, line.size() - 4));
    }
    return files;
}

bool plainFileName(const std::string& name)
{
    return !name.empty() && name.find_first_of("/\\\"") == std::string::npos && name != "." && name != ".." &&
           !name.starts_with('.');
}

Result<void> writeFile(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        return fail("cannot write " + path.string(), "--out");
    return {};
}

} // namespace

Result<std::vector<std::string>> writeManifests(const std::string& dir, const RenderedManifests& manifests,
                                                const RenderOptions& options, bool force)
{
    const fs::path root(dir);
    std::error_code ec;
    const fs::path marker = root / std::string(kRenderMarker);
    std::vector<std::string> stale;
    if (fs::exists(root, ec)) {
        if (!fs::is_directory(root, ec))
            return fail(dir + " exists and is not a directory", "--out");
        const bool rendered = fs::exists(marker, ec);
        const bool empty = fs::is_empty(root, ec);
        if (!rendered && !empty && !force)
            return fail(dir + " is not empty and kvroute did not render it (no " + std::string(kRenderMarker) +
                            "); choose an empty or new directory, or give --force to write into it anyway",
                        "--out");
        if (rendered)
            stale = previousFiles(marker);
    } else if (!fs::create_directories(root, ec) && ec) {
        return fail("cannot create " + dir + ": " + ec.message(), "--out");
    }

    std::set<std::string> names;
    std::vector<std::string> written;
    for (const auto& file : manifests.files) {
        names.insert(file.name);
        if (auto ok = writeFile(root / file.name, file.text); !ok)
            return std::unexpected(ok.error());
        written.push_back((root / file.name).string());
    }
    // A previous render of another policy may have left files this one does not write; applying
    // the directory would apply them too.
    for (const auto& name : stale) {
        if (plainFileName(name) && !names.contains(name))
            fs::remove(root / name, ec);
    }
    std::ostringstream m;
    m << "# Written by kvroute deploy render; kvroute deploy apply, status and delete read it.\n"
      << "scenario: " << yamlQuote(manifests.scenarioLabel) << "\n"
      << "namespace: " << yamlQuote(options.ns) << "\n"
      << "target: " << (options.target == RenderTarget::OpenShift ? "openshift" : "kubernetes") << "\n"
      << "files:\n";
    for (const auto& file : manifests.files)
        m << "- " << yamlQuote(file.name) << "\n";
    if (auto ok = writeFile(marker, m.str()); !ok)
        return std::unexpected(ok.error());
    return written;
}

} // namespace kvroute::cluster::deploy
