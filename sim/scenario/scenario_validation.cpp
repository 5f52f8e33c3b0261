#include "sim/scenario/scenario_validation.h"

#include "sim/model/kv_capacity.h"
#include "sim/model/presets.h"
#include "sim/routing/epp_plugin_factory.h"
#include "sim/routing/routing_factory.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_values.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace kvroute::sim {

namespace {

std::string num(std::int64_t value)
{
    return std::to_string(value);
}

/// What CPython accepts in PYTHONHASHSEED at startup (config_init_hash_seed: "random", or all
/// of it read by strtoul as at most 4294967295; an empty one counts as unset).
bool pythonAcceptsHashSeed(const std::string& seed)
{
    if (seed.empty() || seed == "random")
        return true;
    std::size_t i = 0;
    while (i < seed.size() && (seed[i] == ' ' || (seed[i] >= '\t' && seed[i] <= '\r')))
        ++i;
    if (i < seed.size() && seed[i] == '+')
        ++i;
    if (i == seed.size() || seed.size() - i > 10)
        return false;
    std::uint64_t value = 0;
    for (; i < seed.size(); ++i) {
        if (seed[i] < '0' || seed[i] > '9')
            return false;
        value = value * 10 + static_cast<std::uint64_t>(seed[i] - '0');
    }
    return value <= 4294967295ULL;
}

void checkVllm(const Scenario& s, const ModelSpec& model, std::vector<ScenarioIssue>& issues)
{
    const VllmConfig& v = s.vllm;
    // vLLM SchedulerConfig._verify_args (v0.10.0 config.py).
    if (v.maxNumBatchedTokens < v.maxNumSeqs)
        issues.push_back({"vllm.max_num_batched_tokens (" + num(v.maxNumBatchedTokens) +
                              ") must be at least vllm.max_num_seqs (" + num(v.maxNumSeqs) +
                              "), as vLLM's scheduler config requires",
                          {"vllm.max_num_batched_tokens", "vllm.max_num_seqs"}});
    if (v.longPrefillTokenThreshold > v.maxModelLen)
        issues.push_back({"vllm.long_prefill_token_threshold (" + num(v.longPrefillTokenThreshold) +
                              ") cannot be greater than vllm.max_model_len (" + num(v.maxModelLen) +
                              "), as vLLM's scheduler config requires",
                          {"vllm.long_prefill_token_threshold", "vllm.max_model_len"}});
    // Python itself stops at startup with any other PYTHONHASHSEED, before vLLM runs.
    if (v.pythonHashSeed && !pythonAcceptsHashSeed(*v.pythonHashSeed))
        issues.push_back({"vllm.python_hash_seed \"" + *v.pythonHashSeed +
                              "\" is not a PYTHONHASHSEED Python starts with: \"random\" or an integer from 0 "
                              "to 4294967295 (or null: no PYTHONHASHSEED)",
                          {"vllm.python_hash_seed"}});
    // vLLM ModelConfig._get_and_verify_max_len: the default max_model_len is the model's
    // max_position_embeddings (vllm.md §8), and a larger value is refused.
    if (v.maxModelLen > model.maxPositionEmbeddings)
        issues.push_back({"vllm.max_model_len (" + num(v.maxModelLen) + ") is greater than the " +
                              num(model.maxPositionEmbeddings) + " max_position_embeddings of " + model.name,
                          {"vllm.max_model_len", "model.name"}});
}

void checkCapacity(const Scenario& s, const ModelSpec& model, const GpuSpec& gpu, std::vector<ScenarioIssue>& issues)
{
    if (auto tp = validateTensorParallel(model, s.model.tensorParallel); !tp) {
        issues.push_back({"model.tensor_parallel: " + tp.error().message, {"model.tensor_parallel", "model.name"}});
        return;
    }
    // vLLM refuses to start when the weights, the profile run or one max_model_len request do
    // not fit (vllm.md §8); the pod would never serve.
    KvCapacityConfig config;
    config.tensorParallel = s.model.tensorParallel;
    config.gpuMemoryUtilization = s.vllm.gpuMemoryUtilization;
    config.blockSize = s.vllm.blockSize;
    config.maxNumBatchedTokens = s.vllm.maxNumBatchedTokens;
    config.maxNumSeqs = s.vllm.maxNumSeqs;
    config.maxModelLen = s.vllm.maxModelLen;
    if (s.vllm.numGpuBlocksOverride)
        config.numGpuBlocksOverride = *s.vllm.numGpuBlocksOverride;
    if (auto capacity = computeKvCapacity(model, gpu, config); !capacity) {
        if (capacity.error().where == "num_gpu_blocks_override")
            issues.push_back({"vLLM would not start: " + capacity.error().message,
                              {"vllm.num_gpu_blocks_override", "vllm.block_size", "model.name", "model.gpu"}});
        else
            issues.push_back({"vLLM would not start: " + capacity.error().message,
                              {"vllm.gpu_memory_utilization", "vllm.max_model_len", "model.tensor_parallel",
                               "model.name", "model.gpu"}});
    }
}

void checkDistribution(const std::string& path, const Distribution& d, double minimumFloor,
                       std::vector<ScenarioIssue>& issues)
{
    const auto text = scenario_values::formatNumber;
    if (d.min > d.max)
        issues.push_back({path + ".min (" + text(d.min) + ") must not exceed " + path + ".max (" + text(d.max) + ")",
                          {path + ".min", path + ".max", path}});
    else if (d.kind == Distribution::Kind::Constant && (d.mean < d.min || d.mean > d.max))
        issues.push_back({path + " is constant " + text(d.mean) + ", outside its [min, max] = [" + text(d.min) + ", " +
                              text(d.max) + "]",
                          {path + ".mean", path}});
    else if ((d.kind == Distribution::Kind::Lognormal || d.kind == Distribution::Kind::Exponential) && d.mean <= 0.0)
        issues.push_back({path + ".mean must be positive for a " +
                              (d.kind == Distribution::Kind::Lognormal ? std::string("lognormal") : "exponential") +
                              " distribution",
                          {path + ".mean", path}});
    else if (d.min < minimumFloor)
        issues.push_back({path + ".min must be at least " + text(minimumFloor) + ", got " + text(d.min) +
                              " (a mapping replaces the whole distribution: give min)",
                          {path + ".min", path}});
    else if (const auto problem = d.problem()) // whatever else the sampler cannot draw from
        issues.push_back({path + ": " + *problem, {path}});
}

void checkWorkload(const Scenario& s, std::vector<ScenarioIssue>& issues)
{
    const WorkloadConfig& w = s.workload;
    const bool trace = w.kind == WorkloadKind::Mooncake || w.kind == WorkloadKind::Azure;
    if (trace && w.trace.path.empty())
        issues.push_back({"workload.path is required for workload.type mooncake and azure (the trace file)",
                          {"workload.path", "workload.type"}});
    if (w.kind == WorkloadKind::InferencePerf && w.trace.path.empty())
        issues.push_back({"workload.path is required for workload.type inference-perf (the inference-perf config "
                          "file)",
                          {"workload.path", "workload.type"}});
    if (w.kind == WorkloadKind::SharedPrefix && w.sharedPrefix.stages.empty())
        issues.push_back({"workload.shared_prefix.stages needs at least one stage for workload.type shared-prefix",
                          {"workload.shared_prefix.stages", "workload.type"}});
    // Every session has a turn and every answer a token (vLLM refuses max_tokens < 1).
    checkDistribution("workload.chat.turns", w.chat.turnsPerSession, 1.0, issues);
    checkDistribution("workload.chat.think_time", w.chat.thinkTimeSeconds, 0.0, issues);
    checkDistribution("workload.chat.message_tokens", w.chat.messageTokens, 0.0, issues);
    checkDistribution("workload.chat.answer_tokens", w.chat.answerTokens, 1.0, issues);
}

void checkRouting(const Scenario& s, std::vector<ScenarioIssue>& issues)
{
    const RoutingConfig& r = s.routing;
    if (!r.epp.configFile.empty() && !r.epp.plugins.empty())
        issues.push_back({"routing.epp_config and routing.epp_plugins both define the EPP plugins; give one",
                          {"routing.epp_plugins", "routing.epp_config"}});
    if (r.headerHash.header.empty())
        issues.push_back({"routing.header_hash.header must name an HTTP header", {"routing.header_hash.header"}});
}

/// Settings of the precise prefix-cache scorers (llmd.md §1.5) the EPP would run, whether they
/// come from a built-in profile, inline plugins or an EndpointPickerConfig file.
std::vector<std::pair<std::string, routing::PreciseScorerConfig>> preciseIndexes(const RoutingConfig& r)
{
    std::vector<std::pair<std::string, routing::PreciseScorerConfig>> out;
    if (r.policy != RoutingPolicy::Epp)
        return out;
    const auto epp = resolveEppConfig(r.epp);
    if (!epp)
        return out; // reported as an error by whoever builds the router
    for (const EppPluginConfig& plugin : epp->plugins) {
        if (auto index = routing::preciseIndexConfigOf(plugin))
            out.emplace_back(plugin.name, std::move(*index));
    }
    return out;
}

/// Workload keys that workload.type inference-perf never reads: its stages, prompts and arrivals
/// come from the config file (inference_perf_workload.cpp planInferencePerf).
constexpr std::array<std::string_view, 5> kUnreadByInferencePerf{
    "workload.chat", "workload.shared_prefix", "workload.repeat", "workload.time_scale",
    "workload.mooncake_block_tokens"};

bool within(std::string_view path, std::string_view node)
{
    return path == node || (path.size() > node.size() && path.starts_with(node) && path[node.size()] == '.');
}

/// Where the file or --set gave `path`, or the group above it ("" when neither did).
std::string givenWhere(const Scenario& scenario, std::string path)
{
    for (;;) {
        if (const auto it = scenario.givenAt.find(path); it != scenario.givenAt.end())
            return it->second;
        const auto dot = path.rfind('.');
        if (dot == std::string::npos)
            return {};
        path.erase(dot);
    }
}

} // namespace

std::vector<ScenarioIssue> scenarioIssues(const Scenario& scenario)
{
    std::vector<ScenarioIssue> issues;
    for (const FieldSpec& field : scenarioFields())
        if (const auto problem = scenario_values::checkValue(field, field.get(scenario)))
            issues.push_back({*problem, {field.path}});
    if (!issues.empty())
        return issues; // the combinations below assume every value is in range

    auto presets = PresetCatalog::builtin();
    if (!presets) {
        issues.push_back({"the built-in presets do not parse: " + presets.error().toString(), {"model.name"}});
        return issues;
    }
    const ModelSpec* model = presets->findModel(scenario.model.model);
    const GpuSpec* gpu = presets->findGpu(scenario.model.gpu);
    checkVllm(scenario, *model, issues);
    checkCapacity(scenario, *model, *gpu, issues);
    checkWorkload(scenario, issues);
    checkRouting(scenario, issues);
    return issues;
}

Result<void> validateScenario(const Scenario& scenario)
{
    const auto issues = scenarioIssues(scenario);
    if (issues.empty())
        return {};
    return fail(issues.front().message, issues.front().paths.front());
}

std::vector<std::string> scenarioWarnings(const Scenario& scenario)
{
    std::vector<std::string> warnings;
    const VllmConfig& v = scenario.vllm;
    if (!v.enableChunkedPrefill) {
        // arg_utils.py _set_default_args_v1: "V1 always uses chunked prefills" (vllm.md §8).
        std::string warning = "vllm.enable_chunked_prefill: false has no effect: vLLM v0.10.0's V1 engine always "
                              "uses chunked prefill for generative models, and so does the simulation";
        if (v.maxNumBatchedTokens < v.maxModelLen)
            warning += " (the V0 engine would have refused max_num_batched_tokens " + num(v.maxNumBatchedTokens) +
                       " < max_model_len " + num(v.maxModelLen) + ")";
        warnings.push_back(std::move(warning));
    }
    // Parameters a real llm-d reads but the simulation does not model: said, never silent.
    if (scenario.routing.policy == RoutingPolicy::Epp) {
        if (const auto epp = resolveEppConfig(scenario.routing.epp)) {
            for (const EppPluginConfig& plugin : epp->plugins) {
                for (const auto& name : routing::unmodelledEppParameters(plugin))
                    warnings.push_back("routing: " + plugin.name + " (" + plugin.type + ") parameter " + name +
                                       " is read by newer llm-d releases but not simulated; the simulation runs "
                                       "the plugin as if that parameter were unset");
            }
        }
    }
    const auto indexes = preciseIndexes(scenario.routing);
    if (!indexes.empty()) {
        if (!v.kvEvents)
            warnings.push_back("routing uses the precise prefix-cache index but vllm.kv_events is false: the index "
                               "receives no KV events, so it never scores a hit (llmd.md §5 judgement)");
        if (!v.pythonHashSeed)
            warnings.push_back("routing uses the precise prefix-cache index but vllm.python_hash_seed is null: each "
                               "pod draws a random NONE_HASH, so the index's hashSeed matches none (vllm.md §1)");
        if (v.prefixCachingHashAlgo != "sha256_cbor_64bit")
            warnings.push_back("routing uses the precise prefix-cache index, whose v0.3.1 token processor computes "
                               "sha256_cbor_64bit keys, but vllm.prefix_caching_hash_algo is " +
                               v.prefixCachingHashAlgo + " (llmd.md §2)");
    }
    // The index's own settings must equal the pods' (llmd.md §1.8 "must match vLLM --block-size /
    // PYTHONHASHSEED"); otherwise no key ever matches.
    for (const auto& [name, index] : indexes) {
        if (index.blockSize != v.blockSize)
            warnings.push_back(name + ": the precise index hashes " + num(index.blockSize) +
                               "-token blocks (tokenProcessorConfig.blockSize) but vllm.block_size is " +
                               num(v.blockSize) + ": its keys never match the pods' blocks");
        if (v.pythonHashSeed && index.hashSeed != *v.pythonHashSeed)
            warnings.push_back(name + ": the precise index's hashSeed is \"" + index.hashSeed +
                               "\" but vllm.python_hash_seed is \"" + *v.pythonHashSeed +
                               "\": its keys never match the pods' blocks");
    }

    // Settings that the chosen policy or workload never reads are most likely a forgotten switch.
    const RoutingConfig& r = scenario.routing;
    if (r.policy != RoutingPolicy::Epp && (!r.epp.configFile.empty() || !r.epp.plugins.empty()))
        warnings.push_back(std::string(!r.epp.configFile.empty() ? "routing.epp_config" : "routing.epp_plugins") +
                           " is set but routing.policy is " + fieldValueText(scenario, "routing.policy") +
                           ": the Endpoint Picker is not used (set routing.policy: epp)");
    // A profile equal to the default cannot be told from an unset one; any other is a choice.
    if (r.policy != RoutingPolicy::Epp && r.epp.configFile.empty() && r.epp.plugins.empty() &&
        r.epp.profile != EppConfig{}.profile)
        warnings.push_back("routing.profile is " + r.epp.profile + " but routing.policy is " +
                           fieldValueText(scenario, "routing.policy") +
                           ": the Endpoint Picker's profiles are not used (set routing.policy: epp)");
    const WorkloadConfig& w = scenario.workload;
    if (!w.trace.path.empty() && w.kind != WorkloadKind::Mooncake && w.kind != WorkloadKind::Azure &&
        w.kind != WorkloadKind::InferencePerf)
        warnings.push_back("workload.path is set but workload.type is " + fieldValueText(scenario, "workload.type") +
                           ": only the mooncake and azure workloads read a trace file, and inference-perf its "
                           "config file");
    if (auto unread = unreadWorkloadKeysWarning(scenario))
        warnings.push_back(std::move(*unread));
    return warnings;
}

std::optional<std::string> unreadWorkloadKeysWarning(const Scenario& scenario)
{
    if (scenario.workload.kind != WorkloadKind::InferencePerf)
        return std::nullopt;
    const Scenario defaults;
    std::string keys;
    std::string where;
    int count = 0;
    std::string lastKey;
    for (const FieldSpec& field : scenarioFields()) {
        const auto node = std::ranges::find_if(kUnreadByInferencePerf,
                                               [&](std::string_view n) { return within(field.path, n); });
        if (node == kUnreadByInferencePerf.end() ||
            fieldValueText(scenario, field.path) == fieldValueText(defaults, field.path))
            continue;
        // A key one level under the group: a distribution (kind, mean, min, max) is one key.
        const std::size_t end = field.path.find('.', node->size() + 1);
        std::string key = field.path.substr(0, end);
        if (where.empty())
            where = givenWhere(scenario, field.path);
        if (key == lastKey)
            continue;
        keys += (keys.empty() ? "" : ", ") + key;
        lastKey = std::move(key);
        ++count;
    }
    if (count == 0)
        return std::nullopt;
    return (where.empty() ? std::string() : where + ": ") + keys + (count == 1 ? " is" : " are") +
           " set but workload.type is inference-perf, which takes its stages, prompts and arrivals from the "
           "inference-perf config file (workload.path), so " + (count == 1 ? "it is" : "they are") +
           " not used; of the workload keys inference-perf reads only type, path, max_requests, client_ips and "
           "client.*";
}

} // namespace kvroute::sim
