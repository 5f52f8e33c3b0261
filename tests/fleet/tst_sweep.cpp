// The sweep grid (sim/sweep): parameter parsing, grid order and repeats, order-free point keys,
// the base-scenario fingerprint that guards resuming, and reading a results file back.

#include "sim/sweep/sweep.h"
#include "sim/sweep/sweep_records.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <set>
#include <string>
#include <vector>

using kvroute::sim::SweepParameter;

namespace {

std::string writeFile(const QTemporaryDir& dir, const char* name, const QByteArray& content)
{
    const QString path = dir.filePath(QString::fromLatin1(name));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
    return path.toStdString();
}

const char* kRecord = R"({"key":"cluster.pods=1;#0","base":"0123456789abcdef","params":{"cluster.pods":"1"},)"
                      R"("repeat":0,"seed":1,"hit_rate":0.5,"cached_prompt_fraction":0.25,"stickiness":1,)"
                      R"("ttft_s":{"mean":1,"p50":1,"p90":2,"p99":3},"itl_s":{"mean":1,"p50":1,"p90":1,"p99":1},)"
                      R"("e2e_s":{"mean":1,"p50":1,"p90":1,"p99":1},)"
                      R"("throughput":{"requests_per_s":1,"output_tokens_per_s":10},"preemptions":0,)"
                      R"("requests_completed":5,"wall_time_s":0.1})";

} // namespace

class TestSweep final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesParameters_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("values"); // empty: an error
        QTest::newRow("list") << "vllm.block_size=16,32,64" << QStringList{"16", "32", "64"};
        QTest::newRow("one value") << "routing.profile=precise" << QStringList{"precise"};
        QTest::newRow("range, step 1") << "cluster.pods=2:5" << QStringList{"2", "3", "4", "5"};
        QTest::newRow("range, fractional step") << "x=0.5:1.5:0.5" << QStringList{"0.5", "1", "1.5"};
        QTest::newRow("range, stop off the grid") << "x=0:10:4" << QStringList{"0", "4", "8"};
        QTest::newRow("list values stay whole") << "workload.shared_prefix.stages=[[3,20]],[[5,20],[8,10]]"
                                                << QStringList{"[[3,20]]", "[[5,20],[8,10]]"};
        QTest::newRow("map values stay whole") << "workload.shared_prefix.stages=[{rate: 3, duration: 20}],[[5,20]]"
                                               << QStringList{"[{rate: 3, duration: 20}]", "[[5,20]]"};
        QTest::newRow("a quoted comma stays in its item") << "description=\"a, b\",c"
                                                         << QStringList{"\"a, b\"", "c"};
        QTest::newRow("single quotes, doubled inside") << "description='it''s, so',d" << QStringList{"'it''s, so'", "d"};
        QTest::newRow("an escaped quote inside double quotes") << "description=\"x\\\", y\",z"
                                                               << QStringList{"\"x\\\", y\"", "z"};
        QTest::newRow("an apostrophe inside an item is text") << "description=it's,b" << QStringList{"it's", "b"};
        QTest::newRow("a quoted colon is not a range") << "description=\"a:b\"" << QStringList{"\"a:b\""};
        QTest::newRow("no =") << "vllm.block_size" << QStringList{};
        QTest::newRow("no path") << "=1,2" << QStringList{};
        QTest::newRow("no values") << "x=" << QStringList{};
        QTest::newRow("empty value") << "x=1,,2" << QStringList{};
        QTest::newRow("a value twice") << "vllm.block_size=16,32,16" << QStringList{};
        QTest::newRow("a range finer than 10 digits") << "x=1:1.000000000002:0.000000000001" << QStringList{};
        QTest::newRow("range backwards") << "x=3:1" << QStringList{};
        QTest::newRow("range step 0") << "x=1:2:0" << QStringList{};
        QTest::newRow("range not numbers") << "x=a:b" << QStringList{};
    }

    // Every point is a whole run and the grid is built before the first: a product of ranges
    // (or the repeats) too large to run is refused before anything is allocated for it.
    void gridSizeIsBounded_data()
    {
        QTest::addColumn<QList<int>>("sizes");
        QTest::addColumn<int>("repeats");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("one range of 10,000") << QList<int>{10000} << 1 << true;
        QTest::newRow("exactly the limit") << QList<int>{100, 1000} << 1 << true;
        QTest::newRow("just over") << QList<int>{100, 1001} << 1 << false;
        QTest::newRow("two ranges of 10,000") << QList<int>{10000, 10000} << 1 << false;
        QTest::newRow("repeats push it over") << QList<int>{100, 1000} << 2 << false;
        QTest::newRow("repeats alone") << QList<int>{} << 100001 << false;
    }

    void gridSizeIsBounded()
    {
        QFETCH(QList<int>, sizes);
        QFETCH(int, repeats);
        QFETCH(bool, accepted);
        std::vector<kvroute::sim::SweepParameter> parameters;
        for (int i = 0; i < sizes.size(); ++i) {
            kvroute::sim::SweepParameter p;
            p.path = "key" + std::to_string(i);
            for (int v = 0; v < sizes[i]; ++v)
                p.values.push_back(std::to_string(v));
            parameters.push_back(std::move(p));
        }
        const auto checked = kvroute::sim::checkSweepParameters(parameters, repeats);
        QCOMPARE(static_cast<bool>(checked), accepted);
        if (!accepted)
            QVERIFY2(checked.error().message.find("has more than 100,000 points") != std::string::npos,
                     checked.error().message.c_str());
    }

    // Values written differently that YAML reads alike are one point, run twice under two keys.
    void valuesThatResolveAlike_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("distinct");
        QTest::newRow("a leading zero") << "cluster.pods=01,1" << false;
        QTest::newRow("1 and 1.0") << "routing.kv_event_delay=1,1.0" << false;
        QTest::newRow("an exponent") << "routing.kv_event_delay=1e0,2" << true;
        QTest::newRow("1e0 and 1") << "routing.kv_event_delay=1e0,1" << false;
        QTest::newRow("quoted and plain text") << "description=a,\"a\"" << false;
        // Its warning (not read by this workload) quotes the value as written: not compared.
        QTest::newRow("an unread key, two ways") << "workload.mooncake_block_tokens=016,16" << false;
        QTest::newRow("different values") << "cluster.pods=1,2,3" << true;
        QTest::newRow("a value that does not apply is left to validation") << "cluster.pods=0,1" << true;
    }

    void valuesThatResolveAlike()
    {
        QFETCH(QString, text);
        QFETCH(bool, distinct);
        const auto base = kvroute::sim::builtinScenario("default");
        QVERIFY(base);
        const auto p = kvroute::sim::parseSweepParameter(text.toStdString());
        QVERIFY(p);
        const auto checked = kvroute::sim::checkSweepValuesDistinct(*base, {*p});
        QCOMPARE(static_cast<bool>(checked), distinct);
        if (!distinct)
            QVERIFY2(checked.error().message.find("give the same scenario") != std::string::npos,
                     checked.error().message.c_str());
    }

    // A point's bad value is located at --param, and the quoting it suggests is for --param.
    void pointErrorsNameParam()
    {
        const auto base = kvroute::sim::builtinScenario("default");
        QVERIFY(base);
        const auto p = kvroute::sim::parseSweepParameter("description=a #1,b");
        QVERIFY(p);
        const auto grid = kvroute::sim::expandSweepGrid({*p}, 1, 1);
        const auto checked = kvroute::sim::validateSweep(*base, grid);
        QVERIFY(!checked);
        QCOMPARE(checked.error().where, std::string("--param description=a #1"));
        QVERIFY2(checked.error().message.find("quote it: --param 'description=\"a #1\"'") != std::string::npos,
                 checked.error().message.c_str());
        QVERIFY2(checked.error().message.find("--set") == std::string::npos, checked.error().message.c_str());
    }

    // A repeated point says why: a list names the value, a range its too fine step.
    void repeatedValuesSayWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("a list") << "vllm.block_size=16,32,16" << "value 16 is listed twice";
        QTest::newRow("a range") << "x=1:1.000000000002:0.000000000001"
                                 << "the range's step is below the precision of its values (10 significant digits): 1 comes twice";
    }

    void repeatedValuesSayWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        const auto p = kvroute::sim::parseSweepParameter(text.toStdString());
        QVERIFY(!p);
        QVERIFY2(p.error().message.find(fragment.toStdString()) != std::string::npos, p.error().message.c_str());
    }

    void parsesParameters()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, values);
        const auto p = kvroute::sim::parseSweepParameter(text.toStdString());
        if (values.isEmpty()) {
            QVERIFY(!p);
            QCOMPARE(p.error().where, "--param " + text.toStdString());
            return;
        }
        QVERIFY2(p, p ? "" : p.error().toString().c_str());
        QCOMPARE(p->path, text.section(QLatin1Char('='), 0, 0).toStdString());
        QStringList got;
        for (const auto& v : p->values)
            got.append(QString::fromStdString(v));
        QCOMPARE(got, values);
    }

    void gridOrderRepeatsAndKeys()
    {
        const std::vector<SweepParameter> params{{"b", {"1", "2"}}, {"a", {"x", "y", "z"}}};
        const auto grid = kvroute::sim::expandSweepGrid(params, 2, 100);
        QCOMPARE(grid.size(), std::size_t{12});
        // First parameter slowest, repeats innermost with seeds base, base + 1.
        QCOMPARE(grid[0].key(), std::string("a=x;b=1;#0"));
        QCOMPARE(grid[0].seed, std::uint64_t{100});
        QCOMPARE(grid[1].key(), std::string("a=x;b=1;#1"));
        QCOMPARE(grid[1].seed, std::uint64_t{101});
        QCOMPARE(grid[2].key(), std::string("a=y;b=1;#0"));
        QCOMPARE(grid[6].key(), std::string("a=x;b=2;#0"));
        QCOMPARE(grid[6].assignments.front().first, std::string("b")); // assignments keep the given order
        // The same grid given the other way round names the same points.
        const auto swapped = kvroute::sim::expandSweepGrid({params[1], params[0]}, 2, 100);
        std::set<std::string> a, b;
        for (std::size_t i = 0; i < grid.size(); ++i) {
            a.insert(grid[i].key());
            b.insert(swapped[i].key());
        }
        QCOMPARE(a, b);
        QCOMPARE(a.size(), grid.size());
    }

    void aKeySweptTwiceIsAnError()
    {
        QVERIFY(kvroute::sim::checkSweepParameters({{"a", {"1"}}, {"b", {"2"}}}));
        const auto twice = kvroute::sim::checkSweepParameters({{"a", {"1"}}, {"b", {"2"}}, {"a", {"3"}}});
        QVERIFY(!twice);
        QVERIFY(twice.error().message.find("swept twice") != std::string::npos);
    }

    void baseIdFollowsKeysAndFileContents()
    {
        auto base = kvroute::sim::builtinScenario("default");
        QVERIFY(base);
        const std::string id = kvroute::sim::sweepBaseId(*base);
        QCOMPARE(id.size(), std::size_t{16});
        QCOMPARE(kvroute::sim::sweepBaseId(*base), id);
        auto other = *base;
        other.seed += 1;
        QVERIFY(kvroute::sim::sweepBaseId(other) != id);

        QTemporaryDir dir;
        auto traced = *base;
        traced.workload.kind = kvroute::sim::WorkloadKind::Mooncake;
        traced.workload.trace.path = writeFile(dir, "t.jsonl", "{}\n");
        const std::string before = kvroute::sim::sweepBaseId(traced);
        writeFile(dir, "t.jsonl", "{ }\n"); // same path, other contents
        QVERIFY(kvroute::sim::sweepBaseId(traced) != before);
    }

    void readsResultsFiles()
    {
        QTemporaryDir dir;
        const QByteArray record(kRecord);
        // Missing: empty.
        auto file = kvroute::sim::readSweepRecords(dir.filePath(QStringLiteral("none.jsonl")).toStdString());
        QVERIFY(file && file->records.empty() && !file->completeBytes);
        // Two records, the second cut off: the fragment is reported with the bytes to keep.
        const std::string cut = writeFile(dir, "cut.jsonl", record + "\n" + record.left(40));
        file = kvroute::sim::readSweepRecords(cut);
        QVERIFY(file);
        QCOMPARE(file->records.size(), std::size_t{1});
        QCOMPARE(file->records[0].cachedPromptFraction, 0.25);
        QCOMPARE(file->records[0].base, std::string("0123456789abcdef"));
        QCOMPARE(file->completeBytes.value_or(0), static_cast<std::uintmax_t>(record.size() + 1));
        QCOMPARE(file->partialLine, 2);
        // A whole record without its newline.
        const std::string whole = writeFile(dir, "whole.jsonl", record);
        file = kvroute::sim::readSweepRecords(whole);
        QVERIFY(file && file->records.size() == 1 && file->lastLineUnterminated && !file->completeBytes);
        // A malformed line in the middle, or a last line that is not a record: errors.
        const std::string middle = writeFile(dir, "middle.jsonl", record.left(40) + "\n" + record + "\n");
        file = kvroute::sim::readSweepRecords(middle);
        QVERIFY(!file);
        QCOMPARE(file.error().where, middle + ":1");
        QVERIFY(!kvroute::sim::readSweepRecords(writeFile(dir, "notes.txt", "my notes")));
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
