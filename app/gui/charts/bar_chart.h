#pragma once
// A grouped bar chart widget fed plain data: categories along one axis and one bar per value set
// in each category (e.g. per pod: hit rate and request share side by side). Values are replaced
// in place while the shape (sets × categories) stays the same. No Qt Charts in this header.

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtGui/QColor>
#include <QtGui/QPixmap>
#include <QtWidgets/QWidget>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace kvroute::app {

struct BarSetData {
    QString name;
    QList<qreal> values; ///< one per category; NaN: no value (no bar, labelled "n/a")
    QColor color{};      ///< invalid: the palette colour of the set's position
};

class BarChart final : public QWidget {
    Q_OBJECT

public:
    explicit BarChart(QWidget* parent = nullptr);
    ~BarChart() override;

    void setTitle(const QString& title);
    /// Axis titles carry the unit: "pod", "% of requests".
    void setAxisTitles(const QString& categoryTitle, const QString& valueTitle);
    /// Qt::Vertical: bars grow upwards from categories along the bottom (the default);
    /// Qt::Horizontal: bars grow to the right from categories along the left, the first
    /// category at the bottom (Qt Charts' order).
    void setOrientation(Qt::Orientation orientation);
    /// Fixes the value axis (0..100 for percentages).
    void setValueRange(double min, double max);
    /// The value axis follows the data from 0, with headroom for the value labels.
    void setAutoValueRange();
    /// Prints each bar's value at its end, with `decimals` digits after the point.
    void setValueLabelsVisible(bool visible, int decimals = 1);
    /// Writes the value labels with `format` instead of a fixed number of decimals (e.g. a
    /// duration with its unit); an empty function restores the decimals.
    void setValueLabelFormatter(std::function<QString(qreal)> format);
    void setNoDataText(const QString& text);

    void setData(const QStringList& categories, const std::vector<BarSetData>& sets);
    void clear();

    [[nodiscard]] QString title() const;
    [[nodiscard]] QString categoryTitle() const;
    [[nodiscard]] QString valueTitle() const;
    [[nodiscard]] Qt::Orientation orientation() const;
    [[nodiscard]] QStringList categories() const;
    [[nodiscard]] int setCount() const;
    [[nodiscard]] QString setName(int index) const;
    [[nodiscard]] QList<qreal> setValues(int index) const;
    /// The bar set object itself, to tell an in-place update from a rebuild.
    [[nodiscard]] const QObject* setObject(int index) const;
    [[nodiscard]] bool legendVisible() const;
    [[nodiscard]] bool valueLabelsVisible() const;
    /// The value labels as printed, set by set (empty when hidden).
    [[nodiscard]] QStringList valueLabelTexts() const;
    [[nodiscard]] bool noDataShown() const;
    /// What the chart says while it has no data.
    [[nodiscard]] QString noDataText() const;
    /// How many axis titles are drawn (hidden with their axes while there is no data).
    [[nodiscard]] int visibleAxisTitles() const;
    [[nodiscard]] std::pair<double, double> valueRange() const;
    /// The ticks the value axis lays out (a few; never thousands).
    [[nodiscard]] double valueTickCount() const;

    [[nodiscard]] QPixmap renderToPixmap();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuildSeries();
    void updateAxes();
    void updateAxisTitleVisibility();
    void updateValueLabels();

    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace kvroute::app
