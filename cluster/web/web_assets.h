#pragma once
// The dashboard's static files, compiled in (cluster/web/embed_web_assets.cmake): the page,
// its ES modules and style sheet from web/, and Debian's Chart.js.

#include <optional>
#include <string_view>

namespace kvroute::cluster::web {

struct WebAsset {
    std::string_view contents;
    std::string_view contentType;
};

/// The file served at a URL path ("/" is the page); nullopt for anything else.
[[nodiscard]] std::optional<WebAsset> findWebAsset(std::string_view urlPath);

} // namespace kvroute::cluster::web
