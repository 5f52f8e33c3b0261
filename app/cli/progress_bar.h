#pragma once
// A progress bar on stderr: only on a terminal, only once a job has run for a second, redrawn
// at most ten times a second.

#include <chrono>
#include <string>

namespace kvroute::cli {

class ProgressBar {
public:
    explicit ProgressBar(bool enabled);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// fraction in [0, 1]; `label` is printed after the bar.
    void update(double fraction, const std::string& label = {});
    /// Clears the line if anything was drawn.
    void finish();

private:
    using Clock = std::chrono::steady_clock;
    bool m_enabled;
    bool m_drawn = false;
    Clock::time_point m_start = Clock::now();
    Clock::time_point m_lastDraw{};
};

} // namespace kvroute::cli
