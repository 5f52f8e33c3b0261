#include "app/cli/progress_bar.h"

#include <cstdio>
#include <unistd.h>

namespace kvroute::cli {

ProgressBar::ProgressBar(bool enabled) : m_enabled(enabled && isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(double fraction, const std::string& label)
{
    if (!m_enabled)
        return;
    const auto now = Clock::now();
    if (now - m_start < std::chrono::seconds(1) || now - m_lastDraw < std::chrono::milliseconds(100))
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
