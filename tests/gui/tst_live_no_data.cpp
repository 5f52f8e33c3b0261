// What the Live tab's empty charts say follows the state line above them: "Waiting for the
// first refresh…" only while a refresh can come (connecting), "not connected" when nothing is
// watched (it said "Waiting for the first refresh…" under "○ Not connected: …", a wait for a
// refresh that could not come), and "unreachable" while the Prometheus does not answer.

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/live/live_charts_view.h"
#include "app/gui/live/live_panel.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace kvroute::app;

namespace {

/// Nobody listens on the discard port: every poll is refused at once.
const QString kDeadPrometheus = QStringLiteral("http://127.0.0.1:9");

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
};

QTEST_MAIN(TestLiveNoData)
#include "tst_live_no_data.moc"
