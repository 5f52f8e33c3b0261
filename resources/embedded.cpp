#include "resources/embedded.h"

#include <algorithm>

namespace kvroute::resources {

std::optional<std::string_view> embeddedFile(std::string_view path)
{
    const auto files = embeddedFiles();
    const auto it = std::ranges::find(files, path, &EmbeddedFile::path);
    if (it == files.end())
        return std::nullopt;
    return it->contents;
}

std::optional<std::string_view> deploy::embeddedFile(std::string_view path)
{
    const auto files = deploy::embeddedFiles();
    const auto it = std::ranges::find(files, path, &EmbeddedFile::path);
    if (it == files.end())
        return std::nullopt;
    return it->contents;
}

} // namespace kvroute::resources
