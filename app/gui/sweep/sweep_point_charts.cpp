#include "app/gui/sweep/sweep_point_charts.h"

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "sim/scenario/scenario_schema.h"

#include <QtWidgets/QHBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// Latencies read in ms everywhere else in the app.
constexpr double kMsPerSecond = 1000.0;

/// Block sizes and other keys that double from value to value are read on a log2 axis:
/// 8, 16, 32, 64 evenly spaced, not crowded at the left.
bool allPowersOfTwo(const std::vector<std::string>& values)
{
    if (values.size() < 2)
        return false;
    return std::ranges::all_of(values, [](const std::string& text) {
        bool ok = false;
        const double v = qs(text).toDouble(&ok);
        if (!ok || v < 1.0 || v != std::floor(v))
            return false;
        const double exponent = std::log2(v);
        return exponent == std::floor(exponent);
    });
}

/// Lines for a key with numbers for values; bars for one with names (a policy, a profile).
bool numeric(const std::string& path)
{
    const auto* f = sim::findField(path);
    if (!f)
        return false;
    using T = sim::FieldType;
    return f->type == T::Int || f->type == T::Double || f->type == T::Seconds || f->type == T::OptionalInt;
}

} // namespace

SweepPointCharts::SweepPointCharts(QWidget* parent) : QStackedWidget(parent)
{
    const auto makeLine = [](const QString& title, const QString& y) {
        auto* chart = new LineChart;
        chart->setTitle(title);
        chart->setAxisTitles(QString(), y);
        chart->setNoDataText(tr("Run a sweep to see this chart"));
        chart->setMinimumHeight(220);
        chart->setPointsVisible(true); // each point is a run; the line only joins them
        return chart;
    };
    const auto makeBars = [](const QString& title, const QString& y) {
        auto* chart = new BarChart;
        chart->setTitle(title);
        chart->setAxisTitles(QString(), y);
        chart->setNoDataText(tr("Run a sweep to see this chart"));
        chart->setMinimumHeight(220);
        return chart;
    };
    m_hitLine = makeLine(tr("Prefix-cache hit rate"), tr("hit rate (%)"));
    m_hitLine->setYRange(0, 100);
    m_ttftLine = makeLine(tr("TTFT p90"), tr("TTFT p90 (ms)"));
    m_throughputLine = makeLine(tr("Throughput"), tr("output tokens/s"));
    m_hitBars = makeBars(tr("Prefix-cache hit rate"), tr("hit rate (%)"));
    m_hitBars->setValueRange(0, 100);
    m_ttftBars = makeBars(tr("TTFT p90"), tr("TTFT p90 (ms)"));
    m_throughputBars = makeBars(tr("Throughput"), tr("output tokens/s"));
    const auto row = [](QWidget* a, QWidget* b, QWidget* c) {
        auto* w = new QWidget;
        auto* l = new QHBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(a);
        l->addWidget(b);
        l->addWidget(c);
        return w;
    };
    addWidget(row(m_hitLine, m_ttftLine, m_throughputLine));
    addWidget(row(m_hitBars, m_ttftBars, m_throughputBars));
}

void SweepPointCharts::reset(const std::vector<sim::SweepParameter>& parameters)
{
    setCurrentIndex(numeric(parameters.front().path) ? 0 : 1);
    const int logBase = allPowersOfTwo(parameters.front().values) ? 2 : 0;
    for (auto* c : {m_hitLine, m_ttftLine, m_throughputLine})
        c->setXLogBase(logBase);
    for (auto* c : {m_hitLine, m_ttftLine, m_throughputLine})
        c->clear();
    for (auto* c : {m_hitBars, m_ttftBars, m_throughputBars})
        c->clear();
}

void SweepPointCharts::setRecords(const std::vector<sim::SweepRecord>& records,
                                  const std::vector<sim::SweepParameter>& parameters)
{
    // Mean over repeats for each (key value, series value).
    struct Acc {
        double hit = 0, ttft = 0, tps = 0;
        int n = 0;
    };
    const auto& keyValues = parameters.front().values;
    const std::vector<std::string> seriesValues =
        parameters.size() > 1 ? parameters[1].values : std::vector<std::string>{std::string()};
    std::map<std::pair<std::string, std::string>, Acc> acc;
    for (const auto& r : records) {
        const std::string series = r.assignments.size() > 1 ? r.assignments[1].second : std::string();
        auto& a = acc[{r.assignments[0].second, series}];
        a.hit += 100.0 * r.hitRate;
        a.ttft += r.ttft.p90 * kMsPerSecond;
        a.tps += r.outputTokensPerS;
        ++a.n;
    }
    const QString seriesKey = parameters.size() > 1 ? qs(parameters[1].path) + QStringLiteral(" = ") : QString();
    const QString xTitle = qs(parameters.front().path);
    if (currentIndex() == 0) {
        std::vector<LineSeriesData> hit, ttft, tps;
        for (const auto& s : seriesValues) {
            LineSeriesData h{seriesKey + qs(s), {}, false, {}};
            LineSeriesData t = h;
            LineSeriesData p = h;
            for (const auto& k : keyValues) {
                const auto it = acc.find({k, s});
                if (it == acc.end())
                    continue;
                bool isNumber = false;
                const double x = qs(k).toDouble(&isNumber);
                if (!isNumber)
                    continue; // e.g. "null" for an optional key
                const double n = it->second.n;
                h.points.append(QPointF(x, it->second.hit / n));
                t.points.append(QPointF(x, it->second.ttft / n));
                p.points.append(QPointF(x, it->second.tps / n));
            }
            // Lines join the points left to right, whatever order the values were given in.
            for (QList<QPointF>* points : {&h.points, &t.points, &p.points})
                std::ranges::sort(*points, {}, &QPointF::x);
            hit.push_back(std::move(h));
            ttft.push_back(std::move(t));
            tps.push_back(std::move(p));
        }
        m_hitLine->setAxisTitles(xTitle, tr("hit rate (%)"));
        m_ttftLine->setAxisTitles(xTitle, tr("TTFT p90 (ms)"));
        m_throughputLine->setAxisTitles(xTitle, tr("output tokens/s"));
        m_hitLine->setSeries(hit);
        m_ttftLine->setSeries(ttft);
        m_throughputLine->setSeries(tps);
    } else {
        QStringList categories;
        for (const auto& k : keyValues)
            categories << qs(k);
        std::vector<BarSetData> hit, ttft, tps;
        for (const auto& s : seriesValues) {
            BarSetData h{seriesValues.size() > 1 ? seriesKey + qs(s) : tr("mean"), {}, {}};
            BarSetData t = h;
            BarSetData p = h;
            for (const auto& k : keyValues) {
                const auto it = acc.find({k, s});
                const double n = it == acc.end() ? 0.0 : it->second.n;
                h.values.append(n > 0 ? it->second.hit / n : 0.0);
                t.values.append(n > 0 ? it->second.ttft / n : 0.0);
                p.values.append(n > 0 ? it->second.tps / n : 0.0);
            }
            hit.push_back(std::move(h));
            ttft.push_back(std::move(t));
            tps.push_back(std::move(p));
        }
        m_hitBars->setAxisTitles(xTitle, tr("hit rate (%)"));
        m_ttftBars->setAxisTitles(xTitle, tr("TTFT p90 (ms)"));
        m_throughputBars->setAxisTitles(xTitle, tr("output tokens/s"));
        m_hitBars->setData(categories, hit);
        m_ttftBars->setData(categories, ttft);
        m_throughputBars->setData(categories, tps);
    }
}

} // namespace kvroute::app
