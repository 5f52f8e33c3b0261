// The sweep's Indexed Job (cluster/sweep/sweep_job.h) as Pod Security's "restricted" profile
// wants it: a non-root pod with the RuntimeDefault seccomp profile, a container that cannot
// escalate, holds no capability and writes only to its volumes; CPU and memory requests and
// limits, by default from --jobs-per-pod and overridable; bad, inconsistent or out-of-range
// quantities (beyond any node, or below 64Mi per concurrent point) refused naming the option and
// the range; the ReadWriteMany note on a shared results claim. Every rendered variant
// passes the official schemas (../shared/schemas/validate.py, unknown fields are errors).

#include "cluster/sweep/sweep_job.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <yaml-cpp/yaml.h>

#include <fstream>

using kvroute::cluster::renderSweepJob;
using kvroute::cluster::SweepJobOptions;

namespace {

const QString kValidator = QStringLiteral(KVROUTE_SOURCE_DIR "/../shared/schemas/validate.py");

SweepJobOptions options()
{
    SweepJobOptions o;
    o.image = "example.org/kvroute:test";
    o.shards = 4;
    o.parallelism = 2;
    return o;
}

/// options() with `threads` per pod and the CPU request and limit, memory request and limit given.
SweepJobOptions withResources(int threads, const QStringList& given)
{
    auto o = options();
    o.threadsPerPod = threads;
    o.cpuRequest = given[0].toStdString();
    o.cpuLimit = given[1].toStdString();
    o.memoryRequest = given[2].toStdString();
    o.memoryLimit = given[3].toStdString();
    return o;
}

std::string render(const SweepJobOptions& o)
{
    auto scenario = kvroute::sim::builtinScenario("default");
    if (!scenario)
        qFatal("no default scenario: %s", scenario.error().toString().c_str());
    const kvroute::sim::SweepGrid grid{{{"cluster.pods", {"2", "3", "4", "5"}}}, 1};
    auto yaml = renderSweepJob(*scenario, grid, o);
    if (!yaml)
        qFatal("render failed: %s", yaml.error().toString().c_str());
    return *yaml;
}

YAML::Node podSpec(const std::string& yaml)
{
    for (const auto& doc : YAML::LoadAll(yaml))
        if (doc["kind"].as<std::string>() == "Job")
            return doc["spec"]["template"]["spec"];
    return {};
}

std::string str(const YAML::Node& node) { return node ? node.as<std::string>() : std::string("<missing>"); }

} // namespace

class SweepJobTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void restrictedSecurityContext()
    {
        const auto pod = podSpec(render(options()));
        QVERIFY(pod["securityContext"]["runAsNonRoot"].as<bool>());
        QCOMPARE(str(pod["securityContext"]["seccompProfile"]["type"]), std::string("RuntimeDefault"));
        // No UID: OpenShift's restricted-v2 assigns one from the namespace's range; nor fsGroup
        // unless asked for.
        QVERIFY(!pod["securityContext"]["runAsUser"]);
        QVERIFY(!pod["securityContext"]["fsGroup"]);
        const auto container = pod["containers"][0]["securityContext"];
        QCOMPARE(container["allowPrivilegeEscalation"].as<bool>(), false);
        QCOMPARE(container["readOnlyRootFilesystem"].as<bool>(), true);
        QCOMPARE(container["capabilities"]["drop"].size(), std::size_t(1));
        QCOMPARE(str(container["capabilities"]["drop"][0]), std::string("ALL"));
        QVERIFY(!container["capabilities"]["add"]);
        // The only writable place: the results mount (the --out of every shard).
        for (const auto& mount : pod["containers"][0]["volumeMounts"])
            QVERIFY(mount["name"].as<std::string>() == "results" || mount["readOnly"].as<bool>());
    }

    void resources_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<QStringList>("given");    // cpu request, cpu limit, memory request, memory limit
        QTest::addColumn<QStringList>("expected"); // the same, as rendered
        QTest::newRow("defaults") << 1 << QStringList{"", "", "", ""} << QStringList{"1", "1", "512Mi", "2Gi"};
        QTest::newRow("defaults follow threads") << 4 << QStringList{"", "", "", ""}
                                                 << QStringList{"4", "4", "2Gi", "8Gi"};
        QTest::newRow("all given") << 2 << QStringList{"500m", "3", "1Gi", "3Gi"} << QStringList{"500m", "3", "1Gi", "3Gi"};
        QTest::newRow("default limits rise to a request") << 1 << QStringList{"2", "", "4Gi", ""}
                                                          << QStringList{"2", "2", "4Gi", "4Gi"};
        // As Kubernetes defaults an unset request to its limit.
        QTest::newRow("default requests fall to a limit") << 2 << QStringList{"", "500m", "", "256Mi"}
                                                          << QStringList{"500m", "500m", "256Mi", "256Mi"};
        // The bounds themselves.
        QTest::newRow("as large as the bounds") << 1 << QStringList{"1920", "4096", "32Ti", "64Ti"}
                                                << QStringList{"1920", "4096", "32Ti", "64Ti"};
        QTest::newRow("a millicore") << 1 << QStringList{"1m", "1m", "", ""} << QStringList{"1m", "1m", "512Mi", "2Gi"};
        // 64Mi for each of the 4 points the pod runs at once.
        QTest::newRow("the floor of 4 threads") << 4 << QStringList{"", "", "256Mi", "256Mi"}
                                                << QStringList{"4", "4", "256Mi", "256Mi"};
    }

    void resources()
    {
        QFETCH(int, threads);
        QFETCH(QStringList, given);
        QFETCH(QStringList, expected);
        const auto o = withResources(threads, given);
        const auto r = podSpec(render(o))["containers"][0]["resources"];
        QCOMPARE(QString::fromStdString(str(r["requests"]["cpu"])), expected[0]);
        QCOMPARE(QString::fromStdString(str(r["limits"]["cpu"])), expected[1]);
        QCOMPARE(QString::fromStdString(str(r["requests"]["memory"])), expected[2]);
        QCOMPARE(QString::fromStdString(str(r["limits"]["memory"])), expected[3]);
    }

    void badResourcesNameTheOption_data()
    {
        QTest::addColumn<QStringList>("given");
        QTest::addColumn<QString>("option");
        QTest::newRow("not a quantity") << QStringList{"two", "", "", ""} << "--cpu-request";
        QTest::newRow("GB is not a suffix") << QStringList{"", "", "8GB", ""} << "--memory-request";
        QTest::newRow("zero") << QStringList{"", "0", "", ""} << "--cpu-limit";
        QTest::newRow("negative") << QStringList{"", "", "", "-1Gi"} << "--memory-limit";
        QTest::newRow("cpu limit below request") << QStringList{"2", "1500m", "", ""} << "--cpu-limit";
        QTest::newRow("memory limit below request") << QStringList{"", "", "2Gi", "1500Mi"} << "--memory-limit";
        QTest::newRow("milli-bytes of memory") << QStringList{"", "", "512m", ""} << "--memory-request";
        QTest::newRow("a memory unit for CPUs") << QStringList{"", "1Gi", "", ""} << "--cpu-limit";
        QTest::newRow("a memory limit too small to start") << QStringList{"", "", "", "1Mi"} << "--memory-limit";
    }

    void refusalsSayTheRange_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<QStringList>("given"); // cpu request, cpu limit, memory request, memory limit
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("message");
        const QString cpus = "is out of range: a pod's CPUs must be in [1m, 4096] cores (no node has more than 4096)";
        QTest::newRow("cpu request of 1e30") << 1 << QStringList{"1e30", "", "", ""} << "--cpu-request"
                                             << "'1e30' " + cpus;
        QTest::newRow("cpu limit above 4096") << 1 << QStringList{"", "4097", "", ""} << "--cpu-limit" << "'4097' " + cpus;
        QTest::newRow("cpu request in exa-cores") << 1 << QStringList{"1E", "", "", ""} << "--cpu-request" << "'1E' " + cpus;
        QTest::newRow("cpu below a millicore") << 1 << QStringList{"", "500u", "", ""} << "--cpu-limit" << "'500u' " + cpus;
        QTest::newRow("memory request above 64Ti")
            << 1 << QStringList{"", "", "65Ti", ""} << "--memory-request"
            << "'65Ti' is out of range: a pod's memory must be in [64Mi, 64Ti] (no node has more than 64Ti)";
        QTest::newRow("memory limit of 1e30")
            << 1 << QStringList{"", "", "", "1e30"} << "--memory-limit"
            << "'1e30' is out of range: a pod's memory must be in [64Mi, 64Ti] (no node has more than 64Ti)";
        QTest::newRow("memory range follows threads")
            << 4 << QStringList{"", "", "", "1Ei"} << "--memory-limit"
            << "'1Ei' is out of range: a pod's memory must be in [256Mi, 64Ti] (no node has more than 64Ti)";
        // Zero is no quantity for either; the message still gives the range.
        QTest::newRow("cpu request of 0")
            << 1 << QStringList{"0", "", "", ""} << "--cpu-request"
            << "'0' is not a positive Kubernetes quantity: CPUs are given as cores (2) or millicores (500m), in [1m, 4096]";
        QTest::newRow("memory request of 0 with threads")
            << 2 << QStringList{"", "", "0", ""} << "--memory-request"
            << "'0' is not a positive Kubernetes quantity: memory is given as 1536Mi or 2Gi, in [128Mi, 64Ti]";
        // Each thread runs a point, a simulation of its own, in the one pod's memory.
        QTest::newRow("memory request below 64Mi per thread")
            << 4 << QStringList{"", "", "200Mi", ""} << "--memory-request"
            << "'200Mi' is less than the 256Mi that --jobs-per-pod 4 needs: the pod runs 4 sweep points at once, each its "
               "own simulation needing at least 64Mi";
        QTest::newRow("memory limit below 64Mi per thread")
            << 2 << QStringList{"", "", "", "100Mi"} << "--memory-limit"
            << "'100Mi' is less than the 128Mi that --jobs-per-pod 2 needs: the pod runs 2 sweep points at once, each its "
               "own simulation needing at least 64Mi";
        QTest::newRow("milli-bytes with threads keep the hint")
            << 2 << QStringList{"", "", "", "512m"} << "--memory-limit"
            << "'512m' is less than the 128Mi that --jobs-per-pod 2 needs: the pod runs 2 sweep points at once, each its "
               "own simulation needing at least 64Mi (m means thousandths of a byte: 512Mi is mebibytes)";
    }

    void refusalsSayTheRange()
    {
        QFETCH(int, threads);
        QFETCH(QStringList, given);
        QFETCH(QString, option);
        QFETCH(QString, message);
        const auto o = withResources(threads, given);
        auto scenario = kvroute::sim::builtinScenario("default");
        QVERIFY(scenario);
        const auto yaml = renderSweepJob(*scenario, kvroute::sim::SweepGrid{{{"cluster.pods", {"2", "3"}}}, 1}, o);
        QVERIFY(!yaml);
        QCOMPARE(QString::fromStdString(yaml.error().where), option);
        QCOMPARE(QString::fromStdString(yaml.error().message), message);
    }

    void fsGroupMakesTheClaimWritable()
    {
        auto o = options();
        o.fsGroup = 65532;
        const auto pod = podSpec(render(o));
        QCOMPARE(pod["securityContext"]["fsGroup"].as<std::int64_t>(), std::int64_t{65532});
        QCOMPARE(str(pod["securityContext"]["fsGroupChangePolicy"]), std::string("OnRootMismatch"));
        o.fsGroup = -1;
        auto scenario = kvroute::sim::builtinScenario("default");
        QVERIFY(scenario);
        const auto bad = renderSweepJob(*scenario, kvroute::sim::SweepGrid{{{"cluster.pods", {"2", "3"}}}, 1}, o);
        QVERIFY(!bad);
        QCOMPARE(QString::fromStdString(bad.error().where), QString("--fs-group"));
    }

    void milliBytesOfMemoryGetAHint()
    {
        auto o = options();
        o.memoryLimit = "2048m";
        auto scenario = kvroute::sim::builtinScenario("default");
        QVERIFY(scenario);
        const auto yaml = renderSweepJob(*scenario, kvroute::sim::SweepGrid{{{"cluster.pods", {"2", "3"}}}, 1}, o);
        QVERIFY(!yaml);
        QCOMPARE(QString::fromStdString(yaml.error().message),
                 QString("'2048m' is less than the 64Mi a sweep worker needs (m means thousandths of a byte: 2048Mi is "
                         "mebibytes)"));
    }

    void badResourcesNameTheOption()
    {
        QFETCH(QStringList, given);
        QFETCH(QString, option);
        auto o = options();
        o.cpuRequest = given[0].toStdString();
        o.cpuLimit = given[1].toStdString();
        o.memoryRequest = given[2].toStdString();
        o.memoryLimit = given[3].toStdString();
        auto scenario = kvroute::sim::builtinScenario("default");
        QVERIFY(scenario);
        const auto yaml = renderSweepJob(*scenario, kvroute::sim::SweepGrid{{{"cluster.pods", {"2", "3"}}}, 1}, o);
        QVERIFY(!yaml);
        QCOMPARE(QString::fromStdString(yaml.error().where), option);
    }

    void quantities()
    {
        using kvroute::cluster::resourceQuantity;
        QCOMPARE(resourceQuantity("250m").value_or(-1), 0.25);
        QCOMPARE(resourceQuantity("2").value_or(-1), 2.0);
        QCOMPARE(resourceQuantity("1.5").value_or(-1), 1.5);
        QCOMPARE(resourceQuantity("1Gi").value_or(-1), 1073741824.0);
        QCOMPARE(resourceQuantity("1G").value_or(-1), 1e9);
        QCOMPARE(resourceQuantity("1e3").value_or(-1), 1000.0);
        const std::string huge(400, '9');
        for (const std::string& bad : {std::string(), std::string("m"), std::string("1gi"), std::string("1 Gi"),
                                       std::string("-1"), std::string("0"), std::string("0m"), std::string("1.2.3"),
                                       std::string("1Qi"), std::string("1e999"), huge, "1e" + huge})
            QVERIFY2(!resourceQuantity(bad), bad.c_str());
    }

    void sharedClaimMustBeReadWriteMany()
    {
        auto o = options();
        o.pvc = "sweep-results";
        QVERIFY(render(o).find("must be ReadWriteMany") != std::string::npos);
        o.parallelism = 1;
        QVERIFY(render(o).find("ReadWriteMany") == std::string::npos);
    }

    void renderedJobsPassTheSchemas()
    {
        if (!QFileInfo::exists(kValidator))
            QSKIP("../shared/schemas/validate.py is not there");
        if (QProcess::execute(QStringLiteral("python3"), {"-c", "import yaml, jsonschema"}) != 0)
            QSKIP("python3-yaml / python3-jsonschema missing");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto write = [&](const QString& name, const std::string& text) {
            std::ofstream(dir.filePath(name).toStdString()) << text;
        };
        auto o = options();
        write("defaults.yaml", render(o));
        o.pvc = "sweep-results";
        o.ns = "sweeps";
        o.threadsPerPod = 3;
        o.cpuRequest = "2500m";
        o.memoryLimit = "6Gi";
        write("pvc.yaml", render(o));

        const auto validate = [&](const QStringList& files) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral("python3"), QStringList{kValidator} + files);
            if (!p.waitForFinished(60000)) {
                p.kill(); // our own child, by its handle
                p.waitForFinished();
            }
            return std::pair{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAll())};
        };
        const auto [code, output] = validate({dir.filePath("defaults.yaml"), dir.filePath("pvc.yaml")});
        QVERIFY2(code == 0 && output.contains(QStringLiteral("4 valid, 0 invalid")), qPrintable(output));

        // The check can fail: a field the Job schema does not have is refused.
        auto broken = render(options());
        const std::string marker = "readOnlyRootFilesystem: true";
        QVERIFY(broken.find(marker) != std::string::npos);
        broken.replace(broken.find(marker), marker.size(), "readOnlyRootFileSystem: true");
        write("broken.yaml", broken);
        const auto [brokenCode, brokenOutput] = validate({dir.filePath("broken.yaml")});
        QVERIFY2(brokenCode == 1 && brokenOutput.contains(QStringLiteral("readOnlyRootFileSystem")), qPrintable(brokenOutput));
    }
};

QTEST_GUILESS_MAIN(SweepJobTest)
#include "tst_sweep_job.moc"
