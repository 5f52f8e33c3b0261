#pragma once
// Drives a Workload on its own Simulation, with an optional stand-in for the fleet that answers
// every request after a fixed service time.

#include "sim/kernel/simulation.h"
#include "sim/workload/workload.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace kvroute::test {

inline constexpr sim::SimTime kForever = std::numeric_limits<sim::SimTime>::max() / 4;

/// A shared trace file, read in place (never copied into the project).
inline std::string sharedTrace(const char* name)
{
    return (QString::fromUtf8(KVROUTE_SOURCE_DIR "/../shared/traces/") + QString::fromUtf8(name)).toStdString();
}

struct Completion {
    sim::RequestId id = 0;
    sim::SimTime time = 0;
    std::int32_t outputTokens = 0;
};

struct RunResult {
    std::vector<sim::WorkloadRequest> requests;
    std::vector<Completion> completions;
    std::map<sim::RequestId, std::size_t> index; ///< id -> position in requests
};

/// How the stand-in fleet answers: the number of output tokens to report for a request.
using Answer = std::function<std::int32_t(const sim::WorkloadRequest&)>;

/// Runs `workload` to the end. With a service time >= 0 every request completes that long after
/// its arrival with answer(request) tokens (default: maxTokens); with -1 nothing completes.
inline RunResult runWorkload(sim::Workload& workload, sim::SimTime endTime = kForever, std::int64_t maxRequests = 0,
                               sim::SimTime serviceTime = -1, Answer answer = {})
{
    RunResult run;
    sim::Simulation simulation;
    workload.start(
        simulation,
        [&](sim::WorkloadRequest request) {
            run.index[request.id] = run.requests.size();
            run.requests.push_back(request);
            if (serviceTime < 0)
                return;
            simulation.schedule(serviceTime, [&, request = std::move(request)] {
                const std::int32_t tokens = answer ? answer(request) : request.maxTokens;
                run.completions.push_back({request.id, simulation.now(), tokens});
                workload.onCompleted(request, tokens);
            });
        },
        endTime, maxRequests);
    simulation.run();
    return run;
}

/// Length of the common prefix of two token vectors.
inline std::size_t commonPrefix(const sim::TokenVector& a, const sim::TokenVector& b)
{
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n])
        ++n;
    return n;
}

} // namespace kvroute::test
