#include "app/gui/editor/message_label.h"

#include <QtGui/QResizeEvent>

namespace kvroute::app {

MessageLabel::MessageLabel(QWidget* parent) : QLabel(parent)
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
}

void MessageLabel::setMessage(const QString& text)
{
    setText(text);
    fitHeight();
}

void MessageLabel::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    if (event->size().width() != event->oldSize().width())
        fitHeight();
}

void MessageLabel::fitHeight()
{
    // Before the first layout the width is a guess; the resize that follows corrects it.
    const int needed = text().isEmpty() ? 0 : heightForWidth(width());
    if (needed != minimumHeight())
        setMinimumHeight(needed);
}

} // namespace kvroute::app
