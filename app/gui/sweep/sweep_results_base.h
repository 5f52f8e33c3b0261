#pragma once
// Which scenario a results file shown in the Sweep tab varied, as far as it can be known: the
// file records only a fingerprint of it (`base`, sim::sweepBaseId). Says whether the side
// panel's scenario is that one, and if not, what the Sweep tab's note tells the user.

#include "sim/scenario/scenario.h"
#include "sim/sweep/sweep.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QString>

#include <optional>
#include <string>
#include <vector>

namespace kvroute::app {

class SweepResultsBase final {
    Q_DECLARE_TR_FUNCTIONS(SweepResultsBase)

public:
    /// No results file: a sweep run here varies the side panel's scenario itself.
    void clear();
    /// A results file with fingerprint `base` ("" in records that carry none) that swept `swept`.
    void setResults(std::string base, std::vector<sim::SweepParameter> swept);

    [[nodiscard]] bool fromFile() const { return m_fromFile; }
    /// The built-in scenario with the fingerprint ("" when none has it or no file is shown).
    [[nodiscard]] QString builtin() const { return m_builtin; }

    /// Whether `shown` is the varied scenario, its values of the swept keys aside (every point
    /// sets them); true when no results file is shown.
    [[nodiscard]] bool matches(const sim::Scenario& shown) const;
    /// Takes `shown` as the varied scenario when its fingerprint is the file's, so that a later
    /// edit can be told apart: a swept key (no difference) from any other (named in the note).
    void rememberIfVaried(const sim::Scenario& shown);
    /// The note for the side panel showing `shown`, opened from the built-in scenario
    /// `shownBuiltin` (the one the Scenario list shows; "" for a scenario file); "" when it
    /// matches. It asks to pick the varied built-in in the list only when the list shows another.
    [[nodiscard]] QString note(const sim::Scenario& shown, const QString& shownBuiltin = {}) const;

private:
    /// `scenario` with the swept keys set as in the varied scenario, so that its fingerprint
    /// compares with the file's whatever values it gives them.
    [[nodiscard]] sim::Scenario withVariedSweptKeys(sim::Scenario scenario) const;
    /// The keys `shown` differs from the varied scenario in, swept keys left out ("" when the
    /// varied scenario is not known).
    [[nodiscard]] QString differencesOutsideTheSweep(const sim::Scenario& shown) const;

    bool m_fromFile = false;
    std::string m_base;
    std::vector<sim::SweepParameter> m_swept;
    QString m_builtin;
    /// The varied scenario once known: the built-in, or the side panel's when it last matched.
    std::optional<sim::Scenario> m_varied;
};

} // namespace kvroute::app
