#pragma once
// One simulated run of a scenario: N timed pods behind a gateway and a router, driven by a
// workload, observed by the metrics collector. Everything is resolved and validated up front
// (prepareRun) so nothing runs half-configured.

#include "sim/engine/engine_config.h"
#include "sim/metrics/run_results.h"
#include "sim/model/kv_capacity.h"
#include "sim/model/model_spec.h"
#include "sim/model/gpu_spec.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kvroute::sim {

/// A scenario with everything derived from it: presets looked up, KV capacity computed, EPP
/// profile resolved, engine flags as vLLM would apply them.
struct RunSetup {
    Scenario scenario;
    ModelSpec model;
    GpuSpec gpu;
    KvCapacity capacity;
    EngineConfig engine;     ///< per-pod NONE_HASH is filled in per pod at run time
    std::string servedModelName;
    StepOverheads stepOverheads;
    std::vector<std::string> warnings;
};

/// The engine flags of pod `index` (its NONE_HASH as that pod of the simulation draws it),
/// KV events as the scenario's vLLM flags say: the simulation and a live pod build pods alike.
[[nodiscard]] EngineConfig podEngineConfig(const RunSetup& setup, int index);
/// "<model>-decode-<index>", the pod's name in results and in live mode.
[[nodiscard]] std::string podName(const RunSetup& setup, int index);

/// Resolves and validates `scenario`; errors name the scenario key at fault.
[[nodiscard]] Result<RunSetup> prepareRun(const Scenario& scenario);

struct RunControl {
    /// Called from the running thread with the fraction of simulated time done (0..1).
    std::function<void(double)> progress;
    /// Checked between slices of simulated time; a cancelled run returns partial results
    /// with `cancelled` set.
    const std::atomic<bool>* cancel = nullptr;
};

/// Runs a prepared scenario to completion (or cancellation). Deterministic: the same setup
/// gives identical results.
[[nodiscard]] Result<RunResults> runPrepared(const RunSetup& setup, const RunControl& control = {});

/// prepareRun + runPrepared.
[[nodiscard]] Result<RunResults> runScenario(const Scenario& scenario, const RunControl& control = {});

} // namespace kvroute::sim
