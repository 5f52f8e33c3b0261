#include "app/cli/commands.h"
#include "app/cli/progress_bar.h"

#include "sim/fleet/cluster_run.h"
#include "sim/report/results_writers.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <fstream>
#include <iomanip>
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

/// The same file for two roles? Compared after resolving links and `..`, so `./a` and `a` match.
bool samePath(const std::string& a, const std::string& b)
{
    namespace fs = std::filesystem;
    std::error_code ea, eb;
    const auto ca = fs::weakly_canonical(fs::absolute(a), ea);
    const auto cb = fs::weakly_canonical(fs::absolute(b), eb);
    return !ea && !eb && ca == cb;
}

/// Checks the output targets against each other and against every file the run reads, before
/// anything runs: no output clobbers an input, none overwrites another, nothing half-written.
std::optional<std::string> outputConflict(const RunOptions& o, const sim::Scenario& scenario)
{
    if (o.csvDir == "-")
        return "--csv -: --csv takes a directory (summary.csv, pods.csv, timeseries.csv); only --json can "
               "write to stdout";
    std::string lower = o.csvDir;
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::error_code notADirectory;
    if (lower.ends_with(".csv") && !std::filesystem::is_directory(o.csvDir, notADirectory))
        return "--csv " + o.csvDir + ": --csv takes a directory and writes summary.csv, pods.csv and timeseries.csv "
               "into it; give a directory (e.g. --csv results), or --json FILE for one file";
    std::vector<std::pair<std::string, std::string>> outputs; // (option, file written)
    if (!o.jsonPath.empty() && o.jsonPath != "-")
        outputs.emplace_back("--json " + o.jsonPath, o.jsonPath);
    if (!o.csvDir.empty()) {
        if (!o.jsonPath.empty() && o.jsonPath != "-" && samePath(o.jsonPath, o.csvDir))
            return "--json and --csv both name " + o.jsonPath + "; give each its own path";
        for (const char* file : {"summary.csv", "pods.csv", "timeseries.csv"})
            outputs.emplace_back("--csv " + o.csvDir, (std::filesystem::path(o.csvDir) / file).string());
    }
    std::vector<std::pair<std::string, std::string>> inputs; // (what, path)
    if (o.scenario.find('/') != std::string::npos || std::filesystem::exists(o.scenario))
        inputs.emplace_back("the scenario file", o.scenario);
    if (!scenario.routing.epp.configFile.empty())
        inputs.emplace_back("routing.epp_config", scenario.routing.epp.configFile);
    if (!scenario.workload.trace.path.empty())
        inputs.emplace_back("workload.path", scenario.workload.trace.path);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        for (const auto& [what, input] : inputs) {
            if (samePath(outputs[i].second, input))
                return outputs[i].first + " would overwrite " + what + " (" + input +
                       ") that this run reads; write the results elsewhere";
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (samePath(outputs[i].second, outputs[j].second))
                return outputs[j].first + " and " + outputs[i].first + " would both write " + outputs[i].second;
        }
    }
    return std::nullopt;
}

} // namespace

SimulatedRun simulateWithProgress(const sim::Scenario& scenario, bool quiet)
{
    SimulatedRun run;
    auto setup = sim::prepareRun(scenario);
    if (!setup) {
        std::cerr << "kvroute: " << setup.error().toString() << '\n';
        run.exitCode = kExitBadInput;
        return run;
    }
    ProgressBar bar(!quiet);
    const auto started = std::chrono::steady_clock::now();
    sim::RunControl control;
    control.progress = [&bar](double f) { bar.update(f, "simulating"); };
    auto results = sim::runPrepared(*setup, control);
    bar.finish();
    run.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!results) {
        std::cerr << "kvroute: run failed: " << results.error().toString() << '\n';
        run.exitCode = kExitRunFailed;
        return run;
    }
    run.results = std::move(*results);
    return run;
}

namespace {

int runCommand(const RunOptions& o)
{
    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    if (const auto conflict = outputConflict(o, *scenario)) {
        std::cerr << "kvroute: " << *conflict << '\n';
        return kExitBadInput;
    }
    for (const auto& [path, directory] : {std::pair{o.jsonPath, false}, std::pair{o.csvDir, true}}) {
        if (path.empty() || path == "-")
            continue;
        if (const auto why = unwritable(path, directory)) {
            std::cerr << "kvroute: " << path << ": cannot write there: " << *why << '\n';
            return kExitBadInput;
        }
    }
    const SimulatedRun run = simulateWithProgress(*scenario, o.quiet);
    if (!run.results)
        return run.exitCode;
    const auto& results = run.results;
    const double wall = run.wallSeconds;
    if (o.jsonPath != "-")
        std::cout << sim::resultsReport(*results, *scenario, o.overrides);
    if (!o.jsonPath.empty()) {
        const auto json = sim::resultsToJson(*results, *scenario, sim::RunInfo{KVROUTE_VERSION, wall});
        if (o.jsonPath == "-") {
            std::cout << json << '\n';
        } else {
            std::ofstream out(o.jsonPath);
            out << json << '\n';
            out.close();
            if (!out) {
                std::cerr << "kvroute: cannot write " << o.jsonPath << ": " << std::strerror(errno) << '\n';
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
    if (!o.quiet && o.jsonPath != "-") {
        // After the report on stdout, not inside it when both go to one pipe.
        std::cout.flush();
        std::cerr << "(" << std::fixed << std::setprecision(3) << wall << " s wall time)\n";
    }
    if (results->requestsCompleted == 0 && !results->cancelled) {
        std::cerr << "kvroute: no request completed; see the notes\n";
        return kExitRunFailed;
    }
    return 0;
}

} // namespace

void addRunCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Simulate one scenario and print its report");
    cmd->add_option("scenario", o->scenario, "built-in scenario name (see `kvroute scenarios`), a YAML file, or - for YAML on standard input")
        ->capture_default_str();
    cmd->add_option("--set", o->overrides, "override a scenario key, e.g. --set vllm.block_size=32 (repeatable)")
        ->allow_extra_args(false);
    // An empty path (an unset shell variable) would write nothing without a word.
    const auto nonEmpty = CLI::Validator(
        [](std::string& value) { return value.empty() ? std::string("an empty path writes nothing; give a path") : std::string(); },
        "");
    cmd->add_option("--json", o->jsonPath, "write the results as JSON to FILE ('-' = stdout only)")
        ->type_name("FILE")
        ->check(nonEmpty);
    cmd->add_option("--csv", o->csvDir, "write summary.csv, pods.csv and timeseries.csv into DIR (created, with its parents, if missing)")
        ->type_name("DIR")
        ->check(nonEmpty);
    cmd->add_flag("--quiet,-q", o->quiet, "no progress bar");
    cmd->callback([o, &exitCode] { exitCode = runCommand(*o); });
}

} // namespace kvroute::cli
