// `kvroute pod` as a client sees it, over real HTTP on 127.0.0.1: the same requests sent one
// after another give exactly the prefix-cache counters the simulator's pod gives for that
// sequence (one engine, two clocks); vLLM's routes, bodies and errors; streaming; the KV events'
// hash signs; limits; and a clean exit on SIGTERM. The test starts the pod and stops it by the
// pid it started.

#include "cluster/pod/kv_event_wire.h"
#include "cluster/pod/text_tokens.h"
#include "sim/fleet/cluster_run.h"
#include "sim/fleet/fleet_factories.h"
#include "sim/kernel/rng.h"
#include "sim/kernel/simulation.h"
#include "sim/pod/timed_pod.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QtTest>

#include <csignal>
#include <map>

#include <msgpack.hpp>
#include <zmq.hpp>

#include "zmq_test_support.h"

using namespace kvroute;

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    QByteArray podHeader;
    QByteArray allow;
};

class LivePod {
public:
    explicit LivePod(const QStringList& extra = {})
    {
        m_process.setProgram(qEnvironmentVariable("KVROUTE_BIN"));
        QStringList args{QStringLiteral("pod"), QStringLiteral("seed-cache-test"), QStringLiteral("--port"),
                         QStringLiteral("0"), QStringLiteral("--quiet")};
        if (!extra.contains(QStringLiteral("--time-scale")))
            args << QStringLiteral("--time-scale") << QStringLiteral("0");
        m_process.setArguments(args + extra);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return;
        // The pod prints "listening HOST:PORT" once it accepts connections.
        QByteArray out;
        for (int i = 0; i < 100 && !out.contains('\n'); ++i) {
            m_process.waitForReadyRead(100);
            out += m_process.readAllStandardOutput();
        }
        const auto match = QRegularExpression(QStringLiteral("listening [0-9.]+:([0-9]+)")).match(QString::fromUtf8(out));
        if (match.hasMatch())
            m_port = match.captured(1).toInt();
    }
    ~LivePod()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
            m_process.waitForFinished(5000);
        }
    }
    [[nodiscard]] int port() const { return m_port; }
    QProcess& process() { return m_process; }
    QNetworkAccessManager& network() { return m_network; }

    Reply request(const QByteArray& method, const QString& path, const QByteArray& body = {})
    {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = m_network.sendCustomRequest(req, method, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(30000);
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
                reply->rawHeader("x-inference-pod"), reply->rawHeader("Allow")};
        reply->deleteLater();
        return r;
    }

    /// Counter and gauge values from /metrics, by sample name (labels dropped).
    std::map<QString, double> metrics()
    {
        std::map<QString, double> out;
        const Reply r = request("GET", QStringLiteral("/metrics"));
        for (const QByteArray& line : r.body.split('\n')) {
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const int space = line.lastIndexOf(' ');
            QString name = QString::fromUtf8(line.left(space));
            if (name.contains(QLatin1Char('{')) && !name.contains(QStringLiteral("le=")) &&
                !name.contains(QStringLiteral("finished_reason")))
                name = name.left(name.indexOf(QLatin1Char('{')));
            out[name] = line.mid(space + 1).toDouble();
        }
        return out;
    }

private:
    QProcess m_process;
    QNetworkAccessManager m_network;
    int m_port = 0;
};

QByteArray completion(const sim::TokenVector& prompt, int maxTokens)
{
    QJsonObject body{{QStringLiteral("prompt"), QString::fromStdString(cluster::tokensToText(prompt))},
                     {QStringLiteral("max_tokens"), maxTokens}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

/// Prompts that share prefixes in several ways: identical repeats, a common system prompt with
/// different questions, and growing chat histories.
std::vector<sim::TokenVector> promptSequence()
{
    auto rng = sim::Rng::stream(7, "test/prompts");
    const auto randomTokens = [&](int n) {
        sim::TokenVector t;
        for (int i = 0; i < n; ++i)
            t.push_back(static_cast<sim::TokenId>(rng.nextU64() % 100000));
        return t;
    };
    const sim::TokenVector system = randomTokens(120);
    std::vector<sim::TokenVector> prompts;
    sim::TokenVector history = system;
    for (int turn = 0; turn < 6; ++turn) {
        const auto message = randomTokens(20 + 13 * turn);
        history.insert(history.end(), message.begin(), message.end());
        prompts.push_back(history);
        const auto answer = randomTokens(9);
        history.insert(history.end(), answer.begin(), answer.end());
    }
    for (int q = 0; q < 5; ++q) {
        auto p = system;
        const auto question = randomTokens(40 + q);
        p.insert(p.end(), question.begin(), question.end());
        prompts.push_back(p);
        prompts.push_back(p);
    }
    prompts.push_back(randomTokens(300));
    return prompts;
}

} // namespace

class TestLivePod final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The simulator's pod, fed the same prompts one after another, ends with the same counters.
    void sameRequestsGiveTheSimulatorsCounters()
    {
        LivePod live;
        QVERIFY(live.port() > 0);
        const auto prompts = promptSequence();
        constexpr int kMaxTokens = 7;
        for (const auto& p : prompts) {
            const Reply r = live.request("POST", QStringLiteral("/v1/completions"), completion(p, kMaxTokens));
            QCOMPARE(r.status, 200);
            const auto usage = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("usage")).toObject();
            QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInt(), static_cast<int>(p.size()));
            QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInt(), kMaxTokens);
        }
        const auto m = live.metrics();

        auto scenario = sim::builtinScenario("seed-cache-test");
        QVERIFY(scenario.has_value());
        auto setup = sim::prepareRun(*scenario);
        QVERIFY(setup.has_value());
        auto stepTime = sim::makeFleetStepTime(*setup);
        QVERIFY(stepTime.has_value());
        sim::Simulation simulation;
        sim::TimedPod pod(simulation, 0, sim::podEngineConfig(*setup, 0), **stepTime);
        sim::RequestId id = 1;
        for (const auto& p : prompts) {
            sim::EngineRequest e;
            e.id = id++;
            e.prompt = std::make_shared<const sim::TokenVector>(p);
            e.maxTokens = kMaxTokens;
            QVERIFY(pod.submit(std::move(e)).has_value());
            simulation.run(); // to completion: the next request is sent after this answer
        }
        const auto& s = pod.metrics();
        QVERIFY(s.prefixCache.hits > 0);
        QCOMPARE(m.at(QStringLiteral("vllm:prefix_cache_queries_total")), static_cast<double>(s.prefixCache.queries));
        QCOMPARE(m.at(QStringLiteral("vllm:prefix_cache_hits_total")), static_cast<double>(s.prefixCache.hits));
        QCOMPARE(m.at(QStringLiteral("vllm:prompt_tokens_total")), static_cast<double>(s.promptTokens));
        QCOMPARE(m.at(QStringLiteral("vllm:generation_tokens_total")), static_cast<double>(s.generationTokens));
        QCOMPARE(m.at(QStringLiteral("vllm:num_preemptions_total")), static_cast<double>(s.numPreemptions));
        QCOMPARE(m.at(QStringLiteral("vllm:time_to_first_token_seconds_count")), static_cast<double>(prompts.size()));
    }

    void vllmRoutesAndBodies()
    {
        LivePod live({QStringLiteral("--enable-prompt-tokens-details")});
        QVERIFY(live.port() > 0);
        QCOMPARE(live.request("GET", QStringLiteral("/health")).status, 200);
        QCOMPARE(live.request("POST", QStringLiteral("/ping")).status, 200);
        const auto models = QJsonDocument::fromJson(live.request("GET", QStringLiteral("/v1/models")).body).object();
        QCOMPARE(models.value(QStringLiteral("data")).toArray().at(0).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("meta-llama/Llama-3.2-1B"));
        QVERIFY(live.request("GET", QStringLiteral("/version")).body.contains("\"version\""));

        // A repeat hits; cached_tokens appears with --enable-prompt-tokens-details.
        const QByteArray body = R"({"model":"meta-llama/Llama-3.2-1B","prompt":[)" +
                                QByteArray("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34") +
                                R"(],"max_tokens":3})";
        QCOMPARE(live.request("POST", QStringLiteral("/v1/completions"), body).status, 200);
        const Reply again = live.request("POST", QStringLiteral("/v1/completions"), body);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.podHeader, QByteArray("llama-3-2-1b-decode-0"));
        const auto usage = QJsonDocument::fromJson(again.body).object().value(QStringLiteral("usage")).toObject();
        QCOMPARE(usage.value(QStringLiteral("prompt_tokens_details")).toObject().value(QStringLiteral("cached_tokens")).toInt(), 32);

        const auto chat = QJsonDocument::fromJson(
            live.request("POST", QStringLiteral("/v1/chat/completions"),
                         R"({"messages":[{"role":"user","content":"hello"}],"max_tokens":4})")
                .body).object();
        QCOMPARE(chat.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
        QCOMPARE(chat.value(QStringLiteral("choices")).toArray().at(0).toObject().value(QStringLiteral("message")).toObject()
                     .value(QStringLiteral("content")).toString().size(), 16); // 4 tokens of 4 characters
    }

    // vLLM skips the prefix-cache lookup, and its counters, for prompt_logprobs requests (vllm.md §2).
    void promptLogprobsSkipTheCacheLookup()
    {
        LivePod live;
        const QByteArray body = R"({"prompt":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],"max_tokens":2)";
        QCOMPARE(live.request("POST", QStringLiteral("/v1/completions"), body + "}").status, 200);
        const double queries = live.metrics().at(QStringLiteral("vllm:prefix_cache_queries_total"));
        QCOMPARE(live.request("POST", QStringLiteral("/v1/completions"), body + R"(,"prompt_logprobs":1})").status, 200);
        QCOMPARE(live.metrics().at(QStringLiteral("vllm:prefix_cache_queries_total")), queries);
    }

    void streamingEndsWithUsageAndDone()
    {
        LivePod live;
        const Reply r = live.request("POST", QStringLiteral("/v1/chat/completions"),
                                     R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":true,)"
                                     R"("stream_options":{"include_usage":true}})");
        QCOMPARE(r.status, 200);
        const QList<QByteArray> events = r.body.split('\n');
        QStringList data;
        for (const auto& e : events)
            if (e.startsWith("data: "))
                data << QString::fromUtf8(e.mid(6));
        QCOMPARE(data.size(), 1 + 3 + 1 + 1); // role, 3 tokens, usage, [DONE]
        QVERIFY(data.first().contains(QStringLiteral("\"role\":\"assistant\"")));
        QVERIFY(data.at(3).contains(QStringLiteral("\"finish_reason\":\"length\"")));
        QVERIFY(data.at(4).contains(QStringLiteral("\"completion_tokens\":3")));
        QCOMPARE(data.last(), QStringLiteral("[DONE]"));
    }

    // vLLM v0.10.0 checks for an empty prompt in the engine's processor, which runs only when the
    // serving layer first iterates AsyncLLM.generate(): a streamed request has its 200 by then,
    // and the stream generator sends the error as one event, then [DONE]
    // (serving_completion.py completion_stream_generator, serving_chat.py
    // chat_completion_stream_generator, serving_engine.py create_streaming_error_response).
    void aStreamedEmptyPromptIsAnErrorEventAfter200_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty string") << QByteArray(R"({"prompt":"","stream":true})");
        QTest::newRow("one empty string") << QByteArray(R"({"prompt":[""],"stream":true})");
        QTest::newRow("with include_usage") << QByteArray(R"({"prompt":"","max_tokens":4,"stream":true,)"
                                                          R"("stream_options":{"include_usage":true}})");
    }
    void aStreamedEmptyPromptIsAnErrorEventAfter200()
    {
        QFETCH(QByteArray, body);
        LivePod live;
        QVERIFY(live.port() > 0);
        QNetworkRequest post(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/completions").arg(live.port())));
        post.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = live.network().post(post, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || done.wait(30000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QStringLiteral("text/event-stream")));
        // Python's json.dumps of {"error": ErrorResponse.model_dump()}: spaced separators, param null.
        QCOMPARE(reply->readAll(),
                 QByteArray(R"(data: {"error": {"object": "error", "message": "The decoder prompt cannot be empty", )"
                            R"("type": "BadRequestError", "param": null, "code": 400}})"
                            "\n\ndata: [DONE]\n\n"));
        reply->deleteLater();
        // Nothing reached the engine.
        QCOMPARE(live.metrics().at(QStringLiteral("vllm:prompt_tokens_total")), 0.0);
        QCOMPARE(live.request("GET", QStringLiteral("/health")).status, 200);
    }

    // A chat prompt is never empty: the template writes the roles even for empty contents (as a
    // real chat template does), so an empty message streams as usual.
    void aStreamedEmptyChatMessageStillStreams()
    {
        LivePod live;
        const Reply r = live.request("POST", QStringLiteral("/v1/chat/completions"),
                                     R"({"messages":[{"role":"user","content":""}],"max_tokens":2,"stream":true})");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.startsWith("data: {") && r.body.contains("\"role\":\"assistant\"") && !r.body.contains("\"error\""),
                 r.body.constData());
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
    }

    // The pod's KV events carry each block hash as vLLM v0.10.0 would for the scenario's
    // prefix_caching_hash_algo: Python's hash() for `builtin`, a signed int that msgspec writes
    // as a negative msgpack int when below 0, so every hash whose 64-bit pattern has the top bit
    // set; sha256_cbor_64bit's are never negative (vllm.md §1, §7; kv_event_wire.h). The
    // decoder, the gateway's, reads back the same 64-bit pattern either way.
    void kvEventHashesCarryVllmsSign_data()
    {
        QTest::addColumn<QString>("algo");
        QTest::newRow("builtin") << QStringLiteral("builtin");
        QTest::newRow("sha256_cbor_64bit") << QStringLiteral("sha256_cbor_64bit");
    }
    void kvEventHashesCarryVllmsSign()
    {
        QFETCH(QString, algo);
        const bool signedHashes = algo == QLatin1String("builtin");
        zmq::context_t context{1};
        zmq::socket_t subscriber{context, zmq::socket_type::sub};
        subscriber.set(zmq::sockopt::subscribe, "");
        subscriber.set(zmq::sockopt::rcvtimeo, 100);
        subscriber.bind("tcp://127.0.0.1:*"); // the pod connects, as vLLM pods connect to an EPP
        const QString endpoint = QString::fromStdString(subscriber.get(zmq::sockopt::last_endpoint));
        LivePod live({QStringLiteral("--kv-events-config"),
                      QStringLiteral(R"({"enable_kv_cache_events":true,"publisher":"zmq","endpoint":"%1"})").arg(endpoint),
                      QStringLiteral("--set"), QStringLiteral("vllm.prefix_caching_hash_algo=") + algo});
        QVERIFY(live.port() > 0);

        int hashes = 0, topBitSet = 0, wrongSign = 0, misread = 0;
        const auto check = [&](const msgpack::object& o, sim::BlockHashValue decoded) {
            ++hashes;
            const bool negative = o.type == msgpack::type::NEGATIVE_INTEGER;
            const sim::BlockHashValue pattern = negative ? static_cast<sim::BlockHashValue>(o.via.i64) : o.via.u64;
            const bool top = (pattern >> 63) != 0;
            topBitSet += top ? 1 : 0;
            if (negative != (signedHashes && top))
                ++wrongSign;
            if (decoded != pattern)
                ++misread;
        };
        const auto drain = [&] {
            int batches = 0;
            while (true) {
                const std::vector<zmq::message_t> frames = test::receiveMessage(subscriber);
                if (frames.size() != 3)
                    return batches;
                ++batches;
                const auto payload = frames[2].to_string_view();
                const auto decoded = cluster::decodeKvEventBatch(payload);
                const auto handle = msgpack::unpack(payload.data(), payload.size());
                const auto& events = handle.get().via.array.ptr[1].via.array;
                if (!decoded || decoded->size() != events.size) {
                    ++misread;
                    continue;
                }
                for (std::uint32_t i = 0; i < events.size; ++i) {
                    const auto& e = events.ptr[i].via.array;
                    const auto& d = (*decoded)[i];
                    if (e.size < 2 || e.ptr[1].type != msgpack::type::ARRAY)
                        continue; // AllBlocksCleared
                    for (std::uint32_t h = 0; h < e.ptr[1].via.array.size; ++h)
                        check(e.ptr[1].via.array.ptr[h], d.blockHashes.at(h));
                    if (e.size >= 6 && e.ptr[2].type != msgpack::type::NIL)
                        check(e.ptr[2], d.parentBlockHash.value_or(0));
                }
            }
        };
        // A PUB drops what it sends before the subscription arrives: repeat one request until
        // its blocks are seen, then send distinct 64-token prompts (4 blocks each).
        const QByteArray firstBlock = R"({"prompt":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],"max_tokens":1})";
        for (int i = 0; i < 50 && hashes == 0; ++i) {
            QCOMPARE(live.request("POST", QStringLiteral("/v1/completions"), firstBlock).status, 200);
            drain();
        }
        QVERIFY(hashes > 0);
        auto rng = sim::Rng::stream(11, "test/kv-event-sign");
        for (int r = 0; r < 16; ++r) {
            QByteArray prompt;
            for (int t = 0; t < 64; ++t)
                prompt += (t ? "," : "") + QByteArray::number(static_cast<qulonglong>(rng.nextU64() % 100000));
            const QByteArray body = R"({"prompt":[)" + prompt + R"(],"max_tokens":1})";
            QCOMPARE(live.request("POST", QStringLiteral("/v1/completions"), body).status, 200);
        }
        for (int quiet = 0; quiet < 3;)
            quiet = drain() == 0 ? quiet + 1 : 0;
        QVERIFY2(hashes >= 64, qPrintable(QString::number(hashes)));
        QVERIFY(topBitSet > 0); // about half of them; none of 64 is a 2^-64 event
        QCOMPARE(wrongSign, 0);
        QCOMPARE(misread, 0);
    }

    // vLLM v0.10.0 observes TTFT when the first token's batch is processed, but e2e latency and
    // every other per-request histogram, max_tokens and n included, only when the request
    // finishes (PrometheusStatLogger.record, v1/metrics/loggers.py:522-561): a request still
    // decoding shows in the first and in none of the others.
    void perRequestHistogramsAreObservedAtTheFinish()
    {
        LivePod live({QStringLiteral("--time-scale"), QStringLiteral("1")});
        QVERIFY(live.port() > 0);
        QNetworkRequest post(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/completions").arg(live.port())));
        post.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = live.network().post(post, R"({"prompt":"abcdabcd","max_tokens":1500,"stream":true})");
        QSignalSpy tokens(reply, &QNetworkReply::readyRead);
        QVERIFY(tokens.wait(10000)); // the first token has been streamed: the request runs on

        // Observed when a request finishes (vLLM v0.10.0 update_from_finished_request).
        const char* const finishTimeCounts[] = {
            "vllm:e2e_request_latency_seconds_count", "vllm:request_queue_time_seconds_count",
            "vllm:request_prefill_time_seconds_count", "vllm:request_prompt_tokens_count",
            "vllm:request_generation_tokens_count", "vllm:request_max_num_generation_tokens_count",
            "vllm:request_params_n_count", "vllm:request_params_max_tokens_count"};
        auto m = live.metrics();
        QCOMPARE(m.at(QStringLiteral("vllm:num_requests_running")), 1.0);
        QCOMPARE(m.at(QStringLiteral("vllm:time_to_first_token_seconds_count")), 1.0);
        for (const char* finishTime : finishTimeCounts)
            QVERIFY2(m.at(QString::fromLatin1(finishTime)) == 0.0, finishTime);

        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || done.wait(30000));
        reply->deleteLater();
        m = live.metrics();
        QCOMPARE(m.at(QStringLiteral("vllm:num_requests_running")), 0.0);
        for (const char* finishTime : finishTimeCounts)
            QVERIFY2(m.at(QString::fromLatin1(finishTime)) == 1.0, finishTime);
        QCOMPARE(m.at(QStringLiteral("vllm:request_params_max_tokens_sum")), 1500.0);
        QCOMPARE(m.at(QStringLiteral("vllm:request_max_num_generation_tokens_sum")), 1500.0); // finished by length
        QCOMPARE(m.at(QStringLiteral("vllm:request_params_n_sum")), 1.0);
    }

    void badRequestsGetVllmErrors_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        const QString c = QStringLiteral("/v1/completions");
        QTest::newRow("malformed JSON") << c << QByteArray("{bad") << 400 << QStringLiteral("not valid JSON");
        QTest::newRow("not an object") << c << QByteArray("[1]") << 400 << QStringLiteral("JSON object");
        QTest::newRow("no prompt") << c << QByteArray("{}") << 400 << QStringLiteral("prompt is required");
        QTest::newRow("prompt a number") << c << QByteArray(R"({"prompt":1})") << 400 << QStringLiteral("prompt must be");
        QTest::newRow("max_tokens text") << c << QByteArray(R"({"prompt":"abcd","max_tokens":"x"})") << 400
                                         << QStringLiteral("max_tokens must be an integer");
        QTest::newRow("max_tokens 0") << c << QByteArray(R"({"prompt":"abcd","max_tokens":0})") << 400
                                      << QStringLiteral("max_tokens must be at least 1, got 0.");
        // Any integer passes vLLM's request model; SamplingParams then refuses it in its words.
        QTest::newRow("max_tokens -1") << c << QByteArray(R"({"prompt":"abcd","max_tokens":-1})") << 400
                                       << QStringLiteral("max_tokens must be at least 1, got -1.");
        QTest::newRow("chat max_completion_tokens -1")
            << QStringLiteral("/v1/chat/completions")
            << QByteArray(R"({"messages":[{"role":"user","content":"abcd"}],"max_completion_tokens":-1})") << 400
            << QStringLiteral("max_tokens must be at least 1, got -1.");
        QTest::newRow("max_tokens beyond 64 bits") << c << QByteArray(R"({"prompt":"abcd","max_tokens":99999999999999999999999})")
                                                   << 400 << QStringLiteral("max_tokens must be at most 1073741824");
        QTest::newRow("max_tokens above 2^63") << c << QByteArray(R"({"prompt":"abcd","max_tokens":18446744073709551615})")
                                               << 400 << QStringLiteral("max_tokens must be at most 1073741824");
        QTest::newRow("a batch of texts") << c << QByteArray(R"({"prompt":["hi","there"]})") << 400
                                          << QStringLiteral("a batch of prompts is not supported");
        QTest::newRow("a batch of token lists") << c << QByteArray(R"({"prompt":[[1,2],[3,4]]})") << 400
                                                << QStringLiteral("a batch of prompts is not supported");
        // vLLM's order: the length check, then max_tokens, then the empty prompt (unstreamed a
        // 400; streamed, see aStreamedEmptyPromptIsAnErrorEventAfter200).
        QTest::newRow("empty prompt") << c << QByteArray(R"({"prompt":""})") << 400
                                      << QStringLiteral("The decoder prompt cannot be empty");
        QTest::newRow("empty prompt, max_tokens 0") << c << QByteArray(R"({"prompt":"","max_tokens":0})") << 400
                                                    << QStringLiteral("max_tokens must be at least 1");
        // SamplingParams fails before the stream starts: a plain 400 even when streamed.
        QTest::newRow("streamed empty prompt, max_tokens 0") << c << QByteArray(R"({"prompt":"","max_tokens":0,"stream":true})")
                                                             << 400 << QStringLiteral("max_tokens must be at least 1");
        QTest::newRow("chat max_completion_tokens 0 falls back to max_tokens")
            << QStringLiteral("/v1/chat/completions")
            << QByteArray(R"({"messages":[{"role":"user","content":"abcd"}],"max_completion_tokens":0,"max_tokens":5000})")
            << 400 << QStringLiteral("5000 in the completion");
        QTest::newRow("n 2") << c << QByteArray(R"({"prompt":"abcd","n":2})") << 400 << QStringLiteral("n must be 1");
        QTest::newRow("stream_options without stream") << c << QByteArray(R"({"prompt":"abcd","stream_options":{}})")
                                                        << 400 << QStringLiteral("only be given when stream");
        QTest::newRow("unknown model") << c << QByteArray(R"({"model":"gpt-4","prompt":"abcd"})") << 404
                                       << QStringLiteral("The model `gpt-4` does not exist.");
        QTest::newRow("over max_model_len") << c << QByteArray(R"({"prompt":"abcd","max_tokens":5000})") << 400
                                            << QStringLiteral("maximum context length is 4096 tokens. However, you requested 5001 tokens");
        // Completions default max_tokens to 16, so the sum is checked even without one.
        QTest::newRow("prompt over max_model_len") << c << (R"({"prompt":")" + QByteArray(4096 * 4, 'a') + R"("})") << 400
                                                   << QStringLiteral("you requested 4112 tokens (4096 in the messages, 16 in the completion)");
        QTest::newRow("chat prompt over max_model_len")
            << QStringLiteral("/v1/chat/completions")
            << (R"({"messages":[{"role":"user","content":")" + QByteArray(4096 * 4, 'a') + R"("}]})") << 400
            << QStringLiteral("tokens in the messages, Please reduce the length of the messages.");
        QTest::newRow("chat without messages") << QStringLiteral("/v1/chat/completions") << QByteArray("{}") << 400
                                               << QStringLiteral("messages must be");
        QTest::newRow("cache_salt") << c << QByteArray(R"({"prompt":"abcd","cache_salt":"x"})") << 400
                                    << QStringLiteral("cache_salt is not supported");
        QTest::newRow("stop strings") << c << QByteArray(R"({"prompt":"abcd","stop":["\n"]})") << 400
                                      << QStringLiteral("use stop_token_ids");
        QTest::newRow("bad stop_token_ids") << c << QByteArray(R"({"prompt":"abcd","stop_token_ids":["a"]})") << 400
                                            << QStringLiteral("stop_token_ids must be integers");
        QTest::newRow("unknown route") << QStringLiteral("/v2/nothing") << QByteArray("{}") << 404 << QStringLiteral("Not Found");
        QTest::newRow("body over the limit") << c << QByteArray(9 * 1024 * 1024, ' ') << 413 << QStringLiteral("larger than");
    }
    void badRequestsGetVllmErrors()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, message);
        LivePod live;
        const Reply r = live.request("POST", path, body);
        QCOMPARE(r.status, status);
        QVERIFY2(QString::fromUtf8(r.body).contains(message), r.body.constData());
        // The pod is still there for the next client.
        QCOMPARE(live.request("GET", QStringLiteral("/health")).status, 200);
    }

    // Beyond --max-queued, a request is refused at once with 503 and Retry-After (vLLM itself
    // queues without bound; a pod in a test stack must not).
    void aFullQueueAnswers503()
    {
        LivePod live({QStringLiteral("--time-scale"), QStringLiteral("1"), QStringLiteral("--max-queued"), QStringLiteral("1")});
        QVERIFY(live.port() > 0);
        QNetworkRequest slow(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/completions").arg(live.port())));
        slow.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* first = live.network().post(slow, R"({"prompt":"abcdabcd","max_tokens":400})");
        QTest::qWait(100); // the first request is in the pod, decoding for about half a second
        const Reply second = live.request("POST", QStringLiteral("/v1/completions"), R"({"prompt":"abcd","max_tokens":2})");
        QCOMPARE(second.status, 503);
        QVERIFY2(second.body.contains("requests queued"), second.body.constData());
        QSignalSpy done(first, &QNetworkReply::finished);
        QVERIFY(first->isFinished() || done.wait(30000));
        QCOMPARE(first->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        first->deleteLater();
    }

    void tooManyConnectionsAnswer503()
    {
        LivePod live({QStringLiteral("--max-connections"), QStringLiteral("1")});
        QTcpSocket holder; // an idle keep-alive client takes the only connection
        holder.connectToHost(QStringLiteral("127.0.0.1"), static_cast<quint16>(live.port()));
        QVERIFY(holder.waitForConnected(5000));
        QTest::qWait(100);
        const Reply refused = live.request("GET", QStringLiteral("/health"));
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.body.contains("too many connections"), refused.body.constData());
        holder.disconnectFromHost();
        QTest::qWait(200);
        QCOMPARE(live.request("GET", QStringLiteral("/health")).status, 200); // the slot is free again
    }

    void garbageOnTheSocketDoesNotHurt()
    {
        LivePod live;
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), static_cast<quint16>(live.port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("\x01\x02 NOT HTTP\r\n\r\n");
        QVERIFY(socket.waitForReadyRead(5000));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 400"));
        QCOMPARE(live.request("GET", QStringLiteral("/health")).status, 200);
    }

    // As vLLM's FastAPI routes: HEAD /health answers, a wrong method gets 405 with Allow.
    void methodsAsVllm()
    {
        LivePod live;
        QCOMPARE(live.request("HEAD", QStringLiteral("/health")).status, 200);
        const Reply health = live.request("POST", QStringLiteral("/health"));
        QCOMPARE(health.status, 405);
        QCOMPARE(health.allow, QByteArray("GET, HEAD"));
        const Reply completions = live.request("GET", QStringLiteral("/v1/completions"));
        QCOMPARE(completions.status, 405);
        QCOMPARE(completions.allow, QByteArray("POST"));
    }

    // A coding other than chunked would leave the body unread, to be taken for the next request.
    void anUnknownTransferEncodingIsRefused()
    {
        LivePod live;
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), static_cast<quint16>(live.port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: gzip\r\n\r\n{\"prompt\":\"abcd\"}GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(3000))
            answer += socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 501"), answer.constData());
        QVERIFY2(answer.contains("gzip") && answer.contains("is not supported (only chunked)"), answer.constData());
        QVERIFY2(answer.count("HTTP/1.1") == 1, answer.constData()); // closed: no second answer
        QCOMPARE(live.request("GET", QStringLiteral("/health")).status, 200);
    }

    void sigtermEndsCleanly()
    {
        LivePod live;
        QVERIFY(live.port() > 0);
        ::kill(static_cast<pid_t>(live.process().processId()), SIGTERM);
        QVERIFY(live.process().waitForFinished(5000));
        QCOMPARE(live.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(live.process().exitCode(), 0);
    }
};

QTEST_MAIN(TestLivePod)
#include "tst_live_pod.moc"
