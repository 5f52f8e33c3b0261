#include "app/gui/sweep/sweep_run_table.h"

#include <QtWidgets/QHeaderView>

#include <algorithm>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// Latencies read in ms everywhere else in the app.
constexpr double kMsPerSecond = 1000.0;

} // namespace

SweepRunTable::SweepRunTable(QWidget* parent) : QTableWidget(parent)
{
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->setVisible(false);
    horizontalHeader()->setStretchLastSection(true);
}

void SweepRunTable::reset(const std::vector<sim::SweepParameter>& parameters)
{
    setRowCount(0);
    m_rowPositions.clear();
    m_parameters = parameters;
}

void SweepRunTable::addRecord(const sim::SweepRecord& r)
{
    QStringList headers;
    for (const auto& p : m_parameters)
        headers << qs(p.path);
    headers << tr("repeat") << tr("hit rate") << tr("stickiness") << tr("TTFT p50 (ms)") << tr("TTFT p90 (ms)")
            << tr("output tok/s") << tr("preemptions") << tr("notes");
    if (columnCount() != headers.size()) {
        setColumnCount(static_cast<int>(headers.size()));
        setHorizontalHeaderLabels(headers);
    }
    // Runs finish in any order (parallel jobs); the table reads in grid order.
    const std::vector<std::size_t> position = gridPosition(r, m_parameters);
    const auto at = std::upper_bound(m_rowPositions.begin(), m_rowPositions.end(), position);
    const int row = static_cast<int>(at - m_rowPositions.begin());
    m_rowPositions.insert(at, position);
    insertRow(row);
    int col = 0;
    for (const auto& [path, value] : r.assignments)
        setItem(row, col++, new QTableWidgetItem(qs(value)));
    const auto cell = [&](const QString& text) { setItem(row, col++, new QTableWidgetItem(text)); };
    cell(QString::number(r.repeat));
    cell(QStringLiteral("%1 %").arg(100.0 * r.hitRate, 0, 'f', 1));
    cell(QStringLiteral("%1 %").arg(100.0 * r.stickiness, 0, 'f', 1));
    cell(QString::number(r.ttft.p50 * kMsPerSecond, 'f', 1));
    cell(QString::number(r.ttft.p90 * kMsPerSecond, 'f', 1));
    cell(QString::number(r.outputTokensPerS, 'f', 0));
    cell(QString::number(r.preemptions));
    // The notes `kvroute run` prints (settings without effect, rejected requests, ...): the
    // cell lists them, the tooltip shows them in full.
    QStringList notes;
    for (const auto& note : r.notes)
        notes << qs(note);
    auto* notesItem = new QTableWidgetItem(notes.isEmpty() ? QString() : notes.join(QStringLiteral(" · ")));
    if (!notes.isEmpty())
        notesItem->setToolTip(QStringLiteral("• ") + notes.join(QStringLiteral("\n• ")));
    setItem(row, col++, notesItem);
}

std::vector<std::size_t> SweepRunTable::gridPosition(const sim::SweepRecord& record,
                                                     const std::vector<sim::SweepParameter>& parameters)
{
    std::vector<std::size_t> position;
    for (const auto& [path, value] : record.assignments) {
        const auto parameter = std::ranges::find(parameters, path, &sim::SweepParameter::path);
        std::size_t index = 0;
        if (parameter != parameters.end())
            index = static_cast<std::size_t>(std::ranges::find(parameter->values, value) - parameter->values.begin());
        position.push_back(index);
    }
    position.push_back(static_cast<std::size_t>(record.repeat));
    return position;
}

} // namespace kvroute::app
