// Chart axes survive any change of data: every pair of extreme data sets (tiny -> huge, huge ->
// tiny, equal values, negatives, 0, 1e-300, 1e300, NaN and infinities) is drawn one after the
// other on shown charts, and the axes must stay finite with a handful of ticks. Before the fix a
// chart that had shown a KV usage of 3.7e-5 % froze the window when the next run filled it to
// 100 % (the old tick interval on the new range: millions of ticks); ctest's timeout for this test
// turns such a hang into a failure.

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/charts/nice_scale.h"

#include <QtTest/QtTest>
#include <QtWidgets/QGridLayout>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

using kvroute::app::BarChart;
using kvroute::app::BarSetData;
using kvroute::app::LineChart;
using kvroute::app::LineSeriesData;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
/// What a readable axis has; the fallback and nice scales stay well below.
constexpr double kMaxTicks = 101.0;

struct DataSet {
    const char* name;
    QList<double> values;
};

const std::vector<DataSet>& dataSets()
{
    static const std::vector<DataSet> sets{
        {"kv-peak-3.7e-5", {0.0, 3.7e-5, 1e-5}},
        {"percent", {0.0, 55.0, 100.0}},
        {"huge-1e300", {0.0, 1e300}},
        {"tiny-1e-300", {0.0, 1e-300}},
        {"equal", {5.0, 5.0, 5.0}},
        {"zero", {0.0, 0.0}},
        {"negative", {-1e6, -3.0, -1.0}},
        {"both-signs-1e300", {-1e300, 1e300}},
        {"max-double", {-std::numeric_limits<double>::max(), std::numeric_limits<double>::max()}},
        {"subnormal", {0.0, 4.9e-324}},
        {"nan", {kNaN, 1.0, kNaN}},
        {"infinities", {kInf, -kInf, 2.0}},
        {"empty", {}},
    };
    return sets;
}

/// Points on the diagonal, so that both axes see the extreme values.
QList<QPointF> diagonal(const QList<double>& values)
{
    QList<QPointF> points;
    for (const double v : values)
        points.append(QPointF(v, v));
    return points;
}

bool sane(std::pair<double, double> range)
{
    return std::isfinite(range.first) && std::isfinite(range.second) && range.first < range.second;
}

} // namespace

class TestChartAxes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void lineChartSurvivesAnyChange_data();
    void lineChartSurvivesAnyChange();
    void barChartSurvivesAnyChange_data();
    void barChartSurvivesAnyChange();
    void niceScaleIsFiniteForExtremes();

private:
    static void addPairs();

    std::unique_ptr<QWidget> m_window;
    std::vector<LineChart*> m_lines; ///< auto from 0, auto capped at 100, fixed 0-100, integers, data-only
    std::vector<BarChart*> m_bars;   ///< auto with labels, fixed 0-100
};

void TestChartAxes::initTestCase()
{
    m_window = std::make_unique<QWidget>();
    auto* layout = new QGridLayout(m_window.get());
    for (int i = 0; i < 5; ++i) {
        auto* chart = new LineChart;
        layout->addWidget(chart, 0, i);
        m_lines.push_back(chart);
    }
    m_lines[1]->setAutoYRange(true, 100.0);
    m_lines[2]->setYRange(0.0, 100.0);
    m_lines[3]->setYIntegers(true);
    m_lines[4]->setAutoYRange(false);
    for (int i = 0; i < 2; ++i) {
        auto* chart = new BarChart;
        layout->addWidget(chart, 1, i);
        m_bars.push_back(chart);
    }
    m_bars[0]->setValueLabelsVisible(true);
    m_bars[1]->setValueRange(0.0, 100.0);
    m_window->resize(1400, 500);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestChartAxes::cleanupTestCase()
{
    m_window.reset();
}

void TestChartAxes::addPairs()
{
    QTest::addColumn<QList<double>>("before");
    QTest::addColumn<QList<double>>("after");
    for (const DataSet& from : dataSets())
        for (const DataSet& to : dataSets())
            QTest::addRow("%s->%s", from.name, to.name) << from.values << to.values;
}

void TestChartAxes::lineChartSurvivesAnyChange_data()
{
    addPairs();
}

void TestChartAxes::lineChartSurvivesAnyChange()
{
    QFETCH(QList<double>, before);
    QFETCH(QList<double>, after);
    for (const QList<double>& values : {before, after}) {
        for (LineChart* chart : m_lines) {
            chart->setSeries({LineSeriesData{QStringLiteral("a"), diagonal(values), false, {}},
                              LineSeriesData{QStringLiteral("b"), diagonal(values), true, {}}});
            QCoreApplication::processEvents();
            QVERIFY(!chart->grab().isNull());
            if (chart->noDataShown())
                continue;
            QVERIFY2(sane(chart->xRange()), qPrintable(QStringLiteral("x %1..%2").arg(chart->xRange().first).arg(chart->xRange().second)));
            QVERIFY2(sane(chart->yRange()), qPrintable(QStringLiteral("y %1..%2").arg(chart->yRange().first).arg(chart->yRange().second)));
            QVERIFY(chart->tickCounts().first <= kMaxTicks);
            QVERIFY(chart->tickCounts().second <= kMaxTicks);
            for (const QPointF& p : chart->seriesPoints(0))
                QVERIFY(std::isfinite(p.x()) && std::isfinite(p.y()));
        }
    }
}

void TestChartAxes::barChartSurvivesAnyChange_data()
{
    addPairs();
}

void TestChartAxes::barChartSurvivesAnyChange()
{
    QFETCH(QList<double>, before);
    QFETCH(QList<double>, after);
    for (const QList<double>& values : {before, after}) {
        QStringList categories;
        for (qsizetype i = 0; i < values.size(); ++i)
            categories << QString::number(i);
        for (BarChart* chart : m_bars) {
            chart->setData(categories, {BarSetData{QStringLiteral("a"), values, {}}});
            QCoreApplication::processEvents();
            QVERIFY(!chart->grab().isNull());
            if (chart->noDataShown())
                continue;
            QVERIFY2(sane(chart->valueRange()), qPrintable(QStringLiteral("%1..%2").arg(chart->valueRange().first).arg(chart->valueRange().second)));
            QVERIFY(chart->valueTickCount() <= kMaxTicks);
        }
    }
}

void TestChartAxes::niceScaleIsFiniteForExtremes()
{
    const double extremes[] = {0.0, 1e-300, -1e-300, 4.9e-324, 3.7e-5, 1.0, 100.0, 1e300, -1e300,
                               std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(), kNaN, kInf, -kInf};
    for (const double lo : extremes) {
        for (const double hi : extremes) {
            for (const bool integers : {false, true}) {
                const auto scale = kvroute::app::charts::niceScale(lo, hi, 5, integers);
                const QString what = QStringLiteral("%1..%2 -> %3..%4 step %5").arg(lo).arg(hi).arg(scale.min).arg(scale.max).arg(scale.step);
                QVERIFY2(std::isfinite(scale.min) && std::isfinite(scale.max) && std::isfinite(scale.step), qPrintable(what));
                QVERIFY2(scale.min < scale.max && scale.step > 0.0, qPrintable(what));
            }
        }
    }
}

QTEST_MAIN(TestChartAxes)
#include "tst_chart_axes.moc"
