#include "app/gui/sweep/sweep_results_base.h"

#include "app/gui/panels/scenario_diff.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_yaml.h"

#include <algorithm>
#include <utility>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// The built-in scenario whose sweepBaseId is `base` ("" when none is).
QString builtinWithBase(const std::string& base)
{
    if (base.empty())
        return {};
    for (const auto& [name, description] : sim::builtinScenarioList()) {
        const auto scenario = sim::builtinScenario(name);
        if (scenario && sim::sweepBaseId(*scenario) == base)
            return qs(name);
    }
    return {};
}

} // namespace

void SweepResultsBase::clear() { *this = SweepResultsBase{}; }

void SweepResultsBase::setResults(std::string base, std::vector<sim::SweepParameter> swept)
{
    m_fromFile = true;
    m_base = std::move(base);
    m_swept = std::move(swept);
    m_builtin = builtinWithBase(m_base);
    m_varied.reset();
    if (!m_builtin.isEmpty())
        if (auto scenario = sim::builtinScenario(m_builtin.toStdString()))
            m_varied = std::move(*scenario);
}

sim::Scenario SweepResultsBase::withVariedSweptKeys(sim::Scenario scenario) const
{
    if (!m_varied)
        return scenario;
    for (const auto& parameter : m_swept)
        // The varied scenario's own value, valid by construction.
        (void)sim::setField(scenario, parameter.path, sim::fieldValueText(*m_varied, parameter.path), parameter.path);
    return scenario;
}

bool SweepResultsBase::matches(const sim::Scenario& shown) const
{
    if (!m_fromFile)
        return true;
    if (m_base.empty())
        return false;
    return sim::sweepBaseId(shown) == m_base || sim::sweepBaseId(withVariedSweptKeys(shown)) == m_base;
}

void SweepResultsBase::rememberIfVaried(const sim::Scenario& shown)
{
    if (m_fromFile && !m_base.empty() && sim::sweepBaseId(shown) == m_base)
        m_varied = shown;
}

QString SweepResultsBase::differencesOutsideTheSweep(const sim::Scenario& shown) const
{
    if (!m_varied)
        return {};
    auto differences = scenarioDifferences(*m_varied, shown);
    std::erase_if(differences, [this](const ScenarioDifference& d) {
        return std::ranges::any_of(m_swept, [&d](const sim::SweepParameter& p) { return p.path == d.path; });
    });
    return describeDifferences(differences);
}

QString SweepResultsBase::note(const sim::Scenario& shown, const QString& shownBuiltin) const
{
    if (matches(shown))
        return {};
    if (m_base.empty())
        return tr("These results do not record which scenario they varied: the scenario in the side panel may not be "
                  "the sweep's.");
    const QString differences = differencesOutsideTheSweep(shown);
    // The Scenario list already shows the varied built-in: the side panel's edits are the difference.
    if (!m_builtin.isEmpty() && shownBuiltin == m_builtin) {
        if (!differences.isEmpty())
            return tr("These results varied the built-in scenario %1, the one the Scenario list shows; the side "
                      "panel's scenario has since been edited in keys the sweep did not vary: %2.")
                .arg(m_builtin, differences);
        return tr("These results varied the built-in scenario %1, the one the Scenario list shows; the side panel's "
                  "scenario has since been edited in keys the sweep did not vary.")
            .arg(m_builtin);
    }
    if (!m_builtin.isEmpty() && !differences.isEmpty())
        return tr("These results varied the built-in scenario %1 (pick it in the Scenario list to see it); the side "
                  "panel's scenario differs from it in keys the sweep did not vary: %2.")
            .arg(m_builtin, differences);
    if (!m_builtin.isEmpty())
        return tr("The side panel shows another scenario than the one these results varied: they come from the "
                  "built-in scenario %1 (pick it in the Scenario list to see it).")
            .arg(m_builtin);
    if (!differences.isEmpty())
        return tr("The side panel's scenario differs from the one these results varied (base %1, which matches no "
                  "built-in scenario) in keys the sweep did not vary: %2.")
            .arg(qs(m_base), differences);
    // Only the fingerprint is known: no key can be named.
    return tr("The side panel shows another scenario than the one these results varied (base %1): the results "
              "file records only that fingerprint, which matches no built-in scenario. Open the scenario the "
              "sweep ran, with the same --set, to see it here.")
        .arg(qs(m_base));
}

} // namespace kvroute::app
