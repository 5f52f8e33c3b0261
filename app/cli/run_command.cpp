#include "app/cli/commands.h"
#include "app/cli/progress_bar.h"

#include "sim/fleet/cluster_run.h"
#include "sim/report/results_writers.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct RunOptions {
    std::string scenario = "default";
    std::vector<std::string> overrides;
    std::string jsonPath;
    std::string csvDir;
    bool quiet = false;
};

int runCommand(const RunOptions& o)
{
    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    auto setup = sim::prepareRun(*scenario);
    if (!setup) {
        std::cerr << "kvroute: " << setup.error().toString() << '\n';
        return kExitBadInput;
    }
    ProgressBar bar(!o.quiet);
    const auto started = std::chrono::steady_clock::now();
    sim::RunControl control;
    control.progress = [&bar](double f) { bar.update(f, "simulating"); };
    auto results = sim::runPrepared(*setup, control);
    bar.finish();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!results) {
        std::cerr << "kvroute: run failed: " << results.error().toString() << '\n';
        return kExitRunFailed;
    }
    if (o.jsonPath != "-")
        std::cout << sim::resultsReport(*results, *scenario);
    if (!o.jsonPath.empty()) {
        const auto json = sim::resultsToJson(*results, *scenario, sim::RunInfo{KVROUTE_VERSION, wall});
        if (o.jsonPath == "-") {
            std::cout << json << '\n';
        } else {
            std::ofstream out(o.jsonPath);
            if (!(out << json << '\n')) {
                std::cerr << "kvroute: cannot write " << o.jsonPath << '\n';
                return kExitRunFailed;
            }
        }
    }
    if (!o.csvDir.empty()) {
        if (auto r = sim::writeResultsCsv(*results, o.csvDir); !r) {
            std::cerr << "kvroute: " << r.error().toString() << '\n';
            return kExitRunFailed;
        }
    }
    if (!o.quiet && o.jsonPath != "-")
        std::cerr << "(" << wall << " s wall time)\n";
    return 0;
}

} // namespace

void addRunCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Simulate one scenario and print its report");
    cmd->add_option("scenario", o->scenario, "built-in scenario name (see `kvroute scenarios`) or a YAML file")
        ->capture_default_str();
    cmd->add_option("--set", o->overrides, "override a scenario key, e.g. --set vllm.block_size=32 (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--json", o->jsonPath, "write the results as JSON to FILE ('-' = stdout only)");
    cmd->add_option("--csv", o->csvDir, "write summary.csv, pods.csv and timeseries.csv into DIR");
    cmd->add_flag("--quiet,-q", o->quiet, "no progress bar");
    cmd->callback([o, &exitCode] { exitCode = runCommand(*o); });
}

} // namespace kvroute::cli
