#pragma once
// The Sweep tab's table of finished runs: a row per run with its values of the swept keys, its
// figures and the notes `kvroute run` prints, in grid order however the runs finish.

#include "sim/sweep/sweep_records.h"

#include <QtWidgets/QTableWidget>

#include <cstddef>
#include <vector>

namespace kvroute::app {

class SweepRunTable final : public QTableWidget {
    Q_OBJECT

public:
    explicit SweepRunTable(QWidget* parent = nullptr);

    /// Empties the table for a sweep of `parameters`.
    void reset(const std::vector<sim::SweepParameter>& parameters);
    /// Adds the row of `record` (a run of the sweep reset() was given) where the grid puts it.
    void addRecord(const sim::SweepRecord& record);

    /// Where a record belongs among the others: by the position of its values in the grid of
    /// `parameters`, then by repeat (records arrive in completion order).
    [[nodiscard]] static std::vector<std::size_t> gridPosition(const sim::SweepRecord& record,
                                                               const std::vector<sim::SweepParameter>& parameters);

private:
    std::vector<sim::SweepParameter> m_parameters;
    std::vector<std::vector<std::size_t>> m_rowPositions; ///< gridPosition of each row
};

} // namespace kvroute::app
