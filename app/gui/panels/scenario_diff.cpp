#include "app/gui/panels/scenario_diff.h"

#include "sim/scenario/scenario_schema.h"

#include <QtCore/QStringList>

namespace kvroute::app {

namespace {

/// Long values (plugin lists, stage lists) would swamp the line; the key says enough.
QString shortValue(const std::string& text)
{
    constexpr qsizetype kMaxChars = 40;
    const QString value = text.empty() ? QStringLiteral("\"\"") : QString::fromStdString(text);
    if (value.size() <= kMaxChars)
        return value;
    return value.left(kMaxChars - 1) + QChar(0x2026);
}

} // namespace

std::vector<ScenarioDifference> scenarioDifferences(const sim::Scenario& before, const sim::Scenario& after)
{
    std::vector<ScenarioDifference> out;
    for (const sim::FieldSpec& field : sim::scenarioFields()) {
        std::string a = sim::fieldValueText(before, field.path);
        std::string b = sim::fieldValueText(after, field.path);
        if (a != b)
            out.push_back(ScenarioDifference{field.path, std::move(a), std::move(b)});
    }
    return out;
}

QString describeDifferences(const std::vector<ScenarioDifference>& differences, int maxListed, const QString& separator)
{
    QStringList items;
    const auto total = static_cast<int>(differences.size());
    for (int i = 0; i < total && i < maxListed; ++i) {
        const ScenarioDifference& d = differences[static_cast<std::size_t>(i)];
        items.append(QString::fromStdString(d.path) + QStringLiteral(": ") + shortValue(d.before) +
                     QStringLiteral(" \u2192 ") + shortValue(d.after));
    }
    if (total > maxListed)
        items.append(QStringLiteral("\u2026 and %1 more").arg(total - maxListed));
    return items.join(separator);
}

} // namespace kvroute::app
