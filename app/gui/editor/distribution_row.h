#pragma once
// A distribution group (GroupSpec::distribution, e.g. workload.chat.turns) as one compact row:
// the type combo and the mean / stddev / min / max boxes, each still its own key's editor.
// Boxes the chosen type does not read are hidden.

#include "app/gui/editor/field_widgets.h"

#include <QtCore/QHash>
#include <QtCore/QList>

class QGridLayout;
class QLabel;

namespace kvroute::app {

class MessageLabel;

class DistributionRow final : public QWidget {
    Q_OBJECT

public:
    /// `group` is the distribution's key; its five fields are built here.
    explicit DistributionRow(const sim::GroupSpec& group, QWidget* parent = nullptr);

    [[nodiscard]] QString path() const { return m_path; }
    [[nodiscard]] const QList<FieldEditor*>& editors() const { return m_editors; }
    /// The unit of the values ("tokens", "s"), for the row's label.
    [[nodiscard]] QString unit() const { return m_unit; }

    /// A problem with the distribution as a whole (Error::where is the group's key).
    void setGroupError(const QString& message);
    [[nodiscard]] QString groupError() const { return m_groupError; }
    /// Shows the boxes the current type reads.
    void syncVisibility();

private:
    void updateMessage();

    QString m_path;
    QString m_unit;
    QList<FieldEditor*> m_editors;
    FieldEditor* m_type = nullptr;
    QHash<QString, QList<QWidget*>> m_parts; ///< key ("mean") -> caption and editor
    MessageLabel* m_message = nullptr;
    QString m_groupError;
};

} // namespace kvroute::app
