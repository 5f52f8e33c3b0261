#include "sim/model/gpu_spec.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace kvroute::sim {

bool vllmLargeGpuRule(double memoryGib, std::string_view deviceName)
{
    std::string lower(deviceName);
    std::ranges::transform(lower, lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return memoryGib >= 70.0 && lower.find("a100") == std::string::npos;
}

SchedulerDefaults vllmServeDefaults(const GpuSpec& gpu)
{
    if (gpu.vllmLargeGpuDefaults)
        return {.maxNumBatchedTokens = 8192, .maxNumSeqs = 1024};
    return {.maxNumBatchedTokens = 2048, .maxNumSeqs = 256};
}

} // namespace kvroute::sim
