// Scenario YAML (parseScenarioYaml: strict_yaml::parse, the schema walk, plugin parameters,
// validation). Any input must give a Scenario or an Error, never hang, crash or exhaust memory.

#include "sim/scenario/scenario_yaml.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto scenario = kvroute::sim::parseScenarioYaml(text, "fuzz.yaml", "");
    if (scenario) {
        // What the CLI and GUI do next with a parsed scenario: write it back out.
        (void)kvroute::sim::toYaml(*scenario);
    }
    return 0;
}
