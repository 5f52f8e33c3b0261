#include "app/cli/commands.h"

#include "sim/scenario/scenario_validation.h"
#include "sim/scenario/scenario_yaml.h"

#include <filesystem>
#include <iostream>
#include <sstream>

namespace kvroute::cli {

namespace {

/// `-`: the scenario YAML on standard input (`kvroute scenarios show default | sed … | kvroute run -`);
/// relative paths inside it resolve against the working directory.
Result<sim::Scenario> scenarioFromStdin()
{
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (std::cin.bad())
        return std::unexpected(Error{"cannot read the scenario from standard input", "<stdin>"});
    return sim::parseScenarioYaml(text.str(), "<stdin>", std::filesystem::current_path().string());
}

/// `-`, a file (a path, *.yaml / *.yml, or an existing file) or a built-in name.
Result<sim::Scenario> readScenario(const std::string& nameOrFile)
{
    if (nameOrFile == "-")
        return scenarioFromStdin();
    const bool looksLikeFile = nameOrFile.find('/') != std::string::npos || nameOrFile.ends_with(".yaml") ||
                               nameOrFile.ends_with(".yml");
    if (looksLikeFile || std::filesystem::exists(nameOrFile))
        return sim::loadScenarioFile(nameOrFile);
    return sim::builtinScenario(nameOrFile);
}

} // namespace

Result<sim::Scenario> loadScenarioArgument(const std::string& nameOrFile, const std::vector<std::string>& overrides)
{
    Result<sim::Scenario> scenario = readScenario(nameOrFile);
    if (!scenario)
        return scenario;
    if (auto r = sim::applyOverrides(*scenario, overrides); !r)
        return std::unexpected(r.error());
    if (const auto unread = sim::unreadWorkloadKeysWarning(*scenario))
        std::cerr << "kvroute: warning: " << *unread << '\n';
    return scenario;
}

} // namespace kvroute::cli
