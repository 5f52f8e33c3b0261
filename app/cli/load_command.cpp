#include "app/cli/commands.h"
#include "app/cli/number_range.h"
#include "app/cli/progress_bar.h"

#include "cluster/load/load_generator.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct LoadCommandOptions {
    std::string scenario = "default";
    std::vector<std::string> overrides;
    cluster::LoadOptions load;
    std::string jsonPath;
    bool quiet = false;
};

int loadCommand(LoadCommandOptions& o)
{
    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    ProgressBar bar(!o.quiet);
    o.load.progress = [&bar](double f, const std::string& label) { bar.update(f, label); };
    auto report = cluster::runLoad(*scenario, o.load);
    bar.finish();
    if (!report) {
        std::cerr << "kvroute: " << report.error().toString() << '\n';
        return kExitBadInput;
    }
    std::cout << cluster::loadReportText(*report);
    if (!o.jsonPath.empty()) {
        std::ofstream out(o.jsonPath);
        out << cluster::loadReportJson(*report) << '\n';
        if (!out) {
            std::cerr << "kvroute: cannot write " << o.jsonPath << ": " << std::strerror(errno) << '\n';
            return kExitRunFailed;
        }
    }
    if (report->requestsCompleted == 0) {
        std::cerr << "kvroute: no request was answered" << (report->firstError.empty() ? "" : ": " + report->firstError)
                  << '\n';
        return kExitRunFailed;
    }
    return 0;
}

} // namespace

void addLoadCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<LoadCommandOptions>();
    auto* cmd = app.add_subcommand("load", "Replay a scenario's workload in real time against an OpenAI-compatible URL");
    cmd->add_option("scenario", o->scenario, "built-in scenario name or a YAML file")->capture_default_str();
    cmd->add_option("--set", o->overrides, "override a scenario key (repeatable)");
    cmd->add_option("--url", o->load.url, "base URL of the server, e.g. http://127.0.0.1:8000")->required();
    cmd->add_option("--duration", o->load.durationSeconds, "simulated seconds of arrivals (default: the scenario's)");
    cmd->add_option("--max-requests", o->load.maxRequests, "stop after this many requests (default: the scenario's)");
    cmd->add_option("--max-inflight", o->load.maxInflight,
                    "requests in flight at once; more wait at the client (default: the scenario's "
                    "workload.client.max_in_flight, 256 when that is unlimited)")
        ->transform(numberIn(1, 100000));
    cmd->add_option("--time-scale", o->load.timeScale,
                    "wall seconds per simulated second (match the pods'; 0 = send as fast as possible)")
        ->capture_default_str()
        ->transform(numberIn(0.0, 1000.0));
    cmd->add_flag("!--no-client-addresses", o->load.clientAddresses,
                  "send every request from one address (default on loopback: 127.x.y.z per client)");
    cmd->add_option("--json", o->jsonPath, "write the report as JSON to FILE")->type_name("FILE");
    cmd->add_flag("--quiet,-q", o->quiet, "no progress");
    cmd->callback([o, &exitCode] { exitCode = loadCommand(*o); });
}

} // namespace kvroute::cli
