#pragma once
// One finished simulation as the GUI receives it: immutable, shared between panels.

#include "sim/metrics/run_results.h"
#include "sim/scenario/scenario.h"

#include <QtCore/QMetaType>

#include <cstdint>
#include <memory>

namespace kvroute::app {

struct RunOutcome {
    sim::Scenario scenario;     ///< exactly what ran
    sim::RunResults results;
    double wallSeconds = 0.0;   ///< how long the simulation took
    std::uint64_t generation = 0; ///< increases with every run request
};

using RunOutcomePtr = std::shared_ptr<const RunOutcome>;

} // namespace kvroute::app

Q_DECLARE_METATYPE(kvroute::app::RunOutcomePtr)
