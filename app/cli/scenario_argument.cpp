#include "app/cli/commands.h"

#include "sim/scenario/scenario_validation.h"
#include "sim/scenario/scenario_yaml.h"

#include <filesystem>
#include <iostream>

namespace kvroute::cli {

Result<sim::Scenario> loadScenarioArgument(const std::string& nameOrFile, const std::vector<std::string>& overrides)
{
    const bool looksLikeFile = nameOrFile.find('/') != std::string::npos || nameOrFile.ends_with(".yaml") ||
                               nameOrFile.ends_with(".yml");
    Result<sim::Scenario> scenario = (looksLikeFile || std::filesystem::exists(nameOrFile))
                                         ? sim::loadScenarioFile(nameOrFile)
                                         : sim::builtinScenario(nameOrFile);
    if (!scenario)
        return scenario;
    if (auto r = sim::applyOverrides(*scenario, overrides); !r)
        return std::unexpected(r.error());
    if (const auto unread = sim::unreadWorkloadKeysWarning(*scenario))
        std::cerr << "kvroute: warning: " << *unread << '\n';
    return scenario;
}

} // namespace kvroute::cli
