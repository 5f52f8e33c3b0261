// `kvroute conformance` reads traces strictly: every field is checked like a scenario key (file,
// line, field, allowed range) before anything runs, and no trace can abort the engine, loop for
// ever or run away with memory (ReplayLimits). Each row once crashed, threw or misreported.

#include "sim/conformance/trace_replay.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <string>

using namespace kvroute::sim;

namespace {

const std::string kConfig = R"({"config": {"num_gpu_blocks": 64, "block_size": 16, "max_num_batched_tokens": 256, )"
                            R"("max_num_seqs": 8, "max_model_len": 2048}})";
const std::string kAdd = R"({"step": 0, "op": "add", "id": "a", "segments": [["s", 20]], "max_tokens": 3})";

// The standard config with one field replaced (or added).
std::string configWith(const std::string& field, const std::string& value)
{
    std::string c = kConfig;
    const auto at = c.find("\"" + field + "\": ");
    if (at == std::string::npos)
        return c.substr(0, c.size() - 2) + ", \"" + field + "\": " + value + "}}";
    const auto begin = at + field.size() + 4;
    const auto end = c.find_first_of(",}", begin);
    return c.substr(0, begin) + value + c.substr(end);
}

} // namespace

class TestConformanceTrace : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const std::string& text)
    {
        const std::string path = m_dir.filePath(QStringLiteral("t.jsonl")).toStdString();
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
        return path;
    }

private Q_SLOTS:
    void rejects_data()
    {
        QTest::addColumn<QString>("trace");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");

        const auto row = [](const char* name, const std::string& trace, int line, const std::string& message) {
            QTest::newRow(name) << QString::fromStdString(trace) << line << QString::fromStdString(message);
        };
        const std::string add = "\n" + kAdd + "\n";
        // Config values the engine would abort on (SIGABRT) or narrow silently.
        row("block size 0", configWith("block_size", "0") + add, 1,
            R"("config.block_size" must be an integer in [1, 4096], got 0)");
        row("negative block size", configWith("block_size", "-3") + add, 1,
            R"("config.block_size" must be an integer in [1, 4096], got -3)");
        row("huge block size", configWith("block_size", "100000") + add, 1,
            R"("config.block_size" must be an integer in [1, 4096], got 100000)");
        row("one block", configWith("num_gpu_blocks", "1") + add, 1,
            R"("config.num_gpu_blocks" must be an integer in [2, 1000000], got 1)");
        row("block count beyond int32", configWith("num_gpu_blocks", "4294967297") + add, 1,
            R"("config.num_gpu_blocks" must be an integer in [2, 1000000], got 4294967297)");
        row("max_num_seqs 0", configWith("max_num_seqs", "0") + add, 1,
            R"("config.max_num_seqs" must be an integer in [1, 100000], got 0)");
        row("max_model_len narrowed to 1", configWith("max_model_len", "4294967297") + add, 1,
            R"("config.max_model_len" must be an integer in [2, 10000000], got 4294967297)");
        row("max_model_len 1", configWith("max_model_len", "1") + add, 1,
            R"("config.max_model_len" must be an integer in [2, 10000000], got 1)");
        row("float block count", configWith("num_gpu_blocks", "1e3") + add, 1,
            R"("config.num_gpu_blocks" must be an integer in [2, 1000000], got 1000.0)");
        row("missing block size", R"({"config": {"num_gpu_blocks": 64}})" + add, 1,
            R"(missing field "config.block_size" (an integer in [1, 4096]))");
        row("budget below max_num_seqs", configWith("max_num_batched_tokens", "4") + add, 1,
            R"("config.max_num_batched_tokens" (4) must be at least "config.max_num_seqs" (8))");
        row("budget below max_model_len without chunked prefill",
            configWith("enable_chunked_prefill", "false") + add, 1,
            R"("config.max_num_batched_tokens" (256) must be at least "config.max_model_len" (2048) when )"
            "enable_chunked_prefill is false");
        row("unknown config field", configWith("block_sise", "16") + add, 1,
            R"(unknown field "config.block_sise"; allowed: num_gpu_blocks, block_size,)");
        row("boolean as a string", configWith("kv_events", "\"yes\"") + add, 1,
            R"("config.kv_events" must be true or false, got "yes")");
        row("unknown hash", configWith("hash_algo", "\"md5\"") + add, 1,
            R"("config.hash_algo" is "md5"; allowed: builtin, sha256, sha256_cbor_64bit)");
        row("negative log window", configWith("log_window", "-1") + add, 1,
            R"("config.log_window" must be an integer in [1, 1000000000], got -1)");
        // Events.
        row("max_tokens 1e12", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "segments": [["s", 10]], )"
                                                 R"("max_tokens": 1e12})",
            2, R"("max_tokens" must be an integer in [1, 2147483647], got 1000000000000.0)");
        row("max_tokens beyond int32", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "segments": )"
                                                        R"([["s", 10]], "max_tokens": 4294967296})",
            2, R"("max_tokens" must be an integer in [1, 2147483647], got 4294967296)");
        row("segment of 1e9 tokens", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "segments": )"
                                                       R"([["s", 1000000000]], "max_tokens": 3})",
            2, R"("segments[0][1]" must be an integer in [0, 10000000], got 1000000000)");
        row("segment of 1e11 tokens as a float", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", )"
                                                                   R"("segments": [["s", 1e11]], "max_tokens": 3})",
            2, R"("segments[0][1]" must be an integer in [0, 10000000], got 100000000000.0)");
        row("segments add up past max_model_len",
            kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "segments": [["s", 2000], ["t", 2000]], )"
                             R"("max_tokens": 3})",
            2, "the prompt has at least 4000 tokens; it must be shorter than config.max_model_len (2048)");
        row("empty prompt", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "prompt": [], "max_tokens": 3})",
            2, "the prompt is empty; it needs 1 to 2047 tokens");
        row("token id beyond 32 bits", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", )"
                                                         R"("prompt": [1, 4294967296], "max_tokens": 3})",
            2, R"("prompt[1]" must be an integer in [0, 4294967295], got 4294967296)");
        row("both prompt and segments", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "prompt": [1], )"
                                                          R"("segments": [["s", 1]], "max_tokens": 3})",
            2, "needs exactly one of \"segments\"");
        row("negative step", kConfig + "\n" + R"({"step": -1, "op": "add", "id": "a", "prompt": [1], )"
                                               R"("max_tokens": 3})",
            2, R"("step" must be an integer in [0, 1000000000], got -1)");
        row("unknown event field", kConfig + "\n" + R"({"step": 0, "op": "add", "id": "a", "prompt": [1], )"
                                                     R"("max_token": 3})",
            2, R"(unknown field "max_token"; allowed: step, op, id, segments, prompt, max_tokens,)");
        row("unknown op", kConfig + "\n" + R"({"step": 0, "op": "remove", "id": "a"})", 2,
            R"("op" is "remove"; allowed: add, abort)");
        row("id not a string", kConfig + "\n" + R"({"step": 0, "op": "abort", "id": 7})", 2,
            R"("id" must be a non-empty string, got 7)");
    }

    void rejects()
    {
        QFETCH(QString, trace);
        QFETCH(int, line);
        QFETCH(QString, message);
        const std::string path = write(trace.toStdString());
        const auto result = replayConformanceTrace(path, {});
        QVERIFY2(!result, "the trace must be rejected");
        QCOMPARE(QString::fromStdString(result.error().where), QString::fromStdString(path + ":" + std::to_string(line)));
        QVERIFY2(result.error().message.find(message.toStdString()) != std::string::npos,
                 result.error().message.c_str());
    }

    void aDirectoryIsNotAnEmptyTrace()
    {
        const auto result = replayConformanceTrace(m_dir.path().toStdString(), {});
        QVERIFY(!result);
        QCOMPARE(result.error().message, std::string("is a directory; give a trace file (JSON Lines, first line "
                                                     "{\"config\": {...}})"));
    }

    void aRequestThatNeverFitsIsAnErrorNotAnEndlessLoop()
    {
        // 3 blocks of 4 tokens (one reserved) cannot hold a 100-token prompt: vLLM would wait for ever.
        const auto result = replayConformanceTrace(
            write(configWith("num_gpu_blocks", "3").replace(
                      configWith("num_gpu_blocks", "3").find("\"block_size\": 16"), 16, "\"block_size\": 4") +
                  "\n" + R"({"step": 0, "op": "add", "id": "a", "segments": [["s", 100]], "max_tokens": 3})"),
            {});
        QVERIFY(!result);
        QVERIFY2(result.error().message.starts_with("no request can ever be scheduled after step 0: request \"a\" "
                                                    "(100 prompt tokens) needs more KV blocks"),
                 result.error().message.c_str());
    }

    void limitsBoundMemoryAndTime_data()
    {
        QTest::addColumn<QString>("limit");
        QTest::addColumn<QString>("message");
        QTest::newRow("line") << "line" << "line longer than 100 bytes";
        QTest::newRow("events") << "events" << "more than 1 events";
        QTest::newRow("trace tokens") << "tokens" << "the requests up to here hold more than 30 tokens";
        QTest::newRow("steps") << "steps" << "the replay runs more than 2 engine steps";
        QTest::newRow("scheduled tokens") << "scheduled" << "the replay schedules more than 10 tokens";
    }

    void limitsBoundMemoryAndTime()
    {
        QFETCH(QString, limit);
        QFETCH(QString, message);
        ReplayOptions options;
        if (limit == QLatin1String("line"))
            options.limits.maxLineBytes = 100;
        if (limit == QLatin1String("events"))
            options.limits.maxEvents = 1;
        if (limit == QLatin1String("tokens"))
            options.limits.maxTraceTokens = 30;
        if (limit == QLatin1String("steps"))
            options.limits.maxSteps = 2;
        if (limit == QLatin1String("scheduled"))
            options.limits.maxScheduledTokens = 10;
        const std::string second = R"({"step": 1, "op": "add", "id": "b", "segments": [["s", 20]], "max_tokens": 3})";
        const auto result = replayConformanceTrace(write(kConfig + "\n" + kAdd + "\n" + second + "\n"), options);
        QVERIFY(!result);
        QVERIFY2(result.error().message.find(message.toStdString()) != std::string::npos,
                 result.error().message.c_str());
    }

    void aValidTraceReplays()
    {
        const auto result = replayConformanceTrace(write(kConfig + "\n\n" + kAdd + "\n"), {});
        QVERIFY2(result.has_value(), result ? "" : result.error().toString().c_str());
        QVERIFY(result->find("\"num_prompt_tokens\":20") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestConformanceTrace)
#include "tst_conformance_trace.moc"
