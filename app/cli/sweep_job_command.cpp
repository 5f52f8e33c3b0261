// `kvroute sweep emit-job`: being written.
#include "app/cli/commands.h"

#include <CLI/CLI.hpp>

namespace kvroute::cli {

void addSweepJobCommand(CLI::App& sweep, int& exitCode)
{
    (void)sweep;
    (void)exitCode;
}

} // namespace kvroute::cli
