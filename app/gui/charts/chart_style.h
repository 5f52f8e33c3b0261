#pragma once
// The one look every chart shares: a light theme, a fixed colour-blind-safe palette (Okabe–Ito)
// and the fonts. Panels may use the palette too (e.g. to colour a pod's row like its line), so
// this header stays free of Qt Charts; only the .cpp files of app/gui/charts include it.

#include <QtGui/QColor>
#include <QtGui/QFont>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QAbstractAxis;
class QLabel;
class QWidget;
QT_END_NAMESPACE

namespace kvroute::app::charts {

/// The i-th series colour; cycles after the palette's eight colours.
[[nodiscard]] QColor seriesColor(int index);
[[nodiscard]] int paletteSize();

[[nodiscard]] QColor textColor();      ///< axis labels, titles
[[nodiscard]] QColor mutedTextColor(); ///< captions, "no data"
[[nodiscard]] QColor gridColor();

[[nodiscard]] QFont titleFont();
[[nodiscard]] QFont axisLabelFont();
[[nodiscard]] QFont axisTitleFont();
[[nodiscard]] QFont legendFont();

/// Applies the theme to a fresh chart: white, no rounded frame or drop shadow, tight margins,
/// no animation (charts redraw on every edit).
void applyChartStyle(QChart* chart);
/// Grid, label and title look of an axis.
void applyAxisStyle(QAbstractAxis* axis);

/// Puts `chart` in a frameless, antialiased view filling `host` (the view owns the chart) and
/// returns the view.
QChartView* embedChartView(QWidget* host, QChart* chart);

/// The muted "no data" text laid over a chart; the host keeps it covering its whole rect.
QLabel* makeNoDataLabel(QWidget* host);

} // namespace kvroute::app::charts
