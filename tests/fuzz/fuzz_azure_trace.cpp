// Azure 2023 CSV (AzureTraceReader): every accepted row's offset from the first row, at the
// largest workload.time_scale (1000), must fit the simulation clock, as the replay computes it.

#include "fuzz_support.h"

#include "sim/kernel/sim_time.h"
#include "sim/workload/azure_trace.h"

#include <cstdint>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kvroute::sim;
    const std::string& path = kvroute::fuzz::writeScratch(data, size);
    auto reader = AzureTraceReader::open(path);
    if (!reader)
        return 0;
    std::optional<SimTime> first;
    while (true) {
        auto record = reader->next();
        if (!record || !*record)
            break;
        if (!first)
            first = (*record)->wallClock;
        const SimTime offset = (*record)->wallClock - *first;
        (void)detail::roundNanos(static_cast<double>(offset) * 1000.0); // aborts if out of range
    }
    return 0;
}
