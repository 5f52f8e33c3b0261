#pragma once
// Bookkeeping every workload shares: the simulation it drives, where requests go, the limits of
// the run and the request ids. Internal to sim/workload.

#include "sim/kernel/simulation.h"
#include "sim/util/check.h"
#include "sim/workload/workload.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace kvroute::sim {

struct WorkloadRun {
    Simulation* sim = nullptr;
    Workload::Submit submit;
    SimTime startTime = 0;
    SimTime endTime = 0;
    std::int64_t limit = 0; ///< 0 = none
    std::int64_t issued = 0;
    RequestId nextId = 1;

    /// The limit is the smaller of the two non-zero ones (the workload's own maxRequests and
    /// the one start() is given).
    void begin(Simulation& s, Workload::Submit fn, SimTime end, std::int64_t ownLimit, std::int64_t startLimit)
    {
        KVROUTE_CHECK(sim == nullptr, "a workload can be started only once");
        KVROUTE_CHECK(fn != nullptr, "a workload needs a submit function");
        KVROUTE_CHECK(ownLimit >= 0 && startLimit >= 0, "negative request limit");
        sim = &s;
        submit = std::move(fn);
        startTime = s.now();
        endTime = end;
        if (ownLimit == 0 || startLimit == 0)
            limit = std::max(ownLimit, startLimit);
        else
            limit = std::min(ownLimit, startLimit);
    }

    [[nodiscard]] bool limitReached() const noexcept { return limit > 0 && issued >= limit; }
    /// Whether a request may still arrive at `arrival`.
    [[nodiscard]] bool accepts(SimTime arrival) const noexcept { return arrival < endTime && !limitReached(); }

    /// Gives `request` its id and arrival time (now) and counts it. Callers then record what
    /// they need and only then submit(): a fleet may report the completion from inside submit().
    void stamp(WorkloadRequest& request)
    {
        KVROUTE_CHECK(accepts(sim->now()), "request sent past the end of the run or its limit");
        request.id = nextId++;
        request.arrival = sim->now();
        ++issued;
    }
};

} // namespace kvroute::sim
