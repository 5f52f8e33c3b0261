// cluster/deploy/manifest_yaml: no value can break a rendered manifest. Every quoted string is read
// back by yaml-cpp (an independent YAML parser) and must equal the input; templates refuse
// unknown and unused placeholders; a value that looks like a placeholder is never expanded.

#include "cluster/deploy/manifest_yaml.h"

#include <QTest>

#include <yaml-cpp/yaml.h>

#include <string>

using namespace kvroute::cluster::deploy;

class TestManifestYaml : public QObject {
    Q_OBJECT

private slots:
    void quotedStringsReadBack_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("plain") << QByteArray("meta-llama/Llama-3.2-1B");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("number-looking") << QByteArray("42");
        QTest::newRow("bool-looking") << QByteArray("true");
        QTest::newRow("null-looking") << QByteArray("~");
        QTest::newRow("colon space") << QByteArray("a: b");
        QTest::newRow("comment") << QByteArray("x # not a comment");
        QTest::newRow("quotes") << QByteArray("say \"hi\" and 'bye'");
        QTest::newRow("backslash") << QByteArray("C:\\path\\n");
        QTest::newRow("newlines") << QByteArray("line one\nline two\n\nkind: Secret\n");
        QTest::newRow("document marker") << QByteArray("\n---\nkind: Secret");
        QTest::newRow("flow") << QByteArray("{a: [1, 2]}, *alias &anchor !tag");
        QTest::newRow("placeholder") << QByteArray("{{name}}");
        QTest::newRow("tab and cr") << QByteArray("a\tb\r\nc");
        QTest::newRow("control") << QByteArray("bell\x07 esc\x1b del\x7f nul", 21);
        QTest::newRow("leading space") << QByteArray("  indented");
        QTest::newRow("utf8") << QByteArray("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x9a\x80");
        QTest::newRow("line separator") << QByteArray("a\xe2\x80\xa8" "b\xc2\x85" "c\xef\xbb\xbf");
    }

    void quotedStringsReadBack()
    {
        QFETCH(QByteArray, text);
        const std::string input(text.constData(), static_cast<std::size_t>(text.size()));
        const std::string quoted = yamlQuote(input);
        QVERIFY2(quoted.find('\n') == std::string::npos, quoted.c_str());
        // As a value in a mapping, and as an item of a list: the same string comes back.
        const YAML::Node map = YAML::Load("key: " + quoted + "\nnext: 1\n");
        QCOMPARE(map["key"].as<std::string>(), input);
        QCOMPARE(map["next"].as<int>(), 1);
        const YAML::Node list = YAML::Load("- " + quoted + "\n- after\n");
        QCOMPARE(list.size(), std::size_t{2});
        QCOMPARE(list[0].as<std::string>(), input);
    }

    void invalidUtf8BecomesReplacementCharacter()
    {
        const std::string quoted = yamlQuote(std::string("a\xff" "b\xc3", 4));
        const YAML::Node node = YAML::Load("k: " + quoted);
        QCOMPARE(node["k"].as<std::string>(), std::string("a\xef\xbf\xbd" "b\xef\xbf\xbd"));
    }

    void literalBlocksReadBack_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("literal");
        QTest::newRow("yaml text") << QByteArray("apiVersion: v1\nkind: X\n  nested: \"q\"\n\n# c\n") << true;
        QTest::newRow("no final newline") << QByteArray("a\nb") << false;
        QTest::newRow("two final newlines") << QByteArray("a\n\n") << false;
        QTest::newRow("leading space") << QByteArray(" a\n") << false;
        QTest::newRow("control character") << QByteArray("a\x01\n") << false;
        QTest::newRow("carriage return") << QByteArray("a\r\n") << false;
        QTest::newRow("document markers") << QByteArray("---\n...\nkind: Secret\n") << true;
    }

    void literalBlocksReadBack()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, literal);
        const std::string input = text.toStdString();
        const std::string value = yamlText(input, 4);
        QCOMPARE(value.starts_with("|\n"), literal);
        const YAML::Node node = YAML::Load("outer:\n  key: " + value + "\n  after: 2\n");
        QCOMPARE(node["outer"]["key"].as<std::string>(), input);
        QCOMPARE(node["outer"]["after"].as<int>(), 2);
    }

    void numbers()
    {
        QCOMPARE(yamlNumber(0.9), std::string("0.9"));
        QCOMPARE(yamlNumber(0.7), std::string("0.7"));
        QCOMPARE(yamlNumber(1.0), std::string("1"));
        QCOMPARE(yamlInt(-12), std::string("-12"));
        QCOMPARE(YAML::Load("v: " + yamlNumber(0.1 + 0.2))["v"].as<double>(), 0.1 + 0.2);
    }

    void comments()
    {
        QCOMPARE(yamlComment("one\ntwo\x07"), std::string("# one\n# two\n"));
        QCOMPARE(yamlComment(""), std::string("#\n"));
        const std::string longText(150, 'x');
        QCOMPARE(yamlComment("a " + longText, true), "# a\n# " + longText + "\n");
        const std::string wrapped = yamlComment(std::string(60, 'a') + " " + std::string(60, 'b'));
        QCOMPARE(wrapped, "# " + std::string(60, 'a') + "\n# " + std::string(60, 'b') + "\n");
        QCOMPARE(yamlComment(std::string(60, 'a') + " " + std::string(60, 'b'), false),
                 "# " + std::string(60, 'a') + " " + std::string(60, 'b') + "\n");
        // Whatever the text, every line is a comment: a YAML reader sees nothing.
        const YAML::Node node = YAML::Load(yamlComment("kind: Secret\n- x\n\x1b[31m") + "k: 1\n");
        QCOMPARE(node.size(), std::size_t{1});
    }

    void templates()
    {
        const auto filled = fillTemplate("a: {{x}}\nlist:\n  {{items}}\nb: {{x}}-{{y}}\n",
                                         {{"x", "\"{{y}}\""}, {"y", "2"}, {"items", "- 1\n- 2"}}, "t");
        QVERIFY(filled.has_value());
        QCOMPARE(*filled, std::string("a: \"{{y}}\"\nlist:\n  - 1\n  - 2\nb: \"{{y}}\"-2\n"));
        // An empty block removes its line.
        QCOMPARE(*fillTemplate("a:\n  {{b}}\nc: 1\n", {{"b", ""}}, "t"), std::string("a:\nc: 1\n"));
    }

    void templateMistakesAreErrors()
    {
        const auto unknown = fillTemplate("a: {{x}}\n", {}, "deploy/templates/t.yaml");
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().where, std::string("deploy/templates/t.yaml:1"));
        QVERIFY(!fillTemplate("a: 1\n", {{"unused", "1"}}, "t"));
        QVERIFY(!fillTemplate("a: {{x}} b\n", {{"x", "1\n2"}}, "t"));
        QVERIFY(!fillTemplate("a: {{x\n", {{"x", "1"}}, "t"));
    }

    void dnsLabels()
    {
        QVERIFY(isDnsLabel("llm-d"));
        QVERIFY(isDnsLabel("a"));
        QVERIFY(isDnsLabel(std::string(63, 'a')));
        QVERIFY(!isDnsLabel(std::string(64, 'a')));
        QVERIFY(!isDnsLabel(""));
        QVERIFY(!isDnsLabel("Default"));
        QVERIFY(!isDnsLabel("-a"));
        QVERIFY(!isDnsLabel("a-"));
        QVERIFY(!isDnsLabel("a.b"));
        QVERIFY(!isDnsLabel("a_b"));
        QCOMPARE(dnsLabelFrom("My Scenario_v2!", 40, "x"), std::string("my-scenario-v2"));
        QCOMPARE(dnsLabelFrom("!!!", 40, "kvroute"), std::string("kvroute"));
        QCOMPARE(dnsLabelFrom("abc-def", 4, "x"), std::string("abc"));
    }
};

QTEST_APPLESS_MAIN(TestManifestYaml)
#include "tst_manifest_yaml.moc"
