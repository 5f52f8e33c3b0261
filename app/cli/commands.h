#pragma once
// Sub-commands of the kvroute CLI; each registers itself on the CLI11 app.

namespace CLI {
class App;
}

namespace kvroute::cli {

void addConformanceCommand(CLI::App& app, int& exitCode);

} // namespace kvroute::cli
