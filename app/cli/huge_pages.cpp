#include "app/cli/huge_pages.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace kvroute::cli {

namespace {
constexpr const char* kTunable = "glibc.malloc.hugetlb=1";
constexpr const char* kThpModeFile = "/sys/kernel/mm/transparent_hugepage/enabled";
} // namespace

bool shouldReexecForHugePages(const char* glibcTunables, const char* optOut, std::string_view thpEnabled,
                              bool simulating)
{
    if (!simulating || glibcTunables != nullptr)
        return false;
    if (optOut != nullptr && std::string_view(optOut) == "0")
        return false;
    // The file reads e.g. "always [madvise] never": the bracketed word is the mode in force.
    return thpEnabled.find("[always]") != std::string_view::npos ||
           thpEnabled.find("[madvise]") != std::string_view::npos;
}

bool isSimulatingCommand(int argc, char** argv)
{
    if (argc < 2 || argv[1] == nullptr)
        return false;
    const std::string_view command = argv[1];
    return command == "run" || command == "sweep" || command == "compare-report" || command == "conformance";
}

void preferHugePages(char** argv, bool simulating)
{
    if (!simulating)
        return;
    std::string mode;
    if (std::FILE* file = std::fopen(kThpModeFile, "r")) {
        char line[128] = {};
        if (std::fgets(line, sizeof line, file) != nullptr)
            mode = line;
        std::fclose(file);
    }
    if (!shouldReexecForHugePages(std::getenv("GLIBC_TUNABLES"), std::getenv("KVROUTE_HUGE_PAGES"), mode, true))
        return;
    if (::setenv("GLIBC_TUNABLES", kTunable, 1) != 0)
        return;
    ::execv("/proc/self/exe", argv);
    // Still here: no /proc, or the exec failed. Run as we are, and do not leave the tunable set
    // for child processes that would not have asked for it.
    ::unsetenv("GLIBC_TUNABLES");
}

const char* heapPages()
{
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    return tunables != nullptr && std::strstr(tunables, kTunable) != nullptr ? "transparent huge pages" : "4 KiB pages";
}

} // namespace kvroute::cli
