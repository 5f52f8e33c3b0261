// `kvroute compare-report SCENARIO REPORT...`: a real inference-perf run beside its simulation,
// stage by stage (docs/INFERENCE_PERF.md).

#include "app/cli/commands.h"

#include "sim/compare/inference_perf_report.h"
#include "sim/compare/report_comparison.h"
#include "sim/fleet/cluster_run.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct CompareOptions {
    std::string scenario;
    std::vector<std::string> reports;
    std::vector<std::string> overrides;
    std::string jsonPath;
    bool quiet = false;
};

int compareReportCommand(const CompareOptions& o)
{
    // The report first: it is quick to read, and a wrong path should not wait for a simulation.
    auto measured = sim::readInferencePerfReport(o.reports);
    if (!measured) {
        std::cerr << "kvroute: " << measured.error().toString() << '\n';
        return kExitBadInput;
    }
    if (const auto mismatch = sim::summaryMismatch(*measured))
        std::cerr << "kvroute: warning: " << *mismatch << '\n';
    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    if (!o.jsonPath.empty() && o.jsonPath != "-") {
        if (const auto why = unwritable(o.jsonPath, false)) {
            std::cerr << "kvroute: " << o.jsonPath << ": cannot write there: " << *why << '\n';
            return kExitBadInput;
        }
    }
    const SimulatedRun run = simulateWithProgress(*scenario, o.quiet);
    if (!run.results)
        return run.exitCode;
    const auto& results = run.results;
    const sim::ReportComparison comparison = sim::compareReport(*measured, *results);
    if (o.jsonPath != "-") {
        std::cout << "kvroute compare-report: " << scenario->name << " — " << results->workload << '\n';
        std::cout << sim::comparisonText(comparison);
        for (const auto& warning : results->warnings)
            std::cout << "simulation: " << warning << '\n';
    }
    if (!o.jsonPath.empty()) {
        std::vector<std::string> files;
        for (const auto& stage : measured->stages)
            files.push_back(stage.file);
        if (measured->summary)
            files.push_back(measured->summary->file);
        const std::string json = sim::comparisonJson(comparison, scenario->name, files);
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
    return 0;
}

} // namespace

void addCompareReportCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<CompareOptions>();
    auto* cmd = app.add_subcommand(
        "compare-report",
        "Simulate a scenario and compare it, stage by stage, with an inference-perf report "
        "(stage_N_lifecycle_metrics.json files)");
    cmd->add_option("scenario", o->scenario,
                    "built-in scenario name or YAML file (typically workload.type inference-perf with the "
                    "benchmark's config)")
        ->required();
    cmd->add_option("reports", o->reports,
                    "inference-perf report directories, or stage_N_lifecycle_metrics.json / "
                    "summary_lifecycle_metrics.json files")
        ->required();
    cmd->add_option("--set", o->overrides, "override a scenario key, e.g. --set routing.profile=load (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--json", o->jsonPath, "write the comparison as JSON to FILE ('-' = stdout only)")
        ->type_name("FILE");
    cmd->add_flag("--quiet,-q", o->quiet, "no progress bar");
    cmd->callback([o, &exitCode] { exitCode = compareReportCommand(*o); });
}

} // namespace kvroute::cli
