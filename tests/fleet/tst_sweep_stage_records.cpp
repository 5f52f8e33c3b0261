// Sweep records of a staged workload: the per-stage figures the sweep charts draw (rate,
// requests, output tokens/s, TTFT mean/p50/p90, ITL) are written as a `stages` array and read
// back unchanged; a run without stages writes no such key, and records of an older kvroute
// (without it) still read. The CSV export has them as a long-format file, one row per stage.

#include "sim/sweep/sweep.h"
#include "sim/sweep/sweep_csv.h"
#include "sim/sweep/sweep_records.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace kvroute::sim;

namespace {

SweepPoint profilePoint(const char* profile)
{
    SweepPoint point;
    point.assignments = {{"routing.profile", profile}};
    point.seed = 7;
    return point;
}

SweepGrid profileGrid()
{
    return SweepGrid{{SweepParameter{"routing.profile", {"precise", "random"}}}, 1};
}

/// Two stages with figures that are not round in binary, so a lossy write would show.
RunResults stagedResults()
{
    RunResults r;
    StageResult warm;
    warm.index = 0;
    warm.rate = 15.0;
    warm.requests = 750;
    warm.completed = 749;
    warm.outputTokensPerS = 9123.456789;
    warm.ttft.count = 749;
    warm.ttft.mean = 0.123456789;
    warm.ttft.p50 = 0.1;
    warm.ttft.p90 = 0.3;
    warm.ttft.p99 = 0.9; // not kept: the charts draw p90 at most
    warm.itlMean = 0.0251;
    StageResult ladder = warm;
    ladder.index = 1;
    ladder.rate = 3.0;
    ladder.requests = 60;
    ladder.completed = 0;
    ladder.outputTokensPerS = 0.0;
    ladder.ttft = {};
    ladder.itlMean = 0.0;
    r.stages = {warm, ladder};
    return r;
}

std::string writeLines(const QTemporaryDir& dir, const std::string& text)
{
    const QString path = dir.filePath(QStringLiteral("sweep.jsonl"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(QByteArray::fromStdString(text));
    return path.toStdString();
}

} // namespace

class TestSweepStageRecords final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stagesRoundTrip()
    {
        const SweepRecord record = makeSweepRecord(profilePoint("precise"), stagedResults(), 1.5, "base", profileGrid());
        QCOMPARE(record.stages.size(), std::size_t{2});
        const std::string line = sweepRecordToJsonLine(record);
        // Deterministic: the same record writes the same bytes.
        QCOMPARE(sweepRecordToJsonLine(record), line);
        const auto json = nlohmann::json::parse(line);
        QCOMPARE(json.at("stages").size(), std::size_t{2});
        QCOMPARE(json.at("stages")[0].at("rate").get<double>(), 15.0);
        QCOMPARE(json.at("stages")[0].at("output_tokens_per_s").get<double>(), 9123.456789);
        QVERIFY(!json.at("stages")[0].at("ttft_s").contains("p99"));

        QTemporaryDir dir;
        const auto file = readSweepRecords(writeLines(dir, line + "\n"));
        QVERIFY2(file.has_value(), file ? "" : file.error().toString().c_str());
        QCOMPARE(file->records.size(), std::size_t{1});
        const auto& stages = file->records[0].stages;
        QCOMPARE(stages.size(), std::size_t{2});
        QCOMPARE(stages[0].rate, 15.0);
        QCOMPARE(stages[0].requests, std::int64_t{750});
        QCOMPARE(stages[0].completed, std::int64_t{749});
        QCOMPARE(stages[0].outputTokensPerS, 9123.456789);
        QCOMPARE(stages[0].ttft.mean, 0.123456789);
        QCOMPARE(stages[0].ttft.p50, 0.1);
        QCOMPARE(stages[0].ttft.p90, 0.3);
        QCOMPARE(stages[0].ttft.p99, 0.0);
        QCOMPARE(stages[0].itlMean, 0.0251);
        QCOMPARE(stages[1].rate, 3.0);
        QCOMPARE(stages[1].completed, std::int64_t{0});
        // Written again, the record read back is the same line (sweep merge compares them so).
        QCOMPARE(sweepRecordToJsonLine(file->records[0]), line);
    }

    void unstagedRunsWriteNoStages()
    {
        const SweepRecord record = makeSweepRecord(profilePoint("random"), RunResults{}, 1.0, "base", profileGrid());
        QVERIFY(record.stages.empty());
        const auto json = nlohmann::json::parse(sweepRecordToJsonLine(record));
        QVERIFY(!json.contains("stages"));
    }

    void recordsWithoutStagesStillRead()
    {
        // A record as kvroute wrote it before stages were kept.
        const std::string old = R"({"key":"cluster.pods=1;#0","base":"0123456789abcdef","params":{"cluster.pods":"1"},)"
                                R"("repeat":0,"seed":1,"hit_rate":0.5,"cached_prompt_fraction":0.25,"stickiness":1,)"
                                R"("ttft_s":{"mean":1,"p50":1,"p90":2,"p99":3},"itl_s":{"mean":1,"p50":1,"p90":1,"p99":1},)"
                                R"("e2e_s":{"mean":1,"p50":1,"p90":1,"p99":1},)"
                                R"("throughput":{"requests_per_s":1,"output_tokens_per_s":10},"preemptions":0,)"
                                R"("requests_completed":5,"wall_time_s":0.1})";
        const SweepRecord staged = makeSweepRecord(profilePoint("precise"), stagedResults(), 1.0, "base", profileGrid());
        QTemporaryDir dir;
        const auto file = readSweepRecords(writeLines(dir, old + "\n" + sweepRecordToJsonLine(staged) + "\n"));
        QVERIFY2(file.has_value(), file ? "" : file.error().toString().c_str());
        QCOMPARE(file->records.size(), std::size_t{2});
        QVERIFY(file->records[0].stages.empty());
        QCOMPARE(file->records[0].ttft.p90, 2.0);
        QCOMPARE(file->records[1].stages.size(), std::size_t{2});
    }

    void stagesCsvHasOneRowPerPointAndStage()
    {
        const SweepGrid grid{{SweepParameter{"routing.profile", {"precise", "random"}},
                              SweepParameter{"workload.shared_prefix.stages", {"[[15,50],[3,20]]"}}},
                             1};
        SweepPoint precise = profilePoint("precise");
        precise.assignments.emplace_back("workload.shared_prefix.stages", "[[15,50],[3,20]]");
        SweepPoint random = profilePoint("random");
        random.assignments.emplace_back("workload.shared_prefix.stages", "[[15,50],[3,20]]");
        const std::vector<SweepRecord> records{makeSweepRecord(precise, stagedResults(), 1.0, "base", grid),
                                               makeSweepRecord(random, RunResults{}, 1.0, "base", grid)};
        const std::string header = "routing.profile,workload.shared_prefix.stages,repeat,seed,";
        QCOMPARE(sweepStagesCsv(grid.parameters, records),
                 header + "stage,rate,requests,completed,output_tokens_per_s,ttft_mean_s,ttft_p50_s,ttft_p90_s,"
                          "itl_mean_s\n"
                          "precise,\"[[15,50],[3,20]]\",0,7,0,15,750,749,9123.45679,0.123456789,0.1,0.3,0.0251\n"
                          "precise,\"[[15,50],[3,20]]\",0,7,1,3,60,0,0,0,0,0,0\n");
        // The points file keeps one row per point, the list value quoted whole.
        const std::string points = sweepPointsCsv(grid.parameters, records);
        QVERIFY2(points.starts_with(header + "hit_rate,"), points.c_str());
        QCOMPARE(std::count(points.begin(), points.end(), '\n'), 3);
        QVERIFY2(points.find("\nrandom,\"[[15,50],[3,20]]\",0,7,") != std::string::npos, points.c_str());
        // No stages anywhere: no stages file.
        QVERIFY(sweepStagesCsv(grid.parameters, {records[1]}).empty());
    }

    void malformedStagesAreAnError()
    {
        SweepRecord record = makeSweepRecord(profilePoint("precise"), stagedResults(), 1.0, "base", profileGrid());
        auto json = nlohmann::ordered_json::parse(sweepRecordToJsonLine(record));
        json["stages"][0].erase("rate");
        QTemporaryDir dir;
        const auto file = readSweepRecords(writeLines(dir, json.dump() + "\n"));
        QVERIFY(!file.has_value());
        QVERIFY(file.error().toString().find(":1") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSweepStageRecords)
#include "tst_sweep_stage_records.moc"
