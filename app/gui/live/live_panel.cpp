#include "app/gui/live/live_panel.h"

#include <QtWidgets/QLabel>
#include <QtWidgets/QVBoxLayout>

namespace kvroute::app {

LivePanel::LivePanel(QWidget* parent) : QWidget(parent)
{
    auto* note = new QLabel(tr("<h3>Live mode is coming</h3>"
                               "<p>Live mode will deploy this scenario to a local stack of vLLM-compatible pods with a "
                               "real Prometheus, or to OpenShift, and plot the measured prefix-cache hit rates "
                               "(<code>vllm:prefix_cache_hits_total</code> / <code>vllm:prefix_cache_queries_total</code>) "
                               "beside the simulator's prediction.</p>"
                               "<p>Until then, every other tab shows the simulation.</p>"));
    note->setWordWrap(true);
    note->setAlignment(Qt::AlignCenter);
    note->setMaximumWidth(560);
    note->setStyleSheet(QStringLiteral("QLabel { color: #444; }"));
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(note, 0, Qt::AlignHCenter);
    layout->addStretch(2);
}

} // namespace kvroute::app
