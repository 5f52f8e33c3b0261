// The Prometheus client and the live snapshot against the real Debian `prometheus` binary on
// 127.0.0.1, scraping itself and a fake vLLM target every second; a python3 helper
// (token_proxy.py) stands in for what is in front of a cluster's Prometheus (bearer tokens, 401,
// 403, login pages, TLS). The test starts every process itself and stops each by the QProcess it
// started (and the kernel kills them if the test dies: PR_SET_PDEATHSIG).
//
// The fake pods' counters grow at fixed rates (token_proxy.py), so the catalogue's answers are
// known by hand: decode-0 hits 3/s of 4/s queried, decode-1 1/s of 2/s, so the hit rates are
// 0.75, 0.5 and (3+1)/(4+2) = 2/3 for the cluster; requests 2/s and 6/s, shares 1/4 and 3/4;
// every first token in the (0.1 s, 0.5 s] bucket, so p50 = 0.1 + 0.4·0.5 = 0.3 s and
// p90 = 0.1 + 0.4·0.9 = 0.46 s.

#include "cluster/prometheus/live_snapshot.h"
#include "cluster/prometheus/prometheus_client.h"
#include "cluster/prometheus/promql.h"

#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QtTest>

#include <sys/prctl.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <limits>
#include <tuple>

using namespace kvroute;
using namespace kvroute::cluster;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kToken = "sha256~right-token-0123456789abcdef";
const std::string kWrongToken = "sha256~wrong-token-fedcba9876543210";
const std::string kForbiddenToken = "sha256~forbidden-token-5555";

double nowSeconds()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const char* kindName(PrometheusFailure kind)
{
    switch (kind) {
    case PrometheusFailure::Unreachable: return "Unreachable";
    case PrometheusFailure::Timeout: return "Timeout";
    case PrometheusFailure::Tls: return "Tls";
    case PrometheusFailure::Unauthorized: return "Unauthorized";
    case PrometheusFailure::Forbidden: return "Forbidden";
    case PrometheusFailure::BadQuery: return "BadQuery";
    case PrometheusFailure::ServerError: return "ServerError";
    case PrometheusFailure::BadResponse: return "BadResponse";
    case PrometheusFailure::TokenFile: return "TokenFile";
    case PrometheusFailure::Cancelled: return "Cancelled";
    }
    return "?";
}

int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

/// The HTTP status of GET path on 127.0.0.1:port, 0 when nothing answers.
int httpStatus(int port, const QByteArray& path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(port));
    if (!socket.waitForConnected(500))
        return 0;
    socket.write("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    while (socket.waitForReadyRead(1000) && !answer.contains('\n'))
        answer += socket.readAll();
    answer += socket.readAll();
    const auto match = QRegularExpression(QStringLiteral("^HTTP/1\\.[01] (\\d{3})")).match(QString::fromLatin1(answer));
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

/// A child that dies with the test, however the test ends.
void startOwned(QProcess& process, const QString& program, const QStringList& args)
{
    process.setProgram(program);
    process.setArguments(args);
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    process.start();
}

/// SIGTERM, then SIGKILL after 5 s, to this process only.
void stopOwned(QProcess& process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished(2000);
    }
}

/// Reads "listening <port>" from a helper's stdout within `ms`.
int listeningPort(QProcess& process, int ms)
{
    QElapsedTimer clock;
    clock.start();
    QByteArray out;
    while (clock.elapsed() < ms && !out.contains('\n') && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        out += process.readAllStandardOutput();
    }
    const auto match = QRegularExpression(QStringLiteral("listening (\\d+)")).match(QString::fromUtf8(out));
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

QString python3()
{
    // Debian's own first: a pyenv shim on PATH costs a second per start.
    if (QFileInfo(QStringLiteral("/usr/bin/python3")).isExecutable())
        return QStringLiteral("/usr/bin/python3");
    return QStandardPaths::findExecutable(QStringLiteral("python3"));
}

const PromSample* withLabel(const std::vector<PromSample>& samples, const std::string& label, const std::string& value)
{
    for (const auto& s : samples)
        if (const auto it = s.labels.find(label); it != s.labels.end() && it->second == value)
            return &s;
    return nullptr;
}

QString messageOf(const PrometheusError& e)
{
    return QString::fromStdString(e.message);
}

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

class TestPrometheusClient : public QObject {
    Q_OBJECT

public:
    ~TestPrometheusClient() override { stopAll(); }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void instantQueryOfUp();
    void scalarsAndSpecialValues_data();
    void scalarsAndSpecialValues();
    void instantQueryAtATime();
    void rangeQueryOfUp();
    void rangeQueryRefused();
    void instantQueryOfOtherTypes_data();
    void instantQueryOfOtherTypes();
    void baseUrlForms();
    void badQuery_data();
    void badQuery();
    void unreachable();
    void notAUrl();
    void timeout();
    void tokens_data();
    void tokens();
    void tokenReadOnEveryRequest();
    void tokenFileErrors_data();
    void tokenFileErrors();
    void badResponses_data();
    void badResponses();
    void tlsToPlainHttp();
    void caFileMissing();
    void tlsVerification();
    void snapshotOfTheFakePods();
    void snapshotGroupedByInstance();
    void snapshotWithoutSeries();
    void snapshotNotes_data();
    void snapshotNotes();
    void snapshotNeedsAuthorisation();

private:
    void stopAll();
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string pathStd(const QString& name) const { return path(name).toStdString(); }
    void writeFile(const QString& name, const QByteArray& content) const;
    void waitUntil(double unixSeconds) const;
    PrometheusEndpoint direct() const { return PrometheusEndpoint{m_promUrl, {}, {}, true, 5}; }
    PrometheusEndpoint viaProxy(const QString& tokenFile = {}) const
    {
        return PrometheusEndpoint{m_proxyUrl, tokenFile.isEmpty() ? std::string() : pathStd(tokenFile), {}, true, 5};
    }

    QTemporaryDir m_dir;
    QProcess m_prometheus;
    QProcess m_proxy;
    QProcess m_tlsProxy;
    int m_promPort = 0;
    int m_proxyPort = 0;
    int m_tlsPort = 0;
    std::string m_promUrl;
    std::string m_proxyUrl;
    double m_upSince = 0; ///< wall time by which both targets had been scraped once
};

void TestPrometheusClient::stopAll()
{
    stopOwned(m_prometheus);
    stopOwned(m_proxy);
    stopOwned(m_tlsProxy);
}

void TestPrometheusClient::writeFile(const QString& name, const QByteArray& content) const
{
    QFile f(path(name));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

void TestPrometheusClient::waitUntil(double unixSeconds) const
{
    const double wait = unixSeconds - nowSeconds();
    if (wait > 0)
        QThread::msleep(static_cast<unsigned long>(std::min(wait, 10.0) * 1000) + 1);
}

void TestPrometheusClient::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    QVERIFY2(!prometheus.isEmpty(), "the Debian package `prometheus` is not installed (scripts/debian-packages.txt)");
    QVERIFY2(!python3().isEmpty(), "python3 is not installed");

    writeFile(QStringLiteral("right.token"), QByteArray::fromStdString(kToken) + '\n'); // as `oc whoami -t > f` writes
    writeFile(QStringLiteral("wrong.token"), QByteArray::fromStdString(kWrongToken) + '\n');
    writeFile(QStringLiteral("forbidden.token"), QByteArray::fromStdString(kForbiddenToken));

    // The helper forwards to Prometheus's port, and Prometheus scrapes the helper: pick
    // Prometheus's port first (a free port can be taken meanwhile: then try another).
    for (int attempt = 0; attempt < 3 && m_upSince == 0; ++attempt) {
        stopAll();
        m_promPort = freePort();
        m_promUrl = "http://127.0.0.1:" + std::to_string(m_promPort);
        const QString script = QStringLiteral(KVROUTE_SOURCE_DIR "/tests/cluster/token_proxy.py");
        const QStringList proxyArgs{script, QStringLiteral("--upstream"), QString::fromStdString(m_promUrl),
                                    QStringLiteral("--token"), QString::fromStdString(kToken),
                                    QStringLiteral("--forbidden-token"), QString::fromStdString(kForbiddenToken)};
        startOwned(m_proxy, python3(), proxyArgs);
        m_proxyPort = listeningPort(m_proxy, 10000);
        QVERIFY2(m_proxyPort > 0, m_proxy.readAllStandardError().constData());
        m_proxyUrl = "http://127.0.0.1:" + std::to_string(m_proxyPort);

        writeFile(QStringLiteral("p.yml"), QStringLiteral("global:\n"
                                                          "  scrape_interval: 1s\n"
                                                          "  evaluation_interval: 1s\n"
                                                          "scrape_configs:\n"
                                                          "  - job_name: prometheus\n"
                                                          "    static_configs: [{targets: ['127.0.0.1:%1']}]\n"
                                                          "  - job_name: vllm\n"
                                                          "    metrics_path: /vllm/metrics\n"
                                                          "    static_configs: [{targets: ['127.0.0.1:%2']}]\n")
                                               .arg(m_promPort)
                                               .arg(m_proxyPort)
                                               .toUtf8());
        m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
        m_prometheus.setStandardOutputFile(path(QStringLiteral("prometheus.log")));
        startOwned(m_prometheus, prometheus,
                   {QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_promPort),
                    QStringLiteral("--storage.tsdb.path=") + path(QStringLiteral("tsdb-%1").arg(attempt)),
                    QStringLiteral("--config.file=") + path(QStringLiteral("p.yml"))});
        QVERIFY2(m_prometheus.waitForStarted(5000), qPrintable(m_prometheus.errorString()));

        // Ready, then both targets scraped once: bounded waits.
        QElapsedTimer clock;
        clock.start();
        bool ready = false;
        while (!ready && clock.elapsed() < 15000 && m_prometheus.state() == QProcess::Running) {
            ready = httpStatus(m_promPort, "/-/ready") == 200;
            if (!ready)
                QThread::msleep(100);
        }
        if (!ready)
            continue; // the port was taken, or it did not come up: try again
        PrometheusClient client(direct());
        while (clock.elapsed() < 20000) {
            const auto up = client.query("up");
            if (up && up->size() == 2 && (*up)[0].value == 1 && (*up)[1].value == 1) {
                m_upSince = nowSeconds();
                break;
            }
            QThread::msleep(100);
        }
    }
    if (m_upSince == 0) {
        QFile log(path(QStringLiteral("prometheus.log")));
        (void)log.open(QIODevice::ReadOnly);
        QFAIL(qPrintable(QStringLiteral("Prometheus did not scrape both targets; its log ends:\n") +
                         QString::fromUtf8(log.readAll().right(2000))));
    }

    // A self-signed certificate for 127.0.0.1, and the helper serving HTTPS with it.
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (!openssl.isEmpty()) {
        QProcess req;
        req.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                            QStringLiteral("-keyout"), path(QStringLiteral("key.pem")), QStringLiteral("-out"),
                            path(QStringLiteral("cert.pem")), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                            QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
        if (req.waitForFinished(10000) && req.exitCode() == 0) {
            startOwned(m_tlsProxy, python3(),
                       {QStringLiteral(KVROUTE_SOURCE_DIR "/tests/cluster/token_proxy.py"), QStringLiteral("--upstream"),
                        QString::fromStdString(m_promUrl), QStringLiteral("--token"), QString::fromStdString(kToken),
                        QStringLiteral("--forbidden-token"), QString::fromStdString(kForbiddenToken),
                        QStringLiteral("--tls-cert"), path(QStringLiteral("cert.pem")), QStringLiteral("--tls-key"),
                        path(QStringLiteral("key.pem"))});
            m_tlsPort = listeningPort(m_tlsProxy, 10000);
        }
    }
}

void TestPrometheusClient::cleanupTestCase()
{
    stopAll();
    QCOMPARE(m_prometheus.state(), QProcess::NotRunning);
    QCOMPARE(m_proxy.state(), QProcess::NotRunning);
    QCOMPARE(m_tlsProxy.state(), QProcess::NotRunning);
}

void TestPrometheusClient::instantQueryOfUp()
{
    PrometheusClient client(direct());
    const auto up = client.query("up");
    QVERIFY2(up.has_value(), up ? "" : up.error().message.c_str());
    QCOMPARE(up->size(), std::size_t(2));
    const PromSample* self = withLabel(*up, "job", "prometheus");
    QVERIFY(self);
    QCOMPARE(self->labels.at("instance"), "127.0.0.1:" + std::to_string(m_promPort));
    QCOMPARE(self->labels.at("__name__"), std::string("up"));
    QCOMPARE(self->labels.size(), std::size_t(3));
    QCOMPARE(self->value, 1.0);
    const PromSample* vllm = withLabel(*up, "job", "vllm");
    QVERIFY(vllm);
    QCOMPARE(vllm->labels.at("instance"), "127.0.0.1:" + std::to_string(m_proxyPort));
    QCOMPARE(vllm->value, 1.0);

    // A label value with characters PromQL must escape reaches the server intact.
    const auto build = client.query("prometheus_build_info{job=\"prometheus\"}");
    QVERIFY2(build.has_value(), build ? "" : build.error().message.c_str());
    QCOMPARE(build->size(), std::size_t(1));
    QCOMPARE(build->front().labels.count("version"), std::size_t(1));
    QCOMPARE(build->front().value, 1.0);
}

void TestPrometheusClient::scalarsAndSpecialValues_data()
{
    QTest::addColumn<QString>("promql");
    QTest::addColumn<double>("expected");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("1+1") << QStringLiteral("1+1") << 2.0;
    QTest::newRow("0.1+0.2 exact") << QStringLiteral("0.1+0.2") << 0.1 + 0.2;
    QTest::newRow("scalar NaN") << QStringLiteral("0/0") << kNaN;
    QTest::newRow("vector(0)/0 NaN") << QStringLiteral("vector(0)/0") << kNaN;
    QTest::newRow("+Inf") << QStringLiteral("1/0") << inf;
    QTest::newRow("-Inf") << QStringLiteral("vector(-1)/0") << -inf;
    QTest::newRow("large") << QStringLiteral("vector(1e300*10)") << 1e300 * 10.0;
    QTest::newRow("small negative") << QStringLiteral("-2.5e-7") << -2.5e-7;
}

void TestPrometheusClient::scalarsAndSpecialValues()
{
    QFETCH(QString, promql);
    QFETCH(double, expected);
    PrometheusClient client(direct());
    const auto result = client.query(promql.toStdString());
    QVERIFY2(result.has_value(), result ? "" : result.error().message.c_str());
    QCOMPARE(result->size(), std::size_t(1));
    QVERIFY2(sameValue(result->front().value, expected), qPrintable(QString::number(result->front().value, 'g', 17)));
    QVERIFY(result->front().labels.empty()); // a scalar has none; vector(...) has none either
}

void TestPrometheusClient::instantQueryAtATime()
{
    PrometheusClient client(direct());
    const auto t = client.query("time()", 1700000000.5);
    QVERIFY2(t.has_value(), t ? "" : t.error().message.c_str());
    QCOMPARE(t->size(), std::size_t(1));
    QCOMPARE(t->front().value, 1700000000.5);
    // Millisecond resolution, as Prometheus keeps it.
    const auto ms = client.query("time()", 1700000000.123);
    QVERIFY(ms.has_value());
    QCOMPARE(ms->front().value, 1700000000.123);

    // An hour before this Prometheus existed there was no `up`; now there is.
    const auto before = client.query("up", m_upSince - 3600);
    QVERIFY2(before.has_value(), before ? "" : before.error().message.c_str());
    QVERIFY(before->empty());
    const auto now = client.query("up", nowSeconds());
    QVERIFY(now.has_value());
    QCOMPARE(now->size(), std::size_t(2));
}

void TestPrometheusClient::rangeQueryOfUp()
{
    // Both targets have been up since m_upSince: every step from there on has a value.
    const double start = std::ceil(m_upSince);
    const double end = start + 2;
    const double step = 0.5;
    waitUntil(end + 0.1); // "the last few seconds", all in the past
    PrometheusClient client(direct());
    const auto range = client.queryRange("up", start, end, step);
    QVERIFY2(range.has_value(), range ? "" : range.error().message.c_str());
    QCOMPARE(range->size(), std::size_t(2));
    for (const auto& series : *range) {
        QCOMPARE(series.labels.at("__name__"), std::string("up"));
        QCOMPARE(series.points.size(), std::size_t(5));
        for (std::size_t i = 0; i < series.points.size(); ++i) {
            QCOMPARE(series.points[i].first, start + step * static_cast<double>(i)); // in order, on the step grid
            QCOMPARE(series.points[i].second, 1.0);
        }
    }
    // A counter's range: non-decreasing, from the fake pod whose queries grow 4/s.
    const auto queries = client.queryRange("vllm:prefix_cache_queries_total{pod=\"decode-0\"}", start, end, 1);
    QVERIFY2(queries.has_value(), queries ? "" : queries.error().message.c_str());
    QCOMPARE(queries->size(), std::size_t(1));
    QCOMPARE(queries->front().points.size(), std::size_t(3));
    QVERIFY(queries->front().points[1].second > queries->front().points[0].second);
    QVERIFY(queries->front().points[2].second > queries->front().points[1].second);
}

void TestPrometheusClient::rangeQueryRefused()
{
    PrometheusClient client(direct());
    const double now = nowSeconds();
    for (const auto& [start, end, step] : {std::tuple{now, now - 10, 1.0}, std::tuple{now - 10, now, 0.0},
                                           std::tuple{now - 10, now, -1.0}, std::tuple{kNaN, now, 1.0}}) {
        const auto r = client.queryRange("up", start, end, step);
        QVERIFY(!r.has_value());
        QCOMPARE(kindName(r.error().kind), "BadQuery");
        QVERIFY2(messageOf(r.error()).contains(QStringLiteral("positive step")), qPrintable(messageOf(r.error())));
    }
    // Prometheus's own limit: 11,000 points per series.
    const auto tooFine = client.queryRange("up", now - 3600, now, 0.1);
    QVERIFY(!tooFine.has_value());
    QCOMPARE(kindName(tooFine.error().kind), "BadQuery");
    QVERIFY2(messageOf(tooFine.error()).contains(QStringLiteral("exceeded maximum resolution")), qPrintable(messageOf(tooFine.error())));
}

void TestPrometheusClient::instantQueryOfOtherTypes_data()
{
    QTest::addColumn<QString>("promql");
    QTest::addColumn<QString>("expected");
    QTest::newRow("range vector") << QStringLiteral("up[5s]") << QStringLiteral("use a range query");
    QTest::newRow("string") << QStringLiteral("\"hello\"") << QStringLiteral("gave a string");
}

void TestPrometheusClient::instantQueryOfOtherTypes()
{
    QFETCH(QString, promql);
    QFETCH(QString, expected);
    PrometheusClient client(direct());
    const auto r = client.query(promql.toStdString());
    QVERIFY(!r.has_value());
    QCOMPARE(kindName(r.error().kind), "BadResponse");
    QVERIFY2(messageOf(r.error()).contains(expected), qPrintable(messageOf(r.error())));
    QVERIFY2(messageOf(r.error()).contains(QString::fromStdString(m_promUrl)), qPrintable(messageOf(r.error())));
}

void TestPrometheusClient::baseUrlForms()
{
    // Trailing slashes are the same base; the query is form-encoded (+, &, = and spaces survive).
    for (const std::string& url : {m_promUrl + "/", m_promUrl + "//"}) {
        PrometheusClient client(PrometheusEndpoint{url, {}, {}, true, 5});
        const auto r = client.query("count(up{job=~\"prom.*|vllm\"}) + 1 == bool 3");
        QVERIFY2(r.has_value(), r ? "" : r.error().message.c_str());
        QCOMPARE(r->size(), std::size_t(1));
        QCOMPARE(r->front().value, 1.0);
    }
    // One client, many queries: the kept-alive connection serves them all.
    PrometheusClient client(direct());
    for (int i = 0; i < 20; ++i) {
        const auto r = client.query(std::to_string(i) + " * 2");
        QVERIFY(r.has_value());
        QCOMPARE(r->front().value, 2.0 * i);
    }
}

void TestPrometheusClient::badQuery_data()
{
    QTest::addColumn<QString>("promql");
    QTest::addColumn<QString>("prometheusSays");
    QTest::newRow("unclosed paren") << QStringLiteral("sum(") << QStringLiteral("parse error: unclosed left parenthesis");
    QTest::newRow("unclosed brace") << QStringLiteral("up{job=\"x\"") << QStringLiteral("parse error");
    QTest::newRow("zero range") << QStringLiteral("rate(up[0s])") << QStringLiteral("duration must be greater than 0");
    QTest::newRow("unknown escape") << QStringLiteral("up{job=~\"a\\.b\"}") << QStringLiteral("unknown escape sequence");
    QTest::newRow("two words") << QStringLiteral("foo bar") << QStringLiteral("parse error");
    QTest::newRow("empty") << QString() << QStringLiteral("invalid parameter");
}

void TestPrometheusClient::badQuery()
{
    QFETCH(QString, promql);
    QFETCH(QString, prometheusSays);
    PrometheusClient client(direct());
    const auto r = client.query(promql.toStdString());
    QVERIFY(!r.has_value());
    const QString message = messageOf(r.error());
    QCOMPARE(kindName(r.error().kind), "BadQuery");
    QVERIFY2(message.contains(prometheusSays), qPrintable(message));
    QVERIFY2(message.contains(QLatin1Char('`') + promql + QLatin1Char('`')), qPrintable(message));
    QVERIFY2(message.contains(QString::fromStdString(m_promUrl)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("bad_data")), qPrintable(message));
}

void TestPrometheusClient::unreachable()
{
    const int port = freePort();
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    PrometheusClient client(PrometheusEndpoint{url, {}, {}, true, 5});
    QElapsedTimer clock;
    clock.start();
    const auto r = client.query("up");
    const qint64 ms = clock.elapsed();
    QVERIFY(!r.has_value());
    QCOMPARE(kindName(r.error().kind), "Unreachable");
    const QString message = messageOf(r.error());
    QVERIFY2(message.contains(QString::fromStdString(url) + QStringLiteral(" is unreachable")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("onnect")), qPrintable(message)); // libcurl's "Failed to connect ... refused"
    QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
    // And so is a range query, the same way.
    const auto range = client.queryRange("up", nowSeconds() - 10, nowSeconds(), 1);
    QVERIFY(!range.has_value());
    QCOMPARE(kindName(range.error().kind), "Unreachable");
}

void TestPrometheusClient::notAUrl()
{
    for (const std::string url : {"127.0.0.1:9090", "ftp://127.0.0.1:9090", ""}) {
        PrometheusClient client(PrometheusEndpoint{url, {}, {}, true, 5});
        const auto r = client.query("up");
        QVERIFY(!r.has_value());
        QCOMPARE(kindName(r.error().kind), "Unreachable");
        QVERIFY2(messageOf(r.error()).contains(QStringLiteral("must start with http:// or https://")), qPrintable(messageOf(r.error())));
    }
}

void TestPrometheusClient::timeout()
{
    // Listens (the kernel completes the handshake) but never reads or answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    const std::string url = "http://127.0.0.1:" + std::to_string(silent.serverPort());
    PrometheusClient client(PrometheusEndpoint{url, {}, {}, true, 0.5});
    QElapsedTimer clock;
    clock.start();
    const auto r = client.query("up");
    const qint64 ms = clock.elapsed();
    QVERIFY(!r.has_value());
    QCOMPARE(kindName(r.error().kind), "Timeout");
    const QString message = messageOf(r.error());
    QVERIFY2(message.contains(QString::fromStdString(url) + QStringLiteral(" did not answer within 0.5")), qPrintable(message));
    QVERIFY2(ms >= 450 && ms < 2000, qPrintable(QString::number(ms)));
}

void TestPrometheusClient::tokens_data()
{
    QTest::addColumn<QString>("tokenFile");
    QTest::addColumn<QString>("kind"); // "" = success
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("no token") << QString() << QStringLiteral("Unauthorized")
                              << QStringList{QStringLiteral("401"), QStringLiteral("--token-file"), QStringLiteral("oc whoami -t")};
    QTest::newRow("wrong token") << QStringLiteral("wrong.token") << QStringLiteral("Unauthorized")
                                 << QStringList{QStringLiteral("401"), QStringLiteral("wrong.token"), QStringLiteral("refused")};
    QTest::newRow("forbidden token") << QStringLiteral("forbidden.token") << QStringLiteral("Forbidden")
                                     << QStringList{QStringLiteral("403"), QStringLiteral("cluster-monitoring-view")};
    QTest::newRow("right token, trailing newline") << QStringLiteral("right.token") << QString() << QStringList{};
}

void TestPrometheusClient::tokens()
{
    QFETCH(QString, tokenFile);
    QFETCH(QString, kind);
    QFETCH(QStringList, mentions);
    PrometheusClient client(viaProxy(tokenFile));
    const auto r = client.query("up{job=\"prometheus\"}");
    if (kind.isEmpty()) {
        QVERIFY2(r.has_value(), r ? "" : r.error().message.c_str());
        PrometheusClient plain(direct());
        const auto expected = plain.query("up{job=\"prometheus\"}");
        QVERIFY(expected.has_value());
        QCOMPARE(r->size(), expected->size());
        QCOMPARE(r->front().labels, expected->front().labels);
        QCOMPARE(r->front().value, expected->front().value);
        const auto t = client.query("time()", 1700000000.25);
        QVERIFY(t.has_value());
        QCOMPARE(t->front().value, 1700000000.25);
        const auto range = client.queryRange("up{job=\"prometheus\"}", std::ceil(m_upSince), std::ceil(m_upSince) + 2, 1);
        QVERIFY2(range.has_value(), range ? "" : range.error().message.c_str());
        QCOMPARE(range->front().points.size(), std::size_t(3));
        return;
    }
    QVERIFY(!r.has_value());
    const QString message = messageOf(r.error());
    QCOMPARE(QString::fromLatin1(kindName(r.error().kind)), kind);
    QVERIFY2(message.contains(QString::fromStdString(m_proxyUrl)), qPrintable(message));
    for (const QString& m : mentions)
        QVERIFY2(message.contains(m), qPrintable(message));
    // No token, nor any part of one, ever in a message.
    for (const std::string& token : {kToken, kWrongToken, kForbiddenToken})
        QVERIFY2(!message.contains(QString::fromStdString(token.substr(7, 12))), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("sha256~")), qPrintable(message));
}

void TestPrometheusClient::tokenReadOnEveryRequest()
{
    // A projected service-account token rotates: the same client picks up the new file.
    writeFile(QStringLiteral("rotating.token"), QByteArray::fromStdString(kWrongToken));
    PrometheusClient client(viaProxy(QStringLiteral("rotating.token")));
    const auto before = client.query("1");
    QVERIFY(!before.has_value());
    QCOMPARE(kindName(before.error().kind), "Unauthorized");
    writeFile(QStringLiteral("rotating.token"), "  " + QByteArray::fromStdString(kToken) + "\r\n");
    const auto after = client.query("1");
    QVERIFY2(after.has_value(), after ? "" : after.error().message.c_str());
    QCOMPARE(after->front().value, 1.0);
}

void TestPrometheusClient::tokenFileErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content"); // null = the file does not exist
    QTest::addColumn<QString>("problem");
    QTest::newRow("missing") << QStringLiteral("missing.token") << QByteArray() << QStringLiteral("cannot read the token file");
    QTest::newRow("empty") << QStringLiteral("empty.token") << QByteArray("") << QStringLiteral("is empty");
    QTest::newRow("only whitespace") << QStringLiteral("blank.token") << QByteArray(" \n\t\n") << QStringLiteral("is empty");
    QTest::newRow("two lines") << QStringLiteral("two.token")
                               << QByteArray::fromStdString(kToken + "\n" + kWrongToken + "\n") << QStringLiteral("more than one token");
    QTest::newRow("two on a line") << QStringLiteral("pair.token") << QByteArray::fromStdString(kToken + " " + kWrongToken)
                                   << QStringLiteral("more than one token");
    QTest::newRow("a directory") << QStringLiteral(".") << QByteArray() << QStringLiteral("is a directory");
}

void TestPrometheusClient::tokenFileErrors()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, problem);
    if (!content.isNull())
        writeFile(name, content);
    // The token is read before any request: even an unreachable server reports the file.
    for (const std::string& url : {m_proxyUrl, "http://127.0.0.1:" + std::to_string(freePort())}) {
        PrometheusClient client(PrometheusEndpoint{url, pathStd(name), {}, true, 5});
        const auto r = client.query("up");
        QVERIFY(!r.has_value());
        const QString message = messageOf(r.error());
        QCOMPARE(kindName(r.error().kind), "TokenFile");
        QVERIFY2(message.contains(problem), qPrintable(message));
        QVERIFY2(message.contains(path(name)), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("sha256~")), qPrintable(message));
    }
}

void TestPrometheusClient::badResponses_data()
{
    QTest::addColumn<QString>("base"); // appended to the helper's URL; "prometheus:" = Prometheus's
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("login page, 200") << QStringLiteral("/canned/html") << QStringLiteral("BadResponse")
                                     << QStringList{QStringLiteral("answered HTTP 200, not Prometheus's JSON"),
                                                    QStringLiteral("Log in with OpenShift")};
    QTest::newRow("redirect to login") << QStringLiteral("/canned/redirect") << QStringLiteral("BadResponse")
                                       << QStringList{QStringLiteral("answered HTTP 302")};
    QTest::newRow("JSON, not Prometheus's") << QStringLiteral("/canned/json-not-prometheus") << QStringLiteral("BadResponse")
                                            << QStringList{QStringLiteral("not Prometheus's JSON"), QStringLiteral("hello")};
    QTest::newRow("value not a number") << QStringLiteral("/canned/bad-value") << QStringLiteral("BadResponse")
                                        << QStringList{QStringLiteral("malformed result"), QStringLiteral("abc")};
    QTest::newRow("success without data") << QStringLiteral("/canned/no-data") << QStringLiteral("BadResponse")
                                          << QStringList{QStringLiteral("without data")};
    QTest::newRow("502 from a gateway") << QStringLiteral("/canned/bad-gateway") << QStringLiteral("ServerError")
                                        << QStringList{QStringLiteral("HTTP 502"), QStringLiteral("Bad Gateway")};
    QTest::newRow("execution error") << QStringLiteral("/canned/execution") << QStringLiteral("ServerError")
                                     << QStringList{QStringLiteral("execution"), QStringLiteral("too many samples"),
                                                    QStringLiteral("`up`")};
    QTest::newRow("more than 64 MiB") << QStringLiteral("/canned/huge") << QStringLiteral("BadResponse")
                                      << QStringList{QStringLiteral("more than 64 MiB"), QStringLiteral("`up`"),
                                                     QStringLiteral("narrow the selector")};
    QTest::newRow("404: base with /api/v1") << QStringLiteral("prometheus:/api/v1") << QStringLiteral("BadResponse")
                                            << QStringList{QStringLiteral("HTTP 404"), QStringLiteral("404 page not found"),
                                                           QStringLiteral("without /api/v1")};
    QTest::newRow("404: a path that is no Prometheus") << QStringLiteral("/canned/nothing") << QStringLiteral("BadResponse")
                                                       << QStringList{QStringLiteral("HTTP 404"), QStringLiteral("without /api/v1")};
}

void TestPrometheusClient::badResponses()
{
    QFETCH(QString, base);
    QFETCH(QString, kind);
    QFETCH(QStringList, mentions);
    const std::string url = base.startsWith(QStringLiteral("prometheus:")) ? m_promUrl + base.mid(11).toStdString()
                                                                           : m_proxyUrl + base.toStdString();
    PrometheusClient client(PrometheusEndpoint{url, {}, {}, true, 5});
    const auto r = client.query("up");
    QVERIFY2(!r.has_value(), "a non-Prometheus answer was taken for one");
    const QString message = messageOf(r.error());
    QCOMPARE(QString::fromLatin1(kindName(r.error().kind)), kind);
    QVERIFY2(message.contains(QStringLiteral("Prometheus at ") + QString::fromStdString(url)), qPrintable(message));
    for (const QString& m : mentions)
        QVERIFY2(message.contains(m), qPrintable(message));
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message)); // one line, whatever the body
}

void TestPrometheusClient::tlsToPlainHttp()
{
    // libcurl reports OpenSSL's "wrong version number" as CURLE_SSL_CONNECT_ERROR: a Tls failure.
    const std::string url = "https://127.0.0.1:" + std::to_string(m_promPort);
    PrometheusClient client(PrometheusEndpoint{url, {}, {}, true, 5});
    const auto r = client.query("up");
    QVERIFY(!r.has_value());
    const QString message = messageOf(r.error());
    QCOMPARE(kindName(r.error().kind), "Tls");
    QVERIFY2(message.contains(QString::fromStdString(url)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("TLS failed")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("wrong version number")), qPrintable(message));
    // The likely fix is the scheme, not a CA bundle.
    QVERIFY2(message.contains(QStringLiteral("http://")), qPrintable(message));
}

void TestPrometheusClient::caFileMissing()
{
    const std::string ca = pathStd(QStringLiteral("no-such-ca.pem"));
    for (const std::string& url : {"https://127.0.0.1:" + std::to_string(m_promPort), m_promUrl}) {
        PrometheusClient client(PrometheusEndpoint{url, {}, ca, true, 5});
        const auto r = client.query("up");
        QVERIFY(!r.has_value());
        QCOMPARE(kindName(r.error().kind), "Tls");
        QVERIFY2(messageOf(r.error()).contains(QStringLiteral("cannot read the CA file ") + QString::fromStdString(ca)),
                 qPrintable(messageOf(r.error())));
    }
}

void TestPrometheusClient::tlsVerification()
{
    if (m_tlsPort == 0)
        QSKIP("no openssl to make a certificate, or the TLS helper did not start");
    const std::string url = "https://127.0.0.1:" + std::to_string(m_tlsPort);
    const std::string token = pathStd(QStringLiteral("right.token"));
    const std::string cert = pathStd(QStringLiteral("cert.pem"));

    // A self-signed certificate is refused by default, with the way out named.
    {
        PrometheusClient client(PrometheusEndpoint{url, token, {}, true, 5});
        const auto r = client.query("1");
        QVERIFY(!r.has_value());
        const QString message = messageOf(r.error());
        QCOMPARE(kindName(r.error().kind), "Tls");
        QVERIFY2(message.contains(QString::fromStdString(url)) && message.contains(QStringLiteral("--ca-file")) &&
                     message.contains(QStringLiteral("--insecure-skip-tls-verify")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("certificate"), Qt::CaseInsensitive), qPrintable(message));
    }
    // A CA file that is not a certificate.
    {
        writeFile(QStringLiteral("garbage-ca.pem"), "this is not a certificate\n");
        PrometheusClient client(PrometheusEndpoint{url, token, pathStd(QStringLiteral("garbage-ca.pem")), true, 5});
        const auto r = client.query("1");
        QVERIFY(!r.has_value());
        QCOMPARE(kindName(r.error().kind), "Tls");
    }
    // With the CA: verified, and the token still goes through (same answer as direct).
    {
        PrometheusClient client(PrometheusEndpoint{url, token, cert, true, 5});
        const auto r = client.query("up{job=\"prometheus\"}");
        QVERIFY2(r.has_value(), r ? "" : r.error().message.c_str());
        QCOMPARE(r->size(), std::size_t(1));
        QCOMPARE(r->front().labels.at("instance"), "127.0.0.1:" + std::to_string(m_promPort));
        QCOMPARE(r->front().value, 1.0);
        PrometheusClient noToken(PrometheusEndpoint{url, {}, cert, true, 5});
        const auto refused = noToken.query("1");
        QVERIFY(!refused.has_value());
        QCOMPARE(kindName(refused.error().kind), "Unauthorized");
    }
    // Verification off, when the user asks.
    {
        PrometheusClient client(PrometheusEndpoint{url, token, {}, false, 5});
        const auto r = client.query("1+2");
        QVERIFY2(r.has_value(), r ? "" : r.error().message.c_str());
        QCOMPARE(r->front().value, 3.0);
    }
}

void TestPrometheusClient::snapshotOfTheFakePods()
{
    // Window 5s at a 1 s scrape: wait for five scrapes of the fake pods.
    waitUntil(m_upSince + 5);
    PrometheusClient client(direct());
    // The regex escape (\d, \.) goes through parseSelector and selectorText to Prometheus intact.
    auto selector = parseSelector("model_name=~\"Qwen/Qwen3-0\\.6B\",pod=~\"decode-\\d+\"");
    QVERIFY2(selector.has_value(), selector ? "" : selector.error().message.c_str());
    const auto snap = fetchLiveSnapshot(client, *selector, "5s");
    QVERIFY2(snap.has_value(), snap ? "" : snap.error().message.c_str());
    QCOMPARE(snap->window, std::string("5s"));
    QVERIFY(std::abs(snap->unixTime - nowSeconds()) < 5);
    QVERIFY2(std::abs(snap->clusterHitRate - 4.0 / 6.0) < 1e-9, qPrintable(QString::number(snap->clusterHitRate, 'g', 17)));
    QVERIFY2(std::abs(snap->requestsPerS - 8) < 0.8, qPrintable(QString::number(snap->requestsPerS)));
    QVERIFY2(std::abs(snap->outputTokensPerS - 40) < 4, qPrintable(QString::number(snap->outputTokensPerS)));
    QVERIFY2(std::abs(snap->ttftP50 - 0.3) < 1e-9, qPrintable(QString::number(snap->ttftP50, 'g', 17)));
    QVERIFY2(std::abs(snap->ttftP90 - 0.46) < 1e-9, qPrintable(QString::number(snap->ttftP90, 'g', 17)));
    QVERIFY2(std::abs(snap->preemptions - 2.5) < 0.4, qPrintable(QString::number(snap->preemptions)));
    QVERIFY(std::isnan(snap->stickiness));

    QCOMPARE(snap->pods.size(), std::size_t(2));
    const auto& p0 = snap->pods[0];
    const auto& p1 = snap->pods[1];
    QCOMPARE(p0.pod, std::string("decode-0"));
    QCOMPARE(p1.pod, std::string("decode-1"));
    QVERIFY2(std::abs(p0.hitRate - 0.75) < 1e-9, qPrintable(QString::number(p0.hitRate, 'g', 17)));
    QVERIFY2(std::abs(p1.hitRate - 0.5) < 1e-9, qPrintable(QString::number(p1.hitRate, 'g', 17)));
    QVERIFY(std::abs(p0.requestsPerS - 2) < 0.2 && std::abs(p1.requestsPerS - 6) < 0.6);
    QVERIFY2(std::abs(p0.requestShare - 0.25) < 1e-9 && std::abs(p1.requestShare - 0.75) < 1e-9,
             qPrintable(QString::number(p0.requestShare, 'g', 17)));
    QCOMPARE(p0.waiting, 3.0);
    QCOMPARE(p1.waiting, 1.0);
    QCOMPARE(p0.running, 5.0);
    QCOMPARE(p1.running, 2.0);
    QCOMPARE(p0.kvCacheUsage, 0.5);
    QCOMPARE(p1.kvCacheUsage, 0.25);
    QCOMPARE(snap->notes.size(), std::size_t(1));
    QVERIFY(QString::fromStdString(snap->notes[0]).startsWith(QStringLiteral("no stickiness")));

    // The text and the JSON say the same.
    const QString text = QString::fromStdString(liveSnapshotText(*snap));
    QVERIFY2(text.contains(QStringLiteral("cluster hit rate 66.7 %")) && text.contains(QStringLiteral("TTFT p50 300 ms   p90 460 ms")),
             qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("decode-0 +75\\.0 %"))), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("stickiness —")), qPrintable(text));
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(liveSnapshotJson(*snap)), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject o = doc.object();
    QCOMPARE(o.value(QStringLiteral("hit_rate")).toDouble(), snap->clusterHitRate);
    QVERIFY(o.value(QStringLiteral("stickiness")).isNull());
    QCOMPARE(o.value(QStringLiteral("pods")).toArray().size(), 2);
    QCOMPARE(o.value(QStringLiteral("pods")).toArray()[1].toObject().value(QStringLiteral("request_share")).toDouble(), p1.requestShare);
}

void TestPrometheusClient::snapshotGroupedByInstance()
{
    waitUntil(m_upSince + 5);
    PrometheusClient client(direct());
    auto selector = parseSelector("model_name=\"Qwen/Qwen3-0.6B\"");
    QVERIFY(selector.has_value());
    selector->podLabel = "instance";
    const auto snap = fetchLiveSnapshot(client, *selector, "5s");
    QVERIFY2(snap.has_value(), snap ? "" : snap.error().message.c_str());
    // Both fake pods are one scrape target: by instance they are one row, with the cluster's numbers.
    QCOMPARE(snap->pods.size(), std::size_t(1));
    QCOMPARE(snap->pods[0].pod, "127.0.0.1:" + std::to_string(m_proxyPort));
    QVERIFY(std::abs(snap->pods[0].hitRate - 4.0 / 6.0) < 1e-9);
    QVERIFY(std::abs(snap->pods[0].requestShare - 1) < 1e-12);
    QCOMPARE(snap->pods[0].waiting, 4.0);
    QCOMPARE(snap->pods[0].kvCacheUsage, 0.75);
}

void TestPrometheusClient::snapshotWithoutSeries()
{
    PrometheusClient client(direct());
    auto selector = parseSelector("namespace=nowhere");
    QVERIFY(selector.has_value());
    const auto snap = fetchLiveSnapshot(client, *selector, "30s");
    QVERIFY2(snap.has_value(), snap ? "" : snap.error().message.c_str());
    QVERIFY(std::isnan(snap->clusterHitRate));
    QVERIFY(std::isnan(snap->requestsPerS));
    QVERIFY(std::isnan(snap->ttftP90));
    QVERIFY(snap->pods.empty());
    QVERIFY(!snap->notes.empty());
    QCOMPARE(snap->notes[0], std::string("no vllm:prefix_cache_queries_total series match {namespace=\"nowhere\"}: is Prometheus "
                                         "scraping the vLLM pods, and does the selector match them?"));
    QVERIFY(QString::fromStdString(liveSnapshotText(*snap)).contains(QStringLiteral("(no pods)")));

    const std::string json = liveSnapshotJson(*snap);
    QVERIFY2(json.find("NaN") == std::string::npos && json.find("nan") == std::string::npos, json.c_str());
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonObject o = doc.object();
    for (const char* key : {"hit_rate", "requests_per_s", "output_tokens_per_s", "ttft_p50", "ttft_p90", "preemptions", "stickiness"})
        QVERIFY2(o.value(QLatin1String(key)).isNull(), key);
    QCOMPARE(o.value(QStringLiteral("window")).toString(), QStringLiteral("30s"));
    QVERIFY(o.value(QStringLiteral("pods")).isArray() && o.value(QStringLiteral("pods")).toArray().isEmpty());
    QCOMPARE(o.value(QStringLiteral("notes")).toArray().size(), static_cast<qsizetype>(snap->notes.size()));
    QVERIFY(std::abs(o.value(QStringLiteral("time")).toDouble() - snap->unixTime) < 1e-3);
}

void TestPrometheusClient::snapshotNotes_data()
{
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("podLabel");
    QTest::addColumn<QString>("window");
    QTest::addColumn<QString>("note");
    QTest::newRow("window shorter than two scrapes")
        << QStringLiteral("model_name=\"Qwen/Qwen3-0.6B\"") << QStringLiteral("pod") << QStringLiteral("500ms")
        << QStringLiteral("the window 500ms holds fewer than two scrapes");
    QTest::newRow("idle pods") << QStringLiteral("model_name=\"idle/model\"") << QStringLiteral("pod") << QStringLiteral("5s")
                               << QStringLiteral("no prefix-cache queries in the last 5s: the pods are idle");
    QTest::newRow("no such pod label") << QStringLiteral("model_name=\"Qwen/Qwen3-0.6B\"") << QStringLiteral("replica")
                                       << QStringLiteral("5s") << QStringLiteral("some series have no 'replica' label");
}

void TestPrometheusClient::snapshotNotes()
{
    QFETCH(QString, selector);
    QFETCH(QString, podLabel);
    QFETCH(QString, window);
    QFETCH(QString, note);
    waitUntil(m_upSince + 5);
    PrometheusClient client(direct());
    auto s = parseSelector(selector.toStdString());
    QVERIFY(s.has_value());
    s->podLabel = podLabel.toStdString();
    const auto snap = fetchLiveSnapshot(client, *s, window.toStdString());
    QVERIFY2(snap.has_value(), snap ? "" : snap.error().message.c_str());
    QStringList notes;
    for (const auto& n : snap->notes)
        notes << QString::fromStdString(n);
    QVERIFY2(notes.filter(note).size() == 1, qPrintable(notes.join(QLatin1Char('\n'))));
    if (selector.contains(QStringLiteral("idle"))) {
        QVERIFY(std::isnan(snap->clusterHitRate));
        QCOMPARE(snap->pods.size(), std::size_t(1));
        QVERIFY(std::isnan(snap->pods[0].hitRate));
        QCOMPARE(snap->pods[0].requestsPerS, 0.0);
        QVERIFY(std::isnan(snap->pods[0].requestShare)); // 0 of 0
        QCOMPARE(snap->requestsPerS, 0.0);
    }
}

void TestPrometheusClient::snapshotNeedsAuthorisation()
{
    // A transport or authorisation failure is an error, not a snapshot of NaNs.
    PrometheusClient refused(viaProxy());
    const auto r = fetchLiveSnapshot(refused, LiveSelector{}, "5s");
    QVERIFY(!r.has_value());
    QCOMPARE(kindName(r.error().kind), "Unauthorized");
    PrometheusClient allowed(viaProxy(QStringLiteral("right.token")));
    const auto ok = fetchLiveSnapshot(allowed, LiveSelector{}, "30s");
    QVERIFY2(ok.has_value(), ok ? "" : ok.error().message.c_str());
    QCOMPARE(ok->pods.size(), std::size_t(4)); // no selector: every fake pod
}

QTEST_GUILESS_MAIN(TestPrometheusClient)
#include "tst_prometheus_client.moc"
