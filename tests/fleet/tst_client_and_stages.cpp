// The load generator's own limits (workload.client) and the per-stage results of staged
// workloads, checked against what the rules imply for small runs worked out by hand.

#include "builtin_run_support.h"
#include "sim/fleet/cluster_run.h"
#include "sim/metrics/metrics_collector.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace kvroute;

namespace {

sim::RunResults run(const std::string& name, const std::vector<std::string>& overrides)
{
    return test::runBuiltin(name, overrides);
}

/// Five different 512-token prompts within 10 ms on one pod: nothing is shared, so the
/// only thing that changes between runs is how many the client lets out at once.
std::vector<std::string> burstOfFive(int maxInFlight, const char* ttftFrom)
{
    return {"cluster.pods=1",
            "workload.type=shared-prefix",
            "workload.shared_prefix.num_groups=5",
            "workload.shared_prefix.prompts_per_group=1",
            "workload.shared_prefix.system_prompt_len=0",
            "workload.shared_prefix.question_len=512",
            "workload.shared_prefix.output_len=64",
            "workload.shared_prefix.stages=[[500, 0.01]]",
            "workload.client.max_in_flight=" + std::to_string(maxInFlight),
            std::string("workload.client.ttft_from=") + ttftFrom};
}

/// Two Poisson stages of a small shared-prefix workload on the default cluster.
std::vector<std::string> twoStages(const std::vector<std::string>& extra)
{
    std::vector<std::string> o{"workload.type=shared-prefix",
                               "workload.shared_prefix.num_groups=4",
                               "workload.shared_prefix.prompts_per_group=3",
                               "workload.shared_prefix.system_prompt_len=256",
                               "workload.shared_prefix.question_len=64",
                               "workload.shared_prefix.output_len=32",
                               "workload.shared_prefix.stages=[[5, 4], [10, 2]]"};
    o.insert(o.end(), extra.begin(), extra.end());
    return o;
}

} // namespace

class TestClientAndStages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // One request out at a time: the five run one after another, so the run lasts five
    // end-to-end times, and each one's latency from its send is the same as alone.
    void clientLimitSerialisesRequests()
    {
        const auto serial = run("default", burstOfFive(1, "send"));
        const auto parallel = run("default", burstOfFive(0, "send"));
        QCOMPARE(serial.requestsSubmitted, 5);
        QCOMPARE(serial.requestsCompleted, 5);
        QCOMPARE(parallel.requestsCompleted, 5);
        QVERIFY2(serial.simulatedSeconds > 4.5 * serial.e2e.mean,
                 qPrintable(QString("%1 s for e2e %2").arg(serial.simulatedSeconds).arg(serial.e2e.mean)));
        QVERIFY2(parallel.simulatedSeconds < 2.0 * parallel.e2e.mean,
                 qPrintable(QString("%1 s for e2e %2").arg(parallel.simulatedSeconds).arg(parallel.e2e.mean)));
        // Alone on the pod, each request is faster than when five share its steps.
        QVERIFY(serial.ttft.mean < parallel.ttft.mean);
    }

    // The TTFT clock: from arrival, time waiting at the full client counts, so the k-th of
    // the five waits for the k-1 before it.
    void ttftFromArrivalIncludesTheClientQueue()
    {
        const auto fromSend = run("default", burstOfFive(1, "send"));
        const auto fromArrival = run("default", burstOfFive(1, "arrival"));
        QCOMPARE(fromArrival.simulatedSeconds, fromSend.simulatedSeconds); // same run, other clock
        QVERIFY(fromArrival.ttft.mean > 1.5 * fromSend.ttft.mean);
        // The last one waited for four whole answers before it was sent.
        QVERIFY(fromArrival.e2e.p99 > 4.0 * fromSend.e2e.mean);
        QVERIFY(fromSend.e2e.p99 < 1.1 * fromSend.e2e.mean);
    }

    // A stage sends int(rate × duration) requests; its throughput is its tokens over its own
    // span from first send to last answer; the summary is the plain mean of the stages.
    void stagesAreMeasuredOnTheirOwnRequests()
    {
        const auto r = run("default", twoStages({}));
        QCOMPARE(r.stages.size(), std::size_t{2});
        QCOMPARE(r.stages[0].requests, 20);
        QCOMPARE(r.stages[1].requests, 20);
        std::int64_t completed = 0;
        for (const auto& st : r.stages) {
            QCOMPARE(st.completed, st.requests);
            QCOMPARE(st.outputTokens, st.completed * 32);
            QCOMPARE(st.ttft.count, st.completed);
            const double span = st.endSeconds - st.startSeconds;
            QVERIFY(span > 0.0);
            QCOMPARE(st.outputTokensPerS, static_cast<double>(st.outputTokens) / span);
            QCOMPARE(st.requestsPerS, static_cast<double>(st.completed) / span);
            QCOMPARE(st.achievedRate, static_cast<double>(st.requests) / (st.lastSendSeconds - st.startSeconds));
            QVERIFY(st.itlMean > 0.0);
            completed += st.completed;
        }
        QCOMPARE(completed, r.requestsCompleted);
        QCOMPARE(r.stageSummary.stages, 2);
        QCOMPARE(r.stageSummary.outputTokensPerS, (r.stages[0].outputTokensPerS + r.stages[1].outputTokensPerS) / 2.0);
        QCOMPARE(r.stageSummary.ttftP90, (r.stages[0].ttft.p90 + r.stages[1].ttft.p90) / 2.0);
        // Drained: the second stage starts after the first one's last answer.
        QVERIFY(r.stages[1].startSeconds > r.stages[0].endSeconds);
    }

    // inference-perf's timing between stages: it notices the drain at its next once-a-second
    // check from the stage's start (stage 0 starts at 0), sleeps load.interval, then schedules
    // the first arrival slot 1 s later.
    void stageGapsFollowInferencePerf()
    {
        const auto r = run("default", twoStages({"workload.shared_prefix.drain_poll=1", "workload.shared_prefix.stage_gap=1",
                                                 "workload.shared_prefix.start_offset=1"}));
        QCOMPARE(r.stages.size(), std::size_t{2});
        QVERIFY(r.stages[0].startSeconds > 1.0); // the first slot starts 1 s in
        const double noticed = std::ceil(r.stages[0].endSeconds);
        QVERIFY2(r.stages[1].startSeconds > noticed + 2.0 && r.stages[1].startSeconds <= noticed + 3.0,
                 qPrintable(QString("stage 0 ended %1, stage 1 began %2").arg(r.stages[0].endSeconds).arg(r.stages[1].startSeconds)));
    }

    // Without stages there is nothing per stage.
    void unstagedWorkloadsHaveNoStages()
    {
        const auto r = run("seed-cache-test", {});
        QVERIFY(r.stages.empty());
        QCOMPARE(r.stageSummary.stages, 0);
    }

    // A full client holds the excess: every request still completes, the client's queue is
    // seen in the stage, and no more than the limit is ever at the pods.
    void fullClientQueuesAndStillCompletes()
    {
        const auto r = run("default", twoStages({"workload.client.max_in_flight=2", "workload.shared_prefix.output_len=256",
                                                 "sample_interval=0.1"}));
        QCOMPARE(r.requestsCompleted, 40);
        QVERIFY(r.stages[1].clientWaitingMean > 0.0 || r.stages[0].clientWaitingMean > 0.0);
        for (const auto& point : r.timeseries) {
            std::int32_t atPods = 0;
            for (std::size_t i = 0; i < point.podRunning.size(); ++i)
                atPods += point.podRunning[i] + point.podWaiting[i];
            QVERIFY2(atPods <= 2, qPrintable(QString("%1 at the pods at t=%2").arg(atPods).arg(point.t)));
        }
    }

    // An empty stage list gives an all-zero summary; stages without answers are left out.
    void summaryIgnoresStagesWithoutAnswers()
    {
        QCOMPARE(sim::summarizeStages({}).stages, 0);
        std::vector<sim::StageResult> stages(2);
        stages[0].completed = 3;
        stages[0].outputTokensPerS = 10.0;
        stages[1].completed = 0;
        stages[1].outputTokensPerS = 99.0;
        const auto summary = sim::summarizeStages(stages);
        QCOMPARE(summary.stages, 1);
        QCOMPARE(summary.outputTokensPerS, 10.0);
    }
};

QTEST_APPLESS_MAIN(TestClientAndStages)
#include "tst_client_and_stages.moc"
