#include "app/gui/live/live_charts_view.h"

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/live/live_figure_card.h"
#include "app/gui/panels/panel_style.h"
#include "app/gui/panels/result_format.h"
#include "app/qtbridge/live_comparison.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QVBoxLayout>

#include <cmath>

namespace kvroute::app {

namespace {

constexpr double kPercent = 100.0;
constexpr int kMaxTableRows = 6;

enum Column { Pod, HitRate, Share, Waiting, Running, KvUsage };

QString numberOrDash(double value)
{
    return std::isfinite(value) ? format::number(value) : QString(QChar(0x2014));
}

QString percentNumber(double fraction)
{
    return std::isfinite(fraction) ? QString::number(fraction * kPercent, 'f', 1) : QString(QChar(0x2014));
}

/// "41.2 / 40.8 %": measured, then simulated (the unit once, so the column stays narrow).
QString pair(double measured, double simulated)
{
    return percentNumber(measured) + QStringLiteral(" / ") + percentNumber(simulated) + QStringLiteral(" %");
}

qreal barValue(double fraction)
{
    return std::isfinite(fraction) ? fraction * kPercent : std::numeric_limits<qreal>::quiet_NaN();
}

} // namespace

LiveChartsView::LiveChartsView(QWidget* parent) : QWidget(parent)
{
    m_hitRate = new LiveFigureCard(QStringLiteral("liveHitRate"), tr("cluster prefix-cache hit rate"), this);
    m_ttft = new LiveFigureCard(QStringLiteral("liveTtftP90"), tr("TTFT p90 (simulated time)"), this);
    m_stickiness = new LiveFigureCard(QStringLiteral("liveStickiness"), tr("session stickiness (gateway)"), this);
    auto* cards = new QHBoxLayout();
    cards->setSpacing(8);
    cards->addWidget(m_hitRate);
    cards->addWidget(m_ttft);
    cards->addWidget(m_stickiness);

    m_hitRateChart = new LineChart(this);
    m_hitRateChart->setObjectName(QStringLiteral("liveHitRateChart"));
    m_hitRateChart->setTitle(tr("Cluster hit rate: measured and simulated"));
    m_hitRateChart->setYRange(0.0, kPercent);

    m_podHitRate = new BarChart(this);
    m_podHitRate->setObjectName(QStringLiteral("livePodHitRateChart"));
    m_podHitRate->setTitle(tr("Hit rate per pod"));
    m_podHitRate->setAxisTitles(QString(), tr("hit rate (%)"));
    m_podHitRate->setValueRange(0.0, kPercent);
    m_podHitRate->setValueLabelsVisible(true, 1);

    m_podShare = new BarChart(this);
    m_podShare->setObjectName(QStringLiteral("livePodShareChart"));
    m_podShare->setTitle(tr("Share of requests per pod"));
    m_podShare->setAxisTitles(QString(), tr("share of requests (%)"));
    m_podShare->setValueRange(0.0, kPercent);
    m_podShare->setValueLabelsVisible(true, 1);

    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("livePodTable"));
    panel::styleTable(m_table, {tr("Pod"), tr("Hit rate\nmeas. / sim."), tr("Requests\nmeas. / sim."),
                                tr("Waiting"), tr("Running"), tr("KV usage")});
    m_table->horizontalHeaderItem(Waiting)->setToolTip(tr("vllm:num_requests_waiting now"));
    m_table->horizontalHeaderItem(Running)->setToolTip(tr("vllm:num_requests_running now"));
    m_table->horizontalHeaderItem(KvUsage)->setToolTip(tr("vllm:kv_cache_usage_perc now"));
    // The paired columns are as wide as "100.0 / 100.0 %"; the gauges share what is left.
    m_table->horizontalHeader()->setSectionResizeMode(HitRate, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Share, QHeaderView::ResizeToContents);
    panel::fitTableHeight(m_table, 2);

    // Left: the hit rate over time above the per-pod table; right: the per-pod bars.
    auto* left = new QVBoxLayout();
    left->setSpacing(8);
    left->addWidget(m_hitRateChart, 1);
    left->addWidget(m_table);
    auto* right = new QVBoxLayout();
    right->setSpacing(8);
    right->addWidget(m_podHitRate, 1);
    right->addWidget(m_podShare, 1);
    auto* charts = new QHBoxLayout();
    charts->setSpacing(8);
    charts->addLayout(left, 3);
    charts->addLayout(right, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addLayout(cards);
    layout->addLayout(charts, 1);
    setNoDataTexts(tr("No live data: not connected"), tr("No live data: not connected"));
    clear();
}

void LiveChartsView::setNoDataTexts(const QString& hitRate, const QString& pods)
{
    m_hitRateChart->setNoDataText(hitRate);
    m_podHitRate->setNoDataText(pods);
    m_podShare->setNoDataText(pods);
}

void LiveChartsView::clear()
{
    m_hitRate->setValues({}, {});
    m_ttft->setValues({}, {});
    m_stickiness->setValues({}, {});
    m_hitRateChart->clear();
    m_podHitRate->clear();
    m_podShare->clear();
    m_table->setRowCount(0);
}

void LiveChartsView::showComparison(const LiveComparison& comparison, const QString& window)
{
    const bool sinceLoad = comparison.loadStartedHere();
    const FigureComparison hit = comparison.hitRateNow();
    m_hitRate->setValues(std::isfinite(hit.measured) ? format::percent(hit.measured) : QString(),
                         std::isfinite(hit.simulated) ? format::percent(hit.simulated) : QString());
    m_hitRate->setCaption(sinceLoad ? tr("cluster hit rate since the load started")
                                    : tr("cluster hit rate, last %1").arg(window));
    const FigureComparison ttft = comparison.ttftP90();
    m_ttft->setValues(std::isfinite(ttft.measured) ? format::duration(ttft.measured) : QString(),
                      std::isfinite(ttft.simulated) ? format::duration(ttft.simulated) : QString());
    m_ttft->setCaption(tr("TTFT p90, last %1 (simulated seconds)").arg(window));
    const FigureComparison sticky = comparison.stickiness();
    m_stickiness->setValues(std::isfinite(sticky.measured) ? format::percent(sticky.measured) : QString(),
                            std::isfinite(sticky.simulated) ? format::percent(sticky.simulated) : QString());
    m_stickiness->setCaption(tr("session stickiness at the gateway, last %1").arg(window));

    // Measured solid in the first palette colour, simulated dashed in the second, as on the cards.
    std::vector<LineSeriesData> lines;
    LineSeriesData measured;
    measured.name = sinceLoad ? tr("measured since load start") : tr("measured, last %1").arg(window);
    measured.points = comparison.measuredLine();
    measured.color = charts::seriesColor(0);
    LineSeriesData simulated;
    simulated.name = sinceLoad ? tr("simulated, same load") : tr("simulated overall (no load started here)");
    simulated.points = comparison.simulatedLine();
    simulated.dashed = true;
    simulated.color = charts::seriesColor(1);
    if (!measured.points.isEmpty() || !simulated.points.isEmpty()) {
        lines.push_back(std::move(measured));
        lines.push_back(std::move(simulated));
    }
    m_hitRateChart->setAxisTitles(sinceLoad ? tr("time since load start (simulated s)") : tr("time (simulated s)"),
                                  tr("hit rate (%)"));
    m_hitRateChart->setSeries(lines);
    showPods(comparison, window);
}

void LiveChartsView::showPods(const LiveComparison& comparison, const QString& window)
{
    const std::vector<PodComparison> pods = comparison.pods();
    const bool sinceLoad = comparison.podsSinceLoad();
    m_podHitRate->setTitle(sinceLoad ? tr("Hit rate per pod since load start")
                                     : tr("Hit rate per pod (measured: last %1)").arg(window));
    m_podShare->setTitle(sinceLoad ? tr("Share of requests per pod since load start")
                                   : tr("Requests per pod (measured: last %1)").arg(window));
    std::vector<sim::PodResult> named(pods.size());
    for (std::size_t i = 0; i < pods.size(); ++i)
        named[i].name = pods[i].pod.toStdString();
    const QStringList categories = format::shortPodNames(named);

    BarSetData measuredHit{tr("measured"), {}, charts::seriesColor(0)};
    BarSetData simulatedHit{tr("simulated"), {}, charts::seriesColor(1)};
    BarSetData measuredShare{tr("measured"), {}, charts::seriesColor(0)};
    BarSetData simulatedShare{tr("simulated"), {}, charts::seriesColor(1)};
    for (const PodComparison& p : pods) {
        measuredHit.values.append(barValue(p.measuredHitRate));
        simulatedHit.values.append(barValue(p.simulatedHitRate));
        measuredShare.values.append(barValue(p.measuredShare));
        simulatedShare.values.append(barValue(p.simulatedShare));
    }
    if (pods.empty()) {
        m_podHitRate->clear();
        m_podShare->clear();
    } else {
        m_podHitRate->setData(categories, {measuredHit, simulatedHit});
        m_podShare->setData(categories, {measuredShare, simulatedShare});
    }

    m_table->setRowCount(static_cast<int>(pods.size()));
    for (int row = 0; row < static_cast<int>(pods.size()); ++row) {
        const PodComparison& p = pods[static_cast<std::size_t>(row)];
        panel::setCell(m_table, row, Pod, p.pod, Qt::AlignLeft | Qt::AlignVCenter);
        panel::setCell(m_table, row, HitRate, pair(p.measuredHitRate, p.simulatedHitRate));
        panel::setCell(m_table, row, Share, pair(p.measuredShare, p.simulatedShare));
        panel::setCell(m_table, row, Waiting, numberOrDash(p.waiting));
        panel::setCell(m_table, row, Running, numberOrDash(p.running));
        panel::setCell(m_table, row, KvUsage, std::isfinite(p.kvCacheUsage) ? format::finePercent(p.kvCacheUsage)
                                                                             : QString(QChar(0x2014)));
    }
    panel::fitTableHeight(m_table, kMaxTableRows);
}

} // namespace kvroute::app
