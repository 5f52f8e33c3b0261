#include "sim/routing/epp_plugin_factory.h"

#include "sim/routing/epp_filters.h"
#include "sim/routing/epp_load_scorers.h"
#include "sim/routing/epp_params.h"
#include "sim/routing/epp_pickers.h"
#include "sim/routing/epp_precise_scorer.h"
#include "sim/routing/epp_prefix_scorer.h"

#include <algorithm>
#include <array>
#include <vector>
#include <charconv>
#include <limits>
#include <utility>

namespace kvroute::sim::routing {

namespace {

struct KnownType {
    std::string_view type;
    EppPluginKind kind;
};

// v0.3.x / GAIE v1.x names, plus the GAIE v0.5 alias kv-cache-scorer.
constexpr std::array kKnownTypes{
    KnownType{"decode-filter", EppPluginKind::Filter},
    KnownType{"prefill-filter", EppPluginKind::Filter},
    KnownType{"prefix-cache-scorer", EppPluginKind::Scorer},
    KnownType{"precise-prefix-cache-scorer", EppPluginKind::Scorer},
    KnownType{"kv-cache-utilization-scorer", EppPluginKind::Scorer},
    KnownType{"kv-cache-scorer", EppPluginKind::Scorer},
    KnownType{"queue-scorer", EppPluginKind::Scorer},
    KnownType{"load-aware-scorer", EppPluginKind::Scorer},
    KnownType{"active-request-scorer", EppPluginKind::Scorer},
    KnownType{"session-affinity-scorer", EppPluginKind::Scorer},
    KnownType{"max-score-picker", EppPluginKind::Picker},
    KnownType{"random-picker", EppPluginKind::Picker},
    KnownType{"weighted-random-picker", EppPluginKind::Picker},
    KnownType{"single-profile-handler", EppPluginKind::ProfileHandler},
    KnownType{"pd-profile-handler", EppPluginKind::ProfileHandler},
    KnownType{"prefill-header-handler", EppPluginKind::RequestControl},
};

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int32_t>::max();

struct ParameterNames {
    std::string_view type;
    std::vector<std::string_view> names; // top-level keys of `parameters`
};

// The parameter names each plugin type has in some llm-d / GAIE release (llmd.md, section cited
// per type). Go's json.Unmarshal drops any other key without a word, so a typo ran on the
// defaults; kvroute refuses it instead. Names a real release reads are accepted even where the
// simulation does not model them, so that no working llm-d config is refused. Nested keys
// (indexerConfig.*, kvEventsConfig.*) are free-form below their top-level name.
constexpr std::string_view kPickerParam = "maxNumOfEndpoints"; // §1.2, every picker
const std::array<ParameterNames, 16> kParameterNames{{
    {"decode-filter", {}},  // §1.7
    {"prefill-filter", {}}, // §1.7
    // §1.3 (GAIE v1.0 approximate), §1.5 (v0.2 mode cache_tracking: indexerConfig,
    // kvEventsConfig), §5 (the demo's v0.2 config puts tokenProcessorConfig and
    // kvBlockIndexConfig at the top level, which v0.2 ignored: simulated as such), §1.4 (current
    // approximate-prefix names: autoTune, blockSize, blockSizeTokens, maxPrefixTokensToMatch).
    {"prefix-cache-scorer",
     {"hashBlockSize", "maxPrefixBlocksToMatch", "lruCapacityPerServer", "mode", "indexerConfig", "kvEventsConfig",
      "tokenProcessorConfig", "kvBlockIndexConfig", "autoTune", "blockSize", "blockSizeTokens",
      "maxPrefixTokensToMatch"}},
    // §1.5: v0.3 indexerConfig, kvEventsConfig; current top-level tokenProcessorConfig,
    // kvBlockIndexConfig, podDiscoveryConfig, speculativeIndexing, speculativeTTL; `scoring`
    // selects min-max (v0.3-v0.8) or absolute (current main) normalisation.
    {"precise-prefix-cache-scorer",
     {"indexerConfig", "kvEventsConfig", "tokenProcessorConfig", "kvBlockIndexConfig", "podDiscoveryConfig",
      "speculativeIndexing", "speculativeTTL", "scoring"}},
    {"kv-cache-utilization-scorer", {"normalizeScore"}}, // §1.6 (current main adds normalizeScore)
    {"kv-cache-scorer", {"normalizeScore"}},             // §1.6, the GAIE v0.5 name
    {"queue-scorer", {}},                                // §1.6
    {"load-aware-scorer", {"threshold"}},                // §1.6
    {"active-request-scorer", {"requestTimeout", "idleThreshold", "maxBusyScore"}}, // §1.6, v0.3.1 and current
    {"session-affinity-scorer", {}},                                                // §1.6
    {"max-score-picker", {kPickerParam}},
    {"random-picker", {kPickerParam}},
    {"weighted-random-picker", {kPickerParam}},
    {"single-profile-handler", {}},
    {"pd-profile-handler", {"threshold", "hashBlockSize", "decodeProfile", "prefillProfile"}}, // §1.7
    // §1.7 names the plugin only; llm-d's factory reads the prefill profile's name.
    {"prefill-header-handler", {"prefillProfile"}},
}};

// Names of kParameterNames that the simulation reads nothing from (llmd.md section of each
// there): §1.4 current approximate-prefix names, §1.5 current precise-index extras, §1.6
// normalizeScore and the current active-request thresholds.
const std::array<ParameterNames, 4> kUnmodelledNames{{
    {"prefix-cache-scorer", {"autoTune", "blockSize", "blockSizeTokens", "maxPrefixTokensToMatch"}},
    {"precise-prefix-cache-scorer", {"podDiscoveryConfig", "speculativeIndexing", "speculativeTTL"}},
    {"kv-cache-utilization-scorer", {"normalizeScore"}},
    {"active-request-scorer", {"idleThreshold", "maxBusyScore"}},
}};

// Every parameter's top-level name must be one the plugin type has. Error::where is the
// offending flattened key, so loaders can point at its line.
Result<void> checkParameterNames(const EppPluginConfig& plugin)
{
    const auto entry = std::ranges::find(kParameterNames, plugin.type, &ParameterNames::type);
    if (entry == kParameterNames.end())
        return {}; // an unknown type is reported by build()
    for (const auto& [key, value] : plugin.parameters) {
        const std::string_view name = std::string_view(key).substr(0, key.find('.'));
        if (std::ranges::find(entry->names, name) != entry->names.end())
            continue;
        std::string allowed;
        for (const std::string_view n : entry->names)
            allowed += (allowed.empty() ? "" : ", ") + std::string(n);
        return fail("unknown parameter '" + std::string(name) + "' of plugin type '" + plugin.type +
                        "'; allowed parameters: " + (allowed.empty() ? std::string("none") : allowed),
                    key);
    }
    return {};
}

Result<ApproxPrefixConfig> approxConfig(const PluginParams& p)
{
    ApproxPrefixConfig c;
    auto block = p.integer({"hashBlockSize"}, c.hashBlockSize, 1, 1 << 20);
    if (!block)
        return std::unexpected(block.error());
    auto maxBlocks = p.integer({"maxPrefixBlocksToMatch"}, c.maxPrefixBlocksToMatch, 1, 1 << 20);
    if (!maxBlocks)
        return std::unexpected(maxBlocks.error());
    // GAIE New(): a capacity <= 0 falls back to the default.
    auto lru = p.integer({"lruCapacityPerServer"}, c.lruCapacityPerServer, std::numeric_limits<std::int32_t>::min(),
                         kMaxInt);
    if (!lru)
        return std::unexpected(lru.error());
    c.hashBlockSize = *block;
    c.maxPrefixBlocksToMatch = *maxBlocks;
    c.lruCapacityPerServer = *lru > 0 ? *lru : ApproxPrefixConfig{}.lruCapacityPerServer;
    return c;
}

/// Where a precise scorer's parameters may stand. v0.2.x `prefix-cache-scorer` (mode
/// cache_tracking) and v0.3.x `precise-prefix-cache-scorer` decode only `indexerConfig` and
/// `kvEventsConfig` (llmd.md §1.5); Go's json.Unmarshal drops anything else, so the demo's HEAD
/// epp.yaml, with tokenProcessorConfig at the top level, ran on the defaults (block 16, hash
/// seed "") and never matched pods started with PYTHONHASHSEED=42 (§5). Current llm-d reads
/// tokenProcessorConfig at the top level; the v0.3 name accepts both.
enum class TokenProcessorPlacement { NestedOnly, NestedOrTopLevel };

Result<PreciseScorerConfig> preciseConfig(const PluginParams& p, TokenProcessorPlacement placement)
{
    const bool topLevel = placement == TokenProcessorPlacement::NestedOrTopLevel;
    const auto integerAt = [&](std::string_view nested, std::string_view top, std::int64_t fallback,
                               std::int64_t min, std::int64_t max) {
        return topLevel ? p.integer({nested, top}, fallback, min, max) : p.integer({nested}, fallback, min, max);
    };
    PreciseScorerConfig c;
    auto block = integerAt("indexerConfig.tokenProcessorConfig.blockSize", "tokenProcessorConfig.blockSize",
                           c.blockSize, 1, 1 << 16);
    if (!block)
        return std::unexpected(block.error());
    auto seed = topLevel ? p.string({"indexerConfig.tokenProcessorConfig.hashSeed", "tokenProcessorConfig.hashSeed"}, "")
                         : p.string({"indexerConfig.tokenProcessorConfig.hashSeed"}, "");
    if (!seed)
        return std::unexpected(seed.error());
    auto podCache = integerAt("indexerConfig.kvBlockIndexConfig.inMemoryConfig.podCacheSize",
                              "kvBlockIndexConfig.inMemoryConfig.podCacheSize", c.podCacheSize, 1, kMaxPodCacheSize);
    if (!podCache)
        return std::unexpected(podCache.error());
    auto scoring = p.choice({"scoring"}, "min-max", {"min-max", "absolute"});
    if (!scoring)
        return std::unexpected(scoring.error());
    c.blockSize = *block;
    c.hashSeed = *seed;
    c.podCacheSize = *podCache;
    c.absoluteScoring = *scoring == "absolute";
    return c;
}

Result<bool> isCacheTracking(const PluginParams& p)
{
    auto mode = p.choice({"mode"}, "estimate", {"estimate", "cache_tracking"});
    if (!mode)
        return std::unexpected(mode.error());
    return *mode == "cache_tracking";
}

Result<void> checkPicker(const PluginParams& p)
{
    auto n = p.integer({"maxNumOfEndpoints"}, 1, 1, kMaxInt);
    if (!n)
        return std::unexpected(n.error());
    return {};
}

} // namespace

std::optional<PreciseScorerConfig> preciseIndexConfigOf(const EppPluginConfig& plugin)
{
    const PluginParams p(plugin);
    std::optional<TokenProcessorPlacement> placement;
    if (plugin.type == "precise-prefix-cache-scorer") {
        placement = TokenProcessorPlacement::NestedOrTopLevel;
    } else if (plugin.type == "prefix-cache-scorer") {
        const auto tracking = isCacheTracking(p);
        if (tracking && *tracking)
            placement = TokenProcessorPlacement::NestedOnly;
    }
    if (!placement)
        return std::nullopt;
    auto config = preciseConfig(p, *placement);
    return config ? std::optional<PreciseScorerConfig>(std::move(*config)) : std::nullopt;
}

namespace {

/// One plugin instance; profile handlers and request-control plugins build nothing.
struct Built {
    std::unique_ptr<EppFilter> filter;
    std::unique_ptr<EppScorer> scorer;
    std::unique_ptr<EppPicker> picker;
};

Result<Built> build(const EppPluginConfig& plugin)
{
    if (auto names = checkParameterNames(plugin); !names)
        return std::unexpected(names.error());
    const PluginParams p(plugin);
    const std::string& t = plugin.type;
    Built b;
    if (t == "decode-filter") {
        b.filter = std::make_unique<DecodeFilter>();
    } else if (t == "prefill-filter") {
        b.filter = std::make_unique<PrefillFilter>();
    } else if (t == "prefix-cache-scorer") {
        auto tracking = isCacheTracking(p);
        if (!tracking)
            return std::unexpected(tracking.error());
        if (*tracking) {
            auto c = preciseConfig(p, TokenProcessorPlacement::NestedOnly);
            if (!c)
                return std::unexpected(c.error());
            b.scorer = std::make_unique<PreciseKvScorer>(*c);
        } else {
            auto c = approxConfig(p);
            if (!c)
                return std::unexpected(c.error());
            b.scorer = std::make_unique<ApproxPrefixScorer>(*c);
        }
    } else if (t == "precise-prefix-cache-scorer") {
        auto c = preciseConfig(p, TokenProcessorPlacement::NestedOrTopLevel);
        if (!c)
            return std::unexpected(c.error());
        b.scorer = std::make_unique<PreciseKvScorer>(*c);
    } else if (t == "kv-cache-utilization-scorer" || t == "kv-cache-scorer") {
        b.scorer = std::make_unique<KvCacheUtilizationScorer>();
    } else if (t == "queue-scorer") {
        b.scorer = std::make_unique<QueueScorer>();
    } else if (t == "load-aware-scorer") {
        auto threshold = p.integer({"threshold"}, 128, std::numeric_limits<std::int32_t>::min(), kMaxInt);
        if (!threshold)
            return std::unexpected(threshold.error());
        b.scorer = std::make_unique<LoadAwareScorer>(*threshold);
    } else if (t == "active-request-scorer") {
        auto timeout = p.duration({"requestTimeout"}, 120 * kSecond);
        if (!timeout)
            return std::unexpected(timeout.error());
        b.scorer = std::make_unique<ActiveRequestScorer>(*timeout);
    } else if (t == "session-affinity-scorer") {
        b.scorer = std::make_unique<SessionAffinityScorer>();
    } else if (t == "max-score-picker" || t == "random-picker" || t == "weighted-random-picker") {
        auto ok = checkPicker(p);
        if (!ok)
            return std::unexpected(ok.error());
        if (t == "max-score-picker")
            b.picker = std::make_unique<MaxScorePicker>();
        else if (t == "random-picker")
            b.picker = std::make_unique<RandomPicker>();
        else
            b.picker = std::make_unique<WeightedRandomPicker>();
    } else if (t == "pd-profile-handler") {
        // Decode-only simulation: the handler only tells which profile is the decode one
        // (the loader reads decodeProfile); prefill scheduling is not simulated.
        auto threshold = p.integer({"threshold"}, 0, 0, std::numeric_limits<std::int64_t>::max());
        if (!threshold)
            return std::unexpected(threshold.error());
        auto block = p.integer({"hashBlockSize"}, 64, 1, 1 << 20);
        if (!block)
            return std::unexpected(block.error());
    } else if (!eppPluginKind(t)) {
        return fail("unknown plugin type '" + t + "'; allowed types: " + eppPluginTypeList(), "type");
    }
    return b;
}

std::string formatWeight(double w)
{
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, w);
    return ec == std::errc{} ? std::string(buf, end) : std::to_string(w);
}

} // namespace

std::optional<EppPluginKind> eppPluginKind(std::string_view type)
{
    for (const KnownType& k : kKnownTypes) {
        if (k.type == type)
            return k.kind;
    }
    return std::nullopt;
}

std::string eppPluginTypeList()
{
    std::string list;
    for (const KnownType& k : kKnownTypes)
        list += (list.empty() ? "" : ", ") + std::string(k.type);
    return list;
}

Result<void> validateEppPlugin(const EppPluginConfig& plugin)
{
    auto built = build(plugin);
    if (!built)
        return std::unexpected(built.error());
    return {};
}

Result<EppPipeline> buildEppPipeline(std::span<const EppPluginConfig> plugins)
{
    EppPipeline pipeline;
    std::string pickerName;
    for (std::size_t i = 0; i < plugins.size(); ++i) {
        const EppPluginConfig& plugin = plugins[i];
        const std::string where = "epp plugin " + std::to_string(i) + " ('" + plugin.name + "')";
        auto built = build(plugin);
        if (!built) {
            Error e = built.error();
            e.where = where + (e.where.empty() ? "" : " " + e.where);
            return std::unexpected(e);
        }
        if (built->filter) {
            pipeline.filters.push_back(std::move(built->filter));
            pipeline.description += (pipeline.description.empty() ? "" : ", ") + plugin.name;
        } else if (built->scorer) {
            if (!(plugin.weight >= 0.0) || plugin.weight > 1e12)
                return fail("weight of scorer '" + plugin.name + "' must be a number >= 0", where);
            pipeline.description += (pipeline.description.empty() ? "" : ", ") + plugin.name + "\xC3\x97" +
                                    formatWeight(plugin.weight);
            pipeline.scorers.push_back({std::move(built->scorer), plugin.weight, plugin.name});
        } else if (built->picker) {
            if (pipeline.picker)
                return fail("a profile has one picker, found '" + pickerName + "' and '" + plugin.name + "'", where);
            pipeline.picker = std::move(built->picker);
            pickerName = plugin.name;
        }
    }
    if (!pipeline.picker) {
        pipeline.picker = std::make_unique<MaxScorePicker>();
        pickerName = "max-score-picker";
    }
    pipeline.description += (pipeline.description.empty() ? "" : ", ") + pickerName;
    return pipeline;
}

std::vector<std::string> unmodelledEppParameters(const EppPluginConfig& plugin)
{
    std::vector<std::string> out;
    const auto entry = std::ranges::find(kUnmodelledNames, plugin.type, &ParameterNames::type);
    if (entry == kUnmodelledNames.end())
        return out;
    for (const auto& [key, value] : plugin.parameters) {
        const std::string top = key.substr(0, key.find('.'));
        if (std::ranges::find(entry->names, top) != entry->names.end() && std::ranges::find(out, top) == out.end())
            out.push_back(top);
    }
    return out;
}

} // namespace kvroute::sim::routing
