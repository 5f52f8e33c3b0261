#pragma once
// Builds a run's stateful parts (router, workload, latency model) from a RunSetup. Each run
// gets fresh ones, so two runs of one setup are independent and identical.

#include "sim/fleet/cluster_run.h"
#include "sim/model/step_time.h"
#include "sim/routing/router.h"
#include "sim/workload/workload.h"

#include <memory>

namespace kvroute::sim {

[[nodiscard]] Result<std::unique_ptr<Router>> makeFleetRouter(const RunSetup& setup);
[[nodiscard]] Result<std::unique_ptr<Workload>> makeFleetWorkload(const RunSetup& setup);
[[nodiscard]] Result<std::unique_ptr<StepTimeModel>> makeFleetStepTime(const RunSetup& setup);

} // namespace kvroute::sim
