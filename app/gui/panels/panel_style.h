#pragma once
// Small look-and-update helpers the result panels share: note labels and tables whose items are
// reused on every update (no widget churn when the scenario re-runs on each edit).

#include <QtCore/QString>
#include <QtGui/QColor>
#include <QtGui/QIcon>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableWidget;
QT_END_NAMESPACE

namespace kvroute::app::panel {

/// One line of muted explanatory text.
void styleAsCaption(QLabel* label);
/// A yellow note for warnings; hidden until it has text.
void styleAsWarning(QLabel* label);
/// A red inline error (a network or cluster failure shown in place, never a dialog).
void styleAsError(QLabel* label);
/// Shows the warnings as a bulleted note, or hides the label when there are none.
void setWarnings(QLabel* label, const QStringList& warnings);

/// A read-only table: no grid clutter, no row numbers, alternating rows, stretched columns.
void styleTable(QTableWidget* table, const QStringList& headers);
/// Sets a cell's text (and colour, icon) reusing the item if there is one.
void setCell(QTableWidget* table, int row, int column, const QString& text,
             Qt::Alignment alignment = Qt::AlignRight | Qt::AlignVCenter, const QColor& color = {},
             const QIcon& icon = {});
/// Sizes the table to show every row (at most `maxRows`) without an empty band below.
void fitTableHeight(QTableWidget* table, int maxRows);
/// A small filled square, to tie a table row to its chart line.
[[nodiscard]] QIcon swatch(const QColor& color);

} // namespace kvroute::app::panel
