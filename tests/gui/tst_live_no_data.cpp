// What the Live tab's empty charts say follows the state line above them: "Waiting for the
// first refresh…" only while a refresh can come (connecting), "not connected" when nothing is
// watched (it said "Waiting for the first refresh…" under "○ Not connected: …", a wait for a
// refresh that could not come), "unreachable" while the Prometheus does not answer, and
// "connected: no hit rate measured yet" while it answers but holds no vLLM series yet.

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/live/live_charts_view.h"
#include "app/gui/live/live_panel.h"

#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace kvroute::app;

namespace {

/// Nobody listens on the discard port: every poll is refused at once.
const QString kDeadPrometheus = QStringLiteral("http://127.0.0.1:9");

/// A Prometheus that answers every query with no series, as one does before it has scraped a
/// vLLM pod. It runs on the test's event loop, which QTRY_* keeps turning.
class EmptyPrometheus final : public QObject {
public:
    EmptyPrometheus()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] { answerWhenComplete(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    [[nodiscard]] bool isListening() const { return m_server.isListening(); }
    [[nodiscard]] QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()); }

private:
    /// The client POSTs its query as a form: the answer waits for the whole body, so that
    /// closing the connection cannot cut the request short.
    static void answerWhenComplete(QTcpSocket* socket)
    {
        const QByteArray received = socket->peek(socket->bytesAvailable());
        const qsizetype headerEnd = received.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QString header = QString::fromLatin1(received.left(headerEnd)).toLower();
        static const QRegularExpression contentLength(QStringLiteral("content-length:\\s*(\\d+)"));
        const auto match = contentLength.match(header);
        const qsizetype bodyBytes = match.hasMatch() ? match.captured(1).toLongLong() : 0;
        if (received.size() < headerEnd + 4 + bodyBytes) {
            if (header.contains(QStringLiteral("expect: 100-continue")) && !socket->property("continued").toBool()) {
                socket->setProperty("continued", true);
                socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            return;
        }
        socket->readAll();
        const QByteArray type = received.startsWith("POST /api/v1/query_range") ? "matrix" : "vector";
        const QByteArray body = R"({"status":"success","data":{"resultType":")" + type + R"(","result":[]}})";
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
};

} // namespace

class TestLiveNoData final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptyChartsSayWhyTheyAreEmpty()
    {
        LivePanel panel;
        panel.resize(1200, 800);
        panel.show();
        const LiveChartsView* charts = panel.charts();
        const auto hitRateText = [charts] { return charts->hitRateChart()->noDataText(); };
        const auto podsTexts = [charts] {
            return QStringList{charts->podHitRateChart()->noDataText(), charts->podShareChart()->noDataText()};
        };

        // Nothing watched: the state line and the charts agree that nothing is connected.
        QVERIFY2(panel.connectionText().contains(QStringLiteral("Not connected")), qPrintable(panel.connectionText()));
        QVERIFY(charts->hitRateChart()->noDataShown());
        QCOMPARE(hitRateText(), QStringLiteral("No live data: not connected"));
        for (const QString& text : podsTexts())
            QCOMPARE(text, QStringLiteral("No live data: not connected"));

        // Connecting: a refresh can come now, and the chart waits for it.
        QVERIFY(panel.connectPrometheus(kDeadPrometheus));
        QVERIFY2(panel.connectionText().contains(QStringLiteral("Connecting to")), qPrintable(panel.connectionText()));
        QCOMPARE(hitRateText(), QStringLiteral("Waiting for the first refresh…"));
        for (const QString& text : podsTexts())
            QCOMPARE(text, QStringLiteral("No pods reported yet"));

        // Refused: the charts say so, as the state line does, instead of waiting on.
        QTRY_VERIFY_WITH_TIMEOUT(panel.connectionText().contains(QStringLiteral("unreachable")), 10000);
        QVERIFY2(hitRateText().contains(QStringLiteral("Prometheus unreachable")), qPrintable(hitRateText()));
        for (const QString& text : podsTexts())
            QVERIFY2(text.contains(QStringLiteral("Prometheus unreachable")), qPrintable(text));
        QVERIFY(charts->hitRateChart()->noDataShown());
        QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("kvroute-live-unreachable.png")))); // to look at

        // Disconnected: back to "not connected".
        panel.disconnectPrometheus();
        QVERIFY2(panel.connectionText().contains(QStringLiteral("Not connected")), qPrintable(panel.connectionText()));
        QCOMPARE(hitRateText(), QStringLiteral("No live data: not connected"));

        // A stack that cannot be attached (a folder without one): never "waiting for the first refresh".
        QSignalSpy errors(&panel, &LivePanel::liveErrorShown);
        QTemporaryDir emptyFolder;
        panel.attachStack(emptyFolder.path());
        QVERIFY(hitRateText() != QStringLiteral("Waiting for the first refresh…"));
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(hitRateText(), QStringLiteral("No live data: not connected"), 5000);
        QVERIFY2(panel.connectionText().contains(QStringLiteral("Not connected")), qPrintable(panel.connectionText()));
        QVERIFY(panel.grab().save(QDir::temp().filePath(QStringLiteral("kvroute-live-not-connected.png"))));
    }

    void connectedWithoutAHitRateSaysSo()
    {
        EmptyPrometheus prometheus;
        QVERIFY(prometheus.isListening());
        LivePanel panel;
        panel.resize(1200, 800);
        panel.show();
        const LiveChartsView* charts = panel.charts();

        QVERIFY(panel.connectPrometheus(prometheus.url()));
        QTRY_VERIFY2_WITH_TIMEOUT(panel.isConnected(), qPrintable(panel.connectionText() + panel.errorText()), 10000);
        QVERIFY2(panel.connectionText().contains(QStringLiteral("Connected to ") + prometheus.url()),
                 qPrintable(panel.connectionText()));
        QVERIFY2(panel.errorText().isEmpty(), qPrintable(panel.errorText()));
        // Connected, so not "waiting" and not "not connected": the answer holds no hit rate yet.
        QVERIFY(charts->hitRateChart()->noDataShown());
        QCOMPARE(charts->hitRateChart()->noDataText(), QStringLiteral("Connected: no hit rate measured yet"));
        QCOMPARE(charts->podHitRateChart()->noDataText(), QStringLiteral("No pods reported yet"));
        QCOMPARE(charts->podShareChart()->noDataText(), QStringLiteral("No pods reported yet"));
    }
};

QTEST_MAIN(TestLiveNoData)
#include "tst_live_no_data.moc"
