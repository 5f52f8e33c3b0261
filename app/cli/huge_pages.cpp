#include "app/cli/huge_pages.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace kvroute::cli {

namespace {
// The huge-page heap, and no mmap() for blocks below 32 MiB (the ceiling of glibc's own dynamic
// threshold): growing tables (block pools, prefix indexes) then come from the one THP-backed
// heap instead of fresh mappings that are faulted in 4 KiB at a time and unmapped when the
// table grows again (page faults on the 128-pod run: ~3,500 → ~1,400).
constexpr const char* kTunable = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432";
// glibc 2.36 applies every tunable of the list, but /proc/PID/environ (what ps and the tests
// read) keeps only the first: that first one is what says the heap was set up.
constexpr const char* kHugeTunable = "glibc.malloc.hugetlb=1";
constexpr const char* kThpModeFile = "/sys/kernel/mm/transparent_hugepage/enabled";
} // namespace

bool shouldReexecForHugePages(const ReexecContext& c)
{
    if (!c.simulating || c.glibcTunables != nullptr || c.program.empty())
        return false;
    if (c.optOut != nullptr) {
        std::string value(c.optOut);
        std::ranges::transform(value, value.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (value == "0" || value == "false" || value == "no" || value == "off")
            return false;
    }
    if (c.ldPreload != nullptr && std::string_view(c.ldPreload).find("vgpreload") != std::string_view::npos)
        return false;
    const std::string_view file = c.program.substr(c.program.rfind('/') + 1);
    if (file.starts_with("ld-") || file.starts_with("ld.so"))
        return false;
    // The file reads e.g. "always [madvise] never": the bracketed word is the mode in force.
    return c.thpEnabled.find("[always]") != std::string_view::npos ||
           c.thpEnabled.find("[madvise]") != std::string_view::npos;
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
    std::string program(4096, '\0');
    const ssize_t length = ::readlink("/proc/self/exe", program.data(), program.size());
    program.resize(length > 0 && static_cast<std::size_t>(length) < program.size() ? static_cast<std::size_t>(length) : 0);
    ReexecContext context;
    context.glibcTunables = std::getenv("GLIBC_TUNABLES");
    context.optOut = std::getenv("KVROUTE_HUGE_PAGES");
    context.ldPreload = std::getenv("LD_PRELOAD");
    context.thpEnabled = mode;
    context.program = program;
    context.simulating = true;
    if (!shouldReexecForHugePages(context))
        return;
    if (::setenv("GLIBC_TUNABLES", kTunable, 1) != 0)
        return;
    ::execv(program.c_str(), argv);
    // Still here: the exec failed (the file was replaced or removed since we started?). Run as we are, and do not leave the tunable set
    // for child processes that would not have asked for it.
    ::unsetenv("GLIBC_TUNABLES");
}

const char* heapPages()
{
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    return tunables != nullptr && std::strstr(tunables, kHugeTunable) != nullptr ? "transparent huge pages" : "4 KiB pages";
}

} // namespace kvroute::cli
