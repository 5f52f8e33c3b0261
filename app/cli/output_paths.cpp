#include "app/cli/commands.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kvroute::cli {

/// Whether `path` can be written (created or replaced), checked before a long run rather than
/// after it; the reason otherwise.
std::optional<std::string> unwritable(const std::string& path, bool directory)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    if (fs::exists(p, ec)) {
        if (fs::is_directory(p, ec) != directory)
            return directory ? "exists and is not a directory" : "is a directory";
        return ::access(path.c_str(), W_OK) == 0 ? std::nullopt : std::optional<std::string>(std::strerror(errno));
    }
    fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    if (directory) { // created with its missing parents: the nearest existing one must be writable
        while (!fs::exists(parent, ec) && parent.has_parent_path() && parent != parent.parent_path())
            parent = parent.parent_path();
    }
    if (!fs::is_directory(parent, ec))
        return "its folder " + parent.string() + (fs::exists(parent, ec) ? " is a file, not a directory" : " does not exist");
    return ::access(parent.c_str(), W_OK) == 0 ? std::nullopt : std::optional<std::string>(std::strerror(errno));
}

} // namespace kvroute::cli
