// What watches the deployment: a PodMonitor for the pods' /metrics, the OpenShift Route to the
// entry point, and the Tekton cache-hit gate (`kvroute validate`, the demo's pipeline, llmd.md §5).

#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_context.h"

namespace kvroute::cluster::deploy {

namespace {

using sim::RoutingPolicy;

constexpr std::string_view kOpenShiftThanos = "https://thanos-querier.openshift-monitoring.svc.cluster.local:9091";
// OpenShift mounts the service CA, which signs the Thanos querier's in-cluster certificate,
// beside every service-account token.
constexpr std::string_view kOpenShiftServiceCa = "/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt";
constexpr std::string_view kKubePrometheus = "http://prometheus-operated.monitoring.svc.cluster.local:9090";
constexpr std::string_view kKubeCa = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

Result<RenderedFile> route(const RenderContext& ctx)
{
    const auto& r = ctx.scenario().routing;
    std::string service;
    std::string targetPort;
    std::string annotations;
    std::string comment;
    if (r.policy == RoutingPolicy::Epp || r.policy == RoutingPolicy::HeaderHash) {
        // Istio's automated deployment names the Gateway's Service <gateway>-<class> and listens
        // on the listener's port; other implementations name it differently.
        service = ctx.options.gatewayClass == "istio" ? ctx.gatewayName + "-istio" : ctx.gatewayName;
        targetPort = "80";
        comment = "The public entry point: edge TLS at the OpenShift router, then the Gateway's Service (" + service +
                  ", the name Istio gives the Service of Gateway " + ctx.gatewayName +
                  "; another gateway class names it differently).";
    } else {
        service = ctx.serviceName;
        targetPort = yamlQuote("http");
        // The router connects to the pods itself, not through the Service, so kube-proxy's
        // affinity never applies to Route traffic: the router's own balancing stands in for it.
        std::string balance = "random";
        if (r.policy == RoutingPolicy::KubeService)
            balance = r.kubeService.clientIpAffinity ? "source" : "random";
        else if (r.policy == RoutingPolicy::RoundRobin)
            balance = "roundrobin";
        else if (r.policy == RoutingPolicy::LeastRequest)
            balance = "leastconn";
        annotations = "annotations:\n  haproxy.router.openshift.io/balance: " + yamlQuote(balance) +
                      "\n  haproxy.router.openshift.io/disable_cookies: " + yamlQuote("true");
        comment = "The public entry point: edge TLS at the OpenShift router, which balances the Service's pods "
                  "itself (HAProxy balance " + balance + ", no sticky cookie): the Service's own " +
                  (r.policy == RoutingPolicy::KubeService && r.kubeService.clientIpAffinity
                       ? "ClientIP affinity does not apply to this traffic; balance source hashes the client's "
                         "address instead, the closest equivalent (no affinity timeout; a client behind a proxy "
                         "shows the proxy's address)."
                       : "balancing does not apply to this traffic; HAProxy balances per connection.");
    }
    auto text = fillNamed(ctx, "route.yaml",
                          {{"name", yamlQuote(ctx.base)},
                           {"annotations", annotations},
                           {"service", yamlQuote(service)},
                           {"target_port", targetPort}});
    if (!text)
        return std::unexpected(text.error());
    return RenderedFile{"60-route.yaml", yamlComment(comment) + *text};
}

} // namespace

std::string prometheusUrlOf(const RenderContext& ctx)
{
    if (!ctx.options.prometheusUrl.empty())
        return ctx.options.prometheusUrl;
    return std::string(ctx.options.target == RenderTarget::OpenShift ? kOpenShiftThanos : kKubePrometheus);
}

std::string prometheusCaOf(const RenderContext& ctx)
{
    return std::string(ctx.options.target == RenderTarget::OpenShift ? kOpenShiftServiceCa : kKubeCa);
}

Result<std::vector<RenderedFile>> renderExtras(const RenderContext& ctx)
{
    std::vector<RenderedFile> files;
    auto monitor = fillNamed(ctx, "podmonitor.yaml", {{"name", yamlQuote(ctx.podsName)}, {"pod_labels", labelLines(ctx.pod)}});
    if (!monitor)
        return std::unexpected(monitor.error());
    files.push_back({"50-podmonitor.yaml",
                     yamlComment("Prometheus scrapes every pod's /metrics (vLLM v0.10.0's metric names) and labels the "
                                 "series with pod and namespace, which kvroute live watch and kvroute validate "
                                 "group by. Needs the Prometheus Operator (OpenShift: user-workload monitoring).") +
                         *monitor});

    if (ctx.options.target == RenderTarget::OpenShift) {
        auto r = route(ctx);
        if (!r)
            return std::unexpected(r.error());
        files.push_back(std::move(*r));
    }

    const bool openshift = ctx.options.target == RenderTarget::OpenShift;
    const std::string image =
        ctx.options.emulatorImage.empty() ? std::string(kDefaultKvrouteImage) : ctx.options.emulatorImage;
    const std::string url = prometheusUrlOf(ctx);
    const std::string task = ctx.base + "-cache-hit-gate";
    auto taskText = fillNamed(ctx, "tekton-task.yaml",
                              {{"name", yamlQuote(task)},
                               {"prometheus_url", yamlQuote(url)},
                               {"kvroute_image", yamlQuote(image)},
                               {"selector", yamlQuote("namespace=" + ctx.options.ns)},
                               {"ca_file", yamlQuote(prometheusCaOf(ctx))}});
    if (!taskText)
        return std::unexpected(taskText.error());
    files.push_back(
        {"70-tekton-task.yaml",
         yamlComment(std::string("The demo's cache-hit gate on real numbers: kvroute validate in a "
                                 "container, with the task's service-account token.\n") +
                     (openshift ? "The account reads the Thanos querier with the cluster-monitoring-view role:\n"
                                  "  oc adm policy add-cluster-role-to-user cluster-monitoring-view -z pipeline -n " +
                                      ctx.options.ns
                                : std::string("Give prometheus-url your Prometheus (this default is the Prometheus "
                                              "Operator's prometheus-operated Service in namespace monitoring)."))) +
             *taskText});
    auto pipeline = fillNamed(ctx, "tekton-pipeline.yaml",
                              {{"name", yamlQuote(task)},
                               {"prometheus_url", yamlQuote(url)},
                               {"kvroute_image", yamlQuote(image)},
                               {"task", yamlQuote(task)}});
    if (!pipeline)
        return std::unexpected(pipeline.error());
    files.push_back({"71-tekton-pipeline.yaml", *pipeline});
    return files;
}

} // namespace kvroute::cluster::deploy
