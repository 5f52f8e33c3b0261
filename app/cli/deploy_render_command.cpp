// `kvroute deploy render`: the scenario the user tuned as manifests, with the same vLLM flags and
// the same routing (cluster/deploy/render_manifests.h says what is rendered).
#include "app/cli/commands.h"
#include "app/cli/deploy_commands.h"

#include "cluster/deploy/render_manifests.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct DeployRenderOptions {
    std::string scenario;
    std::vector<std::string> overrides;
    std::string out;
    std::string target = "kubernetes";
    std::string vllmImage;
    std::string emulatorImage;
    bool force = false;
    cluster::deploy::RenderOptions render;
};

int deployRender(DeployRenderOptions& o)
{
    namespace d = cluster::deploy;
    const auto bad = [](const std::string& message) {
        std::cerr << "kvroute: " << message << '\n';
        return kExitBadInput;
    };
    if (o.target == "kubernetes")
        o.render.target = d::RenderTarget::Kubernetes;
    else if (o.target == "openshift")
        o.render.target = d::RenderTarget::OpenShift;
    else
        return bad("--target: \"" + o.target + "\" is not a target; use kubernetes or openshift");
    if (!o.vllmImage.empty() && !o.emulatorImage.empty())
        return bad("--vllm-image and --emulator exclude each other: --emulator runs kvroute pod instead of vLLM");
    if (!o.vllmImage.empty())
        o.render.vllmImage = o.vllmImage;
    o.render.emulatorImage = o.emulatorImage;
    o.render.scenarioArgument = o.scenario;
    o.render.overrides = o.overrides;
    if (auto ok = d::checkRenderOptions(o.render); !ok)
        return bad(ok.error().toString());

    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario)
        return bad(scenario.error().toString());
    auto manifests = d::renderManifests(*scenario, o.render);
    if (!manifests)
        return bad(manifests.error().toString());
    auto written = d::writeManifests(o.out, *manifests, o.render, o.force);
    if (!written)
        return bad(written.error().toString());

    std::cout << "kvroute deploy render: " << scenario->name << " → " << o.out << " (namespace " << o.render.ns
              << ", " << o.target << (o.emulatorImage.empty() ? ", vLLM " + o.render.vllmImage : ", emulator " + o.emulatorImage)
              << ")\n";
    for (const auto& path : *written)
        std::cout << "  " << path << '\n';
    for (const auto& note : manifests->notes)
        std::cout << "note: " << note << '\n';
    std::cout << "apply: kvroute deploy apply " << o.out << '\n';
    return 0;
}

} // namespace

void addDeployRenderCommand(CLI::App& deploy, int& exitCode)
{
    auto o = std::make_shared<DeployRenderOptions>();
    auto* cmd = deploy.add_subcommand(
        "render", "Write the scenario as manifests: vLLM (or kvroute pod) pods with its flags, its routing, monitoring, the gate");
    cmd->add_option("scenario", o->scenario, "built-in scenario name or a YAML file")->required();
    cmd->add_option("--set", o->overrides, "override a scenario key (repeatable)");
    cmd->add_option("--out", o->out, "directory to write the manifests into")->required()->type_name("DIR");
    cmd->add_option("--namespace", o->render.ns, "namespace of every object")->capture_default_str();
    cmd->add_option("--target", o->target, "kubernetes or openshift (adds a Route; the gate reads Thanos)")
        ->capture_default_str();
    cmd->add_option("--vllm-image", o->vllmImage,
                    "vLLM image (default " + std::string(cluster::deploy::kDefaultVllmImage) + ")")
        ->type_name("IMG");
    cmd->add_option("--emulator", o->emulatorImage,
                    "run kvroute pod from this image instead of vLLM: CPU only, the scenario in a ConfigMap")
        ->type_name("IMG");
    cmd->add_option("--gateway-class", o->render.gatewayClass, "GatewayClass of the rendered Gateway")->capture_default_str();
    cmd->add_option("--epp-image", o->render.eppImage, "llm-d Endpoint Picker image")->capture_default_str();
    cmd->add_option("--dashboard", o->render.dashboardImage,
                    "add the web dashboard (kvroute serve) from this image: Deployment, Service, Route on OpenShift")
        ->type_name("IMG");
    cmd->add_option("--prometheus", o->render.prometheusUrl,
                    "Prometheus the gate and the dashboard read (default: Thanos on OpenShift, prometheus-operated else)")
        ->type_name("URL");
    cmd->add_flag("--force", o->force, "write into a non-empty directory kvroute did not render");
    cmd->callback([o, &exitCode] { exitCode = deployRender(*o); });
}

} // namespace kvroute::cli
