// The PromQL side of live mode without a server: the user's label selector (what is accepted,
// what is refused and how the refusal reads), its text form, the window check, and the named
// queries of the catalogue (every vllm: series carries the selector, per-pod queries group by
// the configured pod label). What Prometheus itself accepts is checked against the real binary
// in tst_prometheus_client; the expectations here were written from Prometheus's grammar
// (promql/parser/lex.go, model/strutil) and checked by hand against `prometheus` 2.42.

#include "cluster/prometheus/promql.h"

#include <QtCore/QRegularExpression>
#include <QtTest/QtTest>

using namespace kvroute;
using namespace kvroute::cluster;

namespace {

/// "label op value" per matcher, joined by " | ", for one-line comparisons.
QString describe(const LiveSelector& s)
{
    QStringList parts;
    for (const auto& m : s.matchers)
        parts << QString::fromStdString(m.label + ' ' + m.op + ' ' + m.value);
    return parts.join(QStringLiteral(" | "));
}

LiveSelector selectorOf(std::initializer_list<LabelMatcher> matchers, std::string podLabel = "pod")
{
    LiveSelector s;
    s.matchers = matchers;
    s.podLabel = std::move(podLabel);
    return s;
}

} // namespace

class TestPromql : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseAccepts_data();
    void parseAccepts();
    void parseRejects_data();
    void parseRejects();
    void selectorTextRoundTrips_data();
    void selectorTextRoundTrips();
    void selectorTextEscapes();
    void windowAccepted_data();
    void windowAccepted();
    void windowRejected_data();
    void windowRejected();
    void catalogueCarriesSelector_data();
    void catalogueCarriesSelector();
    void catalogueShapes();
    void catalogueWithoutSelector();
};

void TestPromql::parseAccepts_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("empty braces") << QStringLiteral("{}") << QString();
    QTest::newRow("bare value") << QStringLiteral("namespace=llm-d") << QStringLiteral("namespace = llm-d");
    QTest::newRow("bare value with slash and dots")
        << QStringLiteral("model_name=Qwen/Qwen3-0.6B") << QStringLiteral("model_name = Qwen/Qwen3-0.6B");
    QTest::newRow("braces, two quoted")
        << QStringLiteral("{namespace=\"llm-d\",model_name=\"Qwen/Qwen3-0.6B\"}")
        << QStringLiteral("namespace = llm-d | model_name = Qwen/Qwen3-0.6B");
    QTest::newRow("regex") << QStringLiteral("pod=~\"decode-.*\"") << QStringLiteral("pod =~ decode-.*");
    QTest::newRow("negations, single quotes")
        << QStringLiteral("a!=\"x\",b!~'y'") << QStringLiteral("a != x | b !~ y");
    QTest::newRow("spaces everywhere")
        << QStringLiteral("  {  namespace = \"llm-d\" ,  pod =~ 'decode-.*'  }  ")
        << QStringLiteral("namespace = llm-d | pod =~ decode-.*");
    QTest::newRow("tabs") << QStringLiteral("\tnamespace\t=\tllm-d\t") << QStringLiteral("namespace = llm-d");
    QTest::newRow("escaped double quote") << QStringLiteral("a=\"say \\\"hi\\\"\"") << QStringLiteral("a = say \"hi\"");
    QTest::newRow("escaped backslash") << QStringLiteral("a=\"c:\\\\x\"") << QStringLiteral("a = c:\\x");
    QTest::newRow("escaped single quote in single quotes") << QStringLiteral("a='it\\'s'") << QStringLiteral("a = it's");
    QTest::newRow("double quote inside single quotes") << QStringLiteral("a='x\"y'") << QStringLiteral("a = x\"y");
    QTest::newRow("comma and brace inside quotes")
        << QStringLiteral("{a=\"x,}y\",b=\"z\"}") << QStringLiteral("a = x,}y | b = z");
    QTest::newRow("empty quoted value (label absent)") << QStringLiteral("a=\"\"") << QStringLiteral("a = ");
    QTest::newRow("trailing comma (Prometheus allows it)") << QStringLiteral("{a=\"x\",}") << QStringLiteral("a = x");
    QTest::newRow("underscore label") << QStringLiteral("__name__=~\"vllm:.*\"") << QStringLiteral("__name__ =~ vllm:.*");
    // A regex escape the user did not double (`\d`, `\.`): Prometheus refuses it as an unknown
    // escape; dropping the backslash would silently select other pods, so it is kept.
    QTest::newRow("regex escape kept") << QStringLiteral("pod=~\"decode-\\d+\\.x\"") << QStringLiteral("pod =~ decode-\\d+\\.x");
    QTest::newRow("newline escape") << QStringLiteral("a=\"x\\ny\"") << QStringLiteral("a = x\ny");
    QTest::newRow("backquoted raw string") << QStringLiteral("pod=~`decode-\\d+`") << QStringLiteral("pod =~ decode-\\d+");
}

void TestPromql::parseAccepts()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto parsed = parseSelector(text.toStdString());
    QVERIFY2(parsed.has_value(), parsed ? "" : parsed.error().toString().c_str());
    QCOMPARE(describe(*parsed), expected);
    QCOMPARE(parsed->podLabel, std::string("pod"));
}

void TestPromql::parseRejects_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem"); // a regex the message must match (case-insensitive)
    QTest::addColumn<QString>("culprit"); // part of the input the message must quote ("" = none)

    QTest::newRow("no label name") << QStringLiteral("=x") << QStringLiteral("expected a label name") << QStringLiteral("=x");
    QTest::newRow("label starts with digit")
        << QStringLiteral("1ns=\"x\"") << QStringLiteral("expected a label name") << QStringLiteral("1ns");
    QTest::newRow("no operator") << QStringLiteral("ns") << QStringLiteral("no operator") << QStringLiteral("ns");
    QTest::newRow("no operator, value follows") << QStringLiteral("ns \"x\"") << QStringLiteral("no operator") << QStringLiteral("ns");
    QTest::newRow("unknown operator ==") << QStringLiteral("ns==\"x\"") << QStringLiteral("value") << QStringLiteral("ns");
    QTest::newRow("unknown operator =!") << QStringLiteral("ns=!\"x\"") << QStringLiteral("value") << QStringLiteral("ns");
    QTest::newRow("missing value") << QStringLiteral("ns=") << QStringLiteral("no value") << QStringLiteral("ns");
    QTest::newRow("missing value before comma")
        << QStringLiteral("ns=,pod=x") << QStringLiteral("no value") << QStringLiteral("ns");
    QTest::newRow("unclosed double quote") << QStringLiteral("ns=\"llm-d") << QStringLiteral("quote") << QStringLiteral("ns");
    QTest::newRow("unclosed single quote") << QStringLiteral("ns='llm-d") << QStringLiteral("quote") << QStringLiteral("ns");
    QTest::newRow("quote closed only by an escaped quote")
        << QStringLiteral("ns=\"llm-d\\\"") << QStringLiteral("quote") << QStringLiteral("ns");
    QTest::newRow("quote in bare value") << QStringLiteral("ns=ll\"m") << QStringLiteral("value") << QStringLiteral("ns");
    QTest::newRow("unclosed brace") << QStringLiteral("{ns=\"llm-d\"") << QStringLiteral("does not close") << QString();
    QTest::newRow("brace closed only inside a quote")
        << QStringLiteral("{ns=\"}\"") << QStringLiteral("does not close") << QString();
    QTest::newRow("closing brace without opening")
        << QStringLiteral("ns=\"llm-d\"}") << QStringLiteral("expected ','") << QStringLiteral("}");
    QTest::newRow("missing comma, space")
        << QStringLiteral("ns=\"llm-d\" pod=\"x\"") << QStringLiteral("expected ','") << QStringLiteral("pod=");
    QTest::newRow("missing comma, adjacent")
        << QStringLiteral("ns=\"llm-d\"pod=\"x\"") << QStringLiteral("expected ','") << QStringLiteral("pod=");
    QTest::newRow("missing comma, bare values")
        << QStringLiteral("ns=llm-d pod=x") << QStringLiteral("expected ','") << QStringLiteral("pod=x");
    QTest::newRow("double comma") << QStringLiteral("a=\"x\",,b=\"y\"") << QStringLiteral("expected a label name") << QStringLiteral(",b");
    QTest::newRow("semicolon separator")
        << QStringLiteral("a=\"x\";b=\"y\"") << QStringLiteral("expected ','") << QStringLiteral(";b");
}

void TestPromql::parseRejects()
{
    QFETCH(QString, text);
    QFETCH(QString, problem);
    QFETCH(QString, culprit);
    const auto parsed = parseSelector(text.toStdString());
    QVERIFY2(!parsed.has_value(), qPrintable(QStringLiteral("accepted as: ") + (parsed ? describe(*parsed) : QString())));
    const QString message = QString::fromStdString(parsed.error().message);
    QCOMPARE(QString::fromStdString(parsed.error().where), QStringLiteral("--selector"));
    QVERIFY2(message.contains(QRegularExpression(problem, QRegularExpression::CaseInsensitiveOption)), qPrintable(message));
    if (!culprit.isEmpty())
        QVERIFY2(message.contains(culprit), qPrintable(message));
    // Every refusal shows the allowed form, with all four operators.
    QVERIFY2(message.contains(QStringLiteral("namespace=llm-d,model_name=\"Qwen/Qwen3-0.6B\"")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("= != =~ !~")), qPrintable(message));
}

void TestPromql::selectorTextRoundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("none") << QString() << QString();
    QTest::newRow("bare") << QStringLiteral("namespace=llm-d") << QStringLiteral("{namespace=\"llm-d\"}");
    QTest::newRow("two, spaced")
        << QStringLiteral(" namespace = llm-d , model_name = 'Qwen/Qwen3-0.6B' ")
        << QStringLiteral("{namespace=\"llm-d\",model_name=\"Qwen/Qwen3-0.6B\"}");
    QTest::newRow("all operators")
        << QStringLiteral("a=\"1\",b!=\"2\",c=~\"3.*\",d!~\"4|5\"") << QStringLiteral("{a=\"1\",b!=\"2\",c=~\"3.*\",d!~\"4|5\"}");
    QTest::newRow("quote and backslash")
        << QStringLiteral("a='x\"y',b=\"p\\\\q\"") << QStringLiteral("{a=\"x\\\"y\",b=\"p\\\\q\"}");
    QTest::newRow("regex escape") << QStringLiteral("pod=~\"decode-\\d+\"") << QStringLiteral("{pod=~\"decode-\\\\d+\"}");
    QTest::newRow("newline") << QStringLiteral("a=\"x\\ny\"") << QStringLiteral("{a=\"x\\ny\"}");
}

void TestPromql::selectorTextRoundTrips()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    const auto parsed = parseSelector(text.toStdString());
    QVERIFY2(parsed.has_value(), parsed ? "" : parsed.error().toString().c_str());
    const std::string once = selectorText(*parsed);
    QCOMPARE(QString::fromStdString(once), canonical);
    // The canonical text parses back to the same matchers and prints the same.
    const auto again = parseSelector(once);
    QVERIFY2(again.has_value(), again ? "" : again.error().toString().c_str());
    QCOMPARE(describe(*again), describe(*parsed));
    QCOMPARE(selectorText(*again), once);
}

void TestPromql::selectorTextEscapes()
{
    // Built directly (not parsed): the printer alone must escape what PromQL needs escaped.
    const auto s = selectorOf({{"a", "=", "say \"hi\""}, {"b", "!=", "c:\\dir"}, {"c", "=~", "x\ny"}, {"d", "!~", ""}});
    QCOMPARE(selectorText(s), std::string("{a=\"say \\\"hi\\\"\",b!=\"c:\\\\dir\",c=~\"x\\ny\",d!~\"\"}"));
    QCOMPARE(selectorText(LiveSelector{}), std::string());
}

void TestPromql::windowAccepted_data()
{
    QTest::addColumn<QString>("window");
    for (const char* w : {"30s", "5m", "1h30m", "500ms", "2d", "1w", "1y", "1s500ms", "1d2h3m4s5ms", "05m", "90s"})
        QTest::newRow(w) << QString::fromLatin1(w);
}

void TestPromql::windowAccepted()
{
    QFETCH(QString, window);
    const auto checked = checkWindow(window.toStdString());
    QVERIFY2(checked.has_value(), checked ? "" : checked.error().toString().c_str());
    QCOMPARE(QString::fromStdString(*checked), window);
}

void TestPromql::windowRejected_data()
{
    QTest::addColumn<QString>("window");
    QTest::addColumn<QString>("problem");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    for (const char* w : {"5", "m", "5x", "30s5m", "5m5m", "-5s", "1.5m", "5 m", " 5m", "5M", "ms", "5s "})
        QTest::newRow(w) << QString::fromLatin1(w) << QStringLiteral("not a Prometheus duration");
    // Prometheus refuses a zero range: "parse error: duration must be greater than 0".
    for (const char* w : {"0s", "0m0s", "00ms"})
        QTest::newRow(w) << QString::fromLatin1(w) << QStringLiteral("is zero");
}

void TestPromql::windowRejected()
{
    QFETCH(QString, window);
    QFETCH(QString, problem);
    const auto checked = checkWindow(window.toStdString());
    QVERIFY2(!checked.has_value(), qPrintable(QStringLiteral("accepted ") + window));
    const QString message = QString::fromStdString(checked.error().message);
    QCOMPARE(QString::fromStdString(checked.error().where), QStringLiteral("--window"));
    QVERIFY2(message.contains(problem), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("30s")) && message.contains(QStringLiteral("1h30m")), qPrintable(message));
    if (!window.isEmpty())
        QVERIFY2(message.contains(QLatin1Char('\'') + window + QLatin1Char('\'')), qPrintable(message));
}

void TestPromql::catalogueCarriesSelector_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("perPod"); // 1 = groups by the pod label

    const auto s = selectorOf({{"namespace", "=", "llm-d"}, {"model_name", "=", "Qwen/Qwen3-0.6B"}, {"pod", "=~", "decode-\\d+"}},
                              "instance");
    const auto q = [](const std::string& text) { return QString::fromStdString(text); };
    QTest::newRow("clusterHitRate") << QStringLiteral("clusterHitRate") << q(promql::clusterHitRate(s, "30s")) << 0;
    QTest::newRow("podHitRate") << QStringLiteral("podHitRate") << q(promql::podHitRate(s, "30s")) << 1;
    QTest::newRow("podRequestRate") << QStringLiteral("podRequestRate") << q(promql::podRequestRate(s, "30s")) << 1;
    QTest::newRow("outputTokenRate") << QStringLiteral("outputTokenRate") << q(promql::outputTokenRate(s, "30s")) << 0;
    QTest::newRow("podWaiting") << QStringLiteral("podWaiting") << q(promql::podWaiting(s)) << 1;
    QTest::newRow("podRunning") << QStringLiteral("podRunning") << q(promql::podRunning(s)) << 1;
    QTest::newRow("podKvCacheUsage") << QStringLiteral("podKvCacheUsage") << q(promql::podKvCacheUsage(s)) << 1;
    QTest::newRow("ttftQuantile") << QStringLiteral("ttftQuantile") << q(promql::ttftQuantile(s, 0.9, "30s")) << 0;
    QTest::newRow("preemptions") << QStringLiteral("preemptions") << q(promql::preemptions(s, "30s")) << 0;
    QTest::newRow("podCounter") << QStringLiteral("podCounter") << q(promql::podCounter(s, promql::kHitsCounter)) << 1;
}

void TestPromql::catalogueCarriesSelector()
{
    QFETCH(QString, name);
    QFETCH(QString, query);
    QFETCH(int, perPod);
    const QString sel = QStringLiteral("{namespace=\"llm-d\",model_name=\"Qwen/Qwen3-0.6B\",pod=~\"decode-\\\\d+\"}");
    // Every vllm: series name is followed at once by the whole selector.
    static const QRegularExpression seriesName(QStringLiteral("vllm:[a-z_]+"));
    int seen = 0;
    for (auto it = seriesName.globalMatch(query); it.hasNext();) {
        const auto m = it.next();
        ++seen;
        QVERIFY2(query.mid(m.capturedEnd(), sel.size()) == sel, qPrintable(name + QStringLiteral(": ") + query));
    }
    QVERIFY2(seen >= 1, qPrintable(query));
    QCOMPARE(query.count(sel), seen);
    if (perPod) {
        QVERIFY2(query.contains(QStringLiteral("sum by (instance) (")), qPrintable(query));
        QVERIFY2(!query.contains(QStringLiteral("(pod)")), qPrintable(query));
    } else {
        QVERIFY2(!query.contains(QStringLiteral("instance")), qPrintable(query));
    }
    // Balanced parentheses and brackets: a query the printer broke would be refused by the server.
    QCOMPARE(query.count(QLatin1Char('(')), query.count(QLatin1Char(')')));
    QCOMPARE(query.count(QLatin1Char('[')), query.count(QLatin1Char(']')));
}

void TestPromql::catalogueShapes()
{
    const auto s = selectorOf({{"namespace", "=", "llm-d"}});
    const std::string sel = "{namespace=\"llm-d\"}";
    QCOMPARE(promql::clusterHitRate(s, "1m"),
             "sum(rate(vllm:prefix_cache_hits_total" + sel + "[1m])) / sum(rate(vllm:prefix_cache_queries_total" + sel + "[1m]))");
    QCOMPARE(promql::podHitRate(s, "1m"), "sum by (pod) (rate(vllm:prefix_cache_hits_total" + sel +
                                              "[1m])) / sum by (pod) (rate(vllm:prefix_cache_queries_total" + sel + "[1m]))");
    QCOMPARE(promql::podRequestRate(s, "2m"), "sum by (pod) (rate(vllm:request_success_total" + sel + "[2m]))");
    QCOMPARE(promql::outputTokenRate(s, "2m"), "sum(rate(vllm:generation_tokens_total" + sel + "[2m]))");
    QCOMPARE(promql::podWaiting(s), "sum by (pod) (vllm:num_requests_waiting" + sel + ")");
    QCOMPARE(promql::podRunning(s), "sum by (pod) (vllm:num_requests_running" + sel + ")");
    QCOMPARE(promql::podKvCacheUsage(s), "sum by (pod) (vllm:kv_cache_usage_perc" + sel + ")");
    QCOMPARE(promql::ttftQuantile(s, 0.5, "30s"),
             "histogram_quantile(0.5, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket" + sel + "[30s])))");
    QCOMPARE(promql::ttftQuantile(s, 0.99, "30s"),
             "histogram_quantile(0.99, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket" + sel + "[30s])))");
    QCOMPARE(promql::preemptions(s, "5m"), "sum(increase(vllm:num_preemptions_total" + sel + "[5m]))");
    QCOMPARE(promql::podCounter(s, promql::kRequestsCounter), "sum by (pod) (vllm:request_success_total" + sel + ")");
    // The gateway is its own job: the pods' selector does not apply to it.
    QCOMPARE(promql::gatewayStickiness("30s"), std::string("sum(rate(kvroute_gateway_follow_ups_same_pod_total[30s])) / "
                                                           "sum(rate(kvroute_gateway_follow_ups_total[30s]))"));
}

void TestPromql::catalogueWithoutSelector()
{
    const LiveSelector none;
    QCOMPARE(promql::podWaiting(none), std::string("sum by (pod) (vllm:num_requests_waiting)"));
    QCOMPARE(promql::clusterHitRate(none, "30s"),
             std::string("sum(rate(vllm:prefix_cache_hits_total[30s])) / sum(rate(vllm:prefix_cache_queries_total[30s]))"));
}

QTEST_GUILESS_MAIN(TestPromql)
#include "tst_promql.moc"
