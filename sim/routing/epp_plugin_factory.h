#pragma once
// Plugin types of the Endpoint Picker, from their EndpointPickerConfig names (llmd.md §1), and
// the pipeline a resolved plugin list builds.

#include "sim/routing/epp_precise_scorer.h"
#include "sim/routing/epp_plugin.h"
#include "sim/routing/routing_config.h"
#include "sim/util/result.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim::routing {

enum class EppPluginKind : std::uint8_t {
    Filter,
    Scorer,
    Picker,
    ProfileHandler, ///< chooses profiles; accepted, the simulation runs one decode profile
    RequestControl, ///< other request-control plugins with no effect on a decode-only cluster
};

/// The kind of a plugin type, nullopt for a type the simulator does not know.
[[nodiscard]] std::optional<EppPluginKind> eppPluginKind(std::string_view type);
/// Every known type, for error messages ("a, b, c").
[[nodiscard]] std::string eppPluginTypeList();

/// Checks a plugin's parameters; Error::where is the offending parameter key.
[[nodiscard]] Result<void> validateEppPlugin(const EppPluginConfig& plugin);

/// The index settings of a precise prefix-cache scorer (v0.3 precise-prefix-cache-scorer or
/// v0.2 prefix-cache-scorer in mode cache_tracking) as the real plugin would read them; nullopt
/// for any other plugin or invalid parameters.
[[nodiscard]] std::optional<PreciseScorerConfig> preciseIndexConfigOf(const EppPluginConfig& plugin);

/// Parameters `plugin` sets that a real llm-d release reads but the simulation does not model
/// (accepted so that no working config is refused; each is said in the run's notes).
[[nodiscard]] std::vector<std::string> unmodelledEppParameters(const EppPluginConfig& plugin);

struct EppPipeline {
    struct WeightedScorer {
        std::unique_ptr<EppScorer> scorer;
        double weight = 1.0;
        std::string name;
    };
    std::vector<std::unique_ptr<EppFilter>> filters;
    std::vector<WeightedScorer> scorers;
    std::unique_ptr<EppPicker> picker;
    std::string description; ///< "decode-filter, precise-prefix-cache-scorer×3, ..., max-score-picker"
};

/// Builds the filters, scorers and picker of a resolved plugin list (one profile, in order).
/// Profile handlers and request-control plugins are skipped; no picker means max-score-picker.
[[nodiscard]] Result<EppPipeline> buildEppPipeline(std::span<const EppPluginConfig> plugins);

} // namespace kvroute::sim::routing
