#include "app/cli/commands.h"

#include "sim/conformance/trace_replay.h"

#include <CLI/CLI.hpp>

#include <cerrno>

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
                                   "Replay a step-level vLLM conformance trace (JSON Lines) through one vLLM engine and "
                                   "print the result JSON. Reads PYTHONHASHSEED like vLLM; "
                                   "KVROUTE_NONE_HASH supplies the NONE_HASH of a trace recorded with a random one.");
    cmd->add_option("trace", options->tracePath, "trace file (JSON Lines)")->required();
    cmd->callback([options, &exitCode] {
        sim::ReplayOptions replay;
        replay.pythonHashSeed = environment("PYTHONHASHSEED");
        if (const auto& seed = replay.pythonHashSeed; seed && *seed != "random") {
            // CPython refuses anything else at start-up, so no vLLM process could have run so.
            char* end = nullptr;
            errno = 0;
            const auto value = std::strtoull(seed->c_str(), &end, 10);
            if (seed->empty() || *end != '\0' || seed->front() == '-' || errno != 0 || value > 4294967295ULL) {
                std::cerr << "kvroute: PYTHONHASHSEED must be \"random\" or an integer in range [0; 4294967295], as "
                             "Python requires; got \"" << *seed << "\"\n";
                exitCode = kExitBadInput;
                return;
            }
        }
        if (const auto noneHash = environment("KVROUTE_NONE_HASH")) {
            char* end = nullptr;
            const auto value = std::strtoull(noneHash->c_str(), &end, 10);
            if (noneHash->empty() || *end != '\0') {
                std::cerr << "kvroute: KVROUTE_NONE_HASH must be an unsigned decimal integer\n";
                exitCode = kExitBadInput;
                return;
            }
            replay.noneHash = value;
        }
        const auto result = sim::replayConformanceTrace(options->tracePath, replay);
        if (!result) {
            std::cerr << "kvroute: " << result.error().toString() << '\n';
            exitCode = kExitBadInput; // every failure here is the trace's
            return;
        }
        std::cout << *result << '\n';
    });
}

} // namespace kvroute::cli
