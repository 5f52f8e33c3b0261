#pragma once
// A translucent veil over a result panel whose figures belong to an older scenario. It is a
// child widget painted above the panel, not a QGraphicsEffect: an effect renders the panel
// (chart views, tables) through an offscreen pixmap that Qt does not keep in step with their
// scrolling and repaints, so old frames showed through (a table header over row 1, charts
// drawn twice, another tab's content behind the current one).

#include <QtWidgets/QWidget>

namespace kvroute::app {

class StaleOverlay final : public QWidget {
    Q_OBJECT

public:
    /// Covers `panel` (its parent) and follows its size; hidden until setStale(true).
    explicit StaleOverlay(QWidget* panel);

    void setStale(bool stale);
    [[nodiscard]] bool isStale() const { return !isHidden(); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
};

} // namespace kvroute::app
