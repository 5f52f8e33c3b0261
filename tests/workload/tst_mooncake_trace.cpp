// Mooncake trace replay on the shared synthetic and conversation traces (sims.md §2.1, §3.1):
// records as read by an independent parser (QJsonDocument), prompt lengths, equal hash ids ⇒
// equal token blocks and different ids ⇒ different blocks, limits, time scaling, and the
// ideal-hit helper against independent re-computations and the published reproduction.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "sim/kernel/sim_time.h"
#include "sim/workload/mooncake_trace.h"
#include "sim/workload/trace_workloads.h"
#include "workload_test_support.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

using kvroute::sim::MooncakeRecord;
using kvroute::sim::MooncakeIdealCache;
using kvroute::sim::MooncakeTraceReader;
using kvroute::sim::MooncakeTraceWorkload;
using kvroute::sim::PromptRef;
using kvroute::sim::TokenVector;
using kvroute::sim::TraceReplayConfig;
using kvroute::test::runWorkload;
using kvroute::test::sharedTrace;

namespace {

struct Row {
    qint64 timestamp = 0;
    qint64 input = 0;
    qint64 output = 0;
    std::vector<qint64> ids;
};

/// The trace as Qt's JSON parser reads it.
std::vector<Row> readWithQt(const std::string& path)
{
    std::vector<Row> rows;
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return rows;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        Row row;
        row.timestamp = o.value(QStringLiteral("timestamp")).toInteger();
        row.input = o.value(QStringLiteral("input_length")).toInteger();
        row.output = o.value(QStringLiteral("output_length")).toInteger();
        for (const auto& v : o.value(QStringLiteral("hash_ids")).toArray())
            row.ids.push_back(v.toInteger());
        rows.push_back(std::move(row));
    }
    return rows;
}

/// sims.md §3.1's convention with a plain set of seen ids: the hit of a request is its leading
/// run of already-seen ids × 512 tokens, at most its length.
std::pair<qint64, qint64> seenSetHits(const std::vector<Row>& rows)
{
    std::set<qint64> seen;
    qint64 hits = 0;
    qint64 total = 0;
    for (const auto& r : rows) {
        std::size_t k = 0;
        while (k < r.ids.size() && seen.count(r.ids[k]))
            ++k;
        hits += std::min<qint64>(static_cast<qint64>(k) * 512, r.input);
        total += r.input;
        seen.insert(r.ids.begin(), r.ids.end());
    }
    return {hits, total};
}

/// What vLLM with 16-token blocks would hit, by comparing every pair of requests.
qint64 bruteForceEngineHits(const std::vector<Row>& rows)
{
    qint64 hits = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        qint64 best = 0;
        for (std::size_t q = 0; q < r; ++q) {
            std::size_t k = 0;
            while (k < rows[q].ids.size() && k < rows[r].ids.size() && rows[q].ids[k] == rows[r].ids[k])
                ++k;
            best = std::max(best, std::min<qint64>(static_cast<qint64>(k) * 512, rows[q].input));
        }
        hits += std::min(best, rows[r].input - 1) / 16 * 16;
    }
    return hits;
}

} // namespace

class TestMooncakeTrace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readerMatchesIndependentParser();
    void promptsFollowHashIds();
    void promptRecipeWritesTheStoredTokens_data();
    void promptRecipeWritesTheStoredTokens();
    void requestLimitAndTimeScale();
    void idealCacheByHand();
    void idealHitSynthetic();
    void idealHitConversation();
    void timestampRange_data();
    void timestampRange();
    void hashIdsMatchTheBlockSize_data();
    void hashIdsMatchTheBlockSize();
};

void TestMooncakeTrace::hashIdsMatchTheBlockSize_data()
{
    QTest::addColumn<int>("inputLength");
    QTest::addColumn<int>("ids");
    QTest::addColumn<int>("blockTokens");
    QTest::addColumn<QString>("error"); // empty: accepted
    QTest::newRow("one partial block") << 10 << 1 << 512 << QString();
    QTest::newRow("two whole blocks") << 1024 << 2 << 512 << QString();
    QTest::newRow("one id short") << 1025 << 2 << 512
                                  << QStringLiteral("field \"hash_ids\" has 2 ids but input_length 1025 needs 3 blocks");
    QTest::newRow("one id too many") << 512 << 2 << 512
                                     << QStringLiteral("field \"hash_ids\" has 2 ids but input_length 512 makes 1 block of 512 tokens");
    QTest::newRow("a 512-token trace read as 1024") << 1000 << 2 << 1024
                                                    << QStringLiteral("field \"hash_ids\" has 2 ids but input_length "
                                                                      "1000 makes 1 block of 1024 tokens: is "
                                                                      "workload.mooncake_block_tokens the trace's block size?");
}

void TestMooncakeTrace::hashIdsMatchTheBlockSize()
{
    QFETCH(int, inputLength);
    QFETCH(int, ids);
    QFETCH(int, blockTokens);
    QFETCH(QString, error);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("t.jsonl")).toStdString();
    {
        QStringList list;
        for (int i = 0; i < ids; ++i)
            list << QString::number(i + 1);
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("{\"timestamp\": 0, \"input_length\": %1, \"output_length\": 1, \"hash_ids\": [%2]}\n")
                       .arg(inputLength)
                       .arg(list.join(QLatin1Char(',')))
                       .toUtf8());
    }
    auto reader = MooncakeTraceReader::open(path, blockTokens);
    QVERIFY(reader.has_value());
    auto record = reader->next();
    if (error.isEmpty()) {
        QVERIFY2(record.has_value(), record ? "" : record.error().message.c_str());
        QVERIFY(record->has_value());
        QCOMPARE((*record)->hashIds.size(), static_cast<std::size_t>(ids));
        return;
    }
    QVERIFY(!record.has_value());
    QCOMPARE(record.error().where, path + ":1");
    QVERIFY2(record.error().message.starts_with(error.toStdString()), record.error().message.c_str());
}

void TestMooncakeTrace::timestampRange_data()
{
    QTest::addColumn<QString>("timestamp");
    QTest::addColumn<bool>("valid");
    QTest::newRow("an hour") << QStringLiteral("3600000") << true;
    QTest::newRow("the limit, 104 days") << QStringLiteral("9000000000") << true;
    // Accepted by the reader before, then the replay aborted: "time out of SimTime range".
    QTest::newRow("1e13 ms") << QStringLiteral("1e13") << false;
    QTest::newRow("just over") << QStringLiteral("9000000001") << false;
    QTest::newRow("1e308") << QStringLiteral("1e308") << false;
    QTest::newRow("negative") << QStringLiteral("-1") << false;
}

void TestMooncakeTrace::timestampRange()
{
    QFETCH(QString, timestamp);
    QFETCH(bool, valid);
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("t.jsonl")).toStdString();
    {
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("{\"timestamp\": %1, \"input_length\": 10, \"output_length\": 1, \"hash_ids\": [1]}\n")
                       .arg(timestamp)
                       .toUtf8());
    }
    auto reader = MooncakeTraceReader::open(path);
    QVERIFY(reader.has_value());
    auto record = reader->next();
    QCOMPARE(record.has_value(), valid);
    if (valid) {
        // What the replay computes at the largest time_scale: inside the clock's range.
        QVERIFY(kvroute::sim::fromMillis((*record)->timestampMs * 1000.0) > 0);
        return;
    }
    QCOMPARE(record.error().where, path + ":1");
    QVERIFY2(record.error().message.starts_with("field \"timestamp\" must be a number of milliseconds in [0, "
                                                "9000000000] (104 days"),
             record.error().message.c_str());
}

void TestMooncakeTrace::readerMatchesIndependentParser()
{
    const auto path = sharedTrace("synthetic_trace.jsonl");
    const auto rows = readWithQt(path);
    QCOMPARE(rows.size(), std::size_t{3993});
    auto reader = MooncakeTraceReader::open(path);
    QVERIFY(reader.has_value());
    for (const auto& row : rows) {
        auto record = reader->next();
        QVERIFY2(record.has_value(), record ? "" : record.error().toString().c_str());
        QVERIFY(record->has_value());
        const auto& r = **record;
        QCOMPARE(r.timestampMs, static_cast<double>(row.timestamp));
        QCOMPARE(r.inputLength, row.input);
        QCOMPARE(r.outputLength, row.output);
        QCOMPARE(static_cast<qint64>(r.hashIds.size()), (row.input + 511) / 512);
        QVERIFY(std::equal(r.hashIds.begin(), r.hashIds.end(), row.ids.begin()));
    }
    auto end = reader->next();
    QVERIFY(end.has_value() && !end->has_value());
    // The first record, read off the file by eye: 40160 tokens, 6 out, ids 0..78.
    QCOMPARE(rows.front().input, qint64{40160});
    QCOMPARE(rows.front().output, qint64{6});
    QCOMPARE(rows.front().ids.size(), std::size_t{79});
}

void TestMooncakeTrace::promptsFollowHashIds()
{
    const auto path = sharedTrace("synthetic_trace.jsonl");
    const auto rows = readWithQt(path);
    TraceReplayConfig c;
    c.path = path;
    MooncakeTraceWorkload workload(c, 1, 300);
    const auto run = runWorkload(workload);
    QVERIFY(!workload.streamError().has_value());
    QCOMPARE(run.requests.size(), std::size_t{300});

    std::map<qint64, TokenVector> blocks; // id -> longest slice seen
    std::size_t comparedSlices = 0;
    for (std::size_t i = 0; i < run.requests.size(); ++i) {
        const auto& request = run.requests[i];
        const auto& row = rows[i];
        const TokenVector prompt = request.prompt.copy();
        QCOMPARE(static_cast<qint64>(prompt.size()), row.input);
        QCOMPARE(static_cast<qint64>(request.maxTokens), std::max<qint64>(1, row.output));
        QCOMPARE(request.sessionId, static_cast<std::uint64_t>(i));
        for (std::size_t b = 0; b * 512 < prompt.size(); ++b) {
            const auto first = prompt.begin() + static_cast<std::ptrdiff_t>(b * 512);
            const auto last = prompt.begin() + static_cast<std::ptrdiff_t>(std::min(prompt.size(), (b + 1) * 512));
            const TokenVector slice(first, last);
            auto& known = blocks[row.ids[b]];
            const std::size_t n = std::min(known.size(), slice.size());
            if (n > 0) {
                QVERIFY(std::equal(slice.begin(), slice.begin() + static_cast<std::ptrdiff_t>(n), known.begin()));
                ++comparedSlices;
            }
            if (slice.size() > known.size())
                known = slice;
        }
    }
    // Every reuse of an id was compared (369 in these 300 records).
    std::set<qint64> seen;
    std::size_t reuses = 0;
    for (std::size_t i = 0; i < run.requests.size(); ++i) {
        for (const qint64 id : rows[i].ids)
            reuses += seen.insert(id).second ? 0 : 1;
    }
    QCOMPARE(comparedSlices, reuses);
    QVERIFY(reuses > 300);
    // Different ids: their first 16 tokens (one vLLM block) are all different.
    std::set<TokenVector> heads;
    for (const auto& [id, tokens] : blocks) {
        if (tokens.size() >= 16)
            heads.insert(TokenVector(tokens.begin(), tokens.begin() + 16));
        else
            heads.insert(tokens);
    }
    QCOMPARE(heads.size(), blocks.size());
}

void TestMooncakeTrace::promptRecipeWritesTheStoredTokens_data()
{
    QTest::addColumn<qint64>("inputLength");
    QTest::addColumn<int>("blockTokens");
    QTest::newRow("one partial block") << qint64{7} << 512;
    QTest::newRow("whole blocks") << qint64{1536} << 512;
    QTest::newRow("partial last block") << qint64{1300} << 512;
    QTest::newRow("16-token blocks") << qint64{100} << 16;
}

// A replay's requests carry the recipe (mooncakePromptRecipe); every read of it must give what
// the stored prompt (mooncakePrompt) holds, from any offset, across block boundaries.
void TestMooncakeTrace::promptRecipeWritesTheStoredTokens()
{
    QFETCH(qint64, inputLength);
    QFETCH(int, blockTokens);
    MooncakeRecord record;
    record.inputLength = inputLength;
    for (qint64 i = 0; i * blockTokens < inputLength; ++i)
        record.hashIds.push_back(1000 + 7 * i);
    const TokenVector stored = kvroute::sim::mooncakePrompt(record, blockTokens);
    const PromptRef recipe = kvroute::sim::mooncakePromptRecipe(record, blockTokens);
    QVERIFY(recipe.stored() == nullptr);
    QCOMPARE(recipe.size(), stored.size());
    QVERIFY(recipe.copy() == stored);
    const auto n = stored.size();
    TokenVector scratch;
    for (const std::size_t begin : {std::size_t{0}, std::size_t{1}, n / 3, n - 1, n}) {
        for (const std::size_t end : {begin, std::min(n, begin + 1), std::min(n, begin + 515), n}) {
            const auto span = recipe.tokens(begin, end, scratch);
            QVERIFY(std::equal(span.begin(), span.end(), stored.begin() + static_cast<std::ptrdiff_t>(begin),
                               stored.begin() + static_cast<std::ptrdiff_t>(end)));
            TokenVector appended{42};
            recipe.appendTo(begin, end, appended);
            QCOMPARE(appended.size(), 1 + end - begin);
            QVERIFY(std::equal(appended.begin() + 1, appended.end(), stored.begin() + static_cast<std::ptrdiff_t>(begin)));
        }
    }
    QCOMPARE(recipe.at(n - 1), stored.back());
    // Copies share one identity, which expires with the last copy (the hash memos rely on it).
    std::weak_ptr<const void> watch;
    {
        const PromptRef copy = recipe;
        QCOMPARE(copy.identity(), recipe.identity());
        QVERIFY(copy.identity() != kvroute::sim::mooncakePromptRecipe(record, blockTokens).identity());
        watch = copy.watch();
    }
    QVERIFY(!watch.expired());
}

void TestMooncakeTrace::requestLimitAndTimeScale()
{
    const auto path = sharedTrace("synthetic_trace.jsonl");
    const auto rows = readWithQt(path);
    TraceReplayConfig c;
    c.path = path;
    c.timeScale = 0.5;
    MooncakeTraceWorkload workload(c, 1);
    const auto run = runWorkload(workload, kvroute::test::kForever, 120);
    QCOMPARE(run.requests.size(), std::size_t{120});
    for (std::size_t i = 0; i < run.requests.size(); ++i) // ms × 0.5 = ns × 500,000
        QCOMPARE(run.requests[i].arrival, rows[i].timestamp * 500'000);
    QVERIFY(rows[119].timestamp > 0);

    // End time: nothing at or after it.
    const kvroute::sim::SimTime end = 10 * kvroute::sim::kSecond;
    MooncakeTraceWorkload timed(c, 1);
    const auto cut = runWorkload(timed, end);
    const auto expected = std::count_if(rows.begin(), rows.end(), [&](const Row& r) { return r.timestamp * 500'000 < end; });
    QCOMPARE(static_cast<std::ptrdiff_t>(cut.requests.size()), expected);
}

void TestMooncakeTrace::idealCacheByHand()
{
    // Trace blocks of 4 tokens, vLLM blocks of 2; worked out by hand:
    //  r1 [1,2] L7:    nothing cached                          trace 0, engine 0
    //  r2 [1,2,3] L10: shares 2 ids with r1 (8 tokens, r1 has 7)  trace 8, engine floor(7/2)·2 = 6
    //  r3 [1,5] L5:    shares id 1 (4 tokens)                   trace 4, engine min(4, 5-1) = 4
    //  r4 [1,2,3] L9:  shares 3 ids with r2 (12 tokens, r2 has 10) trace min(12, 9) = 9,
    //                  engine min(10, 9-1) = 8
    //  r5 [7] L1:      new                                     trace 0, engine 0
    MooncakeIdealCache trace(4, 0);
    MooncakeIdealCache engine(4, 2);
    const std::vector<std::pair<std::vector<std::int64_t>, std::int64_t>> requests{
        {{1, 2}, 7}, {{1, 2, 3}, 10}, {{1, 5}, 5}, {{1, 2, 3}, 9}, {{7}, 1}};
    const std::vector<std::int64_t> traceHits{0, 8, 4, 9, 0};
    const std::vector<std::int64_t> engineHits{0, 6, 4, 8, 0};
    for (std::size_t i = 0; i < requests.size(); ++i) {
        QCOMPARE(trace.add(requests[i].first, requests[i].second), traceHits[i]);
        QCOMPARE(engine.add(requests[i].first, requests[i].second), engineHits[i]);
    }
    QCOMPARE(trace.promptTokens(), std::int64_t{32});
    QCOMPARE(trace.hitTokens(), std::int64_t{21});
    QCOMPARE(engine.hitTokens(), std::int64_t{18});
    // Ids are paths: id 3 after [9] is not the id 3 after [1, 2].
    QCOMPARE(trace.add(std::vector<std::int64_t>{9, 3}, 8), std::int64_t{0});
}

void TestMooncakeTrace::idealHitSynthetic()
{
    const auto path = sharedTrace("synthetic_trace.jsonl");
    const auto rows = readWithQt(path);
    const auto [hits, total] = seenSetHits(rows);
    const auto helper = kvroute::sim::mooncakeIdealHit(path);
    QVERIFY(helper.has_value());
    QCOMPARE(helper->requests, std::int64_t{3993});
    QCOMPARE(helper->promptTokens, total);
    QCOMPARE(helper->hitTokens, hits);
    // sims.md §3.1 reproduction (its own script): synthetic, infinite cache, token-level 0.651.
    QVERIFY2(std::abs(helper->ratio() - 0.651) < 0.0006, qPrintable(QString::number(helper->ratio(), 'f', 5)));
    QCOMPARE(total, std::int64_t{61'194'628}); // sims.md §2.1: total input tokens

    // Hit tokens from a separate Python script written for this test (dict of (position, id)
    // -> longest prompt): 39,852,661 (trace blocks) and 39,850,800 (16-token engine blocks).
    QCOMPARE(helper->hitTokens, std::int64_t{39'852'661});
    const auto engine = kvroute::sim::mooncakeIdealHit(path, 512, 16);
    QVERIFY(engine.has_value());
    QCOMPARE(engine->hitTokens, bruteForceEngineHits(rows));
    QCOMPARE(engine->hitTokens, std::int64_t{39'850'800});
    QVERIFY(engine->hitTokens <= helper->hitTokens);

    const auto first100 = kvroute::sim::mooncakeIdealHit(path, 512, 0, 100);
    QVERIFY(first100.has_value());
    QCOMPARE(first100->requests, std::int64_t{100});
    const std::vector<Row> head(rows.begin(), rows.begin() + 100);
    QCOMPARE(first100->hitTokens, seenSetHits(head).first);
}

void TestMooncakeTrace::idealHitConversation()
{
    const auto path = sharedTrace("conversation_trace.jsonl");
    const auto rows = readWithQt(path);
    QCOMPARE(rows.size(), std::size_t{12031});
    const auto [hits, total] = seenSetHits(rows);
    const auto helper = kvroute::sim::mooncakeIdealHit(path);
    QVERIFY(helper.has_value());
    QCOMPARE(helper->promptTokens, total);
    QCOMPARE(total, std::int64_t{144'793'823}); // sims.md §2.1
    QCOMPARE(helper->hitTokens, hits);
    QVERIFY2(std::abs(helper->ratio() - 0.374) < 0.0006, qPrintable(QString::number(helper->ratio(), 'f', 5)));
    // The same Python script: 54,098,411 (trace blocks) and 54,097,440 (16-token blocks).
    QCOMPARE(helper->hitTokens, std::int64_t{54'098'411});
    const auto engine = kvroute::sim::mooncakeIdealHit(path, 512, 16);
    QVERIFY(engine.has_value());
    QCOMPARE(engine->hitTokens, std::int64_t{54'097'440});
}

QTEST_APPLESS_MAIN(TestMooncakeTrace)
#include "tst_mooncake_trace.moc"
