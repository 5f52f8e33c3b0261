// kvroute — headless runs, sweeps and conformance replays.

#include "app/cli/commands.h"
#include "app/cli/huge_pages.h"
#include "app/cli/number_range.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    kvroute::cli::preferHugePages(argv, kvroute::cli::isSimulatingCommand(argc, argv));
    CLI::App app{"kvroute: what prefix-cache hit rate, stickiness and TTFT will my vLLM / llm-d cluster get?"};
    app.require_subcommand(1);
    app.set_version_flag("--version", KVROUTE_VERSION);
    int exitCode = 0;
    kvroute::cli::addRunCommand(app, exitCode);
    kvroute::cli::addSweepCommand(app, exitCode);
    kvroute::cli::addScenariosCommand(app, exitCode);
    kvroute::cli::addServeCommand(app, exitCode);
    kvroute::cli::addConformanceCommand(app, exitCode);
    kvroute::cli::addPodCommand(app, exitCode);
    kvroute::cli::addLoadCommand(app, exitCode);
    kvroute::cli::addGatewayCommand(app, exitCode);
    kvroute::cli::addStackCommand(app, exitCode);
    kvroute::cli::addLiveCommand(app, exitCode);
    kvroute::cli::addDeployCommand(app, exitCode);
    kvroute::cli::addValidateCommand(app, exitCode);
    kvroute::cli::addCompareReportCommand(app, exitCode);
    kvroute::cli::checkNumbersStrictly(app);
    // Every other error of ours starts with "kvroute: "; so do the option parser's.
    app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
        return "kvroute: " + CLI::FailureMessage::simple(failed, e);
    });
    // CLI11 would say "A subcommand is required" for a misspelt one.
    if (argc >= 2 && argv[1][0] != '-') {
        try {
            (void)app.get_subcommand(argv[1]);
        } catch (const CLI::OptionNotFound&) {
            std::string names;
            for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
                names += (names.empty() ? "" : ", ") + command->get_name();
            std::cerr << "kvroute: unknown command '" << argv[1] << "'; the commands are " << names
                      << " (kvroute --help)\n";
            return kvroute::cli::kExitBadInput;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every other command-line mistake is bad input (2), as
        // for the scenario itself, rather than CLI11's own codes (105, 106, 109, ...).
        return app.exit(e) == 0 ? 0 : kvroute::cli::kExitBadInput;
    }
    return exitCode;
}
