// The Live tab against real processes on 127.0.0.1. (1) A local stack of two pods started from
// the panel (the kvroute binary's pods, gateway and Prometheus): it runs a load from the tab and
// shows the measured cluster hit rate within 0.05 of the simulation of the same load, a row per
// pod and a connected state, then stops the stack.
// (2) A Prometheus that is not there: an inline error within seconds while the event loop keeps
// turning, then a real Debian `prometheus` started on that port: the panel says connected again.
// Every process the test starts it stops by the pid it started (stackDown, QProcess), also when
// a check fails.

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/live/live_charts_view.h"
#include "app/gui/live/live_figure_card.h"
#include "app/gui/live/live_panel.h"
#include "cluster/stack/stack.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtTest/QtTest>
#include <QtWidgets/QTableWidget>

#include <cmath>

using namespace kvroute;

namespace {

/// Stops the stack in `dir` on scope exit: exactly the processes its stack.json records.
struct StackGuard {
    QString dir;
    ~StackGuard()
    {
        if (QFile::exists(dir + QStringLiteral("/stack.json")))
            (void)cluster::stackDown(dir.toStdString());
    }
};

/// Terminates the process it started on scope exit (SIGTERM, then SIGKILL after 10 s).
struct ProcessGuard {
    QProcess& process;
    ~ProcessGuard()
    {
        if (process.state() == QProcess::NotRunning)
            return;
        process.terminate();
        if (!process.waitForFinished(10000)) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

/// The largest gap between ticks of a 50 ms timer: how long the event loop stood still.
class StallMeter final : public QObject {
public:
    StallMeter()
    {
        m_clock.start();
        m_timer.setInterval(50);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            m_maxGapMs = std::max(m_maxGapMs, m_clock.restart());
        });
        m_timer.start();
    }
    [[nodiscard]] qint64 maxGapMs() const { return m_maxGapMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_maxGapMs = 0;
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed on return: nobody listens there
}

} // namespace

class TestLivePanel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void localStackLoadMatchesSimulation();
    void unreachablePrometheusRecovers();
};

void TestLivePanel::localStackLoadMatchesSimulation()
{
    const QString kvroute = qEnvironmentVariable("KVROUTE_BIN");
    QVERIFY2(QFile::exists(kvroute), "KVROUTE_BIN must name the kvroute binary");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(QStringLiteral("stack"));
    StackGuard guard{dir};

    // The stack is started from the panel (stackUp on its worker thread) for the "editor's"
    // scenario: default with two pods.
    auto scenario = sim::builtinScenario("default");
    QVERIFY(scenario);
    QVERIFY(sim::applyOverrides(*scenario, std::vector<std::string>{"cluster.pods=2"}));
    app::LivePanel panel;
    panel.setScenarioProvider([&scenario] { return *scenario; });
    panel.setKvroutePath(kvroute);
    panel.resize(1100, 800);
    panel.show();
    StallMeter stalls;
    panel.startStack(dir, 0.05);
    QTRY_VERIFY2_WITH_TIMEOUT(panel.isConnected() && panel.comparison().simulation(),
                              qPrintable(panel.connectionText() + QStringLiteral(" | ") + panel.errorText()), 60000);
    qInfo("stack up and first refresh; longest event-loop stall meanwhile: %lld ms",
          static_cast<long long>(stalls.maxGapMs()));
    QVERIFY2(stalls.maxGapMs() < 500, "starting the stack held up the event loop");
    QVERIFY2(panel.connectionText().contains(QStringLiteral("Connected to http://127.0.0.1:")),
             qPrintable(panel.connectionText()));

    QSignalSpy loads(panel.stackController(), &app::LiveStackController::loadFinished);
    panel.runLoad(10.0);
    QVERIFY(panel.loadRunning());
    QTRY_VERIFY2_WITH_TIMEOUT(!panel.loadRunning(), qPrintable(panel.loadText()), 60000);
    QVERIFY2(panel.loadText().startsWith(QStringLiteral("Load done")), qPrintable(panel.loadText()));
    QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
    QCOMPARE(loads.count(), 1);
    const auto report = loads.front().front().value<app::LoadReportPtr>();
    QVERIFY(report->requestsCompleted > 0);

    // Prometheus scrapes every second and the panel polls every two: wait until a refresh has
    // counted every request the load saw finish, and the simulation of that load has arrived.
    QTRY_VERIFY2_WITH_TIMEOUT(
        [&] {
            const auto& latest = panel.comparison().latest();
            if (!latest || latest->podsSinceBaseline.size() != 2 || !panel.comparison().simulation())
                return false;
            double requests = 0;
            for (const auto& p : latest->podsSinceBaseline)
                requests += p.requests;
            return requests == static_cast<double>(report->requestsCompleted) &&
                   panel.comparison().simulation()->simulatedSeconds < 200; // the 10 s load's run
        }(),
        "no refresh counted the load's requests", 20000);
    // One refresh more: the scrape after the last answer, not one mid-way.
    QSignalSpy refreshes(panel.monitor(), &app::LiveMonitor::refreshed);
    QVERIFY(refreshes.wait(5000));

    const app::FigureComparison hit = panel.comparison().hitRateNow();
    const sim::RunResults& simulated = *panel.comparison().simulation();
    qInfo("measured hit rate %.4f, simulated %.4f (run %.4f, %lld requests)", hit.measured, hit.simulated,
          simulated.hitRate, static_cast<long long>(simulated.requestsCompleted));
    QVERIFY(std::isfinite(hit.measured));
    QVERIFY(std::isfinite(hit.simulated));
    QVERIFY2(hit.measured > 0.0, "the load's follow-up turns must hit the cache");
    QVERIFY2(std::abs(hit.measured - hit.simulated) <= 0.05, "measured and simulated hit rates differ by more than 0.05");
    QVERIFY2(std::abs(hit.simulated - simulated.hitRate) <= 1e-9, "after the load the simulated figure is the run's");

    // What the panel shows: the figure, a row and a bar per pod, both lines.
    app::LiveChartsView* charts = panel.charts();
    QVERIFY(charts->hitRateCard()->measured().endsWith(QStringLiteral(" %")));
    QTableWidget* table = charts->podTable();
    QCOMPARE(table->rowCount(), 2);
    QVERIFY(table->item(0, 0)->text().endsWith(QStringLiteral("decode-0")));
    QVERIFY(table->item(1, 0)->text().endsWith(QStringLiteral("decode-1")));
    QCOMPARE(charts->podHitRateChart()->setCount(), 2);
    for (int set = 0; set < 2; ++set)
        for (qreal value : charts->podHitRateChart()->setValues(set))
            QVERIFY2(std::isfinite(value), "every pod has a measured and a simulated hit rate");
    QCOMPARE(charts->hitRateChart()->seriesCount(), 2);
    QVERIFY(!charts->hitRateChart()->seriesPoints(0).isEmpty());
    QVERIFY(charts->hitRateChart()->seriesPoints(1).size() > 2); // the simulated line, not a level
    QVERIFY(panel.connectionText().contains(QStringLiteral("Connected to")));

    QTemporaryDir csv;
    QVERIFY(panel.exportCsv(csv.path()));
    QFile pods(csv.filePath(QStringLiteral("live_pods.csv")));
    QVERIFY(pods.open(QIODevice::ReadOnly));
    QCOMPARE(pods.readAll().count('\n'), 3); // header + 2 pods

    // Stop from the panel: every process it started is gone (stack.json moves aside).
    QSignalSpy stopped(panel.stackController(), &app::LiveStackController::stackStopped);
    panel.stopStack();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
    QVERIFY(!QFile::exists(dir + QStringLiteral("/stack.json")));
    QVERIFY(!panel.stackController()->stack());
}

void TestLivePanel::unreachablePrometheusRecovers()
{
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("prometheus")).isEmpty(), "needs Debian's prometheus");
    const quint16 port = freePort();
    QVERIFY(port != 0);
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);

    app::LivePanel panel;
    panel.show();
    StallMeter stalls;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(panel.connectPrometheus(url));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.errorText().isEmpty(), 5000);
    qInfo("inline error after %lld ms: %s", static_cast<long long>(clock.elapsed()), qPrintable(panel.errorText()));
    QVERIFY(panel.errorText().contains(QString::number(port)));
    QVERIFY2(panel.connectionText().contains(QStringLiteral("unreachable")) &&
                 panel.connectionText().contains(QStringLiteral("retrying every 2 s")),
             qPrintable(panel.connectionText()));
    QVERIFY(!panel.isConnected());

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QFile config(tmp.filePath(QStringLiteral("p.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: prometheus\n"
                                "    static_configs:\n      - targets: ['127.0.0.1:%1']\n")
                     .arg(port)
                     .toUtf8());
    config.close();
    QProcess prometheus;
    ProcessGuard guard{prometheus};
    prometheus.setProcessChannelMode(QProcess::MergedChannels);
    prometheus.start(QStringLiteral("prometheus"),
                     {QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
                      QStringLiteral("--storage.tsdb.path=") + tmp.filePath(QStringLiteral("tsdb")),
                      QStringLiteral("--config.file=") + config.fileName()});
    QVERIFY(prometheus.waitForStarted(10000));

    clock.restart();
    QTRY_VERIFY2_WITH_TIMEOUT(panel.isConnected(), qPrintable(panel.connectionText()), 30000);
    qInfo("connected %lld ms after prometheus started", static_cast<long long>(clock.elapsed()));
    QVERIFY2(panel.connectionText().contains(QStringLiteral("Connected to ") + url), qPrintable(panel.connectionText()));
    QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
    qInfo("longest event-loop stall: %lld ms", static_cast<long long>(stalls.maxGapMs()));
    QVERIFY2(stalls.maxGapMs() < 500, "the event loop stood still for more than 500 ms");
}

QTEST_MAIN(TestLivePanel)
#include "tst_live_panel.moc"
