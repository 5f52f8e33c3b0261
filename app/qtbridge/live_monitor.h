#pragma once
// Polls a Prometheus for the live view every 2 s on a thread of its own and hands the results to
// the owner's thread by signal. The window never waits on the network: a poll that hangs holds up
// only the poller, and a query gives up after at most 3 s. The poller keeps trying through
// outages (Prometheus restarting, a stack not up yet) and says "connected" again on the first
// answer.
//
// Besides the snapshot (cluster::fetchLiveSnapshot) it can measure the cluster hit rate since an
// instant (Σ hits / Σ queries counted from that instant: the same quantity as the simulation's
// cumulative hit rate, so the two lines compare like with like), and fetches the hit rate's
// recent history once per target so a fresh view has a line, not a dot.

#include "cluster/prometheus/live_snapshot.h"
#include "cluster/prometheus/prometheus_client.h"
#include "cluster/prometheus/promql.h"

#include <QtCore/QDateTime>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QPointF>
#include <QtCore/QString>

#include <limits>
#include <memory>
#include <string>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace kvroute::app {

/// What to poll: a Prometheus, which series (selector), over which window.
struct LiveTarget {
    cluster::PrometheusEndpoint endpoint;
    cluster::LiveSelector selector;
    std::string window = "30s";
};

/// One pod's counters since the baseline instant (differences of the raw counters).
struct LivePodSinceBaseline {
    std::string pod;
    double hits = 0;
    double queries = 0;
    double requests = 0; ///< finished requests
};

/// One poll's result as the GUI receives it: immutable, shared.
struct LiveRefresh {
    cluster::LiveSnapshot snapshot;
    /// Σ hits / Σ queries since the baseline instant (LiveMonitor::setBaseline); NaN without a
    /// baseline or before anything was queried.
    double hitRateSinceBaseline = std::numeric_limits<double>::quiet_NaN();
    double baselineUnixTime = 0; ///< the baseline this refresh counted from (0: none)
    std::vector<LivePodSinceBaseline> podsSinceBaseline; ///< by pod name; empty without a baseline
};
using LiveRefreshPtr = std::shared_ptr<const LiveRefresh>;

class LiveMonitor final : public QObject {
    Q_OBJECT

public:
    /// The longest a single query may take here (the GUI's bound; the CLI allows more).
    static constexpr double kQueryTimeoutSeconds = 3.0;
    static constexpr int kDefaultIntervalMs = 2000;

    explicit LiveMonitor(QObject* parent = nullptr);
    /// Stops the poller; returns within one query's timeout.
    ~LiveMonitor() override;

    void setIntervalMs(int ms);
    /// (Re)starts polling `target` at once; results of a previous target are dropped.
    void start(const LiveTarget& target);
    void stop();
    /// Counts the cluster hit rate from `unixTime` on (a load started then); 0 clears it.
    void setBaseline(double unixTime);

    [[nodiscard]] bool isPolling() const { return m_polling; }
    [[nodiscard]] bool isConnected() const { return m_connected; }
    [[nodiscard]] QString url() const { return m_url; }
    [[nodiscard]] QDateTime lastRefresh() const { return m_lastRefresh; }
    [[nodiscard]] QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void refreshed(kvroute::app::LiveRefreshPtr refresh);
    /// The hit rate over the window at earlier instants: x = unix seconds, y = 0..1.
    void historyFetched(const QList<QPointF>& points);
    /// A poll failed; `message` names the URL and the cause. Polling goes on.
    void pollFailed(const QString& message);
    void connectionChanged(bool connected);

private:
    class Worker;
    void onRefreshed(quint64 generation, const kvroute::app::LiveRefreshPtr& refresh);
    void onFailed(quint64 generation, const QString& message);
    void onHistory(quint64 generation, const QList<QPointF>& points);
    void setConnected(bool connected);

    QThread* m_thread = nullptr;
    Worker* m_worker = nullptr; ///< lives on m_thread; deleted when it finishes
    quint64 m_generation = 0;
    int m_intervalMs = kDefaultIntervalMs;
    bool m_polling = false;
    bool m_connected = false;
    QString m_url;
    QDateTime m_lastRefresh;
    QString m_lastError;
};

} // namespace kvroute::app

Q_DECLARE_METATYPE(kvroute::app::LiveRefreshPtr)
