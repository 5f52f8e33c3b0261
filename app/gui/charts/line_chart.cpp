#include "app/gui/charts/line_chart.h"

#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/nice_scale.h"
#include "app/gui/charts/value_axis_scale.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>

namespace kvroute::app {

namespace {

constexpr int kMinimumHeight = 180;
constexpr int kMinimumWidth = 240;
constexpr qreal kLineWidth = 1.8;
/// More series than this and the legend moves from the top to the right, where it can stack.
constexpr int kTopLegendMaxSeries = 5;

/// Qt Charts cannot place NaN or infinite points (they would also stretch the axes to
/// infinity), nor x <= 0 (y <= 0) on a log axis: they are left out of the drawing.
QList<QPointF> drawablePoints(const QList<QPointF>& points, bool logX, bool logY)
{
    const auto drawable = [logX, logY](const QPointF& p) {
        return std::isfinite(p.x()) && std::isfinite(p.y()) && (!logX || p.x() > 0.0) && (!logY || p.y() > 0.0);
    };
    if (std::all_of(points.begin(), points.end(), drawable))
        return points;
    QList<QPointF> kept;
    std::copy_if(points.begin(), points.end(), std::back_inserter(kept), drawable);
    return kept;
}

/// Room left and right of the outermost points on a log axis, in powers of its base, so that
/// their markers are not cut in half.
constexpr double kLogAxisMargin = 0.2;

/// A log axis: "%g" labels at the powers of its base. A y axis spanning a decade or two has
/// only two or three labels, so it also draws faint lines at 2..9 × each power (`minorTicks` =
/// base − 2: Qt spaces them evenly in value between two powers, which is exactly there).
void styleLogAxis(QLogValueAxis* axis, int minorTicks)
{
    axis->setLabelFormat(QStringLiteral("%g"));
    charts::applyAxisStyle(axis);
    axis->setMinorTickCount(std::max(0, minorTicks));
    axis->setMinorGridLineVisible(minorTicks > 0);
    axis->setMinorGridLineColor(charts::gridColor());
    if (minorTicks > 0)
        axis->setGridLineColor(charts::gridColor().darker(115));
}

} // namespace

struct LineChart::Impl {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QValueAxis* xAxis = nullptr;
    QLogValueAxis* xLogAxis = nullptr; ///< replaces xAxis in the chart while logBase > 0
    int logBase = 0;
    bool pointsVisible = false;
    QValueAxis* yAxis = nullptr;
    QLogValueAxis* yLogAxis = nullptr; ///< replaces yAxis in the chart while yLogBase > 0
    int yLogBase = 0;
    std::vector<bool> inLegend;
    QLabel* noData = nullptr;
    std::vector<QLineSeries*> series;
    std::vector<bool> dashed;
    std::optional<std::pair<double, double>> fixedY;
    bool includeZero = true;
    double ceiling = std::numeric_limits<double>::infinity();
    bool integers = false;
    bool empty = true;
};

LineChart::LineChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Impl>())
{
    d->chart = new QChart();
    charts::applyChartStyle(d->chart);
    d->chart->legend()->setVisible(false);

    d->xAxis = new QValueAxis(d->chart);
    d->xLogAxis = new QLogValueAxis(d->chart);
    styleLogAxis(d->xLogAxis, 0);
    d->yLogAxis = new QLogValueAxis(d->chart);
    styleLogAxis(d->yLogAxis, 0);
    d->yAxis = new QValueAxis(d->chart);
    charts::applyAxisStyle(d->xAxis);
    charts::applyAxisStyle(d->yAxis);
    d->chart->addAxis(d->xAxis, Qt::AlignBottom);
    d->chart->addAxis(d->yAxis, Qt::AlignLeft);

    d->view = charts::embedChartView(this, d->chart);
    d->noData = charts::makeNoDataLabel(this);

    setMinimumSize(kMinimumWidth, kMinimumHeight);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    updateAxes();
}

LineChart::~LineChart() = default;

void LineChart::setTitle(const QString& title)
{
    d->chart->setTitle(title);
}

void LineChart::setAxisTitles(const QString& xTitle, const QString& yTitle)
{
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(d->xAxis), static_cast<QAbstractAxis*>(d->xLogAxis)})
        axis->setTitleText(xTitle);
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(d->yAxis), static_cast<QAbstractAxis*>(d->yLogAxis)})
        axis->setTitleText(yTitle);
    updateAxisTitleVisibility();
}

void LineChart::updateAxisTitleVisibility()
{
    // A hidden axis still draws its title, at the chart's top left, over the chart's title:
    // the titles go with their axes while there is no data.
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(d->xAxis), static_cast<QAbstractAxis*>(d->xLogAxis),
                                static_cast<QAbstractAxis*>(d->yAxis), static_cast<QAbstractAxis*>(d->yLogAxis)})
        axis->setTitleVisible(!d->empty && !axis->titleText().isEmpty());
}

void LineChart::setYRange(double min, double max)
{
    d->fixedY = std::pair{min, max};
    updateAxes();
}

void LineChart::setAutoYRange(bool includeZero, double ceiling)
{
    d->fixedY.reset();
    d->includeZero = includeZero;
    d->ceiling = ceiling;
    updateAxes();
}

void LineChart::setYIntegers(bool integers)
{
    d->integers = integers;
    updateAxes();
}

void LineChart::setNoDataText(const QString& text)
{
    d->noData->setText(text);
}

void LineChart::setSeries(const std::vector<LineSeriesData>& series)
{
    const std::size_t n = series.size();
    while (d->series.size() > n) {
        QLineSeries* last = d->series.back();
        d->series.pop_back();
        d->chart->removeSeries(last);
        delete last;
    }
    d->dashed.resize(n, false);
    d->inLegend.resize(n, true);
    while (d->series.size() < n) {
        auto* line = new QLineSeries(d->chart);
        d->chart->addSeries(line);
        line->attachAxis(currentXAxis());
        line->attachAxis(currentYAxis());
        d->series.push_back(line);
    }

    for (std::size_t i = 0; i < n; ++i) {
        const LineSeriesData& entry = series[i];
        QLineSeries* line = d->series[i];
        if (line->name() != entry.name)
            line->setName(entry.name);
        const QColor color = entry.color.isValid() ? entry.color : charts::seriesColor(static_cast<int>(i));
        QPen pen(color);
        pen.setWidthF(kLineWidth);
        pen.setStyle(entry.dashed ? Qt::DashLine : Qt::SolidLine);
        pen.setCapStyle(Qt::FlatCap);
        if (line->pen() != pen)
            line->setPen(pen);
        line->setPointsVisible(d->pointsVisible);
        d->dashed[i] = entry.dashed;
        d->inLegend[i] = entry.inLegend;
        line->replace(drawablePoints(entry.points, d->logBase > 0, d->yLogBase > 0));
    }
    int named = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (QLegendMarker* marker : d->chart->legend()->markers(d->series[i]))
            marker->setVisible(d->inLegend[i]);
        named += d->inLegend[i] ? 1 : 0;
    }

    const bool many = named > kTopLegendMaxSeries;
    const Qt::Alignment legendAlignment = many ? Qt::AlignRight : Qt::AlignTop;
    if (d->chart->legend()->alignment() != legendAlignment)
        d->chart->legend()->setAlignment(legendAlignment);
    d->chart->legend()->setVisible(named > 1);
    updateAxes();
}

void LineChart::clear()
{
    setSeries({});
}

void LineChart::updateAxes()
{
    double xMin = std::numeric_limits<double>::infinity();
    double xMax = -xMin;
    double yMin = xMin;
    double yMax = -xMin;
    for (const QLineSeries* line : d->series) {
        const QList<QPointF> points = line->points();
        for (const QPointF& p : points) {
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
            yMin = std::min(yMin, p.y());
            yMax = std::max(yMax, p.y());
        }
    }
    d->empty = !(xMin <= xMax);
    d->noData->setVisible(d->empty);
    currentXAxis()->setVisible(!d->empty);
    currentYAxis()->setVisible(!d->empty);
    updateAxisTitleVisibility();
    if (d->empty)
        return;

    if (d->logBase > 0) {
        // Powers of the base are the ticks (8, 16, 32, 64); the points sit between the edges.
        const double margin = std::pow(static_cast<double>(d->logBase), kLogAxisMargin);
        d->xLogAxis->setRange(xMin / margin, xMax * margin);
    } else {
        // Time axes start at zero (a run starts there, whatever the first sample says) and end
        // with the data: rounding the end up to a tick would leave up to a third of the plot empty.
        const double x0 = std::min(0.0, xMin);
        const charts::NiceScale xScale = charts::niceScale(x0, xMax, 6);
        charts::applyValueAxisScale(d->xAxis, xScale, x0, xMax > x0 ? xMax : xScale.max);
    }
    if (d->yLogBase > 0) {
        // Decades as the ticks (0.1, 1, 10 s); the points sit between the edges.
        // Points kept from before the switch to log may include y <= 0: keep the range positive.
        const double margin = std::pow(static_cast<double>(d->yLogBase), kLogAxisMargin);
        const double top = yMax > 0.0 ? yMax : 1.0;
        const double bottom = yMin > 0.0 ? yMin : top / static_cast<double>(d->yLogBase);
        d->yLogAxis->setRange(bottom / margin, top * margin);
    } else if (d->fixedY) {
        const charts::NiceScale yScale = charts::niceScale(d->fixedY->first, d->fixedY->second, 5, d->integers);
        charts::applyValueAxisScale(d->yAxis, yScale, d->fixedY->first, d->fixedY->second);
    } else {
        const double lo = d->includeZero ? std::min(0.0, yMin) : yMin;
        const double hi = std::min(d->includeZero ? std::max(0.0, yMax) : yMax, d->ceiling);
        const charts::NiceScale yScale = charts::niceScale(lo, std::max(lo, hi), 5, d->integers);
        charts::applyValueAxisScale(d->yAxis, yScale, yScale.min, std::min(yScale.max, std::max(d->ceiling, yScale.min + yScale.step)));
    }
}

QString LineChart::title() const
{
    return d->chart->title();
}

int LineChart::seriesCount() const
{
    return static_cast<int>(d->series.size());
}

QString LineChart::seriesName(int index) const
{
    return d->series.at(static_cast<std::size_t>(index))->name();
}

QList<QPointF> LineChart::seriesPoints(int index) const
{
    return d->series.at(static_cast<std::size_t>(index))->points();
}

bool LineChart::seriesDashed(int index) const
{
    return d->dashed.at(static_cast<std::size_t>(index));
}

QColor LineChart::seriesColor(int index) const
{
    return d->series.at(static_cast<std::size_t>(index))->pen().color();
}

const QObject* LineChart::seriesObject(int index) const
{
    return d->series.at(static_cast<std::size_t>(index));
}

bool LineChart::legendVisible() const
{
    return d->chart->legend()->isVisible();
}

int LineChart::visibleAxisTitles() const
{
    int visible = 0;
    for (const QAbstractAxis* axis : d->chart->axes())
        visible += axis->isTitleVisible() && !axis->titleText().isEmpty() ? 1 : 0;
    return visible;
}

bool LineChart::noDataShown() const
{
    return d->empty;
}

QString LineChart::noDataText() const
{
    return d->noData->text();
}

std::pair<double, double> LineChart::xRange() const
{
    if (d->logBase > 0)
        return {d->xLogAxis->min(), d->xLogAxis->max()};
    return {d->xAxis->min(), d->xAxis->max()};
}

std::pair<double, double> LineChart::yRange() const
{
    if (d->yLogBase > 0)
        return {d->yLogAxis->min(), d->yLogAxis->max()};
    return {d->yAxis->min(), d->yAxis->max()};
}

std::pair<double, double> LineChart::tickCounts() const
{
    const double xTicks = d->logBase > 0 ? std::floor(std::log(d->xLogAxis->max() / d->xLogAxis->min()) / std::log(d->logBase)) + 1.0
                                         : charts::valueAxisTickCount(d->xAxis);
    const double yTicks = d->yLogBase > 0
                              ? std::floor(std::log(d->yLogAxis->max() / d->yLogAxis->min()) / std::log(d->yLogBase)) + 1.0
                              : charts::valueAxisTickCount(d->yAxis);
    return {xTicks, yTicks};
}

void LineChart::swapAxis(QAbstractAxis* before, QAbstractAxis* after, Qt::Alignment alignment)
{
    if (before == after)
        return;
    for (QLineSeries* line : d->series)
        line->detachAxis(before);
    d->chart->removeAxis(before); // still owned by the chart object (its parent)
    d->chart->addAxis(after, alignment);
    for (QLineSeries* line : d->series)
        line->attachAxis(after);
}

void LineChart::setXLogBase(int base)
{
    base = base > 1 ? base : 0;
    if (base == d->logBase)
        return;
    QAbstractAxis* before = currentXAxis();
    d->logBase = base;
    if (base > 0)
        d->xLogAxis->setBase(base);
    swapAxis(before, currentXAxis(), Qt::AlignBottom);
    updateAxes();
}

int LineChart::xLogBase() const
{
    return d->logBase;
}

void LineChart::setYLogBase(int base)
{
    base = base > 1 ? base : 0;
    if (base == d->yLogBase)
        return;
    QAbstractAxis* before = currentYAxis();
    d->yLogBase = base;
    if (base > 0) {
        d->yLogAxis->setBase(base);
        styleLogAxis(d->yLogAxis, base - 2);
    }
    swapAxis(before, currentYAxis(), Qt::AlignLeft);
    updateAxes();
}

int LineChart::yLogBase() const
{
    return d->yLogBase;
}

bool LineChart::seriesInLegend(int index) const
{
    return d->inLegend.at(static_cast<std::size_t>(index));
}

void LineChart::setPointsVisible(bool visible)
{
    d->pointsVisible = visible;
    for (QLineSeries* line : d->series)
        line->setPointsVisible(visible);
}

bool LineChart::pointsVisible() const
{
    return d->pointsVisible;
}

QString LineChart::yAxisTitle() const
{
    return currentYAxis()->titleText();
}

QAbstractAxis* LineChart::currentXAxis() const
{
    if (d->logBase > 0)
        return d->xLogAxis;
    return d->xAxis;
}

QAbstractAxis* LineChart::currentYAxis() const
{
    if (d->yLogBase > 0)
        return d->yLogAxis;
    return d->yAxis;
}

QPixmap LineChart::renderToPixmap()
{
    return grab();
}

void LineChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    d->noData->setGeometry(rect());
}

} // namespace kvroute::app
