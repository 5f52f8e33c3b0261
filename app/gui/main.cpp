// kvroute-gui: interactive what-if tuning of KV-cache-aware routing.
//
//   kvroute-gui [--scenario NAME|FILE] [--set KEY=VALUE]... [--stack DIR] [--sweep-results FILE]
//       --sweep-results shows a results file (kvroute sweep --out) in the Sweep tab; without
//       --scenario or --set the side panel shows the built-in scenario the sweep varied (the
//       file records only its fingerprint), else the Sweep tab notes that it shows another.
//   kvroute-gui --screenshot FILE.png [--scenario NAME|FILE] [--set KEY=VALUE]... [--tab NAME]
//               [--size WxH] [--stack DIR]
//       renders the window after the first run completes, writes the image, prints its path on
//       stdout and exits (status 0); when the run fails it renders the error, prints it on stderr
//       and exits with status 1. The file name's suffix picks the image format (png, jpg, bmp,
//       ...: those Qt's image plugins write); a name without a suffix gets ".png" appended, and an
//       unknown suffix is refused at once (status 2) with the formats there are.
//       A tab shown only for some results (Stages) is picked once the run is shown; status 1
//       when the run has none.
//       With --tab Live --stack DIR it attaches the Live tab to the stack in DIR and waits for
//       the first live refresh and the stack's simulation instead (30 s at most).
//       The screenshot mode leaves the user's settings untouched.
//   --help and --version need no display; anything else without one prints why and exits 1.

#include "app/gui/live/live_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/sweep/sweep_panel.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QTimer>
#include <QtGui/QImageWriter>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTabWidget>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace {

int screenshotTabIndex(QTabWidget* tabs, const QString& name)
{
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->tabText(i).compare(name, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

/// Where --screenshot writes, and in which image format.
struct ScreenshotFile {
    QString path;
    QByteArray format;
};

/// The file `given` names for --screenshot: its suffix picks the format, and a name without one
/// gets ".png" (a bare "shot" was written as PNG data in a file with no suffix). An unknown suffix
/// is refused with the reason in `error`, naming the formats Qt's image plugins can write.
std::optional<ScreenshotFile> screenshotFile(const QString& given, QString& error)
{
    ScreenshotFile file{given, QByteArrayLiteral("png")};
    const QString suffix = QFileInfo(given).suffix().toLower();
    if (suffix.isEmpty()) {
        file.path += QStringLiteral(".png");
        return file;
    }
    QStringList formats;
    for (const QByteArray& format : QImageWriter::supportedImageFormats())
        formats << QString::fromLatin1(format).toLower();
    formats.removeDuplicates();
    formats.sort();
    if (!formats.contains(suffix)) {
        error = QStringLiteral("cannot write the screenshot %1: its suffix \".%2\" is no image format this program "
                               "writes (%3; a name without a suffix gets .png)")
                    .arg(given, suffix, formats.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    file.format = suffix.toLatin1();
    return file;
}

/// Writes the window to `file`, saying where on stdout (or why not on stderr).
bool saveScreenshot(QWidget& window, const ScreenshotFile& file)
{
    const bool saved = window.grab().save(file.path, file.format.constData());
    const QString where = QDir::toNativeSeparators(QFileInfo(file.path).absoluteFilePath());
    if (saved)
        std::printf("kvroute-gui: wrote %s\n", qPrintable(where));
    else
        std::fprintf(stderr, "kvroute-gui: cannot write %s\n", qPrintable(file.path));
    std::fflush(stdout);
    return saved;
}

/// Grabs the window once the first run has been shown, or its error, and quits: 0 after
/// results, 1 after an error or when the image cannot be written. `tab` (-1: none) is picked
/// again once the results are shown: a tab hidden until then (Stages) could not be picked before.
void armScreenshot(kvroute::app::MainWindow& window, const ScreenshotFile& file, int tab)
{
    auto grabAndExit = [&window, file](int status) {
        // Let layouts and charts settle for a moment before grabbing.
        QTimer::singleShot(300, &window, [&window, file, status] {
            const bool saved = saveScreenshot(window, file);
            QApplication::exit(saved ? status : 1);
        });
    };
    // The first outcome decides: a later signal (none is expected) must not grab twice.
    auto done = std::make_shared<bool>(false);
    QObject::connect(&window, &kvroute::app::MainWindow::resultsShown, &window, [&window, grabAndExit, done, tab] {
        if (std::exchange(*done, true))
            return;
        if (tab >= 0) {
            if (!window.tabs()->isTabVisible(tab)) {
                std::fprintf(stderr, "kvroute-gui: the run has no %s to show\n", qPrintable(window.tabs()->tabText(tab)));
                QApplication::exit(1);
                return;
            }
            window.tabs()->setCurrentIndex(tab);
        }
        grabAndExit(0);
    });
    QObject::connect(&window, &kvroute::app::MainWindow::runErrorShown, &window,
                     [grabAndExit, done](const QString& message) {
                         if (std::exchange(*done, true))
                             return;
                         std::fprintf(stderr, "kvroute-gui: %s\n", qPrintable(message));
                         grabAndExit(1);
                     });
}

/// The Live tab's screenshot: once the tab shows a refresh beside its simulation, or exit 1
/// when the stack cannot be attached or nothing arrives within 30 s.
void armLiveScreenshot(kvroute::app::MainWindow& window, const ScreenshotFile& file)
{
    constexpr int kLiveTimeoutMs = 30000;
    kvroute::app::LivePanel* live = window.livePanel();
    auto done = std::make_shared<bool>(false);
    auto finish = [&window, file, done](int status) {
        if (std::exchange(*done, true))
            return;
        QTimer::singleShot(300, &window, [&window, file, status] {
            const bool saved = saveScreenshot(window, file);
            QApplication::exit(saved ? status : 1);
        });
    };
    QObject::connect(live, &kvroute::app::LivePanel::liveViewReady, &window, [finish] { finish(0); });
    QObject::connect(live, &kvroute::app::LivePanel::liveErrorShown, &window,
                     [finish, done](const QString& message, bool fatal) {
                         if (!fatal || *done)
                             return;
                         std::fprintf(stderr, "kvroute-gui: %s\n", qPrintable(message));
                         finish(1);
                     });
    QTimer::singleShot(kLiveTimeoutMs, &window, [live, finish, done] {
        if (*done)
            return;
        const QString error = live->errorText();
        std::fprintf(stderr, "kvroute-gui: the Live tab had no refresh and simulation within 30 s: %s\n",
                     qPrintable(error.isEmpty() ? live->connectionText() : error));
        finish(1);
    });
}

bool asksForHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

/// The Qt platform this run would use: `-platform NAME` (or `-platform=NAME`) beats
/// QT_QPA_PLATFORM, which beats Qt's default ("").
QString requestedPlatform(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if ((arg == "-platform" || arg == "--platform") && i + 1 < argc)
            return QString::fromLocal8Bit(argv[i + 1]);
        for (const std::string_view prefix : {"-platform=", "--platform="})
            if (arg.starts_with(prefix))
                return QString::fromLocal8Bit(arg.substr(prefix.size()));
    }
    return qEnvironmentVariable("QT_QPA_PLATFORM");
}

/// Why no window can be opened ("" when one may be): Qt's default and its xcb and wayland
/// platforms all need a display, and without one QApplication aborts with a core dump. Any other
/// platform (offscreen, vnc, eglfs, ...) anywhere in a ';' fallback list is left to Qt.
QString missingDisplay(int argc, char** argv)
{
    if (!qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        return {};
    const QStringList platforms = requestedPlatform(argc, argv).split(QLatin1Char(';'));
    const bool allNeedADisplay = std::ranges::all_of(platforms, [](const QString& entry) {
        const QString name = entry.section(QLatin1Char(':'), 0, 0).trimmed(); // "xcb:option=..."
        return name.isEmpty() || name.startsWith(QLatin1String("xcb")) || name.startsWith(QLatin1String("wayland"));
    });
    if (!allNeedADisplay)
        return {};
    return QStringLiteral("no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set). Start it in a "
                          "desktop session, or with QT_QPA_PLATFORM=offscreen for --screenshot; --help and --version "
                          "need no display.");
}

void exitOnFatalPlatformMessage(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    if (type == QtFatalMsg) {
        std::fputs("kvroute-gui: cannot open a window (see above); --help and --version need no display.\n", stderr);
        std::fflush(stderr);
        std::_Exit(1);
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("kvroute"));
    QCoreApplication::setApplicationName(QStringLiteral("kvroute-gui"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KVROUTE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("kvroute: KV-cache-aware routing what-if tuning"));
    const QCommandLineOption helpOption = parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption scenarioOption(QStringLiteral("scenario"),
                                            QStringLiteral("Built-in scenario name or scenario file."),
                                            QStringLiteral("NAME|FILE"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render after the first run, write the image to FILE, print its path and exit. The suffix picks "
                       "the format (png, jpg, ...); a FILE without one gets .png."),
        QStringLiteral("FILE"));
    const QCommandLineOption tabOption(QStringLiteral("tab"), QStringLiteral("Tab to show (Overview, Pods, ...)."),
                                       QStringLiteral("NAME"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size for the screenshot."),
                                        QStringLiteral("WxH"), QStringLiteral("1400x900"));
    const QCommandLineOption setOption(QStringLiteral("set"),
                                       QStringLiteral("Override a scenario key, as kvroute run --set (repeatable)."),
                                       QStringLiteral("KEY=VALUE"));
    const QCommandLineOption sweepResultsOption(QStringLiteral("sweep-results"),
                                                QStringLiteral("Show a results file of kvroute sweep --out in the Sweep tab."),
                                                QStringLiteral("FILE"));
    const QCommandLineOption stackOption(QStringLiteral("stack"),
                                         QStringLiteral("Attach the Live tab to the local stack in DIR."),
                                         QStringLiteral("DIR"));
    parser.addOptions({scenarioOption, setOption, screenshotOption, tabOption, sizeOption, stackOption, sweepResultsOption});
    // --help and --version are answered before QApplication connects to a display, so they work
    // on a server or over ssh; everything else (Qt's own -platform etc.) goes through Qt first.
    if (asksForHelpOrVersion(argc, argv)) {
        // A QCoreApplication needs no display; without one the usage line would name
        // "<executable_name>" instead of the program.
        const QCoreApplication core(argc, argv);
        const QStringList arguments = QCoreApplication::arguments();
        (void)parser.parse(arguments); // an unknown option does not stop the help
        if (parser.isSet(helpOption) || arguments.contains(QStringLiteral("--help-all"))) {
            std::fputs(qPrintable(parser.helpText()), stdout);
            return 0;
        }
        std::printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
                    qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    if (const QString problem = missingDisplay(argc, argv); !problem.isEmpty()) {
        std::fprintf(stderr, "kvroute-gui: %s\n", qPrintable(problem));
        return 1;
    }
    // A display the checks above could not foresee (a dead X server, say): Qt's fatal message
    // ends the program with status 1 instead of an abort and a core dump.
    const QtMessageHandler previousHandler = qInstallMessageHandler(exitOnFatalPlatformMessage);
    QApplication app(argc, argv);
    qInstallMessageHandler(previousHandler);
    parser.process(app);

    const QString screenshot = parser.value(screenshotOption);
    std::optional<ScreenshotFile> file;
    if (!screenshot.isEmpty()) {
        QString problem;
        file = screenshotFile(screenshot, problem);
        if (!file) {
            std::fprintf(stderr, "kvroute-gui: %s\n", qPrintable(problem));
            return 2;
        }
    }
    kvroute::app::MainWindow window;
    if (file) {
        window.setSettingsReadOnly(true);
        const auto size = parser.value(sizeOption).split(QLatin1Char('x'));
        if (size.size() == 2)
            window.resize(size[0].toInt(), size[1].toInt());
        int tab = -1;
        if (parser.isSet(tabOption)) {
            tab = screenshotTabIndex(window.tabs(), parser.value(tabOption));
            if (tab < 0) {
                QStringList names;
                for (int i = 0; i < window.tabs()->count(); ++i)
                    names << window.tabs()->tabText(i);
                std::fprintf(stderr, "kvroute-gui: no tab named %s; the tabs are %s (any case)\n",
                             qPrintable(parser.value(tabOption)), qPrintable(names.join(QStringLiteral(", "))));
                return 2;
            }
            window.tabs()->setCurrentIndex(tab);
        }
        const bool liveTab = parser.isSet(stackOption) && window.tabs()->currentWidget() == window.livePanel();
        if (liveTab)
            armLiveScreenshot(window, *file);
        else
            armScreenshot(window, *file, tab);
        QTimer::singleShot(120000, &app, [] {
            std::fprintf(stderr, "kvroute-gui: the first run did not finish within 120 s\n");
            QApplication::exit(1);
        });
    }
    window.show();
    if (parser.isSet(stackOption)) {
        if (screenshot.isEmpty())
            window.tabs()->setCurrentWidget(window.livePanel());
        window.livePanel()->attachStack(parser.value(stackOption));
    }
    const QStringList overrides = parser.values(setOption);
    const bool scenarioGiven = parser.isSet(scenarioOption) || !overrides.isEmpty();
    if (scenarioGiven) {
        const QString scenario = parser.isSet(scenarioOption) ? parser.value(scenarioOption) : QStringLiteral("default");
        if (!window.openScenario(scenario, overrides)) {
            std::fprintf(stderr, "kvroute-gui: %s\n", qPrintable(window.errorText()));
            if (!screenshot.isEmpty())
                return 2;
        }
    } else if (!screenshot.isEmpty()) {
        window.openScenario(QStringLiteral("default"));
    } else {
        window.restoreLastSession();
    }
    // After the scenario: unless one was given, the side panel switches to the sweep's own.
    if (parser.isSet(sweepResultsOption)) {
        if (!window.openSweepResults(parser.value(sweepResultsOption), !scenarioGiven)) {
            std::fprintf(stderr, "kvroute-gui: %s\n", qPrintable(window.sweepPanel()->statusText()));
            if (!screenshot.isEmpty())
                return 2;
        } else if (screenshot.isEmpty()) {
            window.tabs()->setCurrentWidget(window.sweepPanel());
        }
    }
    return QApplication::exec();
}
