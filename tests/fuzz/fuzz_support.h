#pragma once
// Shared by the harnesses: the trace readers take a path, so each input is written to one
// scratch file per process (in TMPDIR, removed at exit), never into the source tree.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace kvroute::fuzz {

inline const std::string& scratchPath()
{
    static const std::string path = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "kvroute-fuzz-XXXXXX").string();
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0)
            std::abort();
        ::close(fd);
        static std::string toRemove = pattern;
        std::atexit([] { std::remove(toRemove.c_str()); });
        return pattern;
    }();
    return path;
}

/// Writes the input to the scratch file and returns its path.
inline const std::string& writeScratch(const std::uint8_t* data, std::size_t size)
{
    const std::string& path = scratchPath();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr)
        std::abort();
    if (size > 0 && std::fwrite(data, 1, size, f) != size)
        std::abort();
    std::fclose(f);
    return path;
}

} // namespace kvroute::fuzz
