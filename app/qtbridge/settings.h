#pragma once
// Typed application settings: every key, its type and default declared once (qBittorrent's
// habit), stored with QSettings. Nothing secret is ever stored here.

#include <QtCore/QByteArray>
#include <QtCore/QSettings>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace kvroute::app {

class Settings {
public:
    Settings();

    /// A read-only instance reads the stored values but never writes: a scripted run (the
    /// screenshot mode) must not change what the next interactive start opens.
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    [[nodiscard]] bool isReadOnly() const { return m_readOnly; }

    [[nodiscard]] QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& value);
    [[nodiscard]] QByteArray windowState() const;
    void setWindowState(const QByteArray& value);

    /// The scenario shown last: a built-in name or a file path.
    [[nodiscard]] QString lastScenario() const;
    void setLastScenario(const QString& value);
    /// The edited scenario as YAML, so unsaved edits survive a restart.
    [[nodiscard]] QString lastScenarioYaml() const;
    void setLastScenarioYaml(const QString& value);

    [[nodiscard]] QStringList recentFiles() const;
    /// Moves `path` to the front; keeps at most kMaxRecentFiles.
    void addRecentFile(const QString& path);
    static constexpr int kMaxRecentFiles = 8;

private:
    void store(const QString& key, const QVariant& value);

    QSettings m_settings;
    bool m_readOnly = false;
};

} // namespace kvroute::app
