#pragma once
// Runs one external command (the user's `oc` or `kubectl`) from an argument vector, never through
// a shell: stdin is /dev/null (no prompt can hang us), stdout and stderr are captured, and the
// child is killed when it outlives its timeout or when the caller cancels.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct ProcessResult {
    int exitCode = -1;        ///< the exit status; -1 when killed by a signal or never started
    std::string out;          ///< stdout, whole
    std::string err;          ///< stderr, whole
    bool timedOut = false;    ///< we killed it at the deadline
    bool cancelled = false;   ///< we killed it (or never started it) because the cancel flag was set
    std::string startError;   ///< why it could not be started (empty when it ran)
    std::chrono::milliseconds elapsed{0};

    [[nodiscard]] bool ok() const { return startError.empty() && !timedOut && !cancelled && exitCode == 0; }
};

/// Called with each complete line of stdout as it arrives (progress), without the newline.
using LineCallback = std::function<void(const std::string&)>;

/// Runs argv[0] (a path, or a name looked up on PATH) with argv. The child gets SIGTERM at the
/// deadline, then SIGKILL one second later if it is still there. `cancel`, when set from another
/// thread (the Live tab's Cancel), is seen within kCancelLatency: the child's process group (a
/// cancellable child leads its own, so what it started goes too) gets SIGTERM, then SIGKILL after
/// kCancelGrace, and the child is reaped before the call returns with `cancelled` set. A flag
/// already set starts nothing.
[[nodiscard]] ProcessResult runProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                                       const LineCallback& onStdoutLine = {}, const std::atomic<bool>* cancel = nullptr);

/// How often the wait loop looks at the cancel flag, and how long a cancelled child has to exit
/// on SIGTERM: kubectl exits at once on it, and the user who pressed Cancel is waiting.
inline constexpr std::chrono::milliseconds kCancelLatency{50};
inline constexpr std::chrono::milliseconds kCancelGrace{500};

/// The first executable `name` in the colon-separated `pathVariable`; nullopt when none. A name
/// with a slash is checked as given.
[[nodiscard]] std::optional<std::string> findExecutable(const std::string& name, const std::string& pathVariable);

} // namespace kvroute::cluster
