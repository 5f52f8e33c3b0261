#include "app/cli/deploy_commands.h"

#include <CLI/CLI.hpp>

namespace kvroute::cli {

void addDeployRenderCommand(CLI::App& deploy, int& exitCode)
{
    (void)deploy;
    (void)exitCode; // `deploy render`: being written
}

} // namespace kvroute::cli
