#include "app/gui/editor/field_widgets.h"

#include "app/gui/editor/message_label.h"
#include "app/gui/editor/number_widgets.h"
#include "app/gui/editor/stage_list_editor.h"

#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QPointer>
#include <QtGui/QPainter>
#include <QtGui/QWheelEvent>
#include <QtWidgets/QApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <optional>
#include <string>

namespace kvroute::app {

namespace {

const QColor kErrorColor(0xc5, 0x22, 0x1f);
/// A note is information, not a refusal: the amber of the app's other notes, darkened to read.
const QColor kNoteColor(0x7a, 0x5a, 0x00);

/// The box around a field's input: transparent while valid, red while invalid. Painted, not
/// styled, so the inputs keep the platform look.
class InputFrame final : public QWidget {
public:
    explicit InputFrame(QWidget* parent = nullptr) : QWidget(parent) {}

    void setInvalid(bool invalid)
    {
        if (invalid == m_invalid)
            return;
        m_invalid = invalid;
        update();
    }

protected:
    void paintEvent(QPaintEvent* /*event*/) override
    {
        if (!m_invalid)
            return;
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(kErrorColor, 1.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(QRectF(rect()).adjusted(0.75, 0.75, -0.75, -0.75), 3.0, 3.0);
    }

private:
    bool m_invalid = false;
};

class WheelGuard final : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Wheel) {
            const auto* widget = qobject_cast<QWidget*>(watched);
            if (widget != nullptr && !widget->hasFocus()) {
                // Unaccepted, the event goes on to the parents: the scroll area scrolls.
                event->ignore();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }
};

class RowSelector final : public QObject {
public:
    RowSelector(QTableWidget* table, QWidget* cell) : QObject(cell), m_table(table) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::FocusIn) {
            for (int row = 0; row < m_table->rowCount(); ++row) {
                for (int column = 0; column < m_table->columnCount(); ++column) {
                    if (m_table->cellWidget(row, column) == watched)
                        m_table->selectRow(row);
                }
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QTableWidget* m_table;
};

class BoolEditor final : public FieldEditor {
public:
    explicit BoolEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        m_box = new QCheckBox;
        inputLayout()->addWidget(m_box);
        inputLayout()->addStretch(1);
        setFocusProxy(m_box);
        connect(m_box, &QCheckBox::toggled, this, [this] { report(); });
    }

    [[nodiscard]] QString valueText() const override
    {
        return m_box->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    }

protected:
    void display(const sim::FieldValue& value) override { m_box->setChecked(std::get<bool>(value)); }

private:
    QCheckBox* m_box = nullptr;
};

class EnumEditor final : public FieldEditor {
public:
    explicit EnumEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        m_combo = new QComboBox;
        for (const std::string& name : spec.allowed)
            m_combo->addItem(QString::fromStdString(name));
        // Long preset names must not widen the side panel.
        m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        m_combo->setMinimumContentsLength(6);
        m_combo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        guardWheel(m_combo);
        inputLayout()->addWidget(m_combo, 1);
        setFocusProxy(m_combo);
        connect(m_combo, &QComboBox::currentIndexChanged, this, [this] { report(); });
    }

    [[nodiscard]] QString valueText() const override
    {
        // Only allowed names reach the schema's setter (it checks them); no selection reads as
        // an empty value, which setField refuses with the list of names.
        if (m_combo->currentIndex() < 0)
            return QStringLiteral("\"\"");
        return yamlText(spec(), m_combo->currentText().toStdString());
    }

protected:
    void display(const sim::FieldValue& value) override
    {
        const QString name = QString::fromStdString(std::get<std::string>(value));
        m_combo->setCurrentIndex(m_combo->findText(name));
    }

private:
    QComboBox* m_combo = nullptr;
};

class StringEditor final : public FieldEditor {
public:
    explicit StringEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        m_edit = new QLineEdit;
        m_edit->setClearButtonEnabled(spec.isPath);
        inputLayout()->addWidget(m_edit, 1);
        setFocusProxy(m_edit);
        connect(m_edit, &QLineEdit::editingFinished, this, [this] { commit(); });
        if (spec.isPath) {
            auto* browse = new QToolButton;
            browse->setText(QStringLiteral("…"));
            browse->setToolTip(tr("Choose a file"));
            inputLayout()->addWidget(browse);
            connect(browse, &QToolButton::clicked, this, [this] { browseFile(); });
        }
    }

    [[nodiscard]] QString valueText() const override { return yamlText(spec(), m_edit->text().toStdString()); }

protected:
    void display(const sim::FieldValue& value) override
    {
        m_shown = QString::fromStdString(std::get<std::string>(value));
        m_edit->setText(m_shown);
        if (spec().isPath) {
            m_edit->setCursorPosition(0);
            m_edit->setToolTip(m_shown.isEmpty() ? QString() : m_shown + QStringLiteral("\n\n") + toolTipText());
        }
    }

private:
    // editingFinished also fires on focus loss; only a changed text is an edit.
    void commit()
    {
        if (m_edit->text() == m_shown)
            return;
        m_shown = m_edit->text();
        report();
    }

    void browseFile()
    {
        const QString start = m_edit->text().isEmpty() ? QString() : QFileInfo(m_edit->text()).absolutePath();
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose %1").arg(keyLabel(path())), start);
        if (file.isEmpty())
            return;
        m_edit->setText(file);
        commit();
    }

    QLineEdit* m_edit = nullptr;
    QString m_shown;
};

class OptionalStringEditor final : public FieldEditor {
public:
    explicit OptionalStringEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        m_set = new QCheckBox(tr("set"));
        m_set->setToolTip(tr("Unchecked: null"));
        m_edit = new QLineEdit;
        m_edit->setPlaceholderText(tr("null"));
        inputLayout()->addWidget(m_set);
        inputLayout()->addWidget(m_edit, 1);
        setFocusProxy(m_edit);
        connect(m_set, &QCheckBox::toggled, this, [this](bool on) {
            m_edit->setEnabled(on);
            if (on && !filling())
                m_edit->setFocus();
            report();
        });
        connect(m_edit, &QLineEdit::editingFinished, this, [this] {
            if (m_edit->text() == m_shown)
                return;
            m_shown = m_edit->text();
            report();
        });
    }

    [[nodiscard]] QString valueText() const override
    {
        if (!m_set->isChecked())
            return QStringLiteral("null");
        return yamlText(spec(), std::optional<std::string>(m_edit->text().toStdString()));
    }

protected:
    void display(const sim::FieldValue& value) override
    {
        const auto& text = std::get<std::optional<std::string>>(value);
        m_shown = text ? QString::fromStdString(*text) : QString();
        m_edit->setText(m_shown);
        m_set->setChecked(text.has_value());
        m_edit->setEnabled(text.has_value());
    }

private:
    QCheckBox* m_set = nullptr;
    QLineEdit* m_edit = nullptr;
    QString m_shown;
};

/// The scenario's name and description: shown, not edited (a scenario is renamed by saving it).
class ReadOnlyEditor final : public FieldEditor {
public:
    explicit ReadOnlyEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        m_label = new QLabel;
        m_label->setWordWrap(true);
        m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        inputLayout()->addWidget(m_label, 1);
    }

    [[nodiscard]] QString valueText() const override { return yamlText(spec(), m_label->text().toStdString()); }

protected:
    void display(const sim::FieldValue& value) override
    {
        m_label->setText(QString::fromStdString(std::get<std::string>(value)));
    }

private:
    QLabel* m_label = nullptr;
};

} // namespace

FieldEditor::FieldEditor(const sim::FieldSpec& spec, QWidget* parent) : QWidget(parent), m_spec(&spec)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(1);
    auto* frame = new InputFrame;
    m_frame = frame;
    m_input = new QHBoxLayout(frame);
    m_input->setContentsMargins(2, 2, 2, 2); // room for the red frame
    m_input->setSpacing(4);
    outer->addWidget(frame);

    m_message = new MessageLabel;
    m_message->setObjectName(QStringLiteral("fieldMessage"));
    m_message->setContentsMargins(3, 0, 3, 2);
    QFont font = m_message->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    m_message->setFont(font);
    m_message->setVisible(false);
    outer->addWidget(m_message);

    setToolTip(toolTipText());
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

QString FieldEditor::path() const
{
    return QString::fromStdString(m_spec->path);
}

void FieldEditor::showValue(const sim::Scenario& scenario)
{
    m_filling = true;
    display(m_spec->get(scenario));
    m_filling = false;
}

void FieldEditor::setError(const QString& message)
{
    if (message == m_error)
        return;
    m_error = message;
    static_cast<InputFrame*>(m_frame)->setInvalid(!message.isEmpty());
    updateMessage();
    Q_EMIT errorChanged();
}

void FieldEditor::setShowsMessage(bool shows)
{
    m_showsMessage = shows;
    updateMessage();
}

void FieldEditor::setNote(const QString& note)
{
    if (note == m_note)
        return;
    m_note = note;
    updateMessage();
}

void FieldEditor::updateMessage()
{
    const bool error = !m_error.isEmpty();
    QPalette palette = m_message->palette();
    palette.setColor(QPalette::WindowText, error ? kErrorColor : kNoteColor);
    m_message->setPalette(palette);
    const QString& text = error ? m_error : m_note;
    m_message->setMessage(text);
    m_message->setVisible(m_showsMessage && !text.isEmpty());
}

void FieldEditor::report()
{
    if (!m_filling)
        Q_EMIT edited(path(), valueText());
}

QString FieldEditor::toolTipText() const
{
    QString text = QString::fromStdString(m_spec->help);
    const std::string allowed = sim::allowedText(*m_spec);
    if (!allowed.empty() && m_spec->type != sim::FieldType::Bool)
        text += QStringLiteral("\nAllowed: ") + QString::fromStdString(allowed);
    if (!m_spec->unit.empty())
        text += QStringLiteral("\nUnit: ") + QString::fromStdString(m_spec->unit);
    return text + QStringLiteral("\nKey: ") + path();
}

QString FieldEditor::unitSuffix() const
{
    if (!m_spec->unit.empty())
        return QLatin1Char(' ') + QString::fromStdString(m_spec->unit);
    return m_spec->type == sim::FieldType::Seconds ? QStringLiteral(" s") : QString();
}

FieldEditor* makeFieldEditor(const sim::FieldSpec& spec, QWidget* parent, bool showUnit)
{
    switch (spec.type) {
    case sim::FieldType::Int:
    case sim::FieldType::Double:
    case sim::FieldType::Seconds:
    case sim::FieldType::OptionalInt:
        return makeNumberEditor(spec, parent, showUnit);
    case sim::FieldType::Bool:
        return new BoolEditor(spec, parent);
    case sim::FieldType::Enum:
        return new EnumEditor(spec, parent);
    case sim::FieldType::String:
        return new StringEditor(spec, parent);
    case sim::FieldType::OptionalString:
        return new OptionalStringEditor(spec, parent);
    case sim::FieldType::StageList:
        return new StageListEditor(spec, parent);
    case sim::FieldType::PluginList:
        break;
    }
    return nullptr;
}

FieldEditor* makeReadOnlyEditor(const sim::FieldSpec& spec, QWidget* parent)
{
    return new ReadOnlyEditor(spec, parent);
}

void selectRowOnFocus(QTableWidget* table, QWidget* cell)
{
    cell->installEventFilter(new RowSelector(table, cell));
}

QString yamlText(const sim::FieldSpec& spec, const sim::FieldValue& value)
{
    sim::Scenario scratch;
    spec.set(scratch, value);
    return QString::fromStdString(sim::fieldValueText(scratch, spec.path));
}

QString numberText(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString keyLabel(const QString& key)
{
    static const QHash<QString, QString> kWords{
        {QStringLiteral("gpu"), QStringLiteral("GPU")}, {QStringLiteral("kv"), QStringLiteral("KV")},
        {QStringLiteral("epp"), QStringLiteral("EPP")}, {QStringLiteral("ips"), QStringLiteral("IPs")},
        {QStringLiteral("ip"), QStringLiteral("IP")},   {QStringLiteral("vllm"), QStringLiteral("vLLM")},
    };
    QStringList words = key.split(QLatin1Char('_'), Qt::SkipEmptyParts);
    for (QString& word : words) {
        if (const auto it = kWords.constFind(word); it != kWords.constEnd())
            word = *it;
    }
    if (!words.isEmpty() && !words.front().isEmpty() && words.front().front().isLower())
        words.front().front() = words.front().front().toUpper();
    return words.join(QLatin1Char(' '));
}

void guardWheel(QWidget* widget)
{
    static QPointer<WheelGuard> guard;
    if (guard.isNull())
        guard = new WheelGuard(qApp);
    widget->setFocusPolicy(Qt::StrongFocus);
    widget->installEventFilter(guard);
}

void setUpListTable(QTableWidget* table)
{
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 12);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

} // namespace kvroute::app
