#include "app/qtbridge/live_monitor.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <optional>

namespace kvroute::app {

namespace {

/// How far back the first refresh of a target looks for the hit rate's history.
constexpr double kHistorySeconds = 15 * 60;
constexpr double kHistoryStepSeconds = 2;

QString qs(const std::string& s) { return QString::fromStdString(s); }

} // namespace

/// Lives on the monitor's thread and does all the talking to Prometheus there: one client per
/// thread (PrometheusClient is one connection). Everything it reports carries the generation
/// of the target it polled, so the monitor can drop what a previous target sent late.
class LiveMonitor::Worker final : public QObject {
    Q_OBJECT

public:
    /// Set from the owner's thread: no further poll starts (the one running finishes).
    std::atomic<bool> stopping{false};

    void configure(const LiveTarget& target, quint64 generation, int intervalMs)
    {
        if (!m_timer) {
            m_timer = new QTimer(this); // created here so that it belongs to this thread
            m_timer->setSingleShot(true);
            connect(m_timer, &QTimer::timeout, this, &Worker::poll);
        }
        LiveTarget bounded = target;
        bounded.endpoint.timeoutSeconds = std::min(bounded.endpoint.timeoutSeconds, kQueryTimeoutSeconds);
        m_client.emplace(bounded.endpoint);
        m_target = std::move(bounded);
        m_generation = generation;
        m_intervalMs = intervalMs;
        m_historyDone = false;
        m_baselineCounters.reset();
        poll();
    }

    void halt()
    {
        if (m_timer)
            m_timer->stop();
        m_client.reset();
    }

    void setBaseline(double unixTime)
    {
        m_baselineUnixTime = unixTime;
        m_baselineCounters.reset();
    }

Q_SIGNALS:
    void refreshed(quint64 generation, const kvroute::app::LiveRefreshPtr& refresh);
    void failed(quint64 generation, const QString& message);
    void history(quint64 generation, const QList<QPointF>& points);

private:
    struct Counters {
        double hits = 0;
        double queries = 0;
        double requests = 0;
    };
    using PodCounters = std::map<std::string, Counters>;

    void poll()
    {
        if (stopping || !m_client)
            return;
        QElapsedTimer clock;
        clock.start();
        // An exception must not escape into the event loop (and terminate the app).
        try {
            pollOnce();
        } catch (const std::exception& e) {
            Q_EMIT failed(m_generation, QStringLiteral("internal error while polling: ") + QString::fromUtf8(e.what()));
        }
        if (!stopping && m_client)
            m_timer->start(std::max<int>(0, m_intervalMs - static_cast<int>(clock.elapsed())));
    }

    void pollOnce()
    {
        auto snapshot = cluster::fetchLiveSnapshot(*m_client, m_target.selector, m_target.window);
        if (stopping)
            return;
        if (!snapshot) {
            Q_EMIT failed(m_generation, qs(snapshot.error().message));
            return;
        }
        auto refresh = std::make_shared<LiveRefresh>();
        refresh->snapshot = std::move(*snapshot);
        if (m_baselineUnixTime > 0) {
            refresh->baselineUnixTime = m_baselineUnixTime;
            countSinceBaseline(*refresh);
        }
        // The history first: a fresh view then draws a line at its first refresh, not a dot.
        if (!m_historyDone && !stopping) {
            m_historyDone = true;
            fetchHistory(refresh->snapshot.unixTime);
        }
        Q_EMIT refreshed(m_generation, refresh);
    }

    /// Each pod's counters at `unixTime`; nothing when a query fails. A series that did not
    /// exist yet counts as zero (a fresh stack before its first scrape).
    std::optional<PodCounters> countersAt(double unixTime)
    {
        const std::string& podLabel = m_target.selector.podLabel;
        PodCounters counters;
        const std::pair<const char*, double Counters::*> wanted[] = {{cluster::promql::kHitsCounter, &Counters::hits},
                                                                    {cluster::promql::kQueriesCounter, &Counters::queries},
                                                                    {cluster::promql::kRequestsCounter, &Counters::requests}};
        for (const auto& [name, field] : wanted) {
            auto samples = m_client->query(cluster::promql::podCounter(m_target.selector, name), unixTime);
            if (!samples)
                return std::nullopt;
            for (const auto& sample : *samples) {
                const auto pod = sample.labels.find(podLabel);
                if (std::isfinite(sample.value))
                    counters[pod == sample.labels.end() ? std::string() : pod->second].*field += sample.value;
            }
        }
        return counters;
    }

    void countSinceBaseline(LiveRefresh& refresh)
    {
        if (!m_baselineCounters) {
            m_baselineCounters = countersAt(m_baselineUnixTime);
            if (!m_baselineCounters)
                return;
        }
        const auto current = countersAt(refresh.snapshot.unixTime);
        if (!current)
            return;
        double hits = 0;
        double queries = 0;
        for (const auto& [pod, now] : *current) {
            const auto before = m_baselineCounters->find(pod);
            const Counters base = before == m_baselineCounters->end() ? Counters{} : before->second;
            LivePodSinceBaseline since{pod, now.hits - base.hits, now.queries - base.queries, now.requests - base.requests};
            hits += since.hits;
            queries += since.queries;
            refresh.podsSinceBaseline.push_back(std::move(since));
        }
        if (queries > 0)
            refresh.hitRateSinceBaseline = hits / queries;
    }

    void fetchHistory(double now)
    {
        auto series = m_client->queryRange(cluster::promql::clusterHitRate(m_target.selector, m_target.window),
                                           now - kHistorySeconds, now, kHistoryStepSeconds);
        if (!series || series->empty())
            return; // the history is a courtesy: the polls draw the line from here on
        QList<QPointF> points;
        for (const auto& [t, value] : series->front().points)
            if (std::isfinite(value))
                points.append(QPointF(t, value));
        if (!points.isEmpty())
            Q_EMIT history(m_generation, points);
    }

    std::optional<cluster::PrometheusClient> m_client;
    LiveTarget m_target;
    quint64 m_generation = 0;
    int m_intervalMs = kDefaultIntervalMs;
    QTimer* m_timer = nullptr;
    bool m_historyDone = false;
    double m_baselineUnixTime = 0;
    std::optional<PodCounters> m_baselineCounters;
};

LiveMonitor::LiveMonitor(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<LiveRefreshPtr>();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("live-monitor"));
    m_worker = new Worker;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &Worker::refreshed, this, &LiveMonitor::onRefreshed);
    connect(m_worker, &Worker::failed, this, &LiveMonitor::onFailed);
    connect(m_worker, &Worker::history, this, &LiveMonitor::onHistory);
    m_thread->start();
}

LiveMonitor::~LiveMonitor()
{
    // The poll in flight (if any) ends within its query timeout; no new one starts.
    m_worker->stopping = true;
    m_thread->quit();
    m_thread->wait();
}

void LiveMonitor::setIntervalMs(int ms) { m_intervalMs = std::max(50, ms); }

void LiveMonitor::start(const LiveTarget& target)
{
    const quint64 generation = ++m_generation;
    m_polling = true;
    m_url = qs(target.endpoint.url);
    m_lastError.clear();
    m_lastRefresh = {};
    setConnected(false);
    const int interval = m_intervalMs;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, target, generation, interval] { worker->configure(target, generation, interval); },
        Qt::QueuedConnection);
}

void LiveMonitor::stop()
{
    ++m_generation;
    m_polling = false;
    setConnected(false);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->halt(); }, Qt::QueuedConnection);
}

void LiveMonitor::setBaseline(double unixTime)
{
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, unixTime] { worker->setBaseline(unixTime); },
                              Qt::QueuedConnection);
}

void LiveMonitor::onRefreshed(quint64 generation, const LiveRefreshPtr& refresh)
{
    if (generation != m_generation)
        return;
    m_lastRefresh = QDateTime::currentDateTime();
    m_lastError.clear();
    setConnected(true);
    Q_EMIT refreshed(refresh);
}

void LiveMonitor::onFailed(quint64 generation, const QString& message)
{
    if (generation != m_generation)
        return;
    m_lastError = message;
    setConnected(false);
    Q_EMIT pollFailed(message);
}

void LiveMonitor::onHistory(quint64 generation, const QList<QPointF>& points)
{
    if (generation == m_generation)
        Q_EMIT historyFetched(points);
}

void LiveMonitor::setConnected(bool connected)
{
    if (connected == m_connected)
        return;
    m_connected = connected;
    Q_EMIT connectionChanged(connected);
}

} // namespace kvroute::app

#include "live_monitor.moc"
