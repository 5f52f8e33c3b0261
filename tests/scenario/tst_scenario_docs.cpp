// docs/SCENARIOS.md holds the key reference generated from the schema table, verbatim, so the
// doc cannot drift from the parser. On a mismatch the expected text is written next to the
// build for pasting.

#include "sim/scenario/scenario_yaml.h"

#include <QFile>
#include <QTest>

#include <string>

using namespace kvroute::sim;

class TestScenarioDocs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void referenceIsInSync()
    {
        QFile doc(QStringLiteral(KVROUTE_SOURCE_DIR "/docs/SCENARIOS.md"));
        QVERIFY2(doc.open(QIODevice::ReadOnly), "docs/SCENARIOS.md is missing");
        const std::string text = doc.readAll().toStdString();
        const std::string reference = scenarioReferenceMarkdown();
        if (text.find(reference) == std::string::npos) {
            const QString expected = QStringLiteral(KVROUTE_BINARY_DIR "/SCENARIOS.reference.md");
            QFile out(expected);
            if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
                out.write(reference.data(), static_cast<qint64>(reference.size()));
            QFAIL(qPrintable(QStringLiteral("docs/SCENARIOS.md does not contain the generated reference; "
                                            "the expected section is in ") + expected));
        }
    }

    // The annotated example is a scenario the parser accepts, without warnings.
    void exampleParses()
    {
        QFile doc(QStringLiteral(KVROUTE_SOURCE_DIR "/docs/SCENARIOS.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const std::string text = doc.readAll().toStdString();
        const auto section = text.find("## An annotated example");
        QVERIFY(section != std::string::npos);
        const std::string open = "```yaml\n";
        const auto begin = text.find(open, section);
        QVERIFY(begin != std::string::npos);
        const auto end = text.find("```", begin + open.size());
        QVERIFY(end != std::string::npos);
        const auto parsed = parseScenarioYaml(text.substr(begin + open.size(), end - begin - open.size()),
                                              "SCENARIOS.md example", "");
        QVERIFY2(parsed.has_value(), parsed ? "" : parsed.error().toString().c_str());
        QCOMPARE(parsed->name, std::string("two-pods-precise"));
        QCOMPARE(parsed->routing.epp.plugins.size(), std::size_t{5});
        QCOMPARE(parsed->routing.epp.plugins[1].parameters.at("indexerConfig.tokenProcessorConfig.hashSeed"),
                 std::string("42"));
        QVERIFY(parsed->warnings.empty());
    }

    // Every key and group appears in the reference with its help text.
    void referenceCoversEveryKey()
    {
        const std::string reference = scenarioReferenceMarkdown();
        for (const FieldSpec& field : scenarioFields()) {
            QVERIFY2(reference.find("| `" + field.path + "` |") != std::string::npos, field.path.c_str());
            QVERIFY2(reference.find(field.help) != std::string::npos, field.path.c_str());
        }
        for (const GroupSpec& group : scenarioGroups())
            QVERIFY2(reference.find("`" + group.path + "`") != std::string::npos, group.path.c_str());
    }
};

QTEST_APPLESS_MAIN(TestScenarioDocs)
#include "tst_scenario_docs.moc"
