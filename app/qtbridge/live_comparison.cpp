#include "app/qtbridge/live_comparison.h"

#include <algorithm>
#include <cmath>

namespace kvroute::app {

namespace {

/// Enough for hours of 2-second refreshes; older points fall off the front.
constexpr std::size_t kMaxPoints = 8000;
constexpr double kPercent = 100.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Wall seconds without a windowed value (polls and history come every 2 s) that end a stretch.
constexpr double kIdleGapSeconds = 10;

void keepBounded(std::map<double, double>& points)
{
    while (points.size() > kMaxPoints)
        points.erase(points.begin());
}

QByteArray number(double value)
{
    return std::isfinite(value) ? QByteArray::number(value, 'g', 8) : QByteArray();
}

QByteArray csvText(const QString& text)
{
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"')) {
        bytes.replace("\"", "\"\"");
        bytes = '"' + bytes + '"';
    }
    return bytes;
}

} // namespace

void LiveComparison::reset(double timeScale)
{
    m_timeScale = timeScale > 0 ? timeScale : 1.0;
    m_loadOrigin = 0;
    m_windowed.clear();
    m_sinceLoad.clear();
    m_latest.reset();
}

void LiveComparison::startLoad(double unixTime)
{
    m_loadOrigin = unixTime;
    m_sinceLoad.clear();
}

void LiveComparison::addHistory(const QList<QPointF>& unixTimeHitRate)
{
    for (const QPointF& p : unixTimeHitRate)
        if (std::isfinite(p.y()))
            m_windowed[p.x()] = p.y();
    keepBounded(m_windowed);
}

void LiveComparison::addRefresh(const LiveRefreshPtr& refresh)
{
    if (!refresh)
        return;
    m_latest = refresh;
    const double t = refresh->snapshot.unixTime;
    if (std::isfinite(refresh->snapshot.clusterHitRate))
        m_windowed[t] = refresh->snapshot.clusterHitRate;
    // Counted from an older load's start: not this load's line.
    if (m_loadOrigin > 0 && refresh->baselineUnixTime == m_loadOrigin && std::isfinite(refresh->hitRateSinceBaseline) &&
        t >= m_loadOrigin)
        m_sinceLoad[t] = refresh->hitRateSinceBaseline;
    keepBounded(m_windowed);
    keepBounded(m_sinceLoad);
}

void LiveComparison::setSimulation(std::shared_ptr<const sim::RunResults> results) { m_sim = std::move(results); }

double LiveComparison::toX(double unixTime, double origin) const { return (unixTime - origin) / m_timeScale; }

QList<QPointF> LiveComparison::measuredLine() const
{
    QList<QPointF> line;
    const auto& points = loadStartedHere() ? m_sinceLoad : m_windowed;
    if (points.empty())
        return line;
    auto first = points.begin();
    if (!loadStartedHere()) {
        // The windowed rate has no value while the cluster idles; a line must not bridge an idle
        // stretch as if traffic had gone on. Drawn: the latest stretch of activity.
        for (auto it = std::next(points.begin()); it != points.end(); ++it)
            if (it->first - std::prev(it)->first > kIdleGapSeconds)
                first = it;
    }
    const double origin = loadStartedHere() ? m_loadOrigin : first->first;
    for (auto it = first; it != points.end(); ++it)
        line.append(QPointF(toX(it->first, origin), it->second * kPercent));
    return line;
}

QList<QPointF> LiveComparison::simulatedLine() const
{
    QList<QPointF> line;
    if (!m_sim)
        return line;
    if (loadStartedHere()) {
        for (const auto& p : m_sim->timeseries)
            line.append(QPointF(p.t, p.cumulativeHitRate * kPercent));
        return line;
    }
    // No common origin: the run's overall hit rate as a level across the measured span.
    const QList<QPointF> measured = measuredLine();
    const double end = measured.isEmpty() ? 0.0 : measured.back().x();
    line.append(QPointF(0.0, m_sim->hitRate * kPercent));
    line.append(QPointF(std::max(end, 1.0), m_sim->hitRate * kPercent));
    return line;
}

double LiveComparison::simulatedCumulativeAt(double t) const
{
    if (!m_sim || m_sim->timeseries.empty())
        return kNaN;
    const auto& series = m_sim->timeseries;
    const auto after = std::upper_bound(series.begin(), series.end(), t,
                                        [](double x, const sim::TimeSeriesPoint& p) { return x < p.t; });
    if (after == series.begin())
        return kNaN; // before the first sample: nothing counted yet
    return std::prev(after)->cumulativeHitRate;
}

FigureComparison LiveComparison::hitRateNow() const
{
    FigureComparison figure;
    if (loadStartedHere()) {
        if (!m_sinceLoad.empty()) {
            const auto& [t, rate] = *m_sinceLoad.rbegin();
            figure.measured = rate;
            figure.simulated = simulatedCumulativeAt(toX(t, m_loadOrigin));
        }
        return figure;
    }
    if (m_latest)
        figure.measured = m_latest->snapshot.clusterHitRate;
    if (m_sim)
        figure.simulated = m_sim->hitRate;
    return figure;
}

std::vector<PodComparison> LiveComparison::pods() const
{
    std::vector<PodComparison> rows;
    auto rowOf = [&rows](const QString& pod) -> PodComparison& {
        for (auto& row : rows)
            if (row.pod == pod)
                return row;
        rows.push_back(PodComparison{});
        rows.back().pod = pod;
        return rows.back();
    };
    if (m_latest) {
        for (const auto& p : m_latest->snapshot.pods) {
            PodComparison& row = rowOf(QString::fromStdString(p.pod));
            row.measuredHitRate = p.hitRate;
            row.measuredShare = p.requestShare;
            row.waiting = p.waiting;
            row.running = p.running;
            row.kvCacheUsage = p.kvCacheUsage;
        }
        if (podsSinceLoad()) {
            // Counted since the load started, like the simulation of that load: not the window.
            double requests = 0;
            for (const auto& p : m_latest->podsSinceBaseline)
                requests += p.requests;
            for (const auto& p : m_latest->podsSinceBaseline) {
                PodComparison& row = rowOf(QString::fromStdString(p.pod));
                row.measuredHitRate = p.queries > 0 ? p.hits / p.queries : kNaN;
                row.measuredShare = requests > 0 ? p.requests / requests : kNaN;
            }
        }
    }
    if (m_sim) {
        std::int64_t requests = 0;
        for (const auto& p : m_sim->pods)
            requests += p.requests;
        for (const auto& p : m_sim->pods) {
            PodComparison& row = rowOf(QString::fromStdString(p.name));
            row.simulatedHitRate = p.prefixCacheQueries > 0 ? p.hitRate : kNaN;
            row.simulatedShare = requests > 0 ? static_cast<double>(p.requests) / static_cast<double>(requests) : kNaN;
        }
    }
    return rows;
}

bool LiveComparison::podsSinceLoad() const
{
    return loadStartedHere() && m_latest && m_latest->baselineUnixTime == m_loadOrigin &&
           !m_latest->podsSinceBaseline.empty();
}

FigureComparison LiveComparison::ttftP90() const
{
    return {m_latest ? m_latest->snapshot.ttftP90 : kNaN, m_sim && m_sim->ttft.count > 0 ? m_sim->ttft.p90 : kNaN};
}

FigureComparison LiveComparison::stickiness() const
{
    return {m_latest ? m_latest->snapshot.stickiness : kNaN,
            m_sim && m_sim->followUpRequests > 0 ? m_sim->stickiness : kNaN};
}

QByteArray LiveComparison::hitRateCsv() const
{
    QByteArray csv = "series,t_simulated_s,hit_rate_pct\n";
    const QByteArray measured = loadStartedHere() ? "measured_since_load_start" : "measured_window";
    for (const QPointF& p : measuredLine())
        csv += measured + ',' + number(p.x()) + ',' + number(p.y()) + '\n';
    const QByteArray simulated = loadStartedHere() ? "simulated_cumulative" : "simulated_overall";
    for (const QPointF& p : simulatedLine())
        csv += simulated + ',' + number(p.x()) + ',' + number(p.y()) + '\n';
    return csv;
}

QByteArray LiveComparison::podsCsv() const
{
    QByteArray csv = "pod,measured_hit_rate,simulated_hit_rate,measured_request_share,simulated_request_share,"
                     "waiting,running,kv_cache_usage\n";
    for (const PodComparison& p : pods())
        csv += csvText(p.pod) + ',' + number(p.measuredHitRate) + ',' + number(p.simulatedHitRate) + ',' +
               number(p.measuredShare) + ',' + number(p.simulatedShare) + ',' + number(p.waiting) + ',' +
               number(p.running) + ',' + number(p.kvCacheUsage) + '\n';
    return csv;
}

QByteArray LiveComparison::figuresCsv() const
{
    QByteArray csv = "figure,measured,simulated\n";
    auto row = [&csv](const char* name, const FigureComparison& f) {
        csv += QByteArray(name) + ',' + number(f.measured) + ',' + number(f.simulated) + '\n';
    };
    row(loadStartedHere() ? "hit_rate_since_load_start" : "hit_rate", hitRateNow());
    row("ttft_p90_s", ttftP90());
    row("stickiness", stickiness());
    return csv;
}

} // namespace kvroute::app
