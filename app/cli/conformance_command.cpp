#include "app/cli/commands.h"

#include "sim/conformance/trace_replay.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct ConformanceOptions {
    std::string tracePath;
};

std::optional<std::string> environment(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
}

} // namespace

void addConformanceCommand(CLI::App& app, int& exitCode)
{
    auto options = std::make_shared<ConformanceOptions>();
    auto* cmd = app.add_subcommand("conformance",
                                   "Replay a step-level trace through one vLLM engine and print the result JSON "
                                   "(format: ../shared/conformance/README.md). Reads PYTHONHASHSEED like vLLM; "
                                   "KVROUTE_NONE_HASH supplies the NONE_HASH of a trace recorded with a random one.");
    cmd->add_option("trace", options->tracePath, "trace file (JSON Lines)")->required();
    cmd->callback([options, &exitCode] {
        sim::ReplayOptions replay;
        replay.pythonHashSeed = environment("PYTHONHASHSEED");
        if (const auto noneHash = environment("KVROUTE_NONE_HASH")) {
            char* end = nullptr;
            const auto value = std::strtoull(noneHash->c_str(), &end, 10);
            if (noneHash->empty() || *end != '\0') {
                std::cerr << "kvroute: KVROUTE_NONE_HASH must be an unsigned decimal integer\n";
                exitCode = 2;
                return;
            }
            replay.noneHash = value;
        }
        const auto result = sim::replayConformanceTrace(options->tracePath, replay);
        if (!result) {
            std::cerr << "kvroute: " << result.error().toString() << '\n';
            exitCode = 1;
            return;
        }
        std::cout << *result << '\n';
    });
}

} // namespace kvroute::cli
