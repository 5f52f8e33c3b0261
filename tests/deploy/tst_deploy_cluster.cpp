// `kvroute deploy apply|status|delete DIR` against a recording fake kubectl/oc
// (fake_kubectl.py, its canned replies in fake_kubectl.json): the exact argument vectors kvroute
// runs, in order; which tool it picks; and what it says and returns for each failure (no
// configuration, refused, unauthorized, denied, forbidden, unknown kinds, a rollout that times out
// or hangs). No API server is involved. The rendered directories are written here, by hand, in
// the marker format cluster/deploy/render_output.cpp writes.

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Call {
    QString tool;
    QStringList argv;
    QString stdinText;
};

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    QList<Call> calls;
    qint64 elapsedMs = 0;
};

const char* const kStatefulSet = R"(# the vLLM pods
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: demo-vllm
  labels: {app.kubernetes.io/managed-by: kvroute, kvroute.io/scenario: demo}
spec:
  replicas: 2
  selector:
    matchLabels: {app: demo-vllm}
  template:
    metadata:
      labels: {app: demo-vllm, kvroute.io/scenario: demo}
    spec:
      containers: [{name: vllm, image: "vllm/vllm-openai:v0.10.0"}]
---
apiVersion: v1
kind: Service
metadata:
  name: demo-vllm
spec:
  selector: {app: demo-vllm}
  ports: [{port: 8000}]
)";

// The EPP's pods do not carry the scenario label here: status must find them by its selector.
const char* const kEppDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo-epp
spec:
  selector:
    matchLabels:
      app: demo-epp
  template:
    metadata:
      labels:
        app: demo-epp
    spec:
      containers:
      - name: epp
        image: ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.1
)";

const char* const kTektonTask = R"(apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: demo-task
spec:
  steps: [{name: gate, image: "localhost/kvroute:latest"}]
)";

} // namespace

class DeployClusterTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_python;

    QString path(const QString& relative) const { return m_tmp.filePath(relative); }

    static void write(const QString& file, const QByteArray& text)
    {
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile f(file);
        QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file));
        f.write(text);
    }

    /// A `name` in `dir` that runs the fake as `tool` without needing PATH (absolute interpreter).
    void wrapper(const QString& dir, const QString& name, const QString& tool)
    {
        const QString script = QStringLiteral(KVROUTE_SOURCE_DIR "/tests/deploy/fake_kubectl.py");
        const QString file = path(dir + "/" + name);
        write(file, QStringLiteral("#!/bin/sh\nFAKE_KUBECTL_TOOL=%1 exec '%2' '%3' \"$@\"\n")
                        .arg(tool, m_python, script)
                        .toUtf8());
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    QString marker(const QString& target, const QStringList& files) const
    {
        QString m = QStringLiteral("# Written by kvroute deploy render; kvroute deploy apply, status and delete read it.\n"
                                   "scenario: \"demo\"\nnamespace: \"llm-d\"\ntarget: %1\nfiles:\n")
                        .arg(target);
        for (const auto& f : files)
            m += QStringLiteral("- \"%1\"\n").arg(f);
        return m;
    }

    /// Runs kvroute with PATH = `binDir` only (the fake, nothing else) and reads the fake's log.
    Run run(const QStringList& args, const QString& scenario = QStringLiteral("ok"),
            const QString& binDir = QStringLiteral("bin-both"))
    {
        const QString log = path(QStringLiteral("calls.jsonl"));
        QFile::remove(log);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PATH"), path(binDir));
        env.insert(QStringLiteral("FAKE_KUBECTL_LOG"), log);
        env.insert(QStringLiteral("FAKE_KUBECTL_SCENARIO"), scenario);
        env.insert(QStringLiteral("FAKE_KUBECTL_SCENARIOS"), QStringLiteral(KVROUTE_SOURCE_DIR "/tests/deploy/fake_kubectl.json"));
        env.remove(QStringLiteral("KUBECONFIG"));
        p.setProcessEnvironment(env);
        p.setProgram(qEnvironmentVariable("KVROUTE_BIN"));
        p.setArguments(args);
        QElapsedTimer timer;
        timer.start();
        p.start();
        Run r;
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.elapsedMs = timer.elapsed();
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        QFile f(log);
        if (f.open(QIODevice::ReadOnly))
            for (const auto& line : f.readAll().split('\n')) {
                if (line.trimmed().isEmpty())
                    continue;
                const auto o = QJsonDocument::fromJson(line).object();
                Call c{o.value(QStringLiteral("tool")).toString(), {}, o.value(QStringLiteral("stdin")).toString()};
                for (const auto& a : o.value(QStringLiteral("argv")).toArray())
                    c.argv << a.toString();
                r.calls << c;
            }
        return r;
    }

    static QString describe(const Run& r)
    {
        QString s = QStringLiteral("exit %1\n--- stdout\n%2--- stderr\n%3--- calls\n").arg(r.exitCode).arg(r.out, r.err);
        for (const auto& c : r.calls)
            s += c.tool + " " + c.argv.join(' ') + "\n";
        return s;
    }

    static QStringList words(const char* text) { return QString::fromUtf8(text).split(' ', Qt::SkipEmptyParts); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(QFileInfo(qEnvironmentVariable("KVROUTE_BIN")).isExecutable(), "KVROUTE_BIN is not set");
        // The fake runs with PATH holding only fake tools: call its interpreter by its real path.
        QProcess py;
        py.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import sys; print(sys.executable)")});
        QVERIFY2(py.waitForFinished(20000) && py.exitCode() == 0, "python3 is needed for the fake kubectl");
        m_python = QString::fromUtf8(py.readAllStandardOutput()).trimmed();
        QVERIFY(QFileInfo(m_python).isExecutable());

        wrapper(QStringLiteral("bin-both"), QStringLiteral("kubectl"), QStringLiteral("kubectl"));
        wrapper(QStringLiteral("bin-both"), QStringLiteral("oc"), QStringLiteral("oc"));
        wrapper(QStringLiteral("bin-kubectl"), QStringLiteral("kubectl"), QStringLiteral("kubectl"));
        wrapper(QStringLiteral("bin-oc"), QStringLiteral("oc"), QStringLiteral("oc"));
        wrapper(QStringLiteral("bin-custom"), QStringLiteral("mykube"), QStringLiteral("custom"));
        QVERIFY(QDir().mkpath(path(QStringLiteral("bin-none"))));

        // rendered/: two workloads, a Service, and a Tekton Task one level down (so -R).
        const QStringList files{QStringLiteral("10-vllm-statefulset.yaml"), QStringLiteral("32-epp-deployment.yaml"),
                                QStringLiteral("tekton/70-task.yaml")};
        for (const QString& dir : {QStringLiteral("rendered"), QStringLiteral("rendered-ocp")}) {
            write(path(dir + "/.kvroute-render"),
                  marker(dir == QStringLiteral("rendered") ? QStringLiteral("kubernetes") : QStringLiteral("openshift"), files)
                      .toUtf8());
            write(path(dir + "/10-vllm-statefulset.yaml"), kStatefulSet);
            write(path(dir + "/32-epp-deployment.yaml"), kEppDeployment);
            write(path(dir + "/tekton/70-task.yaml"), kTektonTask);
        }
        write(path(QStringLiteral("flat/.kvroute-render")), marker(QStringLiteral("kubernetes"), {QStringLiteral("10-vllm.yaml")}).toUtf8());
        write(path(QStringLiteral("flat/10-vllm.yaml")), kStatefulSet);
        // Not applicable: no marker; a marker but no YAML; a marker listing a file that is gone.
        write(path(QStringLiteral("no-marker/10-vllm.yaml")), kStatefulSet);
        write(path(QStringLiteral("no-yaml/.kvroute-render")), marker(QStringLiteral("kubernetes"), {}).toUtf8());
        write(path(QStringLiteral("no-yaml/README.txt")), "not a manifest\n");
        write(path(QStringLiteral("incomplete/.kvroute-render")),
              marker(QStringLiteral("kubernetes"), {QStringLiteral("10-vllm.yaml"), QStringLiteral("20-service.yaml")}).toUtf8());
        write(path(QStringLiteral("incomplete/10-vllm.yaml")), kStatefulSet);
    }

    void applyRunsTheseCommandsInOrder_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QStringList>("scope"); // what every namespaced command ends with
        QTest::addColumn<QStringList>("contextOnly");
        QTest::newRow("marker's namespace, --context") << QStringList{"--context", "ctx1", "--timeout", "120"}
                                                      << QStringList{"-n", "llm-d", "--context", "ctx1"}
                                                      << QStringList{"--context", "ctx1"};
        QTest::newRow("--namespace, current context") << QStringList{"-n", "team-a", "--timeout", "120"}
                                                      << QStringList{"-n", "team-a"} << QStringList{};
    }

    void applyRunsTheseCommandsInOrder()
    {
        QFETCH(QStringList, extra);
        QFETCH(QStringList, scope);
        QFETCH(QStringList, contextOnly);
        const QString dir = path(QStringLiteral("rendered"));
        const Run r = run(QStringList{"deploy", "apply", dir} + extra);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.calls.size(), 6);
        QCOMPARE(r.calls[0].argv, words("version --request-timeout=10s") + contextOnly);
        QCOMPARE(r.calls[1].argv, words("auth can-i create deployments") + scope);
        QCOMPARE(r.calls[2].argv, words("auth can-i create statefulsets") + scope);
        QCOMPARE(r.calls[3].argv, words("apply --server-side --field-manager=kvroute -f") + (QStringList{dir, "-R"}) + scope);
        // Rollouts in the files' order, sharing one --timeout budget.
        QCOMPARE(r.calls[4].argv, words("rollout status statefulset/demo-vllm --timeout=120s") + scope);
        QCOMPARE(r.calls[5].argv.mid(0, 3), words("rollout status deployment/demo-epp"));
        QVERIFY2(QRegularExpression(QStringLiteral("^--timeout=1(1[0-9]|20)s$")).match(r.calls[5].argv[3]).hasMatch(),
                 qPrintable(r.calls[5].argv[3]));
        QCOMPARE(r.calls[5].argv.mid(4), scope);
        for (const auto& c : r.calls) {
            QCOMPARE(c.tool, QStringLiteral("kubectl"));
            QCOMPARE(c.stdinText, QString()); // stdin is /dev/null: nothing can prompt
        }
        QVERIFY2(r.out.contains(QStringLiteral("statefulset.apps/demo-vllm serverside-applied")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("waiting for statefulset/demo-vllm (1/2")));
        QVERIFY(r.out.contains(QStringLiteral("statefulset/demo-vllm successfully rolled out")));
        QVERIFY(r.out.contains(QStringLiteral("deployment/demo-epp ready")));
        QVERIFY(r.out.contains(QStringLiteral("2 workload(s) rolled out")));
    }

    void applyFailures_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("says");
        QTest::addColumn<QStringList>("neverSays");
        QTest::addColumn<QString>("lastCall"); // the fake's last invocation: nothing after it ran
        QTest::addColumn<int>("calls");
        QTest::newRow("no kubeconfig")
            << "unreachable"
            << QStringList{"no cluster reachable", "has no configuration", "oc login", "kubectl config use-context",
                           "The connection to the server localhost:8080 was refused"}
            << QStringList{"refused the connection", "Client Version"} << "version --request-timeout=10s" << 1;
        QTest::newRow("API server refuses")
            << "refused"
            << QStringList{"no cluster reachable", "(api.crc.testing:6443) refused the connection", "oc login",
                           "kubectl config use-context"}
            << QStringList{"no configuration"} << "version --request-timeout=10s" << 1;
        QTest::newRow("expired login")
            << "unauthorized" << QStringList{"rejected your credentials (Unauthorized)", "oc login", "Bearer ***"}
            << QStringList{"SECRETTOKEN123"} << "version --request-timeout=10s" << 1;
        QTest::newRow("can-i says no")
            << "denied" << QStringList{"access denied: your account may not create deployments in namespace llm-d"}
            << QStringList{} << "auth can-i create deployments -n llm-d" << 2;
        QTest::newRow("apply forbidden")
            << "forbidden"
            << QStringList{"access denied: your account (dev) may not create deployments.apps in namespace llm-d",
                           "Error from server (Forbidden)"}
            << QStringList{"rollout"} << "apply --server-side" << 4;
        QTest::newRow("no such namespace")
            << "no-namespace"
            << QStringList{"the namespace llm-d does not exist: create it with `oc new-project llm-d` or "
                           "`kubectl create namespace llm-d`"}
            << QStringList{"rollout"} << "apply --server-side" << 4;
        QTest::newRow("kind without its CRD")
            << "missing-crd"
            << QStringList{"Task (tekton.dev/v1): install Tekton Pipelines", "2 workload(s) rolled out",
                           "waiting for the workloads anyway"}
            << QStringList{} << "rollout status deployment/demo-epp" << 6;
        QTest::newRow("rollout times out")
            << "rollout-timeout"
            << QStringList{"statefulset/demo-vllm did not become ready within 600 s", "kvroute deploy status",
                           "1 more workload(s) not waited for", "timed out waiting for the condition",
                           "last progress: Waiting for 1 pods to be ready"}
            << QStringList{"was killed"} << "rollout status statefulset/demo-vllm --timeout=600s" << 5;
    }

    void applyFailures()
    {
        QFETCH(QString, scenario);
        QFETCH(QStringList, says);
        QFETCH(QStringList, neverSays);
        QFETCH(QString, lastCall);
        QFETCH(int, calls);
        const Run r = run({"deploy", "apply", path(QStringLiteral("rendered"))}, scenario);
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        for (const auto& s : says)
            QVERIFY2(r.err.contains(s) || r.out.contains(s), qPrintable(s + "\n" + describe(r)));
        for (const auto& s : neverSays)
            QVERIFY2(!r.err.contains(s) && !r.out.contains(s), qPrintable(s + "\n" + describe(r)));
        QVERIFY2(r.err.startsWith(QStringLiteral("kvroute: ")), qPrintable(r.err));
        QCOMPARE(r.calls.size(), calls);
        QVERIFY2(r.calls.last().argv.join(' ').startsWith(lastCall), qPrintable(describe(r)));
    }

    void hungRolloutIsKilledAtTheDeadline()
    {
        // The fake sleeps 60 s in `rollout status` whatever its --timeout: kvroute kills it
        // (--timeout 1 plus its 3 s grace) and says which workload did not come up.
        const Run r = run({"deploy", "apply", path(QStringLiteral("rendered")), "--timeout", "1"},
                          QStringLiteral("rollout-hang"));
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("statefulset/demo-vllm did not become ready within 1 s (kubectl was killed)")),
                 qPrintable(describe(r)));
        QVERIFY(r.err.contains(QStringLiteral("kvroute deploy status")));
        QVERIFY(r.err.contains(QStringLiteral("last progress: Waiting for 2 pods to be ready")));
        QCOMPARE(r.calls.size(), 5);
        QCOMPARE(r.calls.last().argv.mid(0, 4), words("rollout status statefulset/demo-vllm --timeout=1s"));
        QVERIFY2(r.elapsedMs >= 3500 && r.elapsedMs < 15000, qPrintable(QString::number(r.elapsedMs)));
    }

    void toolChoice_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("bin");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("tool"); // of every call; empty: no call
        QTest::addColumn<QString>("says");
        QTest::newRow("kubernetes: kubectl") << "rendered" << "bin-both" << QStringList{} << 0 << "kubectl" << "";
        QTest::newRow("openshift: oc") << "rendered-ocp" << "bin-both" << QStringList{} << 0 << "oc" << "";
        QTest::newRow("only oc on PATH") << "rendered" << "bin-oc" << QStringList{} << 0 << "oc"
                                         << "kubectl is not on PATH: using oc";
        QTest::newRow("openshift, only kubectl") << "rendered-ocp" << "bin-kubectl" << QStringList{} << 0 << "kubectl"
                                                 << "the manifests target OpenShift but oc is not on PATH: using kubectl";
        QTest::newRow("neither") << "rendered" << "bin-none" << QStringList{} << 2 << ""
                                 << "neither oc nor kubectl is on PATH";
        QTest::newRow("--kubectl PATH") << "rendered-ocp" << "bin-none"
                                        << QStringList{"--kubectl", path(QStringLiteral("bin-custom/mykube"))} << 0
                                        << "custom" << "";
        QTest::newRow("--kubectl missing") << "rendered" << "bin-both"
                                           << QStringList{"--kubectl", path(QStringLiteral("bin-none/kubectl"))} << 2
                                           << "" << "bin-none/kubectl: not found";
    }

    void toolChoice()
    {
        QFETCH(QString, dir);
        QFETCH(QString, bin);
        QFETCH(QStringList, extra);
        QFETCH(int, exitCode);
        QFETCH(QString, tool);
        QFETCH(QString, says);
        const Run r = run(QStringList{"deploy", "status", path(dir)} + extra, QStringLiteral("ok"), bin);
        QVERIFY2(r.exitCode == exitCode, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(says), qPrintable(describe(r)));
        if (exitCode == 2 && says.startsWith(QStringLiteral("neither")))
            QVERIFY(r.err.contains(QStringLiteral("--kubectl PATH")));
        QCOMPARE(r.calls.isEmpty(), tool.isEmpty());
        for (const auto& c : r.calls)
            QCOMPARE(c.tool, tool);
    }

    void refusesWhatKvrouteDidNotRender_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("says");
        QTest::newRow("apply, no marker") << "apply" << "no-marker" << "not rendered by kvroute: there is no .kvroute-render";
        QTest::newRow("delete, no marker") << "delete" << "no-marker" << "not rendered by kvroute";
        QTest::newRow("apply, no YAML") << "apply" << "no-yaml" << "no YAML manifests";
        QTest::newRow("apply, a listed file gone") << "apply" << "incomplete" << "20-service.yaml (listed in .kvroute-render) is missing";
        QTest::newRow("status, not a directory") << "status" << "nowhere" << "not a directory";
    }

    void refusesWhatKvrouteDidNotRender()
    {
        QFETCH(QString, command);
        QFETCH(QString, dir);
        QFETCH(QString, says);
        const Run r = run({"deploy", command, path(dir)});
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(says), qPrintable(describe(r)));
        QVERIFY(r.calls.isEmpty());
    }

    void statusTable()
    {
        const Run r = run({"deploy", "status", path(QStringLiteral("rendered"))});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.calls.size(), 3);
        QCOMPARE(r.calls[0].argv,
                 words("get statefulset/demo-vllm deployment/demo-epp -o json --ignore-not-found -n llm-d"));
        QCOMPARE(r.calls[1].argv, words("get pods -l kvroute.io/scenario=demo -o json -n llm-d"));
        QCOMPARE(r.calls[2].argv, words("get pods -l app=demo-epp -o json -n llm-d"));
        const auto line = [&](const char* pattern) {
            return QRegularExpression(QString::fromUtf8(pattern), QRegularExpression::MultilineOption).match(r.out).hasMatch();
        };
        QVERIFY2(line(R"(^statefulset/demo-vllm\s+1/2\s+2\s+1$)"), qPrintable(r.out));
        QVERIFY2(line(R"(^deployment/demo-epp\s+1/1\s+1\s+1$)"), qPrintable(r.out));
        QVERIFY2(line(R"(^POD\s+PHASE\s+READY\s+RESTARTS\s+AGE\s+NODE\s+WORKLOAD$)"), qPrintable(r.out));
        QVERIFY2(line(R"(^demo-vllm-0\s+Running\s+1/1\s+0\s+\d+d\s+worker-1\s+statefulset/demo-vllm$)"), qPrintable(r.out));
        QVERIFY2(line(R"(^demo-vllm-1\s+Running \(CrashLoopBackOff\)\s+0/1\s+5\s+\d+d\s+worker-2\s+statefulset/demo-vllm$)"),
                 qPrintable(r.out));
        QVERIFY2(line(R"(^demo-epp-5d9c7-abcde\s+Running\s+1/1\s+0\s+\d+d\s+worker-1\s+deployment/demo-epp$)"),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("2 of 3 pods ready; not all workloads ready")));
    }

    void statusJson()
    {
        const Run r = run({"deploy", "status", path(QStringLiteral("rendered")), "--json", "--namespace", "team-a"});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        for (const auto& c : r.calls)
            QCOMPARE(c.argv.mid(c.argv.size() - 2), (QStringList{"-n", "team-a"}));
        QJsonParseError error{};
        const auto j = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
        QCOMPARE(j.value("scenario").toString(), QStringLiteral("demo"));
        QCOMPARE(j.value("namespace").toString(), QStringLiteral("team-a"));
        QCOMPARE(j.value("all_ready").toBool(true), false);
        const auto workloads = j.value("workloads").toArray();
        QCOMPARE(workloads.size(), 2);
        QCOMPARE(workloads[0].toObject().value("name").toString(), QStringLiteral("demo-vllm"));
        QCOMPARE(workloads[0].toObject().value("replicas").toInt(), 2);
        QCOMPARE(workloads[0].toObject().value("ready_replicas").toInt(), 1);
        QCOMPARE(workloads[0].toObject().value("ready").toBool(true), false);
        QCOMPARE(workloads[1].toObject().value("ready").toBool(false), true);
        const auto pods = j.value("pods").toArray();
        QCOMPARE(pods.size(), 3);
        const auto crashing = pods[2].toObject();
        QCOMPARE(crashing.value("name").toString(), QStringLiteral("demo-vllm-1"));
        QCOMPARE(crashing.value("phase").toString(), QStringLiteral("Running"));
        QCOMPARE(crashing.value("reason").toString(), QStringLiteral("CrashLoopBackOff"));
        QCOMPARE(crashing.value("ready_containers").toInt(), 0);
        QCOMPARE(crashing.value("containers").toInt(), 1);
        QCOMPARE(crashing.value("restarts").toInt(), 5);
        QCOMPARE(crashing.value("ready").toBool(true), false);
        QCOMPARE(crashing.value("node").toString(), QStringLiteral("worker-2"));
        QCOMPARE(crashing.value("namespace").toString(), QStringLiteral("team-a"));
        QCOMPARE(crashing.value("workload").toString(), QStringLiteral("statefulset/demo-vllm"));
        QCOMPARE(pods[1].toObject().value("ready").toBool(false), true);
        // Created 2020-01-01T00:00:00Z (fake_kubectl.json): the age by Qt's clock, and kubectl's
        // notation for ages past 8 days (whole days).
        const qint64 expected = QDateTime(QDate(2020, 1, 1), QTime(0, 0), Qt::UTC).secsTo(QDateTime::currentDateTimeUtc());
        const qint64 age = static_cast<qint64>(crashing.value("age_seconds").toDouble());
        QVERIFY2(qAbs(age - expected) <= 60, qPrintable(QString::number(age) + " vs " + QString::number(expected)));
        QCOMPARE(crashing.value("age").toString(), QString::number(age / 86400) + "d");
    }

    void statusFailures_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("says");
        QTest::newRow("no kubeconfig") << "unreachable" << "no cluster reachable: kubectl has no configuration";
        QTest::newRow("forbidden") << "forbidden" << "access denied: your account (dev) may not list pods in namespace llm-d";
    }

    void statusFailures()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, says);
        const Run r = run({"deploy", "status", path(QStringLiteral("rendered")), "--json"}, scenario);
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(says), qPrintable(describe(r)));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out)); // no half a JSON document for a script to read
    }

    void deleteCommands_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QStringList>("argv");
        QTest::newRow("nested, --timeout 90")
            << "rendered" << QStringList{"--timeout", "90", "--context", "ctx1"}
            << (QStringList{"delete", "-f", path(QStringLiteral("rendered")), "-R", "--ignore-not-found", "--wait=true",
                            "--timeout=90s", "-n", "llm-d", "--context", "ctx1"});
        QTest::newRow("flat, default timeout")
            << "flat" << QStringList{}
            << (QStringList{"delete", "-f", path(QStringLiteral("flat")), "--ignore-not-found", "--wait=true",
                            "--timeout=600s", "-n", "llm-d"});
    }

    void deleteCommands()
    {
        QFETCH(QString, dir);
        QFETCH(QStringList, extra);
        QFETCH(QStringList, argv);
        const Run r = run(QStringList{"deploy", "delete", path(dir)} + extra);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.calls.size(), 1);
        QCOMPARE(r.calls[0].argv, argv);
        QVERIFY(r.out.contains(QStringLiteral("statefulset.apps \"demo-vllm\" deleted")));
        QVERIFY(r.out.contains(QStringLiteral("deployment.apps \"demo-epp\" deleted")));
        QVERIFY(r.out.contains(QStringLiteral("deleted 3 object(s)")));
    }

    void deleteFailures()
    {
        // Objects of a kind the cluster does not know cannot exist: not an error for delete.
        Run r = run({"deploy", "delete", path(QStringLiteral("rendered"))}, QStringLiteral("missing-crd"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("skipped (the cluster does not know this kind")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("no matches for kind \"Task\" in version \"tekton.dev/v1\"")));
        QVERIFY(r.out.contains(QStringLiteral("deleted 3 object(s)")));

        r = run({"deploy", "delete", path(QStringLiteral("rendered"))}, QStringLiteral("refused"));
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY(r.err.contains(QStringLiteral("(api.crc.testing:6443) refused the connection")));
    }
};

QTEST_GUILESS_MAIN(DeployClusterTest)
#include "tst_deploy_cluster.moc"
