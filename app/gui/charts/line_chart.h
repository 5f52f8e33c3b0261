#pragma once
// A line chart widget fed plain data. Keeps its series objects and replaces their points when
// the data changes, so the panels can redraw on every scenario edit. The header stays free of
// Qt Charts (only app/gui/charts includes it).

#include <QtCore/QList>
#include <QtCore/QPointF>
#include <QtCore/QString>
#include <QtGui/QColor>
#include <QtGui/QPixmap>
#include <QtWidgets/QWidget>

#include <limits>
#include <memory>
#include <utility>
#include <vector>

QT_BEGIN_NAMESPACE
class QAbstractAxis;
QT_END_NAMESPACE

namespace kvroute::app {

struct LineSeriesData {
    QString name;
    QList<QPointF> points;
    bool dashed = false;
    QColor color{}; ///< invalid: the palette colour of the series' position
    /// false: drawn but left out of the legend (a second piece of a line already named there).
    bool inLegend = true;
};

class LineChart final : public QWidget {
    Q_OBJECT

public:
    explicit LineChart(QWidget* parent = nullptr);
    ~LineChart() override;

    void setTitle(const QString& title);
    /// Axis titles carry the unit: "time (s)", "hit rate (%)".
    void setAxisTitles(const QString& xTitle, const QString& yTitle);
    /// Fixes the y axis (0..100 for percentages); the ticks stay round.
    void setYRange(double min, double max);
    /// The y axis follows the data (the default), from 0 when `includeZero`, and never past
    /// `ceiling` (100 for a percentage that is usually small).
    void setAutoYRange(bool includeZero = true, double ceiling = std::numeric_limits<double>::infinity());
    /// Whole-number y ticks, for counts.
    void setYIntegers(bool integers);
    void setNoDataText(const QString& text);
    /// A logarithmic x axis with ticks at powers of `base` (2 for block sizes and other
    /// power-of-two keys); 0 or 1: linear (the default). Points with x <= 0 are not drawn.
    void setXLogBase(int base);
    /// A logarithmic y axis with ticks at powers of `base` (10 for latencies that span
    /// decades); 0 or 1: linear (the default). Points with y <= 0 are not drawn.
    void setYLogBase(int base);
    /// A marker at every point: for sweeps, where each point is a run and lines only join them.
    void setPointsVisible(bool visible);

    /// Series keep their objects while their number stays the same (points are replaced in
    /// bulk); a new number of series adds or removes objects at the end.
    void setSeries(const std::vector<LineSeriesData>& series);
    void clear();

    [[nodiscard]] QString title() const;
    [[nodiscard]] int seriesCount() const;
    [[nodiscard]] QString seriesName(int index) const;
    [[nodiscard]] QList<QPointF> seriesPoints(int index) const;
    [[nodiscard]] bool seriesDashed(int index) const;
    [[nodiscard]] QColor seriesColor(int index) const;
    /// The series object itself, to tell an in-place update from a rebuild.
    [[nodiscard]] const QObject* seriesObject(int index) const;
    [[nodiscard]] bool legendVisible() const;
    [[nodiscard]] int xLogBase() const;
    [[nodiscard]] int yLogBase() const;
    [[nodiscard]] bool seriesInLegend(int index) const;
    [[nodiscard]] bool pointsVisible() const;
    [[nodiscard]] QString yAxisTitle() const;
    [[nodiscard]] bool noDataShown() const;
    /// What the chart says while it has no data.
    [[nodiscard]] QString noDataText() const;
    /// How many axis titles are drawn (hidden with their axes while there is no data).
    [[nodiscard]] int visibleAxisTitles() const;
    [[nodiscard]] std::pair<double, double> xRange() const;
    [[nodiscard]] std::pair<double, double> yRange() const;
    /// The ticks the x and y axes lay out (a few; never thousands).
    [[nodiscard]] std::pair<double, double> tickCounts() const;

    /// The chart as it is drawn now (for PNG export).
    [[nodiscard]] QPixmap renderToPixmap();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateAxes();
    void updateAxisTitleVisibility();
    [[nodiscard]] QAbstractAxis* currentXAxis() const;
    [[nodiscard]] QAbstractAxis* currentYAxis() const;
    /// Moves every series from the axis `before` to `after` (a linear/log switch).
    void swapAxis(QAbstractAxis* before, QAbstractAxis* after, Qt::Alignment alignment);

    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace kvroute::app
