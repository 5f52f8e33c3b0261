// kvroute-gui --screenshot NAME as a user types it. A name without a suffix gets ".png" (it
// wrote PNG data to a file with no suffix); a suffix picks the format ("shot.bmp" is a BMP, not
// PNG data under that name); a suffix no image writer knows is refused at once, naming the file
// and the formats there are, and nothing is written. Where the image went is printed on stdout.

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImageReader>
#include <QtTest/QtTest>

#include "gui_process_support.h"

namespace {

using kvroute::test::GuiRun;

/// kvroute-gui --screenshot `name` on the smallest built-in scenario, run in `dir` with its
/// settings kept there.
GuiRun screenshot(const QTemporaryDir& dir, const QString& name)
{
    return kvroute::test::runGui({QStringLiteral("--screenshot"), name, QStringLiteral("--scenario"),
                                  QStringLiteral("seed-cache-test"), QStringLiteral("--size"), QStringLiteral("800x600")},
                                 dir.filePath(QStringLiteral("config")), dir.path());
}

QByteArray imageFormat(const QString& path)
{
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    return reader.format();
}

} // namespace

class TestScreenshotFileName final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aNameWithoutSuffixGetsPng()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const GuiRun run = screenshot(dir, QStringLiteral("shot"));
        QVERIFY2(run.finished && run.exitCode == 0, qPrintable(run.standardError));
        const QString written = dir.filePath(QStringLiteral("shot.png"));
        QVERIFY2(QFileInfo::exists(written), qPrintable(QDir(dir.path()).entryList(QDir::Files).join(u' ')));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("shot"))));
        QCOMPARE(imageFormat(written), QByteArray("png"));
        // Where it went, as an absolute path (the name was relative to the working folder).
        const QString absolute = QDir::toNativeSeparators(QFileInfo(written).absoluteFilePath());
        QVERIFY2(run.standardOutput.contains(QStringLiteral("wrote ") + absolute), qPrintable(run.standardOutput));
    }

    void theSuffixPicksTheFormat()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const GuiRun run = screenshot(dir, dir.filePath(QStringLiteral("shot.bmp")));
        QVERIFY2(run.finished && run.exitCode == 0, qPrintable(run.standardError));
        QCOMPARE(imageFormat(dir.filePath(QStringLiteral("shot.bmp"))), QByteArray("bmp"));
        QVERIFY2(run.standardOutput.contains(QStringLiteral("shot.bmp")), qPrintable(run.standardOutput));
    }

    void anUnknownSuffixIsRefusedNamingTheFormats()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const GuiRun run = screenshot(dir, QStringLiteral("shot.xyz"));
        QVERIFY(run.finished);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.standardError.contains(QStringLiteral("shot.xyz")) && run.standardError.contains(QStringLiteral("png")),
                 qPrintable(run.standardError));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestScreenshotFileName)
#include "tst_screenshot_file_name.moc"
