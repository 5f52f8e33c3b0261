// Mooncake JSONL (MooncakeTraceReader) and what a replay does with each record: its arrival
// time at the largest workload.time_scale (1000) must fit the simulation clock, and its ids feed
// the ideal-hit cache.

#include "fuzz_support.h"

#include "sim/kernel/sim_time.h"
#include "sim/workload/mooncake_trace.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kvroute::sim;
    const std::string& path = kvroute::fuzz::writeScratch(data, size);
    for (const std::int32_t blockTokens : {512, 3}) {
        auto reader = MooncakeTraceReader::open(path, blockTokens);
        if (!reader)
            return 0;
        MooncakeIdealCache cache(blockTokens, 16);
        while (true) {
            auto record = reader->next();
            if (!record || !*record)
                break;
            (void)fromMillis((*record)->timestampMs * 1000.0); // aborts if out of SimTime range
            (void)cache.add((*record)->hashIds, (*record)->inputLength);
        }
    }
    return 0;
}
