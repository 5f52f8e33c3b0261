#pragma once
// The model and GPU presets, parsed strictly from YAML (resources/presets/{models,gpus}.yaml).
// An unknown key, a missing key or a value of the wrong type is an Error whose `where` is
// "file:line:column" (1-based) and whose message names the key and the allowed keys.

#include "sim/model/gpu_spec.h"
#include "sim/model/model_spec.h"
#include "sim/util/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim {

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
