#include "sim/model/presets.h"

#include "resources/embedded.h"
#include "sim/model/kv_capacity.h"
#include "sim/model/strict_yaml.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <limits>
#include <utility>

namespace kvroute::sim {

namespace {

using strict_yaml::MapReader;

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxParams = std::int64_t{1} << 50;

Result<StepOverheads> parseOverheads(const YAML::Node& node, const std::string& file)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "step_overheads", {"per_step_us", "per_layer_us", "per_request_us"},
                                            file));
    StepOverheads overheads;
    KVROUTE_TRY_ASSIGN(overheads.perStepUs, map.number("per_step_us", 0.0, 1e6));
    KVROUTE_TRY_ASSIGN(overheads.perLayerUs, map.number("per_layer_us", 0.0, 1e6));
    KVROUTE_TRY_ASSIGN(overheads.perRequestUs, map.number("per_request_us", 0.0, 1e6));
    return overheads;
}

Result<GpuSpec> parseGpu(const YAML::Node& node, const std::string& file)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "gpu",
                                            {"name", "device_name", "memory_gib", "peak_bf16_tflops",
                                             "memory_bandwidth_tbs", "mfu_prefill", "mfu_decode",
                                             "bandwidth_efficiency", "tp_allreduce_us", "vllm_large_gpu_defaults"},
                                            file));
    GpuSpec gpu;
    KVROUTE_TRY_ASSIGN(gpu.name, map.string("name"));
    KVROUTE_TRY_ASSIGN(gpu.deviceName, map.string("device_name"));
    KVROUTE_TRY_ASSIGN(gpu.memoryGib, map.number("memory_gib", 1.0, 1e5));
    KVROUTE_TRY_ASSIGN(gpu.peakBf16Tflops, map.number("peak_bf16_tflops", 1.0, 1e6));
    KVROUTE_TRY_ASSIGN(gpu.memoryBandwidthTBs, map.number("memory_bandwidth_tbs", 0.01, 1e4));
    KVROUTE_TRY_ASSIGN(gpu.mfuPrefill, map.number("mfu_prefill", 0.001, 1.0));
    KVROUTE_TRY_ASSIGN(gpu.mfuDecode, map.number("mfu_decode", 0.001, 1.0));
    KVROUTE_TRY_ASSIGN(gpu.bandwidthEfficiency, map.number("bandwidth_efficiency", 0.001, 1.0));
    KVROUTE_TRY_ASSIGN(gpu.tpAllReduceUs, map.number("tp_allreduce_us", 0.0, 1e6));
    KVROUTE_TRY_ASSIGN(gpu.vllmLargeGpuDefaults, map.boolean("vllm_large_gpu_defaults"));

    // The flag is data a UI shows, but vLLM derives it; a preset that disagrees is a typo.
    const bool rule = vllmLargeGpuRule(gpu.memoryGib, gpu.deviceName);
    if (gpu.vllmLargeGpuDefaults != rule)
        return fail("vllm_large_gpu_defaults of gpu '" + gpu.name + "' must be " + (rule ? "true" : "false") +
                        ": vLLM uses its large defaults exactly when memory >= 70 GiB and the device name "
                        "does not contain 'A100' (vllm.md §8)",
                    map.whereValue("vllm_large_gpu_defaults"));
    return gpu;
}

Result<LinearLatencyFit> parseLinearFit(const YAML::Node& node, const std::string& model,
                                        const std::vector<GpuSpec>& gpus, const std::string& file)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "linear_latency entry of model '" + model + "'",
                                            {"gpu", "tensor_parallel", "vllm_version", "beta0_us", "beta1_us",
                                             "beta2_us", "beta3_us", "source"},
                                            file));
    LinearLatencyFit fit;
    KVROUTE_TRY_ASSIGN(fit.gpu, map.string("gpu"));
    if (std::ranges::none_of(gpus, [&](const GpuSpec& g) { return g.name == fit.gpu; }))
        return fail("linear_latency of model '" + model + "' names unknown gpu '" + fit.gpu + "'",
                    map.whereValue("gpu"));
    std::int64_t tp = 0;
    KVROUTE_TRY_ASSIGN(tp, map.integer("tensor_parallel", 1, 64));
    fit.tensorParallel = static_cast<int>(tp);
    KVROUTE_TRY_ASSIGN(fit.vllmVersion, map.string("vllm_version"));
    if (!parseVllmVersion(fit.vllmVersion))
        return fail("vllm_version of a linear_latency entry of model '" + model + "' must be a release number like "
                        "\"0.8.4\", got '" + fit.vllmVersion + "'",
                    map.whereValue("vllm_version"));
    KVROUTE_TRY_ASSIGN(fit.beta0Us, map.number("beta0_us", 0.0, 1e7));
    KVROUTE_TRY_ASSIGN(fit.beta1Us, map.number("beta1_us", 0.0, 1e6));
    KVROUTE_TRY_ASSIGN(fit.beta2Us, map.number("beta2_us", 0.0, 1e6));
    KVROUTE_TRY_ASSIGN(fit.beta3Us, map.number("beta3_us", 0.0, 1e6));
    KVROUTE_TRY_ASSIGN(fit.source, map.string("source"));
    return fit;
}

Result<int> positiveInt(const MapReader& map, std::string_view key)
{
    std::int64_t value = 0;
    KVROUTE_TRY_ASSIGN(value, map.integer(key, 1, kMaxInt));
    return static_cast<int>(value);
}

Result<ModelSpec> parseModel(const YAML::Node& node, const std::vector<GpuSpec>& gpus, const std::string& file)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "model",
                                            {"name", "hf_id", "num_hidden_layers", "hidden_size", "intermediate_size",
                                             "num_attention_heads", "num_key_value_heads", "head_dim", "vocab_size",
                                             "max_position_embeddings", "tie_word_embeddings", "dtype_bytes",
                                             "parameter_count", "linear_latency"},
                                            file));
    ModelSpec model;
    KVROUTE_TRY_ASSIGN(model.name, map.string("name"));
    KVROUTE_TRY_ASSIGN(model.hfId, map.string("hf_id"));
    KVROUTE_TRY_ASSIGN(model.numLayers, positiveInt(map, "num_hidden_layers"));
    KVROUTE_TRY_ASSIGN(model.hiddenSize, positiveInt(map, "hidden_size"));
    KVROUTE_TRY_ASSIGN(model.intermediateSize, positiveInt(map, "intermediate_size"));
    KVROUTE_TRY_ASSIGN(model.numAttentionHeads, positiveInt(map, "num_attention_heads"));
    KVROUTE_TRY_ASSIGN(model.numKvHeads, positiveInt(map, "num_key_value_heads"));
    KVROUTE_TRY_ASSIGN(model.headDim, positiveInt(map, "head_dim"));
    KVROUTE_TRY_ASSIGN(model.vocabSize, positiveInt(map, "vocab_size"));
    KVROUTE_TRY_ASSIGN(model.maxPositionEmbeddings, positiveInt(map, "max_position_embeddings"));
    KVROUTE_TRY_ASSIGN(model.tieWordEmbeddings, map.boolean("tie_word_embeddings"));
    std::int64_t dtypeBytes = 0;
    KVROUTE_TRY_ASSIGN(dtypeBytes, map.integer("dtype_bytes", 1, 4));
    model.dtypeBytes = static_cast<int>(dtypeBytes);
    KVROUTE_TRY_ASSIGN(model.parameterCount, map.integer("parameter_count", 1, kMaxParams));

    if (model.numAttentionHeads % model.numKvHeads != 0)
        return fail("num_attention_heads (" + std::to_string(model.numAttentionHeads) +
                        ") of model '" + model.name + "' must be a multiple of num_key_value_heads (" +
                        std::to_string(model.numKvHeads) + ")",
                    map.whereValue("num_key_value_heads"));
    if (model.nonEmbeddingParams() <= 0)
        return fail("parameter_count of model '" + model.name + "' is not larger than its embedding matrices",
                    map.whereValue("parameter_count"));

    YAML::Node fits;
    KVROUTE_TRY_ASSIGN(fits, map.sequence("linear_latency"));
    for (const YAML::Node& fitNode : fits) {
        LinearLatencyFit fit;
        KVROUTE_TRY_ASSIGN(fit, parseLinearFit(fitNode, model.name, gpus, file));
        const std::string where = strict_yaml::where(file, fitNode.Mark());
        if (auto valid = validateTensorParallel(model, fit.tensorParallel); !valid)
            return fail("linear_latency of model '" + model.name + "': " + valid.error().message, where);
        // One fit per GPU, TP and vLLM version, so selectLinearFit never depends on file order
        // (BLIS's own table has such duplicates and silently uses the first).
        const bool duplicate = std::ranges::any_of(model.linearFits, [&](const LinearLatencyFit& other) {
            return other.gpu == fit.gpu && other.tensorParallel == fit.tensorParallel &&
                   compareVllmVersions(other.vllmVersion, fit.vllmVersion) == 0;
        });
        if (duplicate)
            return fail("duplicate linear_latency entry of model '" + model.name + "' for gpu '" + fit.gpu + "', TP " +
                            std::to_string(fit.tensorParallel) + ", vLLM " + fit.vllmVersion +
                            ": keep one fit per GPU, TP and vLLM version",
                        where);
        model.linearFits.push_back(std::move(fit));
    }
    return model;
}

template <typename Spec>
Result<void> checkUniqueName(const std::vector<Spec>& specs, const Spec& spec, std::string_view kind,
                             const std::string& where)
{
    if (std::ranges::any_of(specs, [&](const Spec& s) { return s.name == spec.name; }))
        return fail("duplicate " + std::string(kind) + " name '" + spec.name + "'", where);
    return {};
}

} // namespace

std::optional<std::vector<int>> parseVllmVersion(std::string_view text)
{
    std::vector<int> numbers;
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = std::min(text.find('.', begin), text.size());
        const std::string_view part = text.substr(begin, end - begin);
        int value = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        // Digits only: from_chars would accept a leading '-'.
        if (part.empty() || part.front() == '-' || ec != std::errc() || ptr != part.data() + part.size())
            return std::nullopt;
        numbers.push_back(value);
        if (end == text.size())
            return numbers;
        begin = end + 1;
    }
}

int compareVllmVersions(std::string_view a, std::string_view b)
{
    const std::vector<int> va = parseVllmVersion(a).value_or(std::vector<int>{});
    const std::vector<int> vb = parseVllmVersion(b).value_or(std::vector<int>{});
    for (std::size_t i = 0; i < std::max(va.size(), vb.size()); ++i) {
        const int x = i < va.size() ? va[i] : 0;
        const int y = i < vb.size() ? vb[i] : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

const LinearLatencyFit* selectLinearFit(const ModelSpec& model, std::string_view gpu, int tensorParallel,
                                        std::string_view vllmVersion)
{
    const LinearLatencyFit* newestNotNewer = nullptr; // newest fit measured on vllmVersion or older
    const LinearLatencyFit* oldestNewer = nullptr;    // oldest fit measured on a newer release
    for (const LinearLatencyFit& fit : model.linearFits) {
        if (fit.gpu != gpu || fit.tensorParallel != tensorParallel)
            continue;
        if (compareVllmVersions(fit.vllmVersion, vllmVersion) <= 0) {
            if (newestNotNewer == nullptr || compareVllmVersions(fit.vllmVersion, newestNotNewer->vllmVersion) > 0)
                newestNotNewer = &fit;
        } else if (oldestNewer == nullptr || compareVllmVersions(fit.vllmVersion, oldestNewer->vllmVersion) < 0) {
            oldestNewer = &fit;
        }
    }
    return newestNotNewer != nullptr ? newestNotNewer : oldestNewer;
}

Result<PresetCatalog> PresetCatalog::fromYaml(std::string_view modelsYaml, std::string_view gpusYaml,
                                              std::string_view sourceName)
{
    const std::string prefix = sourceName.empty() ? std::string() : std::string(sourceName) + "/";
    const std::string modelsFile = prefix + "models.yaml";
    const std::string gpusFile = prefix + "gpus.yaml";
    PresetCatalog catalog;

    // GPUs first: a model's linear_latency entries name GPUs.
    YAML::Node gpusRoot;
    KVROUTE_TRY_ASSIGN(gpusRoot, strict_yaml::parse(gpusYaml, gpusFile));
    MapReader gpusTop;
    KVROUTE_TRY_ASSIGN(gpusTop, MapReader::open(gpusRoot, "top level", {"step_overheads", "gpus"}, gpusFile));
    YAML::Node overheadsNode;
    KVROUTE_TRY_ASSIGN(overheadsNode, gpusTop.map("step_overheads"));
    KVROUTE_TRY_ASSIGN(catalog.m_stepOverheads, parseOverheads(overheadsNode, gpusFile));
    YAML::Node gpuList;
    KVROUTE_TRY_ASSIGN(gpuList, gpusTop.sequence("gpus"));
    for (const YAML::Node& node : gpuList) {
        GpuSpec gpu;
        KVROUTE_TRY_ASSIGN(gpu, parseGpu(node, gpusFile));
        if (auto unique = checkUniqueName(catalog.m_gpus, gpu, "gpu", strict_yaml::where(gpusFile, node.Mark()));
            !unique)
            return std::unexpected(unique.error());
        catalog.m_gpus.push_back(std::move(gpu));
    }
    if (catalog.m_gpus.empty())
        return fail("the gpus list is empty", gpusTop.whereValue("gpus"));

    YAML::Node modelsRoot;
    KVROUTE_TRY_ASSIGN(modelsRoot, strict_yaml::parse(modelsYaml, modelsFile));
    MapReader modelsTop;
    KVROUTE_TRY_ASSIGN(modelsTop, MapReader::open(modelsRoot, "top level", {"models"}, modelsFile));
    YAML::Node modelList;
    KVROUTE_TRY_ASSIGN(modelList, modelsTop.sequence("models"));
    for (const YAML::Node& node : modelList) {
        ModelSpec model;
        KVROUTE_TRY_ASSIGN(model, parseModel(node, catalog.m_gpus, modelsFile));
        if (auto unique = checkUniqueName(catalog.m_models, model, "model", strict_yaml::where(modelsFile, node.Mark()));
            !unique)
            return std::unexpected(unique.error());
        catalog.m_models.push_back(std::move(model));
    }
    if (catalog.m_models.empty())
        return fail("the models list is empty", modelsTop.whereValue("models"));
    return catalog;
}

Result<PresetCatalog> PresetCatalog::builtin()
{
    // The embedded files are compiled in and cannot change, so their parse is a constant of the
    // process, computed once (thread-safe static init), not mutable state. Parsing them on every
    // run cost ~10% of a small simulation.
    static const Result<PresetCatalog> parsed = []() -> Result<PresetCatalog> {
        const auto models = resources::embeddedFile("presets/models.yaml");
        const auto gpus = resources::embeddedFile("presets/gpus.yaml");
        if (!models || !gpus)
            return fail("the built-in presets are missing from this binary (resources/presets/*.yaml)");
        return fromYaml(*models, *gpus, "presets");
    }();
    return parsed;
}

#undef KVROUTE_TRY_ASSIGN

const ModelSpec* PresetCatalog::findModel(std::string_view name) const
{
    const auto it = std::ranges::find(m_models, name, &ModelSpec::name);
    return it == m_models.end() ? nullptr : &*it;
}

const GpuSpec* PresetCatalog::findGpu(std::string_view name) const
{
    const auto it = std::ranges::find(m_gpus, name, &GpuSpec::name);
    return it == m_gpus.end() ? nullptr : &*it;
}

std::vector<std::string> PresetCatalog::modelNames() const
{
    std::vector<std::string> names;
    names.reserve(m_models.size());
    for (const ModelSpec& model : m_models)
        names.push_back(model.name);
    return names;
}

std::vector<std::string> PresetCatalog::gpuNames() const
{
    std::vector<std::string> names;
    names.reserve(m_gpus.size());
    for (const GpuSpec& gpu : m_gpus)
        names.push_back(gpu.name);
    return names;
}

} // namespace kvroute::sim
