// The Stages tab with hand-made results of a QPS ladder after a warm-up: one table row per
// stage with its figures, TTFT (p90 and mean) and output throughput drawn against the offered
// rate with the ladder as one line and the warm-up apart, a log TTFT axis only when TTFT spans
// decades, nothing drawn for a stage without answers; and in the window the tab appears only
// for a run that has stages.

#include "app/gui/charts/line_chart.h"
#include "app/gui/main_window.h"
#include "app/gui/panels/stage_ladder.h"
#include "app/gui/panels/stages_panel.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableWidget>

using namespace kvroute;
using namespace kvroute::app;

namespace {

sim::StageResult stage(int index, double rate, std::int64_t requests, std::int64_t completed, double ttftMean,
                       double ttftP90, double tokensPerS)
{
    sim::StageResult st;
    st.index = index;
    st.rate = rate;
    st.requests = requests;
    st.completed = completed;
    st.unfinished = requests - completed;
    st.ttft.mean = ttftMean;
    st.ttft.p50 = ttftMean * 0.9;
    st.ttft.p90 = ttftP90;
    st.outputTokensPerS = tokensPerS;
    st.requestsPerS = rate * 0.95;
    st.itlMean = 0.025;
    st.cachedPromptFraction = 0.5;
    st.queueDepthMean = 0.4;
    st.queueDepthMax = 3;
    st.clientWaitingMean = 1.5;
    return st;
}

/// A warm-up at 15 requests/s, then a ladder 3, 10, 20, 30; the last stage answered nothing.
RunOutcomePtr ladderOutcome(double saturatedP90 = 30.0)
{
    auto outcome = std::make_shared<RunOutcome>();
    auto& stages = outcome->results.stages;
    stages.push_back(stage(0, 15, 750, 750, 0.4, 0.8, 9000));
    stages.push_back(stage(1, 3, 60, 60, 0.12, 0.15, 2900));
    stages.push_back(stage(2, 10, 200, 198, 0.2, 0.3, 9500));
    stages.push_back(stage(3, 20, 400, 400, 5.0, saturatedP90, 12000));
    stages.push_back(stage(4, 30, 600, 0, 0.0, 0.0, 0.0));
    outcome->results.stageSummary.stages = 4;
    return outcome;
}

QString cell(const QTableWidget* table, int row, int column)
{
    return table->item(row, column)->text();
}

RunOutcomePtr waitForResults(MainWindow& window)
{
    QSignalSpy spy(&window, &MainWindow::resultsShown);
    if (!spy.wait(60000))
        return nullptr;
    return spy.takeLast().at(0).value<RunOutcomePtr>();
}

} // namespace

class TestStagesPanel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the window's QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("kvroute-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_stages_panel"));
    }

    void risingRunsSplitWhereTheRateDoesNotRise()
    {
        const auto runs = stages::risingRuns({15, 3, 10, 20, 30});
        QCOMPARE(runs.size(), std::size_t{2});
        QCOMPARE(runs[0].first, std::size_t{0});
        QCOMPARE(runs[0].count, std::size_t{1});
        QCOMPARE(runs[1].first, std::size_t{1});
        QCOMPARE(runs[1].count, std::size_t{4});
        QCOMPARE(stages::ladderIndex(runs), std::size_t{1});
        // Up then down: the rise is the ladder, each step down a piece of its own.
        const auto upDown = stages::risingRuns({10, 20, 30, 20, 10});
        QCOMPARE(upDown.size(), std::size_t{3});
        QCOMPARE(stages::ladderIndex(upDown), std::size_t{0});
        // A repeated rate breaks the rise; of equally long runs the last is the ladder.
        const auto twice = stages::risingRuns({1, 2, 2, 3});
        QCOMPARE(twice.size(), std::size_t{2});
        QCOMPARE(stages::ladderIndex(twice), std::size_t{1});
        QVERIFY(stages::risingRuns({}).empty());
    }

    void tableHasOneRowPerStage()
    {
        StagesPanel panel;
        panel.showOutcome(ladderOutcome());
        QVERIFY(panel.hasStages());
        const QTableWidget* table = panel.table();
        QCOMPARE(table->rowCount(), 5);
        QCOMPARE(cell(table, 0, StagesPanel::Stage), QStringLiteral("0"));
        QCOMPARE(cell(table, 0, StagesPanel::Rate), QStringLiteral("15"));
        QCOMPARE(cell(table, 0, StagesPanel::Requests), QStringLiteral("750"));
        QCOMPARE(cell(table, 0, StagesPanel::OutputTokensPerS), QStringLiteral("9,000"));
        QCOMPARE(cell(table, 0, StagesPanel::TtftMean), QStringLiteral("400 ms"));
        QCOMPARE(cell(table, 0, StagesPanel::TtftP50), QStringLiteral("360 ms"));
        QCOMPARE(cell(table, 0, StagesPanel::TtftP90), QStringLiteral("800 ms"));
        QCOMPARE(cell(table, 0, StagesPanel::ItlMean), QStringLiteral("25.0 ms"));
        QCOMPARE(cell(table, 0, StagesPanel::Cached), QStringLiteral("50.0 %"));
        QCOMPARE(cell(table, 0, StagesPanel::Queue), QStringLiteral("0.4 / 3"));
        QCOMPARE(cell(table, 0, StagesPanel::ClientWaiting), QStringLiteral("1.5"));
        QCOMPARE(cell(table, 1, StagesPanel::RequestsPerS), QStringLiteral("2.85"));
        QCOMPARE(cell(table, 2, StagesPanel::Requests), QStringLiteral("198 of 200"));
        QCOMPARE(cell(table, 3, StagesPanel::TtftP90), QStringLiteral("30.0 s"));
        // No answers: no latency to show, and none invented.
        QCOMPARE(cell(table, 4, StagesPanel::Requests), QStringLiteral("0 of 600"));
        QCOMPARE(cell(table, 4, StagesPanel::TtftMean), QStringLiteral("n/a"));
        QCOMPARE(cell(table, 4, StagesPanel::ItlMean), QStringLiteral("n/a"));
        // The warm-up reads muted, with the reason in its tooltip; the ladder does not.
        QVERIFY(table->item(0, StagesPanel::Rate)->foreground().color() != table->item(1, StagesPanel::Rate)->foreground().color());
        QVERIFY(!table->item(0, StagesPanel::Stage)->toolTip().isEmpty());
        QVERIFY(table->item(1, StagesPanel::Stage)->toolTip().isEmpty());
        QVERIFY(panel.summaryLabel()->text().startsWith(QStringLiteral("5 stages. Mean over the 4")));
    }

    void chartsDrawTheLadderAsOneLineAndTheWarmUpApart()
    {
        StagesPanel panel;
        panel.resize(1000, 700);
        panel.show();
        panel.showOutcome(ladderOutcome());
        const LineChart* ttft = panel.ttftChart();
        QCOMPARE(ttft->seriesCount(), 4);
        QCOMPARE(ttft->seriesName(0), QStringLiteral("p90"));
        QCOMPARE(ttft->seriesPoints(0), (QList<QPointF>{{3, 0.15}, {10, 0.3}, {20, 30.0}})); // rate 30 answered nothing
        QCOMPARE(ttft->seriesName(1), QStringLiteral("p90, stage 0"));
        QCOMPARE(ttft->seriesPoints(1), (QList<QPointF>{{15, 0.8}}));
        QVERIFY(ttft->seriesInLegend(1));
        QCOMPARE(ttft->seriesName(2), QStringLiteral("mean"));
        QCOMPARE(ttft->seriesPoints(2), (QList<QPointF>{{3, 0.12}, {10, 0.2}, {20, 5.0}}));
        QCOMPARE(ttft->seriesPoints(3), (QList<QPointF>{{15, 0.4}}));
        // The warm-up shares its metric's hue, paler.
        QVERIFY(ttft->seriesColor(1) != ttft->seriesColor(0));
        QVERIFY(std::abs(ttft->seriesColor(1).hue() - ttft->seriesColor(0).hue()) <= 2);
        // 0.12 s to 30 s: decades apart, so the axis is logarithmic and covers every point.
        QCOMPARE(ttft->yLogBase(), 10);
        QVERIFY(ttft->yRange().first < 0.12 && ttft->yRange().second > 30.0);
        QCOMPARE(ttft->yAxisTitle(), QStringLiteral("TTFT (s)"));

        const LineChart* throughput = panel.throughputChart();
        QCOMPARE(throughput->seriesCount(), 2);
        QCOMPARE(throughput->seriesPoints(0), (QList<QPointF>{{3, 2900}, {10, 9500}, {20, 12000}, {30, 0}}));
        QCOMPARE(throughput->seriesPoints(1), (QList<QPointF>{{15, 9000}}));
        QCOMPARE(throughput->yLogBase(), 0);
    }

    void ttftAxisStaysLinearWithinADecade()
    {
        StagesPanel panel;
        panel.showOutcome(ladderOutcome(30.0));
        QCOMPARE(panel.ttftChart()->yLogBase(), 10);
        // 0.12 s to 1 s (and the saturated mean 5 s lowered too): a linear axis reads best.
        auto outcome = std::const_pointer_cast<RunOutcome>(ladderOutcome(1.0));
        outcome->results.stages[3].ttft.mean = 0.9;
        panel.showOutcome(outcome);
        QCOMPARE(panel.ttftChart()->yLogBase(), 0);
        QCOMPARE(panel.ttftChart()->seriesPoints(0), (QList<QPointF>{{3, 0.15}, {10, 0.3}, {20, 1.0}}));
    }

    void noStagesShowsNothing()
    {
        StagesPanel panel;
        panel.showOutcome(ladderOutcome());
        panel.showOutcome(std::make_shared<RunOutcome>());
        QVERIFY(!panel.hasStages());
        QCOMPARE(panel.table()->rowCount(), 0);
        QVERIFY(panel.ttftChart()->noDataShown());
        QVERIFY(panel.throughputChart()->noDataShown());
    }

    // In the window: a staged run shows the tab with its stages; an unstaged one hides it.
    void tabIsShownOnlyForStagedRuns()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QTabWidget* tabs = window.tabs();
        const int tab = tabs->indexOf(window.stagesPanel());
        QVERIFY(tab >= 0);
        QCOMPARE(tabs->tabText(tab), QStringLiteral("Stages"));
        QVERIFY(!tabs->isTabVisible(tab));

        QVERIFY(window.openScenario(QStringLiteral("default"),
                                    {QStringLiteral("workload.type=shared-prefix"),
                                     QStringLiteral("workload.shared_prefix.num_groups=4"),
                                     QStringLiteral("workload.shared_prefix.prompts_per_group=3"),
                                     QStringLiteral("workload.shared_prefix.system_prompt_len=256"),
                                     QStringLiteral("workload.shared_prefix.question_len=64"),
                                     QStringLiteral("workload.shared_prefix.output_len=32"),
                                     QStringLiteral("workload.shared_prefix.stages=[[5, 4], [10, 2]]")}));
        RunOutcomePtr outcome = waitForResults(window);
        QVERIFY(outcome);
        QCOMPARE(outcome->results.stages.size(), std::size_t{2});
        QVERIFY(tabs->isTabVisible(tab));
        QCOMPARE(window.stagesPanel()->table()->rowCount(), 2);
        QCOMPARE(window.stagesPanel()->table()->item(1, StagesPanel::Rate)->text(), QStringLiteral("10"));
        QCOMPARE(window.stagesPanel()->throughputChart()->seriesPoints(0).size(), 2);
        tabs->setCurrentIndex(tab);

        QVERIFY(window.openScenario(QStringLiteral("default")));
        outcome = waitForResults(window);
        QVERIFY(outcome);
        QVERIFY(outcome->results.stages.empty());
        QVERIFY(!tabs->isTabVisible(tab));
        QVERIFY(tabs->currentIndex() != tab);
    }

    void badOverrideIsReported()
    {
        MainWindow window;
        QVERIFY(!window.openScenario(QStringLiteral("default"), {QStringLiteral("no.such.key=1")}));
        QVERIFY(window.errorText().contains(QStringLiteral("no.such.key")));
    }
};

QTEST_MAIN(TestStagesPanel)
#include "tst_stages_panel.moc"
