#include "app/gui/charts/chart_style.h"

#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QGraphicsLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <array>

namespace kvroute::app::charts {

namespace {

// Okabe & Ito, "Color Universal Design" (2008): distinguishable under the common colour-vision
// deficiencies. Yellow is last because it is faint on white.
constexpr std::array<QRgb, 8> kPalette{
    0xFF0072B2, // blue
    0xFFE69F00, // orange
    0xFF009E73, // bluish green
    0xFFD55E00, // vermillion
    0xFFCC79A7, // reddish purple
    0xFF56B4E9, // sky blue
    0xFF444444, // near black
    0xFFC8B400, // yellow, darkened to read on white
};

QFont baseFont(qreal pointDelta, bool bold)
{
    QFont font = QGuiApplication::font();
    const qreal size = font.pointSizeF() > 0 ? font.pointSizeF() : 9.0;
    font.setPointSizeF(size + pointDelta);
    font.setBold(bold);
    return font;
}

} // namespace

QColor seriesColor(int index)
{
    const auto n = static_cast<int>(kPalette.size());
    return QColor::fromRgb(kPalette[static_cast<std::size_t>(((index % n) + n) % n)]);
}

int paletteSize()
{
    return static_cast<int>(kPalette.size());
}

QColor textColor()
{
    return QColor::fromRgb(0x33, 0x33, 0x33);
}

QColor mutedTextColor()
{
    return QColor::fromRgb(0x80, 0x80, 0x80);
}

QColor gridColor()
{
    return QColor::fromRgb(0xE4, 0xE4, 0xE4);
}

QFont titleFont()
{
    return baseFont(0.5, true);
}

QFont axisLabelFont()
{
    return baseFont(-1.0, false);
}

QFont axisTitleFont()
{
    return baseFont(-0.5, false);
}

QFont legendFont()
{
    return baseFont(-1.0, false);
}

void applyChartStyle(QChart* chart)
{
    chart->setTheme(QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setBackgroundBrush(Qt::white);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setDropShadowEnabled(false);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setMargins(QMargins(4, 2, 8, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setTitleFont(titleFont());
    chart->setTitleBrush(textColor());
    QLegend* legend = chart->legend();
    legend->setFont(legendFont());
    legend->setLabelColor(textColor());
    legend->setMarkerShape(QLegend::MarkerShapeFromSeries);
    legend->setAlignment(Qt::AlignTop);
    legend->layout()->setContentsMargins(0, 0, 0, 0);
    legend->setBackgroundVisible(false);
}

void applyAxisStyle(QAbstractAxis* axis)
{
    axis->setLabelsFont(axisLabelFont());
    axis->setLabelsColor(textColor());
    axis->setTitleFont(axisTitleFont());
    axis->setTitleBrush(textColor());
    axis->setGridLineColor(gridColor());
    axis->setMinorGridLineVisible(false);
    QPen line(QColor::fromRgb(0xB0, 0xB0, 0xB0));
    line.setWidthF(1.0);
    axis->setLinePen(line);
    axis->setShadesVisible(false);
}

QChartView* embedChartView(QWidget* host, QChart* chart)
{
    auto* view = new QChartView(chart, host); // takes ownership of the chart
    view->setRenderHint(QPainter::Antialiasing);
    view->setFrameShape(QFrame::NoFrame);
    view->setContentsMargins(0, 0, 0, 0);
    view->setBackgroundBrush(Qt::white);
    auto* layout = new QVBoxLayout(host);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    return view;
}

QLabel* makeNoDataLabel(QWidget* host)
{
    auto* label = new QLabel(QObject::tr("No data"), host);
    label->setAlignment(Qt::AlignCenter);
    label->setAttribute(Qt::WA_TransparentForMouseEvents);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, mutedTextColor());
    label->setPalette(palette);
    label->raise();
    return label;
}

} // namespace kvroute::app::charts
