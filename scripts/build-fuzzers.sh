#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) in build-fuzz with Debian's clang 19, which
# test.sh's ctest run then drives for 30 s each. Packages: clang-19 libclang-rt-19-dev
# (scripts/debian-packages.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${KVROUTE_JOBS:-$(nproc)}
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  echo "== configuring the fuzz build (clang-19, ASan/UBSan/libFuzzer)"
  # binutils' ar (pulled in by g++): CMake would otherwise take an llvm-ar a machine happens to
  # have, which a fresh one does not.
  CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_AR="$(command -v ar)" -DCMAKE_RANLIB="$(command -v ranlib)" \
    -DKVROUTE_BUILD_FUZZERS=ON -DKVROUTE_BUILD_GUI=OFF -DKVROUTE_BUILD_BENCH=OFF >/dev/null
fi
echo "== building the fuzzers (${jobs} jobs)"
cmake --build build-fuzz -j "${jobs}" --target fuzzers
