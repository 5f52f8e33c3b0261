#include "app/gui/charts/bar_chart.h"

#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/nice_scale.h"
#include "app/gui/charts/value_axis_scale.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>
#include <QtWidgets/QGraphicsSimpleTextItem>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

namespace kvroute::app {

namespace {

constexpr int kMinimumHeight = 180;
constexpr int kMinimumWidth = 240;
/// Room beyond the longest bar for its value label, as a share of its value.
constexpr double kLabelHeadroom = 1.12;

/// Above the series and the grid.
constexpr qreal kLabelZ = 20.0;
/// Gap between a bar's end and its value label, in pixels.
constexpr qreal kLabelGap = 2.0;

/// Qt Charts cannot draw a NaN or infinite bar (nor scale an axis to it): such a value (no
/// value, e.g. the hit rate of a pod never queried) draws no bar and its label reads "n/a".
qreal drawable(qreal value)
{
    return std::isfinite(value) ? value : 0.0;
}

} // namespace

struct BarChart::Impl {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QAbstractBarSeries* series = nullptr;
    QBarCategoryAxis* categoryAxis = nullptr;
    QValueAxis* valueAxis = nullptr;
    QLabel* noData = nullptr;
    /// Our own value labels: Qt Charts formats them with %g, which drops trailing zeros
    /// ("34" next to "31.9") and switches to exponents.
    std::vector<QGraphicsSimpleTextItem*> valueLabels;
    Qt::Orientation orientation = Qt::Vertical;
    QString categoryTitle;
    QString valueTitle;
    std::optional<std::pair<double, double>> fixedRange;
    bool labels = false;
    int decimals = 1;
    bool empty = true;
    /// Per set, per category: the value given was not a number (drawn as a 0-high bar).
    std::vector<std::vector<bool>> missing;
    std::function<QString(qreal)> labelText;
};

BarChart::BarChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Impl>())
{
    d->chart = new QChart();
    charts::applyChartStyle(d->chart);
    d->chart->legend()->setVisible(false);
    d->chart->legend()->setMarkerShape(QLegend::MarkerShapeRectangle);
    connect(d->chart, &QChart::plotAreaChanged, this, [this] { updateValueLabels(); });

    d->view = charts::embedChartView(this, d->chart);
    d->noData = charts::makeNoDataLabel(this);

    setMinimumSize(kMinimumWidth, kMinimumHeight);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    rebuildSeries();
}

BarChart::~BarChart() = default;

void BarChart::rebuildSeries()
{
    QStringList categories;
    std::vector<BarSetData> sets;
    if (d->series) {
        categories = d->categoryAxis->categories();
        const QList<QBarSet*> barSets = d->series->barSets();
        for (QBarSet* set : barSets) { // QBarSet::color() is not const
            BarSetData entry{set->label(), {}, set->color()};
            for (int i = 0; i < set->count(); ++i)
                entry.values.append(set->at(i));
            sets.push_back(std::move(entry));
        }
        d->chart->removeSeries(d->series);
        delete d->series;
        d->chart->removeAxis(d->categoryAxis);
        d->chart->removeAxis(d->valueAxis);
        delete d->categoryAxis;
        delete d->valueAxis;
    }

    if (d->orientation == Qt::Vertical)
        d->series = new QBarSeries(d->chart);
    else
        d->series = new QHorizontalBarSeries(d->chart);
    d->series->setLabelsVisible(false);

    d->categoryAxis = new QBarCategoryAxis(d->chart);
    d->valueAxis = new QValueAxis(d->chart);
    charts::applyAxisStyle(d->categoryAxis);
    charts::applyAxisStyle(d->valueAxis);
    d->categoryAxis->setGridLineVisible(false);
    const bool vertical = d->orientation == Qt::Vertical;
    d->chart->addAxis(d->categoryAxis, vertical ? Qt::AlignBottom : Qt::AlignLeft);
    d->chart->addAxis(d->valueAxis, vertical ? Qt::AlignLeft : Qt::AlignBottom);
    d->chart->addSeries(d->series);
    d->series->attachAxis(d->categoryAxis);
    d->series->attachAxis(d->valueAxis);
    setAxisTitles(d->categoryTitle, d->valueTitle);
    setData(categories, sets);
}

void BarChart::setTitle(const QString& title)
{
    d->chart->setTitle(title);
}

void BarChart::setAxisTitles(const QString& categoryTitle, const QString& valueTitle)
{
    d->categoryTitle = categoryTitle;
    d->valueTitle = valueTitle;
    d->categoryAxis->setTitleText(categoryTitle);
    d->valueAxis->setTitleText(valueTitle);
    updateAxisTitleVisibility();
}

void BarChart::updateAxisTitleVisibility()
{
    // A hidden axis still draws its title, at the chart's top left, over the chart's title
    // (seen with no pods reported from a stopped stack): the titles go with their axes.
    d->categoryAxis->setTitleVisible(!d->empty && !d->categoryTitle.isEmpty());
    d->valueAxis->setTitleVisible(!d->empty && !d->valueTitle.isEmpty());
}

void BarChart::setOrientation(Qt::Orientation orientation)
{
    if (orientation == d->orientation)
        return;
    d->orientation = orientation;
    rebuildSeries();
}

void BarChart::setValueRange(double min, double max)
{
    d->fixedRange = std::pair{min, max};
    updateAxes();
}

void BarChart::setAutoValueRange()
{
    d->fixedRange.reset();
    updateAxes();
}

void BarChart::setValueLabelsVisible(bool visible, int decimals)
{
    d->labels = visible;
    d->decimals = decimals;
    updateAxes();
}

void BarChart::setValueLabelFormatter(std::function<QString(qreal)> format)
{
    d->labelText = std::move(format);
    updateValueLabels();
}

void BarChart::setNoDataText(const QString& text)
{
    d->noData->setText(text);
}

void BarChart::setData(const QStringList& categories, const std::vector<BarSetData>& sets)
{
    const int categoryCount = static_cast<int>(categories.size());
    const QList<QBarSet*> existing = d->series->barSets();
    bool sameShape = existing.size() == static_cast<qsizetype>(sets.size())
                     && d->categoryAxis->count() == categoryCount;
    for (const QBarSet* set : existing)
        sameShape = sameShape && set->count() == categoryCount;

    if (!sameShape) {
        d->series->clear(); // deletes the sets
        for (const BarSetData& entry : sets) {
            auto* set = new QBarSet(entry.name);
            QList<qreal> values = entry.values.mid(0, categoryCount);
            std::transform(values.begin(), values.end(), values.begin(), drawable);
            while (values.size() < categoryCount)
                values.append(0.0);
            set->append(values);
            d->series->append(set);
        }
    }
    const QList<QBarSet*> barSets = d->series->barSets();
    for (qsizetype i = 0; i < barSets.size(); ++i) {
        QBarSet* set = barSets[i];
        const BarSetData& entry = sets[static_cast<std::size_t>(i)];
        if (set->label() != entry.name)
            set->setLabel(entry.name);
        const QColor color = entry.color.isValid() ? entry.color : charts::seriesColor(static_cast<int>(i));
        if (set->color() != color) {
            set->setColor(color);
            set->setBorderColor(color);
        }
        if (sameShape) {
            for (int j = 0; j < categoryCount; ++j) {
                const qreal value = j < entry.values.size() ? drawable(entry.values[j]) : 0.0;
                if (set->at(j) != value)
                    set->replace(j, value);
            }
        }
    }
    if (d->categoryAxis->categories() != categories) {
        d->categoryAxis->clear();
        d->categoryAxis->append(categories);
    }
    d->missing.assign(sets.size(), std::vector<bool>(static_cast<std::size_t>(categoryCount), false));
    for (std::size_t i = 0; i < sets.size(); ++i) {
        for (int j = 0; j < categoryCount && j < sets[i].values.size(); ++j)
            d->missing[i][static_cast<std::size_t>(j)] = !std::isfinite(sets[i].values[j]);
    }
    d->series->setBarWidth(sets.size() > 1 ? 0.8 : 0.6);
    d->chart->legend()->setVisible(sets.size() > 1);
    updateAxes();
}

void BarChart::clear()
{
    setData({}, {});
}

void BarChart::updateAxes()
{
    double maxValue = 0.0;
    double minValue = 0.0;
    bool any = false;
    const QList<QBarSet*> barSets = d->series->barSets();
    for (const QBarSet* set : barSets) {
        for (int i = 0; i < set->count(); ++i) {
            any = true;
            maxValue = std::max(maxValue, set->at(i));
            minValue = std::min(minValue, set->at(i));
        }
    }
    d->empty = !any;
    d->noData->setVisible(d->empty);
    d->categoryAxis->setVisible(!d->empty);
    d->valueAxis->setVisible(!d->empty);
    updateAxisTitleVisibility();
    if (d->empty) {
        updateValueLabels();
        return;
    }

    double lo = minValue;
    double hi = d->labels ? maxValue * kLabelHeadroom : maxValue;
    if (d->fixedRange) {
        lo = d->fixedRange->first;
        hi = d->fixedRange->second;
    }
    const charts::NiceScale scale = charts::niceScale(lo, hi, 5);
    charts::applyValueAxisScale(d->valueAxis, scale, d->fixedRange ? lo : scale.min, d->fixedRange ? hi : scale.max);
    updateValueLabels();
}

void BarChart::updateValueLabels()
{
    const QList<QBarSet*> barSets = d->series->barSets();
    const int setCount = static_cast<int>(barSets.size());
    const int categoryCount = setCount > 0 ? barSets.front()->count() : 0;
    const std::size_t wanted = d->labels ? static_cast<std::size_t>(setCount * categoryCount) : 0;
    while (d->valueLabels.size() > wanted) {
        delete d->valueLabels.back();
        d->valueLabels.pop_back();
    }
    while (d->valueLabels.size() < wanted) {
        auto* label = new QGraphicsSimpleTextItem(d->chart);
        label->setFont(charts::axisLabelFont());
        label->setZValue(kLabelZ);
        d->valueLabels.push_back(label);
    }
    if (wanted == 0)
        return;

    const QRectF plot = d->chart->plotArea();
    const bool vertical = d->orientation == Qt::Vertical;
    // Qt Charts lays a category's bars side by side across barWidth, centred on the category.
    const qreal width = d->series->barWidth();
    const qreal perSet = width / setCount;
    const QPointF origin = d->chart->mapToPosition(QPointF(0.0, 0.0), d->series);
    const QPointF oneSlot = d->chart->mapToPosition(vertical ? QPointF(perSet, 0.0) : QPointF(0.0, perSet), d->series);
    const qreal slotPixels = vertical ? std::abs(oneSlot.x() - origin.x()) : std::abs(oneSlot.y() - origin.y());

    const QBrush outside(charts::textColor());
    const QBrush inside(Qt::white);
    bool fit = true;
    std::size_t index = 0;
    for (int set = 0; set < setCount; ++set) {
        for (int category = 0; category < categoryCount; ++category, ++index) {
            QGraphicsSimpleTextItem* label = d->valueLabels[index];
            const qreal value = barSets[set]->at(category);
            const bool missing = d->missing.size() > static_cast<std::size_t>(set) &&
                                 d->missing[static_cast<std::size_t>(set)].size() > static_cast<std::size_t>(category) &&
                                 d->missing[static_cast<std::size_t>(set)][static_cast<std::size_t>(category)];
            const QString text = missing           ? tr("n/a")
                                 : d->labelText    ? d->labelText(value)
                                                   : QString::number(value, 'f', d->decimals);
            if (label->text() != text)
                label->setText(text);
            const QSizeF size = label->boundingRect().size();
            const qreal slot = category - width / 2.0 + (set + 0.5) * perSet;
            const QPointF end = d->chart->mapToPosition(vertical ? QPointF(slot, value) : QPointF(value, slot), d->series);
            QPointF pos;
            bool within = true;
            if (vertical) {
                fit = fit && size.width() <= slotPixels + 4.0;
                pos = QPointF(end.x() - size.width() / 2.0, end.y() - size.height() - kLabelGap);
                within = pos.y() >= plot.top();
                if (!within) // no room above the bar: write inside its end
                    pos.setY(end.y() + kLabelGap);
            } else {
                fit = fit && size.height() <= slotPixels + 2.0;
                pos = QPointF(end.x() + kLabelGap * 2.0, end.y() - size.height() / 2.0);
                within = pos.x() + size.width() <= plot.right();
                if (!within)
                    pos.setX(end.x() - size.width() - kLabelGap * 2.0);
            }
            label->setBrush(within ? outside : inside);
            label->setPos(pos);
        }
    }
    // Labels wider than their bars would run into each other: show none rather than a smear.
    for (QGraphicsSimpleTextItem* label : d->valueLabels)
        label->setVisible(fit && !plot.isEmpty());
}

QString BarChart::title() const
{
    return d->chart->title();
}

QString BarChart::categoryTitle() const
{
    return d->categoryTitle;
}

QString BarChart::valueTitle() const
{
    return d->valueTitle;
}

Qt::Orientation BarChart::orientation() const
{
    return d->orientation;
}

QStringList BarChart::categories() const
{
    return d->categoryAxis->categories();
}

int BarChart::setCount() const
{
    return static_cast<int>(d->series->count());
}

QString BarChart::setName(int index) const
{
    return d->series->barSets().at(index)->label();
}

QList<qreal> BarChart::setValues(int index) const
{
    const QBarSet* set = d->series->barSets().at(index);
    QList<qreal> values;
    values.reserve(set->count());
    for (int i = 0; i < set->count(); ++i)
        values.append(set->at(i));
    return values;
}

const QObject* BarChart::setObject(int index) const
{
    return d->series->barSets().at(index);
}

bool BarChart::legendVisible() const
{
    return d->chart->legend()->isVisible();
}

bool BarChart::valueLabelsVisible() const
{
    return d->labels;
}

QStringList BarChart::valueLabelTexts() const
{
    QStringList texts;
    for (const QGraphicsSimpleTextItem* label : d->valueLabels)
        texts.append(label->text());
    return texts;
}

int BarChart::visibleAxisTitles() const
{
    int visible = 0;
    for (const QAbstractAxis* axis : d->chart->axes())
        visible += axis->isTitleVisible() && !axis->titleText().isEmpty() ? 1 : 0;
    return visible;
}

bool BarChart::noDataShown() const
{
    return d->empty;
}

QString BarChart::noDataText() const
{
    return d->noData->text();
}

std::pair<double, double> BarChart::valueRange() const
{
    return {d->valueAxis->min(), d->valueAxis->max()};
}

double BarChart::valueTickCount() const
{
    return charts::valueAxisTickCount(d->valueAxis);
}

QPixmap BarChart::renderToPixmap()
{
    return grab();
}

void BarChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    d->noData->setGeometry(rect());
}

} // namespace kvroute::app
