#pragma once
// What differs between two scenarios, key by key, in the schema's own text form
// ("vllm.block_size: 16 → 32"), so a comparison says what was changed.

#include "sim/scenario/scenario.h"

#include <QtCore/QString>

#include <string>
#include <vector>

namespace kvroute::app {

struct ScenarioDifference {
    std::string path;   ///< "vllm.block_size"
    std::string before; ///< fieldValueText of the first scenario
    std::string after;
};

/// Every field of sim::scenarioFields() whose value text differs, in schema order.
[[nodiscard]] std::vector<ScenarioDifference> scenarioDifferences(const sim::Scenario& before,
                                                                  const sim::Scenario& after);

/// "vllm.block_size: 16 → 32" per difference, joined by `separator`; past `maxListed`,
/// "… and N more".
[[nodiscard]] QString describeDifferences(const std::vector<ScenarioDifference>& differences, int maxListed = 8,
                                          const QString& separator = QStringLiteral(", "));

} // namespace kvroute::app
