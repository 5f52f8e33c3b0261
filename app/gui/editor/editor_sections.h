#pragma once
// How the scenario editor lays out the schema: which section a key goes to, which keys matter
// for the current routing policy and workload type, and the foldable section widget.

#include "sim/scenario/scenario.h"

#include <QtWidgets/QWidget>

#include <string>
#include <string_view>

class QFormLayout;
class QToolButton;

namespace kvroute::app {

/// The section of a key: its top-level group ("vllm"), or "" for top-level keys (Run).
[[nodiscard]] std::string sectionOf(std::string_view path);
/// "Model & GPU", "vLLM settings", ..., "Run".
[[nodiscard]] QString sectionTitle(std::string_view section);
/// The parent of a dotted path ("vllm" for "vllm.block_size", "" for "seed").
[[nodiscard]] std::string parentOf(std::string_view path);
/// Keys shown as text only (name, description).
[[nodiscard]] bool isReadOnlyKey(std::string_view path);

/// Whether a key or group matters with the scenario's routing policy and workload type
/// (routing.service only for kube-service, workload.chat only for chat-sessions, ...).
[[nodiscard]] bool appliesTo(std::string_view path, const sim::Scenario& scenario);

/// A titled part of the side panel whose body (a form: labels left, editors right) folds away.
class EditorSection final : public QWidget {
    Q_OBJECT

public:
    explicit EditorSection(const QString& title, QWidget* parent = nullptr);

    [[nodiscard]] QFormLayout* form() const { return m_form; }
    [[nodiscard]] QWidget* body() const { return m_body; }
    void setExpanded(bool expanded);
    [[nodiscard]] bool isExpanded() const;

private:
    QToolButton* m_header = nullptr;
    QWidget* m_body = nullptr;
    QFormLayout* m_form = nullptr;
};

} // namespace kvroute::app
