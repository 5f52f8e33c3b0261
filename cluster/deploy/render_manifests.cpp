#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_context.h"
#include "resources/embedded.h"
#include "sim/fleet/fleet_factories.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace kvroute::cluster::deploy {

namespace {

/// Names of objects are `<base>-<suffix>`; the longest suffix ("-cache-hit-gate") must still fit
/// a 63-character label.
constexpr std::size_t kMaxBaseLength = 40;

bool imageReference(std::string_view image)
{
    if (image.empty() || image.size() > 512)
        return false;
    return std::ranges::none_of(image, [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7F || c == '"' || c == '\'' || c == '\\' || c == '$' || c == '`';
    });
}

bool dnsSubdomain(std::string_view name)
{
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto dot = name.find('.', start);
        const auto part = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (!isDnsLabel(part))
            return false;
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return true;
}

/// The hashSeed the precise index's token processor uses (llmd.md §1.8, §2), if a plugin sets one.
std::optional<std::string> indexHashSeed(const sim::EppConfig& epp)
{
    for (const auto& plugin : epp.plugins) {
        for (const char* key : {"indexerConfig.tokenProcessorConfig.hashSeed", "tokenProcessorConfig.hashSeed"}) {
            if (const auto it = plugin.parameters.find(key); it != plugin.parameters.end())
                return it->second;
        }
    }
    return std::nullopt;
}

std::string header(const RenderContext& ctx)
{
    std::string command = "kvroute deploy render " + ctx.options.scenarioArgument;
    for (const auto& o : ctx.options.overrides)
        command += " --set " + o;
    command += " --namespace " + ctx.options.ns + " --target " +
               (ctx.options.target == RenderTarget::OpenShift ? "openshift" : "kubernetes");
    for (const auto& [flag, value, fallback] :
         {std::tuple{" --vllm-image ", ctx.options.vllmImage, std::string(kDefaultVllmImage)},
          std::tuple{" --emulator ", ctx.options.emulatorImage, std::string()},
          std::tuple{" --epp-image ", ctx.options.eppImage, std::string(kDefaultEppImage)},
          std::tuple{" --gateway-class ", ctx.options.gatewayClass, std::string(kDefaultGatewayClass)},
          std::tuple{" --dashboard ", ctx.options.dashboardImage, std::string()},
          std::tuple{" --prometheus ", ctx.options.prometheusUrl, std::string()}})
        if (value != fallback)
            command += flag + value;
    // One line each, never wrapped: tools look for the first.
    return yamlComment("Rendered by kvroute deploy render from scenario " + ctx.scenario().name +
                           "; edit the scenario, not this file.\n" + command,
                       false);
}

} // namespace

Result<void> checkRenderOptions(const RenderOptions& options)
{
    if (!isDnsLabel(options.ns))
        return fail("\"" + options.ns +
                        "\" is not a namespace name: an RFC 1123 label of at most 63 lower-case letters, digits "
                        "and '-', starting and ending with a letter or digit",
                    "--namespace");
    if (!imageReference(options.vllmImage))
        return fail("not an image reference (no spaces, quotes or control characters)", "--vllm-image");
    if (!options.emulatorImage.empty() && !imageReference(options.emulatorImage))
        return fail("not an image reference (no spaces, quotes or control characters)", "--emulator");
    if (!options.dashboardImage.empty() && !imageReference(options.dashboardImage))
        return fail("not an image reference (no spaces, quotes or control characters)", "--dashboard");
    if (!options.prometheusUrl.empty() &&
        (!(options.prometheusUrl.starts_with("http://") || options.prometheusUrl.starts_with("https://")) ||
         !imageReference(options.prometheusUrl)))
        return fail("\"" + options.prometheusUrl + "\" is not an http:// or https:// URL", "--prometheus");
    if (!imageReference(options.eppImage))
        return fail("not an image reference (no spaces, quotes or control characters)", "--epp-image");
    if (!dnsSubdomain(options.gatewayClass))
        return fail("\"" + options.gatewayClass + "\" is not a GatewayClass name (a DNS subdomain: lower-case "
                                                  "letters, digits, '-' and '.')",
                    "--gateway-class");
    return {};
}

std::string labelLines(const Labels& labels)
{
    std::string out;
    for (const auto& [key, value] : labels)
        out += key + ": " + yamlQuote(value) + "\n";
    if (!out.empty())
        out.pop_back();
    return out;
}

std::string listLines(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& item : items)
        out += "- " + yamlQuote(item) + "\n";
    if (!out.empty())
        out.pop_back();
    return out;
}

Result<std::string> fillNamed(const RenderContext& ctx, std::string_view templateName,
                              std::map<std::string, std::string> values)
{
    const std::string path = "templates/" + std::string(templateName);
    const auto text = resources::deploy::embeddedFile(path);
    if (!text)
        return fail("the deploy template is missing from this build", "deploy/" + path);
    values.try_emplace("namespace", yamlQuote(ctx.options.ns));
    values.try_emplace("labels", labelLines(ctx.common));
    return fillTemplate(*text, values, "deploy/" + path);
}

Result<RenderedManifests> renderManifests(const sim::Scenario& scenario, const RenderOptions& options)
{
    if (auto ok = checkRenderOptions(options); !ok)
        return std::unexpected(ok.error());
    auto setup = sim::prepareRun(scenario);
    if (!setup)
        return std::unexpected(setup.error());
    RenderedManifests out;
    RenderContext ctx{.setup = *setup, .options = options, .notes = &out.notes};
    ctx.base = dnsLabelFrom(setup->scenario.name, kMaxBaseLength, "kvroute");
    ctx.podsName = ctx.base + "-decode";
    ctx.serviceName = ctx.base;
    ctx.eppName = ctx.base + "-epp";
    ctx.poolName = ctx.base + "-pool";
    ctx.gatewayName = ctx.base + "-gateway";
    ctx.emulator = !options.emulatorImage.empty();
    out.scenarioLabel = ctx.base;
    ctx.common = {{"app.kubernetes.io/managed-by", "kvroute"}, {"kvroute.io/scenario", ctx.base}};
    ctx.pod = {{"app.kubernetes.io/name", ctx.podsName},
               {"kvroute.io/scenario", ctx.base},
               {"llm-d.ai/inference-serving", "true"},
               {"llm-d.ai/role", "decode"}};

    const sim::Scenario& s = setup->scenario;
    for (const auto& w : setup->warnings)
        out.notes.push_back("scenario: " + w);

    // KV events: the precise index needs them; a scenario may also publish them with no reader.
    if (s.routing.policy == sim::RoutingPolicy::Epp) {
        auto router = sim::makeFleetRouter(*setup);
        if (!router)
            return std::unexpected(router.error());
        ctx.routerWantsEvents = (*router)->wantsKvEvents();
    }
    if (ctx.routerWantsEvents || s.vllm.kvEvents) {
        // llmd.md §6 (the precise guide): vLLM's PUB connects to the EPP's SUB, which binds *:5557,
        // on the topic kv@<pod IP>@<model>. Without an EPP there is no reader: vLLM's default bind.
        const std::string endpoint =
            ctx.routerWantsEvents ? "tcp://" + ctx.eppServiceHost() + ":5557" : std::string("tcp://*:5557");
        nlohmann::ordered_json config{{"enable_kv_cache_events", true},
                                      {"publisher", "zmq"},
                                      {"endpoint", endpoint},
                                      {"topic", "kv@$(POD_IP)@" + setup->servedModelName}};
        ctx.kvEventsConfig = config.dump();
        if (ctx.routerWantsEvents && !s.vllm.kvEvents)
            out.notes.push_back("vllm.kv_events is false but the precise prefix-cache scorer reads KV events: "
                                "--kv-events-config is rendered so the deployment can route by them (the "
                                "simulation, without events, predicts no precise hits; set vllm.kv_events=true "
                                "to simulate what is deployed)");
    }
    ctx.pythonHashSeed = s.vllm.pythonHashSeed;
    if (!ctx.pythonHashSeed && ctx.routerWantsEvents) {
        const auto resolved = sim::resolveEppConfig(s.routing.epp);
        ctx.pythonHashSeed = resolved ? indexHashSeed(*resolved).value_or("") : std::string();
        out.notes.push_back("vllm.python_hash_seed is not set but the precise index must compute the pods' block "
                            "hashes: rendered PYTHONHASHSEED=\"" + *ctx.pythonHashSeed +
                            "\", the index's tokenProcessorConfig.hashSeed (set vllm.python_hash_seed to simulate it)");
    }
    std::vector<RenderedFile> files;
    for (auto part : {renderPods(ctx), renderRouting(ctx), renderExtras(ctx), renderDashboard(ctx)}) {
        if (!part)
            return std::unexpected(part.error());
        files.insert(files.end(), part->begin(), part->end());
    }
    const std::string head = header(ctx);
    for (auto& f : files)
        f.text = head + f.text;
    std::ranges::sort(files, {}, &RenderedFile::name);
    out.files = std::move(files);
    return out;
}

} // namespace kvroute::cluster::deploy
