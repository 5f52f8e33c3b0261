#include "app/gui/editor/scenario_editor.h"

#include "app/gui/editor/distribution_row.h"
#include "app/gui/editor/editor_sections.h"
#include "app/gui/editor/epp_plugin_editor.h"
#include "sim/scenario/scenario_schema.h"

#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace kvroute::app {

namespace {

// The label column: at most this many average characters (longer key names wrap), at least
// kMinLabelChars, else this share of the panel's width.
constexpr int kLabelChars = 24;
constexpr int kMinLabelChars = 12;
/// The editor is never narrower than this, whatever its fields need.
constexpr int kNarrowestEditor = 280;
constexpr int kLabelPercent = 40;

constexpr std::array<std::string_view, 6> kSectionOrder{"model", "vllm", "cluster", "routing", "workload", ""};

QString lastSegment(const std::string& path)
{
    const auto dot = path.rfind('.');
    return QString::fromStdString(dot == std::string::npos ? path : path.substr(dot + 1));
}

QLabel* noteLabel(const QString& style)
{
    auto* label = new QLabel;
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("QLabel { %1 border-radius: 4px; padding: 4px 6px; }").arg(style));
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    label->setFont(font);
    label->setVisible(false);
    return label;
}

QString bulleted(const QStringList& lines)
{
    if (lines.size() == 1)
        return lines.front();
    QStringList out;
    for (const QString& line : lines)
        out.append(QStringLiteral("• ") + line);
    return out.join(QLatin1Char('\n'));
}

} // namespace

ScenarioEditor::ScenarioEditor(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<sim::Scenario>();
    build();
    setScenario(sim::Scenario{});
}

QSize ScenarioEditor::sizeHint() const
{
    return {360, 720};
}

void ScenarioEditor::build()
{
    // Labels sit level with the first line of their editor, also when a message grows it.
    {
        QSpinBox probe;
        QLabel label(QStringLiteral("Xy"));
        m_labelTopMargin = std::max(0, (probe.sizeHint().height() + 4 - label.sizeHint().height()) / 2);
    }

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(4);
    m_warnings = noteLabel(QStringLiteral("background: #fff6d6; color: #5a4300; border: 1px solid #ecd590;"));
    m_warnings->setObjectName(QStringLiteral("scenarioWarnings"));
    m_hiddenErrors = noteLabel(QStringLiteral("background: #fdecea; color: #8a1c14; border: 1px solid #f5c2bd;"));
    m_hiddenErrors->setObjectName(QStringLiteral("hiddenErrors"));
    auto* notes = new QVBoxLayout;
    notes->setContentsMargins(6, 6, 6, 0);
    notes->setSpacing(4);
    notes->addWidget(m_warnings);
    notes->addWidget(m_hiddenErrors);
    outer->addLayout(notes);

    m_content = new QWidget;
    auto* layout = new QVBoxLayout(m_content);
    layout->setContentsMargins(6, 4, 8, 8);
    layout->setSpacing(10);

    auto* header = new QVBoxLayout;
    header->setSpacing(0);
    layout->addLayout(header);
    for (const sim::FieldSpec& field : sim::scenarioFields()) {
        if (isReadOnlyKey(field.path)) {
            FieldEditor* editor = makeReadOnlyEditor(field);
            if (field.path == "name") {
                QFont font = editor->font();
                font.setBold(true);
                font.setPointSizeF(font.pointSizeF() * 1.15);
                editor->setFont(font);
            }
            header->addWidget(editor);
            m_editors.insert(editor->path(), editor);
            m_widgets.insert(editor->path(), editor);
            continue;
        }
        addField(field, sectionFor(sectionOf(field.path)));
    }
    for (std::string_view key : kSectionOrder) {
        const QString name = QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()));
        if (EditorSection* section = m_sections.value(name))
            layout->addWidget(section);
    }
    // Sections the table may grow that this order does not name yet still show.
    for (EditorSection* section : std::as_const(m_sectionOrder)) {
        if (layout->indexOf(section) < 0)
            layout->addWidget(section);
    }
    layout->addStretch(1);
    alignLabels();

    m_scroll = new QScrollArea;
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded); // only when squeezed below its minimum
    m_scroll->setWidget(m_content);
    outer->addWidget(m_scroll, 1);
    updateMinimumWidth();
}

void ScenarioEditor::updateMinimumWidth()
{
    // Never narrower than the fields need: a squeezed dock would cut values off behind a
    // horizontal scroll bar (the main window gives the dock its minimum when space is short).
    const int scrollBar = m_scroll->verticalScrollBar()->sizeHint().width();
    setMinimumWidth(std::max(kNarrowestEditor, m_content->minimumSizeHint().width() + scrollBar));
}

EditorSection* ScenarioEditor::sectionFor(const std::string& section)
{
    const QString key = QString::fromStdString(section);
    if (EditorSection* existing = m_sections.value(key))
        return existing;
    auto* created = new EditorSection(sectionTitle(section));
    created->setObjectName(QStringLiteral("section_") + (key.isEmpty() ? QStringLiteral("run") : key));
    m_sections.insert(key, created);
    m_sectionOrder.append(created);
    return created;
}

void ScenarioEditor::addField(const sim::FieldSpec& field, EditorSection* section)
{
    const QString key = QString::fromStdString(field.path);
    if (EppPluginEditor::keys().contains(key)) {
        if (m_epp == nullptr)
            addEppRows(section);
        return;
    }

    const std::string parent = parentOf(field.path);
    const sim::GroupSpec* group = sim::findGroup(parent);
    const bool inDistribution = group != nullptr && group->distribution;
    const std::string heading = inDistribution ? parentOf(parent) : parent;
    // A nested group ("routing.service") gets a heading before its first key.
    if (heading.find('.') != std::string::npos && !m_widgets.contains(QString::fromStdString(heading))) {
        auto* label = new QLabel(keyLabel(lastSegment(heading)));
        QFont font = label->font();
        font.setBold(true);
        label->setFont(font);
        label->setContentsMargins(0, 6, 0, 0);
        if (const sim::GroupSpec* headingGroup = sim::findGroup(heading))
            label->setToolTip(QString::fromStdString(headingGroup->help));
        section->form()->addRow(label);
        m_rows.push_back({heading, section->form(), label});
        m_widgets.insert(QString::fromStdString(heading), label);
    }

    if (inDistribution) {
        const QString groupKey = QString::fromStdString(parent);
        if (m_distributions.contains(groupKey))
            return; // built with the group's first key
        auto* row = new DistributionRow(*group);
        m_distributions.insert(groupKey, row);
        m_widgets.insert(groupKey, row);
        for (FieldEditor* editor : row->editors()) {
            m_editors.insert(editor->path(), editor);
            m_widgets.insert(editor->path(), editor);
            connect(editor, &FieldEditor::edited, this,
                    [this, editor](const QString& path, const QString& text) { apply({{path, text}}, editor); });
        }
        QString label = keyLabel(lastSegment(parent));
        if (!row->unit().isEmpty() && !label.contains(row->unit(), Qt::CaseInsensitive))
            label += QStringLiteral(" (%1)").arg(row->unit());
        addRow(section, parent, label, row, QString::fromStdString(group->help), false);
        return;
    }

    FieldEditor* editor = makeFieldEditor(field);
    if (editor == nullptr)
        return;
    m_editors.insert(key, editor);
    m_widgets.insert(key, editor);
    connect(editor, &FieldEditor::edited, this,
            [this, editor](const QString& path, const QString& text) { apply({{path, text}}, editor); });
    addRow(section, field.path, keyLabel(lastSegment(field.path)), editor, QString::fromStdString(field.help),
           field.type == sim::FieldType::StageList);
}

void ScenarioEditor::addEppRows(EditorSection* section)
{
    m_epp = new EppPluginEditor;
    connect(m_epp, &EppPluginEditor::editsRequested, this,
            [this](const FieldEdits& edits) { apply(edits, m_epp); });
    for (const QString& key : EppPluginEditor::keys()) {
        const std::string path = key.toStdString();
        const sim::FieldSpec* field = sim::findField(path);
        const QString help = field != nullptr ? QString::fromStdString(field->help) : QString();
        const bool wide = field != nullptr && field->type == sim::FieldType::PluginList;
        addRow(section, path, keyLabel(lastSegment(path)), m_epp->rowFor(key), help, wide);
        m_widgets.insert(key, m_epp->widgetFor(key));
    }
}

void ScenarioEditor::addRow(EditorSection* section, const std::string& path, const QString& label, QWidget* field,
                            const QString& help, bool wide)
{
    auto* text = new QLabel(label);
    text->setToolTip(help);
    text->setBuddy(field);
    if (wide) {
        // Tables get the panel's whole width, under their label.
        section->form()->addRow(text);
        section->form()->addRow(field);
        m_rows.push_back({path, section->form(), text});
    } else {
        text->setContentsMargins(0, m_labelTopMargin, 0, 0);
        section->form()->addRow(text, field);
        m_labels.append(text);
    }
    m_rows.push_back({path, section->form(), field});
}

void ScenarioEditor::alignLabels()
{
    // One label column for every section, wrapping the long key names instead of squeezing
    // every editor; a narrow panel wraps more of them.
    if (m_widestLabel == 0) {
        for (QLabel* label : std::as_const(m_labels)) {
            m_widestLabel = std::max(m_widestLabel, label->sizeHint().width());
            label->setWordWrap(true);
        }
    }
    const int charWidth = fontMetrics().averageCharWidth();
    const int widest = std::min(m_widestLabel, charWidth * kLabelChars);
    const int narrowest = std::min(widest, charWidth * kMinLabelChars);
    const int width = std::clamp(this->width() * kLabelPercent / 100, narrowest, widest);
    if (width == m_labelWidth)
        return;
    m_labelWidth = width;
    for (QLabel* label : std::as_const(m_labels))
        label->setFixedWidth(width);
}

void ScenarioEditor::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    alignLabels();
}

void ScenarioEditor::setScenario(const sim::Scenario& scenario)
{
    m_valid = scenario;
    m_draft = scenario;
    m_fieldErrors.clear();
    m_issues = sim::scenarioIssues(m_draft);
    if (m_epp != nullptr)
        m_epp->clearLoadError();
    refresh(nullptr, true);
    updateVisibility();
    updateErrors({});
    updateWarnings();
    updateValidity(false);
    updateMinimumWidth();
}

bool ScenarioEditor::hasErrors() const
{
    return !m_fieldErrors.isEmpty() || !m_issues.empty();
}

QWidget* ScenarioEditor::fieldWidget(const QString& path) const
{
    return m_widgets.value(path);
}

QString ScenarioEditor::errorText(const QString& path) const
{
    if (const FieldEditor* editor = m_editors.value(path))
        return editor->error();
    if (const DistributionRow* row = m_distributions.value(path))
        return row->groupError();
    if (EppPluginEditor::keys().contains(path) && m_epp != nullptr)
        return m_epp->error(path);
    return {};
}

void ScenarioEditor::setFieldNote(const QString& path, const QString& note)
{
    if (FieldEditor* editor = m_editors.value(path))
        editor->setNote(note);
}

QString ScenarioEditor::fieldNote(const QString& path) const
{
    const FieldEditor* editor = m_editors.value(path);
    return editor ? editor->note() : QString();
}

QString ScenarioEditor::warningText() const
{
    return m_warnings->isHidden() ? QString() : m_warnings->text();
}

bool ScenarioEditor::setFieldText(const QString& path, const QString& valueText)
{
    return apply({{path, valueText}}, nullptr);
}

bool ScenarioEditor::apply(const FieldEdits& edits, const QObject* origin)
{
    if (edits.isEmpty())
        return false;
    sim::Scenario next = m_draft;
    for (const FieldEdit& edit : edits) {
        const std::string path = edit.path.toStdString();
        const auto applied = sim::setField(next, path, edit.valueText.toStdString(), path);
        if (!applied) {
            // Refused: the draft keeps its value and the key says why.
            m_fieldErrors.insert(edit.path, QString::fromStdString(applied.error().message));
            updateErrors(edit.path);
            updateValidity(true);
            return false;
        }
    }
    bool routing = false;
    for (const FieldEdit& edit : edits) {
        m_fieldErrors.remove(edit.path);
        routing = routing || edit.path.startsWith(QLatin1String("routing"));
    }
    m_draft = std::move(next);
    m_draft.warnings = sim::scenarioWarnings(m_draft);
    m_issues = sim::scenarioIssues(m_draft);
    refresh(origin, routing);
    updateVisibility();
    updateErrors(edits.front().path);
    updateWarnings();
    const bool valid = m_issues.empty();
    if (valid) {
        m_valid = m_draft;
        Q_EMIT scenarioEdited(m_valid);
    }
    updateValidity(true);
    return valid;
}

void ScenarioEditor::refresh(const QObject* origin, bool routing)
{
    // Other keys may change with an edit (workload.client_ips follows workload.type), so every
    // editor but the one being edited shows the draft again.
    for (FieldEditor* editor : std::as_const(m_editors)) {
        if (editor != origin)
            editor->showValue(m_draft);
    }
    for (DistributionRow* row : std::as_const(m_distributions))
        row->syncVisibility();
    // Resolving the EPP plugins may read a file: only when a routing key changed.
    if (routing && m_epp != nullptr)
        m_epp->showScenario(m_draft);
}

void ScenarioEditor::updateVisibility()
{
    for (const Row& row : m_rows)
        row.form->setRowVisible(row.field, appliesTo(row.path, m_draft));
}

void ScenarioEditor::updateErrors(const QString& editedPath)
{
    QHash<QString, QStringList> messages;
    const auto add = [&](const QString& path, const QString& message) {
        QStringList& list = messages[path];
        if (!list.contains(message))
            list.append(message);
    };
    for (auto it = m_fieldErrors.constBegin(); it != m_fieldErrors.constEnd(); ++it)
        add(it.key(), it.value());
    for (const sim::ScenarioIssue& issue : m_issues) {
        const QString message = QString::fromStdString(issue.message);
        const QString where = QString::fromStdString(issue.paths.front());
        add(where, message);
        // Also where the user is looking, when the edited key is one of those involved.
        const bool involved = std::ranges::find(issue.paths, editedPath.toStdString()) != issue.paths.end();
        if (!editedPath.isEmpty() && editedPath != where && involved)
            add(editedPath, message);
    }

    QStringList hidden;
    const auto show = [&](const QString& path, const auto& setError, const QWidget* shownAt) {
        const QString text = messages.take(path).join(QLatin1Char('\n'));
        setError(text);
        if (!text.isEmpty() && (shownAt == nullptr || !shownAt->isVisibleTo(m_content)))
            hidden.append(text);
    };
    for (const sim::FieldSpec& field : sim::scenarioFields()) {
        const QString key = QString::fromStdString(field.path);
        if (FieldEditor* editor = m_editors.value(key)) {
            const DistributionRow* row = m_distributions.value(QString::fromStdString(parentOf(field.path)));
            const QWidget* shownAt = row != nullptr ? static_cast<const QWidget*>(row) : editor;
            show(key, [editor](const QString& text) { editor->setError(text); }, shownAt);
        } else if (m_epp != nullptr && EppPluginEditor::keys().contains(key)) {
            show(key, [this, key](const QString& text) { m_epp->setError(key, text); }, m_epp->rowFor(key));
        }
    }
    for (const sim::GroupSpec& group : sim::scenarioGroups()) {
        const QString key = QString::fromStdString(group.path);
        if (DistributionRow* row = m_distributions.value(key))
            show(key, [row](const QString& text) { row->setGroupError(text); }, row);
    }
    // Keys without a widget of their own (a group given to setFieldText, an unknown key).
    QStringList rest = messages.keys();
    rest.sort();
    for (const QString& key : rest)
        hidden.append(messages.value(key).join(QLatin1Char('\n')));

    m_hiddenErrors->setText(bulleted(hidden));
    m_hiddenErrors->setVisible(!hidden.isEmpty());
}

void ScenarioEditor::updateWarnings()
{
    QStringList lines;
    for (const std::string& warning : m_draft.warnings)
        lines.append(QString::fromStdString(warning));
    m_warnings->setText(bulleted(lines));
    m_warnings->setVisible(!lines.isEmpty());
}

void ScenarioEditor::updateValidity(bool announce)
{
    const bool valid = !hasErrors();
    if (valid == m_lastValid)
        return;
    m_lastValid = valid;
    if (announce)
        Q_EMIT validityChanged(valid);
}

} // namespace kvroute::app
