// The pods: vLLM v0.10.0 with the scenario's engine flags (vllm.md §8 names them), or `kvroute
// pod` emulators (CPU only, as llm-d's CI runs its simulator) with the scenario in a ConfigMap.

#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_context.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/workload/builtin_traces.h"

namespace kvroute::cluster::deploy {

namespace {

std::string envFieldRef(const std::string& name, const std::string& fieldPath)
{
    return "- name: " + name + "\n  valueFrom:\n    fieldRef:\n      fieldPath: " + yamlQuote(fieldPath);
}

std::string envValue(const std::string& name, const std::string& value)
{
    return "- name: " + name + "\n  value: " + yamlQuote(value);
}

} // namespace

/// The scenario the emulated pods load: self-contained (an EndpointPickerConfig file becomes its
/// inline plugins) and with what the render added for precise routing, so the pods hash as the
/// vLLM pods would.
Result<sim::Scenario> emulatedScenario(const RenderContext& ctx, std::string_view option)
{
    sim::Scenario s = ctx.scenario();
    // The scenario is loaded in the cluster, where a file of this machine does not exist
    // (kvroute pod and serve refuse a scenario whose workload file they cannot read). Only the
    // kinds that read workload.path; a synthetic workload ignores it.
    const auto kind = s.workload.kind;
    const bool readsFile = kind == sim::WorkloadKind::Mooncake || kind == sim::WorkloadKind::Azure ||
                           kind == sim::WorkloadKind::InferencePerf;
    if (const auto& path = s.workload.trace.path; readsFile && !path.empty() && !sim::builtinTraceText(path))
        return fail("the scenario is loaded in the cluster, where the " +
                        std::string(kind == sim::WorkloadKind::InferencePerf ? "inference-perf config" : "trace") +
                        " file " + path + " of this machine does not exist; use a built-in trace (builtin:...)",
                    std::string(option));
    if (!s.routing.epp.configFile.empty()) {
        auto resolved = sim::resolveEppConfig(s.routing.epp);
        if (!resolved)
            return std::unexpected(resolved.error());
        s.routing.epp.plugins = resolved->plugins;
        s.routing.epp.configFile.clear();
        ctx.notes->push_back("emulator: the scenario's routing.epp_config file is inlined as routing.epp_plugins in "
                             "the scenario ConfigMap");
    }
    if (ctx.routerWantsEvents) {
        s.vllm.kvEvents = true;
        s.vllm.pythonHashSeed = ctx.pythonHashSeed;
    }
    return s;
}

std::vector<std::string> vllmArgs(const RenderContext& ctx)
{
    const auto& s = ctx.scenario();
    const auto& v = s.vllm;
    const auto& model = ctx.setup.model;
    std::vector<std::string> args{"--model", model.hfId.empty() ? model.name : model.hfId,
                                  "--served-model-name", ctx.setup.servedModelName,
                                  "--port", "8000",
                                  "--tensor-parallel-size", std::to_string(s.model.tensorParallel),
                                  "--block-size", std::to_string(v.blockSize),
                                  v.enablePrefixCaching ? "--enable-prefix-caching" : "--no-enable-prefix-caching",
                                  "--prefix-caching-hash-algo", v.prefixCachingHashAlgo,
                                  "--gpu-memory-utilization", yamlNumber(v.gpuMemoryUtilization),
                                  "--max-model-len", std::to_string(v.maxModelLen),
                                  "--max-num-seqs", std::to_string(v.maxNumSeqs),
                                  "--max-num-batched-tokens", std::to_string(v.maxNumBatchedTokens)};
    if (v.longPrefillTokenThreshold > 0)
        args.insert(args.end(), {"--long-prefill-token-threshold", std::to_string(v.longPrefillTokenThreshold)});
    if (v.numGpuBlocksOverride)
        args.insert(args.end(), {"--num-gpu-blocks-override", std::to_string(*v.numGpuBlocksOverride)});
    // V1 ignores it (vllm.md §8) and says so in its log; passed anyway: the same flags as simulated.
    if (!v.enableChunkedPrefill)
        args.emplace_back("--no-enable-chunked-prefill");
    // Answers then carry usage.prompt_tokens_details.cached_tokens (vllm.md §10).
    args.emplace_back("--enable-prompt-tokens-details");
    if (!ctx.kvEventsConfig.empty())
        args.insert(args.end(), {"--kv-events-config", ctx.kvEventsConfig});
    return args;
}

Result<std::vector<RenderedFile>> renderPods(const RenderContext& ctx)
{
    std::vector<RenderedFile> files;
    const auto& s = ctx.scenario();
    Labels objectLabels = ctx.common;
    objectLabels["app.kubernetes.io/name"] = ctx.podsName;
    std::map<std::string, std::string> values{{"name", yamlQuote(ctx.podsName)},
                                              {"labels", labelLines(objectLabels)},
                                              {"pod_labels", labelLines(ctx.pod)},
                                              {"replicas", yamlInt(s.cluster.pods)}};
    if (!ctx.emulator) {
        std::vector<std::string> env{envFieldRef("POD_IP", "status.podIP")};
        if (ctx.pythonHashSeed)
            env.push_back(envValue("PYTHONHASHSEED", *ctx.pythonHashSeed));
        env.push_back(envValue("HOME", "/cache"));
        env.push_back(envValue("HF_HOME", "/cache/huggingface"));
        env.push_back("- name: HF_TOKEN\n  valueFrom:\n    secretKeyRef:\n      name: hf-token\n      key: HF_TOKEN\n"
                      "      optional: true");
        std::string envText;
        for (const auto& e : env)
            envText += (envText.empty() ? "" : "\n") + e;
        values["image"] = yamlQuote(ctx.options.vllmImage);
        values["args"] = listLines(vllmArgs(ctx));
        values["env"] = envText;
        values["gpus"] = yamlInt(s.model.tensorParallel);
        auto text = fillNamed(ctx, "vllm-deployment.yaml", values);
        if (!text)
            return std::unexpected(text.error());
        files.push_back({"10-vllm-deployment.yaml",
                         yamlComment("vLLM v0.10.0 decode pods of " + ctx.setup.model.name + " on " + s.model.gpu +
                                     ", " + std::to_string(s.model.tensorParallel) +
                                     " GPU(s) each; the engine flags are the scenario's vllm.* keys.\n"
                                     "Gated models (Llama) download with a token: a Secret hf-token with key HF_TOKEN.") +
                             *text});
        return files;
    }

    auto emulated = emulatedScenario(ctx, "--emulator");
    if (!emulated)
        return std::unexpected(emulated.error());
    const std::string configMap = ctx.base + "-scenario";
    auto cm = fillNamed(ctx, "configmap.yaml",
                        {{"name", yamlQuote(configMap)}, {"data", "scenario.yaml: " + yamlText(sim::toYaml(*emulated), 2)}});
    if (!cm)
        return std::unexpected(cm.error());
    files.push_back({"05-scenario-configmap.yaml",
                     yamlComment("The scenario every emulated pod loads (kvroute pod /etc/kvroute/scenario.yaml).") + *cm});

    std::vector<std::string> args{"/etc/kvroute/scenario.yaml", "--index", "$(POD_INDEX)", "--host", "0.0.0.0",
                                  "--port", "8000", "--enable-prompt-tokens-details"};
    if (!ctx.kvEventsConfig.empty())
        args.insert(args.end(), {"--kv-events-config", ctx.kvEventsConfig});
    // apps.kubernetes.io/pod-index: the StatefulSet's ordinal as a label (Kubernetes 1.28+), so
    // pod i is the scenario's pod i (its name, its NONE_HASH).
    const std::string env = envFieldRef("POD_INDEX", "metadata.labels['apps.kubernetes.io/pod-index']") + "\n" +
                            envFieldRef("POD_IP", "status.podIP");
    values["image"] = yamlQuote(ctx.options.emulatorImage);
    values["args"] = listLines(args);
    values["env"] = env;
    values["service_name"] = yamlQuote(s.routing.policy == sim::RoutingPolicy::Epp ? ctx.podsName : ctx.serviceName);
    values["scenario_configmap"] = yamlQuote(configMap);
    auto sts = fillNamed(ctx, "emulator-statefulset.yaml", values);
    if (!sts)
        return std::unexpected(sts.error());
    files.push_back({"10-emulator-statefulset.yaml",
                     yamlComment("kvroute pod emulating vLLM v0.10.0 (the simulator's engine on the wall clock, the "
                                 "same OpenAI API and /metrics), CPU only: no GPU is requested.") +
                         *sts});
    return files;
}

} // namespace kvroute::cluster::deploy
