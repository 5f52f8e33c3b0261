// cluster::runProcess, the one place kvroute starts `oc`/`kubectl`: a normal run captures both
// streams and the status, a child past its deadline is killed, and a cancel flag set from another
// thread stops the child within a second — SIGTERM, SIGKILL for one that ignores it — and reaps
// it, returning a result marked cancelled (not timed out, not a failure of the tool). Children
// are plain `sh`/`sleep`; each prints its own pid first so the test can check that pid is gone,
// and stops it by that pid if runProcess did not.

#include "cluster/deploy/kube_ctl.h"
#include "cluster/deploy/kube_process.h"

#include <QtTest/QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using kvroute::cluster::ProcessResult;
using kvroute::cluster::runProcess;

namespace {

/// True while `pid` exists in any state, a zombie included (kill(0) succeeds on a zombie).
bool pidExists(pid_t pid)
{
    return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH);
}

/// Runs `argv` on a worker thread; the child's first stdout line is its pid.
class Run {
public:
    Run(std::vector<std::string> argv, std::chrono::milliseconds timeout)
    {
        m_result = std::async(std::launch::async, [this, argv = std::move(argv), timeout] {
            return runProcess(
                argv, timeout,
                [this](const std::string& line) {
                    if (m_pid.load() == 0)
                        m_pid = static_cast<pid_t>(std::stol(line));
                },
                &m_cancel);
        });
    }
    /// A test that failed early must not leave its child behind: stopped by its own pid.
    ~Run()
    {
        if (m_result.valid() && m_result.wait_for(0s) != std::future_status::ready && m_pid.load() > 0)
            ::kill(m_pid.load(), SIGKILL);
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    [[nodiscard]] bool waitForPid(std::chrono::milliseconds limit) const
    {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (m_pid.load() == 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(5ms);
        return m_pid.load() != 0;
    }
    void cancel() { m_cancel = true; }
    [[nodiscard]] bool finishesWithin(std::chrono::milliseconds limit)
    {
        return m_result.wait_for(limit) == std::future_status::ready;
    }
    [[nodiscard]] ProcessResult result() { return m_result.get(); }
    [[nodiscard]] pid_t pid() const { return m_pid.load(); }

private:
    std::atomic<bool> m_cancel{false};
    std::atomic<pid_t> m_pid{0};
    std::future<ProcessResult> m_result;
};

} // namespace

class KubeProcessTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void normalRunCapturesOutputAndStatus()
    {
        std::atomic<bool> cancel{false};
        std::vector<std::string> lines;
        const auto r = runProcess({"sh", "-c", "echo one; echo two; echo oops >&2; exit 3"}, 10s,
                                  [&](const std::string& line) { lines.push_back(line); }, &cancel);
        QVERIFY2(r.startError.empty(), r.startError.c_str());
        QCOMPARE(r.exitCode, 3);
        QCOMPARE(r.out, std::string("one\ntwo\n"));
        QCOMPARE(r.err, std::string("oops\n"));
        QCOMPARE(lines, (std::vector<std::string>{"one", "two"}));
        QVERIFY(!r.timedOut);
        QVERIFY(!r.cancelled);
        QVERIFY(!r.ok());

        const auto ok = runProcess({"true"}, 10s);
        QVERIFY(ok.ok());
        QCOMPARE(ok.exitCode, 0);
        QVERIFY(!ok.cancelled);
    }

    void timeoutKillsTheChild()
    {
        Run run({"sh", "-c", "echo $$; exec sleep 30"}, 300ms);
        QVERIFY(run.waitForPid(5s));
        QVERIFY2(run.finishesWithin(3s), "runProcess did not return after its 300 ms deadline");
        const auto r = run.result();
        QVERIFY(r.timedOut);
        QVERIFY(!r.cancelled);
        QCOMPARE(r.exitCode, -1);
        QVERIFY(!r.ok());
        QVERIFY(r.elapsed >= 300ms);
        QVERIFY(!pidExists(run.pid()));
    }

    void cancelStopsTheChildAtOnce_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<int>("limitMs");
        // sleep dies on SIGTERM; the second child ignores it and needs the SIGKILL after the grace.
        QTest::newRow("exits on SIGTERM") << "echo $$; exec sleep 30" << 1000;
        QTest::newRow("ignores SIGTERM") << "trap '' TERM; echo $$; exec sleep 30"
                                         << int((kvroute::cluster::kCancelGrace + 1000ms).count());
    }

    void cancelStopsTheChildAtOnce()
    {
        QFETCH(QString, script);
        QFETCH(int, limitMs);
        // The deadline is far beyond the test's limits: only the cancel can end the run in time.
        Run run({"sh", "-c", script.toStdString()}, 20s);
        QVERIFY(run.waitForPid(5s));
        std::this_thread::sleep_for(100ms);
        QVERIFY(pidExists(run.pid()));
        const auto cancelledAt = std::chrono::steady_clock::now();
        run.cancel();
        QVERIFY2(run.finishesWithin(std::chrono::milliseconds(limitMs)), "runProcess did not return after the cancel");
        const auto took = std::chrono::steady_clock::now() - cancelledAt;
        const auto r = run.result();
        QVERIFY(r.cancelled);
        QVERIFY(!r.timedOut);
        QVERIFY(r.startError.empty());
        QCOMPARE(r.exitCode, -1);
        QVERIFY(!r.ok());
        QVERIFY(took < std::chrono::milliseconds(limitMs));
        // Killed and reaped: not even a zombie is left.
        QVERIFY(!pidExists(run.pid()));
        QCOMPARE(::waitpid(run.pid(), nullptr, WNOHANG), -1);
    }

    // kubectl may start programs of its own (exec credential plugins): a cancel stops them too,
    // here a grandchild that ignores SIGTERM and would outlive its parent.
    void cancelStopsWhatTheChildStarted()
    {
        Run run({"sh", "-c", "(trap '' TERM; exec sleep 30) & echo $!; wait"}, 20s);
        QVERIFY(run.waitForPid(5s)); // the first line is the grandchild's pid
        const pid_t grandchild = run.pid();
        std::this_thread::sleep_for(100ms);
        QVERIFY(pidExists(grandchild));
        run.cancel();
        QVERIFY2(run.finishesWithin(kvroute::cluster::kCancelGrace + 1000ms), "runProcess did not return after the cancel");
        QVERIFY(run.result().cancelled);
        // The grandchild is not ours to reap; once killed, init reaps it. Give that a moment.
        const auto until = std::chrono::steady_clock::now() + 2s;
        while (pidExists(grandchild) && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(10ms);
        if (pidExists(grandchild))
            ::kill(grandchild, SIGKILL); // do not leave it behind, but fail
        QVERIFY2(!pidExists(grandchild), "the grandchild outlived the cancel");
    }

    void cancelledBeforeStartRunsNothing()
    {
        std::atomic<bool> cancel{true};
        bool called = false;
        const auto r = runProcess({"sh", "-c", "echo ran"}, 10s, [&](const std::string&) { called = true; }, &cancel);
        QVERIFY(r.cancelled);
        QVERIFY(!r.ok());
        QVERIFY(r.startError.empty());
        QVERIFY(r.out.empty());
        QVERIFY(!called);
    }

    void kubeCtlPassesItsCancelAndNamesIt()
    {
        std::atomic<bool> cancel{true};
        kvroute::cluster::KubeCtl kube(kvroute::cluster::KubeTool{"sh", "kubectl", {}}, {});
        kube.setCancel(&cancel);
        const auto r = kube.run({"-c", "echo ran"}, {}, 10s);
        QVERIFY(r.cancelled);
        QVERIFY(r.out.empty());
        QVERIFY(kvroute::cluster::classifyKubeFailure(r) == kvroute::cluster::KubeFailure::Cancelled);
        const auto message = kvroute::cluster::explainKubeFailure(r, kube, "apply", "llm-d");
        QCOMPARE(message, std::string("apply: cancelled (kubectl was stopped)"));
    }
};

QTEST_GUILESS_MAIN(KubeProcessTest)
#include "tst_kube_process.moc"
