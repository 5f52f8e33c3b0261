#include "cluster/web/web_assets.h"

#include "resources/embedded.h"

#include <algorithm>
#include <span>

namespace kvroute::cluster::web {

// Defined by the files cmake/EmbedFiles.cmake generates.
namespace page {
std::span<const kvroute::resources::EmbeddedFile> embeddedFiles();
}
namespace vendor {
std::span<const kvroute::resources::EmbeddedFile> embeddedFiles();
}

namespace {

std::optional<std::string_view> lookup(std::span<const kvroute::resources::EmbeddedFile> files, std::string_view name)
{
    const auto it = std::ranges::find(files, name, &kvroute::resources::EmbeddedFile::path);
    if (it == files.end())
        return std::nullopt;
    return it->contents;
}

std::string_view contentTypeOf(std::string_view name)
{
    if (name.ends_with(".html"))
        return "text/html; charset=utf-8";
    if (name.ends_with(".js"))
        return "text/javascript; charset=utf-8";
    if (name.ends_with(".css"))
        return "text/css; charset=utf-8";
    return "application/octet-stream";
}

} // namespace

std::optional<WebAsset> findWebAsset(std::string_view urlPath)
{
    if (urlPath == "/" || urlPath == "/index.html")
        return WebAsset{*lookup(page::embeddedFiles(), "index.html"), contentTypeOf(".html")};
    if (urlPath == "/vendor/chart.min.js")
        if (auto js = lookup(vendor::embeddedFiles(), "chart.min.js"))
            return WebAsset{*js, contentTypeOf(".js")};
    if (!urlPath.starts_with("/") || urlPath == "/index.html")
        return std::nullopt;
    const auto name = urlPath.substr(1);
    if (name.find('/') != std::string_view::npos)
        return std::nullopt;
    if (auto file = lookup(page::embeddedFiles(), name))
        return WebAsset{*file, contentTypeOf(name)};
    return std::nullopt;
}

} // namespace kvroute::cluster::web
