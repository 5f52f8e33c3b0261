#include "app/cli/deploy_commands.h"

#include <CLI/CLI.hpp>

namespace kvroute::cli {

void addDeployClusterCommands(CLI::App& deploy, int& exitCode)
{
    (void)deploy;
    (void)exitCode; // `deploy apply|status|delete`: being written
}

} // namespace kvroute::cli
