#pragma once
// A one-line label that elides its text to the width it gets (the whole text in its tooltip),
// so a long summary never pushes the panel wider or taller.

#include <QtWidgets/QLabel>

namespace kvroute::app {

class ElidedLabel final : public QLabel {
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setFullText(const QString& text);
    [[nodiscard]] const QString& fullText() const { return m_full; }
    [[nodiscard]] bool isElided() const { return text() != m_full; }

    [[nodiscard]] QSize minimumSizeHint() const override;
    [[nodiscard]] QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();

    QString m_full;
};

} // namespace kvroute::app
