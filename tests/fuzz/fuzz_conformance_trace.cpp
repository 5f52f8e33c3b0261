// Conformance traces (replayConformanceTrace): the reader and one engine replaying the trace.
// Any input must give result JSON or an Error within the run limits documented in
// sim/conformance/trace_replay.h, never crash or exhaust memory.

#include "fuzz_support.h"

#include "sim/conformance/trace_replay.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string& path = kvroute::fuzz::writeScratch(data, size);
    kvroute::sim::ReplayOptions options;
    options.pythonHashSeed = "0";
    // Smaller than the defaults so that one input stays well inside libFuzzer's 10 s timeout
    // under ASan; the limits themselves are what is being exercised.
    options.limits.maxEvents = 10'000;
    options.limits.maxTraceTokens = 1'000'000;
    options.limits.maxSteps = 20'000;
    options.limits.maxScheduledTokens = 1'000'000;
    (void)kvroute::sim::replayConformanceTrace(path, options);
    return 0;
}
