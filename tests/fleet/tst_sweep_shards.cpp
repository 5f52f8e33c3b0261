// Sharded sweeps (issue: sweeps beyond one machine): `sweep --shard I/N` runs a disjoint,
// balanced slice of the grid; `sweep merge` puts the slices back together and must equal the
// unsharded sweep record for record (wall time aside); it refuses records of another base or
// grid, reports missing points, and a point found twice with other results.
#include "cli_test_support.h"

#include "sim/sweep/sweep.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <set>

using kvroute::test::runKvroute;

namespace {

const QStringList kGrid{QStringLiteral("sweep"), QStringLiteral("default"),        QStringLiteral("--param"), QStringLiteral("vllm.block_size=16,32,64"),
                        QStringLiteral("--param"),        QStringLiteral("cluster.pods=2,3"),
                        QStringLiteral("--repeat"),       QStringLiteral("2"),
                        QStringLiteral("--set"),          QStringLiteral("duration=20"),
                        QStringLiteral("-q")};

/// The file's records, each without its wall time (which differs run to run) and shard, as
/// compact JSON, sorted.
QStringList recordsOf(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {QStringLiteral("cannot read ") + path};
    QStringList out;
    for (const auto& line : f.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        auto o = QJsonDocument::fromJson(line).object();
        o.remove(QStringLiteral("wall_time_s"));
        o.remove(QStringLiteral("shard"));
        out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    out.sort();
    return out;
}

} // namespace

class TestSweepShards final : public QObject {
    Q_OBJECT

private slots:
    void shardsAreDisjointBalancedAndCoverTheGrid_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("shards");
        for (const auto& [points, shards] : {std::pair{12, 4}, {13, 4}, {3, 5}, {1, 1}, {625, 8}})
            QTest::addRow("%d points, %d shards", points, shards) << points << shards;
    }

    void shardsAreDisjointBalancedAndCoverTheGrid()
    {
        QFETCH(int, points);
        QFETCH(int, shards);
        kvroute::sim::SweepParameter p{"seed", {}};
        for (int i = 0; i < points; ++i)
            p.values.push_back(std::to_string(i));
        const auto grid = kvroute::sim::expandSweepGrid({p}, 1, 1);
        std::multiset<std::string> seen;
        std::size_t smallest = grid.size(), largest = 0;
        for (int i = 0; i < shards; ++i) {
            const auto slice = kvroute::sim::shardPoints(grid, {i, shards});
            smallest = std::min(smallest, slice.size());
            largest = std::max(largest, slice.size());
            for (const auto& point : slice)
                seen.insert(point.key());
        }
        QCOMPARE(seen.size(), grid.size());
        QCOMPARE(std::set<std::string>(seen.begin(), seen.end()).size(), grid.size()); // each exactly once
        QVERIFY2(largest - smallest <= 1, "shards differ by more than one point");
    }

    void parsesShards_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("0/4") << "0/4" << true;
        QTest::newRow("3/4") << "3/4" << true;
        QTest::newRow("4/4") << "4/4" << false;
        QTest::newRow("-1/4") << "-1/4" << false;
        QTest::newRow("1/0") << "1/0" << false;
        QTest::newRow("no slash") << "2" << false;
        QTest::newRow("words") << "a/b" << false;
        QTest::newRow("empty index") << "/4" << false;
    }

    void parsesShards()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto shard = kvroute::sim::parseSweepShard(text.toStdString());
        QCOMPARE(shard.has_value(), valid);
        if (!valid)
            QVERIFY(shard.error().toString().find("--shard") != std::string::npos);
    }

    void fourShardsInParallelMergeToTheUnshardedSweep()
    {
        QTemporaryDir dir;
        const QString d = dir.path() + QLatin1Char('/');
        const auto whole = runKvroute(QStringList(kGrid) << "--out" << d + "whole.jsonl" << "-j" << "2");
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.err));

        std::vector<std::unique_ptr<QProcess>> shards;
        for (int i = 0; i < 4; ++i) {
            auto p = std::make_unique<QProcess>();
            p->start(qEnvironmentVariable("KVROUTE_BIN"),
                     QStringList(kGrid) << "--shard" << QStringLiteral("%1/4").arg(i) << "--out"
                                        << d + QStringLiteral("shard-%1.jsonl").arg(i) << "-j" << "1");
            shards.push_back(std::move(p));
        }
        for (auto& p : shards) {
            QVERIFY(p->waitForFinished(120000));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }
        QStringList inputs;
        int total = 0;
        for (int i = 0; i < 4; ++i) {
            inputs << d + QStringLiteral("shard-%1.jsonl").arg(i);
            total += static_cast<int>(recordsOf(inputs.back()).size());
        }
        QCOMPARE(total, 12); // 3 × 2 points × 2 repeats, each in one shard
        const auto merged = runKvroute(QStringList{"sweep", "merge", d + "merged.jsonl"} << inputs);
        QVERIFY2(merged.exitCode == 0, qPrintable(merged.err));
        QVERIFY(merged.err.contains(QStringLiteral("merged 12 of 12 points")));
        QCOMPARE(recordsOf(d + "merged.jsonl"), recordsOf(d + "whole.jsonl"));
        QVERIFY(merged.out.contains(QStringLiteral("vllm.block_size\tcluster.pods"))); // the summary table

        // A shard missing: merge writes what it has, names the points it lacks, exits 1.
        const auto partial = runKvroute({"sweep", "merge", d + "partial.jsonl", inputs[0], inputs[1], inputs[3]});
        QCOMPARE(partial.exitCode, 1);
        const auto lacking = kvroute::sim::shardPoints(
            kvroute::sim::expandSweepGrid({{"vllm.block_size", {"16", "32", "64"}}, {"cluster.pods", {"2", "3"}}}, 2, 1),
            {2, 4});
        QVERIFY(partial.err.contains(QStringLiteral("%1 points are missing").arg(lacking.size())));
        for (const auto& point : lacking)
            QVERIFY2(partial.err.contains(QString::fromStdString(point.key())), qPrintable(partial.err));

        // The same shard twice: identical records are kept once and said.
        const auto twice = runKvroute(QStringList{"sweep", "merge", d + "twice.jsonl"} << inputs << inputs[0]);
        QVERIFY2(twice.exitCode == 0, qPrintable(twice.err));
        QVERIFY(twice.err.contains(QStringLiteral("more than one file")));
        QCOMPARE(recordsOf(d + "twice.jsonl"), recordsOf(d + "whole.jsonl"));

        // Another base scenario (a --set differs), or another grid: refused, naming the file.
        auto otherBase = runKvroute(QStringList(kGrid) << "--set" << "seed=7" << "--shard" << "0/4" << "--out" << d + "other-base.jsonl");
        QVERIFY2(otherBase.exitCode == 0, qPrintable(otherBase.err));
        auto refused = runKvroute({"sweep", "merge", d + "x.jsonl", inputs[0], d + "other-base.jsonl"});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("other-base.jsonl")) && refused.err.contains(QStringLiteral("base scenario")),
                 qPrintable(refused.err));
        QStringList otherGridArgs(kGrid);
        otherGridArgs[3] = QStringLiteral("vllm.block_size=16,32");
        auto otherGrid = runKvroute(otherGridArgs << "--shard" << "0/4" << "--out" << d + "other-grid.jsonl");
        QVERIFY2(otherGrid.exitCode == 0, qPrintable(otherGrid.err));
        refused = runKvroute({"sweep", "merge", d + "x.jsonl", inputs[0], d + "other-grid.jsonl"});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("another grid")), qPrintable(refused.err));
        QVERIFY(!QFile::exists(d + "x.jsonl"));

        // A point with other results than the same point elsewhere: refused.
        QFile a(inputs[0]);
        QVERIFY(a.open(QIODevice::ReadOnly));
        QByteArray forged = a.readAll();
        a.close();
        forged.replace("\"hit_rate\":0.", "\"hit_rate\":0.1");
        QFile b(d + "forged.jsonl");
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write(forged);
        b.close();
        refused = runKvroute({"sweep", "merge", d + "x.jsonl", inputs[0], d + "forged.jsonl"});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("other results")), qPrintable(refused.err));

        // Bad arguments.
        QCOMPARE(runKvroute(QStringList(kGrid) << "--shard" << "4/4" << "--out" << d + "y.jsonl").exitCode, 2);
        QCOMPARE(runKvroute({"sweep", "merge", d + "y.jsonl", d + "missing.jsonl"}).exitCode, 2);
        QCOMPARE(runKvroute({"sweep", "merge", inputs[0], inputs[0]}).exitCode, 2);
        QCOMPARE(runKvroute({"sweep", "--param", "cluster.pods=2,3", "--out", d + "y.jsonl"}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestSweepShards)
#include "tst_sweep_shards.moc"
