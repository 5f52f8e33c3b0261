#include "app/gui/panels/result_format.h"

#include <QtCore/QLocale>

#include <cmath>
#include <utility>

namespace kvroute::app::format {

namespace {

const QLocale& numberLocale()
{
    // Fixed, not the system locale: the panels and their tests read the same everywhere.
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

int latencyDecimals(double value)
{
    return value < 10.0 ? 2 : value < 100.0 ? 1 : 0;
}

QString signOf(double value)
{
    return value > 0.0 ? QStringLiteral("+") : QString(QChar(0x2212)); // − minus sign
}

const QString& dash()
{
    static const QString text(QChar(0x2014)); // —
    return text;
}

} // namespace

QString percent(double fraction, int decimals)
{
    return QString::number(fraction * 100.0, 'f', decimals) + QStringLiteral(" %");
}

QString finePercent(double fraction)
{
    return percent(fraction, std::abs(fraction) < 0.00995 ? 2 : 1);
}

QString duration(double seconds)
{
    if (!std::isfinite(seconds))
        return dash();
    const double magnitude = std::abs(seconds);
    if (magnitude < 1.0) {
        const double ms = seconds * 1000.0;
        return QString::number(ms, 'f', latencyDecimals(std::abs(ms))) + QStringLiteral(" ms");
    }
    return QString::number(seconds, 'f', latencyDecimals(magnitude)) + QStringLiteral(" s");
}

QString number(double value, int decimals)
{
    return numberLocale().toString(value, 'f', decimals);
}

QString count(std::int64_t value)
{
    return numberLocale().toString(static_cast<qlonglong>(value));
}

QString signedPoints(double fractionDelta, int decimals)
{
    const QString magnitude = QString::number(std::abs(fractionDelta) * 100.0, 'f', decimals);
    if (magnitude.toDouble() == 0.0)
        return QStringLiteral("\u00B10 pp");
    return signOf(fractionDelta) + magnitude + QStringLiteral(" pp");
}

QString signedDuration(double secondsDelta)
{
    if (secondsDelta == 0.0)
        return QStringLiteral("\u00B10");
    return signOf(secondsDelta) + duration(std::abs(secondsDelta));
}

QString signedNumber(double delta, int decimals)
{
    if (std::abs(delta) * std::pow(10.0, decimals) < 0.5)
        return QStringLiteral("\u00B10");
    return signOf(delta) + number(std::abs(delta), decimals);
}

QString relativeChange(double baseline, double current)
{
    if (baseline == 0.0)
        return current == 0.0 ? QStringLiteral("\u00B10 %") : dash();
    const double change = (current - baseline) / std::abs(baseline) * 100.0;
    const QString magnitude = QString::number(std::abs(change), 'f', 1);
    if (magnitude.toDouble() == 0.0)
        return QStringLiteral("\u00B10 %");
    return signOf(change) + magnitude + QStringLiteral(" %");
}

TimeScale timeScaleFor(double maxSeconds)
{
    if (!(maxSeconds >= 1.0))
        return TimeScale{1000.0, QStringLiteral("ms"), latencyDecimals(std::abs(maxSeconds) * 1000.0)};
    return TimeScale{1.0, QStringLiteral("s"), latencyDecimals(maxSeconds)};
}

namespace {

bool isNameSeparator(QChar c)
{
    return c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.');
}

QStringList podNames(const std::vector<sim::PodResult>& pods)
{
    QStringList names;
    for (const sim::PodResult& pod : pods)
        names.append(QString::fromStdString(pod.name));
    return names;
}

/// Length of the prefix all names share, cut back to just after a separator.
qsizetype sharedPrefixLength(const QStringList& names)
{
    if (names.size() < 2)
        return 0;
    const QString& first = names.front();
    qsizetype common = first.size();
    for (const QString& name : names) {
        qsizetype i = 0;
        while (i < common && i < name.size() && name[i] == first[i])
            ++i;
        common = i;
    }
    while (common > 0 && !isNameSeparator(first[common - 1]))
        --common;
    return common;
}

} // namespace

QStringList shortPodNames(const std::vector<sim::PodResult>& pods)
{
    QStringList names = podNames(pods);
    const qsizetype common = sharedPrefixLength(names);
    // Keep the shared prefix's last word for context: "decode-0" rather than "0".
    qsizetype keep = common > 0 ? common - 1 : 0;
    while (keep > 0 && !isNameSeparator(names.front()[keep - 1]))
        --keep;
    if (keep == 0)
        return names;
    for (QString& name : names)
        name.remove(0, keep);
    return names;
}

QStringList podNameSuffixes(const std::vector<sim::PodResult>& pods, QString* shared)
{
    QStringList names = podNames(pods);
    const qsizetype common = sharedPrefixLength(names);
    if (shared)
        *shared = common > 0 ? names.front().left(common) : QString();
    for (QString& name : names)
        name.remove(0, common);
    return names;
}

} // namespace kvroute::app::format

namespace kvroute::app::points {

bool intervalQueried(const sim::RunResults& results, std::size_t index)
{
    const sim::TimeSeriesPoint& p = results.timeseries[index];
    if (p.hitRate != 0.0 || p.firstTokens > 0)
        return true;
    const double before = index > 0 ? results.timeseries[index - 1].cumulativeHitRate : 0.0;
    return p.cumulativeHitRate != before;
}

QList<QPointF> intervalHitRate(const sim::RunResults& results)
{
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(results.timeseries.size()));
    for (std::size_t i = 0; i < results.timeseries.size(); ++i) {
        if (intervalQueried(results, i))
            out.append(QPointF(results.timeseries[i].t, results.timeseries[i].hitRate * 100.0));
    }
    return out;
}

QList<QPointF> cumulativeHitRate(const sim::RunResults& results)
{
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(results.timeseries.size()));
    for (const sim::TimeSeriesPoint& p : results.timeseries)
        out.append(QPointF(p.t, p.cumulativeHitRate * 100.0));
    return out;
}

QList<QPointF> ttftP90(const sim::RunResults& results, double factor)
{
    QList<QPointF> out;
    for (const sim::TimeSeriesPoint& p : results.timeseries) {
        if (p.firstTokens > 0)
            out.append(QPointF(p.t, p.ttftP90 * factor));
    }
    return out;
}

QList<QPointF> ttftMean(const sim::RunResults& results, double factor)
{
    QList<QPointF> out;
    for (const sim::TimeSeriesPoint& p : results.timeseries) {
        if (p.firstTokens > 0)
            out.append(QPointF(p.t, p.ttftMean * factor));
    }
    return out;
}

QList<QPointF> podKvCacheUsage(const sim::RunResults& results, std::size_t pod)
{
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(results.timeseries.size()));
    for (const sim::TimeSeriesPoint& p : results.timeseries) {
        const double usage = pod < p.podKvCacheUsage.size() ? p.podKvCacheUsage[pod] : 0.0;
        out.append(QPointF(p.t, usage * 100.0));
    }
    return out;
}

QList<QPointF> podWaiting(const sim::RunResults& results, std::size_t pod)
{
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(results.timeseries.size()));
    for (const sim::TimeSeriesPoint& p : results.timeseries) {
        const double waiting = pod < p.podWaiting.size() ? p.podWaiting[pod] : 0;
        out.append(QPointF(p.t, waiting));
    }
    return out;
}

} // namespace kvroute::app::points
