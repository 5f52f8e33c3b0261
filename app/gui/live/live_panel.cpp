#include "app/gui/live/live_panel.h"

#include <QtWidgets/QHBoxLayout>
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
    note->setObjectName(QStringLiteral("liveNote"));
    note->setMaximumWidth(560);
    note->setStyleSheet(QStringLiteral("QLabel { color: #444; }"));
    // Centred by stretches, not by an alignment flag: a layout item with an alignment gets its
    // size hint, which ignores the height a word-wrapped label needs at its width (text cut off).
    auto* row = new QHBoxLayout();
    row->addStretch(1);
    row->addWidget(note, 4);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);
}

} // namespace kvroute::app
