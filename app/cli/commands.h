#pragma once
// Sub-commands of the kvroute CLI; each registers itself on the CLI11 app.

#include "sim/metrics/run_results.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kvroute::cli {

void addConformanceCommand(CLI::App& app, int& exitCode);
void addPodCommand(CLI::App& app, int& exitCode);
void addLoadCommand(CLI::App& app, int& exitCode);
void addGatewayCommand(CLI::App& app, int& exitCode);
void addStackCommand(CLI::App& app, int& exitCode);
void addLiveCommand(CLI::App& app, int& exitCode);
void addDeployCommand(CLI::App& app, int& exitCode);
void addValidateCommand(CLI::App& app, int& exitCode);
void addRunCommand(CLI::App& app, int& exitCode);
void addSweepCommand(CLI::App& app, int& exitCode);
/// `sweep merge` and `sweep emit-job`, under the sweep command.
void addSweepMergeCommand(CLI::App& sweep, int& exitCode);
void addSweepJobCommand(CLI::App& sweep, int& exitCode);
void addScenariosCommand(CLI::App& app, int& exitCode);
void addServeCommand(CLI::App& app, int& exitCode);
void addCompareReportCommand(CLI::App& app, int& exitCode);

/// A built-in scenario name or a scenario file, with --set overrides applied in order. Workload
/// keys its workload.type never reads are said on stderr (file:line:column; the run's notes
/// say it too).
[[nodiscard]] Result<sim::Scenario> loadScenarioArgument(const std::string& nameOrFile,
                                                         const std::vector<std::string>& overrides);

/// Why `path` cannot be written (created or replaced) as a file or a directory, checked before
/// a long run rather than after it; nullopt when it can.
[[nodiscard]] std::optional<std::string> unwritable(const std::string& path, bool directory);

/// A simulation run for `kvroute run` and `compare-report`: its results, or the exit code after
/// the error was said on stderr (bad input before the run, a failed run).
struct SimulatedRun {
    std::optional<sim::RunResults> results;
    int exitCode = 0;
    double wallSeconds = 0.0;
};

/// Prepares and runs `scenario`, with a progress bar on stderr unless `quiet`.
[[nodiscard]] SimulatedRun simulateWithProgress(const sim::Scenario& scenario, bool quiet);

/// This executable's path (pods and gateways of a stack run it).
[[nodiscard]] std::string selfPath();

/// Exit codes shared by the commands.
inline constexpr int kExitRunFailed = 1;
inline constexpr int kExitBadInput = 2;
/// A gate that ran and failed (`live compare --max-hit-rate-gap`).
inline constexpr int kExitGateFailed = 3;

} // namespace kvroute::cli
