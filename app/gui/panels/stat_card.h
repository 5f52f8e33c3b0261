#pragma once
// A headline figure: a large number over a small grey caption ("94.1 %" / "prefix-cache hit rate").

#include <QtWidgets/QFrame>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace kvroute::app {

class StatCard final : public QFrame {
    Q_OBJECT

public:
    /// `name` names the value label ("<name>Value") so tests and style sheets can find it.
    StatCard(const QString& name, const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& value, const QString& toolTip = {});
    void clear();
    [[nodiscard]] QString value() const;
    [[nodiscard]] QString caption() const;

private:
    QLabel* m_value = nullptr;
    QLabel* m_caption = nullptr;
};

} // namespace kvroute::app
