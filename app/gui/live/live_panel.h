#pragma once
// The Live tab: where live mode (real pods, real Prometheus) will plot measured hit rates beside
// the simulation. Present but empty until that lands.

#include <QtWidgets/QWidget>

namespace kvroute::app {

class LivePanel final : public QWidget {
    Q_OBJECT

public:
    explicit LivePanel(QWidget* parent = nullptr);
};

} // namespace kvroute::app
