// The gateway's request log: only requests a pod took, in arrival order, whatever the order of
// their answers; what is still waiting at shutdown is written but for the refused.

#include "cluster/gateway/request_log.h"

#include <QtTest/QtTest>
#include <QTemporaryDir>

#include <fstream>
#include <sstream>

using kvroute::cluster::RequestLog;

namespace {

QString contents(const QString& path)
{
    std::ifstream in(path.toStdString());
    std::stringstream text;
    text << in.rdbuf();
    return QString::fromStdString(text.str());
}

} // namespace

class TestRequestLog final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesTakenRequestsInArrivalOrder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("requests.jsonl"));
        RequestLog log;
        log.open(path.toStdString());
        QVERIFY(log.isOpen());
        const auto a = log.add("a\n");
        const auto b = log.add("b\n");
        const auto c = log.add("c\n");
        const auto d = log.add("d\n");
        log.decide(c, true); // answered first, but b and a came before it
        QCOMPARE(contents(path), QString());
        log.decide(a, true);
        QCOMPARE(contents(path), QStringLiteral("a\n"));
        log.decide(b, false); // refused: never written
        QCOMPARE(contents(path), QStringLiteral("a\nc\n"));
        const auto e = log.add("e\n");
        log.decide(e, false);
        QCOMPARE(contents(path), QStringLiteral("a\nc\n")); // d still open
        log.flush();
        QCOMPARE(contents(path), QStringLiteral("a\nc\nd\n"));
        log.decide(d, true); // after the flush: already written, nothing more
        QCOMPARE(contents(path), QStringLiteral("a\nc\nd\n"));
        log.decide(log.add("f\n"), true);
        QCOMPARE(contents(path), QStringLiteral("a\nc\nd\nf\n"));
    }
};

QTEST_APPLESS_MAIN(TestRequestLog)
#include "tst_request_log.moc"
