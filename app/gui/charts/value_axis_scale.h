#pragma once
// Puts a NiceScale on a Qt Charts value axis without ever letting the axis lay out an absurd
// number of ticks. Qt Charts lays out every tick of a dynamic axis as soon as its range or its
// interval changes, so the order of the setters matters: the interval of the previous range
// (1e-5 for a usage of a few parts per million) applied to a new 0-100 range means ten million
// ticks and a window that never comes back. Only app/gui/charts includes this header.

#include "app/gui/charts/nice_scale.h"

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QValueAxis;
QT_END_NAMESPACE

namespace kvroute::app::charts {

/// Shows [min, max] with the ticks of `scale`. Safe for any previous state of the axis and any
/// input: non-finite or empty ranges fall back to the scale's own range, and a step that would
/// give too many ticks (or be lost in rounding at the range's magnitude) falls back to a fixed
/// tick count.
void applyValueAxisScale(QValueAxis* axis, const NiceScale& scale, double min, double max);

/// The ticks the axis lays out with its current range and tick settings.
[[nodiscard]] double valueAxisTickCount(const QValueAxis* axis);

} // namespace kvroute::app::charts
