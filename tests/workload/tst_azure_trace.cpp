// Azure 2023 trace replay on the shared conversation trace: row count, first arrivals and
// lengths against an independent reading (QFile + QDateTime), time scaling, unique prompts, and
// the timestamp parser on calendar edge cases.

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "sim/kernel/sim_time.h"
#include "sim/workload/azure_trace.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/trace_workloads.h"
#include "workload_test_support.h"

#include <algorithm>
#include <cstddef>
#include <set>
#include <vector>

using kvroute::sim::AzureTraceReader;
using kvroute::sim::AzureTraceWorkload;
using kvroute::sim::kSecond;
using kvroute::sim::parseAzureTimestamp;
using kvroute::sim::SimTime;
using kvroute::sim::TokenVector;
using kvroute::sim::TraceReplayConfig;
using kvroute::test::runWorkload;
using kvroute::test::sharedTrace;

namespace {

struct Row {
    qint64 nanos = 0; ///< since the epoch, UTC
    qint64 context = 0;
    qint64 generated = 0;
};

qint64 qtNanos(const QString& text)
{
    const auto parts = text.split(QLatin1Char('.'));
    const QDateTime t = QDateTime::fromString(parts[0], QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QDateTime utc(t.date(), t.time(), QTimeZone::utc());
    qint64 fraction = 0;
    if (parts.size() > 1)
        fraction = parts[1].leftJustified(9, QLatin1Char('0')).toLongLong();
    return utc.toMSecsSinceEpoch() * 1'000'000 + fraction;
}

std::vector<Row> readWithQt(const std::string& path)
{
    std::vector<Row> rows;
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return rows;
    file.readLine(); // header
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine().trimmed());
        if (line.isEmpty())
            continue;
        const auto fields = line.split(QLatin1Char(','));
        rows.push_back({qtNanos(fields[0]), fields[1].toLongLong(), fields[2].toLongLong()});
    }
    return rows;
}

/// Without the trace every check below would index an empty table.
QString noRowsRead(const std::string& path)
{
    return QStringLiteral("no rows read from %1 (the data tests read ../shared beside the checkout)")
        .arg(QString::fromStdString(path));
}

} // namespace

class TestAzureTrace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void timestamps_data();
    void timestamps();
    void readerMatchesIndependentParser();
    void replay();
    void timeScale();
    void rejectsRows_data();
    void rejectsRows();
};

void TestAzureTrace::rejectsRows_data()
{
    QTest::addColumn<QString>("csv");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    const QString header = QStringLiteral("TIMESTAMP,ContextTokens,GeneratedTokens\n");
    // Accepted silently before (a wrapped nanosecond count), or misreported as out of order.
    QTest::newRow("year 9999") << header + QStringLiteral("9999-01-01 00:00:00,10,1\n") << 2
                               << QStringLiteral("column TIMESTAMP: year 9999 of \"9999-01-01 00:00:00\" is outside "
                                                 "1678-2261");
    QTest::newRow("year 1500 after 2023")
        << header + QStringLiteral("2023-11-16 18:15:46,10,1\n1500-01-01 00:00:00,10,1\n") << 3
        << QStringLiteral("column TIMESTAMP: year 1500");
    // Spanning 1700-2200 wrapped the replay's offsets (scheduleAt() in the past, abort).
    QTest::newRow("span of 500 years")
        << header + QStringLiteral("1700-01-01 00:00:00,10,1\n2200-01-01 00:00:00,10,1\n") << 3
        << QStringLiteral("s after the first row (line 2); a trace may span at most 9000000 s (104 days)");
    QTest::newRow("reversed: 2200 then 1700")
        << header + QStringLiteral("2200-01-01 00:00:00,10,1\n1700-01-01 00:00:00,10,1\n") << 3
        << QStringLiteral("is earlier than the previous row");
    QTest::newRow("span just over 104 days")
        << header + QStringLiteral("2023-01-01 00:00:00,10,1\n2023-04-15 04:00:01,10,1\n") << 3
        << QStringLiteral("is 9000001 s after the first row (line 2)");
}

void TestAzureTrace::rejectsRows()
{
    QFETCH(QString, csv);
    QFETCH(int, line);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("t.csv")).toStdString();
    {
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(csv.toUtf8());
    }
    auto reader = AzureTraceReader::open(path);
    QVERIFY(reader.has_value());
    while (true) {
        auto record = reader->next();
        if (!record) {
            QCOMPARE(record.error().where, path + ":" + std::to_string(line));
            QVERIFY2(record.error().message.find(message.toStdString()) != std::string::npos,
                     record.error().message.c_str());
            return;
        }
        QVERIFY2(record->has_value(), "the trace must be rejected");
    }
}

void TestAzureTrace::timestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("trace format") << QStringLiteral("2023-11-16 18:15:46.6805900") << true;
    QTest::newRow("no fraction") << QStringLiteral("2023-11-16 18:15:46") << true;
    QTest::newRow("ISO T") << QStringLiteral("2023-11-16T18:15:46.5") << true;
    QTest::newRow("nanoseconds") << QStringLiteral("2024-02-29 00:00:00.123456789") << true;
    QTest::newRow("not a leap year") << QStringLiteral("2023-02-29 00:00:00") << false;
    QTest::newRow("month 13") << QStringLiteral("2023-13-01 00:00:00") << false;
    QTest::newRow("hour 24") << QStringLiteral("2023-11-16 24:00:00") << false;
    QTest::newRow("ten fraction digits") << QStringLiteral("2023-11-16 18:15:46.1234567890") << false;
    QTest::newRow("empty fraction") << QStringLiteral("2023-11-16 18:15:46.") << false;
    QTest::newRow("slashes") << QStringLiteral("2023/11/16 18:15:46") << false;
    QTest::newRow("garbage") << QStringLiteral("yesterday") << false;
    // The nanosecond count holds 1677-09-21 .. 2262-04-11; whole years inside are accepted.
    QTest::newRow("year 2261") << QStringLiteral("2261-12-31 23:59:59.999999999") << true;
    QTest::newRow("year 2262 overflows") << QStringLiteral("2262-12-31 00:00:00") << false;
    QTest::newRow("year 9999 overflows") << QStringLiteral("9999-01-01 00:00:00") << false;
    QTest::newRow("year 1677 overflows") << QStringLiteral("1677-01-01 00:00:00") << false;
    QTest::newRow("year 0000") << QStringLiteral("0000-01-01 00:00:00") << false;
}

void TestAzureTrace::timestamps()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const auto parsed = parseAzureTimestamp(text.toStdString());
    QCOMPARE(parsed.has_value(), valid);
    if (valid && !text.contains(QLatin1Char('T')))
        QCOMPARE(*parsed, qtNanos(text));
    QCOMPARE(*parseAzureTimestamp("1970-01-01 00:00:00"), SimTime{0});
    // Across a year boundary: half a second.
    QCOMPARE(*parseAzureTimestamp("2024-01-01 00:00:00") - *parseAzureTimestamp("2023-12-31 23:59:59.5"),
             SimTime{500'000'000});
}

void TestAzureTrace::readerMatchesIndependentParser()
{
    const auto path = sharedTrace("AzureLLMInferenceTrace_conv.csv");
    const auto rows = readWithQt(path);
    QVERIFY2(!rows.empty(), qPrintable(noRowsRead(path)));
    // 19,367 lines: the header, then 19,366 rows (the last without a newline).
    QCOMPARE(rows.size(), std::size_t{19366});
    auto reader = AzureTraceReader::open(path);
    QVERIFY(reader.has_value());
    std::int64_t n = 0;
    for (const auto& row : rows) {
        auto record = reader->next();
        QVERIFY2(record.has_value(), record ? "" : record.error().toString().c_str());
        QVERIFY(record->has_value());
        QCOMPARE((*record)->wallClock, row.nanos);
        QCOMPARE((*record)->contextTokens, row.context);
        QCOMPARE((*record)->generatedTokens, row.generated);
        QCOMPARE((*record)->line, n + 2);
        ++n;
    }
    auto end = reader->next();
    QVERIFY(end.has_value() && !end->has_value());
}

void TestAzureTrace::replay()
{
    const auto path = sharedTrace("AzureLLMInferenceTrace_conv.csv");
    const auto rows = readWithQt(path);
    QVERIFY2(!rows.empty(), qPrintable(noRowsRead(path)));
    TraceReplayConfig c;
    c.path = path;
    AzureTraceWorkload workload(c, 1, 200);
    const auto run = runWorkload(workload);
    QVERIFY(!workload.streamError().has_value());
    QCOMPARE(run.requests.size(), std::size_t{200});
    // First rows, read off the file: 18:15:46.6805900 (374, 44), 18:15:50.9951690 (396, 109).
    QCOMPARE(run.requests[0].arrival, SimTime{0});
    QCOMPARE(run.requests[1].arrival, SimTime{4'314'579'000});
    QCOMPARE(run.requests[0].prompt.size(), std::size_t{374});
    QCOMPARE(run.requests[0].maxTokens, 44);
    QCOMPARE(run.requests[1].prompt.size(), std::size_t{396});
    QCOMPARE(run.requests[1].maxTokens, 109);
    std::set<TokenVector> heads;
    for (std::size_t i = 0; i < run.requests.size(); ++i) {
        const auto& r = run.requests[i];
        QCOMPARE(r.arrival, rows[i].nanos - rows[0].nanos);
        QCOMPARE(static_cast<qint64>(r.prompt.size()), rows[i].context);
        QCOMPARE(static_cast<qint64>(r.maxTokens), std::max<qint64>(1, rows[i].generated));
        QCOMPARE(r.sessionId, static_cast<std::uint64_t>(i));
        QCOMPARE(r.clientIp, kvroute::sim::kSingleClientIp);
        // Some Azure rows are shorter than one block; compare what they have.
        const auto headLength = std::min<std::ptrdiff_t>(16, std::ssize(*r.prompt.stored()));
        heads.insert(TokenVector(r.prompt.stored()->begin(), r.prompt.stored()->begin() + headLength));
    }
    QCOMPARE(heads.size(), run.requests.size()); // no two prompts share even a 16-token block
}

void TestAzureTrace::timeScale()
{
    const auto path = sharedTrace("AzureLLMInferenceTrace_conv.csv");
    const auto rows = readWithQt(path);
    QVERIFY2(!rows.empty(), qPrintable(noRowsRead(path)));
    TraceReplayConfig c;
    c.path = path;
    c.timeScale = 2.0;
    AzureTraceWorkload workload(c, 1);
    const SimTime end = 120 * kSecond;
    const auto run = runWorkload(workload, end);
    std::size_t expected = 0;
    for (const auto& row : rows)
        expected += 2 * (row.nanos - rows[0].nanos) < end ? 1 : 0;
    QCOMPARE(run.requests.size(), expected);
    for (std::size_t i = 0; i < run.requests.size(); ++i)
        QCOMPARE(run.requests[i].arrival, 2 * (rows[i].nanos - rows[0].nanos));
    // The last row is 58 min 21.7219370 s after the first.
    QCOMPARE(rows.back().nanos - rows.front().nanos, qint64{3'501'721'937'000});
}

QTEST_APPLESS_MAIN(TestAzureTrace)
#include "tst_azure_trace.moc"
