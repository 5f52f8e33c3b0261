// The scenario editor side panel: generated from the schema, fills from a scenario, applies
// edits through setField, marks refused values and cross-key errors inline, edits the EPP.
// Expected values come from resources/scenarios/default.yaml and the llm-d precise profile
// (llmd.md §4.1: precise-prefix-cache-scorer 3, kv-cache-utilization-scorer 2, queue-scorer 2).

#include "app/gui/editor/epp_plugin_editor.h"
#include "app/gui/editor/field_widgets.h"
#include "app/gui/editor/scenario_editor.h"
#include "app/gui/editor/stage_list_editor.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QSlider>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>

#include <algorithm>

using kvroute::app::EppPluginEditor;
using kvroute::app::FieldEditor;
using kvroute::app::ScenarioEditor;
namespace sim = kvroute::sim;

class TestScenarioEditor : public QObject {
    Q_OBJECT

private:
    static sim::Scenario defaultScenario()
    {
        auto scenario = sim::builtinScenario("default");
        if (!scenario)
            qFatal("the built-in default scenario does not load");
        return *scenario;
    }

    static sim::Scenario lastEmitted(const QSignalSpy& spy) { return spy.last().at(0).value<sim::Scenario>(); }

    template <typename T>
    static T* inputOf(const ScenarioEditor& editor, const char* path)
    {
        QWidget* widget = editor.fieldWidget(QString::fromLatin1(path));
        if (widget == nullptr)
            return nullptr;
        if (auto* self = qobject_cast<T*>(widget))
            return self;
        return widget->findChild<T*>();
    }

    static QString shownText(const ScenarioEditor& editor, const char* path)
    {
        const auto* field = qobject_cast<FieldEditor*>(editor.fieldWidget(QString::fromLatin1(path)));
        return field != nullptr ? field->valueText() : QString();
    }

    static bool shown(const ScenarioEditor& editor, const char* path)
    {
        const QWidget* widget = editor.fieldWidget(QString::fromLatin1(path));
        return widget != nullptr && widget->isVisibleTo(&editor);
    }

    static void switchToEpp(ScenarioEditor& editor)
    {
        QVERIFY(editor.setFieldText(QStringLiteral("routing.policy"), QStringLiteral("epp")));
    }

    static void choosePrecise(ScenarioEditor& editor)
    {
        auto* profile = qobject_cast<QComboBox*>(editor.fieldWidget(QStringLiteral("routing.profile")));
        QVERIFY(profile != nullptr);
        profile->setCurrentIndex(profile->findText(QStringLiteral("precise")));
        QCOMPARE(profile->currentText(), QStringLiteral("precise"));
    }

private Q_SLOTS:
    void everyKeyHasAWidget()
    {
        ScenarioEditor editor;
        for (const sim::FieldSpec& field : sim::scenarioFields())
            QVERIFY2(editor.fieldWidget(QString::fromStdString(field.path)) != nullptr, field.path.c_str());
        for (const sim::GroupSpec& group : sim::scenarioGroups()) {
            if (group.distribution)
                QVERIFY2(editor.fieldWidget(QString::fromStdString(group.path)) != nullptr, group.path.c_str());
        }
    }

    void setScenarioFillsWidgetsAndEmitsNothing()
    {
        ScenarioEditor editor;
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        QSignalSpy validity(&editor, &ScenarioEditor::validityChanged);
        editor.setScenario(defaultScenario());
        QCOMPARE(edited.count(), 0);
        QCOMPARE(validity.count(), 0);
        QVERIFY(!editor.hasErrors());

        // default.yaml: block_size 16, pods 3, gpu_memory_utilization 0.7, ...
        QCOMPARE(shownText(editor, "vllm.block_size"), QStringLiteral("16"));
        auto* slider = inputOf<QSlider>(editor, "vllm.block_size");
        QVERIFY(slider != nullptr);
        QCOMPARE(slider->value(), 2); // 1, 8, [16], 32, 64, 128
        auto* pods = inputOf<QSpinBox>(editor, "cluster.pods");
        QVERIFY(pods != nullptr);
        QCOMPARE(pods->value(), 3);
        QCOMPARE(pods->maximum(), 256);
        auto* podSlider = inputOf<QSlider>(editor, "cluster.pods");
        QVERIFY(podSlider != nullptr);
        QCOMPARE(podSlider->value(), 3);
        auto* memory = inputOf<QDoubleSpinBox>(editor, "vllm.gpu_memory_utilization");
        QVERIFY(memory != nullptr);
        QCOMPARE(memory->value(), 0.7);
        auto* maxLen = inputOf<QSpinBox>(editor, "vllm.max_model_len");
        QVERIFY(maxLen != nullptr);
        QCOMPARE(maxLen->value(), 4096);
        QCOMPARE(maxLen->suffix(), QStringLiteral(" tokens"));
        auto* duration = inputOf<QDoubleSpinBox>(editor, "duration");
        QVERIFY(duration != nullptr);
        QCOMPARE(duration->value(), 240.0);
        QCOMPARE(duration->suffix(), QStringLiteral(" s"));
        auto* policy = inputOf<QComboBox>(editor, "routing.policy");
        QVERIFY(policy != nullptr);
        QCOMPARE(policy->currentText(), QStringLiteral("kube-service"));
        QCOMPARE(policy->count(), 6);
        auto* affinity = inputOf<QComboBox>(editor, "routing.service.session_affinity");
        QVERIFY(affinity != nullptr);
        QCOMPARE(affinity->currentText(), QStringLiteral("ClientIP"));
        auto* prefixCaching = inputOf<QCheckBox>(editor, "vllm.enable_prefix_caching");
        QVERIFY(prefixCaching != nullptr);
        QVERIFY(prefixCaching->isChecked());
        auto* seedSet = inputOf<QCheckBox>(editor, "vllm.python_hash_seed");
        auto* seedText = inputOf<QLineEdit>(editor, "vllm.python_hash_seed");
        QVERIFY(seedSet != nullptr && seedText != nullptr);
        QVERIFY(seedSet->isChecked());
        QCOMPARE(seedText->text(), QStringLiteral("42"));
        QCOMPARE(shownText(editor, "vllm.num_gpu_blocks_override"), QStringLiteral("null"));
        QCOMPARE(shownText(editor, "workload.chat.turns.type"), QStringLiteral("uniform"));
        QCOMPARE(shownText(editor, "workload.chat.turns.min"), QStringLiteral("3"));
        QCOMPARE(shownText(editor, "workload.chat.turns.max"), QStringLiteral("7"));

        // Tooltips carry the schema's help and range.
        const QString tip = editor.fieldWidget(QStringLiteral("cluster.pods"))->toolTip();
        QVERIFY2(tip.contains(QStringLiteral("Decode pods")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("[1, 256]")), qPrintable(tip));

        // enable_chunked_prefill: false is accepted with a warning.
        QVERIFY(editor.warningText().contains(QStringLiteral("enable_chunked_prefill")));
    }

    // Every editor shows what the schema reads from the scenario, in setField's own terms.
    void editorsShowTheScenarioValues_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const auto& [name, description] : sim::builtinScenarioList())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void editorsShowTheScenarioValues()
    {
        QFETCH(QString, scenario);
        const auto loaded = sim::builtinScenario(scenario.toStdString());
        QVERIFY(loaded.has_value());
        ScenarioEditor editor;
        editor.setScenario(*loaded);
        QVERIFY2(!editor.hasErrors(), qPrintable(scenario));
        for (const sim::FieldSpec& field : sim::scenarioFields()) {
            const auto* widget = qobject_cast<FieldEditor*>(editor.fieldWidget(QString::fromStdString(field.path)));
            if (widget == nullptr)
                continue; // the EPP keys have their own editor
            QCOMPARE(widget->valueText(), QString::fromStdString(sim::fieldValueText(*loaded, field.path)));
        }
    }

    void blockSizeEditEmitsScenario()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        QVERIFY(editor.setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("32")));
        QCOMPARE(edited.count(), 1);
        QCOMPARE(lastEmitted(edited).vllm.blockSize, 32);
        QCOMPARE(editor.scenario().vllm.blockSize, 32);
        QCOMPARE(inputOf<QSlider>(editor, "vllm.block_size")->value(), 3);

        // Dragging the slider snaps to allowed sizes and emits each one.
        inputOf<QSlider>(editor, "vllm.block_size")->setValue(4);
        QCOMPARE(edited.count(), 2);
        QCOMPARE(lastEmitted(edited).vllm.blockSize, 64);

        // The pod slider and spin box are one value.
        inputOf<QSlider>(editor, "cluster.pods")->setValue(5);
        QCOMPARE(inputOf<QSpinBox>(editor, "cluster.pods")->value(), 5);
        QCOMPARE(lastEmitted(edited).cluster.pods, 5);
    }

    void refusedValueIsMarkedInline()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        QSignalSpy validity(&editor, &ScenarioEditor::validityChanged);
        QVERIFY(!editor.setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("17")));
        QCOMPARE(edited.count(), 0);
        QVERIFY(editor.hasErrors());
        const QString error = editor.errorText(QStringLiteral("vllm.block_size"));
        QVERIFY2(error.contains(QStringLiteral("1, 8, 16, 32, 64, 128")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("17")), qPrintable(error));
        QCOMPARE(editor.scenario().vllm.blockSize, 16);
        QCOMPARE(validity.count(), 1);
        QCOMPARE(validity.last().at(0).toBool(), false);
        // The message is visible under the field.
        auto* message =
            editor.fieldWidget(QStringLiteral("vllm.block_size"))->findChild<QLabel*>(QStringLiteral("fieldMessage"));
        QVERIFY(message != nullptr);
        QVERIFY(message->isVisibleTo(&editor));
        QCOMPARE(message->text(), error);

        // A range error of a spin box key says the range.
        QVERIFY(!editor.setFieldText(QStringLiteral("vllm.gpu_memory_utilization"), QStringLiteral("0")));
        QVERIFY(editor.errorText(QStringLiteral("vllm.gpu_memory_utilization")).contains(QStringLiteral("(0, 1]")));

        // Valid values clear the marks.
        QVERIFY(editor.setFieldText(QStringLiteral("vllm.gpu_memory_utilization"), QStringLiteral("0.8")));
        QVERIFY(editor.setFieldText(QStringLiteral("vllm.block_size"), QStringLiteral("8")));
        QVERIFY(editor.errorText(QStringLiteral("vllm.block_size")).isEmpty());
        QVERIFY(!editor.hasErrors());
        QVERIFY(!message->isVisibleTo(&editor));
        QCOMPARE(validity.last().at(0).toBool(), true);
        QCOMPARE(edited.count(), 2);
    }

    void crossKeyErrorIsMarkedWhereItPoints()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        // max_num_seqs 4096 > max_num_batched_tokens 2048 (vLLM's SchedulerConfig refuses it),
        // typed into the spin box.
        auto* seqs = inputOf<QSpinBox>(editor, "vllm.max_num_seqs");
        QVERIFY(seqs != nullptr);
        seqs->setValue(4096);
        QCOMPARE(edited.count(), 0);
        QVERIFY(editor.hasErrors());
        const QString error = editor.errorText(QStringLiteral("vllm.max_num_batched_tokens"));
        QVERIFY2(error.contains(QStringLiteral("max_num_seqs")), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("4096")));
        QCOMPARE(editor.scenario().vllm.maxNumSeqs, 256);

        // Raising the budget makes the pair valid; both values are in the emitted scenario.
        QVERIFY(editor.setFieldText(QStringLiteral("vllm.max_num_batched_tokens"), QStringLiteral("8192")));
        QCOMPARE(edited.count(), 1);
        QCOMPARE(lastEmitted(edited).vllm.maxNumSeqs, 4096);
        QCOMPARE(lastEmitted(edited).vllm.maxNumBatchedTokens, 8192);
        QVERIFY(!editor.hasErrors());
        QVERIFY(editor.errorText(QStringLiteral("vllm.max_num_batched_tokens")).isEmpty());
    }

    void optionalKeysSwitchBetweenNullAndAValue()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        auto* set = inputOf<QCheckBox>(editor, "vllm.num_gpu_blocks_override");
        auto* blocks = inputOf<QSpinBox>(editor, "vllm.num_gpu_blocks_override");
        QVERIFY(set != nullptr && blocks != nullptr);
        QVERIFY(!set->isChecked());
        QVERIFY(!blocks->isEnabled());
        QCOMPARE(blocks->text(), QStringLiteral("auto"));

        QVERIFY(editor.setFieldText(QStringLiteral("vllm.num_gpu_blocks_override"), QStringLiteral("20000")));
        QVERIFY(set->isChecked());
        QVERIFY(blocks->isEnabled());
        QCOMPARE(blocks->value(), 20000);
        QCOMPARE(lastEmitted(edited).vllm.numGpuBlocksOverride.value_or(0), 20000);
        set->setChecked(false);
        QVERIFY(!lastEmitted(edited).vllm.numGpuBlocksOverride.has_value());

        // PYTHONHASHSEED is text: "42" stays a string, unchecked is null.
        auto* seedSet = inputOf<QCheckBox>(editor, "vllm.python_hash_seed");
        seedSet->setChecked(false);
        QVERIFY(!lastEmitted(edited).vllm.pythonHashSeed.has_value());
        seedSet->setChecked(true);
        QCOMPARE(lastEmitted(edited).vllm.pythonHashSeed.value_or(""), std::string("42"));
    }

    void errorsAtHiddenKeysShowAtTheTop()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario()); // kube-service: header_hash is not shown
        QVERIFY(!editor.setFieldText(QStringLiteral("routing.header_hash.header"), QStringLiteral("\"\"")));
        auto* banner = editor.findChild<QLabel*>(QStringLiteral("hiddenErrors"));
        QVERIFY(banner != nullptr);
        QVERIFY(banner->isVisibleTo(&editor));
        QVERIFY2(banner->text().contains(QStringLiteral("routing.header_hash.header")), qPrintable(banner->text()));
        QVERIFY(editor.setFieldText(QStringLiteral("routing.header_hash.header"), QStringLiteral("x-user")));
        QVERIFY(!banner->isVisibleTo(&editor));
    }

    void policyShowsOnlyItsKeys()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QVERIFY(shown(editor, "routing.service.session_affinity"));
        QVERIFY(!shown(editor, "routing.epp_plugins"));
        QVERIFY(!shown(editor, "routing.profile"));
        QVERIFY(!shown(editor, "routing.header_hash.header"));
        QVERIFY(shown(editor, "routing.gateway_delay"));

        switchToEpp(editor);
        QVERIFY(shown(editor, "routing.epp_plugins"));
        QVERIFY(shown(editor, "routing.profile"));
        QVERIFY(shown(editor, "routing.scrape_interval"));
        QVERIFY(!shown(editor, "routing.service.session_affinity"));
        QVERIFY(!shown(editor, "routing.service.timeout_seconds"));
        QVERIFY(shown(editor, "routing.gateway_delay"));

        QVERIFY(editor.setFieldText(QStringLiteral("routing.policy"), QStringLiteral("header-hash")));
        QVERIFY(shown(editor, "routing.header_hash.header"));
        QVERIFY(!shown(editor, "routing.epp_plugins"));
    }

    void workloadTypeShowsOnlyItsKeys()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QVERIFY(shown(editor, "workload.chat.users_per_second"));
        QVERIFY(shown(editor, "workload.chat.turns"));
        QVERIFY(!shown(editor, "workload.shared_prefix.stages"));
        QVERIFY(!shown(editor, "workload.path"));
        // uniform reads min and max only; lognormal adds mean and stddev.
        QVERIFY(!shown(editor, "workload.chat.turns.stddev"));
        QVERIFY(!shown(editor, "workload.chat.turns.mean"));
        QVERIFY(shown(editor, "workload.chat.message_tokens.stddev"));

        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        QVERIFY(editor.setFieldText(QStringLiteral("workload.type"), QStringLiteral("shared-prefix")));
        QVERIFY(!shown(editor, "workload.chat.users_per_second"));
        QVERIFY(shown(editor, "workload.shared_prefix.stages"));
        // default.yaml gives client_ips: per-session, which the key sets for every workload type.
        QCOMPARE(shownText(editor, "workload.client_ips"), QStringLiteral("per-session"));

        // The stage table: one stage of the default (15 req/s for 50 s), then a copy added.
        auto* stages = qobject_cast<kvroute::app::StageListEditor*>(
            editor.fieldWidget(QStringLiteral("workload.shared_prefix.stages")));
        QVERIFY(stages != nullptr);
        QCOMPARE(stages->table()->rowCount(), 1);
        auto* add = stages->findChild<QToolButton*>();
        QVERIFY(add != nullptr);
        add->click();
        QCOMPARE(lastEmitted(edited).workload.sharedPrefix.stages.size(), std::size_t{2});
        auto* rate = qobject_cast<QDoubleSpinBox*>(stages->table()->cellWidget(1, 0));
        QVERIFY(rate != nullptr);
        rate->setValue(30.0);
        QCOMPARE(lastEmitted(edited).workload.sharedPrefix.stages.at(1).rate, 30.0);
        QCOMPARE(lastEmitted(edited).workload.sharedPrefix.stages.at(0).rate, 15.0);

        QVERIFY(!editor.setFieldText(QStringLiteral("workload.type"), QStringLiteral("mooncake")));
        QVERIFY(shown(editor, "workload.path"));
        QVERIFY(editor.errorText(QStringLiteral("workload.path")).contains(QStringLiteral("required")));
    }

    void distributionErrorsShowInTheRow()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        QVERIFY(!editor.setFieldText(QStringLiteral("workload.chat.turns.min"), QStringLiteral("9")));
        QCOMPARE(edited.count(), 0);
        const QString error = editor.errorText(QStringLiteral("workload.chat.turns.min"));
        QVERIFY2(error.contains(QStringLiteral("must not exceed")), qPrintable(error));
        // A whole distribution may be given as a bare number (a constant).
        QVERIFY(editor.setFieldText(QStringLiteral("workload.chat.turns"), QStringLiteral("4")));
        QCOMPARE(shownText(editor, "workload.chat.turns.type"), QStringLiteral("constant"));
        QVERIFY(shown(editor, "workload.chat.turns.mean"));
        QCOMPARE(lastEmitted(edited).workload.chat.turnsPerSession.mean, 4.0);
    }

    void eppProfileFillsTheScorerTable()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        switchToEpp(editor);
        EppPluginEditor* epp = editor.eppEditor();
        QVERIFY(epp != nullptr);
        // The scenario's default profile, approximate: three scorers of weight 1.
        QCOMPARE(epp->profileCombo()->currentText(), QStringLiteral("approximate"));
        QCOMPARE(epp->scorerTable()->rowCount(), 3);

        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        choosePrecise(editor);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(lastEmitted(edited).routing.epp.profile, std::string("precise"));
        QVERIFY(lastEmitted(edited).routing.epp.plugins.empty());

        QTableWidget* table = epp->scorerTable();
        QCOMPARE(table->rowCount(), 3);
        const auto scorer = [&](int row) { return qobject_cast<QComboBox*>(table->cellWidget(row, 0))->currentText(); };
        const auto weight = [&](int row) { return qobject_cast<QDoubleSpinBox*>(table->cellWidget(row, 1))->value(); };
        QCOMPARE(scorer(0), QStringLiteral("precise-prefix-cache-scorer"));
        QCOMPARE(weight(0), 3.0);
        QCOMPARE(scorer(1), QStringLiteral("kv-cache-utilization-scorer"));
        QCOMPARE(weight(1), 2.0);
        QCOMPARE(scorer(2), QStringLiteral("queue-scorer"));
        QCOMPARE(weight(2), 2.0);
        QCOMPARE(epp->pickerCombo()->currentText(), QStringLiteral("max-score-picker"));
        // Only scorers are offered in the table; pickers in the picker combo.
        auto* types = qobject_cast<QComboBox*>(table->cellWidget(0, 0));
        QVERIFY(types->findText(QStringLiteral("queue-scorer")) >= 0);
        QCOMPARE(types->findText(QStringLiteral("max-score-picker")), -1);
        QVERIFY(epp->pickerCombo()->findText(QStringLiteral("weighted-random-picker")) >= 0);

        // The precise index without kv_events: a warning, not an error.
        QVERIFY(editor.warningText().contains(QStringLiteral("kv_events")));
    }

    void editingAScorerWeightWritesThePlugins()
    {
        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        switchToEpp(editor);
        choosePrecise(editor);
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        QTableWidget* table = editor.eppEditor()->scorerTable();
        qobject_cast<QDoubleSpinBox*>(table->cellWidget(0, 1))->setValue(5.0);
        QCOMPARE(edited.count(), 1);

        const sim::PluginList plugins = lastEmitted(edited).routing.epp.plugins;
        QCOMPARE(plugins.size(), std::size_t{5});
        QCOMPARE(plugins.front().type, std::string("decode-filter"));
        QCOMPARE(plugins.back().type, std::string("max-score-picker"));
        const auto precise = std::ranges::find(plugins, std::string("precise-prefix-cache-scorer"),
                                               &sim::EppPluginConfig::type);
        QVERIFY(precise != plugins.end());
        QCOMPARE(precise->weight, 5.0);
        // Its parameters stay (blockSize 64, hashSeed "42" in the profile).
        QCOMPARE(precise->parameters.at("indexerConfig.tokenProcessorConfig.blockSize"), std::string("64"));
        const auto queue = std::ranges::find(plugins, std::string("queue-scorer"), &sim::EppPluginConfig::type);
        QVERIFY(queue != plugins.end());
        QCOMPARE(queue->weight, 2.0);
        QCOMPARE(editor.eppEditor()->profileCombo()->currentText(), QStringLiteral("custom"));
        // The table was not rebuilt under the spin box being edited.
        QCOMPARE(qobject_cast<QDoubleSpinBox*>(table->cellWidget(0, 1))->value(), 5.0);

        // Choosing the picker writes it in place of max-score-picker.
        editor.eppEditor()->pickerCombo()->setCurrentText(QStringLiteral("random-picker"));
        QCOMPARE(lastEmitted(edited).routing.epp.plugins.back().type, std::string("random-picker"));
        QCOMPARE(lastEmitted(edited).routing.epp.plugins.size(), std::size_t{5});

        // Removing the selected scorer keeps the others in order.
        table->selectRow(1);
        const auto buttons = editor.eppEditor()->findChildren<QToolButton*>();
        const auto remove = std::ranges::find(buttons, QStringLiteral("−"), &QToolButton::text);
        QVERIFY(remove != buttons.end());
        (*remove)->click();
        const sim::PluginList left = lastEmitted(edited).routing.epp.plugins;
        QCOMPARE(left.size(), std::size_t{4});
        QCOMPARE(left.at(1).type, std::string("precise-prefix-cache-scorer"));
        QCOMPARE(left.at(2).type, std::string("queue-scorer"));
        QCOMPARE(table->rowCount(), 2);
    }

    void loadingAnEndpointPickerConfig()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bad = dir.filePath(QStringLiteral("bad.yaml"));
        const QString good = dir.filePath(QStringLiteral("good.yaml"));
        const auto write = [](const QString& path, const char* text) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text);
        };
        write(bad, "apiVersion: inference.networking.x-k8s.io/v1alpha1\n"
                   "kind: EndpointPickerConfig\n"
                   "plugins:\n"
                   "- type: no-such-scorer\n");
        write(good, "apiVersion: inference.networking.x-k8s.io/v1alpha1\n"
                    "kind: EndpointPickerConfig\n"
                    "plugins:\n"
                    "- type: queue-scorer\n"
                    "- type: max-score-picker\n"
                    "schedulingProfiles:\n"
                    "- name: default\n"
                    "  plugins:\n"
                    "  - pluginRef: queue-scorer\n"
                    "    weight: 4\n"
                    "  - pluginRef: max-score-picker\n");

        ScenarioEditor editor;
        editor.setScenario(defaultScenario());
        switchToEpp(editor);
        QSignalSpy edited(&editor, &ScenarioEditor::scenarioEdited);
        EppPluginEditor* epp = editor.eppEditor();
        QVERIFY(!epp->loadConfigFile(bad));
        QCOMPARE(edited.count(), 0);
        auto* message = epp->findChild<QLabel*>(QStringLiteral("eppMessage"));
        QVERIFY(message != nullptr);
        QVERIFY(message->isVisibleTo(&editor));
        // file:line:column of the unknown type (line 4).
        QVERIFY2(message->text().contains(bad + QStringLiteral(":4:")), qPrintable(message->text()));

        QVERIFY(epp->loadConfigFile(good));
        QCOMPARE(edited.count(), 1);
        const sim::PluginList plugins = lastEmitted(edited).routing.epp.plugins;
        QCOMPARE(plugins.size(), std::size_t{2});
        QCOMPARE(plugins.at(0).type, std::string("queue-scorer"));
        QCOMPARE(plugins.at(0).weight, 4.0);
        QCOMPARE(plugins.at(1).type, std::string("max-score-picker"));
        QVERIFY(!message->isVisibleTo(&editor));
        QCOMPARE(epp->scorerTable()->rowCount(), 1);
    }
};

QTEST_MAIN(TestScenarioEditor)
#include "tst_scenario_editor.moc"
