// The routing the scenario simulates, as Kubernetes objects: a Service (kube-proxy; ClientIP
// affinity as llmd.md §5's demo), Istio consistent hashing on a header behind a Gateway (the
// demo's HEAD variant), or llm-d's Endpoint Picker behind a Gateway and an InferencePool.

#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_context.h"
#include "sim/routing/epp_plugin_factory.h"

#include <cmath>
#include <sstream>
#include <string_view>

namespace kvroute::cluster::deploy {

namespace {

using sim::RoutingPolicy;

/// A Go duration for a number of seconds ("50ms").
std::string goDuration(double seconds)
{
    const auto ns = static_cast<std::int64_t>(std::llround(seconds * 1e9));
    if (ns % 1'000'000 == 0)
        return std::to_string(ns / 1'000'000) + "ms";
    if (ns % 1'000 == 0)
        return std::to_string(ns / 1'000) + "us";
    return std::to_string(ns) + "ns";
}

/// Whether `image` is an llm-d-inference-scheduler release that reads scorer weights as
/// integers. GAIE v1.0 (llmd.md §1.1), which v0.3.x builds on, declares EndpointPickerConfig's
/// weight an `int`, as do its releases up to v1.3.0 (llm-d-inference-scheduler up to v0.5.x);
/// v0.6.0 pins a GAIE with `float64` weights. Other images are not known.
bool readsIntegerWeights(std::string_view image)
{
    const auto colon = image.rfind(':');
    const auto slash = image.rfind('/');
    if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash))
        return false;
    if (image.substr(0, colon).ends_with("/llm-d-inference-scheduler") == false &&
        image.substr(0, colon) != "llm-d-inference-scheduler")
        return false;
    unsigned major = 0;
    unsigned minor = 0;
    char dot = 0;
    std::istringstream tag(std::string(image.substr(colon + 1)));
    if (tag.get() != 'v' || !(tag >> major >> dot >> minor) || dot != '.')
        return false;
    return major == 0 && minor <= 5;
}

/// A fractional weight fails such a release's config decoding and the Endpoint Picker does not
/// start: refused here rather than deployed half-configured. Other images get the weights as
/// they are, under a comment.
Result<void> checkWeightsForTheImage(const RenderContext& ctx, const sim::EppConfig& resolved, const std::string& source)
{
    if (!readsIntegerWeights(ctx.options.eppImage))
        return {};
    for (const auto& p : resolved.plugins) {
        if (sim::routing::eppPluginKind(p.type) != sim::routing::EppPluginKind::Scorer || !isFractionalWeight(p.weight))
            continue;
        return fail("the scorer \"" + p.name + "\" has weight " + yamlNumber(p.weight) + ", but the Endpoint Picker image " +
                        ctx.options.eppImage +
                        " reads weights as integers and would refuse this config at start; give whole "
                        "weights, or pass --epp-image with llm-d-inference-scheduler v0.6.0 or later",
                    source);
    }
    return {};
}

/// What a plain Service does differently from the simulated policy, said in its file.
std::string serviceComment(const RenderContext& ctx)
{
    const auto& r = ctx.scenario().routing;
    const std::string perConnection =
        "kube-proxy picks an endpoint per connection, not per request: a client that keeps its HTTP connection "
        "alive sends every request on it to one pod.";
    switch (r.policy) {
    case RoutingPolicy::RoundRobin:
        return "The scenario routes round-robin (Envoy, per request). Closest Kubernetes equivalent: this plain "
               "Service. kube-proxy in iptables mode picks at random, in IPVS mode round-robin (its default "
               "scheduler), and " + perConnection;
    case RoutingPolicy::Random:
        return "The scenario routes at random per request. Closest Kubernetes equivalent: this plain Service "
               "(kube-proxy's iptables mode picks at random); " + perConnection;
    case RoutingPolicy::LeastRequest:
        return "The scenario routes by least request (Envoy's power of two choices, per request). Closest "
               "Kubernetes equivalent: this plain Service, which knows nothing of load (IPVS mode's lc scheduler "
               "counts connections, not requests); " + perConnection + " An Istio Gateway or sidecar in front "
               "would balance by least request (Istio's default).";
    case RoutingPolicy::HeaderHash:
        return "The pods' Service; the Gateway routes to it and the DestinationRule (25-destinationrule.yaml) hashes "
               "the " + r.headerHash.header + " header onto its endpoints. Traffic that bypasses Istio (straight to "
               "this Service) is balanced by kube-proxy instead.";
    default: break;
    }
    std::string text = "The scenario's Service: kube-proxy with sessionAffinity " +
                       std::string(r.kubeService.clientIpAffinity ? "ClientIP" : "None") + ".";
    if (!r.kubeService.seesClientIp)
        text += " The scenario has clients behind a gateway or NAT (routing.service.sees_client_ip: false): every "
                "request shows one source address, so affinity pins all of them to one pod; clients connecting "
                "through one proxy do the same here.";
    if (r.kubeService.meshBypassesAffinity)
        text += " The scenario has an Istio/Envoy gateway in front that balances the endpoints itself "
                "(routing.service.mesh_bypass: true): its traffic ignores this affinity. No such gateway is rendered.";
    return text;
}

Result<RenderedFile> service(const RenderContext& ctx)
{
    const auto& r = ctx.scenario().routing;
    std::string affinity;
    if (r.policy == RoutingPolicy::KubeService && r.kubeService.clientIpAffinity)
        affinity = "sessionAffinity: ClientIP\nsessionAffinityConfig:\n  clientIP:\n    timeoutSeconds: " +
                   yamlInt(r.kubeService.timeoutSeconds);
    else
        affinity = "sessionAffinity: None";
    auto text = fillNamed(ctx, "service.yaml",
                          {{"name", yamlQuote(ctx.serviceName)}, {"pod_labels", labelLines(ctx.pod)}, {"affinity", affinity}});
    if (!text)
        return std::unexpected(text.error());
    return RenderedFile{"20-service.yaml", yamlComment(serviceComment(ctx)) + *text};
}

Result<std::vector<RenderedFile>> gatewayAndRoute(const RenderContext& ctx, const std::string& backendGroup,
                                                  const std::string& backendKind, const std::string& backend)
{
    auto gw = fillNamed(ctx, "gateway.yaml",
                        {{"name", yamlQuote(ctx.gatewayName)}, {"gateway_class", yamlQuote(ctx.options.gatewayClass)}});
    if (!gw)
        return std::unexpected(gw.error());
    auto route = fillNamed(ctx, "httproute.yaml",
                           {{"name", yamlQuote(ctx.base + "-route")},
                            {"gateway", yamlQuote(ctx.gatewayName)},
                            {"backend_group", yamlQuote(backendGroup)},
                            {"backend_kind", yamlQuote(backendKind)},
                            {"backend", yamlQuote(backend)}});
    if (!route)
        return std::unexpected(route.error());
    return std::vector<RenderedFile>{
        {"40-gateway.yaml",
         yamlComment("The entry point: a Gateway of class " + ctx.options.gatewayClass +
                     " (the Gateway API and, for the Endpoint Picker, an implementation with Inference Extension "
                     "support must be installed).") +
             *gw},
        {"41-httproute.yaml", *route}};
}

Result<std::vector<RenderedFile>> epp(const RenderContext& ctx)
{
    const auto& r = ctx.scenario().routing;
    auto resolved = sim::resolveEppConfig(r.epp);
    if (!resolved)
        return std::unexpected(resolved.error());
    std::vector<RenderedFile> files;
    Labels eppLabels{{"app.kubernetes.io/name", ctx.eppName}, {"kvroute.io/scenario", ctx.base}};
    Labels objectLabels = ctx.common;
    objectLabels["app.kubernetes.io/name"] = ctx.eppName;

    auto rbac = fillNamed(ctx, "epp-rbac.yaml", {{"name", yamlQuote(ctx.eppName)}, {"labels", labelLines(objectLabels)}});
    if (!rbac)
        return std::unexpected(rbac.error());
    files.push_back({"30-epp-rbac.yaml",
                     yamlComment("The Endpoint Picker watches the pool's pods and the InferencePool.") + *rbac});

    const std::string configMap = ctx.eppName + "-config";
    const std::string source = !r.epp.configFile.empty() ? "the file " + r.epp.configFile
                               : !r.epp.plugins.empty()  ? std::string("routing.epp_plugins")
                                                         : "the built-in profile " + r.epp.profile;
    const std::string weightsFrom = !r.epp.configFile.empty() ? r.epp.configFile
                                    : !r.epp.plugins.empty()  ? std::string("routing.epp_plugins")
                                                              : std::string("routing.profile");
    if (auto checked = checkWeightsForTheImage(ctx, *resolved, weightsFrom); !checked)
        return std::unexpected(checked.error());
    auto cm = fillNamed(ctx, "configmap.yaml",
                        {{"name", yamlQuote(configMap)},
                         {"labels", labelLines(objectLabels)},
                         {"data", "epp-config.yaml: " + yamlText(eppConfigYaml(*resolved), 2)}});
    if (!cm)
        return std::unexpected(cm.error());
    files.push_back({"31-epp-configmap.yaml",
                     yamlComment("The scenario's Endpoint Picker profile (" + source +
                                 ") as the EndpointPickerConfig the simulation ran: its decode profile's filters, "
                                 "scorers with their weights, and picker.") +
                         *cm});

    std::vector<std::string> args{"--pool-name", ctx.poolName, "--pool-namespace", ctx.options.ns, "--pool-group",
                                  "inference.networking.k8s.io", "--config-file", "/config/epp-config.yaml",
                                  "--grpc-port", "9002", "--grpc-health-port", "9003", "--metrics-port", "9090",
                                  // routing.scrape_interval: how often the EPP reads the pods' /metrics.
                                  "--refresh-metrics-interval", goDuration(r.epp.scrapeIntervalSeconds),
                                  // Plain gRPC inside the cluster, so the Gateway needs no TLS exception for
                                  // the EPP's self-signed certificate (GAIE's DestinationRule workaround).
                                  "--secure-serving=false", "--zap-encoder", "json", "--v", "1"};
    const std::string zmqPort = "- name: zmq\n  containerPort: 5557\n  protocol: TCP";
    auto deployment = fillNamed(ctx, "epp-deployment.yaml",
                                {{"name", yamlQuote(ctx.eppName)},
                                 {"labels", labelLines(objectLabels)},
                                 {"epp_labels", labelLines(eppLabels)},
                                 {"image", yamlQuote(ctx.options.eppImage)},
                                 {"args", listLines(args)},
                                 {"zmq_port", ctx.routerWantsEvents ? zmqPort : ""},
                                 {"config_map", yamlQuote(configMap)}});
    if (!deployment)
        return std::unexpected(deployment.error());
    files.push_back({"32-epp-deployment.yaml",
                     yamlComment("llm-d's Endpoint Picker (" + ctx.options.eppImage + ")" +
                                 (ctx.routerWantsEvents ? "; its precise prefix-cache index binds tcp://*:5557 for "
                                                          "the pods' KV events"
                                                        : std::string())) +
                         *deployment});

    const std::string zmqServicePort = "- name: zmq\n  port: 5557\n  targetPort: zmq\n  protocol: TCP\n  appProtocol: tcp";
    auto svc = fillNamed(ctx, "epp-service.yaml",
                         {{"name", yamlQuote(ctx.eppName)},
                          {"labels", labelLines(objectLabels)},
                          {"epp_labels", labelLines(eppLabels)},
                          {"zmq_port", ctx.routerWantsEvents ? zmqServicePort : ""}});
    if (!svc)
        return std::unexpected(svc.error());
    files.push_back({"33-epp-service.yaml", *svc});

    auto pool = fillNamed(ctx, "inferencepool.yaml",
                          {{"name", yamlQuote(ctx.poolName)},
                           {"pod_labels", labelLines(ctx.pod)},
                           {"epp_service", yamlQuote(ctx.eppName)}});
    if (!pool)
        return std::unexpected(pool.error());
    files.push_back({"34-inferencepool.yaml",
                     yamlComment("The pods the Endpoint Picker chooses among (vLLM's port 8000).") + *pool});

    auto entry = gatewayAndRoute(ctx, "inference.networking.k8s.io", "InferencePool", ctx.poolName);
    if (!entry)
        return std::unexpected(entry.error());
    files.insert(files.end(), entry->begin(), entry->end());
    return files;
}

} // namespace

Result<std::vector<RenderedFile>> renderRouting(const RenderContext& ctx)
{
    const auto& r = ctx.scenario().routing;
    if (r.policy == RoutingPolicy::Epp)
        return epp(ctx);
    std::vector<RenderedFile> files;
    auto svc = service(ctx);
    if (!svc)
        return std::unexpected(svc.error());
    files.push_back(std::move(*svc));
    if (r.policy != RoutingPolicy::HeaderHash)
        return files;

    auto rule = fillNamed(ctx, "destinationrule.yaml",
                          {{"name", yamlQuote(ctx.serviceName)},
                           {"host", yamlQuote(ctx.serviceName + "." + ctx.options.ns + ".svc.cluster.local")},
                           {"header", yamlQuote(r.headerHash.header)},
                           {"ring_size", yamlInt(r.headerHash.minimumRingSize)}});
    if (!rule)
        return std::unexpected(rule.error());
    files.push_back({"25-destinationrule.yaml",
                     yamlComment("Envoy ring hash on the " + r.headerHash.header +
                                 " header, as the demo's HEAD variant; Istio applies it to traffic from its Gateway "
                                 "and sidecars.\n"
                                 "kvroute has no schema for Istio's kinds to check this file with: "
                                 "kubectl apply --dry-run=server checks it against your cluster's Istio.") +
                         *rule,
                     false});
    auto entry = gatewayAndRoute(ctx, "", "Service", ctx.serviceName);
    if (!entry)
        return std::unexpected(entry.error());
    files.insert(files.end(), entry->begin(), entry->end());
    return files;
}

} // namespace kvroute::cluster::deploy
