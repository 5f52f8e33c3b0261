#!/usr/bin/env python3
"""Proves that scripts/debian-packages.txt is complete rather than lucky.

Collects every file the build used from the system -- CMake package configs and cached paths,
headers from the compiler's dependency files, tools named in the generated build rules, shared
libraries the binaries load (ldd) and the interpreters the tests run -- finds the Debian package
that owns each one (dpkg -S), and requires that package to be in the list or in what installing
the list pulls in on a fresh machine: apt-get install --no-install-recommends follows Pre-Depends
and Depends, taking the first alternative of an "a | b" group, plus the base system that
debootstrap lays (Essential or Priority required). A failure names the missing package and the
files that needed it.

Usage: check_package_closure.py --build-dir DIR --packages FILE [--drop PKG]...
  --drop PKG   pretend PKG is not in the list (the test that this check can fail uses it).
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys


def read_package_list(path):
    packages = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            name = line.split("#", 1)[0].strip()
            if name:
                packages.append(name)
    return packages


def outside(path, roots):
    real = os.path.realpath(path)
    return not any(real == r or real.startswith(r + os.sep) for r in roots)


# The tools a build runs; CMake also records others it found (CMAKE_LINKER, CMAKE_OBJDUMP, ...)
# that the compiler driver never calls.
BUILD_TOOL_KEYS = {"CMAKE_CXX_COMPILER", "CMAKE_C_COMPILER", "CMAKE_AR", "CMAKE_RANLIB", "CMAKE_MAKE_PROGRAM"}


def cmake_cache_files(build_dir):
    """Package configs find_package() loaded (*_DIR) and the tools configure chose.

    Other cached paths are left out: FindOpenGL, for one, records optional libraries (EGL, GLU)
    that happen to exist and are never linked; link.txt and ldd say what really is.
    """
    files = set()
    cache = os.path.join(build_dir, "CMakeCache.txt")
    with open(cache, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_.+-]+):(PATH|FILEPATH|STRING|INTERNAL)=(/.*)$", line.strip())
            if not m:
                continue
            key, value = m.group(1), m.group(3)
            if key.endswith("_DIR") and os.path.isdir(value):
                files.update(glob.glob(os.path.join(value, "*[Cc]onfig.cmake")))
            elif m.group(2) == "FILEPATH" and (key in BUILD_TOOL_KEYS or key.endswith("_EXECUTABLE")) \
                    and os.path.isfile(value) and os.access(value, os.X_OK):
                files.add(value)
            elif m.group(2) == "FILEPATH" and key.startswith("KVROUTE_") and os.path.isfile(value):
                # Files the project's own configure found and builds in (Debian's Chart.js).
                files.add(value)
    return files


def link_inputs(build_dir):
    """Libraries named on the link lines (the -dev symlinks, static archives)."""
    files = set()
    for link in glob.glob(os.path.join(build_dir, "**", "link.txt"), recursive=True):
        with open(link, encoding="utf-8", errors="replace") as f:
            for token in f.read().split():
                if token.startswith("/") and os.path.isfile(token):
                    files.add(token)
    return files


def compiler_dependency_files(build_dir):
    """Headers every object file included, from the compiler's -MD output (*.o.d)."""
    files = set()
    for dep in glob.glob(os.path.join(build_dir, "**", "*.o.d"), recursive=True):
        with open(dep, encoding="utf-8", errors="replace") as f:
            text = f.read().replace("\\\n", " ")
        for token in text.split():
            if token.startswith("/") and not token.endswith(":"):
                files.add(token)
    return files


def build_rule_tools(build_dir):
    """Executables the generated build rules call (moc, rcc, uic, ...)."""
    files = set()
    for rules in glob.glob(os.path.join(build_dir, "**", "build.make"), recursive=True):
        with open(rules, encoding="utf-8", errors="replace") as f:
            for token in re.findall(r"(/usr/[^\s\"';]+)", f.read()):
                if os.path.isfile(token) and os.access(token, os.X_OK):
                    files.add(token)
    return files


def linked_libraries(build_dir):
    """Shared libraries the built binaries load, from ldd."""
    files = set()
    binaries = [p for d in ("bin", "tests", "fuzz") for p in glob.glob(os.path.join(build_dir, d, "*"))
                if os.path.isfile(p) and os.access(p, os.X_OK)]
    for binary in binaries:
        with open(binary, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        for m in re.finditer(r"=>\s+(/\S+)", out):
            files.add(m.group(1))
        for m in re.finditer(r"^\s+(/\S+)\s+\(", out, re.M):
            files.add(m.group(1))
    return files


def test_interpreters():
    """The tests' scripts run on python3; a fresh machine's is Debian's, whatever PATH says here."""
    return {"/usr/bin/python3"}


def candidates(path):
    """Names dpkg may know the file by: as given, resolved, and across the /usr merge."""
    names = [path, os.path.realpath(path)]
    for name in list(names):
        if name.startswith("/usr/lib/") or name.startswith("/usr/bin/") or name.startswith("/usr/sbin/"):
            names.append(name[len("/usr"):])
        elif name.startswith(("/lib/", "/lib64/", "/bin/", "/sbin/")):
            names.append("/usr" + name)
    seen, out = set(), []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def owners(files):
    """Maps each file to its owning package (None when no package owns it)."""
    result = {}
    pending = {f: candidates(f) for f in files}
    for attempt in range(4):
        query = {}
        for f, names in pending.items():
            if f not in result and attempt < len(names):
                query.setdefault(names[attempt], []).append(f)
        if not query:
            break
        keys = sorted(query)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            out = subprocess.run(["dpkg", "-S"] + chunk, capture_output=True, text=True).stdout
            for line in out.splitlines():
                m = re.match(r"^(.+?): (/.*)$", line)
                if not m or m.group(2) not in query:
                    continue
                package = m.group(1).split(",")[0].strip().split(":")[0]
                for f in query[m.group(2)]:
                    result.setdefault(f, package)
    return {f: result.get(f) for f in files}


def base_system():
    """What a minimal debootstrap system has before setup.sh runs."""
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Essential}\t${Priority}\n"],
                         capture_output=True, text=True, check=True).stdout
    base = set()
    for line in out.splitlines():
        name, essential, priority = (line.split("\t") + ["", ""])[:3]
        if essential == "yes" or priority == "required":
            base.add(name)
    return base


def dependencies(packages):
    """Direct Pre-Depends/Depends of each package as apt-get would choose them."""
    result = {}
    out = subprocess.run(
        ["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances"] + sorted(packages),
        capture_output=True, text=True).stdout
    current, in_alternatives, taking_providers = None, False, False
    for line in out.splitlines():
        if not line.startswith(" "):
            current = line.strip().split(":")[0]
            result[current] = set()
            in_alternatives = taking_providers = False
            continue
        m = re.match(r"^ ([ |])(PreDepends|Depends|Recommends|Suggests|[A-Za-z]+): (.+)$", line)
        if m:
            first = not in_alternatives  # " |Depends: a" then "  Depends: b" means a or b
            in_alternatives = m.group(1) == "|"
            target = m.group(3).strip()
            taking_providers = False
            if m.group(2) in ("PreDepends", "Depends") and first:
                if target.startswith("<"):
                    taking_providers = True  # a virtual package: its providers follow
                else:
                    result[current].add(target.split(":")[0])
            continue
        if taking_providers and line.startswith("    "):
            result[current].add(line.strip().split(":")[0])
    return result


def closure(roots):
    seen = set(roots)
    frontier = set(roots)
    while frontier:
        deps = dependencies(frontier)
        missing = frontier - set(deps)
        if missing:
            sys.exit("check_package_closure: apt-cache does not know "
                     + ", ".join(sorted(missing)) + " (run apt-get update)")
        frontier = set()
        for targets in deps.values():
            frontier.update(t for t in targets if t not in seen)
        seen.update(frontier)
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--also-build-dir", action="append", default=[],
                        help="another build directory to check when it exists (the fuzz build)")
    parser.add_argument("--packages", required=True)
    parser.add_argument("--drop", action="append", default=[])
    args = parser.parse_args()

    build_dirs = [os.path.realpath(args.build_dir)] + [
        os.path.realpath(d) for d in args.also_build_dir if os.path.isfile(os.path.join(d, "CMakeCache.txt"))]
    source_dir = os.path.realpath(os.path.join(os.path.dirname(args.packages), ".."))
    listed = [p for p in read_package_list(args.packages) if p not in args.drop]

    used = set()
    for build_dir in build_dirs:
        sources = {
            "CMake cache": cmake_cache_files(build_dir),
            "compiler dependency files": compiler_dependency_files(build_dir),
            "build rules": build_rule_tools(build_dir),
            "link lines": link_inputs(build_dir),
            "ldd": linked_libraries(build_dir),
            "test interpreters": test_interpreters(),
        }
        for name, files in sources.items():
            if not files and name in ("compiler dependency files", "ldd") and build_dir == build_dirs[0]:
                sys.exit(f"check_package_closure: found no {name} in {build_dir}: is it built?")
            used.update(f for f in files if outside(f, build_dirs + [source_dir]))

    owner = owners(sorted(used))
    unowned = sorted(f for f, p in owner.items() if p is None)
    needed = collections.defaultdict(list)
    for f, p in owner.items():
        if p:
            needed[p].append(f)

    available = closure(set(listed)) | base_system()
    missing = sorted(p for p in needed if p not in available)

    print(f"{len(used)} system files used by the build, owned by {len(needed)} packages; "
          f"{len(listed)} listed packages install {len(available)} with the base system")
    ok = True
    for p in missing:
        files = sorted(needed[p])
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        print(f"MISSING package {p}: not in {os.path.basename(args.packages)} nor pulled in by it; "
              f"needed by {shown}")
        ok = False
    home = os.path.expanduser("~")
    for f in unowned:
        if f.startswith(home + os.sep):
            print(f"note: {f} is a per-user tool of this machine, not part of the check")
            continue
        print(f"UNOWNED file {f}: no Debian package provides it; a fresh machine will not have it")
        ok = False
    print("package closure: " + ("complete" if ok else "INCOMPLETE"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
