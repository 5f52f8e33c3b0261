#pragma once
// A word-wrapped message under an editor field that always gets the height of all its lines.
// QFormLayout sizes a row from the field's size hint rather than its height for the width it
// actually gets, so a long wrapped message (two cross-key errors) was cut off mid-sentence. The
// label keeps its minimum height at its height for its current width, which every layout honours.

#include <QtWidgets/QLabel>

namespace kvroute::app {

class MessageLabel final : public QLabel {
    Q_OBJECT

public:
    explicit MessageLabel(QWidget* parent = nullptr);

    /// Sets the text and the height it needs at the current width.
    void setMessage(const QString& text);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitHeight();
};

} // namespace kvroute::app
