#pragma once
// Data files compiled into the binaries (presets/*.yaml, scenarios/*.yaml, traces/*.jsonl, and
// the deploy templates).

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

/// `kvroute deploy render`'s templates, deploy/templates/*.yaml; paths relative to deploy/,
/// e.g. "templates/vllm-deployment.yaml".
namespace deploy {
std::span<const EmbeddedFile> embeddedFiles();
std::optional<std::string_view> embeddedFile(std::string_view path);
} // namespace deploy

} // namespace kvroute::resources
