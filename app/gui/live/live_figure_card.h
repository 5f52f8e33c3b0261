#pragma once
// One cluster figure of the Live tab, measured over simulated: "41.2 %" large, "simulated
// 40.8 %" small beneath, the caption naming the figure and its window.

#include <QtWidgets/QFrame>

class QLabel;

namespace kvroute::app {

class LiveFigureCard final : public QFrame {
    Q_OBJECT

public:
    /// `name` names the labels ("<name>Measured", "<name>Simulated") for tests and style sheets.
    LiveFigureCard(const QString& name, const QString& caption, QWidget* parent = nullptr);

    void setCaption(const QString& caption);
    /// Texts as printed; "—" for no data.
    void setValues(const QString& measured, const QString& simulated);
    [[nodiscard]] QString measured() const;
    [[nodiscard]] QString simulated() const;

private:
    QLabel* m_caption = nullptr;
    QLabel* m_measured = nullptr;
    QLabel* m_simulated = nullptr;
};

} // namespace kvroute::app
