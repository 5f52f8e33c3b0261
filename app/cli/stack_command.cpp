#include "app/cli/commands.h"
#include "app/cli/number_range.h"

#include "cluster/stack/stack.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct StackCommandOptions {
    cluster::StackUpOptions up;
    std::string dir;
    bool json = false;
};

int printState(const Result<cluster::StackState>& state, bool json)
{
    if (!state) {
        std::cerr << "kvroute: " << state.error().toString() << '\n';
        return kExitBadInput;
    }
    std::cout << (json ? cluster::stackStateJson(*state) + "\n" : cluster::stackStateText(*state));
    return 0;
}

} // namespace

std::string selfPath()
{
    char buf[4096];
    const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("kvroute");
}

void addStackCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<StackCommandOptions>();
    auto* stack = app.add_subcommand("stack", "A scenario's live cluster on this machine: pods, gateway, Prometheus");
    stack->require_subcommand(1);

    auto* up = stack->add_subcommand("up", "Start the pods, the gateway and Prometheus; wait until all are ready");
    up->add_option("scenario", o->up.scenario, "built-in scenario name or a YAML file")->required();
    up->add_option("--set", o->up.overrides, "override a scenario key (repeatable)");
    up->add_option("--dir", o->up.dir, "folder for the state file, logs and Prometheus's data")->required();
    up->add_option("--base-port", o->up.basePort, "pods on PORT.., then the gateway, then Prometheus (default: free ports)")
        ->transform(numberIn(1, 65535));
    up->add_option("--time-scale", o->up.timeScale, "the pods' wall seconds per simulated second")
        ->capture_default_str()
        ->transform(numberIn(0.0, 1000.0));
    up->add_flag("--json", o->json, "print the state as JSON");
    up->callback([o, &exitCode] {
        auto scenario = loadScenarioArgument(o->up.scenario, o->up.overrides);
        if (!scenario) {
            std::cerr << "kvroute: " << scenario.error().toString() << '\n';
            exitCode = kExitBadInput;
            return;
        }
        o->up.stopOnSignals = true;
        exitCode = printState(cluster::stackUp(o->up, *scenario, selfPath()), o->json);
    });

    auto* status = stack->add_subcommand("status", "Show the stack's processes and whether they answer");
    status->add_option("--dir", o->dir, "the stack's folder")->required();
    status->add_flag("--json", o->json, "print the state as JSON");
    status->callback([o, &exitCode] { exitCode = printState(cluster::stackStatus(o->dir), o->json); });

    auto* down = stack->add_subcommand("down", "Stop exactly the processes `stack up` started");
    down->add_option("--dir", o->dir, "the stack's folder")->required();
    down->callback([o, &exitCode] {
        const auto state = cluster::stackDown(o->dir);
        if (!state) {
            std::cerr << "kvroute: " << state.error().toString() << '\n';
            exitCode = kExitBadInput;
            return;
        }
        for (const auto& p : state->processes)
            if (p.running) {
                std::cerr << "kvroute: " << p.name << " (pid " << p.pid << ") did not stop\n";
                exitCode = kExitRunFailed;
            }
        std::cout << "stopped " << state->processes.size() << " processes\n";
    });
}

} // namespace kvroute::cli
