#include "app/gui/panels/compare_panel.h"

#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/panel_style.h"
#include "app/gui/panels/result_format.h"
#include "app/gui/panels/scenario_diff.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <array>

namespace kvroute::app {

namespace {

enum class Kind { Fraction, Seconds, Rate, Count };
enum class Better { Higher, Lower, Neither };

struct MetricDef {
    const char* label;
    Kind kind;
    Better better;
    double (*get)(const sim::RunResults&);
};

double asDouble(std::int64_t value)
{
    return static_cast<double>(value);
}

const std::array<MetricDef, ComparePanel::RowCount> kMetrics{{
    {QT_TR_NOOP("Prefix-cache hit rate"), Kind::Fraction, Better::Higher, [](const sim::RunResults& r) { return r.hitRate; }},
    {QT_TR_NOOP("Stickiness"), Kind::Fraction, Better::Higher, [](const sim::RunResults& r) { return r.stickiness; }},
    {QT_TR_NOOP("TTFT p50"), Kind::Seconds, Better::Lower, [](const sim::RunResults& r) { return r.ttft.p50; }},
    {QT_TR_NOOP("TTFT p90"), Kind::Seconds, Better::Lower, [](const sim::RunResults& r) { return r.ttft.p90; }},
    {QT_TR_NOOP("TTFT p99"), Kind::Seconds, Better::Lower, [](const sim::RunResults& r) { return r.ttft.p99; }},
    {QT_TR_NOOP("ITL p50"), Kind::Seconds, Better::Lower, [](const sim::RunResults& r) { return r.itl.p50; }},
    {QT_TR_NOOP("ITL p90"), Kind::Seconds, Better::Lower, [](const sim::RunResults& r) { return r.itl.p90; }},
    {QT_TR_NOOP("E2E latency p90"), Kind::Seconds, Better::Lower, [](const sim::RunResults& r) { return r.e2e.p90; }},
    {QT_TR_NOOP("Output tokens/s"), Kind::Rate, Better::Higher, [](const sim::RunResults& r) { return r.outputTokensPerS; }},
    {QT_TR_NOOP("Requests/s"), Kind::Rate, Better::Higher, [](const sim::RunResults& r) { return r.requestsPerS; }},
    {QT_TR_NOOP("Preemptions"), Kind::Count, Better::Lower, [](const sim::RunResults& r) { return asDouble(r.preemptions); }},
    {QT_TR_NOOP("Requests completed"), Kind::Count, Better::Neither,
     [](const sim::RunResults& r) { return asDouble(r.requestsCompleted); }},
}};

int rateDecimals(double value)
{
    return std::abs(value) >= 100.0 ? 0 : 2;
}

QString valueText(Kind kind, double value)
{
    switch (kind) {
    case Kind::Fraction: return format::percent(value);
    case Kind::Seconds: return format::duration(value);
    case Kind::Rate: return format::number(value, rateDecimals(value));
    case Kind::Count: return format::number(value, 0);
    }
    return {};
}

QString deltaText(Kind kind, double baseline, double delta)
{
    switch (kind) {
    case Kind::Fraction: return format::signedPoints(delta);
    case Kind::Seconds: return format::signedDuration(delta);
    case Kind::Rate: return format::signedNumber(delta, rateDecimals(baseline));
    case Kind::Count: return format::signedNumber(delta, 0);
    }
    return {};
}

QString runLabel(const RunOutcome& outcome)
{
    const QString name = outcome.scenario.name.empty() ? QStringLiteral("scenario")
                                                       : QString::fromStdString(outcome.scenario.name);
    return ComparePanel::tr("%1 (run %2)").arg(name).arg(outcome.generation);
}

QString dash()
{
    return QString(QChar(0x2014));
}

const QColor& baselineColor()
{
    static const QColor color = QColor::fromRgb(0x55, 0x55, 0x55);
    return color;
}

} // namespace

ComparePanel::ComparePanel(QWidget* parent) : QWidget(parent)
{
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("compareHeader"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);

    m_differences = new QLabel(this);
    m_differences->setObjectName(QStringLiteral("compareDifferences"));
    m_differences->setTextFormat(Qt::PlainText);
    m_differences->setWordWrap(true);
    m_differences->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_differences->setStyleSheet(QStringLiteral("QLabel { background: #F6F8FA; border: 1px solid #E2E2E2; "
                                                "border-radius: 4px; padding: 6px 8px; color: #333333; }"));

    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("compareTable"));
    panel::styleTable(m_table, {tr("Metric"), tr("Baseline"), tr("Current"), tr("Difference"), tr("Change")});
    m_table->setRowCount(RowCount);
    for (int row = 0; row < RowCount; ++row)
        panel::setCell(m_table, row, Metric, tr(kMetrics[static_cast<std::size_t>(row)].label),
                       Qt::AlignLeft | Qt::AlignVCenter);
    panel::fitTableHeight(m_table, RowCount);
    m_table->setMinimumWidth(460);
    m_table->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);

    m_hitRateChart = new LineChart(this);
    m_hitRateChart->setObjectName(QStringLiteral("compareHitRateChart"));
    m_hitRateChart->setTitle(tr("Prefix-cache hit rate over time"));
    m_hitRateChart->setAxisTitles(tr("time (s)"), tr("hit rate (%)"));
    m_hitRateChart->setYRange(0.0, 100.0);

    m_ttftChart = new LineChart(this);
    m_ttftChart->setObjectName(QStringLiteral("compareTtftChart"));
    m_ttftChart->setTitle(tr("TTFT p90 over time"));

    auto* left = new QVBoxLayout();
    left->setSpacing(8);
    left->addWidget(m_table);
    left->addWidget(m_differences);
    left->addStretch(1);
    auto* right = new QVBoxLayout();
    right->setSpacing(8);
    right->addWidget(m_hitRateChart);
    right->addWidget(m_ttftChart);
    auto* body = new QHBoxLayout();
    body->setSpacing(8);
    body->addLayout(left, 5);
    body->addLayout(right, 6);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(m_header);
    layout->addLayout(body, 1);
    refresh();
}

ComparePanel::~ComparePanel() = default;

void ComparePanel::setBaseline(const RunOutcomePtr& baseline)
{
    m_baseline = baseline;
    refresh();
}

void ComparePanel::showOutcome(const RunOutcomePtr& current)
{
    m_current = current;
    refresh();
}

void ComparePanel::clearBaseline()
{
    m_baseline.reset();
    refresh();
}

void ComparePanel::clear()
{
    m_baseline.reset();
    m_current.reset();
    refresh();
}

QColor ComparePanel::betterColor()
{
    return QColor::fromRgb(0x1A, 0x7F, 0x37);
}

QColor ComparePanel::worseColor()
{
    return QColor::fromRgb(0xC6, 0x28, 0x28);
}

QString ComparePanel::differencesText() const
{
    return m_differences->text();
}

QString ComparePanel::headerText() const
{
    return m_header->text();
}

void ComparePanel::refresh()
{
    refreshLabels();
    refreshTable();
    refreshCharts();
}

void ComparePanel::refreshLabels()
{
    if (!m_baseline) {
        m_header->setText(m_current ? tr("Current: %1. No baseline yet: pin a run as the baseline to compare.")
                                          .arg(runLabel(*m_current))
                                    : tr("No results yet."));
        m_differences->clear();
        m_differences->hide();
        return;
    }
    if (!m_current) {
        m_header->setText(tr("Baseline: %1. No current run yet.").arg(runLabel(*m_baseline)));
        m_differences->clear();
        m_differences->hide();
        return;
    }
    m_header->setText(tr("Baseline: %1   vs   current: %2").arg(runLabel(*m_baseline), runLabel(*m_current)));
    const auto differences = scenarioDifferences(m_baseline->scenario, m_current->scenario);
    m_differences->setText(differences.empty()
                               ? tr("Same scenario as the baseline.")
                               : tr("What differs from the baseline:\n%1")
                                     .arg(describeDifferences(differences, 12, QStringLiteral("\n"))));
    m_differences->show();
}

void ComparePanel::refreshTable()
{
    for (int row = 0; row < RowCount; ++row) {
        const MetricDef& metric = kMetrics[static_cast<std::size_t>(row)];
        const sim::RunResults* base = m_baseline ? &m_baseline->results : nullptr;
        const sim::RunResults* cur = m_current ? &m_current->results : nullptr;
        panel::setCell(m_table, row, Baseline, base ? valueText(metric.kind, metric.get(*base)) : dash());
        panel::setCell(m_table, row, Current, cur ? valueText(metric.kind, metric.get(*cur)) : dash());
        if (!base || !cur) {
            panel::setCell(m_table, row, Difference, dash());
            panel::setCell(m_table, row, Relative, dash());
            continue;
        }
        const double before = metric.get(*base);
        const double after = metric.get(*cur);
        const double delta = after - before;
        const QString text = deltaText(metric.kind, before, delta);
        QColor color;
        // Colour only what the table shows as a change: a difference that rounds to ±0 is none.
        if (!text.startsWith(QChar(0x00B1)) && metric.better != Better::Neither) {
            const bool better = (metric.better == Better::Higher) == (delta > 0.0);
            color = better ? betterColor() : worseColor();
        }
        const QString relative = format::relativeChange(before, after);
        const bool relativeShown = !relative.startsWith(QChar(0x00B1)) && relative != dash();
        panel::setCell(m_table, row, Difference, text, Qt::AlignRight | Qt::AlignVCenter, color);
        panel::setCell(m_table, row, Relative, relative, Qt::AlignRight | Qt::AlignVCenter,
                       relativeShown ? color : QColor());
    }
}

void ComparePanel::refreshCharts()
{
    double maxTtft = 0.0;
    for (const RunOutcomePtr& run : {m_baseline, m_current}) {
        if (run)
            maxTtft = std::max({maxTtft, run->results.ttft.p99, run->results.ttft.mean});
    }
    const format::TimeScale scale = format::timeScaleFor(maxTtft);
    m_ttftChart->setAxisTitles(tr("time (s)"), tr("TTFT p90 (%1)").arg(scale.symbol));

    std::vector<LineSeriesData> hitRate;
    std::vector<LineSeriesData> ttft;
    // The current run first, so the dashed baseline is drawn over it and stays visible where the
    // two coincide.
    if (m_current) {
        hitRate.push_back(LineSeriesData{tr("current"), points::intervalHitRate(m_current->results), false,
                                         charts::seriesColor(0)});
        ttft.push_back(LineSeriesData{tr("current"), points::ttftP90(m_current->results, scale.factor), false,
                                      charts::seriesColor(0)});
    }
    if (m_baseline) {
        hitRate.push_back(LineSeriesData{tr("baseline"), points::intervalHitRate(m_baseline->results), true,
                                         baselineColor()});
        ttft.push_back(LineSeriesData{tr("baseline"), points::ttftP90(m_baseline->results, scale.factor), true,
                                      baselineColor()});
    }
    m_hitRateChart->setSeries(hitRate);
    m_ttftChart->setSeries(ttft);
}

} // namespace kvroute::app
