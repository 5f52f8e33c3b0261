#include "app/gui/panels/stat_card.h"

#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

namespace kvroute::app {

StatCard::StatCard(const QString& name, const QString& caption, QWidget* parent) : QFrame(parent)
{
    setObjectName(name + QStringLiteral("Card"));
    setStyleSheet(QStringLiteral("QFrame#%1 { background: white; border: 1px solid #E2E2E2; border-radius: 6px; }")
                      .arg(objectName()));

    m_value = new QLabel(this);
    m_value->setObjectName(name + QStringLiteral("Value"));
    QFont big = m_value->font();
    big.setPointSizeF(big.pointSizeF() * 1.9);
    big.setWeight(QFont::DemiBold);
    m_value->setFont(big);
    m_value->setStyleSheet(QStringLiteral("color: #222222;"));

    m_caption = new QLabel(caption, this);
    m_caption->setObjectName(name + QStringLiteral("Caption"));
    m_caption->setStyleSheet(QStringLiteral("color: #7A7A7A;"));
    m_caption->setWordWrap(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(0);
    layout->addWidget(m_value);
    layout->addWidget(m_caption);
    // The overview reflows its cards to fit (two rows when narrow), so a card claims no minimum
    // width of its own: six in a row must not hold the whole panel wide.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    clear();
}

void StatCard::setValue(const QString& value, const QString& toolTip)
{
    m_value->setText(value);
    setToolTip(toolTip);
}

void StatCard::clear()
{
    setValue(QString(QChar(0x2014)));
}

QString StatCard::value() const
{
    return m_value->text();
}

QString StatCard::caption() const
{
    return m_caption->text();
}

} // namespace kvroute::app
