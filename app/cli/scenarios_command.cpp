#include "app/cli/commands.h"

#include "sim/scenario/scenario_yaml.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace kvroute::cli {

void addScenariosCommand(CLI::App& app, int& exitCode)
{
    auto* cmd = app.add_subcommand("scenarios", "List the built-in scenarios, or show one");
    auto* show = cmd->add_subcommand("show", "Print a built-in scenario's YAML (or a file's, fully resolved)");
    auto name = std::make_shared<std::string>();
    auto resolved = std::make_shared<bool>(false);
    show->add_option("name", *name, "built-in scenario name or YAML file")->required();
    show->add_flag("--resolved", *resolved, "print every key with its value, defaults included");
    show->callback([name, resolved, &exitCode] {
        if (!*resolved) {
            if (const auto text = sim::builtinScenarioText(*name)) {
                std::cout << *text;
                return;
            }
        }
        auto scenario = loadScenarioArgument(*name, {});
        if (!scenario) {
            std::cerr << "kvroute: " << scenario.error().toString() << '\n';
            exitCode = kExitBadInput;
            return;
        }
        std::cout << sim::toYaml(*scenario);
    });
    cmd->callback([cmd, &exitCode] {
        if (!cmd->get_subcommands().empty())
            return;
        (void)exitCode;
        for (const auto& [scenarioName, description] : sim::builtinScenarioList())
            std::cout << scenarioName << std::string(scenarioName.size() < 22 ? 22 - scenarioName.size() : 1, ' ')
                      << description << '\n';
    });
}

} // namespace kvroute::cli
