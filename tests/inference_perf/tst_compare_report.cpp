// `kvroute compare-report` (sim/compare/): reading inference-perf's lifecycle metrics (a real
// report from kubernetes-sigs/inference-perf as fixture, see data/SOURCES.md), comparing them
// stage by stage with a simulation, and the command's output, JSON and exit codes.

#include "sim/compare/inference_perf_report.h"
#include "sim/compare/report_comparison.h"
#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"
#include "tests/fleet/cli_test_support.h"

#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <fstream>

using namespace kvroute::sim;
using kvroute::test::runKvroute;

namespace {

const QString kFixtures = QStringLiteral(KVROUTE_SOURCE_DIR "/tests/inference_perf/data/");

void write(const QString& path, const std::string& text)
{
    std::ofstream(path.toStdString()) << text;
}

/// A lifecycle-metrics file in inference-perf's layout with the given figures.
std::string stageFile(double rate, std::int64_t successes, double outputTokensPerS, double ttftMean,
                      double ttftMedian, double ttftP90, double itlMean, double itlMedian)
{
    const auto block = [](double mean, double median, double p90) {
        return QStringLiteral("{\"mean\": %1, \"min\": 0, \"median\": %2, \"p90\": %3, \"max\": 9}")
            .arg(mean, 0, 'g', 17)
            .arg(median, 0, 'g', 17)
            .arg(p90, 0, 'g', 17)
            .toStdString();
    };
    const std::string latency = successes > 0 ? block(ttftMean, ttftMedian, ttftP90) : "null";
    const std::string itl = successes > 0 ? block(itlMean, itlMedian, itlMean * 2) : "null";
    return "{\"load_summary\": {\"count\": " + std::to_string(successes) +
           ", \"schedule_delay\": null, \"send_duration\": 10.0, \"requested_rate\": " +
           QString::number(rate, 'g', 17).toStdString() + ", \"achieved_rate\": 1.0},"
           " \"successes\": {\"count\": " + std::to_string(successes) + ", \"latency\": {\"request_latency\": null,"
           " \"time_to_first_token\": " + latency + ", \"inter_token_latency\": " + itl + "},"
           " \"throughput\": {\"input_tokens_per_sec\": 1, \"output_tokens_per_sec\": " +
           QString::number(outputTokensPerS, 'g', 17).toStdString() + ", \"total_tokens_per_sec\": 1,"
           " \"requests_per_sec\": 1}, \"prompt_len\": null, \"output_len\": null},"
           " \"failures\": {\"count\": 0, \"request_latency\": null, \"prompt_len\": null}}";
}

/// A small inference-perf benchmark and a scenario that runs it, in `dir`.
void writeScenario(const QTemporaryDir& dir)
{
    write(dir.filePath(QStringLiteral("ip.yaml")),
          "load:\n  type: constant\n  num_workers: 2\n  worker_max_concurrency: 16\n  stages:\n"
          "    - {rate: 4, duration: 5}\n    - {rate: 8, duration: 5}\n"
          "api: {type: completion, streaming: true}\n"
          "data:\n  type: shared_prefix\n  shared_prefix: {num_groups: 4, num_prompts_per_group: 3,"
          " system_prompt_len: 200, question_len: 40, output_len: 30}\n");
    write(dir.filePath(QStringLiteral("scenario.yaml")),
          "name: ip-small\nseed: 5\nduration: 600\nmodel: {name: Llama-3.2-1B, gpu: H100-80GB}\n"
          "cluster: {pods: 2}\nrouting: {policy: round-robin}\n"
          "workload: {type: inference-perf, path: ip.yaml}\n");
}

kvroute::Result<RunResults> simulate(const QTemporaryDir& dir)
{
    auto scenario = loadScenarioFile(dir.filePath(QStringLiteral("scenario.yaml")).toStdString());
    if (!scenario)
        return std::unexpected(scenario.error());
    return runScenario(*scenario);
}

} // namespace

class TestCompareReport final : public QObject {
    Q_OBJECT

private slots:
    void realStageFileParses();
    void realSummaryFileParses();
    void stageFileNames();
    void comparesStageByStage();
    void nullSummariesAndMismatches();
    void readErrors_data();
    void readErrors();
    void commandTableAndJson();
    void commandExitCodes();
    void summaryThatDisagreesWithTheStageFilesWarns();
};

void TestCompareReport::realStageFileParses()
{
    auto report = readInferencePerfReport({(kFixtures + QStringLiteral("kubecon-na-2025")).toStdString()});
    QVERIFY2(report.has_value(), report ? "" : report.error().toString().c_str());
    QCOMPARE(report->stages.size(), std::size_t{1});
    const MeasuredStage& s = report->stages[0];
    // Values as in the file (data/SOURCES.md).
    QCOMPARE(s.stageId, 0);
    QCOMPARE(s.requests, std::int64_t{60});
    QCOMPARE(*s.requestedRate, 1.0);
    QCOMPARE(*s.achievedRate, 1.0254654214024423);
    QCOMPARE(s.successes, std::int64_t{60});
    QCOMPARE(s.failures, std::int64_t{0});
    QCOMPARE(s.outputTokensPerS, 64.23350089997027);
    QCOMPARE(s.requestsPerS, 1.0171575756131475);
    QCOMPARE(*s.ttft.mean, 0.03112733216257766);
    QCOMPARE(*s.ttft.median, 0.031026913959067315);
    QCOMPARE(*s.ttft.p90, 0.03540639606071636);
    QCOMPARE(*s.itl.mean, 0.003473417240526474);
    QCOMPARE(*s.itl.median, 3.718049265444279e-05);
    // The blank-line artefact: median 37 µs, mean 3.5 ms.
    QVERIFY(itlCountsBlankLines(s.itl));
    QVERIFY(report->summary.has_value());
}

void TestCompareReport::realSummaryFileParses()
{
    auto report = readInferencePerfReport({(kFixtures + QStringLiteral("kubecon-na-2025")).toStdString()});
    QVERIFY(report.has_value() && report->summary);
    const MeasuredStage& s = *report->summary;
    QCOMPARE(s.stageId, -1);
    QVERIFY(!s.requestedRate); // the summary's load_summary has only count and schedule_delay
    QCOMPARE(s.successes, std::int64_t{38717});
    QCOMPARE(s.outputTokensPerS, 3957.912190053508);
    QVERIFY(s.ttft.mean.has_value());
}

void TestCompareReport::stageFileNames()
{
    QCOMPARE(stageFileId("stage_0_lifecycle_metrics.json"), std::optional<int>(0));
    QCOMPARE(stageFileId("stage_16_lifecycle_metrics.json"), std::optional<int>(16));
    QVERIFY(!stageFileId("stage__lifecycle_metrics.json"));
    QVERIFY(!stageFileId("stage_x_lifecycle_metrics.json"));
    QVERIFY(!stageFileId("stage_1_prometheus_metrics.json"));
    QVERIFY(!stageFileId("summary_lifecycle_metrics.json"));
}

void TestCompareReport::comparesStageByStage()
{
    QTemporaryDir dir;
    writeScenario(dir);
    const auto sim = simulate(dir);
    QVERIFY2(sim.has_value(), sim ? "" : sim.error().toString().c_str());
    QCOMPARE(sim->stages.size(), std::size_t{2});
    QCOMPARE(sim->stages[0].completed, std::int64_t{20}); // int(4 × 5)
    QCOMPARE(sim->stages[1].completed, std::int64_t{40});
    // "Measured" = simulated × 1.25 (TTFT, throughput) and ITL equal: differences are known.
    MeasuredReport report;
    for (const StageResult& st : sim->stages) {
        auto m = parseLifecycleMetrics(stageFile(st.rate, st.completed, st.outputTokensPerS * 1.25, st.ttft.mean * 1.25,
                                                 st.ttft.p50 * 1.25, st.ttft.p90 * 1.25, st.itlMean, st.itlMean),
                                       "s.json");
        QVERIFY2(m.has_value(), m ? "" : m.error().toString().c_str());
        m->stageId = st.index;
        report.stages.push_back(*m);
    }
    const ReportComparison c = compareReport(report, *sim);
    QVERIFY(c.warnings.empty());
    QVERIFY(!c.itlBlankLines);
    QCOMPARE(c.stages.size(), std::size_t{2});
    for (const auto& s : c.stages) {
        QVERIFY(qFuzzyCompare(*s.outputTokensPerS.relDiff(), 1.0 / 1.25 - 1.0));
        QVERIFY(qFuzzyCompare(*s.ttftMean.relDiff(), -0.2));
        QVERIFY(qFuzzyCompare(*s.ttftP90.relDiff(), -0.2));
        QVERIFY(std::abs(*s.itlMean.relDiff()) < 1e-12);
        QCOMPARE(*s.requests.measured, *s.requests.simulated);
        QVERIFY(!s.itlHalved);
    }
    // The summary row: the unweighted mean of the two stages, each side on its own.
    QVERIFY(qFuzzyCompare(*c.summary.outputTokensPerS.simulated,
                          (sim->stages[0].outputTokensPerS + sim->stages[1].outputTokensPerS) / 2));
    QVERIFY(qFuzzyCompare(*c.summary.ttftMean.measured, 1.25 * (sim->stages[0].ttft.mean + sim->stages[1].ttft.mean) / 2));
    const QString text = QString::fromStdString(comparisonText(c));
    QVERIFY2(text.contains(QStringLiteral("(-20.0%)")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("\nmean ")), qPrintable(text));
    const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(comparisonJson(c, "ip-small", {"s.json"}))).object();
    QCOMPARE(json[QStringLiteral("stages")].toArray().size(), 2);
    const auto first = json[QStringLiteral("stages")].toArray()[0].toObject();
    QCOMPARE(first[QStringLiteral("rate")].toObject()[QStringLiteral("simulated")].toDouble(), 4.0);
    QVERIFY(qFuzzyCompare(first[QStringLiteral("ttft_mean_s")].toObject()[QStringLiteral("rel_diff")].toDouble(), -0.2));
    QCOMPARE(json[QStringLiteral("summary")].toObject()[QStringLiteral("stages")].toInt(), 2);

    // Blank-line ITL: the simulated side is halved to compare.
    report.stages[0].itl.mean = sim->stages[0].itlMean / 2;
    report.stages[0].itl.median = 2e-5;
    const ReportComparison halved = compareReport(report, *sim);
    QVERIFY(halved.itlBlankLines);
    QVERIFY(halved.stages[0].itlHalved);
    QVERIFY(std::abs(*halved.stages[0].itlMean.relDiff()) < 1e-12);
    QVERIFY(!halved.stages[1].itlHalved);
    QCOMPARE(halved.notes.size(), std::size_t{1});
}

void TestCompareReport::nullSummariesAndMismatches()
{
    QTemporaryDir dir;
    writeScenario(dir);
    const auto sim = simulate(dir);
    QVERIFY(sim.has_value());
    MeasuredReport report;
    // Stage 0 had no successes (inference-perf writes null summaries), stage 1 ran at another
    // rate, stage 5 has no simulated counterpart.
    for (const auto& [id, rate, successes] : {std::tuple{0, 4.0, 0}, std::tuple{1, 9.0, 40}, std::tuple{5, 1.0, 3}}) {
        auto m = parseLifecycleMetrics(stageFile(rate, successes, 100.0, 0.5, 0.4, 0.9, 0.01, 0.01), "x.json");
        QVERIFY2(m.has_value(), m ? "" : m.error().toString().c_str());
        m->stageId = id;
        report.stages.push_back(*m);
    }
    QVERIFY(!report.stages[0].ttft.mean);
    const ReportComparison c = compareReport(report, *sim);
    QCOMPARE(c.stages.size(), std::size_t{2});
    QVERIFY(!c.stages[0].ttftMean.measured);
    QVERIFY(!c.stages[0].ttftMean.relDiff());
    QVERIFY(!c.stages[0].outputTokensPerS.measured);
    const QString warnings = QString::fromStdString(comparisonText(c));
    QVERIFY2(warnings.contains(QStringLiteral("no successful request")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("requested rate 9/s differs from the simulated 8/s")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("stage 5 (x.json) has no simulated stage")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("the report has 3 stage files, the simulation 2 stages")), qPrintable(warnings));
    // The summary row averages only what both sides have: stage 1's TTFT.
    QCOMPARE(*c.summary.ttftMean.measured, 0.5);
}

void TestCompareReport::readErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("malformed") << "stage_0_lifecycle_metrics.json" << "{\"load_summary\": " << "not valid JSON";
    QTest::newRow("array") << "stage_0_lifecycle_metrics.json" << "[1]" << "expected a JSON object";
    QTest::newRow("missing field") << "stage_0_lifecycle_metrics.json"
                                   << "{\"load_summary\": {\"count\": 3}, \"successes\": {\"count\": 3}}"
                                   << "missing field failures.count";
    QTest::newRow("wrong type") << "stage_2_lifecycle_metrics.json"
                                << QString::fromStdString(stageFile(1, 3, 1, 1, 1, 1, 1, 1))
                                       .replace(QStringLiteral("\"output_tokens_per_sec\": 1"),
                                                QStringLiteral("\"output_tokens_per_sec\": \"fast\""))
                                << "field successes.throughput.output_tokens_per_sec must be a number, got string";
    QTest::newRow("latency without mean") << "stage_0_lifecycle_metrics.json"
                                          << QString::fromStdString(stageFile(1, 3, 1, 1, 1, 1, 1, 1))
                                                 .replace(QStringLiteral("{\"mean\": 1, \"min\": 0, \"median\""),
                                                          QStringLiteral("{\"min\": 0, \"median\""))
                                          << "missing field successes.latency.time_to_first_token.mean";
    QTest::newRow("negative count") << "stage_0_lifecycle_metrics.json"
                                    << QString::fromStdString(stageFile(1, 3, 1, 1, 1, 1, 1, 1))
                                           .replace(QStringLiteral("\"count\": 3, \"schedule"),
                                                    QStringLiteral("\"count\": -3, \"schedule"))
                                    << "field load_summary.count must be a count";
    QTest::newRow("other file") << "report.json" << "{}" << "not an inference-perf result file";
}

void TestCompareReport::readErrors()
{
    QFETCH(QString, name);
    QFETCH(QString, text);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath(name);
    write(path, text.toStdString());
    const auto report = readInferencePerfReport({path.toStdString()});
    QVERIFY(!report.has_value());
    QCOMPARE(QString::fromStdString(report.error().where), path);
    QVERIFY2(QString::fromStdString(report.error().message).contains(message), report.error().toString().c_str());
}

void TestCompareReport::commandTableAndJson()
{
    QTemporaryDir dir;
    writeScenario(dir);
    const auto sim = simulate(dir);
    QVERIFY(sim.has_value());
    QDir(dir.path()).mkdir(QStringLiteral("report"));
    for (const StageResult& st : sim->stages)
        write(dir.filePath(QStringLiteral("report/stage_%1_lifecycle_metrics.json").arg(st.index)),
              stageFile(st.rate, st.completed, st.outputTokensPerS, st.ttft.mean, st.ttft.p50, st.ttft.p90,
                        st.itlMean, st.itlMean));
    const QString out = dir.filePath(QStringLiteral("cmp.json"));
    const auto r = runKvroute({QStringLiteral("compare-report"), dir.filePath(QStringLiteral("scenario.yaml")),
                               dir.filePath(QStringLiteral("report")), QStringLiteral("--json"), out,
                               QStringLiteral("--quiet")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // The same simulation as the "measurement": every difference is zero.
    QVERIFY2(r.out.contains(QStringLiteral("(+0.0%)")), qPrintable(r.out));
    QVERIFY2(!r.out.contains(QStringLiteral("warning:")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("inference-perf ip.yaml")), qPrintable(r.out));
    const auto json = QJsonDocument::fromJson(kvroute::test::readFile(out)).object();
    QCOMPARE(json[QStringLiteral("scenario")].toString(), QStringLiteral("ip-small"));
    QCOMPARE(json[QStringLiteral("report")].toArray().size(), 2);
    const auto stages = json[QStringLiteral("stages")].toArray();
    QCOMPARE(stages.size(), 2);
    for (const auto& stage : stages) {
        const auto o = stage.toObject();
        QCOMPARE(o[QStringLiteral("output_tokens_per_s")].toObject()[QStringLiteral("rel_diff")].toDouble(), 0.0);
        QCOMPARE(o[QStringLiteral("requests")].toObject()[QStringLiteral("rel_diff")].toDouble(), 0.0);
    }
    // --set reaches the simulation: twice the pods change the figures.
    const auto changed = runKvroute({QStringLiteral("compare-report"), dir.filePath(QStringLiteral("scenario.yaml")),
                                     dir.filePath(QStringLiteral("report")), QStringLiteral("--set"),
                                     QStringLiteral("workload.max_requests=30"), QStringLiteral("--quiet")});
    QCOMPARE(changed.exitCode, 0);
    QVERIFY2(changed.out.contains(QStringLiteral("40 → 10")), qPrintable(changed.out)); // stage 1 cut to 10 of 40
}

void TestCompareReport::commandExitCodes()
{
    QTemporaryDir dir;
    writeScenario(dir);
    const QString scenario = dir.filePath(QStringLiteral("scenario.yaml"));
    // Missing directory: bad input (2), the path named.
    auto r = runKvroute({QStringLiteral("compare-report"), scenario, dir.filePath(QStringLiteral("nope")), QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("nope: no such report file or directory")), qPrintable(r.err));
    // A directory without stage files.
    QDir(dir.path()).mkdir(QStringLiteral("empty"));
    r = runKvroute({QStringLiteral("compare-report"), scenario, dir.filePath(QStringLiteral("empty")), QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no stage_N_lifecycle_metrics.json")), qPrintable(r.err));
    // Malformed JSON, named by file.
    QDir(dir.path()).mkdir(QStringLiteral("bad"));
    write(dir.filePath(QStringLiteral("bad/stage_0_lifecycle_metrics.json")), "{oops");
    r = runKvroute({QStringLiteral("compare-report"), scenario, dir.filePath(QStringLiteral("bad")), QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("bad/stage_0_lifecycle_metrics.json: not valid JSON")), qPrintable(r.err));
    // A bad scenario.
    r = runKvroute({QStringLiteral("compare-report"), dir.filePath(QStringLiteral("none.yaml")),
                    kFixtures + QStringLiteral("kubecon-na-2025"), QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 2);
    // Usage: no report named.
    r = runKvroute({QStringLiteral("compare-report"), scenario});
    QCOMPARE(r.exitCode, 2);
    // Null summaries are not an error: the stage is reported without them.
    QDir(dir.path()).mkdir(QStringLiteral("nulls"));
    write(dir.filePath(QStringLiteral("nulls/stage_0_lifecycle_metrics.json")), stageFile(4, 0, 0, 0, 0, 0, 0, 0));
    r = runKvroute({QStringLiteral("compare-report"), scenario, dir.filePath(QStringLiteral("nulls")), QStringLiteral("-q")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("no successful request")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("— → ")), qPrintable(r.out));
}

// inference-perf's summary pools every request of every stage: when its counts are not the sum of
// the stage files', a stage file is missing (or the summary is of another run), said naming it.
void TestCompareReport::summaryThatDisagreesWithTheStageFilesWarns()
{
    // The real fixture: a summary of 38,717 requests beside the one stage file copied (60).
    auto real = readInferencePerfReport({(kFixtures + QStringLiteral("kubecon-na-2025")).toStdString()});
    QVERIFY2(real.has_value(), real ? "" : real.error().toString().c_str());
    const auto mismatch = summaryMismatch(*real);
    QVERIFY(mismatch.has_value());
    QVERIFY2(QString::fromStdString(*mismatch).contains(
                 QStringLiteral("kubecon-na-2025/summary_lifecycle_metrics.json: the summary pools 38717 requests "
                                "(38717 successful, 0 failed) but the stage file read with it (stage 0) holds 60 "
                                "requests (60 successful, 0 failed)")),
             mismatch->c_str());

    QTemporaryDir dir;
    writeScenario(dir);
    QDir(dir.path()).mkdir(QStringLiteral("report"));
    write(dir.filePath(QStringLiteral("report/stage_0_lifecycle_metrics.json")), stageFile(4, 20, 100, 0.1, 0.1, 0.2, 0.01, 0.01));
    write(dir.filePath(QStringLiteral("report/stage_1_lifecycle_metrics.json")), stageFile(8, 40, 200, 0.1, 0.1, 0.2, 0.01, 0.01));
    // A summary of both stages agrees: nothing to say.
    const QString summary = dir.filePath(QStringLiteral("report/summary_lifecycle_metrics.json"));
    write(summary, stageFile(6, 60, 150, 0.1, 0.1, 0.2, 0.01, 0.01));
    auto agreeing = readInferencePerfReport({dir.filePath(QStringLiteral("report")).toStdString()});
    QVERIFY2(agreeing.has_value(), agreeing ? "" : agreeing.error().toString().c_str());
    QVERIFY(!summaryMismatch(*agreeing));
    auto r = runKvroute({QStringLiteral("compare-report"), dir.filePath(QStringLiteral("scenario.yaml")),
                         dir.filePath(QStringLiteral("report")), QStringLiteral("-q")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("warning")), qPrintable(r.err));

    // Stage 1 left out: on stderr (before the simulation) and among the comparison's warnings.
    r = runKvroute({QStringLiteral("compare-report"), dir.filePath(QStringLiteral("scenario.yaml")),
                    dir.filePath(QStringLiteral("report/stage_0_lifecycle_metrics.json")), summary,
                    QStringLiteral("--json"), QStringLiteral("-"), QStringLiteral("-q")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString expected = summary + QStringLiteral(": the summary pools 60 requests (60 successful, 0 failed) but the "
                                                      "stage file read with it (stage 0) holds 20 requests");
    QVERIFY2(r.err.contains(QStringLiteral("kvroute: warning: ") + expected), qPrintable(r.err));
    const auto json = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY2(json[QStringLiteral("warnings")].toArray().first().toString().startsWith(expected), qPrintable(r.out));
}

QTEST_GUILESS_MAIN(TestCompareReport)
#include "tst_compare_report.moc"
