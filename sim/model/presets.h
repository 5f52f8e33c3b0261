#pragma once
// The model and GPU presets, parsed strictly from YAML (resources/presets/{models,gpus}.yaml).
// An unknown key, a missing key or a value of the wrong type is an Error whose `where` is
// "file:line:column" (1-based) and whose message names the key and the allowed keys.

#include "sim/model/gpu_spec.h"
#include "sim/model/model_spec.h"
#include "sim/util/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim {

/// The vLLM release whose engine kvroute reproduces (vllm.md §8); linear fits are chosen for it.
inline constexpr std::string_view kSimulatedVllmVersion = "0.10.0";

/// "0.10.1.1" → {0, 10, 1, 1}; nullopt unless the text is decimal numbers joined by dots.
[[nodiscard]] std::optional<std::vector<int>> parseVllmVersion(std::string_view text);

/// Negative, zero or positive as version a is older than, the same as or newer than b, compared
/// number by number; missing trailing numbers count as 0 ("0.8" == "0.8.0"). A version that
/// does not parse counts as 0 (the catalog rejects such presets).
[[nodiscard]] int compareVllmVersions(std::string_view a, std::string_view b);

/// The published linear fit to use for this GPU and TP when simulating vLLM `vllmVersion`, or
/// nullptr. Fits measured on another GPU or TP never apply. Among the rest: the newest measured
/// on `vllmVersion` or an older release; if every one is newer, the oldest of them (the closest).
/// The catalog rejects two fits for one GPU, TP and version, so the choice does not depend on
/// file order.
[[nodiscard]] const LinearLatencyFit* selectLinearFit(const ModelSpec& model, std::string_view gpu, int tensorParallel,
                                                      std::string_view vllmVersion = kSimulatedVllmVersion);

class PresetCatalog {
public:
    /// Parses both files. `sourceName` names the folder they came from: errors point at
    /// "<sourceName>/models.yaml:L:C" or "<sourceName>/gpus.yaml:L:C".
    [[nodiscard]] static Result<PresetCatalog> fromYaml(std::string_view modelsYaml, std::string_view gpusYaml,
                                                        std::string_view sourceName);

    /// The presets compiled into the binary (resources/presets/). Parsed on every call: the
    /// simulator keeps no global state, and parsing takes about 0.6 ms.
    [[nodiscard]] static Result<PresetCatalog> builtin();

    [[nodiscard]] const ModelSpec* findModel(std::string_view name) const;
    [[nodiscard]] const GpuSpec* findGpu(std::string_view name) const;

    /// Names in file order.
    [[nodiscard]] std::vector<std::string> modelNames() const;
    [[nodiscard]] std::vector<std::string> gpuNames() const;

    [[nodiscard]] const std::vector<ModelSpec>& models() const { return m_models; }
    [[nodiscard]] const std::vector<GpuSpec>& gpus() const { return m_gpus; }
    [[nodiscard]] const StepOverheads& stepOverheads() const { return m_stepOverheads; }

private:
    std::vector<ModelSpec> m_models;
    std::vector<GpuSpec> m_gpus;
    StepOverheads m_stepOverheads;
};

} // namespace kvroute::sim
