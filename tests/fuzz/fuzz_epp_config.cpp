// EndpointPickerConfig files (loadEndpointPickerConfig): YAML, plugins and their parameters,
// profiles. Any input must give a config or an Error, never hang, crash or exhaust memory.

#include "sim/routing/routing_factory.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)kvroute::sim::loadEndpointPickerConfig(text, "fuzz.yaml");
    return 0;
}
