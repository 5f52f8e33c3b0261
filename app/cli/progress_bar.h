#pragma once
// Progress on stderr once a job has run for a second. On a terminal: a bar redrawn at most ten
// times a second. Elsewhere (a log file, CI, a pipe): a plain line every few seconds, so a long
// headless run still shows it is alive and how far it got. KVROUTE_PROGRESS_SECONDS overrides
// both the first delay and the line interval.

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
    bool m_terminal;
    bool m_drawn = false;
    bool m_doneLogged = false; ///< the plain log's 100 % line is written
    std::chrono::milliseconds m_delay;
    std::chrono::milliseconds m_lineInterval;
    Clock::time_point m_start = Clock::now();
    Clock::time_point m_lastDraw{};
};

} // namespace kvroute::cli
