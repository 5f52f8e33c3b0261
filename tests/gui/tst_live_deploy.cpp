// The Live tab's "OpenShift / Kubernetes" target against a recording fake `oc`/`kubectl`
// (tests/deploy/fake_kubectl.py, first on PATH): no API server can run here. The form lists the
// kubeconfig's contexts, renders the editor's scenario (`default`: a Service with ClientIP
// affinity) into a folder and previews it, applies it with the exact commands of `kvroute deploy
// apply` (recorded argv) and shows the rollout's progress, fills the pod table (a CrashLoopBackOff
// pod with 5 restarts), refreshes it only while shown, stops a rollout wait and its command at
// once, and shows the library's messages inline for an unreachable cluster, a forbidden namespace
// and no tool on PATH. Throughout, a 50 ms timer checks that the event loop never stands still for 500 ms.
// Canned replies: tests/deploy/fake_kubectl.json (shared with tst_deploy_cluster) and
// tst_live_deploy_kubectl.json here (contexts, the `default` scenario's own objects, a slow
// rollout). Set KVROUTE_LIVE_DEPLOY_PNG to keep a screenshot of the tab.

#include "app/gui/live/live_charts_view.h"
#include "app/gui/live/live_deploy_form.h"
#include "app/gui/live/live_panel.h"
#include "app/gui/live/live_target_form.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QtTest>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableWidget>

#include <memory>

using namespace kvroute;
using app::LiveDeployForm;

namespace {

const QString kSharedReplies = QStringLiteral(KVROUTE_SOURCE_DIR "/tests/deploy/fake_kubectl.json");
const QString kGuiReplies = QStringLiteral(KVROUTE_SOURCE_DIR "/tests/gui/tst_live_deploy_kubectl.json");

/// The largest gap between ticks of a 50 ms timer: how long the event loop stood still.
class StallMeter final : public QObject {
public:
    StallMeter()
    {
        m_clock.start();
        m_timer.setInterval(50);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { m_maxGapMs = std::max(m_maxGapMs, m_clock.restart()); });
        m_timer.start();
    }
    void reset()
    {
        m_maxGapMs = 0;
        m_clock.restart();
    }
    [[nodiscard]] qint64 maxGapMs() const { return m_maxGapMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_maxGapMs = 0;
};

struct Call {
    QString tool;
    QStringList argv;
};

} // namespace

class LiveDeployTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_originalPath;
    std::unique_ptr<app::LivePanel> m_panel;
    LiveDeployForm* m_form = nullptr;
    std::unique_ptr<StallMeter> m_stall;
    qint64 m_worstGapMs = 0;

    QString path(const QString& relative) const { return m_tmp.filePath(relative); }
    QString outDir() const { return path(QStringLiteral("out")); }
    QString log() const { return path(QStringLiteral("calls.jsonl")); }
    app::LiveDeployController* controller() const { return m_form->controller(); }

    template <typename T>
    T* child(const char* name) const
    {
        auto* widget = m_panel->findChild<T*>(QLatin1String(name));
        if (!widget)
            qFatal("no widget %s", name);
        return widget;
    }

    /// A `name` in `dir` that runs the fake as `tool` (the interpreter by its absolute path).
    void wrapper(const QString& dir, const QString& name, const QString& python)
    {
        QVERIFY(QDir().mkpath(path(dir)));
        const QString file = path(dir + "/" + name);
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QStringLiteral("#!/bin/sh\nFAKE_KUBECTL_TOOL=%1 exec '%2' '%3' \"$@\"\n")
                    .arg(name, python, QStringLiteral(KVROUTE_SOURCE_DIR "/tests/deploy/fake_kubectl.py"))
                    .toUtf8());
        f.close();
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    /// Switches the fake's replies; only while nothing runs, so no job spawns a child mid-change
    /// and the log holds only the commands of what the test does next.
    void useReplies(const QString& file, const QString& scenario, const QString& binDir = QStringLiteral("bin"))
    {
        controller()->stopStatusWatch();
        QTRY_VERIFY_WITH_TIMEOUT(controller()->idle(), 10000);
        qputenv("FAKE_KUBECTL_SCENARIOS", file.toUtf8());
        qputenv("FAKE_KUBECTL_SCENARIO", scenario.toUtf8());
        qputenv("PATH", (path(binDir) + QLatin1Char(':') + m_originalPath).toUtf8());
        QFile::remove(log());
    }

    QList<Call> calls() const
    {
        QList<Call> out;
        QFile f(log());
        if (!f.open(QIODevice::ReadOnly))
            return out;
        for (const QByteArray& line : f.readAll().split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            Call c{o.value(QStringLiteral("tool")).toString(), {}};
            for (const auto& a : o.value(QStringLiteral("argv")).toArray())
                c.argv << a.toString();
            out << c;
        }
        return out;
    }

    static QString describe(const QList<Call>& calls)
    {
        QString s;
        for (const auto& c : calls)
            s += c.tool + " " + c.argv.join(' ') + "\n";
        return s;
    }

    void render()
    {
        QSignalSpy rendered(controller(), &app::LiveDeployController::rendered);
        QTest::mouseClick(child<QPushButton>("deployRender"), Qt::LeftButton);
        QVERIFY2(rendered.wait(10000), qPrintable(m_form->errorText()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_originalPath = qEnvironmentVariable("PATH");
        QProcess py;
        py.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import sys; print(sys.executable)")});
        QVERIFY2(py.waitForFinished(20000) && py.exitCode() == 0, "python3 is needed for the fake kubectl");
        const QString python = QString::fromUtf8(py.readAllStandardOutput()).trimmed();
        wrapper(QStringLiteral("bin"), QStringLiteral("oc"), python);
        wrapper(QStringLiteral("bin"), QStringLiteral("kubectl"), python);
        QVERIFY(QDir().mkpath(path(QStringLiteral("bin-none"))));
        qputenv("FAKE_KUBECTL_LOG", log().toUtf8());
        qunsetenv("KUBECONFIG");

        m_panel = std::make_unique<app::LivePanel>();
        m_form = m_panel->findChild<LiveDeployForm*>();
        QVERIFY(m_form);
        controller()->setStatusIntervalMs(300);
        useReplies(kGuiReplies, QStringLiteral("gui"));
        auto scenario = sim::builtinScenario("default");
        QVERIFY(scenario.has_value());
        m_panel->setScenarioProvider([s = *scenario] { return s; });
        m_panel->resize(1280, 860);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
        child<QLineEdit>("deployOutDir")->setText(outDir());
        child<QLineEdit>("deployNamespace")->setText(QStringLiteral("llm-d"));
        // Showing the target lists the contexts: the first commands run.
        child<QComboBox>("liveTargetMode")->setCurrentIndex(2);
        QVERIFY(m_form->isVisible());
        m_stall = std::make_unique<StallMeter>();
    }

    void init() { m_stall->reset(); }

    void cleanup()
    {
        m_worstGapMs = std::max(m_worstGapMs, m_stall->maxGapMs());
        QVERIFY2(m_stall->maxGapMs() < 500, qPrintable(QStringLiteral("the event loop stood still for %1 ms")
                                                           .arg(m_stall->maxGapMs())));
    }

    void cleanupTestCase()
    {
        qInfo("longest event-loop gap: %lld ms", static_cast<long long>(m_worstGapMs));
        m_panel.reset();
    }

    void targetShowsContextsAndNamespaceSelector()
    {
        auto* context = child<QComboBox>("deployContext");
        QTRY_COMPARE_WITH_TIMEOUT(context->count(), 2, 10000);
        QCOMPARE(context->itemText(0), QStringLiteral("crc-admin"));
        QCOMPARE(context->itemText(1), QStringLiteral("prod/api-ocp-example-com:6443/dev"));
        QCOMPARE(context->currentText(), QString()); // empty: the kubeconfig's current context
        QCOMPARE(context->lineEdit()->placeholderText(), QStringLiteral("current: crc-admin"));
        const auto recorded = calls();
        QVERIFY2(recorded.size() >= 1, qPrintable(describe(recorded)));
        QCOMPARE(recorded[0].tool, QStringLiteral("oc")); // the openshift target prefers oc
        QCOMPARE(recorded[0].argv, QStringList({"config", "get-contexts", "-o", "name"}));
        // The charts read the cluster's Prometheus: the selector follows the namespace.
        auto* selector = child<QLineEdit>("liveSelector");
        QCOMPARE(selector->text(), QStringLiteral("namespace=llm-d"));
        child<QLineEdit>("deployNamespace")->setText(QStringLiteral("team-a"));
        QCOMPARE(selector->text(), QStringLiteral("namespace=team-a"));
        child<QLineEdit>("deployNamespace")->setText(QStringLiteral("llm-d"));
        QCOMPARE(selector->text(), QStringLiteral("namespace=llm-d"));
        QCOMPARE(child<QLineEdit>("liveWindow")->text(), QStringLiteral("2m"));
    }

    void renderPreviewsTheEditorsScenario()
    {
        useReplies(kGuiReplies, QStringLiteral("gui"));
        render();
        auto* files = child<QListWidget>("deployFiles");
        QStringList names;
        for (int i = 0; i < files->count(); ++i)
            names << files->item(i)->text();
        QVERIFY2(names.contains(QStringLiteral("10-vllm-deployment.yaml")), qPrintable(names.join(' ')));
        QVERIFY2(names.contains(QStringLiteral("20-service.yaml")), qPrintable(names.join(' ')));
        QVERIFY2(names.contains(QStringLiteral("60-route.yaml")), qPrintable(names.join(' '))); // openshift
        QVERIFY(QFile::exists(outDir() + QStringLiteral("/.kvroute-render")));
        QVERIFY(QFile::exists(outDir() + QStringLiteral("/20-service.yaml")));
        files->setCurrentRow(static_cast<int>(names.indexOf(QStringLiteral("20-service.yaml"))));
        const QString yaml = child<QPlainTextEdit>("deployYaml")->toPlainText();
        QVERIFY2(yaml.contains(QStringLiteral("kind: Service")), qPrintable(yaml));
        QVERIFY2(yaml.contains(QStringLiteral("sessionAffinity: ClientIP")), qPrintable(yaml));
        QVERIFY2(yaml.contains(QStringLiteral("namespace: \"llm-d\"")), qPrintable(yaml));
        QVERIFY(child<QPlainTextEdit>("deployYaml")->isReadOnly());
        QVERIFY(calls().isEmpty()); // rendering runs no kubectl

        // A bad field is named as the form names it, inline.
        child<QLineEdit>("deployNamespace")->setText(QStringLiteral("Not_A_Namespace"));
        QTest::mouseClick(child<QPushButton>("deployRender"), Qt::LeftButton);
        QVERIFY2(m_form->errorText().startsWith(QStringLiteral("Namespace: ")), qPrintable(m_form->errorText()));
        child<QLineEdit>("deployNamespace")->setText(QStringLiteral("llm-d"));
    }

    void applyRunsTheDeployCommandsAndShowsTheRollout()
    {
        useReplies(kSharedReplies, QStringLiteral("ok"));
        child<QComboBox>("deployContext")->setEditText(QStringLiteral("crc-admin"));
        QSignalSpy finished(controller(), &app::LiveDeployController::operationFinished);
        QTest::mouseClick(child<QPushButton>("deployApply"), Qt::LeftButton);
        QVERIFY(child<QPushButton>("deployCancel")->isEnabled());
        QVERIFY(!child<QPushButton>("deployApply")->isEnabled());
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QVERIFY2(m_form->errorText().isEmpty(), qPrintable(m_form->errorText()));

        const auto recorded = calls();
        QVERIFY2(recorded.size() >= 4, qPrintable(describe(recorded)));
        const QStringList ctx{"--context", "crc-admin"};
        const QString dir = QDir(outDir()).absolutePath();
        QCOMPARE(recorded[0].argv, QStringList({"version", "--request-timeout=10s"}) + ctx);
        QCOMPARE(recorded[1].argv, QStringList({"auth", "can-i", "create", "deployments", "-n", "llm-d"}) + ctx);
        QCOMPARE(recorded[2].argv, QStringList({"apply", "--server-side", "--field-manager=kvroute", "-f", dir, "-n",
                                                "llm-d"}) + ctx);
        QCOMPARE(recorded[3].argv.mid(0, 3), QStringList({"rollout", "status", "deployment/default-decode"}));
        QVERIFY2(QRegularExpression(QStringLiteral("^--timeout=(29[0-9]|300)s$")).match(recorded[3].argv.value(3)).hasMatch(),
                 qPrintable(recorded[3].argv.join(' ')));
        QCOMPARE(recorded[3].argv.mid(4), QStringList({"-n", "llm-d"}) + ctx);
        for (const auto& c : recorded)
            QCOMPARE(c.tool, QStringLiteral("oc"));

        // Progress: every step counted, kubectl's rollout lines shown.
        auto* progress = child<QProgressBar>("deployProgress");
        QCOMPARE(progress->maximum(), 3); // access, apply, one workload
        QCOMPARE(progress->value(), 3);
        const QString log = m_form->progressLog().join('\n');
        QVERIFY2(log.contains(QStringLiteral("deployment/default-decode successfully rolled out")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("waiting for deployment/default-decode (1/1")), qPrintable(log));
        QVERIFY2(m_form->progressText().startsWith(QStringLiteral("Applied 3 object(s); 1 workload(s) rolled out")),
                 qPrintable(m_form->progressText()));
        // A successful apply starts watching the status.
        QVERIFY(controller()->statusWatched());
    }

    void statusFillsThePodTable()
    {
        useReplies(kSharedReplies, QStringLiteral("ok"));
        QSignalSpy read(controller(), &app::LiveDeployController::statusRead);
        QTest::mouseClick(child<QPushButton>("deployStatus"), Qt::LeftButton);
        QVERIFY(read.wait(10000));
        auto* pods = child<QTableWidget>("deployPods");
        QCOMPARE(pods->rowCount(), 2);
        QCOMPARE(pods->item(1, 0)->text(), QStringLiteral("demo-vllm-1"));
        QCOMPARE(pods->item(1, 1)->text(), QStringLiteral("CrashLoopBackOff"));
        QCOMPARE(pods->item(1, 1)->toolTip(), QStringLiteral("phase Running, container CrashLoopBackOff"));
        QCOMPARE(pods->item(0, 1)->text(), QStringLiteral("Running"));
        QCOMPARE(pods->item(1, 2)->text(), QStringLiteral("0/1"));
        QCOMPARE(pods->item(1, 3)->text(), QStringLiteral("5"));
        QVERIFY(pods->item(1, 4)->text().endsWith(QLatin1Char('d'))); // created in 2020: days old
        QCOMPARE(pods->item(0, 2)->text(), QStringLiteral("1/1"));
        const auto recorded = calls();
        QVERIFY2(recorded.size() >= 2, qPrintable(describe(recorded)));
        const QStringList ctx{"--context", "crc-admin"};
        QCOMPARE(recorded[0].argv, QStringList({"get", "deployment/default-decode", "-o", "json", "--ignore-not-found",
                                                "-n", "llm-d"}) + ctx);
        QCOMPARE(recorded[1].argv, QStringList({"get", "pods", "-l", "kvroute.io/scenario=default", "-o", "json", "-n",
                                                "llm-d"}) + ctx);
        // The shared replies name other workloads: this one is not found.
        QVERIFY2(child<QLabel>("deployWorkloads")->text().contains(QStringLiteral("deployment/default-decode not found")),
                 qPrintable(child<QLabel>("deployWorkloads")->text()));

        // The scenario's own objects: the workload's replicas.
        useReplies(kGuiReplies, QStringLiteral("gui"));
        read.clear();
        m_form->readStatus();
        QVERIFY(read.wait(10000));
        QCOMPARE(pods->rowCount(), 3);
        QCOMPARE(pods->item(2, 1)->text(), QStringLiteral("CrashLoopBackOff"));
        QCOMPARE(pods->item(2, 3)->text(), QStringLiteral("5"));
        QVERIFY(pods->item(0, 0)->toolTip().startsWith(QStringLiteral("deployment/default-decode, on node worker-1")));
        const QString workloads = child<QLabel>("deployWorkloads")->text();
        QVERIFY2(workloads.contains(QStringLiteral("2/3 ready")), qPrintable(workloads));
        QVERIFY2(m_form->statusText().startsWith(QStringLiteral("3 pod(s) in llm-d")), qPrintable(m_form->statusText()));
    }

    void statusRefreshesOnlyWhileShown()
    {
        useReplies(kGuiReplies, QStringLiteral("gui"));
        QSignalSpy read(controller(), &app::LiveDeployController::statusRead);
        m_form->readStatus();
        QTRY_VERIFY_WITH_TIMEOUT(read.count() >= 2, 5000);
        // Another target: the form is hidden and nobody reads the table.
        child<QComboBox>("liveTargetMode")->setCurrentIndex(1);
        QVERIFY(!m_form->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(controller()->idle(), 5000);
        const auto before = read.count();
        QTest::qWait(1000);
        QCOMPARE(read.count(), before);
        child<QComboBox>("liveTargetMode")->setCurrentIndex(2);
        QTRY_VERIFY_WITH_TIMEOUT(read.count() > before, 5000);
    }

    void cancelStopsWaitingAtOnce()
    {
        useReplies(kGuiReplies, QStringLiteral("slow-rollout"));
        QSignalSpy finished(controller(), &app::LiveDeployController::operationFinished);
        m_form->applyRendered();
        QTRY_VERIFY_WITH_TIMEOUT(m_form->progressText().contains(QStringLiteral("0 of 2 updated replicas")), 10000);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(child<QPushButton>("deployCancel"), Qt::LeftButton);
        QCOMPARE(finished.count(), 1);
        QVERIFY(clock.elapsed() < 100);
        QVERIFY(!finished.at(0).at(1).toBool());
        QVERIFY2(m_form->errorText().startsWith(QStringLiteral("Cancelled.")), qPrintable(m_form->errorText()));
        QVERIFY(!child<QPushButton>("deployCancel")->isEnabled());
        // The rollout wait (3 s in the fake) is stopped, not waited out: Apply comes back as soon
        // as the killed command is reaped, and its result is dropped.
        QVERIFY(!child<QPushButton>("deployApply")->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>("deployApply")->isEnabled(), 10000);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QStringLiteral("Apply came back after %1 ms").arg(clock.elapsed())));
        QCOMPARE(finished.count(), 1);
    }

    void clusterFailuresShowInline_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("applyError");
        QTest::addColumn<QString>("statusError");
        QTest::newRow("unreachable") << "unreachable" << "no cluster reachable: oc has no configuration"
                                     << "no cluster reachable";
        QTest::newRow("forbidden") << "forbidden"
                                   << "access denied: your account (dev) may not create deployments.apps in namespace llm-d"
                                   << "access denied: your account (dev) may not list pods in namespace llm-d";
    }

    void clusterFailuresShowInline()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, applyError);
        QFETCH(QString, statusError);
        useReplies(kSharedReplies, scenario);
        QSignalSpy finished(controller(), &app::LiveDeployController::operationFinished);
        m_form->applyRendered();
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.at(0).at(1).toBool());
        QVERIFY2(m_form->errorText().contains(applyError), qPrintable(m_form->errorText()));
        QVERIFY(m_form->findChild<QLabel*>(QStringLiteral("deployError"))->isVisible());
        QVERIFY(!child<QProgressBar>("deployProgress")->isVisible());

        QSignalSpy failed(controller(), &app::LiveDeployController::statusFailed);
        m_form->readStatus();
        QVERIFY(failed.wait(10000));
        QVERIFY2(m_form->statusText().startsWith(QStringLiteral("Status failed at")), qPrintable(m_form->statusText()));
        QVERIFY2(m_form->statusText().contains(statusError), qPrintable(m_form->statusText()));
    }

    void deleteRunsTheDeleteCommand()
    {
        useReplies(kSharedReplies, QStringLiteral("ok"));
        QSignalSpy finished(controller(), &app::LiveDeployController::operationFinished);
        QTest::mouseClick(child<QPushButton>("deployDelete"), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(m_form->progressText(), QStringLiteral("Deleted 3 object(s)."));
        const auto recorded = calls();
        QVERIFY2(!recorded.isEmpty(), qPrintable(describe(recorded)));
        QCOMPARE(recorded[0].argv, QStringList({"delete", "-f", QDir(outDir()).absolutePath(), "--ignore-not-found",
                                                "--wait=true", "--timeout=300s", "-n", "llm-d", "--context",
                                                "crc-admin"}));
    }

    void connectWatchesTheClustersPrometheus()
    {
        // The same fields and charts as the Prometheus URL target; the target stays OpenShift.
        child<QLineEdit>("livePrometheusUrl")->setText(QStringLiteral("http://127.0.0.1:9"));
        QTest::mouseClick(child<QPushButton>("liveConnect"), Qt::LeftButton);
        QCOMPARE(child<QComboBox>("liveTargetMode")->currentIndex(), 2);
        QVERIFY(m_panel->monitor()->isPolling());
        auto* views = child<QTabWidget>("liveViews");
        QCOMPARE(views->currentWidget(), static_cast<QWidget*>(m_panel->charts()));
        QTRY_VERIFY_WITH_TIMEOUT(!m_panel->errorText().isEmpty(), 10000); // nothing listens on port 9
        QTest::mouseClick(child<QPushButton>("liveConnect"), Qt::LeftButton);
        QVERIFY(!m_panel->monitor()->isPolling());
        QVERIFY(m_form->isVisible());
    }

    void closingWaitsOnlyForTheCommandInFlight()
    {
        // A second panel closed while a rollout wait (3 s in the fake) runs: closing cancels the
        // command and waits only until it is stopped.
        useReplies(kGuiReplies, QStringLiteral("slow-rollout"));
        auto panel = std::make_unique<app::LivePanel>();
        auto* form = panel->findChild<LiveDeployForm*>();
        form->findChild<QLineEdit*>(QStringLiteral("deployOutDir"))->setText(outDir());
        QSignalSpy progress(form->controller(), &app::LiveDeployController::operationProgress);
        form->applyRendered();
        QTRY_VERIFY_WITH_TIMEOUT(form->progressText().contains(QStringLiteral("0 of 2 updated replicas")), 10000);
        QElapsedTimer clock;
        clock.start();
        panel.reset();
        const qint64 closingMs = clock.elapsed();
        qInfo("closing with a rollout wait in flight took %lld ms", static_cast<long long>(closingMs));
        QVERIFY(closingMs < 1500);
        m_stall->reset(); // the wait above blocked the loop on purpose
    }

    void noToolOnPathIsNamed()
    {
        useReplies(kSharedReplies, QStringLiteral("ok"), QStringLiteral("bin-none"));
        qputenv("PATH", path(QStringLiteral("bin-none")).toUtf8()); // not even a system kubectl
        QSignalSpy finished(controller(), &app::LiveDeployController::operationFinished);
        m_form->applyRendered();
        QVERIFY(finished.wait(10000));
        QVERIFY2(m_form->errorText().contains(QStringLiteral("neither oc nor kubectl is on PATH")),
                 qPrintable(m_form->errorText()));
        QSignalSpy contexts(controller(), &app::LiveDeployController::contextsFailed);
        QTest::mouseClick(m_panel->findChild<QWidget*>(QStringLiteral("deployReloadContexts")), Qt::LeftButton);
        QVERIFY(contexts.wait(10000));
        QVERIFY(contexts.at(0).at(0).toString().contains(QStringLiteral("neither oc nor kubectl is on PATH")));
        QVERIFY(calls().isEmpty());
        qputenv("PATH", m_originalPath.toUtf8());
    }

    void screenshotAfterRenderAndStatus()
    {
        useReplies(kGuiReplies, QStringLiteral("gui"));
        render();
        child<QListWidget>("deployFiles")->setCurrentRow(1); // 20-service.yaml
        QSignalSpy read(controller(), &app::LiveDeployController::statusRead);
        m_form->readStatus();
        QVERIFY(read.wait(10000));
        QCOMPARE(child<QTableWidget>("deployPods")->rowCount(), 3);
        QVERIFY2(m_form->errorText().isEmpty(), qPrintable(m_form->errorText()));
        const QImage image = m_panel->grab().toImage();
        QVERIFY(!image.isNull());
        if (const QString png = qEnvironmentVariable("KVROUTE_LIVE_DEPLOY_PNG"); !png.isEmpty()) {
            QVERIFY(image.save(png, "PNG"));
            // The size tst_layout_fit checks the main window at, less its tab bar.
            m_panel->resize(1000, 620);
            QTest::qWait(100);
            QVERIFY(m_panel->grab().save(QString(png).replace(QStringLiteral(".png"), QStringLiteral("-small.png")), "PNG"));
            m_panel->resize(1280, 860);
            qInfo("screenshot: %s", qPrintable(png));
        }
    }
};

QTEST_MAIN(LiveDeployTest)
#include "tst_live_deploy.moc"
