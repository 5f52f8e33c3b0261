// `kvroute deploy render|apply|status|delete`: a scenario as Kubernetes / OpenShift manifests,
// and those manifests applied with the user's own `oc` or `kubectl`.
#include "app/cli/commands.h"
#include "app/cli/deploy_commands.h"

#include <CLI/CLI.hpp>

namespace kvroute::cli {

void addDeployCommand(CLI::App& app, int& exitCode)
{
    auto* deploy = app.add_subcommand("deploy", "Render a scenario as Kubernetes/OpenShift manifests; apply, watch, delete them");
    deploy->require_subcommand(1);
    addDeployRenderCommand(*deploy, exitCode);
    addDeployClusterCommands(*deploy, exitCode);
}

} // namespace kvroute::cli
