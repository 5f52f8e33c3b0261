#include "app/gui/panels/stale_overlay.h"

#include <QtCore/QEvent>
#include <QtGui/QPainter>

namespace kvroute::app {

namespace {

/// White at this alpha leaves the figures readable but plainly faded.
constexpr int kVeilAlpha = 150;

} // namespace

StaleOverlay::StaleOverlay(QWidget* panel) : QWidget(panel)
{
    setObjectName(QStringLiteral("staleOverlay"));
    // The stale figures stay usable: tooltips, scrolling and selection reach the panel.
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setFocusPolicy(Qt::NoFocus);
    panel->installEventFilter(this);
    setGeometry(panel->rect());
    hide();
}

void StaleOverlay::setStale(bool stale)
{
    if (stale) {
        setGeometry(parentWidget()->rect());
        raise(); // above widgets the panel created after this one
    }
    setVisible(stale);
}

bool StaleOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget()) {
        if (event->type() == QEvent::Resize)
            setGeometry(parentWidget()->rect());
        else if (event->type() == QEvent::ChildAdded && isVisible())
            raise();
    }
    return QWidget::eventFilter(watched, event);
}

void StaleOverlay::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(255, 255, 255, kVeilAlpha));
}

} // namespace kvroute::app
