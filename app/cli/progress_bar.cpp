#include "app/cli/progress_bar.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace kvroute::cli {

namespace {

/// How often a plain progress line is written when stderr is not a terminal (5 s), and how long
/// a job runs before any progress shows (1 s). KVROUTE_PROGRESS_SECONDS=S sets both, for logs
/// that want more or fewer lines (and for tests).
std::chrono::milliseconds fromEnvironment(std::chrono::milliseconds fallback)
{
    const char* text = std::getenv("KVROUTE_PROGRESS_SECONDS");
    if (!text || !*text)
        return fallback;
    char* end = nullptr;
    const double seconds = std::strtod(text, &end);
    if (*end != '\0' || !(seconds >= 0.0 && seconds <= 3600.0))
        return fallback;
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

} // namespace

ProgressBar::ProgressBar(bool enabled)
    : m_enabled(enabled)
    , m_terminal(isatty(STDERR_FILENO) != 0)
    , m_delay(fromEnvironment(std::chrono::seconds(1)))
    , m_lineInterval(fromEnvironment(std::chrono::seconds(5)))
{
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(double fraction, const std::string& label)
{
    if (!m_enabled)
        return;
    const auto now = Clock::now();
    if (now - m_start < m_delay)
        return;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    if (!m_terminal) {
        // A log that showed the job under way also shows it done, however soon after.
        const bool done = fraction >= 1.0 && m_lastDraw != Clock::time_point{} && !m_doneLogged;
        if (!done && m_lastDraw != Clock::time_point{} && now - m_lastDraw < m_lineInterval)
            return;
        m_doneLogged = m_doneLogged || fraction >= 1.0;
        m_lastDraw = now;
        std::fprintf(stderr, "progress: %3.0f%% %s (%.0f s)\n", 100.0 * fraction, label.c_str(), elapsed);
        std::fflush(stderr);
        return;
    }
    if (now - m_lastDraw < std::chrono::milliseconds(100))
        return;
    m_lastDraw = now;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth + 0.5);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    std::fprintf(stderr, "\r[%s] %3.0f%% %s\033[K", bar.c_str(), 100.0 * fraction, label.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish()
{
    if (m_drawn) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        m_drawn = false;
    }
}

} // namespace kvroute::cli
