#include "app/gui/panels/panel_style.h"

#include <QtGui/QPainter>
#include <QtGui/QPixmap>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>

#include <algorithm>

namespace kvroute::app::panel {

void styleAsCaption(QLabel* label)
{
    label->setStyleSheet(QStringLiteral("color: #666666;"));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
}

void styleAsError(QLabel* label)
{
    label->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #8a1c14; border: 1px solid #f5c2bd; border-radius: 4px; padding: 4px 8px; }"));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void styleAsWarning(QLabel* label)
{
    label->setStyleSheet(QStringLiteral("QLabel { background: #FFF4CE; border: 1px solid #E6D08A; "
                                        "border-radius: 4px; padding: 4px 8px; color: #4D3D00; }"));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A wrapped label asks for ~80 characters of width; let it wrap to whatever the panel has.
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    label->hide();
}

void setWarnings(QLabel* label, const QStringList& warnings)
{
    if (warnings.isEmpty()) {
        label->clear();
        label->hide();
        return;
    }
    QStringList lines;
    for (const QString& warning : warnings)
        lines.append(QStringLiteral("\u26A0 ") + warning);
    label->setText(lines.join(QLatin1Char('\n')));
    label->show();
}

void styleTable(QTableWidget* table, const QStringList& headers)
{
    table->setColumnCount(static_cast<int>(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    // The first column names the row: never elide it.
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setHighlightSections(false);
    table->setStyleSheet(QStringLiteral("QTableWidget { border: 1px solid #E2E2E2; background: white; "
                                        "alternate-background-color: #F7F8FA; }"
                                        "QHeaderView::section { background: white; color: #555555; "
                                        "border: none; border-bottom: 1px solid #E2E2E2; padding: 4px 6px; }"));
    for (int column = 0; column < table->columnCount(); ++column) {
        if (QTableWidgetItem* header = table->horizontalHeaderItem(column))
            header->setTextAlignment(column == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                                 : Qt::AlignRight | Qt::AlignVCenter);
    }
}

void setCell(QTableWidget* table, int row, int column, const QString& text, Qt::Alignment alignment,
             const QColor& color, const QIcon& icon)
{
    QTableWidgetItem* item = table->item(row, column);
    if (!item) {
        item = new QTableWidgetItem();
        table->setItem(row, column, item);
    }
    if (item->text() != text)
        item->setText(text);
    if (item->data(Qt::TextAlignmentRole) != QVariant::fromValue(alignment))
        item->setTextAlignment(alignment);
    const QBrush foreground = color.isValid() ? QBrush(color) : QBrush();
    if (item->foreground() != foreground)
        item->setForeground(foreground);
    if (!icon.isNull() || !item->icon().isNull())
        item->setIcon(icon);
}

void fitTableHeight(QTableWidget* table, int maxRows)
{
    const int rows = std::min(table->rowCount(), maxRows);
    const int rowHeight = table->verticalHeader()->defaultSectionSize();
    const int height = table->horizontalHeader()->sizeHint().height() + rows * rowHeight + 2 * table->frameWidth();
    table->setFixedHeight(height);
    table->setVerticalScrollBarPolicy(table->rowCount() > maxRows ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
}

QIcon swatch(const QColor& color)
{
    QPixmap pixmap(10, 10);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawRect(0, 0, 10, 10);
    painter.end();
    return QIcon(pixmap);
}

} // namespace kvroute::app::panel
