#include "app/gui/sweep/sweep_stage_charts.h"

#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/panel_style.h"
#include "app/gui/panels/stage_ladder.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <map>

namespace kvroute::app {

namespace {

/// Past this spread of TTFTs a log axis (see StagesPanel) keeps the points below the knee apart.
constexpr double kLogSpread = 20.0;

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// A sweep point's stages, summed over its repeats stage by stage.
struct PointStages {
    QString name;
    std::vector<double> ttftP90;
    std::vector<double> outputTokensPerS;
    std::vector<int> measured; ///< repeats whose stage completed requests (TTFT is theirs)
    std::vector<int> runs;     ///< repeats that reached the stage
};

} // namespace

SweepStageCharts::SweepStageCharts(QWidget* parent) : QWidget(parent)
{
    m_caption = new QLabel(this);
    panel::styleAsCaption(m_caption);
    const auto makeChart = [this](const QString& title, const QString& y) {
        auto* chart = new LineChart(this);
        chart->setTitle(title);
        chart->setAxisTitles(tr("offered load (requests/s)"), y);
        chart->setPointsVisible(true); // each point is a stage
        chart->setMinimumHeight(220);
        return chart;
    };
    m_ttft = makeChart(tr("TTFT p90 per stage"), tr("TTFT p90 (s)"));
    m_ttft->setObjectName(QStringLiteral("sweepStageTtftChart"));
    m_throughput = makeChart(tr("Output throughput per stage"), tr("output tokens/s"));
    m_throughput->setObjectName(QStringLiteral("sweepStageThroughputChart"));

    auto* charts = new QHBoxLayout;
    charts->setContentsMargins(0, 0, 0, 0);
    charts->addWidget(m_ttft);
    charts->addWidget(m_throughput);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);
    layout->addLayout(charts, 1);
}

bool SweepStageCharts::setRecords(const std::vector<sim::SweepRecord>& records,
                                  const std::vector<sim::SweepParameter>& parameters)
{
    const auto staged = std::ranges::find_if(records, [](const sim::SweepRecord& r) { return !r.stages.empty(); });
    if (staged == records.end()) {
        clear();
        return false;
    }
    // The ladder of the first staged record: every point of a sweep runs the same stages unless
    // the sweep varies them; a point with other stages is drawn over the same stage indices.
    std::vector<double> rates;
    for (const auto& st : staged->stages)
        rates.push_back(st.rate);
    const std::vector<stages::RisingRun> runs = stages::risingRuns(rates);
    const stages::RisingRun ladder = runs[stages::ladderIndex(runs)];

    std::vector<PointStages> points;
    std::map<std::vector<std::pair<std::string, std::string>>, std::size_t> pointOf;
    for (const auto& r : records) {
        if (r.stages.empty())
            continue;
        auto [it, inserted] = pointOf.try_emplace(r.assignments, points.size());
        if (inserted) {
            QStringList values;
            for (const auto& assignment : r.assignments)
                values << qs(assignment.second);
            points.push_back(PointStages{values.join(QStringLiteral(" · ")), {}, {}, {}, {}});
        }
        PointStages& p = points[it->second];
        const std::size_t n = r.stages.size();
        if (p.runs.size() < n) {
            p.ttftP90.resize(n, 0.0);
            p.outputTokensPerS.resize(n, 0.0);
            p.measured.resize(n, 0);
            p.runs.resize(n, 0);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const sim::SweepStageRecord& st = r.stages[i];
            ++p.runs[i];
            p.outputTokensPerS[i] += st.outputTokensPerS;
            if (st.completed > 0) {
                ++p.measured[i];
                p.ttftP90[i] += st.ttft.p90;
            }
        }
    }

    std::vector<LineSeriesData> ttft;
    std::vector<LineSeriesData> throughput;
    double lowest = 0.0;
    double highest = 0.0;
    for (const PointStages& p : points) {
        LineSeriesData t{p.name, {}, false, {}};
        LineSeriesData o = t;
        for (std::size_t i = ladder.first; i < ladder.first + ladder.count && i < p.runs.size(); ++i) {
            if (p.runs[i] == 0)
                continue;
            const double x = rates[i];
            o.points.append(QPointF(x, p.outputTokensPerS[i] / p.runs[i]));
            if (p.measured[i] == 0)
                continue;
            const double y = p.ttftP90[i] / p.measured[i];
            t.points.append(QPointF(x, y));
            if (y > 0.0) {
                lowest = lowest > 0.0 ? std::min(lowest, y) : y;
                highest = std::max(highest, y);
            }
        }
        ttft.push_back(std::move(t));
        throughput.push_back(std::move(o));
    }
    // The axis type first: a log axis leaves out points at 0, which a linear one draws.
    m_ttft->setYLogBase(lowest > 0.0 && highest / lowest >= kLogSpread ? 10 : 0);
    m_ttft->setSeries(ttft);
    m_throughput->setSeries(throughput);

    QStringList keys;
    for (const auto& parameter : parameters)
        keys << qs(parameter.path);
    const QString by = keys.join(QStringLiteral(" · "));
    m_ttft->setTitle(tr("TTFT p90 per stage, by %1").arg(by));
    m_throughput->setTitle(tr("Output throughput per stage, by %1").arg(by));
    const std::size_t apart = rates.size() - ladder.count;
    QString caption =
        ladder.count == 1
            ? tr("Per stage of the QPS ladder (1 stage, %1 requests/s); one line per sweep point, repeats averaged.")
                  .arg(rates[ladder.first])
            : tr("Per stage of the QPS ladder (%1 stages, %2 to %3 requests/s); one line per sweep point, repeats averaged.")
                  .arg(ladder.count)
                  .arg(rates[ladder.first])
                  .arg(rates[ladder.first + ladder.count - 1]);
    if (apart > 0)
        caption += apart == 1 ? tr(" The stage outside the rising ladder (a warm-up) is not drawn.")
                              : tr(" The %1 stages outside the rising ladder are not drawn.").arg(apart);
    m_caption->setText(caption);
    return true;
}

void SweepStageCharts::clear()
{
    m_ttft->clear();
    m_throughput->clear();
    m_caption->clear();
}

QString SweepStageCharts::captionText() const
{
    return m_caption->text();
}

} // namespace kvroute::app
