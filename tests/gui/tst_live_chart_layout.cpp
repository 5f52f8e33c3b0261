// The Live tab's charts against a stack that is not running. With no pods reported the per-pod
// bar charts hide their axes, and their axis titles must go with them: Qt Charts drew a hidden
// axis's title at the chart's top left, over the chart's own title ("share of requests (%)" across
// "Share of requests per pod"). Against a stack whose Prometheus has gone, only the simulation
// is drawn, with its axes and their titles. Writes kvroute-live-*.png to the temp folder to look at.

#include "app/gui/charts/bar_chart.h"
#include "app/gui/charts/line_chart.h"
#include "app/gui/live/live_charts_view.h"
#include "app/gui/live/live_panel.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <memory>

using namespace kvroute;
using namespace kvroute::app;

namespace {

/// A stack whose processes have gone: nobody listens on its Prometheus port (9, discard).
LiveStackPtr stackWithoutPrometheus()
{
    auto stack = std::make_shared<LiveStack>();
    auto scenario = sim::builtinScenario("seed-cache-test");
    if (!scenario)
        qFatal("no scenario: %s", scenario.error().toString().c_str());
    stack->scenario = *scenario;
    stack->state.dir = "stack";
    stack->state.scenario = "seed-cache-test";
    stack->state.prometheusUrl = "http://127.0.0.1:9";
    stack->state.gatewayUrl = "http://127.0.0.1:9";
    return stack;
}

} // namespace

class TestLiveChartLayout final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void axisTitlesGoWithTheirAxes_data()
    {
        QTest::addColumn<bool>("stackRecorded"); ///< false: a folder with no stack.json
        QTest::addColumn<QSize>("size");
        QTest::newRow("no stack, 1400x900") << false << QSize(1400, 900);
        QTest::newRow("no stack, 800x600") << false << QSize(800, 600);
        QTest::newRow("stack stopped, 1400x900") << true << QSize(1400, 900);
        QTest::newRow("stack stopped, 800x600") << true << QSize(800, 600);
    }

    void axisTitlesGoWithTheirAxes()
    {
        QFETCH(bool, stackRecorded);
        QFETCH(QSize, size);
        LivePanel panel;
        panel.resize(size);
        panel.show();
        QSignalSpy errors(&panel, &LivePanel::liveErrorShown);
        QTemporaryDir emptyFolder;
        if (stackRecorded)
            Q_EMIT panel.stackController()->stackReady(stackWithoutPrometheus());
        else
            panel.attachStack(emptyFolder.path());
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 20000);
        const LiveChartsView* charts = panel.charts();
        if (stackRecorded) // the simulation of the stack's scenario is drawn
            QTRY_VERIFY_WITH_TIMEOUT(!charts->podShareChart()->noDataShown(), 60000);
        QTest::qWait(300); // layouts settle before the grab

        for (const BarChart* chart : {charts->podHitRateChart(), charts->podShareChart()}) {
            QCOMPARE(chart->noDataShown(), !stackRecorded);
            QCOMPARE(chart->visibleAxisTitles(), stackRecorded ? 1 : 0); // the value axis's only
        }
        QCOMPARE(charts->hitRateChart()->noDataShown(), !stackRecorded);
        QCOMPARE(charts->hitRateChart()->visibleAxisTitles(), stackRecorded ? 2 : 0);

        const QString name = QStringLiteral("kvroute-live-%1-%2x%3.png")
                                 .arg(stackRecorded ? QStringLiteral("stopped") : QStringLiteral("no-stack"))
                                 .arg(size.width())
                                 .arg(size.height());
        QVERIFY(panel.grab().save(QDir::temp().filePath(name))); // for a human to look at
    }
};

QTEST_MAIN(TestLiveChartLayout)
#include "tst_live_chart_layout.moc"
