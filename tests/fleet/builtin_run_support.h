#pragma once
// Runs a built-in scenario with `--set`-style overrides for whole-cluster tests; any error is
// fatal, since these tests check figures of runs that must succeed.

#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QtGlobal>

#include <string>
#include <vector>

namespace kvroute::test {

inline sim::RunResults runBuiltin(const std::string& name, const std::vector<std::string>& overrides)
{
    auto scenario = sim::builtinScenario(name);
    if (!scenario)
        qFatal("%s", scenario.error().toString().c_str());
    if (auto r = sim::applyOverrides(*scenario, overrides); !r)
        qFatal("%s", r.error().toString().c_str());
    auto results = sim::runScenario(*scenario);
    if (!results)
        qFatal("%s", results.error().toString().c_str());
    return *results;
}

} // namespace kvroute::test
