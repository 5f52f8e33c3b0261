#include "app/gui/panels/overview_panel.h"

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/elided_label.h"
#include "app/gui/panels/panel_style.h"
#include "app/gui/panels/result_format.h"
#include "app/gui/panels/stat_card.h"

#include <QtWidgets/QGridLayout>
#include <QtGui/QFontMetrics>
#include <QtGui/QResizeEvent>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <array>
#include <limits>

namespace kvroute::app {

namespace {

/// Narrower than this per card and the cards wrap to a second row.
constexpr int kCardMinWidth = 165;
/// The per-pod chart's share of the panel width, less its value axis, for fitting pod names.
constexpr double kPodChartShare = 0.5;
constexpr int kPodChartAxisWidth = 70;
constexpr double kMsPerSecond = 1000.0;

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

QString summaryOf(const RunOutcome& outcome)
{
    const sim::RunResults& r = outcome.results;
    const sim::Scenario& s = outcome.scenario;
    // Most telling first: the line is elided from the right when the panel is narrow. The
    // router and the workload (an EPP's plugin list, a ladder of stages) are long: they wrap
    // below it (detailsOf), whole.
    QStringList parts;
    if (r.cancelled)
        parts.append(QStringLiteral("CANCELLED, partial results"));
    parts.append(fromStd(s.name.empty() ? std::string("scenario") : s.name));
    parts.append(QStringLiteral("%1 pods \u00D7 %2 KV blocks of %3 tokens")
                     .arg(r.pods.size())
                     .arg(format::count(r.capacity.numGpuBlocks), QString::number(s.vllm.blockSize)));
    // Completed of sent when they differ (rejected, unroutable, unfinished requests), so the
    // count is not read as all that was sent.
    const QString requests = r.requestsSubmitted > r.requestsCompleted
                                 ? QStringLiteral("%1 of %2 requests completed")
                                       .arg(format::count(r.requestsCompleted), format::count(r.requestsSubmitted))
                                 : QStringLiteral("%1 requests").arg(format::count(r.requestsCompleted));
    parts.append(QStringLiteral("%1, %2 s simulated in %3 s")
                     .arg(requests, QString::number(r.simulatedSeconds, 'f', 0), QString::number(outcome.wallSeconds, 'f', 2)));
    return parts.join(QStringLiteral("  \u00B7  "));
}

QString detailsOf(const sim::RunResults& r)
{
    return OverviewPanel::tr("router %1  \u00B7  workload %2").arg(fromStd(r.router), fromStd(r.workload));
}

} // namespace

OverviewPanel::OverviewPanel(QWidget* parent) : QWidget(parent)
{
    m_summary = new ElidedLabel(this);
    m_summary->setObjectName(QStringLiteral("overviewSummary"));
    m_summary->setStyleSheet(QStringLiteral("color: #555555;"));
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("overviewDetails"));
    m_details->setTextFormat(Qt::PlainText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setStyleSheet(QStringLiteral("color: #555555;"));
    m_warnings = new QLabel(this);
    m_warnings->setObjectName(QStringLiteral("overviewWarnings"));
    panel::styleAsWarning(m_warnings);

    m_hitRate = new StatCard(QStringLiteral("hitRate"), tr("prefix-cache hit rate"), this);
    m_stickiness = new StatCard(QStringLiteral("stickiness"), tr("session stickiness"), this);
    m_ttftP50 = new StatCard(QStringLiteral("ttftP50"), tr("TTFT p50"), this);
    m_ttftP90 = new StatCard(QStringLiteral("ttftP90"), tr("TTFT p90"), this);
    m_throughput = new StatCard(QStringLiteral("throughput"), tr("output tokens/s"), this);
    m_preemptions = new StatCard(QStringLiteral("preemptions"), tr("preemptions"), this);
    m_cards = new QGridLayout();
    m_cards->setSpacing(8);
    arrangeCards(6);

    m_hitRateChart = new LineChart(this);
    m_hitRateChart->setObjectName(QStringLiteral("hitRateChart"));
    m_hitRateChart->setTitle(tr("Prefix-cache hit rate over time"));
    m_hitRateChart->setAxisTitles(tr("time (s)"), tr("hit rate (%)"));
    m_hitRateChart->setYRange(0.0, 100.0);

    m_podChart = new BarChart(this);
    m_podChart->setObjectName(QStringLiteral("podChart"));
    m_podChart->setTitle(tr("Per pod"));
    m_podChart->setAxisTitles(QString(), tr("%"));
    m_podChart->setValueRange(0.0, 100.0);
    m_podChart->setValueLabelsVisible(true, 1);

    m_ttftBars = new BarChart(this);
    m_ttftBars->setObjectName(QStringLiteral("ttftPercentileChart"));
    m_ttftBars->setTitle(tr("TTFT distribution"));
    m_ttftBars->setValueLabelsVisible(true, 0);
    m_ttftBars->setValueLabelFormatter([](qreal ms) { return format::duration(ms / kMsPerSecond); });

    m_ttftChart = new LineChart(this);
    m_ttftChart->setObjectName(QStringLiteral("ttftChart"));
    m_ttftChart->setTitle(tr("TTFT over time"));

    auto* charts = new QGridLayout();
    charts->setSpacing(8);
    charts->addWidget(m_hitRateChart, 0, 0);
    charts->addWidget(m_podChart, 0, 1);
    charts->addWidget(m_ttftBars, 1, 0);
    charts->addWidget(m_ttftChart, 1, 1);
    charts->setColumnStretch(0, 1);
    charts->setColumnStretch(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(m_summary);
    layout->addWidget(m_details);
    layout->addWidget(m_warnings);
    layout->addLayout(m_cards);
    layout->addLayout(charts, 1);
    clear();
}

OverviewPanel::~OverviewPanel() = default;

void OverviewPanel::arrangeCards(int columns)
{
    if (columns == m_cardColumns)
        return;
    m_cardColumns = columns;
    const std::array<StatCard*, 6> cards{m_hitRate, m_stickiness, m_ttftP50, m_ttftP90, m_throughput, m_preemptions};
    for (StatCard* card : cards)
        m_cards->removeWidget(card);
    for (int i = 0; i < static_cast<int>(cards.size()); ++i)
        m_cards->addWidget(cards[static_cast<std::size_t>(i)], i / columns, i % columns);
    for (int column = 0; column < 6; ++column)
        m_cards->setColumnStretch(column, column < columns ? 1 : 0);
}

bool OverviewPanel::podNamesNeedCompacting(int panelWidth) const
{
    const QStringList names = format::shortPodNames(m_outcome->results.pods);
    const QFontMetrics metrics(charts::axisLabelFont());
    int widest = 0;
    for (const QString& name : names)
        widest = std::max(widest, metrics.horizontalAdvance(name));
    // Qt Charts gives a category label the plot width / (categories + 1), less 2 × 5 px padding.
    const double perCategory = (panelWidth * kPodChartShare - kPodChartAxisWidth) /
                                   static_cast<double>(names.size() + 1) -
                               10.0;
    return widest + 4 > perCategory;
}

void OverviewPanel::updatePodChart(int panelWidth)
{
    const sim::RunResults& r = m_outcome->results;
    // Names that would be elided on the axis: use only what differs ("0", "1", ...) and put the
    // shared part in the axis title.
    m_podNamesCompact = podNamesNeedCompacting(panelWidth);
    QString shared;
    const QStringList pods = m_podNamesCompact ? format::podNameSuffixes(r.pods, &shared) : format::shortPodNames(r.pods);
    // Spelled out: a trailing ellipsis ("pod: qwen3-32b-decode-…") read as a cut-off title.
    m_podChart->setAxisTitles(shared.isEmpty() ? QString() : tr("pod name = %1 + label").arg(shared), tr("%"));

    QList<qreal> hitRates;
    QList<qreal> shares;
    std::int64_t totalRequests = 0;
    for (const sim::PodResult& pod : r.pods)
        totalRequests += pod.requests;
    for (const sim::PodResult& pod : r.pods) {
        // A pod never queried has no hit rate (0 of 0): no bar and "n/a", as the Pods table says.
        hitRates.append(pod.prefixCacheQueries > 0 ? pod.hitRate * 100.0 : std::numeric_limits<qreal>::quiet_NaN());
        shares.append(totalRequests > 0 ? 100.0 * static_cast<double>(pod.requests) / static_cast<double>(totalRequests)
                                        : 0.0);
    }
    m_podChart->setData(pods, {BarSetData{tr("hit rate"), hitRates, charts::seriesColor(0)},
                               BarSetData{tr("request share"), shares, charts::seriesColor(1)}});
}

void OverviewPanel::resizeEvent(QResizeEvent* event)
{
    const int width = event->size().width();
    arrangeCards(width >= 6 * kCardMinWidth ? 6 : 3);
    if (m_outcome && podNamesNeedCompacting(width) != m_podNamesCompact)
        updatePodChart(width);
    QWidget::resizeEvent(event);
}

void OverviewPanel::showOutcome(const RunOutcomePtr& outcome)
{
    if (!outcome) {
        clear();
        return;
    }
    m_outcome = outcome;
    const sim::RunResults& r = outcome->results;

    m_summary->setFullText(summaryOf(*outcome));
    m_details->setText(detailsOf(r));
    m_details->setVisible(true);
    QStringList warnings;
    for (const std::string& warning : r.warnings)
        warnings.append(QString::fromStdString(warning));
    panel::setWarnings(m_warnings, warnings);

    m_hitRate->setValue(format::percent(r.hitRate),
                        tr("vLLM's counters: %1 of %2 queried tokens hit; per request, counted once, %3 of "
                           "prompt tokens were cached")
                            .arg(format::count(r.prefixCacheHits), format::count(r.prefixCacheQueries),
                                 r.completedPromptTokens > 0 ? format::percent(r.cachedPromptFraction) : tr("n/a")));
    if (r.followUpRequests > 0)
        m_stickiness->setValue(format::percent(r.stickiness),
                               tr("%1 follow-up requests; share routed to the pod of the session's previous request")
                                   .arg(format::count(r.followUpRequests)));
    else
        m_stickiness->setValue(tr("n/a"), tr("no session sent a second request"));
    m_ttftP50->setValue(format::duration(r.ttft.p50), tr("time to first token, median of %1 requests")
                                                          .arg(format::count(r.ttft.count)));
    m_ttftP90->setValue(format::duration(r.ttft.p90), tr("time to first token, 90th percentile"));
    m_throughput->setValue(format::number(r.outputTokensPerS), tr("%1 requests/s").arg(format::number(r.requestsPerS, 2)));
    m_preemptions->setValue(format::count(r.preemptions), tr("requests preempted for lack of KV-cache blocks"));

    m_hitRateChart->setSeries({
        LineSeriesData{tr("interval"), points::intervalHitRate(r), false, charts::seriesColor(0)},
        LineSeriesData{tr("cumulative"), points::cumulativeHitRate(r), false, charts::seriesColor(1)},
    });

    updatePodChart(width());

    // The bars are in ms and labelled as the cards and tables write durations ("71.2 ms",
    // "25.2 s"), so the two never disagree in units next to each other.
    if (r.ttft.count > 0) {
        m_ttftBars->setAxisTitles(QString(), tr("TTFT (ms)"));
        m_ttftBars->setData({QStringLiteral("p50"), QStringLiteral("p90"), QStringLiteral("p99"), tr("mean")},
                            {BarSetData{tr("TTFT"),
                                        {r.ttft.p50 * kMsPerSecond, r.ttft.p90 * kMsPerSecond,
                                         r.ttft.p99 * kMsPerSecond, r.ttft.mean * kMsPerSecond},
                                        charts::seriesColor(0)}});
    } else {
        m_ttftBars->clear();
    }
    const format::TimeScale scale = format::timeScaleFor(std::max(r.ttft.p99, r.ttft.mean));
    const QString unitTitle = tr("TTFT (%1)").arg(scale.symbol);
    m_ttftChart->setAxisTitles(tr("time (s)"), unitTitle);
    m_ttftChart->setSeries({
        LineSeriesData{QStringLiteral("p90"), points::ttftP90(r, scale.factor), false, charts::seriesColor(3)},
        LineSeriesData{tr("mean"), points::ttftMean(r, scale.factor), false, charts::seriesColor(0)},
    });
}

void OverviewPanel::clear()
{
    m_outcome.reset();
    m_summary->setFullText(tr("No results yet."));
    m_details->clear();
    m_details->setVisible(false);
    panel::setWarnings(m_warnings, {});
    for (StatCard* card : {m_hitRate, m_stickiness, m_ttftP50, m_ttftP90, m_throughput, m_preemptions})
        card->clear();
    m_hitRateChart->clear();
    m_podChart->clear();
    m_ttftBars->clear();
    m_ttftChart->clear();
}

QString OverviewPanel::summaryText() const
{
    return m_details->text().isEmpty() ? m_summary->fullText()
                                       : m_summary->fullText() + QLatin1Char('\n') + m_details->text();
}

bool OverviewPanel::summaryElided() const
{
    const bool detailsCut = !m_details->isHidden() && m_details->height() < m_details->heightForWidth(m_details->width());
    return m_summary->isElided() || detailsCut;
}

QString OverviewPanel::warningText() const
{
    return m_warnings->text();
}

bool OverviewPanel::warningShown() const
{
    return !m_warnings->isHidden();
}

} // namespace kvroute::app
