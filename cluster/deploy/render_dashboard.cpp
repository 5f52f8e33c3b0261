// `--dashboard IMAGE`: the web dashboard (`kvroute serve`, docs/WEB.md) beside the pods, reading
// the cluster's Prometheus with its service-account token and simulating the same scenario, so a
// team opens one URL next to its deployment. Its API wants a bearer token from a Secret the user
// creates (never rendered: a token does not belong in a manifest).

#include "cluster/deploy/manifest_yaml.h"
#include "cluster/deploy/render_context.h"
#include "sim/scenario/scenario_yaml.h"

namespace kvroute::cluster::deploy {

Result<std::vector<RenderedFile>> renderDashboard(const RenderContext& ctx)
{
    std::vector<RenderedFile> files;
    if (ctx.options.dashboardImage.empty())
        return files;
    auto scenario = emulatedScenario(ctx, "--dashboard");
    if (!scenario)
        return std::unexpected(scenario.error());

    const std::string name = ctx.base + "-dashboard";
    const std::string authSecret = name + "-token";
    const Labels labels{{"app.kubernetes.io/name", "kvroute-dashboard"}, {"app.kubernetes.io/instance", name}};
    Labels objectLabels = ctx.common;
    objectLabels.insert(labels.begin(), labels.end());

    const bool openshift = ctx.options.target == RenderTarget::OpenShift;
    // Commands on lines of their own, never wrapped, so they can be copied.
    std::string out =
        yamlComment("The web dashboard (kvroute serve, docs/WEB.md): live hit rates from Prometheus beside the "
                    "simulation of this scenario, and what-if runs. Its API needs a bearer token; create it before "
                    "applying:") +
        yamlComment("  kubectl -n " + ctx.options.ns + " create secret generic " + authSecret +
                        " --from-literal=token=\"$(openssl rand -hex 24)\"",
                    false) +
        (openshift ? yamlComment("Its service account reads the Thanos querier with the cluster-monitoring-view role:") +
                         yamlComment("  oc adm policy add-cluster-role-to-user cluster-monitoring-view -z " + name + " -n " +
                                         ctx.options.ns,
                                     false)
                   : yamlComment("It reads " + prometheusUrlOf(ctx) + " (kvroute deploy render --prometheus URL to change)."));
    auto account = fillNamed(ctx, "dashboard-serviceaccount.yaml", {{"name", yamlQuote(name)}, {"labels", labelLines(objectLabels)}});
    if (!account)
        return std::unexpected(account.error());
    auto configMap = fillNamed(ctx, "configmap.yaml",
                               {{"name", yamlQuote(name + "-scenario")},
                                {"labels", labelLines(objectLabels)},
                                {"data", "scenario.yaml: " + yamlText(sim::toYaml(*scenario), 2)}});
    if (!configMap)
        return std::unexpected(configMap.error());
    const std::vector<std::string> args{"serve",
                                        "--host", "0.0.0.0",
                                        "--port", "8090",
                                        "--scenario", "/etc/kvroute/scenario.yaml",
                                        "--prometheus", prometheusUrlOf(ctx),
                                        "--token-file", "/var/run/secrets/kubernetes.io/serviceaccount/token",
                                        "--ca-file", prometheusCaOf(ctx),
                                        "--selector", "namespace=" + ctx.options.ns,
                                        "--auth-token-file", "/etc/kvroute-auth/token"};
    auto deployment = fillNamed(ctx, "dashboard-deployment.yaml",
                                {{"name", yamlQuote(name)},
                                 {"labels", labelLines(objectLabels)},
                                 {"dashboard_labels", labelLines(labels)},
                                 {"image", yamlQuote(ctx.options.dashboardImage)},
                                 {"args", listLines(args)},
                                 {"scenario_configmap", yamlQuote(name + "-scenario")},
                                 {"auth_secret", yamlQuote(authSecret)}});
    if (!deployment)
        return std::unexpected(deployment.error());
    auto service = fillNamed(ctx, "dashboard-service.yaml",
                             {{"name", yamlQuote(name)}, {"labels", labelLines(objectLabels)}, {"dashboard_labels", labelLines(labels)}});
    if (!service)
        return std::unexpected(service.error());
    out += *account + "---\n" + *configMap + "---\n" + *deployment + "---\n" + *service;
    if (ctx.options.target == RenderTarget::OpenShift) {
        auto route = fillNamed(ctx, "route.yaml",
                               {{"name", yamlQuote(name)},
                                {"labels", labelLines(objectLabels)},
                                {"annotations", ""},
                                {"service", yamlQuote(name)},
                                {"target_port", yamlQuote("http")}});
        if (!route)
            return std::unexpected(route.error());
        out += "---\n" + *route;
    }
    files.push_back({"80-dashboard.yaml", std::move(out)});
    return files;
}

} // namespace kvroute::cluster::deploy
