#include "app/gui/panels/stages_panel.h"

#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/panel_style.h"
#include "app/gui/panels/result_format.h"
#include "app/gui/panels/stage_ladder.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <functional>

namespace kvroute::app {

namespace {

constexpr int kMaxVisibleRows = 9;
/// TTFT runs from a tenth of a second on an idle ladder step to minutes once the pods saturate:
/// past this spread a linear axis flattens every point below the knee into one line at zero.
constexpr double kLogSpread = 20.0;
/// Stages drawn apart from the ladder keep their metric's hue, paler.
constexpr int kApartLighter = 160;

QString rateText(double rate)
{
    return QString::number(rate, 'g', 4);
}

/// The series of one metric: the ladder as one named line, every other piece of rising rate
/// as its own line (a single stage: a point) in a paler colour, named once in the legend.
void addMetricSeries(std::vector<LineSeriesData>& out, const QString& name, const QColor& color,
                     const std::vector<sim::StageResult>& stageList, const std::function<bool(const sim::StageResult&)>& has,
                     const std::function<double(const sim::StageResult&)>& value)
{
    std::vector<double> rates;
    for (const sim::StageResult& st : stageList)
        rates.push_back(st.rate);
    const std::vector<stages::RisingRun> runs = stages::risingRuns(rates);
    if (runs.empty())
        return;
    const std::size_t ladder = stages::ladderIndex(runs);
    const auto pointsOf = [&](const stages::RisingRun& run) {
        QList<QPointF> points;
        for (std::size_t i = run.first; i < run.first + run.count; ++i) {
            if (has(stageList[i]))
                points.append(QPointF(stageList[i].rate, value(stageList[i])));
        }
        return points;
    };
    out.push_back(LineSeriesData{name, pointsOf(runs[ladder]), false, color});
    const std::size_t apartStages = stageList.size() - runs[ladder].count;
    const QString apartName = apartStages == 1 && runs.size() == 2
                                  ? StagesPanel::tr("%1, stage %2").arg(name).arg(stageList[runs[ladder == 0 ? 1 : 0].first].index)
                                  : StagesPanel::tr("%1, other stages").arg(name);
    bool named = false;
    for (std::size_t r = 0; r < runs.size(); ++r) {
        if (r == ladder)
            continue;
        out.push_back(LineSeriesData{apartName, pointsOf(runs[r]), false, color.lighter(kApartLighter), !named});
        named = true;
    }
}

} // namespace

StagesPanel::StagesPanel(QWidget* parent) : QWidget(parent)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("stagesSummary"));
    panel::styleAsCaption(m_summary);

    m_ttftChart = new LineChart(this);
    m_ttftChart->setObjectName(QStringLiteral("stagesTtftChart"));
    m_ttftChart->setTitle(tr("Time to first token per stage"));
    m_ttftChart->setAxisTitles(tr("offered load (requests/s)"), tr("TTFT (s)"));
    m_ttftChart->setPointsVisible(true); // each point is a stage

    m_throughputChart = new LineChart(this);
    m_throughputChart->setObjectName(QStringLiteral("stagesThroughputChart"));
    m_throughputChart->setTitle(tr("Output throughput per stage"));
    m_throughputChart->setAxisTitles(tr("offered load (requests/s)"), tr("output tokens/s"));
    m_throughputChart->setPointsVisible(true);

    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("stagesTable"));
    // Two-line headers: twelve columns stay readable beside the editor at 1100 pixels.
    panel::styleTable(m_table, {tr("Stage"), tr("Rate\nreq/s"), tr("Requests"), tr("Done\nreq/s"), tr("Output\ntok/s"),
                                tr("TTFT\nmean"), tr("TTFT\np50"), tr("TTFT\np90"), tr("ITL\nmean"), tr("Cached\nprompt"),
                                tr("Queue\nmean/max"), tr("Client\nwaiting")});
    const auto tip = [this](Column column, const QString& text) { m_table->horizontalHeaderItem(column)->setToolTip(text); };
    tip(Rate, tr("Offered rate of the stage's arrivals (requests/s)"));
    tip(Requests, tr("Completed of sent; the cell's tooltip says how many failed or were still in flight"));
    tip(RequestsPerS, tr("Completed requests ÷ (last answer − first send), as inference-perf measures a stage"));
    tip(OutputTokensPerS, tr("Output tokens of completed requests ÷ (last answer − first send)"));
    tip(ItlMean, tr("Mean inter-token latency over the stage's completed requests"));
    tip(Cached, tr("Prompt tokens found in the prefix cache, of the stage's completed requests"));
    tip(Queue, tr("Requests waiting per pod (vllm:num_requests_waiting) in the stage: mean / largest"));
    tip(ClientWaiting, tr("Requests held at the load generator (its in-flight limit reached), mean in the stage"));

    auto* charts = new QHBoxLayout();
    charts->setSpacing(8);
    charts->addWidget(m_ttftChart);
    charts->addWidget(m_throughputChart);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(m_summary);
    layout->addLayout(charts, 1);
    layout->addWidget(m_table);
    clear();
}

StagesPanel::~StagesPanel() = default;

bool StagesPanel::hasStages() const
{
    return m_outcome && !m_outcome->results.stages.empty();
}

void StagesPanel::showOutcome(const RunOutcomePtr& outcome)
{
    if (!outcome) {
        clear();
        return;
    }
    m_outcome = outcome;
    const std::vector<sim::StageResult>& stageList = outcome->results.stages;
    std::vector<double> rates;
    for (const sim::StageResult& st : stageList)
        rates.push_back(st.rate);
    std::vector<bool> onLadder(stageList.size(), false);
    if (const auto runs = stages::risingRuns(rates); !runs.empty()) {
        const stages::RisingRun& ladder = runs[stages::ladderIndex(runs)];
        std::fill_n(onLadder.begin() + static_cast<std::ptrdiff_t>(ladder.first), ladder.count, true);
    }
    updateTable(onLadder);
    updateCharts();
    updateSummary();
}

void StagesPanel::updateTable(const std::vector<bool>& onLadder)
{
    static const std::vector<sim::StageResult> kNoStages;
    const std::vector<sim::StageResult>& stageList = m_outcome ? m_outcome->results.stages : kNoStages;
    const int rows = static_cast<int>(stageList.size());
    if (m_table->rowCount() != rows) {
        m_table->setRowCount(rows);
        panel::fitTableHeight(m_table, kMaxVisibleRows);
    }
    for (int row = 0; row < rows; ++row) {
        const auto index = static_cast<std::size_t>(row);
        const sim::StageResult& st = stageList[index];
        // Stages drawn apart from the ladder (a warm-up) read muted, as their paler points.
        const QColor color = onLadder[index] ? QColor() : charts::mutedTextColor();
        const auto set = [&](Column column, const QString& text) {
            panel::setCell(m_table, row, column, text, Qt::AlignRight | Qt::AlignVCenter, color);
        };
        set(Stage, QString::number(st.index));
        m_table->item(row, Stage)->setToolTip(
            onLadder[index] ? QString()
                            : tr("Not part of the rising-rate ladder the chart lines join (a warm-up, a step down): "
                                 "drawn apart, in a paler colour"));
        set(Rate, rateText(st.rate));
        const bool allDone = st.completed == st.requests;
        set(Requests, allDone ? format::count(st.requests)
                              : tr("%1 of %2").arg(format::count(st.completed), format::count(st.requests)));
        m_table->item(row, Requests)
            ->setToolTip(tr("%1 sent, %2 completed, %3 failed, %4 still in flight at the end")
                             .arg(st.requests)
                             .arg(st.completed)
                             .arg(st.failed)
                             .arg(st.unfinished));
        const bool measured = st.completed > 0;
        const QString none = tr("n/a");
        set(RequestsPerS, format::number(st.requestsPerS, 2));
        set(OutputTokensPerS, format::number(st.outputTokensPerS));
        set(TtftMean, measured ? format::duration(st.ttft.mean) : none);
        set(TtftP50, measured ? format::duration(st.ttft.p50) : none);
        set(TtftP90, measured ? format::duration(st.ttft.p90) : none);
        set(ItlMean, measured ? format::duration(st.itlMean) : none);
        set(Cached, measured ? format::percent(st.cachedPromptFraction) : none);
        set(Queue, tr("%1 / %2").arg(format::number(st.queueDepthMean, 1)).arg(st.queueDepthMax));
        set(ClientWaiting, format::number(st.clientWaitingMean, 1));
    }
}

void StagesPanel::updateCharts()
{
    if (!hasStages()) {
        m_ttftChart->clear();
        m_throughputChart->clear();
        return;
    }
    const std::vector<sim::StageResult>& stageList = m_outcome->results.stages;
    const auto completed = [](const sim::StageResult& st) { return st.completed > 0; };
    double lowest = 0.0;
    double highest = 0.0;
    for (const sim::StageResult& st : stageList) {
        if (!completed(st) || !(st.ttft.mean > 0.0))
            continue;
        lowest = lowest > 0.0 ? std::min(lowest, std::min(st.ttft.mean, st.ttft.p90)) : std::min(st.ttft.mean, st.ttft.p90);
        highest = std::max(highest, std::max(st.ttft.mean, st.ttft.p90));
    }
    // The axis type first: a log axis leaves out points at 0, which a linear one draws.
    m_ttftChart->setYLogBase(lowest > 0.0 && highest / lowest >= kLogSpread ? 10 : 0);
    std::vector<LineSeriesData> ttft;
    addMetricSeries(ttft, tr("p90"), charts::seriesColor(0), stageList, completed,
                    [](const sim::StageResult& st) { return st.ttft.p90; });
    addMetricSeries(ttft, tr("mean"), charts::seriesColor(1), stageList, completed,
                    [](const sim::StageResult& st) { return st.ttft.mean; });
    m_ttftChart->setSeries(ttft);

    std::vector<LineSeriesData> throughput;
    addMetricSeries(throughput, tr("output tokens/s"), charts::seriesColor(2), stageList,
                    [](const sim::StageResult&) { return true; },
                    [](const sim::StageResult& st) { return st.outputTokensPerS; });
    m_throughputChart->setSeries(throughput);
}

void StagesPanel::updateSummary()
{
    if (!hasStages()) {
        m_summary->setText(tr("The run has no stages."));
        return;
    }
    const sim::StageSummary& s = m_outcome->results.stageSummary;
    const int stageCount = static_cast<int>(m_outcome->results.stages.size());
    // inference-perf's summary row: a plain mean of the stages' values, not a pooled figure.
    m_summary->setText(tr("%1 stages. Mean over the %2 that completed requests (inference-perf's summary): "
                          "%3 req/s completed (%4 req/s sent), %5 output tok/s, TTFT mean %6, p90 %7, ITL %8.")
                           .arg(stageCount)
                           .arg(s.stages)
                           .arg(format::number(s.requestsPerS, 2), format::number(s.achievedRate, 2),
                                format::number(s.outputTokensPerS), format::duration(s.ttftMean),
                                format::duration(s.ttftP90), format::duration(s.itlMean)));
}

void StagesPanel::clear()
{
    m_outcome.reset();
    updateTable({});
    updateCharts();
    updateSummary();
}

} // namespace kvroute::app
