#include "cluster/deploy/kube_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace kvroute::cluster {

namespace {

using Clock = std::chrono::steady_clock;

/// Reads what is available on `fd` into `into`; false at end of file or on an error.
bool drain(int fd, std::string& into)
{
    std::array<char, 8192> buffer{};
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n > 0) {
            into.append(buffer.data(), static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        return false;
    }
}

void emitLines(std::string& pending, const LineCallback& onLine, bool flushAll)
{
    if (!onLine) {
        pending.clear();
        return;
    }
    std::size_t start = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
        std::string line = pending.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        onLine(line);
        start = nl + 1;
    }
    pending.erase(0, start);
    if (flushAll && !pending.empty()) {
        onLine(pending);
        pending.clear();
    }
}

int decodeStatus(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool isSet(const std::atomic<bool>* flag)
{
    return flag != nullptr && flag->load(std::memory_order_relaxed);
}

/// A child killed at its deadline had its chance; one second lets it flush and exit cleanly.
constexpr std::chrono::milliseconds kTimeoutGrace{1000};

/// SIGTERM, then SIGKILL once `grace` has passed. The child is reaped either way, so no zombie
/// is left and its pid is free again when this returns. With `group` the signals go to the
/// child's process group (it leads its own), so programs it started (kubectl's credential
/// plugins) stop with it; the leader is waited for without being reaped (WNOWAIT) until the
/// group has had its SIGKILL, so its id cannot have been reused by then.
void terminate(pid_t pid, std::chrono::milliseconds grace, int& status, bool group)
{
    const pid_t target = group ? -pid : pid;
    ::kill(target, SIGTERM);
    const auto until = Clock::now() + grace;
    for (;;) {
        siginfo_t info{};
        const int r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
        if (r == 0 && info.si_pid == pid)
            break; // exited; still a zombie, so its group id is still ours
        if (r < 0 && errno != EINTR)
            break;
        if (Clock::now() >= until)
            break;
        ::usleep(10'000);
    }
    ::kill(target, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

} // namespace

std::optional<std::string> findExecutable(const std::string& name, const std::string& pathVariable)
{
    const auto executable = [](const std::string& path) {
        struct stat st{};
        return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
    };
    if (name.empty())
        return std::nullopt;
    if (name.find('/') != std::string::npos)
        return executable(name) ? std::optional<std::string>(name) : std::nullopt;
    std::size_t start = 0;
    while (start <= pathVariable.size()) {
        auto end = pathVariable.find(':', start);
        if (end == std::string::npos)
            end = pathVariable.size();
        // POSIX: an empty PATH entry is the current directory.
        const std::string dir = end > start ? pathVariable.substr(start, end - start) : std::string(".");
        const std::string candidate = dir + "/" + name;
        if (executable(candidate))
            return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

ProcessResult runProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                         const LineCallback& onStdoutLine, const std::atomic<bool>* cancel)
{
    ProcessResult result;
    const auto started = Clock::now();
    if (argv.empty()) {
        result.startError = "no command";
        return result;
    }
    // A cancelled operation's later steps come here too: they must not touch the cluster.
    if (isSet(cancel)) {
        result.cancelled = true;
        return result;
    }
    int outPipe[2] = {-1, -1};
    int errPipe[2] = {-1, -1};
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0) {
        result.startError = std::string("cannot create a pipe: ") + std::strerror(errno);
        for (int fd : {outPipe[0], outPipe[1], errPipe[0], errPipe[1]})
            if (fd >= 0)
                ::close(fd);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // A cancellable command (the GUI's) leads its own process group, so a cancel stops what it
    // started too. Without a cancel flag (the command line) it stays in ours: Ctrl-C in the
    // terminal then reaches it as before.
    const bool ownGroup = cancel != nullptr;
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    if (ownGroup) {
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attributes, 0);
    }
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (rc != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        result.startError = "cannot start " + argv[0] + ": " + std::strerror(rc);
        return result;
    }
    ::fcntl(outPipe[0], F_SETFL, O_NONBLOCK);
    ::fcntl(errPipe[0], F_SETFL, O_NONBLOCK);

    const auto deadline = started + timeout;
    std::string pendingLine;
    bool outOpen = true;
    bool errOpen = true;
    bool reaped = false;
    int status = 0;
    while (outOpen || errOpen) {
        if (isSet(cancel)) {
            result.cancelled = true;
            break;
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            result.timedOut = true;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        std::array<pollfd, 2> fds{pollfd{outOpen ? outPipe[0] : -1, POLLIN, 0}, pollfd{errOpen ? errPipe[0] : -1, POLLIN, 0}};
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left, kCancelLatency.count())));
        if (ready < 0 && errno != EINTR)
            break;
        if (outOpen && fds[0].revents != 0) {
            const auto before = result.out.size();
            outOpen = drain(outPipe[0], result.out);
            pendingLine.append(result.out, before, std::string::npos);
            emitLines(pendingLine, onStdoutLine, false);
        }
        if (errOpen && fds[1].revents != 0)
            errOpen = drain(errPipe[0], result.err);
        // A grandchild (a credential plugin left behind) may hold the pipes open after the child
        // exited: stop at the child's exit rather than at end of file.
        if (ready == 0 && ::waitpid(pid, &status, WNOHANG) == pid) {
            reaped = true;
            break;
        }
    }
    // Both pipes closed: the child is exiting, but it may also have closed them and kept running.
    while (!reaped && !result.timedOut && !result.cancelled) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            reaped = true;
        else if (isSet(cancel))
            result.cancelled = true;
        else if (Clock::now() >= deadline)
            result.timedOut = true;
        else
            ::usleep(10'000);
    }
    if (!reaped)
        terminate(pid, result.cancelled ? kCancelGrace : kTimeoutGrace, status, ownGroup);
    // Whatever the child wrote just before it exited.
    if (outOpen) {
        const auto before = result.out.size();
        drain(outPipe[0], result.out);
        pendingLine.append(result.out, before, std::string::npos);
    }
    if (errOpen)
        drain(errPipe[0], result.err);
    emitLines(pendingLine, onStdoutLine, true);
    ::close(outPipe[0]);
    ::close(errPipe[0]);
    result.exitCode = result.timedOut || result.cancelled ? -1 : decodeStatus(status);
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
}

} // namespace kvroute::cluster
