// `kvroute load`'s text report: counts read with grouped thousands, like `kvroute run`'s, and
// what the server did not report says so rather than showing a zero.

#include <QtTest/QtTest>

#include "cluster/load/load_generator.h"
#include "sim/util/thousands.h"

using kvroute::cluster::LoadReport;

class TestLoadReport final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void groupsThousands_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64{0} << "0";
        QTest::newRow("three digits") << qint64{999} << "999";
        QTest::newRow("four digits") << qint64{1000} << "1,000";
        QTest::newRow("seven digits") << qint64{1234567} << "1,234,567";
        QTest::newRow("negative") << qint64{-17084} << "-17,084";
        QTest::newRow("most negative") << std::numeric_limits<qint64>::min() << "-9,223,372,036,854,775,808";
    }

    void groupsThousands()
    {
        QFETCH(qint64, value);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(kvroute::sim::thousands(value)), text);
    }

    void reportGroupsCounts()
    {
        LoadReport r;
        r.url = "http://127.0.0.1:8000";
        r.workload = "shared-prefix";
        r.maxInflight = 12800;
        r.requestsSent = 17084;
        r.requestsCompleted = 17000;
        r.promptTokens = 123004800;
        r.cachedTokens = 116857984;
        r.requestsReportingCached = 17000;
        r.followUps = 16334;
        r.followUpsSamePod = 16334;
        r.requestsPerPod["pod-0"] = 2258;
        r.errors["HTTP 503"] = 1084;
        r.wallSeconds = 10;
        const QString text = QString::fromStdString(kvroute::cluster::loadReportText(r));
        QVERIFY2(text.contains(QStringLiteral("17,000 answered of 17,084 sent")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("(116,857,984 of 123,004,800 prompt tokens")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("(of 16,334 follow-up requests")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("2,258")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("HTTP 503: 1,084")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("at most 12,800 requests in flight")), qPrintable(text));
    }

    void unreportedCachedTokensReadNotAvailable()
    {
        LoadReport r;
        r.requestsSent = 3;
        r.requestsCompleted = 3;
        r.promptTokens = 3000;
        const QString text = QString::fromStdString(kvroute::cluster::loadReportText(r));
        QVERIFY2(text.contains(QStringLiteral("Prompt tokens cached    n/a")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("TTFT                   n/a")), qPrintable(text));
    }
};

QTEST_APPLESS_MAIN(TestLoadReport)
#include "tst_load_report.moc"
