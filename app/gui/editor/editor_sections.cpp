#include "app/gui/editor/editor_sections.h"

#include "sim/scenario/scenario_schema.h"

#include <QtWidgets/QFormLayout>
#include <QtWidgets/QFrame>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <array>
#include <string>
#include <variant>

namespace kvroute::app {

namespace {

struct SectionName {
    std::string_view group;
    std::string_view title;
};

constexpr std::array kSectionTitles{
    SectionName{"model", "Model & GPU"}, SectionName{"vllm", "vLLM settings"},
    SectionName{"cluster", "Cluster"},   SectionName{"routing", "Routing"},
    SectionName{"workload", "Workload"}, SectionName{"", "Run"},
};

/// Keys (or groups) that only matter for some values of a choice key.
struct Applicability {
    std::string_view path;
    std::string_view choice;
    std::array<std::string_view, 5> values;
};

// The routing keys each policy reads and the workload keys each type reads, as the keys'
// help texts in the schema describe them.
constexpr std::array kApplicability{
    Applicability{"routing.service", "routing.policy", {"kube-service"}},
    Applicability{"routing.header_hash", "routing.policy", {"header-hash"}},
    Applicability{"routing.profile", "routing.policy", {"epp"}},
    Applicability{"routing.epp_config", "routing.policy", {"epp"}},
    Applicability{"routing.epp_plugins", "routing.policy", {"epp"}},
    Applicability{"routing.scrape_interval", "routing.policy", {"epp"}},
    Applicability{"routing.kv_event_delay", "routing.policy", {"epp"}},
    Applicability{"workload.chat", "workload.type", {"chat-sessions"}},
    Applicability{"workload.shared_prefix", "workload.type", {"shared-prefix"}},
    Applicability{"workload.repeat", "workload.type", {"repeat-prompt"}},
    Applicability{"workload.path", "workload.type", {"mooncake", "azure", "inference-perf"}},
    Applicability{"workload.time_scale", "workload.type", {"mooncake", "azure"}},
    Applicability{"workload.mooncake_block_tokens", "workload.type", {"mooncake", "azure"}},
    // repeat-prompt always sends from one address.
    Applicability{"workload.client_ips", "workload.type",
                  {"chat-sessions", "shared-prefix", "mooncake", "azure", "inference-perf"}},
};

bool within(std::string_view path, std::string_view node)
{
    return path == node || (path.size() > node.size() && path.starts_with(node) && path[node.size()] == '.');
}

} // namespace

std::string sectionOf(std::string_view path)
{
    const auto dot = path.find('.');
    return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

QString sectionTitle(std::string_view section)
{
    for (const SectionName& name : kSectionTitles) {
        if (name.group == section)
            return QString::fromUtf8(name.title.data(), static_cast<qsizetype>(name.title.size()));
    }
    return QString::fromUtf8(section.data(), static_cast<qsizetype>(section.size()));
}

std::string parentOf(std::string_view path)
{
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

bool isReadOnlyKey(std::string_view path)
{
    return path == "name" || path == "description";
}

bool appliesTo(std::string_view path, const sim::Scenario& scenario)
{
    for (const Applicability& rule : kApplicability) {
        if (!within(path, rule.path))
            continue;
        const sim::FieldSpec* choice = sim::findField(rule.choice);
        if (choice == nullptr)
            continue;
        const auto value = choice->get(scenario);
        const auto* text = std::get_if<std::string>(&value);
        if (text == nullptr)
            continue;
        const bool match =
            std::ranges::any_of(rule.values, [&](std::string_view v) { return !v.empty() && v == *text; });
        if (!match)
            return false;
    }
    return true;
}

EditorSection::EditorSection(const QString& title, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    m_header = new QToolButton;
    m_header->setText(QString(title).replace(QLatin1Char('&'), QStringLiteral("&&"))); // not a mnemonic
    m_header->setToolTip(tr("Click to fold or unfold"));
    m_header->setAutoRaise(true);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setArrowType(Qt::DownArrow);
    m_header->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    QFont font = m_header->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.05);
    m_header->setFont(font);
    layout->addWidget(m_header);

    auto* line = new QFrame;
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);

    m_body = new QWidget;
    m_form = new QFormLayout(m_body);
    m_form->setContentsMargins(4, 2, 0, 4);
    m_form->setHorizontalSpacing(8);
    m_form->setVerticalSpacing(3);
    m_form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    layout->addWidget(m_body);

    connect(m_header, &QToolButton::clicked, this, [this] { setExpanded(!isExpanded()); });
}

void EditorSection::setExpanded(bool expanded)
{
    m_header->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    m_body->setVisible(expanded);
}

bool EditorSection::isExpanded() const
{
    return !m_body->isHidden();
}

} // namespace kvroute::app
