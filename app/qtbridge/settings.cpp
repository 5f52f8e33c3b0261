#include "app/qtbridge/settings.h"

namespace kvroute::app {

namespace {
const QString kGeometry = QStringLiteral("MainWindow/geometry");
const QString kState = QStringLiteral("MainWindow/state");
const QString kLastScenario = QStringLiteral("Scenario/last");
const QString kLastScenarioYaml = QStringLiteral("Scenario/lastYaml");
const QString kRecentFiles = QStringLiteral("Scenario/recentFiles");
} // namespace

Settings::Settings() = default;

void Settings::store(const QString& key, const QVariant& value)
{
    if (!m_readOnly)
        m_settings.setValue(key, value);
}

QByteArray Settings::windowGeometry() const { return m_settings.value(kGeometry).toByteArray(); }
void Settings::setWindowGeometry(const QByteArray& value) { store(kGeometry, value); }
QByteArray Settings::windowState() const { return m_settings.value(kState).toByteArray(); }
void Settings::setWindowState(const QByteArray& value) { store(kState, value); }

QString Settings::lastScenario() const
{
    return m_settings.value(kLastScenario, QStringLiteral("default")).toString();
}
void Settings::setLastScenario(const QString& value) { store(kLastScenario, value); }
QString Settings::lastScenarioYaml() const { return m_settings.value(kLastScenarioYaml).toString(); }
void Settings::setLastScenarioYaml(const QString& value) { store(kLastScenarioYaml, value); }

QStringList Settings::recentFiles() const { return m_settings.value(kRecentFiles).toStringList(); }

void Settings::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    store(kRecentFiles, files);
}

} // namespace kvroute::app
