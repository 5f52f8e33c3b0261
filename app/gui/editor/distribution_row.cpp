#include "app/gui/editor/distribution_row.h"

#include "app/gui/editor/message_label.h"

#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <string>

namespace kvroute::app {

namespace {

// Which numbers a distribution type reads (the `type` field's help in the schema):
// constant and exponential use mean, uniform only [min, max], normal and lognormal add stddev.
bool readsMean(const QString& type)
{
    return type != QLatin1String("uniform");
}

bool readsStddev(const QString& type)
{
    return type == QLatin1String("normal") || type == QLatin1String("lognormal");
}

} // namespace

DistributionRow::DistributionRow(const sim::GroupSpec& group, QWidget* parent)
    : QWidget(parent), m_path(QString::fromStdString(group.path))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(1);
    auto* grid = new QGridLayout;
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(2);
    grid->setVerticalSpacing(0);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    outer->addLayout(grid);
    setToolTip(QString::fromStdString(group.help));

    const std::string prefix = group.path + ".";
    for (const sim::FieldSpec& field : sim::scenarioFields()) {
        if (!field.path.starts_with(prefix))
            continue;
        const QString key = QString::fromStdString(field.path.substr(prefix.size()));
        FieldEditor* editor = makeFieldEditor(field, this, /*showUnit=*/false);
        editor->setShowsMessage(false);
        m_editors.append(editor);
        connect(editor, &FieldEditor::errorChanged, this, &DistributionRow::updateMessage);
        if (key == QLatin1String("type")) {
            m_type = editor;
            grid->addWidget(editor, 0, 0, 1, 4);
            connect(editor, &FieldEditor::edited, this, &DistributionRow::syncVisibility);
            continue;
        }
        if (m_unit.isEmpty())
            m_unit = QString::fromStdString(field.unit);
        // mean | stddev on the second line, min | max on the third.
        const bool lowerLine = key == QLatin1String("min") || key == QLatin1String("max");
        const bool rightHalf = key == QLatin1String("stddev") || key == QLatin1String("max");
        const int row = lowerLine ? 2 : 1;
        const int column = rightHalf ? 2 : 0;
        auto* caption = new QLabel(key == QLatin1String("stddev") ? tr("sd") : key);
        caption->setToolTip(QString::fromStdString(field.help));
        caption->setContentsMargins(rightHalf ? 4 : 0, 0, 0, 0);
        grid->addWidget(caption, row, column);
        grid->addWidget(editor, row, column + 1);
        m_parts.insert(key, {caption, editor});
    }

    m_message = new MessageLabel;
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc5, 0x22, 0x1f));
    m_message->setPalette(palette);
    QFont font = m_message->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    m_message->setFont(font);
    m_message->setVisible(false);
    outer->addWidget(m_message);
}

void DistributionRow::setGroupError(const QString& message)
{
    if (message == m_groupError)
        return;
    m_groupError = message;
    updateMessage();
}

void DistributionRow::syncVisibility()
{
    if (m_type == nullptr)
        return;
    const QString type = m_type->valueText();
    const auto show = [this](const QString& key, bool visible) {
        for (QWidget* widget : m_parts.value(key))
            widget->setVisible(visible);
    };
    show(QStringLiteral("mean"), readsMean(type));
    show(QStringLiteral("stddev"), readsStddev(type));
}

void DistributionRow::updateMessage()
{
    QStringList lines;
    for (const FieldEditor* editor : m_editors) {
        if (!editor->error().isEmpty() && !lines.contains(editor->error()))
            lines.append(editor->error());
    }
    if (!m_groupError.isEmpty() && !lines.contains(m_groupError))
        lines.append(m_groupError);
    m_message->setMessage(lines.join(QLatin1Char('\n')));
    m_message->setVisible(!lines.isEmpty());
}

} // namespace kvroute::app
