#include "sim/fleet/fleet_factories.h"

#include "sim/routing/routing_factory.h"
#include "sim/workload/workload_factory.h"

#include <algorithm>

namespace kvroute::sim {

Result<std::unique_ptr<Router>> makeFleetRouter(const RunSetup& setup)
{
    return makeRouter(setup.scenario.routing, setup.scenario.seed, setup.scenario.cluster.pods);
}

Result<std::unique_ptr<Workload>> makeFleetWorkload(const RunSetup& setup)
{
    WorkloadConfig config = setup.scenario.workload;
    // A chat session ends before its prompt would no longer fit the model (vLLM rejects a
    // prompt that is not shorter than max_model_len; leave room for one answer token).
    if (config.chat.maxPromptTokens <= 0)
        config.chat.maxPromptTokens = std::max(1, setup.scenario.vllm.maxModelLen - 1);
    return makeWorkload(config, setup.scenario.seed);
}

Result<std::unique_ptr<StepTimeModel>> makeFleetStepTime(const RunSetup& setup)
{
    return makeStepTimeModel(setup.scenario.model.latencyModel, setup.model, setup.gpu,
                             setup.scenario.model.tensorParallel, setup.stepOverheads);
}

} // namespace kvroute::sim
