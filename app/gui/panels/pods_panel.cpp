#include "app/gui/panels/pods_panel.h"

#include "app/gui/charts/chart_style.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/panels/panel_style.h"
#include "app/gui/panels/result_format.h"

#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace kvroute::app {

namespace {

constexpr int kMaxVisibleRows = 8;

QString noQueueText()
{
    return PodsPanel::tr("No request waited: the queue was empty at every sample");
}

} // namespace

PodsPanel::PodsPanel(QWidget* parent) : QWidget(parent)
{
    m_table = new QTableWidget(this);
    m_table->setObjectName(QStringLiteral("podsTable"));
    panel::styleTable(m_table, {tr("Pod"), tr("Requests"), tr("Share"), tr("Hit rate"), tr("Mean KV usage"),
                                tr("Max KV usage"), tr("Busy"), tr("Preemptions")});
    m_table->horizontalHeaderItem(Requests)->setToolTip(tr("Routing decisions that chose the pod"));
    m_table->horizontalHeaderItem(HitRate)->setToolTip(tr("Prefix-cache hits / queries, as vLLM counts them"));
    m_table->horizontalHeaderItem(MeanKv)->setToolTip(tr("KV-cache usage, time-weighted over the run"));
    m_table->horizontalHeaderItem(Busy)->setToolTip(tr("Share of the run the engine was stepping"));

    m_kvChart = new LineChart(this);
    m_kvChart->setObjectName(QStringLiteral("kvUsageChart"));
    m_kvChart->setTitle(tr("KV-cache usage per pod"));
    m_kvChart->setAxisTitles(tr("time (s)"), tr("KV-cache usage (%)"));
    // Usage is often a few percent of a large cache: follow the data, up to 100 %.
    m_kvChart->setAutoYRange(true, 100.0);

    m_waitingChart = new LineChart(this);
    m_waitingChart->setObjectName(QStringLiteral("waitingChart"));
    m_waitingChart->setTitle(tr("Queue depth per pod"));
    m_waitingChart->setAxisTitles(tr("time (s)"), tr("waiting requests"));
    m_waitingChart->setYIntegers(true);

    m_podSelector = new QComboBox(this);
    m_podSelector->setObjectName(QStringLiteral("podSelector"));
    m_podSelector->setToolTip(tr("Draw every pod's line, or only one pod's"));
    m_podSelector->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_podSelector, &QComboBox::currentIndexChanged, this, [this] { updateCharts(); });
    auto* selectorRow = new QHBoxLayout();
    selectorRow->addWidget(new QLabel(tr("Charts show"), this));
    selectorRow->addWidget(m_podSelector);
    selectorRow->addStretch(1);

    auto* charts = new QHBoxLayout();
    charts->setSpacing(8);
    charts->addWidget(m_kvChart);
    charts->addWidget(m_waitingChart);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(m_table);
    layout->addLayout(selectorRow);
    layout->addLayout(charts, 1);
    clear();
}

PodsPanel::~PodsPanel() = default;

void PodsPanel::showOutcome(const RunOutcomePtr& outcome)
{
    if (!outcome) {
        clear();
        return;
    }
    m_outcome = outcome;
    const sim::RunResults& r = outcome->results;
    const int podCount = static_cast<int>(r.pods.size());

    std::int64_t totalRequests = 0;
    for (const sim::PodResult& pod : r.pods)
        totalRequests += pod.requests;

    if (m_table->rowCount() != podCount) {
        m_table->setRowCount(podCount);
        panel::fitTableHeight(m_table, kMaxVisibleRows);
    }
    const Qt::Alignment left = Qt::AlignLeft | Qt::AlignVCenter;
    QStringList podNames;
    for (int row = 0; row < podCount; ++row) {
        const auto index = static_cast<std::size_t>(row);
        const sim::PodResult& pod = r.pods[index];
        const QString name = QString::fromStdString(pod.name);
        const QColor color = charts::seriesColor(row);
        const double share =
            totalRequests > 0 ? static_cast<double>(pod.requests) / static_cast<double>(totalRequests) : 0.0;
        panel::setCell(m_table, row, Name, name, left, {}, panel::swatch(color));
        panel::setCell(m_table, row, Requests, format::count(pod.requests));
        panel::setCell(m_table, row, Share, format::percent(share));
        // A pod nothing was routed to has no hit rate (0 of 0), as the CLI says.
        const bool queried = pod.prefixCacheQueries > 0;
        panel::setCell(m_table, row, HitRate, queried ? format::percent(pod.hitRate) : tr("n/a"), Qt::AlignRight | Qt::AlignVCenter,
                       queried ? QColor() : charts::mutedTextColor());
        m_table->item(row, HitRate)->setToolTip(queried ? QString() : tr("No prefix-cache queries: the pod was never used"));
        panel::setCell(m_table, row, MeanKv, format::finePercent(pod.meanKvCacheUsage));
        panel::setCell(m_table, row, MaxKv, format::finePercent(pod.maxKvCacheUsage));
        panel::setCell(m_table, row, Busy, format::percent(pod.busyFraction));
        panel::setCell(m_table, row, Preemptions, format::count(pod.preemptions));
        podNames << name;
    }
    updatePodSelector(podNames);
    updateCharts();
}

void PodsPanel::updatePodSelector(const QStringList& podNames)
{
    QStringList items{tr("All pods")};
    items << podNames;
    QStringList current;
    for (int i = 0; i < m_podSelector->count(); ++i)
        current << m_podSelector->itemText(i);
    if (current == items)
        return; // same pods: the pick stays
    const QSignalBlocker block(m_podSelector);
    m_podSelector->clear();
    m_podSelector->addItems(items);
    for (int i = 1; i < m_podSelector->count(); ++i)
        m_podSelector->setItemIcon(i, panel::swatch(charts::seriesColor(i - 1)));
    m_podSelector->setCurrentIndex(0);
}

void PodsPanel::updateCharts()
{
    if (!m_outcome) {
        m_kvChart->clear();
        m_waitingChart->setNoDataText(tr("No data"));
        m_waitingChart->clear();
        return;
    }
    const sim::RunResults& r = m_outcome->results;
    const QStringList shortNames = format::shortPodNames(r.pods);
    const int picked = m_podSelector->currentIndex() - 1; // -1: all pods
    std::vector<LineSeriesData> kv;
    std::vector<LineSeriesData> waiting;
    bool anyWaited = false;
    for (int pod = 0; pod < static_cast<int>(r.pods.size()); ++pod) {
        if (picked >= 0 && pod != picked)
            continue;
        const auto index = static_cast<std::size_t>(pod);
        const QColor color = charts::seriesColor(pod);
        kv.push_back(LineSeriesData{shortNames[pod], points::podKvCacheUsage(r, index), false, color});
        QList<QPointF> depth = points::podWaiting(r, index);
        anyWaited = anyWaited || std::any_of(depth.cbegin(), depth.cend(), [](const QPointF& p) { return p.y() > 0.0; });
        waiting.push_back(LineSeriesData{shortNames[pod], std::move(depth), false, color});
    }
    m_kvChart->setSeries(kv);
    // A line flat at 0 looks like missing data: say what it means instead.
    if (anyWaited) {
        m_waitingChart->setSeries(waiting);
    } else {
        m_waitingChart->setNoDataText(noQueueText());
        m_waitingChart->clear();
    }
}

void PodsPanel::clear()
{
    m_outcome.reset();
    m_table->setRowCount(0);
    panel::fitTableHeight(m_table, kMaxVisibleRows);
    updatePodSelector({});
    updateCharts();
}

} // namespace kvroute::app
