#include "app/gui/live/live_figure_card.h"

#include "app/gui/charts/chart_style.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

namespace kvroute::app {

namespace {

constexpr double kValueScale = 1.7;

} // namespace

LiveFigureCard::LiveFigureCard(const QString& name, const QString& caption, QWidget* parent) : QFrame(parent)
{
    setObjectName(name + QStringLiteral("Card"));
    setStyleSheet(QStringLiteral("QFrame#%1 { background: white; border: 1px solid #E2E2E2; border-radius: 6px; }")
                      .arg(objectName()));

    // Coloured like the charts' series: measured is the first palette colour, simulated the second.
    m_measured = new QLabel(this);
    m_measured->setObjectName(name + QStringLiteral("Measured"));
    QFont big = m_measured->font();
    big.setPointSizeF(big.pointSizeF() * kValueScale);
    big.setWeight(QFont::DemiBold);
    m_measured->setFont(big);
    m_measured->setToolTip(tr("measured (Prometheus)"));

    m_simulated = new QLabel(this);
    m_simulated->setObjectName(name + QStringLiteral("Simulated"));
    m_simulated->setStyleSheet(QStringLiteral("color: %1;").arg(charts::seriesColor(1).darker(130).name()));
    m_simulated->setToolTip(tr("simulated (the same scenario)"));

    m_caption = new QLabel(caption, this);
    m_caption->setObjectName(name + QStringLiteral("Caption"));
    m_caption->setStyleSheet(QStringLiteral("color: #7A7A7A;"));

    auto* values = new QHBoxLayout();
    values->setSpacing(10);
    values->addWidget(m_measured, 0, Qt::AlignBaseline);
    values->addWidget(m_simulated, 0, Qt::AlignBaseline);
    values->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 6);
    layout->setSpacing(0);
    layout->addLayout(values);
    layout->addWidget(m_caption);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    setValues({}, {});
}

void LiveFigureCard::setCaption(const QString& caption) { m_caption->setText(caption); }

void LiveFigureCard::setValues(const QString& measured, const QString& simulated)
{
    const QString none(QChar(0x2014));
    m_measured->setText(measured.isEmpty() ? none : measured);
    // Nothing measured (an idle window): a grey dash, not one in the measured line's colour.
    m_measured->setStyleSheet(QStringLiteral("color: %1;")
                                  .arg(measured.isEmpty() ? charts::mutedTextColor().name() : charts::seriesColor(0).name()));
    m_simulated->setText(tr("simulated %1").arg(simulated.isEmpty() ? none : simulated));
}

QString LiveFigureCard::measured() const { return m_measured->text(); }

QString LiveFigureCard::simulated() const { return m_simulated->text(); }

} // namespace kvroute::app
