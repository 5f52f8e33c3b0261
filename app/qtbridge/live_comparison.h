#pragma once
// The Live tab's numbers, measured beside simulated, kept apart from any widget so tests can
// check them without a display: the hit-rate lines on one time axis, the per-pod comparison,
// the cluster figures, and their CSV.
//
// Time: when a load was started from the tab, the simulation's time 0 is the instant the load
// started, and wall seconds become simulated seconds by the stack's time scale (the pods run on
// it); the measured line is then Σ hits / Σ queries since that instant, the quantity the
// simulation's cumulative hit rate is. Without such a load there is no common origin: the
// measured line is the windowed hit rate Prometheus reports, the simulation's overall hit rate a
// flat reference.

#include "app/qtbridge/live_monitor.h"
#include "sim/metrics/run_results.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QPointF>
#include <QtCore/QString>

#include <limits>
#include <map>
#include <memory>
#include <vector>

namespace kvroute::app {

struct PodComparison {
    QString pod;
    double measuredHitRate = std::numeric_limits<double>::quiet_NaN(); ///< 0..1; NaN: no data
    double simulatedHitRate = std::numeric_limits<double>::quiet_NaN();
    double measuredShare = std::numeric_limits<double>::quiet_NaN();   ///< of requests, 0..1
    double simulatedShare = std::numeric_limits<double>::quiet_NaN();
    double waiting = std::numeric_limits<double>::quiet_NaN();
    double running = std::numeric_limits<double>::quiet_NaN();
    double kvCacheUsage = std::numeric_limits<double>::quiet_NaN();    ///< 0..1
};

/// One cluster figure; NaN where there is no data.
struct FigureComparison {
    double measured = std::numeric_limits<double>::quiet_NaN();
    double simulated = std::numeric_limits<double>::quiet_NaN();
};

class LiveComparison {
public:
    /// A new target: forgets the measurements. `timeScale` = wall seconds per simulated second.
    void reset(double timeScale);
    /// A load started from the tab at `unixTime`: the time origin of both lines from now on.
    void startLoad(double unixTime);
    void addHistory(const QList<QPointF>& unixTimeHitRate);
    void addRefresh(const LiveRefreshPtr& refresh);
    void setSimulation(std::shared_ptr<const sim::RunResults> results);

    [[nodiscard]] bool loadStartedHere() const { return m_loadOrigin > 0; }
    [[nodiscard]] double timeScale() const { return m_timeScale; }
    [[nodiscard]] const LiveRefreshPtr& latest() const { return m_latest; }
    [[nodiscard]] const std::shared_ptr<const sim::RunResults>& simulation() const { return m_sim; }

    /// x: simulated seconds since the origin; y: hit rate in % (0..100).
    [[nodiscard]] QList<QPointF> measuredLine() const;
    [[nodiscard]] QList<QPointF> simulatedLine() const;
    /// The measured line's last value (0..1), and the simulation's at the same instant (its
    /// cumulative hit rate there; its overall one without a load from the tab).
    [[nodiscard]] FigureComparison hitRateNow() const;

    /// Per pod: hit rate and request share since the load started here (counter differences),
    /// else over the window; the queue gauges as last scraped; the simulation's whole run.
    [[nodiscard]] std::vector<PodComparison> pods() const;
    /// Whether pods() counts since the load started (else over the window).
    [[nodiscard]] bool podsSinceLoad() const;
    /// TTFT p90 in (simulated) seconds: the pods report it on their own clock.
    [[nodiscard]] FigureComparison ttftP90() const;
    [[nodiscard]] FigureComparison stickiness() const;

    /// CSV files: the hit-rate lines (series,t_s,hit_rate_pct), the pods and the figures.
    [[nodiscard]] QByteArray hitRateCsv() const;
    [[nodiscard]] QByteArray podsCsv() const;
    [[nodiscard]] QByteArray figuresCsv() const;

private:
    [[nodiscard]] double toX(double unixTime, double origin) const;
    [[nodiscard]] double simulatedCumulativeAt(double t) const;

    double m_timeScale = 1.0;
    double m_loadOrigin = 0; ///< unix time a load started from the tab; 0: none
    /// Measured points by unix time: the window's hit rate, or (after a load from the tab) the
    /// hit rate since the load started.
    std::map<double, double> m_windowed;
    std::map<double, double> m_sinceLoad;
    LiveRefreshPtr m_latest;
    std::shared_ptr<const sim::RunResults> m_sim;
};

} // namespace kvroute::app
