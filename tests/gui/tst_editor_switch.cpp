// Switching scenarios shows the same fields as opening the new scenario in a fresh editor: no
// workload (or other) field stays hidden because the previous scenario had no use for it.

#include "app/gui/editor/scenario_editor.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtTest/QtTest>
#include <QtWidgets/QLabel>

using namespace kvroute;
using namespace kvroute::app;

namespace {

sim::Scenario builtin(const QString& name)
{
    auto scenario = sim::builtinScenario(name.toStdString());
    if (!scenario)
        qFatal("no built-in %s", qPrintable(name));
    return *scenario;
}

/// The keys whose editors a person can see.
QStringList visibleFields(const ScenarioEditor& editor)
{
    QStringList visible;
    for (const auto& field : sim::scenarioFields()) {
        const QString path = QString::fromStdString(field.path);
        const QWidget* widget = editor.fieldWidget(path);
        if (widget != nullptr && widget->isVisibleTo(&editor))
            visible << path;
    }
    // Group rows (distributions) and their captions, section headings.
    const auto labels = editor.findChildren<QLabel*>();
    for (const QLabel* label : labels) {
        if (label->isVisibleTo(&editor) && !label->text().isEmpty() && label->objectName() != QLatin1String("scenarioWarnings"))
            visible << QStringLiteral("label:") + label->text();
    }
    return visible;
}

} // namespace

class TestEditorSwitch final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void switchShowsTheSameFieldsAsAFreshEditor_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        for (const auto& [from, fromDescription] : sim::builtinScenarioList())
            for (const auto& [to, toDescription] : sim::builtinScenarioList())
                if (from != to)
                    QTest::addRow("%s->%s", from.c_str(), to.c_str()) << QString::fromStdString(from) << QString::fromStdString(to);
    }

    void switchShowsTheSameFieldsAsAFreshEditor()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        ScenarioEditor fresh;
        fresh.setScenario(builtin(to));
        fresh.show();
        ScenarioEditor switched;
        switched.setScenario(builtin(from));
        switched.show();
        QCoreApplication::processEvents();
        switched.setScenario(builtin(to));
        QCoreApplication::processEvents();
        QCOMPARE(visibleFields(switched), visibleFields(fresh));

        // Also after the previous scenario's workload type was edited, and after an invalid edit.
        ScenarioEditor edited;
        edited.setScenario(builtin(from));
        edited.show();
        edited.setFieldText(QStringLiteral("workload.type"), QStringLiteral("shared-prefix"));
        edited.setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("17"));
        QCoreApplication::processEvents();
        edited.setScenario(builtin(to));
        QCoreApplication::processEvents();
        QCOMPARE(visibleFields(edited), visibleFields(fresh));
    }
};

QTEST_MAIN(TestEditorSwitch)
#include "tst_editor_switch.moc"
