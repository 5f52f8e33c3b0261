#pragma once
// How the result panels print numbers and turn a run's time series into chart points. Shared by
// the overview, pods and compare panels so the same figure reads the same everywhere.

#include "sim/metrics/run_results.h"

#include <QtCore/QList>
#include <QtCore/QPointF>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <cstdint>
#include <vector>

namespace kvroute::app::format {

/// 0.941 → "94.1 %".
[[nodiscard]] QString percent(double fraction, int decimals = 1);
/// Like percent, with two decimals below 1 % so small usages do not all read "0.0 %".
[[nodiscard]] QString finePercent(double fraction);
/// A latency in seconds, in ms below one second: "0.85 ms", "45.3 ms", "120 ms", "1.24 s".
[[nodiscard]] QString duration(double seconds);
/// Grouped thousands: 3412.4 → "3,412" (decimals 0).
[[nodiscard]] QString number(double value, int decimals = 0);
[[nodiscard]] QString count(std::int64_t value);

/// Differences, always signed ("+", "−" or "±0"): percentage points, durations, numbers.
[[nodiscard]] QString signedPoints(double fractionDelta, int decimals = 1);
[[nodiscard]] QString signedDuration(double secondsDelta);
[[nodiscard]] QString signedNumber(double delta, int decimals = 0);
/// (current − baseline) / |baseline| as "+5.0 %"; "—" when the baseline is zero.
[[nodiscard]] QString relativeChange(double baseline, double current);

/// The unit a set of latencies is charted in: ms when the largest is under a second.
struct TimeScale {
    double factor = 1000.0; ///< chart value = seconds × factor
    QString symbol;         ///< "ms" or "s"
    int decimals = 0;       ///< for value labels of that size
};
[[nodiscard]] TimeScale timeScaleFor(double maxSeconds);

/// Pod names for chart axes and legends, where space is short: the part all names share is
/// dropped except its last word ("llama-3-2-1b-decode-0" → "decode-0"). The table keeps the
/// full names.
[[nodiscard]] QStringList shortPodNames(const std::vector<sim::PodResult>& pods);

/// The shortest names: what all pods share is dropped entirely ("0", "1", ... for
/// "llama-3-2-1b-decode-0", ...); `shared` receives the dropped part ("llama-3-2-1b-decode-").
[[nodiscard]] QStringList podNameSuffixes(const std::vector<sim::PodResult>& pods, QString* shared);

} // namespace kvroute::app::format

namespace kvroute::app::points {

/// Interval hit rate (%) per sample, leaving out intervals in which nothing was queried
/// (the results report those as 0 %, which would draw false drops during the drain).
[[nodiscard]] QList<QPointF> intervalHitRate(const sim::RunResults& results);
/// Cumulative hit rate (%) at every sample.
[[nodiscard]] QList<QPointF> cumulativeHitRate(const sim::RunResults& results);
/// TTFT p90 / mean of the requests whose first token arrived in each interval, × factor;
/// intervals without first tokens are left out.
[[nodiscard]] QList<QPointF> ttftP90(const sim::RunResults& results, double factor);
[[nodiscard]] QList<QPointF> ttftMean(const sim::RunResults& results, double factor);
/// Per pod: KV-cache usage (%) and waiting requests at every sample.
[[nodiscard]] QList<QPointF> podKvCacheUsage(const sim::RunResults& results, std::size_t pod);
[[nodiscard]] QList<QPointF> podWaiting(const sim::RunResults& results, std::size_t pod);

/// Whether anything was queried in sample `index` (the results carry no per-interval query
/// count: a 0 % interval that moved neither the cumulative rate nor saw a first token was idle).
[[nodiscard]] bool intervalQueried(const sim::RunResults& results, std::size_t index);

} // namespace kvroute::app::points
