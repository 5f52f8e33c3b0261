// The scenario schema table: every key, its type, range, help and where it lives in Scenario.
// Order matters: toYaml and docs/SCENARIOS.md follow it, and each group's keys are contiguous.

#include "sim/scenario/scenario_schema.h"

#include "sim/model/presets.h"
#include "sim/scenario/scenario_access.h"
#include "sim/util/check.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace kvroute::sim {

namespace {

using namespace scenario_access;

constexpr double kInt32Max = std::numeric_limits<std::int32_t>::max();
// Integers beyond 2^53 do not survive a trip through a JSON number (results, the GUI).
constexpr double kMaxExactInt = 9007199254740991.0;
constexpr double kMaxDistributionValue = 1e18;

constexpr std::array<std::pair<std::string_view, StepTimeKind>, 2> kLatencyModels{{
    {"roofline", StepTimeKind::Roofline},
    {"linear", StepTimeKind::Linear},
}};
constexpr std::array<std::pair<std::string_view, RoutingPolicy>, 6> kPolicies{{
    {"round-robin", RoutingPolicy::RoundRobin},
    {"random", RoutingPolicy::Random},
    {"least-request", RoutingPolicy::LeastRequest},
    {"kube-service", RoutingPolicy::KubeService},
    {"header-hash", RoutingPolicy::HeaderHash},
    {"epp", RoutingPolicy::Epp},
}};
constexpr std::array<std::pair<std::string_view, WorkloadKind>, 6> kWorkloadKinds{{
    {"chat-sessions", WorkloadKind::ChatSessions},
    {"shared-prefix", WorkloadKind::SharedPrefix},
    {"repeat-prompt", WorkloadKind::RepeatPrompt},
    {"mooncake", WorkloadKind::Mooncake},
    {"azure", WorkloadKind::Azure},
    {"inference-perf", WorkloadKind::InferencePerf},
}};
constexpr std::array<std::pair<std::string_view, ClientIpMode>, 3> kClientIpModes{{
    {"per-session", ClientIpMode::PerSession},
    {"per-group", ClientIpMode::PerGroup},
    {"single", ClientIpMode::Single},
}};
constexpr std::array<std::pair<std::string_view, TtftClock>, 2> kTtftClocks{{
    {"send", TtftClock::Send},
    {"arrival", TtftClock::Arrival},
}};
constexpr std::array<std::pair<std::string_view, Distribution::Kind>, 5> kDistributionKinds{{
    {"constant", Distribution::Kind::Constant},
    {"uniform", Distribution::Kind::Uniform},
    {"normal", Distribution::Kind::Normal},
    {"lognormal", Distribution::Kind::Lognormal},
    {"exponential", Distribution::Kind::Exponential},
}};
constexpr std::array<std::pair<std::string_view, bool>, 2> kSessionAffinity{{
    {"ClientIP", true},
    {"None", false},
}};

// workload.client_ips is one key for the three workloads that have the setting; writing all
// three keeps the key independent of the order of `type` and `client_ips` in a file. Each
// config keeps its own default until the key is given (per-session for chat, single else).
ClientIpMode activeClientIps(const WorkloadConfig& w)
{
    switch (w.kind) {
    case WorkloadKind::ChatSessions:
        return w.chat.clientIps;
    case WorkloadKind::SharedPrefix:
    case WorkloadKind::InferencePerf:
        return w.sharedPrefix.clientIps;
    case WorkloadKind::RepeatPrompt:
    case WorkloadKind::Mooncake:
    case WorkloadKind::Azure:
        break;
    }
    return w.trace.clientIps;
}

Access clientIpsAccess()
{
    const EnumNames<ClientIpMode> names = kClientIpModes;
    return {[=](const Scenario& s) -> FieldValue {
                const ClientIpMode mode = activeClientIps(s.workload);
                return std::string(std::ranges::find(names, mode, &std::pair<std::string_view, ClientIpMode>::second)->first);
            },
            [=](Scenario& s, const FieldValue& v) {
                const auto& name = std::get<std::string>(v);
                const auto it = std::ranges::find(names, name, &std::pair<std::string_view, ClientIpMode>::first);
                KVROUTE_CHECK(it != names.end(), "client_ips name not in the scenario schema");
                s.workload.chat.clientIps = it->second;
                s.workload.sharedPrefix.clientIps = it->second;
                s.workload.trace.clientIps = it->second;
            }};
}

// ---- the table ------------------------------------------------------------------------------

class TableBuilder {
public:
    void add(FieldSpec spec, Access access)
    {
        spec.get = std::move(access.get);
        spec.set = std::move(access.set);
        m_fields.push_back(std::move(spec));
    }

    void group(std::string path, std::string help, bool distribution = false)
    {
        m_groups.push_back(GroupSpec{std::move(path), std::move(help), distribution});
    }

    // The five keys of a distribution (GroupSpec::distribution).
    template <typename... Members>
    void distribution(const std::string& path, const std::string& help, const std::string& unit, Members... members)
    {
        group(path, help + "; a bare number means constant", true);
        const EnumNames<Distribution::Kind> kinds = kDistributionKinds;
        add({.path = path + ".type",
             .type = FieldType::Enum,
             .help = "Shape: constant (= mean), uniform on [min, max], normal, lognormal (mean and stddev of the "
                     "samples), exponential (mean)",
             .allowed = namesOf(kinds)},
            enumAt(kinds, members..., &Distribution::kind));
        const auto number = [&](const char* key, std::string keyHelp, double Distribution::*member) {
            add({.path = path + "." + key,
                 .type = FieldType::Double,
                 .help = std::move(keyHelp),
                 .unit = unit,
                 .min = 0.0,
                 .max = kMaxDistributionValue},
                doubleAt(members..., member));
        };
        number("mean", "Mean of the samples (constant: the value; ignored by uniform)", &Distribution::mean);
        number("stddev", "Standard deviation (normal, lognormal)", &Distribution::stddev);
        number("min", "Samples are clamped to at least this (uniform: lower bound)", &Distribution::min);
        number("max", "Samples are clamped to at most this (uniform: upper bound)", &Distribution::max);
    }

    std::vector<FieldSpec> takeFields() { return std::move(m_fields); }
    std::vector<GroupSpec> takeGroups() { return std::move(m_groups); }

private:
    std::vector<FieldSpec> m_fields;
    std::vector<GroupSpec> m_groups;
};

void addTopLevel(TableBuilder& t)
{
    t.add({.path = "name", .type = FieldType::String, .help = "Short name shown in results and the GUI",
           .defaultNote = "the file name without .yaml"},
          stringAt(&Scenario::name));
    t.add({.path = "description", .type = FieldType::String, .help = "One line shown by `kvroute scenarios`"},
          stringAt(&Scenario::description));
    t.add({.path = "seed", .type = FieldType::Int,
           .help = "Seed of every random stream: the same scenario and seed give the same results",
           .min = 0.0, .max = kMaxExactInt},
          intAt(&Scenario::seed));
    t.add({.path = "duration", .type = FieldType::Seconds,
           .help = "Simulated time during which clients send requests; arrivals stop here", .unit = "s",
           .min = 0.0, .max = 1e6, .minExclusive = true},
          simTimeAt(&Scenario::run, &RunConfig::duration));
    t.add({.path = "drain_limit", .type = FieldType::Seconds,
           .help = "After `duration`, how long requests in flight may still run before the run stops",
           .unit = "s", .min = 0.0, .max = 1e6},
          simTimeAt(&Scenario::run, &RunConfig::drainLimit));
    t.add({.path = "sample_interval", .type = FieldType::Seconds,
           .help = "Spacing of the time series (queues, KV usage, hit rates) in the results", .unit = "s",
           .min = 0.001, .max = 3600.0},
          simTimeAt(&Scenario::run, &RunConfig::sampleInterval));
}

void addModel(TableBuilder& t, const PresetCatalog& presets)
{
    t.group("model", "Which model runs on which GPU, and how a step's duration is computed");
    const EnumNames<StepTimeKind> latencyModels = kLatencyModels;
    t.add({.path = "model.name", .type = FieldType::Enum,
           .help = "Model preset (resources/presets/models.yaml): sizes weights, KV cache and step time",
           .allowed = presets.modelNames()},
          stringAt(&Scenario::model, &ModelConfig::model));
    t.add({.path = "model.gpu", .type = FieldType::Enum,
           .help = "GPU preset (resources/presets/gpus.yaml) of every pod", .allowed = presets.gpuNames()},
          stringAt(&Scenario::model, &ModelConfig::gpu));
    t.add({.path = "model.tensor_parallel", .type = FieldType::Int,
           .help = "GPUs per pod (--tensor-parallel-size); must divide the model's attention heads",
           .unit = "GPUs", .allowed = {"1", "2", "4", "8"}},
          intAt(&Scenario::model, &ModelConfig::tensorParallel));
    t.add({.path = "model.latency_model", .type = FieldType::Enum,
           .help = "Step time: roofline from the presets, or linear (a published fit for model, GPU and TP, "
                   "else the roofline linearized)",
           .allowed = namesOf(latencyModels)},
          enumAt(latencyModels, &Scenario::model, &ModelConfig::latencyModel));
}

void addVllm(TableBuilder& t)
{
    t.group("vllm", "vLLM v0.10.0 engine flags of every pod, named like `vllm serve` options (vllm.md §8)");
    const auto v = &Scenario::vllm;
    t.add({.path = "vllm.block_size", .type = FieldType::Int,
           .help = "Tokens per KV-cache block (--block-size; the sizes vLLM's CUDA platform accepts)",
           .unit = "tokens", .allowed = {"1", "8", "16", "32", "64", "128"}},
          intAt(v, &VllmConfig::blockSize));
    t.add({.path = "vllm.gpu_memory_utilization", .type = FieldType::Double,
           .help = "Fraction of GPU memory for weights, activations and KV cache (--gpu-memory-utilization)",
           .min = 0.0, .max = 1.0, .minExclusive = true},
          doubleAt(v, &VllmConfig::gpuMemoryUtilization));
    t.add({.path = "vllm.max_model_len", .type = FieldType::Int,
           .help = "Longest prompt + output of a request (--max-model-len); at most the model's "
                   "max_position_embeddings, and at least 2 (a one-token prompt and one token out)",
           .unit = "tokens", .min = 2.0, .max = kInt32Max},
          intAt(v, &VllmConfig::maxModelLen));
    t.add({.path = "vllm.max_num_seqs", .type = FieldType::Int,
           .help = "Most requests running at once in one pod (--max-num-seqs)", .unit = "requests", .min = 1.0,
           .max = kInt32Max},
          intAt(v, &VllmConfig::maxNumSeqs));
    t.add({.path = "vllm.max_num_batched_tokens", .type = FieldType::Int,
           .help = "Token budget of one engine step (--max-num-batched-tokens); at least max_num_seqs",
           .unit = "tokens", .min = 1.0, .max = kInt32Max},
          intAt(v, &VllmConfig::maxNumBatchedTokens));
    t.add({.path = "vllm.enable_prefix_caching", .type = FieldType::Bool,
           .help = "Reuse the KV blocks of identical prefixes (--enable-prefix-caching)"},
          boolAt(v, &VllmConfig::enablePrefixCaching));
    t.add({.path = "vllm.enable_chunked_prefill", .type = FieldType::Bool,
           .help = "--enable-chunked-prefill as given; v0.10.0's V1 engine forces it on, so false only warns"},
          boolAt(v, &VllmConfig::enableChunkedPrefill));
    t.add({.path = "vllm.long_prefill_token_threshold", .type = FieldType::Int,
           .help = "Most prefill tokens one request gets per step (--long-prefill-token-threshold); 0 = no cap",
           .unit = "tokens", .min = 0.0, .max = kInt32Max},
          intAt(v, &VllmConfig::longPrefillTokenThreshold));
    t.add({.path = "vllm.num_gpu_blocks_override", .type = FieldType::OptionalInt,
           .help = "KV blocks per pod incl. the null block (--num-gpu-blocks-override); null = from GPU memory",
           .unit = "blocks", .min = 2.0, .max = kInt32Max},
          optionalIntAt(v, &VllmConfig::numGpuBlocksOverride));
    t.add({.path = "vllm.prefix_caching_hash_algo", .type = FieldType::Enum,
           .help = "Block hash function (--prefix-caching-hash-algo); the precise EPP index uses sha256_cbor_64bit",
           .allowed = {"builtin", "sha256_cbor_64bit"}},
          stringAt(v, &VllmConfig::prefixCachingHashAlgo));
    t.add({.path = "vllm.python_hash_seed", .type = FieldType::OptionalString,
           .help = "PYTHONHASHSEED: fixes NONE_HASH, the parent hash of every first block; null = random per pod"},
          optionalStringAt(v, &VllmConfig::pythonHashSeed));
    t.add({.path = "vllm.kv_events", .type = FieldType::Bool,
           .help = "Publish KV-cache events (--kv-events-config enable_kv_cache_events); the precise index needs them"},
          boolAt(v, &VllmConfig::kvEvents));
}

void addCluster(TableBuilder& t)
{
    t.group("cluster", "The pods behind the router");
    t.add({.path = "cluster.pods", .type = FieldType::Int, .help = "Decode pods (vLLM replicas)", .unit = "pods",
           .min = 1.0, .max = 256.0},
          intAt(&Scenario::cluster, &ClusterConfig::pods));
}

void addRouting(TableBuilder& t)
{
    t.group("routing", "How a request reaches a pod (llmd.md §1, §5)");
    const auto r = &Scenario::routing;
    const EnumNames<RoutingPolicy> policies = kPolicies;
    t.add({.path = "routing.policy", .type = FieldType::Enum,
           .help = "round-robin, random, least-request (Envoy), kube-service (Kubernetes Service), header-hash "
                   "(Envoy ring hash), epp (llm-d Endpoint Picker)",
           .allowed = namesOf(policies)},
          enumAt(policies, r, &RoutingConfig::policy));
    t.add({.path = "routing.profile", .type = FieldType::Enum,
           .help = "EPP built-in profile (llmd.md §4.1); ignored when epp_config or epp_plugins is set",
           .allowed = {"precise", "approximate", "load", "random", "default"}},
          stringAt(r, &RoutingConfig::epp, &EppConfig::profile));
    t.add({.path = "routing.epp_config", .type = FieldType::String,
           .help = "EndpointPickerConfig YAML file (llmd.md §1.8) instead of the profile; empty = none",
           .isPath = true},
          stringAt(r, &RoutingConfig::epp, &EppConfig::configFile));
    t.add({.path = "routing.epp_plugins", .type = FieldType::PluginList,
           .help = "Inline EPP plugins in order (filters, scorers with weights, a picker) instead of a profile"},
          {[r](const Scenario& s) -> FieldValue { return (s.*r).epp.plugins; },
           [r](Scenario& s, const FieldValue& value) { (s.*r).epp.plugins = std::get<PluginList>(value); }});
    t.add({.path = "routing.scrape_interval", .type = FieldType::Seconds,
           .help = "How often the EPP scrapes pod metrics (GAIE default 50 ms)", .unit = "s", .min = 0.0,
           .max = 60.0, .minExclusive = true},
          doubleAt(r, &RoutingConfig::epp, &EppConfig::scrapeIntervalSeconds));
    t.add({.path = "routing.kv_event_delay", .type = FieldType::Seconds,
           .help = "Delay from a pod's KV event to the precise index (ZMQ and indexing)", .unit = "s", .min = 0.0,
           .max = 60.0},
          doubleAt(r, &RoutingConfig::epp, &EppConfig::kvEventDelaySeconds));
    t.add({.path = "routing.gateway_delay", .type = FieldType::Seconds,
           .help = "One-way network and proxy delay from client to pod", .unit = "s", .min = 0.0, .max = 10.0},
          doubleAt(r, &RoutingConfig::gatewayDelaySeconds));

    t.group("routing.service", "The Kubernetes Service of policy kube-service (kube-proxy, llmd.md §5)");
    const EnumNames<bool> affinity = kSessionAffinity;
    t.add({.path = "routing.service.session_affinity", .type = FieldType::Enum,
           .help = "sessionAffinity: ClientIP pins each client address to one pod",
           .allowed = namesOf(affinity)},
          enumAt(affinity, r, &RoutingConfig::kubeService, &KubeServiceConfig::clientIpAffinity));
    t.add({.path = "routing.service.timeout_seconds", .type = FieldType::Int,
           .help = "sessionAffinityConfig.clientIP.timeoutSeconds (Kubernetes allows 1 to 86400)", .unit = "s",
           .min = 1.0, .max = 86400.0},
          intAt(r, &RoutingConfig::kubeService, &KubeServiceConfig::timeoutSeconds));
    t.add({.path = "routing.service.sees_client_ip", .type = FieldType::Bool,
           .help = "Clients reach the Service directly; false = a gateway or NAT shows one source address"},
          boolAt(r, &RoutingConfig::kubeService, &KubeServiceConfig::seesClientIp));
    t.add({.path = "routing.service.mesh_bypass", .type = FieldType::Bool,
           .help = "An Istio/Envoy gateway balances the endpoints itself (least-request), so Service affinity "
                   "never applies"},
          boolAt(r, &RoutingConfig::kubeService, &KubeServiceConfig::meshBypassesAffinity));

    t.group("routing.header_hash", "Envoy ring-hash load balancing of policy header-hash (Istio DestinationRule)");
    t.add({.path = "routing.header_hash.header", .type = FieldType::String,
           .help = "HTTP header that is hashed (consistentHash.httpHeaderName)"},
          stringAt(r, &RoutingConfig::headerHash, &HeaderHashConfig::header));
    t.add({.path = "routing.header_hash.minimum_ring_size", .type = FieldType::Int,
           .help = "Envoy ring_hash minimum_ring_size (Envoy allows up to 8M)", .unit = "entries", .min = 1.0,
           .max = 8388608.0},
          intAt(r, &RoutingConfig::headerHash, &HeaderHashConfig::minimumRingSize));
}

void addWorkload(TableBuilder& t)
{
    t.group("workload", "What the clients send");
    const auto w = &Scenario::workload;
    const EnumNames<WorkloadKind> kinds = kWorkloadKinds;
    const EnumNames<ClientIpMode> clientIps = kClientIpModes;
    t.add({.path = "workload.type", .type = FieldType::Enum,
           .help = "chat-sessions, shared-prefix, repeat-prompt, a trace: mooncake (JSONL) or azure (CSV), or "
                   "inference-perf (the load of an inference-perf config file, docs/INFERENCE_PERF.md)",
           .allowed = namesOf(kinds)},
          enumAt(kinds, w, &WorkloadConfig::kind));
    t.add({.path = "workload.max_requests", .type = FieldType::Int,
           .help = "Stop generating after this many requests; 0 = no limit", .unit = "requests", .min = 0.0,
           .max = 1e15},
          intAt(w, &WorkloadConfig::maxRequests));
    t.add({.path = "workload.path", .type = FieldType::String,
           .help = "Trace file of mooncake and azure, config file of inference-perf (required for them)",
           .isPath = true},
          stringAt(w, &WorkloadConfig::trace, &TraceReplayConfig::path));
    t.add({.path = "workload.time_scale", .type = FieldType::Double,
           .help = "Trace arrival times are multiplied by this (0.5 = twice as fast)", .min = 0.0, .max = 1000.0,
           .minExclusive = true},
          doubleAt(w, &WorkloadConfig::trace, &TraceReplayConfig::timeScale));
    t.add({.path = "workload.mooncake_block_tokens", .type = FieldType::Int,
           .help = "Tokens per Mooncake hash_id (512 in the published traces)", .unit = "tokens", .min = 1.0,
           .max = 1e6},
          intAt(w, &WorkloadConfig::trace, &TraceReplayConfig::mooncakeBlockTokens));
    t.add({.path = "workload.client_ips", .type = FieldType::Enum,
           .help = "Client address of each request (what ClientIP affinity sees): one per session, one per "
                   "shared-prefix group, or a single load generator (repeat-prompt always sends from one)",
           .allowed = namesOf(clientIps), .defaultNote = "per-session for chat-sessions, single otherwise"},
          clientIpsAccess());

    const auto client = &WorkloadConfig::client;
    const EnumNames<TtftClock> ttftClocks = kTtftClocks;
    t.group("workload.client", "The load generator: how many requests it keeps in flight; more wait at the client "
                               "and are sent as answers come back, oldest first (inference-perf's workers)");
    t.add({.path = "workload.client.max_in_flight", .type = FieldType::Int,
           .help = "Requests the client has out at once; 0 = no limit (each is sent when produced). "
                   "`kvroute load` uses it too (256 when 0)",
           .unit = "requests", .min = 0.0, .max = 1e7},
          intAt(w, client, &ClientConfig::maxInFlight));
    t.add({.path = "workload.client.ttft_from", .type = FieldType::Enum,
           .help = "Where TTFT and end-to-end latency start: send (when the client sends it, as inference-perf and "
                   "any HTTP client measure) or arrival (when the workload produced it, time waiting at a full "
                   "client included)",
           .allowed = namesOf(ttftClocks)},
          enumAt(ttftClocks, w, client, &ClientConfig::ttftFrom));

    const auto chat = &WorkloadConfig::chat;
    t.group("workload.chat", "chat-sessions: users arrive as a Poisson process; each turn resends the whole "
                             "conversation plus a new message");
    t.add({.path = "workload.chat.users_per_second", .type = FieldType::Double,
           .help = "Arrival rate of new users", .unit = "users/s", .min = 0.0, .max = 1e6, .minExclusive = true},
          doubleAt(w, chat, &ChatSessionsConfig::usersPerSecond));
    t.distribution("workload.chat.turns", "Turns (requests) per session", "turns", w, chat,
                   &ChatSessionsConfig::turnsPerSession);
    t.distribution("workload.chat.think_time", "Pause between an answer and the next message", "s", w, chat,
                   &ChatSessionsConfig::thinkTimeSeconds);
    t.distribution("workload.chat.message_tokens", "Tokens of each new user message", "tokens", w, chat,
                   &ChatSessionsConfig::messageTokens);
    t.distribution("workload.chat.answer_tokens", "Tokens of each answer (its max_tokens, cut to what fits beside the prompt in vllm.max_model_len)", "tokens", w, chat,
                   &ChatSessionsConfig::answerTokens);
    t.add({.path = "workload.chat.system_prompts", .type = FieldType::Int,
           .help = "Distinct shared system prompts; each session picks one (0 = none)", .unit = "prompts",
           .min = 0.0, .max = 128000.0},
          intAt(w, chat, &ChatSessionsConfig::systemPrompts));
    t.add({.path = "workload.chat.system_prompt_tokens", .type = FieldType::Int,
           .help = "Length of each system prompt", .unit = "tokens", .min = 0.0, .max = 1e7},
          intAt(w, chat, &ChatSessionsConfig::systemPromptTokens));
    t.add({.path = "workload.chat.max_prompt_tokens", .type = FieldType::Int,
           .help = "Longest prompt a session sends; a turn that would exceed it ends the session "
                   "(0 = vllm.max_model_len - 1)",
           .unit = "tokens", .min = 0.0, .max = kInt32Max},
          intAt(w, chat, &ChatSessionsConfig::maxPromptTokens));

    const auto sp = &WorkloadConfig::sharedPrefix;
    t.group("workload.shared_prefix", "shared-prefix: inference-perf's shared_prefix data set with Poisson "
                                      "stages (llmd.md §4.1)");
    t.add({.path = "workload.shared_prefix.num_groups", .type = FieldType::Int,
           .help = "Groups (customers), each with its own system prompt", .unit = "groups", .min = 1.0, .max = 128000.0},
          intAt(w, sp, &SharedPrefixConfig::numGroups));
    t.add({.path = "workload.shared_prefix.prompts_per_group", .type = FieldType::Int,
           .help = "Distinct questions (users) per group", .unit = "prompts", .min = 1.0, .max = 128000.0},
          intAt(w, sp, &SharedPrefixConfig::promptsPerGroup));
    t.add({.path = "workload.shared_prefix.system_prompt_len", .type = FieldType::Int,
           .help = "Tokens of each group's system prompt", .unit = "tokens", .min = 0.0, .max = 1e7},
          intAt(w, sp, &SharedPrefixConfig::systemPromptLen));
    t.add({.path = "workload.shared_prefix.question_len", .type = FieldType::Int,
           .help = "Tokens of each question after the system prompt", .unit = "tokens", .min = 0.0, .max = 1e7},
          intAt(w, sp, &SharedPrefixConfig::questionLen));
    t.add({.path = "workload.shared_prefix.output_len", .type = FieldType::Int,
           .help = "Tokens of each answer (ignore_eos)", .unit = "tokens", .min = 1.0, .max = 1e7},
          intAt(w, sp, &SharedPrefixConfig::outputLen));
    t.add({.path = "workload.shared_prefix.stages", .type = FieldType::StageList,
           .help = "Load stages in order: {rate: requests/s, duration: s} maps or [rate, duration] pairs"},
          {[w, sp](const Scenario& s) -> FieldValue { return (s.*w.*sp).stages; },
           [w, sp](Scenario& s, const FieldValue& value) { (s.*w.*sp).stages = std::get<StageList>(value); }});
    t.add({.path = "workload.shared_prefix.drain_between_stages", .type = FieldType::Bool,
           .help = "A stage starts only when every request of the previous one has finished, as inference-perf "
                   "does; false = back to back"},
          boolAt(w, sp, &SharedPrefixConfig::drainBetweenStages));
    t.add({.path = "workload.shared_prefix.stage_gap", .type = FieldType::Seconds,
           .help = "Pause between two stages (inference-perf load.interval)", .unit = "s", .min = 0.0, .max = 1e6},
          doubleAt(w, sp, &SharedPrefixConfig::stageGapSeconds));
    t.add({.path = "workload.shared_prefix.start_offset", .type = FieldType::Seconds,
           .help = "Each stage's arrivals begin this long after the stage starts (inference-perf: 1 s)", .unit = "s",
           .min = 0.0, .max = 1e6},
          doubleAt(w, sp, &SharedPrefixConfig::startOffsetSeconds));
    t.add({.path = "workload.shared_prefix.drain_poll", .type = FieldType::Seconds,
           .help = "With drain_between_stages: the client checks for the last answer this often from the stage's "
                   "start (inference-perf: 1 s); 0 = it notices at once",
           .unit = "s", .min = 0.0, .max = 1e6},
          doubleAt(w, sp, &SharedPrefixConfig::drainPollSeconds));

    const auto rp = &WorkloadConfig::repeat;
    t.group("workload.repeat", "repeat-prompt: the same prompt again and again, like the demo's cache-test.sh "
                               "(llmd.md §5)");
    t.add({.path = "workload.repeat.count", .type = FieldType::Int, .help = "How many times the prompt is sent",
           .unit = "requests", .min = 1.0, .max = 1e7},
          intAt(w, rp, &RepeatPromptConfig::count));
    t.add({.path = "workload.repeat.gap", .type = FieldType::Seconds, .help = "Time between two sends", .unit = "s",
           .min = 0.0, .max = 1e6},
          doubleAt(w, rp, &RepeatPromptConfig::gapSeconds));
    t.add({.path = "workload.repeat.prompt_tokens", .type = FieldType::Int, .help = "Length of the prompt",
           .unit = "tokens", .min = 1.0, .max = 1e7},
          intAt(w, rp, &RepeatPromptConfig::promptTokens));
    t.add({.path = "workload.repeat.max_tokens", .type = FieldType::Int, .help = "Tokens of each answer",
           .unit = "tokens", .min = 1.0, .max = 1e7},
          intAt(w, rp, &RepeatPromptConfig::maxTokens));
    t.add({.path = "workload.repeat.wait_for_completion", .type = FieldType::Bool,
           .help = "The gap runs from each answer (cache-test.sh's blocking curl, then sleep); false = send "
                   "every gap"},
          boolAt(w, rp, &RepeatPromptConfig::waitForCompletion));
}

struct Schema {
    std::vector<FieldSpec> fields;
    std::vector<GroupSpec> groups;
};

// Each group's fields form one run, so nested YAML can be written in table order.
void checkContiguous(const Schema& schema)
{
    for (const GroupSpec& group : schema.groups) {
        const std::string prefix = group.path + ".";
        bool seen = false;
        bool ended = false;
        for (const FieldSpec& field : schema.fields) {
            const bool inside = field.path.starts_with(prefix);
            KVROUTE_CHECK(!(inside && ended), "a scenario group's fields must be contiguous in the table");
            if (inside)
                seen = true;
            else if (seen)
                ended = true;
        }
        KVROUTE_CHECK(seen, "a scenario group without fields");
    }
}

Schema buildSchema()
{
    auto presets = PresetCatalog::builtin();
    KVROUTE_CHECK(presets.has_value(), "the built-in presets must parse (tests/model/tst_presets)");
    TableBuilder t;
    addTopLevel(t);
    addModel(t, *presets);
    addVllm(t);
    addCluster(t);
    addRouting(t);
    addWorkload(t);
    Schema schema{t.takeFields(), t.takeGroups()};
    checkContiguous(schema);
    return schema;
}

const Schema& schema()
{
    static const Schema kSchema = buildSchema();
    return kSchema;
}

} // namespace

const std::vector<FieldSpec>& scenarioFields()
{
    return schema().fields;
}

const std::vector<GroupSpec>& scenarioGroups()
{
    return schema().groups;
}

const FieldSpec* findField(std::string_view path)
{
    const auto& fields = scenarioFields();
    const auto it = std::ranges::find(fields, path, &FieldSpec::path);
    return it == fields.end() ? nullptr : &*it;
}

const GroupSpec* findGroup(std::string_view path)
{
    const auto& groups = scenarioGroups();
    const auto it = std::ranges::find(groups, path, &GroupSpec::path);
    return it == groups.end() ? nullptr : &*it;
}

std::string_view toString(FieldType type)
{
    switch (type) {
    case FieldType::Int:
        return "integer";
    case FieldType::Double:
        return "number";
    case FieldType::Bool:
        return "bool";
    case FieldType::String:
        return "string";
    case FieldType::Enum:
        return "enum";
    case FieldType::Seconds:
        return "seconds";
    case FieldType::OptionalInt:
        return "integer or null";
    case FieldType::OptionalString:
        return "string or null";
    case FieldType::StageList:
        return "stage list";
    case FieldType::PluginList:
        return "plugin list";
    }
    return "?";
}

} // namespace kvroute::sim
