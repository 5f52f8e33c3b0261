// A live pod's /metrics text, without a server. The layout is prometheus_client's
// generate_latest (exposition.py, the 0.0.4 text format vLLM v0.10.0 serves): a counter's HELP
// and TYPE name its `_total` sample, labels are sorted by name, every counter and histogram ends
// with a `<name>_created` gauge family of its own, numbers are written by floatToGoString. The
// second half checks when each histogram is observed: vLLM's PrometheusStatLogger.record
// (v1/metrics/loggers.py) takes TTFT, time per output token and iteration tokens per output
// batch, and every per-request histogram only when the request finishes.

#include "cluster/pod/pod_prometheus.h"

#include <QtCore/QRegularExpression>
#include <QtTest/QtTest>

#include <map>
#include <string>

using namespace kvroute;
using namespace kvroute::cluster;

namespace {

PodIdentity identity(std::int32_t maxModelLen = 4096)
{
    PodIdentity id{.modelName = "m"};
    id.maxModelLen = maxModelLen;
    id.numGpuBlocks = 100;
    return id;
}

/// Sample values by the whole sample text before the value (name and labels).
std::map<std::string, double> samples(const std::string& text)
{
    std::map<std::string, double> out;
    for (const QString& line : QString::fromStdString(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1Char('#')))
            continue;
        const auto space = line.lastIndexOf(QLatin1Char(' '));
        out[line.left(space).toStdString()] = line.mid(space + 1).toDouble();
    }
    return out;
}

double count(const std::string& text, const std::string& histogram)
{
    return samples(text).at(histogram + "_count{engine=\"0\",model_name=\"m\"}");
}

double sum(const std::string& text, const std::string& histogram)
{
    return samples(text).at(histogram + "_sum{engine=\"0\",model_name=\"m\"}");
}

sim::PodRequestRecord record(sim::FinishReason reason)
{
    sim::PodRequestRecord r;
    r.id = 1;
    r.arrival = sim::fromSeconds(1.0);
    r.firstScheduled = sim::fromSeconds(1.5);
    r.firstToken = sim::fromSeconds(2.0);
    r.lastToken = sim::fromSeconds(4.0);
    r.numPromptTokens = 40;
    r.numOutputTokens = 3;
    r.finishReason = reason;
    return r;
}

} // namespace

class TestPodPrometheus final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aCounterIsWrittenAsPrometheusClientWritesIt()
    {
        PodPrometheus prometheus(identity());
        sim::PodMetrics pod;
        pod.promptTokens = 7;
        const std::string text = prometheus.render(pod);
        const QRegularExpression block(QStringLiteral(
            "\n# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n"
            "# TYPE vllm:prompt_tokens_total counter\n"
            "vllm:prompt_tokens_total\\{engine=\"0\",model_name=\"m\"\\} 7.0\n"
            "# HELP vllm:prompt_tokens_created Number of prefill tokens processed.\n"
            "# TYPE vllm:prompt_tokens_created gauge\n"
            "vllm:prompt_tokens_created\\{engine=\"0\",model_name=\"m\"\\} 1\\.[0-9]+e\\+09\n"));
        QVERIFY2(block.match(QString::fromStdString(text)).hasMatch(), text.c_str());
        // A labelled family: every child's _total, then every child's _created.
        const QRegularExpression success(QStringLiteral(
            "# TYPE vllm:request_success_total counter\n"
            "vllm:request_success_total\\{engine=\"0\",finished_reason=\"stop\",model_name=\"m\"\\} 0.0\n"
            "vllm:request_success_total\\{engine=\"0\",finished_reason=\"length\",model_name=\"m\"\\} 0.0\n"
            "vllm:request_success_total\\{engine=\"0\",finished_reason=\"abort\",model_name=\"m\"\\} 0.0\n"
            "# HELP vllm:request_success_created Count of successfully processed requests.\n"
            "# TYPE vllm:request_success_created gauge\n"
            "vllm:request_success_created\\{engine=\"0\",finished_reason=\"stop\",model_name=\"m\"\\} [0-9.e+]+\n"
            "vllm:request_success_created\\{engine=\"0\",finished_reason=\"length\",model_name=\"m\"\\} [0-9.e+]+\n"
            "vllm:request_success_created\\{engine=\"0\",finished_reason=\"abort\",model_name=\"m\"\\} [0-9.e+]+\n"));
        QVERIFY2(success.match(QString::fromStdString(text)).hasMatch(), text.c_str());
    }

    // Every sample belongs to the family the last TYPE line announced, as Prometheus's parser
    // reads it: a counter's TYPE names its _total sample, a histogram's its base name.
    void everySampleFollowsItsFamily()
    {
        PodPrometheus prometheus(identity());
        const std::string text = prometheus.render(sim::PodMetrics{});
        QString family, type, help;
        int counters = 0, created = 0;
        for (const QString& line : QString::fromStdString(text).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (line.startsWith(QStringLiteral("# HELP "))) {
                help = line.section(QLatin1Char(' '), 2, 2);
                continue;
            }
            if (line.startsWith(QStringLiteral("# TYPE "))) {
                family = line.section(QLatin1Char(' '), 2, 2);
                type = line.section(QLatin1Char(' '), 3, 3);
                QCOMPARE(family, help);
                if (type == QLatin1String("counter")) {
                    ++counters;
                    QVERIFY2(family.endsWith(QStringLiteral("_total")), qPrintable(line));
                }
                if (family.endsWith(QStringLiteral("_created"))) {
                    ++created;
                    QCOMPARE(type, QStringLiteral("gauge"));
                }
                continue;
            }
            const QString name = line.left(line.indexOf(QLatin1Char('{')));
            if (type == QLatin1String("histogram"))
                QVERIFY2(name == family + QStringLiteral("_bucket") || name == family + QStringLiteral("_count") ||
                             name == family + QStringLiteral("_sum"),
                         qPrintable(line));
            else
                QVERIFY2(name == family, qPrintable(line));
            // Label names in sorted order (prometheus_client sorts them).
            const auto labels = QRegularExpression(QStringLiteral("([a-z_]+)=\"")).globalMatch(line);
            QStringList names;
            for (auto it = labels; it.hasNext();)
                names << it.next().captured(1);
            QStringList sorted = names;
            sorted.sort();
            QVERIFY2(names == sorted, qPrintable(line));
        }
        QCOMPARE(counters, 8);     // vLLM v0.10.0's counters (vllm.md §6)
        QCOMPARE(created, 8 + 13); // one per counter and per histogram
    }

    // floatToGoString: Python's repr, except a Go exponent past six integer digits.
    void numbersAreWrittenAsFloatToGoString()
    {
        PodPrometheus prometheus(identity(1'000'000));
        sim::PodMetrics pod;
        pod.kvCacheUsage = 9.304229702800093e-06;
        pod.generationTokens = 12'345'678;
        pod.promptTokens = 1'000'000;
        pod.numPreemptions = 999'999;
        const std::string text = prometheus.render(pod);
        const auto has = [&](const char* line) {
            return text.find(std::string("\n") + line + "\n") != std::string::npos;
        };
        QVERIFY(has("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 9.304229702800093e-06"));
        QVERIFY(has("vllm:generation_tokens_total{engine=\"0\",model_name=\"m\"} 1.2345678e+07"));
        QVERIFY(has("vllm:prompt_tokens_total{engine=\"0\",model_name=\"m\"} 1e+06"));
        QVERIFY(has("vllm:num_preemptions_total{engine=\"0\",model_name=\"m\"} 999999.0"));
        QVERIFY(has("vllm:request_prompt_tokens_bucket{engine=\"0\",le=\"500000.0\",model_name=\"m\"} 0.0"));
        QVERIFY(has("vllm:request_prompt_tokens_bucket{engine=\"0\",le=\"1e+06\",model_name=\"m\"} 0.0"));
        QVERIFY(has("vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"0.001\",model_name=\"m\"} 0.0"));
        QVERIFY(has("vllm:cache_config_info{block_size=\"16\",cache_dtype=\"auto\",enable_prefix_caching=\"True\","
                    "engine=\"0\",gpu_memory_utilization=\"0.9\",num_gpu_blocks=\"100\","
                    "prefix_caching_hash_algo=\"builtin\"} 1.0"));
    }

    // Per batch: the first token's TTFT; per finished request: everything else.
    void perRequestHistogramsWaitForTheFinish()
    {
        PodPrometheus prometheus(identity());
        sim::PodRequestRecord r = record(sim::FinishReason::None);
        r.lastToken = -1;
        sim::RequestOutput first;
        first.id = 1;
        first.firstToken = true;
        first.numPromptTokens = 40;
        prometheus.onToken(2.0, first, r);
        prometheus.onStepEnd(41);
        std::string text = prometheus.render(sim::PodMetrics{});
        QCOMPARE(count(text, "vllm:time_to_first_token_seconds"), 1.0);
        QCOMPARE(sum(text, "vllm:time_to_first_token_seconds"), 1.0);
        QCOMPARE(count(text, "vllm:iteration_tokens_total"), 1.0);
        for (const char* finishTime :
             {"vllm:e2e_request_latency_seconds", "vllm:request_queue_time_seconds", "vllm:request_inference_time_seconds",
              "vllm:request_prefill_time_seconds", "vllm:request_decode_time_seconds", "vllm:request_prompt_tokens",
              "vllm:request_generation_tokens", "vllm:request_max_num_generation_tokens", "vllm:request_params_n",
              "vllm:request_params_max_tokens"})
            QVERIFY2(count(text, finishTime) == 0.0, finishTime);

        prometheus.onFinished(4.0, record(sim::FinishReason::Stop), 200);
        text = prometheus.render(sim::PodMetrics{});
        QCOMPARE(sum(text, "vllm:e2e_request_latency_seconds"), 3.0);
        QCOMPARE(sum(text, "vllm:request_queue_time_seconds"), 0.5);
        QCOMPARE(sum(text, "vllm:request_prefill_time_seconds"), 0.5);
        QCOMPARE(sum(text, "vllm:request_decode_time_seconds"), 2.0);
        QCOMPARE(sum(text, "vllm:request_inference_time_seconds"), 2.5);
        QCOMPARE(sum(text, "vllm:request_prompt_tokens"), 40.0);
        QCOMPARE(sum(text, "vllm:request_generation_tokens"), 3.0);
        // The most tokens any of the n samples generated, not the max_tokens asked for.
        QCOMPARE(sum(text, "vllm:request_max_num_generation_tokens"), 3.0);
        QCOMPARE(sum(text, "vllm:request_params_max_tokens"), 200.0);
        QCOMPARE(count(text, "vllm:request_params_n"), 1.0);
        QCOMPARE(sum(text, "vllm:request_params_n"), 1.0);
        QCOMPARE(count(text, "vllm:time_to_first_token_seconds"), 1.0);
    }

    // A client abort leaves the frontend without the request's state: nothing is observed.
    void anAbortIsNotObserved()
    {
        PodPrometheus prometheus(identity());
        prometheus.onFinished(4.0, record(sim::FinishReason::Abort), 200);
        const std::string text = prometheus.render(sim::PodMetrics{});
        for (const char* h : {"vllm:e2e_request_latency_seconds", "vllm:request_params_n", "vllm:request_params_max_tokens",
                              "vllm:request_max_num_generation_tokens"})
            QVERIFY2(count(text, h) == 0.0, h);
    }
};

QTEST_GUILESS_MAIN(TestPodPrometheus)
#include "tst_pod_prometheus.moc"
