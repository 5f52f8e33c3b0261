#pragma once
// Data files compiled into the binaries (presets/*.yaml, scenarios/*.yaml, traces/*.jsonl).

#include <optional>
#include <span>
#include <string_view>

namespace kvroute::resources {

struct EmbeddedFile {
    std::string_view path;     ///< relative to resources/, e.g. "presets/models.yaml"
    std::string_view contents;
};

/// Every embedded file, sorted by path.
std::span<const EmbeddedFile> embeddedFiles();

/// The contents of one embedded file, if present.
std::optional<std::string_view> embeddedFile(std::string_view path);

} // namespace kvroute::resources
