#pragma once
// The sub-commands of `kvroute deploy`, each in its own file.

namespace CLI {
class App;
}

namespace kvroute::cli {

/// `deploy render` (deploy_render_command.cpp).
void addDeployRenderCommand(CLI::App& deploy, int& exitCode);
/// `deploy apply|status|delete` (deploy_cluster_command.cpp).
void addDeployClusterCommands(CLI::App& deploy, int& exitCode);

} // namespace kvroute::cli
