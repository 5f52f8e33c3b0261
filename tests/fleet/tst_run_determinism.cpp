// Same scenario and seed => identical results JSON except run_info; another seed => different.

#include "sim/fleet/cluster_run.h"
#include "sim/report/results_writers.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

using namespace kvroute;

namespace {

QJsonObject runJson(const std::string& name, const std::vector<std::string>& overrides, double wall)
{
    auto scenario = sim::builtinScenario(name);
    if (!scenario || !sim::applyOverrides(*scenario, overrides))
        qFatal("bad scenario");
    const auto results = sim::runScenario(*scenario);
    if (!results)
        qFatal("run failed: %s", results.error().toString().c_str());
    const auto json = sim::resultsToJson(*results, *scenario, sim::RunInfo{"test", wall});
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

} // namespace

class TestRunDeterminism final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameSeedIdenticalExceptRunInfo_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("overrides");
        QTest::newRow("default") << QStringLiteral("default") << QStringList{};
        QTest::newRow("seed-cache-test") << QStringLiteral("seed-cache-test") << QStringList{};
        QTest::newRow("epp precise, small") << QStringLiteral("llmd-shared-prefix")
                                            << QStringList{QStringLiteral("workload.max_requests=600")};
        QTest::newRow("epp approximate, small")
            << QStringLiteral("llmd-shared-prefix")
            << QStringList{QStringLiteral("workload.max_requests=600"), QStringLiteral("routing.profile=approximate")};
    }

    void sameSeedIdenticalExceptRunInfo()
    {
        QFETCH(QString, scenario);
        QFETCH(QStringList, overrides);
        std::vector<std::string> o;
        for (const auto& s : overrides)
            o.push_back(s.toStdString());
        auto a = runJson(scenario.toStdString(), o, 1.0);
        auto b = runJson(scenario.toStdString(), o, 2.0);
        QVERIFY(a.value(QStringLiteral("run_info")) != b.value(QStringLiteral("run_info")));
        a.remove(QStringLiteral("run_info"));
        b.remove(QStringLiteral("run_info"));
        QVERIFY(a.value(QStringLiteral("requests_completed")).toInteger() > 0);
        QVERIFY(a == b);
    }

    void otherSeedDiffers()
    {
        auto a = runJson("default", {}, 0);
        auto b = runJson("default", {"seed=2"}, 0);
        QVERIFY(a.value(QStringLiteral("ttft_s")) != b.value(QStringLiteral("ttft_s")));
    }
};

QTEST_APPLESS_MAIN(TestRunDeterminism)
#include "tst_run_determinism.moc"
